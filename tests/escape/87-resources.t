#!/bin/bash
# Resources and core dumps (CATALOGUE.md, classes 31 and 35).
#
#   rlimit nproc   with nproc = 100, a program forking as much as it can
#                  stops below 100 processes with EAGAIN (control: outside,
#                  the same program makes its 300)
#   rlimit as      with as = 512M, a program allocating as much as it can
#                  stops below 512 MiB with MemoryError (control: outside it
#                  gets its 1024 MiB)
#   fork bomb      the classic one, b(){ b|b& }; b, runs in the jail for a
#                  few seconds: the user never has more than 100
#                  processes, the host stays responsive (a command of root's
#                  and one of another user's, outside, each finish in less
#                  than 2 s while it runs), and once the session is ended
#                  nothing of the user is left
#   core = 0       a program that crashes (SIGSEGV, abort) in the jail leaves
#                  no core file, and the limit cannot be raised (control:
#                  outside, and in the jail without the limit, the same
#                  crash writes a core in the home directory)
#   setuid jailsh  killed with SIGSEGV, SIGABRT, SIGQUIT or SIGBUS 0-5 ms
#                  after its exec, with RLIMIT_CORE unlimited, in the user's
#                  home directory: the kernel never reports a core dump of
#                  it and no core file of jailsh's (nor any owned by root)
#                  appears (a signal that arrives once the session runs is
#                  passed on to the shell, whose own core, the user's, is
#                  allowed); stopped at such moments, its
#                  /proc/PID/environ is root's (it is not dumpable), while
#                  its real uid is the user's (control: an ordinary program
#                  killed the same way dumps core, and its /proc files are
#                  the user's)
#
# kernel.core_pattern is looked at: when it pipes cores to a handler, the
# file checks are skipped (the kernel's WCOREDUMP report is still checked).
# As the user through jailsh, and (limits, fork bomb, core = 0) under the
# PAM module (pamrun).
. "$(dirname "$0")/modes.sh"
esc_setup

PATTERN=$(cat /proc/sys/kernel/core_pattern)
diag "kernel.core_pattern: $PATTERN; fs.suid_dumpable: $(cat /proc/sys/fs/suid_dumpable)"
case $PATTERN in
"|"*) CORE_FILES=0 ;;
*) CORE_FILES=1 ;;
esac
esc_user V W   # another user, for the host's responsiveness

# ms COMMAND...: runs COMMAND, prints how many milliseconds it took
ms() {
	_t0=$(now_ms)
	"$@" >/dev/null 2>&1
	echo $(($(now_ms) - _t0))
}

