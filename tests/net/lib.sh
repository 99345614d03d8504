# tests/net/lib.sh: what the tests of network = "private" share, on top of
# tests/lib/harness.sh and integration.sh (sourced here).
#
#   net_setup            setup and net_need
#   net_need             skips the whole test without pasta or
#                        /dev/net/tun; finds HOSTIP, the host's own
#                        non-loopback IPv4 address (a dummy interface with
#                        one from 198.18.0.0/15, removed at exit, where the
#                        host has none); PY
#   stack_pids USER      the pids of USER's network stack (pasta) processes
#   jail_bg USER CMD     "jailsh -c CMD" as USER in the background; its pid
#                        (the outer jailsh) in BG
#   wait_file PATH       true once PATH exists and is not empty (10 s)
#   dns_ns CMD...        CMD (a program) in
#   jrun_dns USER CMD    jrun, in a mount namespace of its own where
#                        /etc/resolv.conf is $NETDIR/resolv.conf (naming
#                        the test's DNS server): the host's file is
#                        untouched (the same namespace for dns_ns)
#   net_serve, free_port, fetch, jfetch: below
#
# Traffic goes only to HOSTIP and 127.0.0.1 (and the jail's own addresses):
# every server is the test's own, listens there, and is stopped by pid.
. "$(dirname "$0")/../lib/harness.sh"
. "$(dirname "$0")/../lib/integration.sh"
. "$(dirname "$0")/../lib/capture.sh"

PY=/usr/bin/python3

net_setup() {
	setup
	net_need
}

# net_need: net_setup without setup (for a test that made its own: sshd's)
net_need() {
	[ -x /usr/bin/pasta ] || skip_all "no /usr/bin/pasta (the passt package)"
	[ -c /dev/net/tun ] || skip_all "no /dev/net/tun (the tun module)"
	NETDIR=$(mktemp -d /tmp/jt-net.XXXXXX)
	chmod 755 "$NETDIR"
	at_exit "rm -rf '$NETDIR'"
	HOSTIP=$(ip -o -4 addr show scope global | awk '{ split($4, a, "/"); print a[1]; exit }')
	if [ -z "$HOSTIP" ]; then
		ip link add jtdummy type dummy || skip_all "no address but loopback, and no dummy interface"
		at_exit "ip link del jtdummy"
		ip addr add 198.18.0.1/32 dev jtdummy && ip link set jtdummy up
		HOSTIP=198.18.0.1
	fi
}

stack_pids() {
	ps -u "$1" -o pid=,stat=,comm= 2>/dev/null |
		awk '$2 !~ /^Z/ && $3 ~ /^(pasta|passt)/ { print $1 }'
}

jail_bg() {
	(cd / && exec setpriv --reuid="$1" --regid="$(id -g "$1")" \
		--init-groups --reset-env -- "$J" -c "$2") \
		</dev/null >"$NETDIR/bg.out" 2>&1 &
	BG=$!
	at_exit "kill -KILL $BG 2>/dev/null"
}

wait_file() { wait_for 10 test -s "$1"; }

dns_ns() {
	unshare -m --propagation private sh -c \
		'mount --bind "$0/resolv.conf" /etc/resolv.conf && cd / &&
		exec "$@"' "$NETDIR" "$@"
}
jrun_dns() {
	dns_ns setpriv --reuid="$1" --regid="$(id -g "$1")" --init-groups \
		--reset-env -- "$J" -c "$2"
}
# net_serve VAR LOG TEXT ADDR...: a greeting server of root's (jtnet.py
# serve) on each ADDR (port 0: a free one), its connections logged in LOG,
# stopped by pid at exit; the port of the first ADDR in VAR (greeter,
# integration.sh's, gives only the ports on 127.0.0.1 and ::1).
net_serve() {
	_nsv=$1 _nsf=$NETDIR/ports.$1; shift
	: >"$1"
	$PY "$TOP/tests/lib/jtnet.py" serve --log "$1" --ports "$_nsf" "$2" "${@:3}" &
	at_exit "kill $! 2>/dev/null"
	disown $!
	wait_file "$_nsf" || { echo "Bail out! jtnet.py serve did not start"; exit 1; }
	eval "$_nsv=\$(awk 'NR == 1 { print \$2 }' \"\$_nsf\")"
}

# free_port: a TCP and UDP port nobody uses on the host now
free_port() {
	$PY -c 'import socket
while True:
    t = socket.socket(); t.bind(("0.0.0.0", 0)); p = t.getsockname()[1]
    u = socket.socket(type=socket.SOCK_DGRAM)
    try:
        u.bind(("0.0.0.0", p))
    except OSError:
        continue
    print(p); break'
}

# fetch ADDR: what a connection to ADDR gets, as root on the host, or
# "ERR why"
fetch() { $PY "$TOP/tests/lib/jtnet.py" fetch --timeout 3 "$1" 2>&1; }

# jfetch USER ADDR: the same from USER's jail (jtnet.py in its home)
jfetch() { jrun "$1" "$PY \$HOME/jtnet.py fetch --timeout 3 $2" 2>&1; }

# talk ADDR, jtalk USER ADDR: the same, for a talker (below) in a jail:
# the client says "hi" first
talk() { $PY "$TOP/tests/lib/jtnet.py" fetch --send hi --timeout 3 "$1" 2>&1; }
jtalk() {
	jrun "$1" "$PY \$HOME/jtnet.py fetch --send hi --timeout 3 $2" 2>&1
}

# talker_in USER: ~USER/talker.py TEXT PORTS-FILE PORT...: a TCP server
# for a jail, on 0.0.0.0:PORT..., that answers the first line a client
# sends with TEXT and closes; PORTS-FILE gets "ready" once all listen.
# The client speaks first: Debian 12's pasta (passt of 2023-03) passes
# what a server in the namespace says before the client has said anything
# on to the host only once the client has.
talker_in() {
	put_script "$1" talker.py <<'EOF'
import select, socket, sys
ls = []
for port in sys.argv[3:]:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", int(port)))
    s.listen(16)
    ls.append(s)
open(sys.argv[2], "w").write("ready\n")
while True:
    for s in select.select(ls, [], [])[0]:
        c, _ = s.accept()
        c.settimeout(5)
        try:
            c.makefile("rb").readline()
            c.sendall(sys.argv[1].encode() + b"\n")
        except OSError:
            pass
        c.close()
EOF
}
