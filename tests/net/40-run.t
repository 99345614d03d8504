#!/bin/bash
# jailsh run --net private: the same private network for an ad-hoc jail,
# without privilege. The stack is the caller's own process (jailsh's
# child), in the user namespace that holds the jail's, and needs
# /dev/net/tun open to everyone: where the host's is not (a container),
# the whole test runs in a mount namespace of its own where a node of the
# test's, mode 0666, is bound over it (the host's is untouched). As a
# throwaway user whose login shell is /bin/sh:
#
#   - the jail has 10.0.2.100 and the stack's forwarder in its own
#     /etc/resolv.conf; the server on the host's address HOSTIP answers
#     (control: on the host); the one on 127.0.0.1 does not, at 127.0.0.1
#     (control: it answers the user outside a jail);
#   - --publish tcp:P forwards the host's port P into the jail; the jail's
#     other port is not reachable from the host;
#   - the stack is gone once jailsh run has returned;
#   - --publish without --net private is refused, and so is a malformed
#     spec, each in one line with exit 125.
. "$(dirname "$0")/lib.sh"
net_setup

user w /bin/sh
wh=$(home "$w")
jtnet_in "$wh"
talker_in "$w"

# wrun CMD...: "jailsh run" as w from w's home, in the mount namespace
# with an open /dev/net/tun where the host's is closed
if [ "$(stat -c %a /dev/net/tun)" = 666 ]; then
	wrun() { (cd "$wh" && setpriv --reuid="$w" --regid="$(id -g "$w")" \
		--init-groups --reset-env -- "$J" run "$@"); }
else
	install -d -m 755 "$NETDIR/tun"
	wrun() {
		unshare -m --propagation private sh -c '
			mount -t tmpfs -o mode=755 jt-tun "$0" &&
			mknod -m 666 "$0/tun" c 10 200 &&
			mount --bind "$0/tun" /dev/net/tun && cd "$1" || exit 1
			u=$2 j=$3; shift 3
			exec setpriv --reuid="$u" --regid="$(id -g "$u")" \
				--init-groups --reset-env -- "$j" run "$@"' \
			"$NETDIR/tun" "$wh" "$w" "$J" "$@"
	}
	diag "/dev/net/tun is mode $(stat -c %a /dev/net/tun) here: jailsh run gets a 0666 node of the test's, in a mount namespace of its own"
fi

capture wrun --net private -- /bin/sh -c 'ip -o -4 addr show scope global; grep ^nameserver /etc/resolv.conf'
like "$OUT" 'inet 10\.0\.2\.100/24[^\n]*\n.*nameserver 10\.0\.2\.3' \
	"jailsh run --net private: 10.0.2.100, and the stack's forwarder in /etc/resolv.conf"
is "$RC" 0 "  ... exit 0 ($ERR)"

net_serve far "$NETDIR/far.log" far "$HOSTIP:0"
if control "the server on HOSTIP answers on the host" test "$(fetch "$HOSTIP:$far")" = far; then
	is "$(wrun --net private -- $PY jtnet.py fetch --timeout 3 "$HOSTIP:$far" 2>&1)" far \
		"jailsh run --net private reaches the server on the host's address"
else
	skip "control failed"
fi
greeter lo 127.0.0.1:0
if control "the 127.0.0.1 server answers $w outside a jail" \
	test "$(as_user "$w" $PY "$wh/jtnet.py" fetch "127.0.0.1:$GREETER_PORT" 2>&1)" = lo; then
	like "$(wrun --net private -- $PY jtnet.py fetch --timeout 3 "127.0.0.1:$GREETER_PORT" 2>&1)" '^ERR ' \
		"  ... but not the one on the host's 127.0.0.1"
else
	skip "control failed"
fi

X=$(free_port)
PP=$(free_port)
while [ "$PP" = "$X" ]; do PP=$(free_port); done
rm -f "$wh/jports"
# the jail is the test's background job: w's jailsh run, whose child the
# stack is
wrun --net private --publish "tcp:$PP" --vol "$wh" "$wh" -- /bin/sh -c \
	"$PY talker.py run-jail jports $X $PP & exec sleep 30" \
	</dev/null >"$NETDIR/run.out" 2>&1 &
RUNBG=$!
at_exit "kill -KILL $RUNBG 2>/dev/null"
if wait_file "$wh/jports" && wait_for 10 eval '[ -n "$(stack_pids "$w")" ]'; then
	is "$(talk "127.0.0.1:$PP")" run-jail "--publish tcp:$PP: the host's port reaches the jail"
	like "$(talk "127.0.0.1:$X")" '^ERR ' "  ... and the jail's other port is not reachable"
	sp=$(stack_pids "$w" | head -n 1)
	is "$(awk '/^Uid:/ { print $2 }' "/proc/$sp/status")" "$(id -u "$w")" \
		"  ... the stack runs as the caller"
	for p in $(live_pids "$w" sleep); do kill -KILL "$p"; done
	wait "$RUNBG" 2>/dev/null
	ok "  ... and is gone once jailsh run has returned" \
		wait_for 2 test ! -e "/proc/$sp"
else
	fail "--publish tcp:$PP: the jail runs, with its stack"
	diag "$(cat "$NETDIR/run.out")"
	skip_n 3 "no jail"
fi

capture wrun --publish tcp:8080 -- /bin/true
is "$RC" 125 "--publish without --net private: exit 125"
like "$ERR" '\Ajailsh: [^\n]*--publish needs --net private[^\n]*\z' "  ... one line that says why"
capture wrun --net private --publish tcp:99999 -- /bin/true
is "$RC" 125 "--publish tcp:99999: exit 125"
like "$ERR" '\Ajailsh: [^\n]*tcp:99999[^\n]*\z' "  ... one line that names it"

done_testing
