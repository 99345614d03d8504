#!/bin/bash
# Reaching processes outside the jail (CATALOGUE.md, classes 15 and 32). From
# inside a jailed session, tests/escape/probes/procs.py tries, against each
# target, PTRACE_ATTACH, PTRACE_SEIZE, process_vm_readv, /proc/PID/mem,
# /proc/PID/environ, /proc/PID/root, pidfd_open, kill -0 and kill -TERM:
#
#   outer    the jailsh outside the jail (its host pid, found by root from
#            outside and written into a file in the user's home);
#            under the PAM module, the service's own process (pamrun,
#            root, in the jail's mount namespace) instead
#   other    a process of another user, outside
#   root     a root process outside (a sleep started by the test)
#   own      a process of the same user, outside the jail
#   init     the jail's own init (pid 1 in the jail): no ptrace, memory,
#            environment or root directory (it is not dumpable); no
#            signals are sent to it
#
# Every try fails, and the signals fail with ESRCH: nothing outside is
# visible. Afterwards every target is still alive, also after a kill -9 -1
# from inside. Controls: outside the jail the same user can do every one
# of these to a process of its own (and kill it with SIGTERM). And from
# outside, while the session runs, the user cannot ptrace or read the
# memory of its own outer jailsh, nor of the jail's init (neither is
# dumpable: they were setuid root).
. "$(dirname "$0")/modes.sh"
esc_setup

TECHS="attach seize vm_readv mem environ root pidfd kill0"

# tries OUTPUT NAME: "TECH=RESULT ..." for NAME
tries() { printf '%s\n' "$1" | awk -v n="$2" '$1 == n { $1 = ""; sub(/^ /, ""); t = $1; $1 = ""; sub(/^ /, ""); printf "%s=%s; ", t, $0 }'; }
res() { printf '%s\n' "$1" | awk -v n="$2" -v t="$3" '$1 == n && $2 == t { $1 = $2 = ""; sub(/^  /, ""); print }'; }

# jail_init USER: the host pid of USER's jail's init: a jailsh of USER
# that is pid 1 of a pid namespace of its own (NSpid: HOSTPID 1)
jail_init() {
	for _p in $(live_pids "$1" jailsh); do
		awk '/^NSpid:/ { exit !(NF == 3 && $3 == 1) }' "/proc/$_p/status" \
			2>/dev/null && echo "$_p"
	done
}

esc_user V W                     # another user
sleep 600 & RS=$!                # a root process outside
disown $RS
at_exit "kill $RS 2>/dev/null"
sleeper VS "$V"                  # another user's process outside

alive() { kill -0 "$1" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }

esc_modes
for M in $MODES; do
	esc_mode_user "$M"

	# --- control: the user, outside, against a process of its own --------
	sleeper US "$U"
	sleeper US2 "$U"
	printf 'own %s\nown2 %s sig\n' "$US" "$US2" > "$uh/.ctl"
	OUT=$(as_user "$U" "$PY" "$PROBES/procs.py" "$uh/.ctl" 2>&1)
	for t in $TECHS; do
		is "$(res "$OUT" own "$t")" ok "$W: control: outside, the user's $t on a process of its own works"
	done
	is "$(res "$OUT" own2 term)" ok "$W: control: outside, the user's SIGTERM to a process of its own works"
	wait_for 2 eval "! alive $US2"
	ok "  ... and it ended" eval "! alive $US2"

	# --- the session --------------------------------------------------------
	rm -f "$uh/.targets"
	CMD="$PY ~/.probes/procs.py ~/.targets 30"
	case $M in
	W) jrun "$U" "$CMD" > "$_state/jail.out" 2>&1 & JOB=$! ;;
	P) "$PAMRUN" "$ESC_SVC" "$U" -c "$CMD" </dev/null > "$_state/jail.out" 2>&1 & JOB=$! ;;
	esac
	# the process outside: jailsh's (W) or pamrun's (P), and the jail's init
	OUTER= INIT=
	for i in $(seq 100); do
		case $M in
		W) OUTER=$(outer_jailsh "$U") ;;
		P) OUTER=$JOB ;;
		esac
		INIT=$(jail_init "$U" | head -n 1)
		[ -n "$OUTER" ] && [ -n "$INIT" ] && break
		sleep 0.05
	done
	ok "$W: the process outside ($OUTER) and the jail's init ($INIT, host pid) are found" \
		test -n "$OUTER" -a -n "$INIT"
	# from outside, the user against its own outer process and the init
	printf 'outer %s\ninit %s\n' "$OUTER" "$INIT" > "$uh/.outside"
	OUTSIDE=$(as_user "$U" "$PY" "$PROBES/procs.py" "$uh/.outside" 2>&1)
	# what the jail is told: host pids, which mean nothing inside
	{
		printf 'outer %s sig\nother %s sig\nroot %s sig\nown %s sig\n' \
			"$OUTER" "$VS" "$RS" "$US"
		printf 'init-host %s sig\ninit 1\nkillall\n' "$INIT"
	} > "$uh/.targets.new"
	mv "$uh/.targets.new" "$uh/.targets"
	wait "$JOB"
	IN=$(cat "$_state/jail.out")
	like "$IN" 'done' "$W: the probe ran in the jail and finished"
	[ -n "$(printf '%s' "$IN" | grep done)" ] || diag "$IN"

	for n in outer other root own init-host; do
		diag "$W: inside, $n: $(tries "$IN" "$n")"
		for t in $TECHS; do
			r=$(res "$IN" "$n" "$t")
			case $t in
			kill0) is "$r" "No such process" "$W: inside, kill -0 to the $n process outside: ESRCH (not visible)" ;;
			*) ok "$W: inside, $t of the $n process outside fails ($r)" \
				test -n "$r" -a "$r" != ok ;;
			esac
		done
		is "$(res "$IN" "$n" term)" "No such process" "$W: inside, kill -TERM to the $n process outside: ESRCH"
	done
	diag "$W: inside, the jail's init: $(tries "$IN" init)"
	for t in attach seize vm_readv mem environ root; do
		r=$(res "$IN" init "$t")
		ok "$W: inside, $t of the jail's own init fails ($r)" test -n "$r" -a "$r" != ok
	done
	like "$(res "$IN" killall kill-1)" '.' "$W: inside, kill -9 -1 was sent"
	for p in RS VS US; do
		ok "$W: afterwards the $p process outside is still alive" alive "${!p}"
	done

	diag "$W: outside, the user against its own session: $(tries "$OUTSIDE" outer) | $(tries "$OUTSIDE" init)"
	for n in outer init; do
		for t in attach seize vm_readv mem environ root; do
			r=$(res "$OUTSIDE" "$n" "$t")
			ok "$W: outside, the user's $t of its own session's $n fails ($r)" \
				test -n "$r" -a "$r" != ok
		done
	done

	kill "$US" 2>/dev/null
	ok "$W: nothing of the user is left running" no_live_processes "$U" 5
	host_same "$W"
done
for p in RS VS; do ok "the $p process outside is still alive at the end" alive "${!p}"; done
done_testing
