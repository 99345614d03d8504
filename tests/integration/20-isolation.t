#!/bin/bash
# The jail's own namespaces: a private /tmp, only the session's processes
# (init as pid 1, the shell as pid 2), its own host name, no network with
# network = "none", its own IPC objects, and a minimal /dev.
. "$(dirname "$0")/../lib/harness.sh"
. "$(dirname "$0")/../lib/integration.sh"
setup

user u
uh=$(home "$u")
PY=/usr/bin/python3

# --- /tmp -----------------------------------------------------------------
marker=/tmp/jt-marker-$$
echo host > "$marker"
chmod 644 "$marker"
at_exit "rm -f '$marker' '/tmp/jt-jail-$$'"
ok "control: outside the jail the user sees $marker" \
	as_user "$u" test -r "$marker"
is "$(jrun "$u" "test -e '$marker' && echo visible; ls -A /tmp; echo rc=\$?" 2>&1)" \
	"rc=0" "in the jail /tmp is empty: the host's marker file is not there"
out=$(jrun "$u" "echo jail > /tmp/jt-jail-$$ && cat /tmp/jt-jail-$$" 2>&1)
is "$out" jail "a file can be written in the jail's /tmp"
ok "  ... and it does not appear in the host's /tmp" [ ! -e "/tmp/jt-jail-$$" ]
is "$(jrun "$u" "ls -A /tmp" 2>&1)" "" "  ... nor in the next session's /tmp"
is "$(jrun "$u" "stat -f -c %T /tmp; stat -c %a /tmp" 2>&1 | tr '\n' ' ')" \
	"tmpfs 1777 " "  ... which is a tmpfs of mode 1777"

# --- /dev/shm -------------------------------------------------------------
echo host > "/dev/shm/jt-shm-$$"
chmod 644 "/dev/shm/jt-shm-$$"
at_exit "rm -f '/dev/shm/jt-shm-$$' '/dev/shm/jt-jail-$$'"
ok "control: outside the jail the user sees /dev/shm/jt-shm-$$" \
	as_user "$u" test -r "/dev/shm/jt-shm-$$"
is "$(jrun "$u" 'ls -A /dev/shm; echo rc=$?' 2>&1)" "rc=0" \
	"in the jail /dev/shm is empty"
is "$(jrun "$u" "echo x > /dev/shm/jt-jail-$$ && cat /dev/shm/jt-jail-$$" 2>&1)" x \
	"  ... and writable"
ok "  ... and what is written there does not reach the host" \
	[ ! -e "/dev/shm/jt-jail-$$" ]

# --- processes ------------------------------------------------------------
# a process of the same user outside the jail, which must not be seen
as_user "$u" sh -c 'sleep 600 </dev/null >/dev/null 2>&1 &'
ok "control: the user's sleep outside the jail runs" \
	wait_for 5 has_process "$u" sleep
out=$(jrun "$u" 'echo "shell $$"; ps -e -o pid=,ppid=,comm=; :' 2>&1)
first=$(printf '%s\n' "$out" | sed -n 1p)
procs=$(printf '%s\n' "$out" | sed 1d |
	awk '$3 == "ps" && $1 ~ /^[0-9]+$/ { $1 = "N" } { print $1, $2, $3 }')
is "$first" "shell 2" "the shell is pid 2"
is "$procs" "1 0 jailsh
2 1 sh
N 2 ps" "ps -e sees only init (pid 1, jailsh), the shell and ps itself"
unlike "$out" "sleep" "  ... not the user's process outside the jail"
is "$(jrun "$u" 'cat /proc/1/comm' 2>&1)" jailsh "the comm of pid 1 is jailsh"
n=$(jrun "$u" 'ls /proc | grep -c "^[0-9][0-9]*$"')
ok "/proc lists only the session's few processes ($n)" \
	test "$n" -ge 3 -a "$n" -le 5
for p in $(pgrep -u "$u" -x sleep); do kill "$p"; done
ok "  ... (which is then stopped)" no_live_processes "$u"

# --- host name ------------------------------------------------------------
host_name=$(hostname)
profile "$u" 'volume "~" {}
hostname = "jt-host"'
is "$(jrun "$u" 'hostname; uname -n; cat /proc/sys/kernel/hostname' 2>&1 | tr '\n' ' ')" \
	"jt-host jt-host jt-host " 'hostname = "jt-host" holds in the jail'
is "$(hostname)" "$host_name" "  ... and the host's name is unchanged ($host_name)"
unlike "$host_name" '^jt-host$' "  ... (and is not jt-host)"
rm -f "$CONF/users/$u.conf"
is "$(jrun "$u" 'hostname' 2>&1)" "$host_name" \
	"without hostname the jail has the host's name"

