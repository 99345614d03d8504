#!/bin/bash
# What a session shares with the host and with other sessions (CATALOGUE.md,
# classes 21, 22 and 23).
#
#   /tmp, /dev/shm  private: a file root made on the host is not seen, and
#                   what the session writes never reaches the host
#                   (control: the user sees root's files outside)
#   /var/tmp        the host's, read-only (a write fails with EROFS)
#   System V IPC    root's shared memory segment, message queue and
#                   semaphore set (ipcmk, mode 0666) are not listed by ipcs
#                   and cannot be reached by key or by id (control: the
#                   user lists them and attaches, gets, stats them outside)
#   POSIX mqueue    root's queue (mode 0666) cannot be opened (control:
#                   outside it can)
#   two sessions    of the same user, at the same time: neither sees the
#                   other's /tmp, /dev/shm, System V segment or POSIX queue
#   network = none  no interface but lo (ip link, /proc/net/dev), no route
#                   (ip route, ip -6 route are empty), a TCP listener of
#                   root's on 127.0.0.1 (and ::1) refuses the connection
#                   (control: outside, and with network = host, the
#                   connection is made). Nothing is sent anywhere but to
#                   loopback.
#
# As the user through jailsh, and under the PAM module (pamrun).
. "$(dirname "$0")/modes.sh"
esc_setup
command -v ipcmk >/dev/null || skip_all "no ipcmk (util-linux)"
IP=/usr/sbin/ip
[ -x "$IP" ] || IP=$(command -v ip)

# --- host side ------------------------------------------------------------
: > /tmp/jt-host-$$
: > /dev/shm/jt-host-$$
at_exit "rm -f /tmp/jt-host-$$ /dev/shm/jt-host-$$ /tmp/jt-in-$$ /dev/shm/jt-in-$$"
SHMID=$(ipcmk -M 4096 -p 0666 | awk '{ print $NF }')
MSQID=$(ipcmk -Q -p 0666 | awk '{ print $NF }')
SEMID=$(ipcmk -S 1 -p 0666 | awk '{ print $NF }')
at_exit "ipcrm -m $SHMID -q $MSQID -s $SEMID 2>/dev/null"
SHMKEY=$(ipcs -m | awk -v id="$SHMID" '$2 == id { print $1 }')
MSGKEY=$(ipcs -q | awk -v id="$MSQID" '$2 == id { print $1 }')
SEMKEY=$(ipcs -s | awk -v id="$SEMID" '$2 == id { print $1 }')
diag "root's System V objects: shm $SHMID ($SHMKEY), msg $MSQID ($MSGKEY), sem $SEMID ($SEMKEY)"
MQ=/jt-mq-$$
"$PY" "$ESC_SRC/ipc.py" mq-create "$MQ" >/dev/null
at_exit "$PY $ESC_SRC/ipc.py mq-unlink $MQ >/dev/null"

# TCP listeners of root's on loopback (::1 where the host has IPv6)
greeter --optional HELLO 127.0.0.1:0 ::1:0
PORT4=$GREETER_PORT
PORT6=$GREETER_PORT6
# jtnet.py $CONN HOST:PORT (the probes' copy): CONNECT=HELLO or
# CONNECT=<error>
CONN="fetch --timeout 3 --ok CONNECT=%s --fail CONNECT=%s"

