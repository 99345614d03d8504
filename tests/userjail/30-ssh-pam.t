#!/bin/bash
# A user's jail through sshd's PAM stack (issue 12): pam_jailsh.so in
# sshd's own service, a user whose login shell is bash: two ssh logins are
# in one pid namespace that is not the host's, the second finds the
# first's job, and the jail goes after the linger.
. "$(dirname "$0")/../lib/pam.sh"
sshd_with_pam
RUN=$JAILSH_TEST_ROOT/run
jail_gone() {
	[ -z "$(live_pids "$1")" ] && [ ! -e "$RUN/user-$(id -u "$1").sock" ]
}
ssh_user b /bin/bash
profile "$b" 'jail = "user"
linger = "3s"
volume "~" {}'
bh=$(home "$b")
jssh "$b" 'readlink /proc/self/ns/pid > ~/pid-one; nohup sleep 30 >/dev/null 2>&1 &'
capture jssh "$b" 'readlink /proc/self/ns/pid; ps -e -o comm= | grep -c "^sleep"'
is "$OUT" "$(cat "$bh/pid-one")
1" "PAM: a second ssh login joins the first one's jail, and finds its job"
unlike "$(cat "$bh/pid-one")" "$(readlink /proc/self/ns/pid)" "  ... whose pid namespace is not the host's"
ok "  ... the jail goes after the linger" wait_for 15 jail_gone "$b"

done_testing
