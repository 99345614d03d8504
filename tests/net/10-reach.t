#!/bin/bash
# network = "private": what a jail reaches, and what reaches it.
#
# Servers of the test's own (tests/lib/jtnet.py serve, root's: net_serve,
# greeter) on the host's own non-loopback address HOSTIP and on 127.0.0.1
# and ::1; the
# throwaway users' jails have network = "private" (pasta, as the user):
#
#   - the jail has its own network namespace, with 10.0.2.100 on its
#     interface, and its stack runs as the user (every uid), outside the
#     jail's pid namespace, the warden's child;
#   - the HOSTIP server is reachable from the jail (control: from the host);
#   - the 127.0.0.1 and ::1 servers are not (control: reachable as the
#     user outside a jail), neither at 127.0.0.1/::1 (the jail's own
#     loopback) nor through the gateway, 10.0.2.2 (where this test makes
#     10.0.2.2 unreachable on the host for the time it runs, so that
#     nothing is sent anywhere else), and the server saw no connection;
#     with host_loopback = yes the gateway is the host's loopback, and the
#     127.0.0.1 server answers there;
#   - a port the jail listens on (control: it answers inside the jail) is
#     reachable neither from the host (127.0.0.1, HOSTIP) nor from another
#     user's private jail; a published port (publish = { "tcp:P",
#     "udp:HOSTIP:H:J" }) is, from the host and from that other jail, and
#     only it (UDP at the host's address: Debian 12's pasta loses the
#     answers to a UDP port published under another number in the jail
#     for clients on the host's loopback, jailsh.conf(5), BUGS); once the jail ends, the host's port is free again;
#   - a publish of a port already taken on the host refuses the session:
#     exit 125, one line naming the port, nothing left running;
#   - DNS: /etc/resolv.conf in the jail names the stack's forwarder
#     (10.0.2.3) and the host's is unchanged; a name that only the test's
#     DNS server (tests/net/dns.py, on HOSTIP:53) knows resolves in the
#     jail, through the forwarder, to the upstream the host's resolv.conf
#     names (a bind mount in a mount namespace of the test's own).
. "$(dirname "$0")/lib.sh"
net_setup

user a
user b
ah=$(home "$a")
bh=$(home "$b")
jtnet_in "$ah"
jtnet_in "$bh"
PRIV='network = "private"
volume "~" {}'
profile "$a" "$PRIV"
profile "$b" "$PRIV"

# --- the jail's own network, and its stack ---------------------------------------
out=$(jrun "$a" 'ip -o -4 addr show scope global; readlink /proc/self/ns/net')
like "$out" "inet 10\.0\.2\.100/24" "the jail has an interface with 10.0.2.100/24"
ok "  ... in a network namespace that is not the host's" \
	eval '_matches "$out" "net:\\[" && ! _matches "$out" "\\Q$(host_ns net)\\E"'

# the last session's stack may still be ending: this one's is wanted
no_live_processes "$a" 5
jail_bg "$a" 'sleep 30'
if wait_for 10 eval '[ -n "$(stack_pids "$a")" ]'; then
	pass "while a session runs, its stack (pasta) runs as $a"
	sp=$(stack_pids "$a" | head -n 1)
	is "$(awk '/^Uid:|^Gid:/ { print $2, $3, $4, $5 }' "/proc/$sp/status" | tr '\n' ' ')" \
		"$(id -u "$a") $(id -u "$a") $(id -u "$a") $(id -u "$a") $(id -g "$a") $(id -g "$a") $(id -g "$a") $(id -g "$a") " \
		"  ... every uid and gid of it is the user's"
	is "$(awk '/^NSpid:/ { print NF - 1 }' "/proc/$sp/status")" 1 \
		"  ... outside the jail's pid namespace"
	pp=$(awk '/^PPid:/ { print $2 }' "/proc/$sp/status")
	is "$(stat -c %U "/proc/$pp") $(cat "/proc/$pp/comm")" "root jailsh-warden" \
		"  ... the child of root's warden"
	kill -KILL "$BG"; wait "$BG" 2>/dev/null
	ok "  ... and it is gone once the session is" \
		wait_for 5 test ! -e "/proc/$sp"
else
	fail "while a session runs, its stack (pasta) runs as $a"
	skip_n 4 "no stack"
	kill -KILL "$BG"; wait "$BG" 2>/dev/null
fi

# --- the host's address, and the host's loopback -------------------------------------
net_serve far "$NETDIR/far.log" far "$HOSTIP:0"
greeter --log "$NETDIR/lo.log" --optional lo 127.0.0.1:0 ::1:0
lo=$GREETER_PORT lo6=$GREETER_PORT6
if control "the server on HOSTIP ($HOSTIP) answers on the host" \
	test "$(fetch "$HOSTIP:$far")" = far; then
	is "$(jfetch "$a" "$HOSTIP:$far")" far "from the jail, the server on the host's address answers"
else
	skip "control failed"
fi

if control "the 127.0.0.1 server answers $a outside a jail" \
	test "$(as_user "$a" $PY "$ah/jtnet.py" fetch "127.0.0.1:$lo" 2>&1)" = lo; then
	: >"$NETDIR/lo.log"
	like "$(jfetch "$a" "127.0.0.1:$lo")" '^ERR ' \
		"from the jail, 127.0.0.1:PORT is the jail's own loopback: refused"
	if [ -n "$lo6" ]; then
		like "$(jfetch "$a" "::1:$lo6")" '^ERR ' "  ... and so is [::1]:PORT"
	else
		skip "no ::1 on the host"
	fi
	# the gateway is the host's loopback only with host_loopback = yes;
	# without it pasta would send the connection out to 10.0.2.2, which
	# must not leave this host: unreachable while the test runs
	if ip route add unreachable 10.0.2.2/32 2>/dev/null; then
		at_exit "ip route del unreachable 10.0.2.2/32 2>/dev/null"
		like "$(jfetch "$a" "10.0.2.2:$lo")" '^ERR ' \
			"  ... and the gateway (10.0.2.2) is not the host's loopback"
		ip route del unreachable 10.0.2.2/32
	else
		skip "a route for 10.0.2.2 exists on this host: the gateway is not tried"
	fi
	is "$(cat "$NETDIR/lo.log")" "" "  ... the 127.0.0.1 server saw no connection"
	profile "$a" "$PRIV
