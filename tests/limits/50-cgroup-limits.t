#!/bin/bash
# The cgroup limits, enforced (cgroup_parent set, the controllers there):
#
#   memory_max     a memory bomb is killed (exit 137), "jailsh: session
#                  killed: memory limit reached (memory_max = 64M, peak ...)"
#                  on stderr, "reason":"memory" with "limit":67108864 and a
#                  peak near it in the JSON; 16 MiB fit (control)
#   pids_max       a fork bomb (100 forks of sleeping children) never has
#                  more than 32 processes in the jail, while the same user
#                  outside still forks; "jailsh: session hit its process
#                  limit (pids_max = 32) N times", N the forks refused;
#                  without the limit all 100 forks succeed (control)
#   cpu_max        a busy loop for 5 s gets 50% +- 10% of one CPU (usage_usec
#                  of the session's cpu.stat); without it, all of one CPU;
#                  "100%" with two loops: one CPU, not two
#   user_pids_max  shared by two concurrent sessions of the user: together
#                  they stay under it
#   the files      memory_high, cpu_weight, io_weight (and the others) are
#                  in the session's and the user's cgroup files, inside and
#                  out; without limits they hold the kernel's defaults
#
# Skips (whole or in part) where the cgroup v2 hierarchy offers no memory,
# pids or cpu controller, as on a hybrid host; tests/vm runs it in a guest
# with them all, with JAILSH_TEST_CGROUP_PARENT set.
. "$(dirname "$0")/lib.sh"
setup
no_stray_jconf
cg_setup memory pids cpu io || skip_all "no cgroup v2 hierarchy to use: $CG_WHY"
if ! cg_has memory && ! cg_has pids && ! cg_has cpu; then
	skip_all "no memory, pids or cpu controller in the cgroup v2 hierarchy ($CG_T is offered: '${CG_HAVE}'); tests/vm/run has them"
fi
diag "cgroup_parent for the test: $CG_T (controllers offered: $CG_HAVE)"
jconf "cgroup_parent = \"$CG_T\""

user u
uh=$(home "$u")
uid=$(id -u "$u")
T=$(mktemp -d /tmp/jt-cglimits.XXXXXX)
at_exit "rm -rf '$T'"
S=$T/status
UD=$(cg_user_dir "$uid")

