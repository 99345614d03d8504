#!/bin/bash
# A lost connection ends the session: the ssh client of a login-shell user
# (jailsh as the login shell, bash in the profile) is killed with SIGKILL
# while the session runs
#
#   - "ssh host sleep 1000" without a terminal (the hangup reaches jailsh
#     as its output's reader going away: sshd closes its end),
#   - the same with 'trap "" HUP' and a sleep in the background too,
#   - "ssh -tt host sleep 1000" (the terminal hangs up: SIGHUP),
#   - an interactive "ssh -tt" shell that started "sleep 1000 &" and
#     "nohup sleep 1000 &",
#   - an interactive "ssh -tt" shell that ran 'trap "" HUP' first, then a
#     sleep in the background and one in the foreground: nothing in the
#     session heeds SIGHUP,
#
# and within 2 seconds nothing of the user runs any more (zombies waiting
# for the host's pid 1 do not count) and the host's mount table is as it
# was. An ordinary "ssh host 'sleep 0.2; echo done'" prints done and leaves
# nothing either. The time each took is printed as a diagnostic.
. "$(dirname "$0")/../lib/ssh.sh"
. "$(dirname "$0")/../lib/integration.sh"
ssh_setup
[ -x /bin/bash ] || skip_all "no /bin/bash"

ssh_user u
profile "$u" 'shell = "/bin/bash"
volume "~" {}'
T=$SSHD_DIR	# removed at exit
now_ms() { date +%s%3N; }
sleeps() { live_pids "$u" sleep | wc -l | tr -d ' '; }
at_least() { [ "$(sleeps)" -ge "$1" ]; }

# gone_within MS: true once no process of the user runs, polling every
# 20 ms for at most MS; sets $took (ms since $t0)
gone_within() {
	_end=$(($(now_ms) + $1))
	while [ -n "$(live_pids "$u")" ]; do
		[ "$(now_ms)" -lt "$_end" ] || break
		sleep 0.02
	done
	took=$(($(now_ms) - t0))
	[ -z "$(live_pids "$u")" ]
}

# disconnect NAME SLEEPS INPUT SSH-ARGS...: runs the ssh client in the
# background (its standard input a fifo that INPUT is written to and that
# stays open), waits until the user runs SLEEPS sleep processes, kills the
# client with SIGKILL and checks that nothing is left.
disconnect() {
	_n=$1 _want=$2 _in=$3; shift 3
	before=$(host_mounts)
	rm -f "$T/in"; mkfifo "$T/in"
	ssh $(ssh_opts) -p "$SSHD_PORT" -o ConnectTimeout=10 "$@" \
		<"$T/in" >"$T/out" 2>&1 &
	client=$!
	exec 7>"$T/in"
	printf "$_in" >&7
	ok "$_n: the session runs ($_want sleep processes in its jail)" \
		wait_for 20 at_least "$_want"
	is "$(cat "/proc/$client/comm" 2>/dev/null)" ssh "  ... \$! is the ssh client itself"
	p=$(live_pids "$u" sleep | head -n 1)
	is "$(awk '/^NSpid:/ { print NF - 1 }' "/proc/$p/status" 2>/dev/null)" 2 \
		"  ... the sleep is in the jail's pid namespace"
	t0=$(now_ms)
	kill -KILL "$client"
	wait "$client" 2>/dev/null
	exec 7>&-
	if gone_within 5000 && [ "$took" -le 2000 ]; then
		pass "  ... after a SIGKILL to the client nothing of the user runs within 2 s ($took ms)"
	else
		fail "  ... after a SIGKILL to the client nothing of the user runs within 2 s ($took ms)"
		diag "left: $(ps -o pid=,stat=,args= -u "$u" | tr '\n' ';')"
	fi
	diag "$_n: ${took} ms from the SIGKILL to the client until nothing of the user ran"
	is "$(host_mounts)" "$before" "  ... and the host's mount table is unchanged"
	# whatever is left is killed: the next case starts from nothing
	for p in $(pgrep -u "$u"); do kill -KILL "$p" 2>/dev/null; done
	no_live_processes "$u"
}

disconnect "ssh host sleep 1000 (no terminal)" 1 '' "$u@127.0.0.1" 'sleep 1000'
disconnect "ssh host, no terminal, nothing heeds SIGHUP" 2 '' "$u@127.0.0.1" \
	'trap "" HUP; sleep 1000 & sleep 1000'
disconnect "ssh -tt host sleep 1000" 1 '' -tt "$u@127.0.0.1" 'sleep 1000'
disconnect "ssh -tt, an interactive shell with sleep & and nohup sleep &" 2 \
	'sleep 1000 &\nnohup sleep 1000 >/dev/null 2>&1 &\n' -tt "$u@127.0.0.1"
disconnect "ssh -tt, an interactive shell that ignores SIGHUP" 2 \
	'trap "" HUP\nsleep 1000 &\nsleep 1000\n' -tt "$u@127.0.0.1"

# --- a session that ends by itself --------------------------------------------
before=$(host_mounts)
t0=$(now_ms)
out=$(jssh "$u" 'sleep 0.2; echo done' 2>&1); rc=$?
t1=$(now_ms)
is "$out $rc" "done 0" "ssh host 'sleep 0.2; echo done' prints done, exit 0"
ok "  ... and nothing of the user runs afterwards" gone_within 2000
diag "ssh host 'sleep 0.2; echo done': $((t1 - t0)) ms until the ssh client returned; nothing of the user ran $((took - (t1 - t0))) ms after that"
is "$(host_mounts)" "$before" "  ... and the host's mount table is unchanged"

done_testing
