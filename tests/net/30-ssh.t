#!/bin/bash
# network = "private" behind Debian's sshd (tests/lib/ssh.sh: a private
# sshd on 127.0.0.1): a user whose login shell is jailsh logs in with
# "ssh host sleep 1000", with and without a terminal; once the jail's
# sleep and its stack (pasta, as the user) run, the ssh client is killed
# with SIGKILL (a lost connection), and within 2 s the stack's process is
# gone (reaped by the warden) and nothing of the user runs. A session
# that ends by itself ("ssh host 'cat /etc/resolv.conf'") shows the
# jail's resolv.conf and leaves nothing either.
. "$(dirname "$0")/../lib/ssh.sh"
. "$(dirname "$0")/lib.sh"
ssh_setup
net_need

ssh_user u
profile "$u" 'network = "private"'

out=$(jssh "$u" 'grep ^nameserver /etc/resolv.conf; ip -o -4 addr show scope global' 2>&1)
like "$out" '\Anameserver 10\.0\.2\.3\n.*inet 10\.0\.2\.100/24' \
	"ssh host CMD: the jail has the private network"
ok "  ... and nothing of $u runs once it has ended" no_live_processes "$u" 2

# lost TITLE SSH-ARGS...: a session that loses its connection
lost() {
	_l_t=$1; shift
	ssh $(ssh_opts) -p "$SSHD_PORT" -o ConnectTimeout=10 "$@" \
		"$u@127.0.0.1" 'sleep 1000' </dev/null >/dev/null 2>&1 &
	_l_client=$!
	if wait_for 20 eval '[ -n "$(stack_pids "$u")" ] && [ -n "$(live_pids "$u" sleep)" ]'; then
		pass "$_l_t: the session runs, with its stack"
	else
		fail "$_l_t: the session runs, with its stack"
		diag "running: $(ps -o pid=,comm= -u "$u" | tr '\n' ';')"
		skip_n 2 "no session"
		kill -KILL "$_l_client" 2>/dev/null
		return
	fi
	_l_stack=$(stack_pids "$u" | head -n 1)
	t0=$(now_ms)
	kill -KILL "$_l_client"
	wait "$_l_client" 2>/dev/null
	if wait_for 2 test ! -e "/proc/$_l_stack"; then
		pass "  ... after a SIGKILL to the client the stack is gone within 2 s ($(($(now_ms) - t0)) ms)"
	else
		fail "  ... after a SIGKILL to the client the stack is gone within 2 s"
	fi
	ok "  ... and nothing of $u runs" no_live_processes "$u" 2
	for _p in $(pgrep -u "$u"); do kill -KILL "$_p" 2>/dev/null; done
	no_live_processes "$u" 5
}

lost "ssh host sleep 1000 (no terminal)"
lost "ssh -tt host sleep 1000" -tt

done_testing
