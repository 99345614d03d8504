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
# (ssh_disconnect, tests/lib/ssh.sh: the sleeps in the jail's pid and
# mount namespaces) and within 2 seconds nothing of the user runs any more
# (zombies waiting for the host's pid 1 do not count) and the host's
# mount table is as it was. An ordinary "ssh host 'sleep 0.2; echo done'" prints done and leaves
# nothing either. The time each took is printed as a diagnostic.
. "$(dirname "$0")/../lib/ssh.sh"
. "$(dirname "$0")/../lib/integration.sh"
ssh_setup
[ -x /bin/bash ] || skip_all "no /bin/bash"

ssh_user u
profile "$u" 'shell = "/bin/bash"
volume "~" {}'

ssh_disconnect "$u" "ssh host sleep 1000 (no terminal)" 1 '' "$u@127.0.0.1" 'sleep 1000'
ssh_disconnect "$u" "ssh host, no terminal, nothing heeds SIGHUP" 2 '' \
	"$u@127.0.0.1" 'trap "" HUP; sleep 1000 & sleep 1000'
ssh_disconnect "$u" "ssh -tt host sleep 1000" 1 '' -tt "$u@127.0.0.1" 'sleep 1000'
ssh_disconnect "$u" "ssh -tt, an interactive shell with sleep & and nohup sleep &" 2 \
	'sleep 1000 &\nnohup sleep 1000 >/dev/null 2>&1 &\n' -tt "$u@127.0.0.1"
ssh_disconnect "$u" "ssh -tt, an interactive shell that ignores SIGHUP" 2 \
	'trap "" HUP\nsleep 1000 &\nsleep 1000\n' -tt "$u@127.0.0.1"

# --- a session that ends by itself --------------------------------------------
before=$(host_mounts)
t0=$(now_ms)
out=$(jssh "$u" 'sleep 0.2; echo done' 2>&1); rc=$?
t1=$(now_ms)
is "$out $rc" "done 0" "ssh host 'sleep 0.2; echo done' prints done, exit 0"
ok "  ... and nothing of the user runs afterwards" gone_within "$u" 2000
diag "ssh host 'sleep 0.2; echo done': $((t1 - t0)) ms until the ssh client returned; nothing of the user ran $((took - (t1 - t0))) ms after that"
is "$(host_mounts)" "$before" "  ... and the host's mount table is unchanged"

done_testing
