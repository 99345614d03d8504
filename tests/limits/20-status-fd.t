#!/bin/bash
# jailsh --status-fd N: when the session ends, one JSON object and a newline
# on the caller's descriptor N, saying how it ended (exited/killed/refused,
# code or signal, and "reason" and "limit" when a limit caused it), who and
# which profile, duration_ms, cpu_ms and memory_peak. N must be an open
# descriptor of the caller, else exit 125 and nothing runs; N is not
# passed into the jail.
#
# Needs no cgroup: runs everywhere (as root). The JSON is read with
# python3's json module; the figures are checked against what the session
# did (a sleep for duration_ms, a busy loop for cpu_ms, an allocation for
# memory_peak), each with a session that did not do it as the control.
. "$(dirname "$0")/lib.sh"
setup

user u
uh=$(home "$u")
P=$CONF/users/$u.conf
PE=$(ere "$P")
T=$(mktemp -d /tmp/jt-status.XXXXXX)
at_exit "rm -rf '$T'"
S=$T/status
profile "$u" 'volume "~" {}'

# st COMMAND [JAILSH-ARGS...]: COMMAND in u's jail with --status-fd 3 on a
# fresh file $S; OUT, ERR, RC, EL.
st() {
	_c=$1; shift
	: > "$S"
	timed as_user "$u" timeout -k 5 40 "$J" --status-fd 3 "$@" -c "$_c" 3>"$S"
}

put_script "$u" busy.py <<'EOF'
import time
while time.process_time() < 1.0:
    pass
EOF
put_script "$u" mem.py <<'EOF'
import time
a = b"x" * (100 << 20)
time.sleep(0.2)
EOF

# --- exited -------------------------------------------------------------------
st 'exit 7'
is "$RC" 7 "exit 7 with --status-fd 3: jailsh exits 7"
is "$ERR" "" "  ... and prints nothing on stderr"
ok "  ... fd 3 got one JSON object on one line, ending with a newline ($(head -c 300 "$S"))" json_ok "$S"
is "$(js "$S" status code signal reason)" '"exited" 7 - -' \
	'  ... "status":"exited","code":7, and no "signal" nor "reason"'
is "$(js "$S" user)" "\"$u\"" "  ... \"user\" is the user's name"
is "$(js "$S" profile)" "\"$P\"" "  ... \"profile\" is the user's profile file"
for k in duration_ms cpu_ms memory_peak; do
	v=$(js_int "$S" "$k")
	ok "  ... \"$k\" is a non-negative integer ($v)" num_between "$v" 0 1e15
done
st 'exit 0'
is "$RC:$(js "$S" status code)" '0:"exited" 0' 'exit 0: "status":"exited","code":0'

# --- killed -------------------------------------------------------------------
st 'kill -KILL $$; sleep 5'
is "$RC" 137 "the shell kills itself with SIGKILL: exit 137"
is "$(js "$S" status signal reason)" '"killed" 9 -' \
	'  ... "status":"killed","signal":9, and no "reason" (no limit caused it)'
is "$ERR" "" "  ... and no extra line on stderr"
st 'kill -TERM $$; sleep 5'
is "$RC:$(js "$S" status signal reason)" '143:"killed" 15 -' \
	'SIGTERM: exit 143, "status":"killed","signal":15, no "reason"'

# --- duration_ms, cpu_ms, memory_peak --------------------------------------------
st 'sleep 1'
d=$(js_int "$S" duration_ms)
ok "sleep 1: duration_ms is at least 1000 and below 5000 ($d)" num_between "$d" 1000 4999
st 'true'
d0=$(js_int "$S" duration_ms)
c0=$(js_int "$S" cpu_ms)
m0=$(js_int "$S" memory_peak)
ok "true: duration_ms is below 1000 ($d0)" num_between "$d0" 0 999
ok "true: cpu_ms is below 400 ($c0)" num_between "$c0" 0 399
ok "true: memory_peak is below 50 MiB ($m0)" num_between "$m0" 0 52428799
# the busy loop is a child of the shell, not the shell itself
st 'python3 ~/busy.py; true'
c1=$(js_int "$S" cpu_ms)
is "$RC" 0 "a child using 1 s of cpu time: exit 0"
ok "  ... cpu_ms counts it: at least 900 ($c1)" num_between "$c1" 900 10000
ok "  ... and it grew by at least 700 over true's ($c0 -> $c1)" \
	num_between "$((c1 - c0))" 700 10000
# an orphan (its parent, a subshell, has ended: the jail's init reaps it)
rm -f "$uh/busy-done"
st '(python3 ~/busy.py; touch ~/busy-done) & wait; sh -c "(python3 ~/busy.py; touch ~/busy-done2) &"
while [ ! -e ~/busy-done2 ]; do sleep 0.1; done; sleep 0.3'
c2=$(js_int "$S" cpu_ms)
ok "a background child and then an orphan, each using 1 s of cpu time: cpu_ms counts both ($c2 >= 1800)" \
	num_between "$c2" 1800 10000
rm -f "$uh/busy-done" "$uh/busy-done2"
st 'python3 ~/mem.py; true'
m1=$(js_int "$S" memory_peak)
is "$RC" 0 "a child holding 100 MiB: exit 0"
ok "  ... memory_peak is at least 100 MiB ($m1 bytes)" num_between "$m1" 104857600 1e12
ok "  ... and below 1 GiB" num_between "$m1" 0 1073741823
diag "figures: duration_ms sleep 1 = $d, true = $d0; cpu_ms true = $c0, busy = $c1, two busy = $c2; memory_peak true = $m0, 100 MiB = $m1"