# --- namespaces -----------------------------------------------------------
for ns in ipc mnt pid uts; do
	host_ns=$(as_user "$u" readlink "/proc/self/ns/$ns")
	jail_ns=$(jrun "$u" "readlink /proc/self/ns/$ns" 2>&1)
	like "$jail_ns" "^$ns:\\[[0-9]+\\]\$" "$ns namespace in the jail: $jail_ns"
	ok "  ... differs from the host's ($host_ns)" [ "$jail_ns" != "$host_ns" ]
done
host_net=$(as_user "$u" readlink /proc/self/ns/net)
is "$(jrun "$u" 'readlink /proc/self/ns/net' 2>&1)" "$host_net" \
	"with the default network = \"host\", the host's network namespace"

# IPC objects of the host are out of reach
shmid=$(as_user "$u" ipcmk -M 4096 | awk '{ print $NF }')
at_exit "ipcrm -m '$shmid' 2>/dev/null"
seg="awk '\$2 == \"$shmid\" { print \"segment\", \$2 }'"
is "$(as_user "$u" sh -c "ipcs -m | $seg")" "segment $shmid" \
	"control: outside the jail the user sees their shared memory segment $shmid"
is "$(jrun "$u" "ipcs -m | $seg; ipcs -m | grep -c '^0x'")" 0 \
	"  ... in the jail it is not there, nor any other segment"

# --- network = "none" -----------------------------------------------------
jtnet_in "$uh"
greeter pong 127.0.0.1:0
port=$GREETER_PORT
like "$port" '^[0-9]+$' "a test server listens on 127.0.0.1:$port on the host"

is "$(as_user "$u" $PY "$uh/jtnet.py" fetch "127.0.0.1:$port" 2>&1)" pong \
	"control: outside the jail the user connects to it"
is "$(jrun "$u" "$PY \$HOME/jtnet.py fetch 127.0.0.1:$port" 2>&1)" pong \
	"control: in a jail with the host's network the user connects to it"
host_ifs=$(awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' /proc/net/dev | sort | tr '\n' ' ')
like "$host_ifs" '[^ ]+ [^ ]+ ' "control: the host has interfaces besides lo ($host_ifs)"

profile "$u" 'volume "~" {}
network = "none"'
is "$(jrun "$u" "awk -F: 'NR > 2 { gsub(/ /, \"\", \$1); print \$1 }' /proc/net/dev" 2>&1)" \
	lo 'with network = "none", /proc/net/dev lists only lo'
out=$(jrun "$u" "$PY \$HOME/jtnet.py fetch 127.0.0.1:$port" 2>&1); rc=$?
ok "  ... and connecting to the host's 127.0.0.1:$port fails (exit $rc)" [ "$rc" -ne 0 ]
unlike "$out" pong "  ... nothing comes back from the host's server"
like "$out" "Connection refused|Network is unreachable" "  ... ($(printf '%s' "$out" | tail -1))"
is "$(jrun "$u" "$PY \$HOME/jtnet.py loopback lo-up" 2>&1)" lo-up \
	"  ... while the jail's own loopback is up and works"
ok "  ... the network namespace is not the host's" \
	[ "$(jrun "$u" 'readlink /proc/self/ns/net' 2>&1)" != "$host_net" ]
is "$(as_user "$u" $PY "$uh/jtnet.py" fetch "127.0.0.1:$port" 2>&1)" pong \
	"  ... and the host's server still answers outside"
kill "$GREETER_PID"
rm -f "$CONF/users/$u.conf"

# --- a minimal /dev -------------------------------------------------------
is "$(jrun "$u" 'ls -A /dev' 2>&1 | tr '\n' ' ')" \
	"fd full null ptmx pts random shm stderr stdin stdout tty urandom zero " \
	"/dev holds exactly the expected nodes"
is "$(jrun "$u" 'cd /dev && stat -c "%n %F %t:%T" full null ptmx random tty urandom zero' 2>&1 | tr '\n' ' ')" \
	"full character special file 1:7 null character special file 1:3 ptmx character special file 5:2 random character special file 1:8 tty character special file 5:0 urandom character special file 1:9 zero character special file 1:5 " \
	"  ... character devices with the right numbers"
is "$(jrun "$u" 'find /dev -xdev -type b' 2>&1)" "" "  ... and no block device"
blk=$(find /dev -maxdepth 1 -type b | LC_ALL=C sort | tr '\n' ' ')
if [ -n "$blk" ]; then
	pass "control: the host has block devices: $blk"
	is "$(jrun "$u" "for b in $blk; do test -e \$b && echo \$b; done" 2>&1)" "" \
		"  ... none of them exists in the jail"
	for b in /dev/vda /dev/sda /dev/nvme0n1; do
		[ -b "$b" ] || continue
		is "$(jrun "$u" "ls $b" 2>&1)" \
			"ls: cannot access '$b': No such file or directory" \
			"  ... $b in particular"
	done
else
	skip "the host has no block device under /dev to look for"
fi
out=$(jrun "$u" 'mknod /dev/jt c 1 3' 2>&1)
like "$out" "Read-only file system|Operation not permitted" \
	"no node can be added to /dev"

done_testing