esc_modes
for M in $MODES; do
	esc_mode_user "$M"

	# --- /tmp, /dev/shm, /var/tmp ---------------------------------------------
	ok "$W: control: outside, the user sees root's /tmp/jt-host-$$ and /dev/shm/jt-host-$$" \
		as_user "$U" test -e /tmp/jt-host-$$ -a -e /dev/shm/jt-host-$$
	jcap "$M" "$U" "
		test -e /tmp/jt-host-$$ && echo SEE-TMP=yes || echo SEE-TMP=no
		test -e /dev/shm/jt-host-$$ && echo SEE-SHM=yes || echo SEE-SHM=no
		echo in > /tmp/jt-in-$$ && echo WRITE-TMP=ok
		echo in > /dev/shm/jt-in-$$ && echo WRITE-SHM=ok
		e=\$( { : > /var/tmp/jt-in-$$; } 2>&1) && echo VARTMP=ok || echo \"VARTMP=\${e##*: }\""
	is "$(val SEE-TMP) $(val SEE-SHM)" "no no" "$W: inside, root's files in /tmp and /dev/shm are not seen"
	is "$(val WRITE-TMP) $(val WRITE-SHM)" "ok ok" "$W: inside, /tmp and /dev/shm are writable"
	ok "  ... and what was written there is not on the host" \
		test ! -e /tmp/jt-in-$$ -a ! -e /dev/shm/jt-in-$$
	is "$(val VARTMP)" "Read-only file system" "$W: inside, /var/tmp is the host's, read-only"
	ok "  ... nothing was written there" test ! -e /var/tmp/jt-in-$$

	# --- System V IPC and POSIX message queues ----------------------------
	OUT=$(as_user "$U" sh -c "ipcs -m -q -s; $PY $PROBES/ipc.py sysv $SHMID $MSQID $SEMID $SHMKEY $MSGKEY $SEMKEY; $PY $PROBES/ipc.py mq $MQ")
	like "$OUT" "$SHMKEY +$SHMID " "$W: control: outside, ipcs lists root's segment"
	for k in shmat shmget msgget semget msgctl semctl mq_open; do
		is "$(val "$k")" ok "$W: control: outside, $k of root's object works"
	done
	jcap "$M" "$U" "ipcs -m -q -s; ls /dev/mqueue 2>&1; $PY ~/.probes/ipc.py sysv $SHMID $MSQID $SEMID $SHMKEY $MSGKEY $SEMKEY; $PY ~/.probes/ipc.py mq $MQ"
	unlike "$OUT" "$SHMKEY|$MSGKEY|$SEMKEY" "$W: inside, ipcs lists none of root's objects"
	for k in shmat shmget msgget semget msgctl semctl; do
		r=$(val "$k")
		ok "$W: inside, $k of root's System V object fails ($r)" test -n "$r" -a "$r" != ok
	done
	is "$(val mq_open)" "No such file or directory" "$W: inside, root's POSIX queue $MQ does not exist"

	# --- two sessions of the same user at the same time ---------------------
	rm -f "$uh/.a-ready" "$uh/.b-done"
	jin "$M" "$U" "
		echo a > /tmp/jt-a; echo a > /dev/shm/jt-a
		$PY ~/.probes/ipc.py shm-create 0x4a540001 > ~/.a-shm
		$PY ~/.probes/ipc.py mq-create /jt-a > /dev/null
		touch ~/.a-ready
		i=0; while [ ! -e ~/.b-done ] && [ \$i -lt 200 ]; do sleep 0.05; i=\$((i+1)); done
		test -e /tmp/jt-b && echo A-SEES-B-TMP=yes || echo A-SEES-B-TMP=no
		test -e /dev/shm/jt-b && echo A-SEES-B-SHM=yes || echo A-SEES-B-SHM=no
		$PY ~/.probes/ipc.py mq /jt-b | sed s/^/A-/" > "$_state/a.out" 2>&1 &
	A=$!
	wait_for 10 test -e "$uh/.a-ready"
	jcap "$M" "$U" "
		test -e /tmp/jt-a && echo B-SEES-A-TMP=yes || echo B-SEES-A-TMP=no
		test -e /dev/shm/jt-a && echo B-SEES-A-SHM=yes || echo B-SEES-A-SHM=no
		$PY -c 'import ctypes, os; l = ctypes.CDLL(None, use_errno=True); print(\"B-SHMGET=\" + (\"ok\" if l.shmget(0x4a540001, 0, 0) >= 0 else os.strerror(ctypes.get_errno())))'
		$PY ~/.probes/ipc.py mq /jt-a | sed s/^/B-/
		echo b > /tmp/jt-b; echo b > /dev/shm/jt-b; $PY ~/.probes/ipc.py mq-create /jt-b > /dev/null
		touch ~/.b-done"
	wait "$A"
	B=$OUT
	OUT=$(cat "$_state/a.out")
	like "$(cat "$uh/.a-shm")" '^SHMID=[0-9]+$' "$W: two sessions: the first made a System V segment of its own"
	OUT=$B
	is "$(val B-SEES-A-TMP) $(val B-SEES-A-SHM)" "no no" "$W: two sessions: the second does not see the first's /tmp and /dev/shm"
	is "$(val B-SHMGET)" "No such file or directory" "$W: two sessions: the second does not find the first's System V segment"
	is "$(val B-mq_open)" "No such file or directory" "$W: two sessions: the second does not find the first's POSIX queue"
	OUT=$(cat "$_state/a.out")
	is "$(val A-SEES-B-TMP) $(val A-SEES-B-SHM)" "no no" "$W: two sessions: the first does not see the second's /tmp and /dev/shm"
	is "$(val A-mq_open)" "No such file or directory" "$W: two sessions: the first does not find the second's POSIX queue"
	ok "$W: two sessions: nothing of theirs reached the host's /tmp or /dev/shm" \
		test ! -e /tmp/jt-a -a ! -e /tmp/jt-b -a ! -e /dev/shm/jt-a -a ! -e /dev/shm/jt-b
	unlike "$(ipcs -m)" '0x4a540001' "$W: two sessions: the host has no segment of theirs"

	# --- network = none -------------------------------------------------------
	OUT=$(as_user "$U" "$PY" "$PROBES/jtnet.py" $CONN "127.0.0.1:$PORT4")
	is "$(val CONNECT)" HELLO "$W: control: outside, the user connects to root's listener on 127.0.0.1:$PORT4"
	if [ -n "$PORT6" ]; then
		OUT=$(as_user "$U" "$PY" "$PROBES/jtnet.py" $CONN "::1:$PORT6")
		is "$(val CONNECT)" HELLO "$W: control: outside, the user connects to root's listener on [::1]:$PORT6"
	fi
	esc_profile "$U" 'network = "host"'
	jcap "$M" "$U" "$PY ~/.probes/jtnet.py $CONN 127.0.0.1:$PORT4"
	is "$(val CONNECT)" HELLO "$W: control: network = host: the jail connects to it"
	esc_profile "$U" 'network = "none"'
	jcap "$M" "$U" "
		echo LINKS=\$($IP -o link | awk -F': ' '{ print \$2 }' | tr '\n' ' ')
		echo NETDEV=\$(awk -F: 'NR > 2 { gsub(/ /, \"\", \$1); print \$1 }' /proc/net/dev | tr '\n' ' ')
		echo ROUTE4=\$($IP -4 route | wc -l); echo ROUTE6=\$($IP -6 route | wc -l)
		echo SYSNET=\$(ls /sys/class/net | tr '\n' ' ')
		$PY ~/.probes/jtnet.py $CONN 127.0.0.1:$PORT4 | sed s/^/V4-/
		${PORT6:+$PY ~/.probes/jtnet.py $CONN ::1:$PORT6 | sed s/^/V6-/}"
	is "$(val LINKS)" "lo" "$W: network = none: ip link shows lo only"
	is "$(val NETDEV)" "lo" "$W: network = none: /proc/net/dev shows lo only"
	is "$(val ROUTE4) $(val ROUTE6)" "0 0" "$W: network = none: no route (ip route and ip -6 route are empty)"
	is "$(val V4-CONNECT)" "Connection refused" "$W: network = none: root's listener on 127.0.0.1 is not reached (ECONNREFUSED)"
	if [ -n "$PORT6" ]; then
		is "$(val V6-CONNECT)" "Connection refused" "$W: network = none: root's listener on [::1] is not reached"
	fi
	# the host's sysfs would list the host's interfaces: the jail mounts
	# one of the jail's network namespace
	is "$(val SYSNET)" "lo" "$W: network = none: /sys/class/net lists lo only"

	host_same "$W"
	ok "$W: nothing of the user is left running" no_live_processes "$U"
done
ok "root's System V objects and POSIX queue are still there" \
	sh -c "ipcs -m -i $SHMID >/dev/null && ipcs -q -i $MSQID >/dev/null && ipcs -s -i $SEMID >/dev/null && $PY $ESC_SRC/ipc.py mq $MQ | grep -q =ok"
done_testing