# st PROFILE-TAIL COMMAND: COMMAND in u's jail under 'volume "~" {}' and
# PROFILE-TAIL, with --status-fd 3 on $S; OUT, ERR, RC, EL.
setp() { profile "$u" "volume \"~\" {}
$1"; }
st() {
	setp "$1"
	: > "$S"
	timed as_user "$u" timeout -k 5 90 "$J" --status-fd 3 -c "$2" 3>"$S"
}
# start_bg NAME PROFILE-TAIL COMMAND: the same in the background, status in
# $T/NAME.status, output in $T/NAME.out and .err, job in JOB_NAME.
start_bg() {
	setp "$2"
	as_user "$u" timeout -k 5 90 "$J" --status-fd 3 -c "$3" \
		3>"$T/$1.status" >"$T/$1.out" 2>"$T/$1.err" &
	eval "JOB_$1=\$!"
}
wait_job() { eval "wait \$JOB_$1"; RC=$?; }
cleaned_up() {
	ok "  ... nothing of the user runs afterwards" no_live_processes "$u"
	ok "  ... and its cgroups are gone within 2 s" gone_or_diag "$uid"
}

# forker.py NAME N: forks N children that sleep (up to 60 s), counting the
# forks that fail; prints and writes to ~/NAME.done "OK=.. FAIL=.. PROCS=.."
# (PROCS: the processes in the jail, from its own /proc), then waits (at
# most 60 s) for ~/stop-NAME.
put_script "$u" forker.py <<'EOF'
import os, sys, time
name, n = sys.argv[1], int(sys.argv[2])
home = os.path.expanduser("~")
ok = fail = 0
for i in range(n):
    try:
        pid = os.fork()
    except OSError:
        fail += 1
        continue
    if pid == 0:
        time.sleep(60)
        os._exit(0)
    ok += 1
procs = len([d for d in os.listdir("/proc") if d.isdigit()])
line = "OK=%d FAIL=%d PROCS=%d" % (ok, fail, procs)
print(line, flush=True)
with open(os.path.join(home, name + ".done"), "w") as f:
    f.write(line + "\n")
for i in range(600):
    if os.path.exists(os.path.join(home, "stop-" + name)):
        break
    time.sleep(0.1)
EOF
# val TEXT KEY: the number after KEY= in TEXT
val() { printf '%s\n' "$1" | sed -n "s/.*\\b$2=\\([0-9]*\\).*/\\1/p" | head -n1; }
# n TEXT KEY: the same, 0 when there is none (for arithmetic)
n() { _n=$(val "$1" "$2"); echo "${_n:-0}"; }

# --- memory_max --------------------------------------------------------------------
if ! cg_has memory; then
	skip "memory_max: no memory controller ($CG_HAVE)"
elif [ "$(grep -vc '^Filename' /proc/swaps)" -gt 0 ]; then
	skip "memory_max: swap is on, and memory_max alone does not bring the OOM killer while it lasts"
else
	put_script "$u" bomb.py <<'EOF'
a = []
while True:
    a.append(b"x" * (1 << 20))
EOF
	st 'memory_max = "64M"' 'python3 -c "a = b\"x\" * (16 << 20)" && echo fits'
	is "$RC:$OUT:$ERR" "0:fits:" "control: memory_max = 64M, 16 MiB fit (exit 0, nothing on stderr)"
	st 'memory_max = "64M"' 'exec python3 ~/bomb.py'
	is "$RC" 137 "memory_max = 64M, a memory bomb: killed, exit 137 (${EL}s)"
	like "$ERR" '^jailsh: session killed: memory limit reached \(memory_max = 64M, peak [0-9][0-9.]*[KMGT]?\)$' \
		"  ... stderr: the memory line ($ERR)"
	ok "  ... JSON ($(head -c 300 "$S"))" json_ok "$S"
	is "$(js "$S" status signal reason limit)" '"killed" 9 "memory" 67108864' \
		'  ... "status":"killed","signal":9,"reason":"memory","limit":67108864'
	pk=$(js_int "$S" peak)
	ok "  ... \"peak\" is near the limit: 75% to 105% of it ($pk)" num_between "$pk" 50331648 70464307
	mp=$(js_int "$S" memory_peak)
	ok "  ... and \"memory_peak\" too ($mp)" num_between "$mp" 50331648 70464307
	diag "memory bomb under memory_max = 64M: peak $pk, memory_peak $mp, $EL s"
	cleaned_up
	st 'memory_max = "64M"' 'kill -KILL $$'
	is "$RC:$ERR:$(js "$S" status signal reason)" '137::"killed" 9 -' \
		"memory_max = 64M, the shell kills itself with SIGKILL: no memory line, no \"reason\""
fi

# --- pids_max ------------------------------------------------------------------------
if ! cg_has pids; then
	skip "pids_max: no pids controller ($CG_HAVE)"
else
	rm -f "$uh/p.done" "$uh/stop-p"
	start_bg p 'pids_max = 32' 'exec python3 ~/forker.py p 100'
	if wait_for 30 test -e "$uh/p.done"; then
		r=$(cat "$uh/p.done")
		sess=$(session_cgs "$u")
		cur=$(cat "$sess/pids.current" 2>/dev/null)
		max=$(cat "$sess/pids.max" 2>/dev/null)
		# the same user, outside the jail, meanwhile
		outside=$(as_user "$u" timeout 20 sh -c 'i=0; while [ $i -lt 50 ]; do sleep 0 & i=$((i + 1)); done; wait; echo forked-50' 2>&1)
		touch "$uh/stop-p"
		wait_job p
		diag "fork bomb under pids_max = 32: $r; session pids.current $cur"
		ok "pids_max = 32, 100 forks: at most 32 processes in the jail ($r)" \
			num_between "$(val "$r" PROCS)" 1 32
		ok "  ... the forks succeed up to near the limit (20 to 30 of them)" \
			num_between "$(val "$r" OK)" 20 30
		is "$(( $(n "$r" OK) + $(n "$r" FAIL) ))" 100 "  ... and the others fail"
		ok "  ... the session's cgroup: pids.max $max, pids.current $cur" \
			test "$max" = 32 -a -n "$cur" -a "${cur:-99}" -le 32
		is "$outside" forked-50 "  ... meanwhile the user, outside the jail, forks 50 processes"
		is "$RC" 0 "  ... the session ends as it was told (exit 0)"
		is "$(cat "$T/p.err")" "jailsh: session hit its process limit (pids_max = 32) $(val "$r" FAIL) times" \
			"  ... stderr: the process-limit line, with the number of forks refused"
		is "$(js "$T/p.status" status code reason limit)" '"exited" 0 "pids" 32' \
			'  ... JSON: "status":"exited","code":0,"reason":"pids","limit":32'
		pk=$(js_int "$T/p.status" peak)
		ok "  ... and \"peak\" is $(val "$r" OK) to 32 ($pk)" num_between "$pk" "$(val "$r" OK)" 32
		cleaned_up
	else
		fail "pids_max = 32: the fork bomb reported nothing in 30 s"
		touch "$uh/stop-p"
		wait_job p
		diag "exit $RC; stderr: $(cat "$T/p.err")"
	fi
	# control: without the limit, the 100 forks all succeed
	rm -f "$uh/c.done" "$uh/stop-c"
	start_bg c '' 'exec python3 ~/forker.py c 100'
	wait_for 30 test -e "$uh/c.done"
	touch "$uh/stop-c"
	wait_job c
	like "$(cat "$uh/c.done" 2>/dev/null)" '^OK=100 FAIL=0 ' "control: without pids_max, all 100 forks succeed"
	is "$RC:$(cat "$T/c.err")" "0:" "  ... exit 0, and no process-limit line"
	cleaned_up
fi

# --- cpu_max -------------------------------------------------------------------------
# cpu.sh LOOPS: LOOPS busy loops for 5 s; prints the session's cpu time
# and the wall-clock time it took, in microseconds: "USAGE=.. WALL=.."
put_script "$u" cpu.sh <<'EOF'
use() { sed -n 's/^usage_usec //p' /sys/fs/cgroup/cpu.stat; }
u0=$(use); t0=$(date +%s%N)
i=0
while [ $i -lt "$1" ]; do timeout 5 sh -c 'while :; do :; done' & i=$((i + 1)); done
wait
u1=$(use); t1=$(date +%s%N)
echo "USAGE=$((u1 - u0)) WALL=$(((t1 - t0) / 1000))"
EOF
# share: the CPUs used, USAGE / WALL, from OUT
share() { awk -v u="$(val "$OUT" USAGE)" -v w="$(val "$OUT" WALL)" 'BEGIN { if (w > 0) printf "%.2f", u / w; else print "NaN" }'; }
if ! cg_has cpu; then
	skip "cpu_max: no cpu controller ($CG_HAVE)"
else
	st 'cpu_max = "50%"' 'sh ~/cpu.sh 1'
	s50=$(share)
	diag "cpu_max = 50%, one busy loop for 5 s: $OUT -> $s50 CPU"
	ok "cpu_max = 50%: a busy loop gets 0.40 to 0.60 of one CPU ($s50)" num_between "$s50" 0.40 0.60
	is "$RC:$ERR" "0:" "  ... exit 0, nothing on stderr"
	st '' 'sh ~/cpu.sh 1'
	s0=$(share)
	diag "no cpu_max, one busy loop for 5 s: $OUT -> $s0 CPU"
	ok "control: without cpu_max, the same loop gets at least 0.85 of one CPU ($s0)" num_between "$s0" 0.85 1.2
	if [ "$(nproc)" -ge 2 ]; then
		st 'cpu_max = "100%"' 'sh ~/cpu.sh 2'
		s100=$(share)
		diag "cpu_max = 100%, two busy loops for 5 s: $OUT -> $s100 CPU"
		ok "cpu_max = 100% (one CPU), two busy loops: 0.85 to 1.15 CPU together ($s100)" num_between "$s100" 0.85 1.15
		st '' 'sh ~/cpu.sh 2'
		s2=$(share)
		diag "no cpu_max, two busy loops for 5 s: $OUT -> $s2 CPU"
		ok "control: without cpu_max, two loops get more than 1.6 CPU ($s2)" num_between "$s2" 1.6 2.4
	else
		skip "cpu_max = 100% with two busy loops: one CPU only ($(nproc))"
	fi
	cleaned_up
fi

# --- user_pids_max: two sessions share it ----------------------------------------------
if ! cg_has pids; then
	skip "user_pids_max: no pids controller ($CG_HAVE)"
else
	rm -f "$uh"/[ab].done "$uh"/stop-[ab]
	start_bg a 'user_pids_max = 20' 'exec python3 ~/forker.py a 12'
	wait_for 30 test -e "$uh/a.done"
	start_bg b 'user_pids_max = 20' 'exec python3 ~/forker.py b 12'
	wait_for 30 test -e "$uh/b.done"
	ra=$(cat "$uh/a.done" 2>/dev/null)
	rb=$(cat "$uh/b.done" 2>/dev/null)
	umax=$(cat "$UD/pids.max" 2>/dev/null)
	ucur=$(cat "$UD/pids.current" 2>/dev/null)
	sessions=$(session_cgs "$u")
	nsess=$(printf '%s\n' "$sessions" | grep -c .)
	smax=$(for s in $sessions; do cat "$s/pids.max"; done | tr '\n' ' ')
	sparent=$(for s in $sessions; do dirname "$s"; done | sort -u)
	touch "$uh/stop-a" "$uh/stop-b"
	wait_job a; rca=$RC
	wait_job b; rcb=$RC
	diag "user_pids_max = 20: a: $ra; b: $rb; user pids.current $ucur"
	is "$nsess" 2 "user_pids_max = 20: two sessions of the user run at once, each in a cgroup of its own"
	is "$sparent" "$UD" "  ... both under the user's cgroup"
	is "$umax/$smax" "20/max max " "  ... the user's cgroup has pids.max 20, the sessions' none of their own"
	like "$ra" '^OK=12 FAIL=0 ' "  ... the first forks its 12 children"
	ok "  ... the second is refused some of its 12 forks ($rb)" num_between "$(val "$rb" FAIL)" 1 12
	ok "  ... together their children stay under the limit (12 + $(val "$rb" OK) <= 16)" \
		num_between "$(( $(n "$ra" OK) + $(n "$rb" OK) ))" 12 16
	ok "  ... the user's pids.current was at most 20 ($ucur)" num_between "$ucur" 1 20
	is "$rca:$rcb" "0:0" "  ... both sessions end as told (exit 0)"
	cleaned_up
fi

# --- the files --------------------------------------------------------------------------
# The limits the controllers allow, and what each file must then hold.
prof='' want_s='' want_u='' files_s='' files_u=''
add() { # CONTROLLER OPTION VALUE FILE EXPECTED [user]
	cg_has "$1" || return 0
	# io.weight is there only where the kernel has a weight-based io
	# policy (the files of CG_T show what its children can have)
	[ "$1" = io ] && [ ! -e "$CG_T/io.weight" ] && return 0
	prof="$prof
$2 = $3"
	if [ "${6:-}" = user ]; then
		files_u="$files_u $4"; want_u="$want_u $4=$5"
	else
		files_s="$files_s $4"; want_s="$want_s $4=$5"
	fi
}
add memory memory_max '"64M"' memory.max 67108864
add memory memory_high '"48M"' memory.high 50331648
add pids pids_max 32 pids.max 32
add cpu cpu_max '"25%"' cpu.max 0.25
add cpu cpu_weight 50 cpu.weight 50
add io io_weight 50 io.weight "default_50"
add memory user_memory_max '"256M"' memory.max 268435456 user
add pids user_pids_max 100 pids.max 100 user
add cpu user_cpu_max '"150%"' cpu.max 1.50 user
# read_files DIR FILE...: "FILE=VALUE" each (cpu.max as quota/period,
# spaces as _)
read_files() {
	_d=$1; shift
	for _f in "$@"; do
		_v=$(cat "$_d/$_f" 2>/dev/null | head -n1)
		case $_f in
		cpu.max) _v=$(printf '%s' "$_v" | awk '$1 == "max" { print "max"; next } { printf "%.2f", $1 / $2 }') ;;
		esac
		printf ' %s=%s' "$_f" "$(printf '%s' "$_v" | tr ' ' _)"
	done
}
put_script "$u" files.sh <<'EOF'
for f in "$@"; do
	v=$(head -n1 "/sys/fs/cgroup/$f" 2>/dev/null)
	case $f in
	cpu.max) v=$(printf '%s' "$v" | awk '$1 == "max" { print "max"; next } { printf "%.2f", $1 / $2 }') ;;
	esac
	printf ' %s=%s' "$f" "$(printf '%s' "$v" | tr ' ' _)"