# --- reason "time" ----------------------------------------------------------------
profile "$u" 'volume "~" {}
max_time = 2'
st 'sleep 100'
is "$RC" 143 "max_time = 2, sleep 100: exit 143"
ok "  ... JSON ($(head -c 300 "$S"))" json_ok "$S"
is "$(js "$S" status signal reason limit)" '"killed" 15 "time" 2' \
	'  ... "status":"killed","signal":15,"reason":"time","limit":2'
d=$(js_int "$S" duration_ms)
ok "  ... duration_ms about 2000 ($d)" num_between "$d" 1900 6000
st 'trap "" TERM; sleep 100'
is "$RC:$(js "$S" status signal reason limit)" '137:"killed" 9 "time" 2' \
	'the same ignoring SIGTERM: exit 137, "status":"killed","signal":9,"reason":"time","limit":2'
st 'sleep 0.5; exit 3'
is "$RC:$(js "$S" status code reason)" '3:"exited" 3 -' \
	'max_time = 2 and a session that ends sooner: "exited", code 3, no "reason"'
profile "$u" 'volume "~" {}'

# --- the descriptor does not reach the jail ------------------------------------------
fds='ls -l /proc/self/fd | awk "NR > 1 { print \$9, \$11 }"'
st "$fds; echo junk >&3"
lst=$OUT
unlike "$lst" "$(ere "$S")" "--status-fd 3: nothing in the jail has the status file open"
is "$(printf '%s\n' "$lst" | awk '{ print $1 }' | tr '\n' ' ')" "0 1 2 3 " \
	"  ... the jailed ls has 0, 1, 2 and its own directory (3) only"
ok "  ... and the status file holds only jailsh's JSON ($(head -c 200 "$S"))" json_ok "$S"
is "$(js "$S" status code)" '"exited" 2' \
	"  ... which reports exit 2 (the shell's: writing to fd 3 in the jail failed)"
: > "$S"
capture as_user "$u" "$J" --status-fd 5 -c "$fds; echo junk >&5" 5>"$S"
unlike "$OUT" '^5 ' "--status-fd 5: descriptor 5 is not open in the jail"
unlike "$OUT" "$(ere "$S")" "  ... and nothing there has the status file open"
is "$(js "$S" status code)" '"exited" 2' \
	"  ... writing to fd 5 in the jail fails (exit 2 from the shell), in the JSON"
ok "  ... which is the only thing in the file" json_ok "$S"

# --- other forms ---------------------------------------------------------------------
# the JSON through a pipe, as a caller would read it
OUT=$(as_user "$u" "$J" --status-fd 3 -c 'echo to-stdout; exit 4' 3>&1 >/dev/null)
rc=$?
printf '%s\n' "$OUT" > "$T/piped"
is "$rc:$(js "$T/piped" status code)" '4:"exited" 4' \
	"--status-fd 3 on a pipe: the JSON comes through it (exit 4)"
# no -c: the shell reads its commands from standard input
: > "$S"
RC=0
printf 'echo from-stdin\nexit 5\n' | as_user "$u" "$J" --status-fd 3 3>"$S" > "$T/out" 2>&1 || RC=$?
is "$RC:$(cat "$T/out")" "5:from-stdin" "jailsh --status-fd 3 without -c: the shell reads stdin, exits 5"
is "$(js "$S" status code)" '"exited" 5' "  ... and the JSON says so"

# --- bad descriptors: refused, nothing runs ---------------------------------------------
for n in 9 abc 3x -1 '' 99999999999 -c; do
	rm -f "$uh/ran"
	capture as_user "$u" timeout 20 "$J" --status-fd "$n" -c 'echo RAN; touch ~/ran'
	case $n in 9) why="not an open descriptor" ;; *) why="not a descriptor number" ;; esac
	is "$RC" 125 "--status-fd '$n' ($why): exit 125"
	like "$ERR" "^jailsh: --status-fd $(ere "$n")" "  ... stderr says \"jailsh: --status-fd $n: ...\""
	ok "  ... and the command did not run" test -z "$OUT" -a ! -e "$uh/ran"
done
rm -f "$uh/ran"
capture as_user "$u" timeout 20 "$J" --status-fd
is "$RC" 125 "--status-fd without a number: exit 125"
like "$ERR" "^jailsh: .*status-fd" "  ... and stderr says what is wrong"

# --- refused sessions ---------------------------------------------------------------
profile "$u" 'volume "~" {}
no_such_option = 1'
rm -f "$uh/ran"
st 'echo RAN; touch ~/ran'
is "$RC" 125 "a profile that does not parse: exit 125"
ok "  ... the command did not run" test -z "$OUT" -a ! -e "$uh/ran"
ok "  ... and the JSON is there ($(head -c 300 "$S"))" json_ok "$S"
is "$(js "$S" status code)" '"refused" 125' '  ... "status":"refused","code":125'
like "$(js "$S" error)" "$PE:2: .*no_such_option" '  ... "error" has the message (file:line and the option)'
profile "$u" "volume \"~\" {}
volume \"/nonexistent-jt-$$\" {}"
st 'echo RAN; touch ~/ran'
is "$RC:$(js "$S" status code)" '125:"refused" 125' \
	'a volume that does not exist (the jail cannot be built): exit 125, "status":"refused","code":125'
like "$(js "$S" error)" "nonexistent-jt-$$" '  ... and "error" names the volume'
ok "  ... the command did not run" test -z "$OUT" -a ! -e "$uh/ran"

done_testing
