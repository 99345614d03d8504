#!/bin/bash
# network = "private" under pam_jailsh(8): sshd with the module in a PAM
# service of the test's own (tests/lib/pam.sh, sshd_with_pam), a user
# whose login shell is /bin/sh (the module jails the session, not jailsh
# as the shell):
#
#   - "ssh host CMD" runs in the private network (10.0.2.100, the stack's
#     forwarder in /etc/resolv.conf) and reaches the server on the host's
#     address HOSTIP (control: it answers on the host), not the one on
#     127.0.0.1 (control: it answers the user outside a jail);
#   - the stack runs as the user while the session does, and within 2 s of
#     a SIGKILL to the ssh client (a lost connection) it is gone and
#     nothing of the user runs.
. "$(dirname "$0")/../lib/pam.sh"
. "$(dirname "$0")/lib.sh"
sshd_with_pam
net_need

ssh_user u /bin/sh
uh=$(home "$u")
jtnet_in "$uh"
profile "$u" 'network = "private"'

out=$(jssh "$u" 'ip -o -4 addr show scope global; grep ^nameserver /etc/resolv.conf' 2>&1)
like "$out" 'inet 10\.0\.2\.100/24[^\n]*\n.*nameserver 10\.0\.2\.3' \
	"under the module, ssh host CMD has the private network"

net_serve far "$NETDIR/far.log" far "$HOSTIP:0"
if control "the server on HOSTIP answers on the host" test "$(fetch "$HOSTIP:$far")" = far; then
	is "$(jssh "$u" "$PY ~/jtnet.py fetch --timeout 3 $HOSTIP:$far" 2>&1)" far \
		"  ... and reaches the server on the host's address"
else
	skip "control failed"
fi
greeter lo 127.0.0.1:0
if control "the 127.0.0.1 server answers $u outside a jail" \
	test "$(as_user "$u" $PY "$uh/jtnet.py" fetch "127.0.0.1:$GREETER_PORT" 2>&1)" = lo; then
	like "$(jssh "$u" "$PY ~/jtnet.py fetch --timeout 3 127.0.0.1:$GREETER_PORT" 2>&1)" '^ERR ' \
		"  ... but not the one on the host's 127.0.0.1"
else
	skip "control failed"
fi
ok "  ... and nothing of $u runs once it has ended" no_live_processes "$u" 2

ssh $(ssh_opts) -p "$SSHD_PORT" -o ConnectTimeout=10 "$u@127.0.0.1" 'sleep 1000' \
	</dev/null >/dev/null 2>&1 &
client=$!
if wait_for 20 eval '[ -n "$(stack_pids "$u")" ] && [ -n "$(live_pids "$u" sleep)" ]'; then
	pass "ssh host sleep 1000: the session runs, with its stack"
	sp=$(stack_pids "$u" | head -n 1)
	t0=$(now_ms)
	kill -KILL "$client"
	wait "$client" 2>/dev/null
	ok "  ... after a SIGKILL to the client the stack is gone within 2 s" \
		wait_for 2 test ! -e "/proc/$sp"
	diag "$(($(now_ms) - t0)) ms from the SIGKILL until the stack was gone"
	ok "  ... and nothing of $u runs" no_live_processes "$u" 2
else
	fail "ssh host sleep 1000: the session runs, with its stack"
	diag "running: $(ps -o pid=,comm= -u "$u" | tr '\n' ';')"
	kill -KILL "$client" 2>/dev/null
	skip_n 2 "no session"
fi

done_testing
