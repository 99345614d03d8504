#!/bin/bash
# The rlimit section, as the limits work reports and enforces it:
#
#   cpu        a busy loop under rlimit cpu = 1 dies of SIGXCPU after about
#              1 s of cpu time: exit 152, "jailsh: session killed: cpu time
#              limit reached (rlimit cpu = 1s)" on stderr, "reason":"cpu"
#              with "limit":1 in the --status-fd JSON. A SIGXCPU that the
#              limit did not cause (kill -XCPU $$) gets no line and no
#              reason.
#   values     the rlimits that tests/integration/90-env.t does not look at
#              (as, data, stack, memlock, msgqueue, sigpending, rss), soft
#              and hard, each set below what the caller has (control: the
#              caller's own values without the section); "unlimited".
#   enforced   nofile = 64: no descriptor above 63 can be opened; fsize =
#              1M: a 2 MiB write stops at 1 MiB with SIGXFSZ.
#
# Needs no cgroup: runs everywhere (as root).
. "$(dirname "$0")/lib.sh"
setup

user u
uh=$(home "$u")
T=$(mktemp -d /tmp/jt-rlimits.XXXXXX)
at_exit "rm -rf '$T'"
S=$T/status
CPULINE='jailsh: session killed: cpu time limit reached (rlimit cpu = 1s)'

# st PROFILE-TAIL COMMAND: COMMAND in u's jail (bash) with --status-fd 3 on
# $S; OUT, ERR, RC, EL.
st() {
	profile "$u" "shell = \"/bin/bash\"
volume \"~\" {}
$1"
	: > "$S"
	timed as_user "$u" timeout -k 5 60 "$J" --status-fd 3 -c "$2" 3>"$S"
}

# --- cpu -----------------------------------------------------------------------
st 'rlimit { cpu = 1 }' 'while :; do :; done'
is "$RC" 152 "rlimit cpu = 1, the shell in a busy loop: killed by SIGXCPU, exit 152"
ok "  ... after about 1 s (${EL}s)" num_between "$EL" 0.9 6
is "$ERR" "$CPULINE" "  ... stderr has exactly the cpu line"
ok "  ... JSON ($(head -c 300 "$S"))" json_ok "$S"
is "$(js "$S" status signal reason limit)" '"killed" 24 "cpu" 1' \
	'  ... "status":"killed","signal":24,"reason":"cpu","limit":1'
# (the kernel counts the cpu time for RLIMIT_CPU in ticks; on a loaded
# host the process's precise cpu time, which cpu_ms is, can be 15% less)
c=$(js_int "$S" cpu_ms)
ok "  ... and cpu_ms is about 1000 ($c)" num_between "$c" 700 3000

# the limit is per process: a child dies of it, the shell goes on
st 'rlimit { cpu = 1 }' 'python3 -c "while True: pass"; echo "child=$?"'
is "$RC:$OUT" "0:child=152" "rlimit cpu = 1, a busy child: the child dies of SIGXCPU (152), the shell exits 0"

# SIGXCPU that no limit caused
st 'rlimit { cpu = 100 }' 'kill -XCPU $$; sleep 5'
is "$RC" 152 "rlimit cpu = 100, the shell sends itself SIGXCPU at once: exit 152"
is "$ERR" "" "  ... no cpu line: the limit (100 s, hardly used) did not cause it"
is "$(js "$S" status signal reason)" '"killed" 24 -' '  ... and no "reason" in the JSON'
# a SIGKILL that the limit did not cause either, after 2.1 s of cpu time in
# the session, 0.7 s in each of three children (the limit is per process;
# 0.7 s is well below it: the kernel counts cpu time for RLIMIT_CPU in
# ticks, which on a loaded host runs up to 15% ahead of the process's own
# clock)
put_script "$u" busy.py <<'EOF'
import time
while time.process_time() < 0.7:
    pass
EOF
st 'rlimit { cpu = 1 }' 'python3 ~/busy.py; python3 ~/busy.py; python3 ~/busy.py; kill -KILL $$; sleep 5'
is "$RC" 137 "rlimit cpu = 1, three children use 0.7 s of cpu each, then the shell kills itself with SIGKILL: exit 137"
is "$ERR" "" "  ... no cpu line: no process reached the limit"
is "$(js "$S" status signal reason)" '"killed" 9 -' '  ... and no "reason" in the JSON'
st '' 'kill -XCPU $$; sleep 5'
is "$RC:$ERR" "152:" "no rlimit at all, kill -XCPU \$\$: exit 152, nothing on stderr"
is "$(js "$S" status signal reason)" '"killed" 24 -' '  ... and no "reason" in the JSON'
st 'rlimit { cpu = 5 }' 'true'
is "$RC:$ERR:$(js "$S" status code reason)" '0::"exited" 0 -' \
	'rlimit cpu = 5, true: exit 0, nothing on stderr, no "reason"'

