#!/bin/bash
# A user's jail through the real sshd (issue 12): with jailsh as the login
# shell, and with pam_jailsh.so in sshd's own PAM service, every ssh login
# of the user joins one jail, and work started over ssh outlives the
# connection for the linger:
#
#   - two ssh connections at once see each other's processes and /tmp;
#   - `nohup sleep &` over ssh, logout, a new ssh login sees it running;
#     after the linger it is gone, with the jail;
# (Through sshd's PAM stack: 30-ssh-pam.t.)
. "$(dirname "$0")/../lib/ssh.sh"
. "$TOP/tests/lib/integration.sh"
. "$TOP/tests/lib/capture.sh"
ssh_setup
RUN=$JAILSH_TEST_ROOT/run

ssh_user w "$J"
profile "$w" 'jail = "user"
linger = "3s"
volume "~" {}'
wh=$(home "$w")
jail_gone() {
	[ -z "$(live_pids "$1")" ] && [ ! -e "$RUN/user-$(id -u "$1").sock" ]
}

# --- jailsh as the login shell ------------------------------------------------------
jssh "$w" 'echo here > /tmp/jt-ssh; touch ~/one-up; while [ ! -e ~/one-stop ]; do sleep 0.1; done' &
one=$!
wait_for 15 test -e "$wh/one-up"
capture jssh "$w" 'cat /tmp/jt-ssh; ps -e -o args= | grep -c "one-stop"'
like "$OUT" "^here
[1-9]" "two ssh connections at once: one jail, one /tmp, each other's processes"
touch "$wh/one-stop"
wait "$one"
jssh "$w" 'nohup sh -c "sleep 30" >/dev/null 2>&1 &'
sleep 0.5
capture jssh "$w" 'ps -e -o args='
like "$OUT" "sh -c sleep 30" "nohup over ssh, logout: a new ssh login finds the job running"
ok "  ... which is gone, with the jail, after the linger" wait_for 15 jail_gone "$w"

done_testing