esc_modes
for M in $MODES; do
	W=$(mode_name "$M")
	esc_user U "$M"
	uh=$(home "$U")
	esc_profile "$U" 'rlimit { nproc = 100  as = "512M"  core = 0 }'
	esc_probes "$U"
	esc_sanity "$M" "$U"
	B="$PY ~/.probes/bound.py"

	# --- nproc, as ------------------------------------------------------------
	OUT=$(as_user "$U" "$PY" "$PROBES/bound.py" forks 300)
	is "$(val FORKS)" 300 "$W: control: outside, the user forks 300 processes"
	jcap "$M" "$U" "$B forks 300"
	ok "$W: rlimit nproc = 100: the jail forks fewer than 100 ($(val FORKS))" \
		test -n "$(val FORKS)" -a "$(val FORKS)" -lt 100 2>/dev/null
	is "$(val FORKERR)" "Resource temporarily unavailable" "  ... and then fork fails with EAGAIN"
	OUT=$(as_user "$U" "$PY" "$PROBES/bound.py" mem 1024)
	is "$(val MEM)" 1024 "$W: control: outside, the user allocates 1024 MiB"
	jcap "$M" "$U" "$B mem 1024"
	ok "$W: rlimit as = 512M: the jail holds less than 512 MiB ($(val MEM) MiB)" \
		test -n "$(val MEM)" -a "$(val MEM)" -lt 512 2>/dev/null
	is "$(val MEMERR)" MemoryError "  ... and then allocation fails"

	# --- a fork bomb ----------------------------------------------------------
	case $M in
	W) jrun "$U" 'b(){ b|b& }; b; sleep 60' >/dev/null 2>&1 & ;;
	P) "$PAMRUN" "$ESC_SVC" "$U" -c 'b(){ b|b& }; b; sleep 60' </dev/null >/dev/null 2>&1 & ;;
	esac
	JOB=$!
	sleep 2
	most=0 slow=0
	for i in 1 2 3 4 5; do
		n=$(live_pids "$U" | wc -l)
		[ "$n" -gt "$most" ] && most=$n
		for c in "date" "as_user $V true"; do
			t=$(ms $c)
			[ "$t" -gt "$slow" ] && slow=$t
		done
		sleep 0.3
	done
	diag "$W: fork bomb: at most $most processes of the user seen; the slowest command outside took $slow ms"
	ok "$W: fork bomb: the user has at most 100 processes while it runs ($most)" test "$most" -le 100 -a "$most" -gt 10
	ok "$W: fork bomb: a command of root's and one of another user's outside finish in < 2 s ($slow ms)" test "$slow" -lt 2000
	case $M in
	W) kill -KILL "$(outer_jailsh "$U")" 2>/dev/null ;;
	P) kill -KILL "$JOB" 2>/dev/null ;;
	esac
	wait "$JOB" 2>/dev/null
	ok "$W: fork bomb: once the session is ended, nothing of the user is left" no_live_processes "$U" 10

	# --- core = 0 -------------------------------------------------------------
	crash='cd; rm -f core*; ulimit -c unlimited 2>/dev/null; echo "LIMIT=$(ulimit -c)"
		sh -c '"'"'kill -SEGV $$'"'"'; '"$PY"' -c "import os; os.abort()"; ls core* 2>/dev/null | wc -l | sed s/^/CORES=/'
	if [ "$CORE_FILES" = 1 ]; then
		OUT=$(as_user "$U" bash -c "$crash" 2>/dev/null)
		if [ "$(val CORES)" -gt 0 ] 2>/dev/null; then
			pass "$W: control: outside, a crash with ulimit -c unlimited writes a core in the home directory"
			esc_profile "$U" ''
			jcap "$M" "$U" "$crash"
			if [ "$(val CORES)" -gt 0 ] 2>/dev/null; then
				pass "$W: control: in the jail without a core limit, the same crash writes a core there"
				esc_profile "$U" 'rlimit { nproc = 100  as = "512M"  core = 0 }'
				jcap "$M" "$U" "$crash"
				is "$(val LIMIT)" 0 "$W: rlimit core = 0: ulimit -c unlimited fails, the limit stays 0"
				is "$(val CORES)" 0 "$W: rlimit core = 0: the crashes (SIGSEGV, abort) leave no core file"
			else
				skip "$W: core = 0: control failed: in the jail without a limit no core appears either (limit $(val LIMIT)): nothing to compare"
			fi
		else
			skip "$W: core = 0: control failed: no core appears outside the jail either (ulimit -c: $(val LIMIT))"
		fi
		rm -f "$uh"/core*
	else
		skip "$W: core = 0: cores go to a handler ($PATTERN), not to files"
	fi
	ok "$W: nothing of the user is left running" no_live_processes "$U"
	host_same "$W"
done

# --- the setuid jailsh itself -------------------------------------------------
esc_profile "$U" ''
[ "$(mode_name "$M")" = jailsh ] || { esc_user U W; esc_profile "$U" ''; uh=$(home "$U"); }
SEED=${JT_CRASH_SEED:-$$}
OUT=$("$PY" "$ESC_SRC/crash.py" "$U" 20 "$SEED" SEGV,ABRT,STOP /bin/sleep 1)
diag "control, /bin/sleep: $OUT"
js() { printf '%s' "$OUT" | "$PY" -c "import json, sys; d = json.load(sys.stdin); print($1)" 2>/dev/null; }
ctl_dumped=$(js 'd["dumped"]')
ok "control: an ordinary program of the user's killed with SIGSEGV or SIGABRT dumps core (the kernel says so $ctl_dumped times)" \
	test "${ctl_dumped:-0}" -gt 0
like "$(js 'd["stopped_proc_owner"]')" "owner $(id -u "$U"), ruid $(id -u "$U")" \
	"control: stopped, its /proc/PID/environ is the user's (it is dumpable)"
[ "$CORE_FILES" = 1 ] && like "$(js '"\n".join(d["cores"])')" "by sleep, owner $(id -u "$U")" \
	"control: and its core files appear in the home directory, the user's"
rm -f "$uh"/core*

OUT=$("$PY" "$ESC_SRC/crash.py" "$U" 200 "$SEED" SEGV,ABRT,QUIT,BUS,STOP "$J" -c 'sleep 1')
diag "jailsh: $OUT"
is "$(js 'd["n"]')" 200 "jailsh: 200 starts killed 0-5 ms after the exec (SIGSEGV, SIGABRT, SIGQUIT, SIGBUS) or stopped"
is "$(js 'd["dumped"]')" 0 "jailsh: the kernel never reports a core dump of it"
if [ "$CORE_FILES" = 1 ]; then
	unlike "$(js '"\n".join(d["cores"])')" "by jailsh|owner 0," \
		"jailsh: no core file of jailsh's, and none of root's, in the directory it was started in (the user's home)"
else
	skip "jailsh: cores go to a handler ($PATTERN): no file to look for"
fi
is "$(js 'list(d["stopped_proc_owner"])')" "['owner 0, ruid $(id -u "$U")']" \
	"jailsh: stopped at any of those moments, its /proc/PID/environ is root's (not dumpable), its real uid the user's"
ok "jailsh: nothing of the user is left running" no_live_processes "$U" 5
rm -f "$uh"/core*
host_same "at the end"
done_testing