done
echo
touch ~/files.ready
i=0
while [ ! -e ~/stop-files ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
EOF
if [ -z "$files_s" ]; then
	skip "the limit files: no controller for any of them ($CG_HAVE)"
else
	diag "profile:$prof"
	rm -f "$uh/files.ready" "$uh/stop-files"
	start_bg f "$prof" "sh ~/files.sh$files_s"
	wait_for 10 test -e "$uh/files.ready"
	sess=$(session_cgs "$u" | head -n1)
	got_s=$(read_files "$sess" $files_s)
	got_u=$(read_files "$UD" $files_u)
	touch "$uh/stop-files"
	wait_job f
	is "$got_s" "$want_s" "the session's cgroup files hold the profile's limits (from the host)"
	is "$(cat "$T/f.out")" "$want_s" "  ... and the same inside, in /sys/fs/cgroup"
	is "$got_u" "$want_u" "the user's cgroup files hold the user_* limits"
	is "$RC:$(cat "$T/f.err")" "0:" "  ... the session runs (exit 0, nothing on stderr)"
	cleaned_up

	# control: without limits, the kernel's defaults
	rm -f "$uh/files.ready" "$uh/stop-files"
	start_bg f '' "sh ~/files.sh$files_s"
	wait_for 10 test -e "$uh/files.ready"
	sess=$(session_cgs "$u" | head -n1)
	got_s=$(read_files "$sess" $files_s)
	got_u=$(read_files "$UD" $files_u)
	touch "$uh/stop-files"
	wait_job f
	# unlimited: each file holds the kernel's default, or is not there at
	# all (the controller is not switched on where no limit needs it)
	unlimited() {
		for _fv in $1; do
			case $_fv in
			*=) ;;
			cpu.weight=100 | io.weight=default_100 | *=max) ;;
			*) return 1 ;;
			esac
		done
	}
	ok "control: without limits the session's files hold the defaults or are not there ($sess:$got_s)" \
		eval '[ -n "$sess" ] && unlimited "$got_s"'
	ok "  ... and the user's ($got_u)" unlimited "$got_u"
	cleaned_up
fi

ok "at the end, nothing is left under cgroup_parent" wait_for 2 cg_empty

done_testing