# --- values: soft and hard ------------------------------------------------------
# the caller's limits are lowered (never raised: root here may lack
# CAP_SYS_RESOURCE) so that each differs from what the profile sets, and
# the stack's soft limit from its hard one (and stays below 8 MiB: the
# kernel caps a larger soft stack limit at 8 MiB when it runs a setuid
# program)
show='for o in v d s l q i m; do printf "%s=%s/%s " $o $(ulimit -S$o) $(ulimit -H$o); done'
in_limits() {
	(ulimit -Sv 3000000 && ulimit -Hv 4000000 && ulimit -d 3000000 &&
		ulimit -Ss 6000 && ulimit -Hs 60000 && ulimit -l 128 &&
		ulimit -q 800000 && ulimit -i 1000 && ulimit -m 3000000 &&
		timeout 20 setpriv --reuid="$u" --regid="$(id -g "$u")" \
			--init-groups --reset-env "$J" -c "$show")
}
profile "$u" 'shell = "/bin/bash"
volume "~" {}'
is "$(in_limits)" "v=3000000/4000000 d=3000000/3000000 s=6000/60000 l=128/128 q=800000/800000 i=1000/1000 m=3000000/3000000 " \
	"control: without an rlimit section the caller's limits come through"
profile "$u" 'shell = "/bin/bash"
volume "~" {}
rlimit {
	as = "512M"
	data = "256M"
	stack = "4M"
	memlock = "64K"
	msgqueue = "400K"
	sigpending = 100
	rss = "32M"
}'
is "$(in_limits)" "v=524288/524288 d=262144/262144 s=4096/4096 l=64/64 q=409600/409600 i=100/100 m=32768/32768 " \
	"the profile's as, data, stack, memlock, msgqueue, sigpending, rss apply, soft = hard"
profile "$u" 'shell = "/bin/bash"
volume "~" {}
rlimit { as = "unlimited"  data = "infinity" }'
capture bash -c 'ulimit -Sv 3000000 && ulimit -Sd 3000000 &&
	exec timeout 20 setpriv --reuid="$0" --regid="$(id -g "$0")" --init-groups --reset-env "$1" -c "$2"' \
	"$u" "$J" 'echo $(ulimit -Sv)/$(ulimit -Hv) $(ulimit -Sd)/$(ulimit -Hd)'
is "$OUT" "unlimited/unlimited unlimited/unlimited" \
	'as = "unlimited", data = "infinity": the caller'\''s lowered soft limits go back up to unlimited'

# --- enforced ---------------------------------------------------------------------
put_script "$u" fds.py <<'EOF'
import os
top = -1
try:
    while True:
        top = os.open("/dev/null", os.O_RDONLY)
except OSError as e:
    print("TOP=%d ERR=%s" % (top, e.strerror))
EOF
st 'rlimit { nofile = 64 }' 'python3 ~/fds.py'
is "$OUT" "TOP=63 ERR=Too many open files" "rlimit nofile = 64: descriptors up to 63 open, then EMFILE"
st '' 'python3 ~/fds.py'
like "$OUT" '^TOP=[0-9]+ ' "control: without it, more ($OUT)"
ok "  ... well above 63" num_between "$(printf '%s' "$OUT" | sed 's/^TOP=\([0-9]*\).*/\1/')" 200 1e9

rm -f "$uh/big"
st 'rlimit { fsize = "1M" }' 'head -c 2M /dev/zero > ~/big; echo "head=$?"'
is "$OUT" "head=153" "rlimit fsize = 1M: writing 2 MiB, head dies of SIGXFSZ (153)"
is "$(stat -c %s "$uh/big" 2>/dev/null)" 1048576 "  ... and the file stops at 1 MiB"
rm -f "$uh/big"
st '' 'head -c 2M /dev/zero > ~/big; echo "head=$?"'
is "$OUT:$(stat -c %s "$uh/big" 2>/dev/null)" "head=0:2097152" "control: without it, the 2 MiB are written"
rm -f "$uh/big"

ok "nothing of the user is left running" no_live_processes "$u"

done_testing