host_loopback = yes"
	is "$(jfetch "$a" "10.0.2.2:$lo")" lo \
		"host_loopback = yes: the gateway (10.0.2.2) is the host's loopback"
	like "$(jfetch "$a" "127.0.0.1:$lo")" '^ERR ' \
		"  ... while 127.0.0.1 is still the jail's own"
	profile "$a" "$PRIV"
else
	skip_n 6 "control failed"
fi

# --- what the jail listens on; what it publishes ---------------------------------------
X=$(free_port)
PP=$(free_port)
while [ "$PP" = "$X" ]; do PP=$(free_port); done
HU=$(free_port)
JU=40053
profile "$a" "$PRIV
publish = { \"tcp:$PP\", \"udp:$HOSTIP:$HU:$JU\" }"
put_script "$a" udp-echo.py <<EOF
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", $JU))
while True:
    d, peer = s.recvfrom(100)
    s.sendto(b"echo " + d, peer)
EOF
talker_in "$a"
rm -f "$ah/jports" "$ah/self"
jail_bg "$a" "$PY ~/udp-echo.py & $PY ~/talker.py jail-a ~/jports $X $PP &
	while [ ! -s ~/jports ]; do sleep 0.1; done
	$PY ~/jtnet.py fetch --send hi 127.0.0.1:$X > ~/self 2>&1; exec sleep 60"
wait_file "$ah/self"
if control "in the jail, its server on port $X answers: $(cat "$ah/self" 2>/dev/null)" \
	test "$(cat "$ah/self" 2>/dev/null)" = jail-a; then
	like "$(talk "127.0.0.1:$X")" '^ERR ' "the jail's port is not reachable from the host at 127.0.0.1"
	like "$(talk "$HOSTIP:$X")" '^ERR ' "  ... nor at the host's address"
	like "$(jtalk "$b" "$HOSTIP:$X")" '^ERR ' "  ... nor from another user's private jail"
	is "$(talk "127.0.0.1:$PP")" jail-a "the published tcp:$PP is reachable from the host at 127.0.0.1"
	is "$(talk "$HOSTIP:$PP")" jail-a "  ... and at the host's address"
	is "$(jtalk "$b" "$HOSTIP:$PP")" jail-a "  ... and from another user's private jail"
	got=$($PY -c "import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3)
s.sendto(b'hi', ('$HOSTIP', $HU)); print(s.recv(100).decode())" 2>&1)
	is "$got" "echo hi" "the published udp:HOSTIP:$HU:$JU reaches the jail's port $JU"
	kill -KILL "$BG"; wait "$BG" 2>/dev/null
	ok "once the jail is gone, port $PP is free on the host again" \
		wait_for 5 eval '! listening "$PP"'
else
	skip_n 8 "control failed"
	kill -KILL "$BG"; wait "$BG" 2>/dev/null
fi

# --- a port taken on the host -----------------------------------------------------
greeter taken 127.0.0.1:0
taken=$GREETER_PORT
profile "$a" "$PRIV
publish = { \"tcp:$taken\" }"
capture jrun "$a" 'echo ran'
is "$RC" 125 "publish of a port already in use on the host (tcp:$taken): exit 125"
like "$ERR" "\\Ajailsh: [^\\n]*port $taken is already in use on the host\\z" \
	"  ... one line that names the port"
is "$OUT" "" "  ... and nothing ran"
ok "  ... and nothing of the user runs" no_live_processes "$a"

# --- DNS -------------------------------------------------------------------------------
before=$(sha256sum /etc/resolv.conf 2>/dev/null)
profile "$a" "$PRIV"
is "$(jrun "$a" 'grep ^nameserver /etc/resolv.conf')" "nameserver 10.0.2.3" \
	"the jail's /etc/resolv.conf names the stack's forwarder only"
is "$(sha256sum /etc/resolv.conf 2>/dev/null)" "$before" "  ... and the host's is unchanged"
if ss -Hlnu "sport = :53" | grep -q .; then
	skip_n 3 "something listens on UDP port 53 of the host already"
else
	echo "nameserver $HOSTIP" >"$NETDIR/resolv.conf"
	$PY "$TOP/tests/net/dns.py" "$HOSTIP" 53 jt-net.test 198.51.100.7 \
		"$NETDIR/dns.ready" "$NETDIR/dns.log" &
	at_exit "kill $! 2>/dev/null"
	disown $!
	wait_file "$NETDIR/dns.ready"
	if control "the test's DNS server answers root on the host" \
		eval 'dns_ns getent hosts jt-net.test | grep -q "^198\.51\.100\.7 "'; then
		: >"$NETDIR/dns.log"
		out=$(jrun_dns "$a" 'getent hosts jt-net.test' 2>&1)
		like "$out" '^198\.51\.100\.7\s+jt-net\.test' \
			"in the jail, jt-net.test resolves through the stack's forwarder"
		ok "  ... asked of the test's DNS server" \
			grep -qx jt-net.test "$NETDIR/dns.log"
	else
		skip_n 2 "control failed"
	fi
fi

done_testing
