#!/bin/bash
# 50 concurrent ssh sessions of one login-shell user (jailsh as the login
# shell; bash and the home directory as a volume in the profile), started
# together as background jobs. Each runs a short command that writes a
# token of its own into the home volume and prints it with what it sees
# inside its jail, then waits until all 50 have printed theirs, so that
# the 50 jails exist at the same time (a namespace's inode number is
# reused once it is freed: only namespaces alive together must differ).
# All 50 exit 0 and print their own token (nobody gets another session's
# output or file), each shell is pid 2 of its own pid namespace, and the
# 50 mount namespaces are all different from each other and from the
# host's. Afterwards nothing of the user runs and the host's mount table
# is as it was.
. "$(dirname "$0")/../lib/ssh.sh"
. "$(dirname "$0")/../lib/integration.sh"
ssh_setup
[ -x /bin/bash ] || skip_all "no /bin/bash"

N=50
ssh_user u
profile "$u" 'shell = "/bin/bash"
volume "~" {}'
T=$SSHD_DIR	# removed at exit
uh=$(home "$u")
host_mnt=$(readlink /proc/self/ns/mnt)
before=$(host_mounts)

t0=$(now_ms)
# all at the same time: each waits for ~/go once it has printed its line
ok "all $N sessions run at the same time" ssh_together "$u" $N "$T"
t_all=$(now_ms)
diag "$N concurrent sessions: $((t_all - t0)) ms until all had printed their line"
# as the host sees them: the user's processes in mount namespaces other
# than the host's
is "$(for p in $(live_pids "$u"); do readlink "/proc/$p/ns/mnt"; done |
	grep -vxF "$host_mnt" | sort -u | wc -l | tr -d ' ')" $N \
	"  ... in $N mount namespaces of their own, as the host sees them"
ssh_together_end
t1=$(now_ms)
diag "$N concurrent sessions: $((t1 - t0)) ms until the last had ended"

is "$failed" "" "all $N sessions exit 0"
for i in ${failed}; do diag "session ${i%%:*}: $(head -c 300 "$T/err.${i%%:*}")"; done
is "$wrong" "" "each printed its own token, and read back its own file from the home volume"
is "$notpid2" "" "in each, the shell was pid 2"
is "$(grep -c '^mnt:\[[0-9]*\]$' "$T/mnts")" $N "each reported its mount namespace"
is "$(sort -u "$T/mnts" | wc -l | tr -d ' ')" $N "the $N mount namespaces are all different"
ok "  ... and none is the host's ($host_mnt)" eval '! grep -qxF "$host_mnt" "$T/mnts"'
is "$(ls "$uh" | grep -c '^tok\.')" $N "the $N files are in the home directory on the host"
ok "afterwards nothing of the user runs" no_live_processes "$u"
is "$(host_mounts)" "$before" "  ... and the host's mount table is unchanged"

done_testing
