#!/bin/bash
# jailsh as the login shell, deployed as README.md says ("Deploying with
# sshd", snippets sshd-jailed and setup-login-shell, with the names
# replaced), behind Debian's real sshd: every way in (tests/lib/ssh-paths.sh:
# ssh -tt, ssh CMD, scp, scp -O, sftp, rsync, git, agent forwarding) works
# in the home volume, fails on the read-only host tree, and runs in the
# jail; the sessions' pid namespace is not the host's; afterwards the
# host's mount table is as it was and nothing of the user runs.
. "$(dirname "$0")/../lib/ssh.sh"
. "$TOP/tests/lib/ssh-paths.sh"

g=jtg$$
ssh_setup "$(readme_snippet sshd-jailed jailed "$g")"
for c in scp sftp rsync git ssh-agent ssh-add; do
	command -v "$c" >/dev/null || skip_all "no $c"
done
[ -x /bin/bash ] || skip_all "no /bin/bash"
before=$(host_mounts)

ssh_user u
# the snippet makes the group; it goes when the test ends
at_exit "groupdel '$g' 2>/dev/null"
readme_snippet setup-login-shell jailed "$g" alice "$u" \
	/usr/sbin/jailsh "$J" /etc/jailsh "$CONF" | bash -e
is "$(getent passwd "$u" | cut -d: -f7)" "$J" \
	"setup-login-shell: jailsh is the user's login shell"
like " $(id -Gn "$u") " " $g " "setup-login-shell: the user is in the group of the Match block"
is "$(cat "$CONF/users/$u.conf")" 'shell = "/bin/bash"
ssh_agent = yes
volume "~" {}' "setup-login-shell: the user's profile"

# --- the session is jailed -----------------------------------------------------
host_ns=$(readlink /proc/self/ns/pid)
capture jssh "$u" 'readlink /proc/self/ns/pid; echo "P=$$"'
like "$OUT" '^pid:\[[0-9]+\]$' "ssh CMD: the session has a pid namespace"
unlike "$OUT" "^$(ere "$host_ns")\$" "  ... which is not the host's ($host_ns)"
like "$OUT" '^P=2$' "  ... in which the shell is pid 2"

check_paths "$u" login-shell

# --- nothing left ------------------------------------------------------------------
is "$(host_mounts)" "$before" "after all the sessions the host's mount table is unchanged"
ok "no process of the user is left" no_processes "$u"

done_testing
