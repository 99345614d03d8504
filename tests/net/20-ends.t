#!/bin/bash
# network = "private": the network stack lives exactly as long as the jail.
#
# For each way a session ends, a session of a throwaway user runs in the
# background until its stack (pasta, as the user) and the jail's sleep are
# seen; then the session ends, and within 2 s the stack's process is gone
# (no /proc entry: the warden reaped it) and nothing of the user runs:
#
#   - the shell exits by itself (exit 7: jailsh's status is 7);
#   - max_time = 2 ends it (exit 143);
#   - the outer jailsh is killed with SIGKILL;
#   - the stack itself is killed: the jail goes on without a network (its
#     warden says so in the syslog, read where the host has no /dev/log of
#     its own), and ends normally.
#
# With jail = "user" the private network is the user jail's: a second
# login reaches, at 127.0.0.1 in its jail, a server that the first login
# started there, and one stack serves both; "jailsh stop" ends the jail
# and the stack with it. A lost ssh connection is tests/net/30-ssh.t.
. "$(dirname "$0")/lib.sh"
net_setup

user u
uh=$(home "$u")
jtnet_in "$uh"
PRIV='network = "private"
volume "~" {}'

# started_then WHAT: waits for u's stack and the jail's sleep (TAP);
# STACK is the stack's pid
started() {
	if wait_for 10 eval '[ -n "$(stack_pids "$u")" ] && [ -n "$(live_pids "$u" sleep)" ]'; then
		pass "$1: the session runs, with its stack"
		STACK=$(stack_pids "$u" | head -n 1)
		return 0
	fi
	fail "$1: the session runs, with its stack"
	diag "running: $(ps -o pid=,comm= -u "$u" | tr '\n' ';') $(cat "$NETDIR/bg.out")"
	STACK=
	return 1
}

# ended WHAT: within 2 s of $t0 the stack's process is gone, and nothing of
# u runs (TAP, two checks)
ended() {
	if wait_for 2 eval '[ ! -e "/proc/$STACK" ]'; then
		pass "  ... the stack (pid $STACK) is gone within 2 s of $1 ($(($(now_ms) - t0)) ms)"
	else
		fail "  ... the stack (pid $STACK) is gone within 2 s of $1"
		diag "$(cat "/proc/$STACK/status" 2>/dev/null | head -n 8 | tr '\n' ';')"
	fi
	ok "  ... and nothing of $u runs" no_live_processes "$u" 2
	for _p in $(pgrep -u "$u"); do kill -KILL "$_p" 2>/dev/null; done
	no_live_processes "$u" 5
}

# --- the shell exits ---------------------------------------------------------
profile "$u" "$PRIV"
jail_bg "$u" 'sleep 1; exit 7'
if started "exit"; then
	wait "$BG"; rc=$?
	t0=$(now_ms)
	is "$rc" 7 "  ... the shell's exit 7 is jailsh's"
	ended "the end of the session"
else
	skip_n 3 "no session"
fi

# --- max_time -------------------------------------------------------------------
profile "$u" "$PRIV
max_time = 2"
jail_bg "$u" 'sleep 60'
if started "max_time = 2"; then
	wait "$BG"; rc=$?
	t0=$(now_ms)
	is "$rc" 143 "  ... max_time ends it (exit 143)"
	ended "the end of the session"
else
	skip_n 3 "no session"
fi

# --- SIGKILL of the outer jailsh ----------------------------------------------------------
profile "$u" "$PRIV"
jail_bg "$u" 'sleep 60'
if started "SIGKILL of jailsh"; then
	is "$(cat "/proc/$BG/comm")" jailsh "  ... \$! is the outer jailsh"
	t0=$(now_ms)
	kill -KILL "$BG"
	wait "$BG" 2>/dev/null
	ended "the SIGKILL"
else
	skip_n 3 "no session"
fi

# --- the stack is killed -------------------------------------------------------
# the syslog, where the host has none (tests/lib/jtnet.py log, as
# tests/lib/pam.sh does it)
SYSLOG=
if ! [ -e /dev/log ] && ! [ -L /dev/log ]; then
	SYSLOG=$NETDIR/syslog
	: >"$SYSLOG"
	$PY "$TOP/tests/lib/jtnet.py" log /dev/log "$SYSLOG" &
	at_exit "kill $! 2>/dev/null; rm -f /dev/log"
	wait_for 5 test -S /dev/log || SYSLOG=
fi
jail_bg "$u" 'sleep 4; echo still here; exit 0'
if started "the stack killed"; then
	kill -KILL "$STACK"
	wait "$BG"; rc=$?
	is "$rc:$(cat "$NETDIR/bg.out")" "0:still here" \
		"  ... the jail goes on without it, and ends as it would have"
	if [ -n "$SYSLOG" ]; then
		ok "  ... the warden says so in the syslog" \
			wait_for 5 grep -q "session jail of $u .*network stack was killed" "$SYSLOG"
	else
		skip "/dev/log is the host's: the syslog is not read here"
	fi
	t0=$(now_ms)
	ended "the end of the session"
else
	skip_n 4 "no session"
fi

# --- jail = "user": one network for every login ----------------------------------------
profile "$u" "$PRIV
jail = \"user\"
linger = \"forever\""
at_exit "'$J' stop '$u' >/dev/null 2>&1"
talker_in "$u"
rm -f "$uh/jports"
X=$(free_port)
jail_bg "$u" "$PY ~/talker.py user-jail ~/jports $X & exec sleep 60"
if started "jail = \"user\"" && wait_file "$uh/jports"; then
	is "$(jrun "$u" "$PY \$HOME/jtnet.py fetch --send hi 127.0.0.1:$X" 2>&1)" user-jail \
		"  ... a second login reaches the first one's server at 127.0.0.1"
	is "$(stack_pids "$u" | wc -l)" 1 "  ... and one stack serves both"
	t0=$(now_ms)
	"$J" stop "$u" >/dev/null 2>&1
	ended "jailsh stop"
else
	skip_n 4 "no session"
fi

done_testing
