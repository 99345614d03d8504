#!/bin/bash
# jailsh as sshd's ForceCommand for a user whose login shell stays /bin/sh,
# deployed as README.md says (snippets sshd-jailed, sshd-forcecommand and
# setup-forcecommand, with the names replaced), behind Debian's real sshd:
# every way in (tests/lib/ssh-paths.sh) works in the home volume, fails on the
# read-only host tree and runs in the jail, through "sh -c jailsh" and
# SSH_ORIGINAL_COMMAND. The forced command is used once: it is not in the
# jail's environment, and "ssh HOST jailsh" runs a jailsh in the jail that
# starts a login shell instead of running itself again and again. The
# sessions' pid namespace is not the host's; afterwards the host's mount
# table is as it was and nothing of the user runs.
. "$(dirname "$0")/../lib/ssh.sh"
. "$TOP/tests/lib/ssh-paths.sh"

require_root
# the private installation now (ssh_setup would make it), for the path in
# the ForceCommand line of the configuration sshd starts with
_ensure_install
g=jtg$$
gs=jtf$$
ssh_setup "$(readme_snippet sshd-jailed jailed "$g")
$(readme_snippet sshd-forcecommand jailed-ssh "$gs" /usr/sbin/jailsh "$J")"
for c in scp sftp rsync git ssh-agent ssh-add; do
	command -v "$c" >/dev/null || skip_all "no $c"
done
[ -x /bin/bash ] || skip_all "no /bin/bash"
# the group of sshd-jailed's Match block (no user of this test is in it)
groupadd "$g" || { echo "Bail out! groupadd $g"; exit 1; }
at_exit "groupdel '$g' 2>/dev/null"
before=$(host_mounts)

ssh_user u
# the snippet makes the group; it goes when the test ends
at_exit "groupdel '$gs' 2>/dev/null"
readme_snippet setup-forcecommand jailed-ssh "$gs" bob "$u" | bash -e
is "$(getent passwd "$u" | cut -d: -f7)" /bin/sh \
	"setup-forcecommand: the user's login shell is /bin/sh"
like " $(id -Gn "$u") " " $gs " "setup-forcecommand: the user is in the group of the Match block"
like "$(cat "$SSHD_DIR/sshd_config")" "^ +ForceCommand $(ere "$J")\$" \
	"sshd_config: ForceCommand is the jailsh under test"
conf='shell = "/bin/bash"
ssh_agent = yes
volume "~" {}'
profile "$u" "$conf"

# --- the session is jailed -----------------------------------------------------
host_ns=$(readlink /proc/self/ns/pid)
capture jssh "$u" 'readlink /proc/self/ns/pid; echo "P=$$ S=$SHELL"'
like "$OUT" '^pid:\[[0-9]+\]$' "ssh CMD: the session has a pid namespace"
unlike "$OUT" "^$(ere "$host_ns")\$" "  ... which is not the host's ($host_ns)"
like "$OUT" '^P=2 S=/bin/bash$' "  ... in which the profile's shell is pid 2"

# --- the forced command is used once --------------------------------------------
capture jssh "$u" 'echo "O=${SSH_ORIGINAL_COMMAND-unset} P=$$"'
is "$OUT" "O=unset P=2" "SSH_ORIGINAL_COMMAND is not in the jail (the command ran, as pid 2)"

# "ssh HOST jailsh": the jailsh under test, reachable in the jail as
# /usr/local/bin/jailsh (first in sshd's PATH; the private installation
# is under /tmp, which the jail's /tmp hides), without privilege there
# (nosuid). Had SSH_ORIGINAL_COMMAND ("jailsh") reached it, it would run
# "bash -c jailsh" again, without end.
profile "$u" "$conf
map \"$(dirname "$J")\" { target = \"/usr/local/bin\" }"
capture jssh "$u" 'command -v jailsh'
is "$OUT" /usr/local/bin/jailsh "control: in the jail, jailsh is /usr/local/bin/jailsh"
t0=$(now_ms)
capture timeout 20 ssh $(ssh_opts) -p "$SSHD_PORT" "$u@127.0.0.1" jailsh </dev/null
t=$(($(now_ms) - t0))
is "$RC" 0 "ssh HOST jailsh, empty stdin: ends with status 0"
ok "  ... within a few seconds (${t} ms), it does not loop" [ "$t" -lt 5000 ]
capture timeout 20 ssh $(ssh_opts) -p "$SSHD_PORT" "$u@127.0.0.1" jailsh \
	<<<'echo "Z=$0 O=${SSH_ORIGINAL_COMMAND-unset} P=$$"'
# bash -c jailsh execs jailsh, which finds itself in a jail and execs the
# shell in place: still pid 2. The configuration directory is under /tmp
# too, so the built-in default applies: the login shell, /bin/sh.
is "$OUT" "Z=-sh O=unset P=2" \
	"ssh HOST jailsh: a login shell (/bin/sh, pid 2, in place) reads stdin, no forced command"
profile "$u" "$conf"

check_paths "$u" forcecommand

# --- nothing left ------------------------------------------------------------------
is "$(host_mounts)" "$before" "after all the sessions the host's mount table is unchanged"
ok "no process of the user is left" no_processes "$u"

done_testing
