#!/bin/bash
# max_time that no user can stretch (issue 16). A second review kept jailed
# processes running long past max_time, without privilege:
#
#   - stopped init: any unjailed process of the same user sent the jail's
#     init (which runs as the user) SIGSTOP; init alone enforced max_time.
#     The same for the PAM module's holder;
#   - stuck writer: once the shell had ended, init waited without limit for
#     the outer jailsh, which first wrote its end report: a line on a
#     terminal whose output a background job had stopped (TCOOFF), or the
#     JSON account on a --status-fd pipe that was full and never read.
#
# Each attack runs a beat in the jail, a loop that ignores SIGTERM and
# SIGHUP and appends the time to ~/beat every 0.2 s (setsid, so that it is
# in no job of the shell's), and shows that it stops, and nothing of the
# jail is left, by the time the limit allows: max_time + init's grace
# (5 s) + the warden's margin (1 s) + 2 s of slack for a loaded machine for
# a stopped init; for a stuck writer, shortly after the shell ended (the
# jail ends before the report is written, and the write gives up after a
# second). Positive controls: the stop took (init's state is T), the
# terminal's output was stopped and the pipe full (the report could not be
# written: the terminal shows no report line, the pipe got no JSON).
. "$(dirname "$0")/modes.sh"
esc_setup
esc_modes

# The times are the uptime (/proc/uptime, integration.sh's now, the same
# inside the jail), not the wall clock, which a time service may step
# while the test runs.
BEAT='trap "" TERM HUP; while :; do cut -d" " -f1 /proc/uptime >> ~/beat; sleep 0.2; done'
DRIVE=$TOP/tests/lib/pty-drive

# beats USER: the number of beats so far
beats() { { wc -l < "$(home "$1")/beat"; } 2>/dev/null || echo 0; }
# first_beat USER, last_beat USER: the times of the first and the last
first_beat() { head -n 1 "$(home "$1")/beat" 2>/dev/null; }
last_beat() { tail -n 1 "$(home "$1")/beat" 2>/dev/null; }
# jail_init USER: the host pid of USER's jail's init (pid 1 of its pid
# namespace; it runs as the user)
jail_init() {
	for _p in $(live_pids "$1"); do
		awk -v p="$_p" '/^NSpid:/ && NF == 3 && $3 == 1 { print p }' \
			"/proc/$_p/status" 2>/dev/null
	done | head -n 1
}
# has_beat USER: the beat has begun
has_beat() { [ "$(beats "$1")" -gt 0 ]; }
# stopped PID: the process is stopped (state T)
stopped() { [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = T ]; }
# end_all USER: what is left of USER's (a jail that outlived its limit, on
# the code this test was written against) is killed, so that the test
# goes on
end_all() { for _p in $(pgrep -u "$1"); do kill -KILL "$_p" 2>/dev/null; done; }
# sleep_until T: sleeps until the uptime is T
sleep_until() { awk -v t="$1" -v n="$(now)" 'BEGIN { d = t - n; if (d > 0) system("sleep " d) }'; }

# quiet USER LABEL DEADLINE: TAP: by DEADLINE (an uptime), the beat has
# stopped and nothing of USER is left in a jail; checked at DEADLINE and
# one second later
quiet() {
	local h n1 n2 last left
	h=$(home "$1")
	sleep_until "$3"
	n1=$(beats "$1")
	sleep 1
	n2=$(beats "$1")
	last=$(last_beat "$1")
	left=$(jail_pids "$1" | tr '\n' ' ')
	is "$n2" "$n1" "$2: the beat has stopped by then"
	if awk -v l="${last:-0}" -v d="$3" 'BEGIN { exit !(l + 0 < d + 0) }'; then
		pass "$2: its last beat ($last) came before the deadline ($3)"
	else
		fail "$2: its last beat ($last) came before the deadline ($3)"
		diag "the first beat at $(first_beat "$1"), $n2 beats in all"
	fi
	is "$left" "" "$2: nothing of the jail is left"
}

# --- a stopped init ---------------------------------------------------------------
# stopped_init MODE: a session of max_time = 3 whose init the user stops
# from outside right after the start
stopped_init() {
	local m=$1 u label init t0
	label="$(mode_name "$m"): init stopped by the user"
	esc_user u "$m"
	esc_profile "$u" 'max_time = 3'
	case $m in
	W) as_user "$u" "$J" -c "setsid sh -c '$BEAT' & sleep 60" >/dev/null 2>&1 & ;;
	P) pamrun "$u" -c "setsid sh -c '$BEAT' & sleep 60" </dev/null >/dev/null 2>&1 & ;;
	esac
	if ! wait_for 10 has_beat "$u"; then
		fail "$label: the session started"
		return
	fi
	t0=$(first_beat "$u")
	init=$(jail_init "$u")
	[ -n "$init" ] && as_user "$u" kill -STOP "$init"
	if [ -n "$init" ] && wait_for 2 stopped "$init"; then
		pass "control: $label: the user (outside the jail) stopped init ($init)"
	else
		skip "control: $label: init ($init) could not be stopped"
		diag "$(awk -v t="$t0" -v n="$(now)" 'BEGIN { printf "%.1f", n - t }') s after the first beat; init's state: $(awk '{ print $3 }' "/proc/$init/stat" 2>&1); the user's processes: $(ps -o pid=,stat=,args= -u "$u" | tr '\n' ';')"
		skip "$label: skipped, the control failed"
		skip "$label: skipped, the control failed"
		skip "$label: skipped, the control failed"
		kill -KILL "$init" 2>/dev/null
		return
	fi
	# max_time + 5 s grace + 1 s margin + 2 s slack
	quiet "$u" "$label" "$(awk -v t="$t0" 'BEGIN { printf "%.3f", t + 11 }')"
	end_all "$u"
	wait
}

