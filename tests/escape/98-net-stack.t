#!/bin/bash
# The private network's stack, from inside the jail (CATALOGUE.md, classes
# 21, 22 and 32). With network = "private" the stack (pasta) runs as the
# user, outside the jail: the same uid as everything in the jail, so only
# the jail's pid namespace (and nothing of the stack's in the jail) keeps
# the jail from it. tests/net/stack-probe.py runs as the jail's shell; root
# writes the stack's host pid into a file in the user's home, and the
# probe, inside:
#
#   - looks for it in the jail's /proc (any pasta or passt; /proc/PID);
#   - sends it signal 0 and SIGKILL by its pid, opens a pidfd of it, and
#     PTRACE_SEIZEs it;
#   - sends kill(-1, SIGKILL), which reaches every process it may signal;
#   - lists what is bound or listens in the jail's network namespace (TCP,
#     UDP, Unix sockets, abstract ones included): the stack keeps no
#     control socket there (nor anywhere: pasta has none; its only
#     channel with the jail is the tap device).
#
# Positive controls: as the same user outside the jail, /proc/PID is the
# stack's, signal 0 reaches it and PTRACE_SEIZE works (when the host lets
# a user trace its own processes: else the ptrace check is skipped); in
# the jail, the probe's own sockets are listed and kill(-1) kills its own
# child. Afterwards the stack still runs, the same process.
#
# `jailsh run --publish tcp:80` (a port below
# net.ipv4.ip_unprivileged_port_start) by a user (whose login shell is
# /bin/sh) is refused, exit 125 with one line, before anything starts;
# control: --publish of a high port passes that check (jailsh run goes
# on to start the jail, which may fail for another reason: a
# /dev/net/tun that is not open to everyone).
. "$(dirname "$0")/../net/lib.sh"
net_setup

user u
uh=$(home "$u")
profile "$u" 'network = "private"
volume "~" {}'
install -m 644 "$TOP/tests/net/stack-probe.py" "$uh/stack-probe.py"

jail_bg "$u" "exec $PY ~/stack-probe.py ~/stackpid ~/result ~/go"
if ! wait_for 10 eval '[ -n "$(stack_pids "$u")" ]'; then
	fail "the session runs, with its stack"
	diag "$(cat "$NETDIR/bg.out")"
	done_testing
	exit
fi
P=$(stack_pids "$u" | head -n 1)
start=$(awk '{ print $22 }' "/proc/$P/stat")
pass "the session runs, with its stack (pid $P)"

# the controls, as the user outside the jail, before the probe attacks
ctl=$(as_user "$u" $PY -c "
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
print(open('/proc/$P/comm').read().strip())
os.kill($P, 0); print('signal ok')
if libc.ptrace(0x4206, $P, None, None) == 0:
    libc.ptrace(17, $P, None, None); print('ptrace ok')
" 2>&1)
diag "outside the jail, as $u: $(printf "%s" "$ctl" | tr "\n" ";")"
echo "$P" >"$uh/stackpid"
wait_file "$uh/result"
R=$(cat "$uh/result" 2>/dev/null)
r() { printf '%s' "$R" | $PY -c "import json, sys; print(json.load(sys.stdin)$1)" 2>/dev/null; }
diag "the probe: $R"

if control "outside the jail, $u sees the stack in /proc" \
	_matches "$ctl" '\A(pasta|passt)'; then
	is "$(r '["seen"]')" "[]" "in the jail, no process of /proc is the stack"
	is "$(r '["proc_pid"]')" False "  ... and /proc/$P does not exist there"
else
	skip_n 2 "control failed"
fi
if control "outside the jail, $u may signal the stack" _matches "$ctl" 'signal ok'; then
	is "$(r '["kill0"]')" ESRCH "in the jail, kill($P, 0): no such process"
	is "$(r '["kill"]')" ESRCH "  ... kill($P, SIGKILL): no such process"
	is "$(r '["pidfd"]')" ESRCH "  ... pidfd_open($P): no such process"
	ok "  ... kill(-1, SIGKILL) was sent, and killed the jail's own child (its control)" \
		test "$(r '["kill_all"]') $(r '["child_died"]')" = "True True"
else
	skip_n 4 "control failed"
fi
if control "outside the jail, $u may ptrace the stack (PTRACE_SEIZE)" \
	_matches "$ctl" 'ptrace ok'; then
	is "$(r '["ptrace"]')" ESRCH "in the jail, PTRACE_SEIZE of $P: no such process"
else
	skip "control failed"
fi
if control "in the jail, the probe's own TCP, UDP and abstract sockets are listed" \
	test "$(r '["own_seen"]')" = True; then
	is "$(r '["sockets"]')" "[]" \
		"in the jail's network namespace nothing else is bound or listens: no socket of the stack's"
else
	skip "control failed"
fi
ok "the stack still runs, the same process, after all that" \
	test "$(awk '{ print $22 }' "/proc/$P/stat" 2>/dev/null)" = "$start"
is "$(ss -Hxlp 2>/dev/null | grep -F "pid=$P,")" "" \
	"on the host, the stack listens on no Unix socket (it has no control socket)"
touch "$uh/go"
wait "$BG" 2>/dev/null

# --- jailsh run --publish of a privileged port ------------------------------------
# a user whose login shell is not jailsh: jailsh run is the jail
user w /bin/sh
low=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start 2>/dev/null || echo 1024)
if [ "$low" -le 80 ]; then
	skip_n 3 "port 80 is not privileged here (ip_unprivileged_port_start = $low)"
else
	capture as_user "$w" "$J" run --net private --publish "tcp:$(free_port)" -- /bin/echo ran
	if control "jailsh run --publish of a high port passes that check (then: exit $RC, $ERR)" \
		eval '! _matches "$ERR" "is below"'; then
		capture as_user "$w" "$J" run --net private --publish tcp:80 -- /bin/echo ran
		is "$RC:$OUT" "125:" "jailsh run --publish tcp:80 by a user: exit 125, nothing ran"
		like "$ERR" "\\Ajailsh: [^\\n]*--publish \"tcp:80\": port 80 is below $low [^\\n]*\\z" \
			"  ... one line that says why"
	else
		skip_n 2 "control failed"
	fi
fi

done_testing