for m in $MODES; do
	stopped_init "$m"
done
# and where the session has a cgroup: the warden kills that too
if [ -f "$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)/cgroup.controllers" ]; then
	CGP=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)/jt-maxtime-$$
	mkdir -m 755 "$CGP" && at_exit "find '$CGP' -depth -type d -exec rmdir {} + 2>/dev/null"
	printf 'cgroup_parent = "%s"\n' "$CGP" > "$CONF/jailsh.conf"
	chmod 644 "$CONF/jailsh.conf"
	at_exit "rm -f '$CONF/jailsh.conf'"
	for m in $MODES; do
		stopped_init "$m"
	done
	rm -f "$CONF/jailsh.conf"
else
	diag "no cgroup v2 mount: the stopped init with a cgroup is not run"
fi

# --- a stuck writer ---------------------------------------------------------------------
# The shell burns its cpu limit (1 s) and is killed, which makes jailsh
# report a limit on stderr and in the --status-fd JSON. max_time = 4.
esc_user w W
esc_profile "$w" 'max_time = 4
rlimit { cpu = 1 }'
wh=$(home "$w")
BURN="exec $PY -c 'while 1: pass'"

# on a terminal whose output a background job stopped (TCOOFF)
rm -f "$wh/beat"
"$PY" "$DRIVE" setpriv --reuid="$w" --regid="$(id -g "$w")" --init-groups \
	--reset-env -- "$J" -c "setsid sh -c '$BEAT' &
	$PY -c 'import termios; termios.tcflow(1, termios.TCOOFF)'; $BURN" \
	> "$_state/tty.out" 2>&1 <<'EOF' &
sleep 12
EOF
drive=$!
if wait_for 10 has_beat "$w"; then
	t0=$(first_beat "$w")
	# the shell ends at about 1 s (cpu); the jail right with it, and the
	# outer jailsh within a second of trying to write
	quiet "$w" "terminal output stopped" "$(awk -v t="$t0" 'BEGIN { printf "%.3f", t + 4 }')"
	ok "terminal output stopped: the outer jailsh has given up and ended" \
		sh -c "! ps -o pid= -u '$w' | grep -q ."
	end_all "$w"
	wait "$drive"
	unlike "$(cat "$_state/tty.out")" "cpu limit" \
		"control: the report line never reached the stopped terminal"
else
	fail "terminal output stopped: the session started"
	end_all "$w"
	wait "$drive"
fi

# on a --status-fd pipe that is full and never read
rm -f "$wh/beat"
put_script "$w" fullpipe.py <<'EOF'
import fcntl, os, subprocess, sys
j, cmd = sys.argv[1], sys.argv[2]
# the pipe's ends above 3, so that the write end can become 3
r, w = (fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in os.pipe())
flags = fcntl.fcntl(w, fcntl.F_GETFL)
fcntl.fcntl(w, fcntl.F_SETFL, flags | os.O_NONBLOCK)
for size in (65536, 4096, 1):
    try:
        while True:
            os.write(w, b"x" * size)
    except BlockingIOError:
        pass
fcntl.fcntl(w, fcntl.F_SETFL, flags)
os.dup2(w, 3)
p = subprocess.run([j, "--status-fd", "3", "-c", cmd], pass_fds=(3,),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
fcntl.fcntl(r, fcntl.F_SETFL, os.O_NONBLOCK)
data = b""
try:
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        data += chunk
except BlockingIOError:
    pass
print("rc=%d json=%s" % (p.returncode, b"{" in data))
EOF
as_user "$w" "$PY" "$wh/fullpipe.py" "$J" "setsid sh -c '$BEAT' & $BURN" \
	> "$_state/pipe.out" 2>&1 &
piper=$!
if wait_for 10 has_beat "$w"; then
	t0=$(first_beat "$w")
	quiet "$w" "status pipe full" "$(awk -v t="$t0" 'BEGIN { printf "%.3f", t + 4 }')"
	ok "status pipe full: jailsh has given up and ended" \
		wait_for 2 sh -c "! kill -0 $piper 2>/dev/null"
	end_all "$w"
	wait "$piper"
	like "$(cat "$_state/pipe.out")" "^rc=(152|137) json=False" \
		"control: the JSON could not be written to the full pipe; jailsh exited with the shell's status"
else
	fail "status pipe full: the session started"
	end_all "$w"
	wait "$piper"
	diag "$(cat "$_state/pipe.out")"
fi

done_testing
