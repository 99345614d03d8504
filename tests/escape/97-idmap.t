#!/bin/bash
# The subordinate id service of a jail with containers = yes (issue 14):
# the warden writes uid_map and gid_map for the jail, as root, so every
# request is an attack surface. probes/idmap_probe.c speaks the service's
# wire format directly, as an attacker in the jail would. Each refusal is
# paired with a positive control: the same request shape, for a target the
# user may map, is served (else the check is skipped, never passed). In
# the jail of a throwaway user a with a granted range (W: jailsh -c; the
# PAM mode for the basics):
#
#   - a granted range is mapped, exactly (the control of what follows);
#   - ranges not granted (past the grant, another user's range or uid),
#     and the host's root (0 outside, even where /etc/subuid grants it),
#     are refused, and nothing is mapped;
#   - a target that is another user's (b's, root's), in another jail of
#     the same user, in the jail's own user namespace, or in a user
#     namespace that is not a child of the jail's, is refused, even when
#     a pidfd of it is passed in;
#   - a pid reused after the request (the old pidfd) is refused, the new
#     process is left unmapped;
#   - a second write of a map (the warden's, or one the process made
#     itself) is refused;
#   - malformed messages (sizes, descriptors, fields) are refused, and the
#     service still answers after them;
#   - connections held open, and a flood of requests: the extra ones are
#     told to try again, every request is answered, another jail is served
#     meanwhile, the service answers afterwards, syslog is not flooded;
#   - in a PAM session's jail too: a granted range is mapped, the host's
#     root refused;
#   - the container's root (unshare --map-root-user --map-auto, through
#     jailsh's newuidmap) has no capability in the jail's namespaces or on
#     the host: not over root's files, the jail's hostname and mounts, the
#     host's network (a tun device through the jail's /dev/net/tun
#     included); the controls show it has them in its own.
. "$(dirname "$0")/../containers/lib.sh"
ctr_setup

# the probe, with the service's own header (built once, copied into each
# user's ~/.probes by esc_probes)
gcc -O2 -Wall -I"$TOP/src" -o "$_esc_bin/idmap_probe" \
	"$TOP/tests/escape/probes/idmap_probe.c" 2>"$_state/gcc.idmap" ||
	{ echo "Bail out! cannot build idmap_probe: $(cat "$_state/gcc.idmap")"; exit 1; }

# a directory the jails of a and b both have (a volume of each), where one
# passes a pidfd to the other over a Unix socket
SH=/home/jt-idmap-$$
install -d -m 1777 "$SH"
at_exit "rm -rf '$SH'"
VOLS="volume \"~\" {}
volume \"$SH\" {}"

ctr_user a W "$VOLS"
ctr_user b W "$VOLS"
esc_probes "$a"
esc_probes "$b"
PA=$a_H/.probes/idmap_probe
PB=$b_H/.probes/idmap_probe

GRANT="0 $a_UID 1 1 $a_SUB 65536"
GRANT_G="0 $a_GID 1 1 $a_SUB 65536"
WANT_U="0 $a_UID 1|1 $a_SUB 65536"
WANT_G="0 $a_GID 1|1 $a_SUB 65536"

esc_sanity W "$a"

# --- the control: a granted range is mapped, exactly ---------------------------
jcap W "$a" "$CTR_FRESH
fresh unshare -U sleep 30
echo U=\$($PA send uid \$T $GRANT); map \$T uid_map
echo G=\$($PA send gid \$T $GRANT_G); map \$T gid_map
echo U2=\$($PA send uid \$T 0 $a_UID 1); map \$T uid_map
echo G2=\$($PA send gid \$T 0 $a_GID 1); map \$T gid_map
kill \$T"
CONTROL=
if [ "$(val U)" = OK ] && [ "$(val G)" = OK ]; then
	pass "control: the service maps a granted range for a fresh user namespace of the jail"
	CONTROL=1
else
	skip "control failed, so the service cannot be tested here"
	diag "$OUT" "$ERR"
fi
if [ -n "$CONTROL" ]; then
	is "$(printf '%s\n' "$OUT" | sed -n 's/^MAP=//p' | head -n 2 | paste -sd ' ')" \
		"$WANT_U $WANT_G" "  ... exactly the user's own id and the granted range"
	like "$(val U2) $(val G2)" "^REFUSED: the uid_map of pid [0-9]+ is written already REFUSED: the gid_map of pid [0-9]+ is written already$" \
		"double writes: a second uid map and gid map for the same namespace are refused"
	is "$(printf '%s\n' "$OUT" | sed -n 's/^MAP=//p' | tail -n 2 | paste -sd ' ')" \
		"$WANT_U $WANT_G" "  ... and the maps are as first written"
fi

# a map the process wrote itself (its own id, as the kernel lets it)
jcap W "$a" "$CTR_FRESH
fresh unshare -r sleep 30
echo U=\$($PA send uid \$T $GRANT); map \$T uid_map; kill \$T"
if [ -n "$CONTROL" ]; then
	like "$(val U)" "^REFUSED: the uid_map of pid [0-9]+ is written already$" \
		"double writes: a namespace that mapped itself (unshare -r) gets no subordinate range added"
	is "$(val MAP)" "0 $a_UID 1" "  ... its map is its own"
else
	skip_n 2 "the control failed"
fi

# --- ranges not granted, the host's root -----------------------------------------
in_a() { jcap W "$a" "$1"; }
refused_then_control() { ctr_refused in_a "$PA" "$GRANT" "$@"; }
refused_then_control "a range one id past the grant" \
	send uid \$T 0 $a_UID 1 1 $a_SUB 65537
refused_then_control "the id just past the grant" \
	send uid \$T 0 $a_UID 1 1 $((a_SUB + 65536)) 1
refused_then_control "a gid range just before the grant" \
	send gid \$T 0 $a_GID 1 1 $((a_SUB - 1)) 2
refused_then_control "another user's (b's) range" \
	send uid \$T 0 $a_UID 1 1 $b_SUB 65536
refused_then_control "another user's own uid" \
	send uid \$T 0 $b_UID 1
refused_then_control "the host's root (uid 0 outside)" \
	send uid \$T 0 0 1
refused_then_control "the host's root group (gid 0 outside)" \
	send gid \$T 0 0 1
refused_then_control "the host's root within a granted request" \
	send uid \$T 0 $a_UID 1 1 $a_SUB 65536 65537 0 1

# an administrator's mistake: /etc/subuid grants a the host's root too
usermod --add-subuids 0-0 --add-subgids 0-0 "$a" ||
	{ echo "Bail out! usermod --add-subuids 0-0"; exit 1; }
refused_then_control "the host's root, though /etc/subuid grants it" \
	send uid \$T 0 0 1
refused_then_control "the host's root group, though /etc/subgid grants it" \
	send gid \$T 0 0 1
like "$(val R)" "it maps the host's root\$" "  ... because it is the host's root"
usermod --del-subuids 0-0 --del-subgids 0-0 "$a" ||
	{ echo "Bail out! usermod --del-subuids 0-0"; exit 1; }

# the client says why, on stderr, and fails
jcap W "$a" "$CTR_FRESH
fresh unshare -U sleep 30
newuidmap \$T 0 0 1; echo rc=\$?; map \$T uid_map; kill \$T"
is "$(val rc) $(val MAP)" "1 " "jailsh's newuidmap for the host's root fails, and maps nothing"
is "$ERR" "newuidmap: uid range [0-1) -> [0-1) not allowed: it maps the host's root" \
	"  ... with the warden's reason on stderr"

# --- targets that are not a fresh child namespace of this jail -------------------
jcap W "$a" "$CTR_FRESH
sleep 30 & S=\$!
echo OWN=\$($PA send uid \$S 0 $a_UID 1)
fresh unshare -r unshare -U sleep 30
echo GRAND=\$($PA send uid \$T 0 $a_UID 1); map \$T uid_map
echo INIT=\$($PA send uid 1 0 $a_UID 1)
kill \$T \$S"
like "$(val OWN)" "^REFUSED: pid [0-9]+ is not in a user namespace made in this jail" \
	"a process in the jail's own user namespace: refused"
like "$(val INIT)" "^REFUSED: pid 1 is not in a user namespace made in this jail" \
	"the jail's init: refused"
like "$(val GRAND)" "^REFUSED: pid [0-9]+ is not in a user namespace made in this jail \\(its parent is not the jail's\\)" \
	"a user namespace that is a grandchild of the jail's (not its child): refused"
is "$(val MAP)" "" "  ... and left unmapped"

# --- pidfds passed in: another user's, root's, another jail's ----------------------
# recv LABEL: a's probe, in a jail of a's, waits on $SH/LABEL.sock for a
# descriptor and sends a request with it (in the background; the answer
# in $_state/LABEL.out)
recv() {
	rm -f "$SH/$1.sock"
	jin W "$a" "umask 0; timeout 30 $PA recvsend $SH/$1.sock uid 0 $a_UID 1" \
		> "$_state/$1.out" 2>&1 &
	_rv_pid=$!
	wait_for 20 test -S "$SH/$1.sock" ||
		diag "the receiver did not start: $(cat "$_state/$1.out")"
}
recv_done() { wait "$_rv_pid"; sed -n 's/^\(OK\|REFUSED: .*\)$/\1/p' "$_state/$1.out"; }

# control: a pidfd passed within the same jail is taken
jcap W "$a" "$CTR_FRESH
rm -f $SH/same.sock
(umask 0; exec timeout 30 $PA recvsend $SH/same.sock uid 0 $a_UID 1) > ~/same.out & R=\$!
while [ ! -S $SH/same.sock ]; do sleep 0.05; done
fresh unshare -U sleep 30
$PA passfd $SH/same.sock \$T; wait \$R; cat ~/same.out; map \$T uid_map; kill \$T"
PASSING=
if control "a pidfd passed over a socket within the jail is served" \
	_matches "$OUT" "(^|
)OK
MAP=0 $a_UID 1\$"; then
	PASSING=1
fi

if [ -n "$PASSING" ]; then
	recv fromb
	jcap W "$b" "$CTR_FRESH
fresh unshare -U sleep 30
$PB passfd $SH/fromb.sock \$T; sleep 1; map \$T uid_map; kill \$T"
	like "$(recv_done fromb)" "^REFUSED: pid [0-9]+ is not $a's in every uid and gid$" \
		"another user's (b's) process, its pidfd passed in: refused"
	is "$(val MAP)" "" "  ... b's namespace is left unmapped"

	recv fromroot
	unshare -U sleep 30 &
	_rp=$!
	wait_for 5 grep -qx sleep "/proc/$_rp/comm"
	"$_esc_bin/idmap_probe" passfd "$SH/fromroot.sock" "$_rp"
	like "$(recv_done fromroot)" "^REFUSED: pid [0-9]+ is not $a's in every uid and gid$" \
		"root's process in a fresh user namespace, its pidfd passed in: refused"
	is "$(wc -c < /proc/$_rp/uid_map)" 0 "  ... root's namespace is left unmapped"
	kill "$_rp"; wait "$_rp" 2>/dev/null

	recv fromjail2
	jcap W "$a" "$CTR_FRESH
fresh unshare -U sleep 30
$PA passfd $SH/fromjail2.sock \$T; sleep 1; map \$T uid_map; kill \$T"
	like "$(recv_done fromjail2)" "^REFUSED: pid [0-9]+ is not in this jail$" \
		"a's process in another jail of a's (a second session), its pidfd passed in: refused"
	is "$(val MAP)" "" "  ... the other jail's namespace is left unmapped"
else
	skip_n 6 "control failed: passing a pidfd within the jail did not work"
fi

# --- a pid reused after the request ------------------------------------------
# The probe pins a target, kills it, and forks until its pid comes round
# again, to a new target. The jail's pid namespace wraps at its pid_max:
# since Linux 6.14 a pid namespace's own (4194304 in a new one), which
# root lowers to 4096 in that namespace only, from outside, so that the
# pids wrap in seconds; before, the host's (32768 by default), left as it
# is.
# The session waits for ~/.go (run) or ~/.stop (do not), beside a
# "sleep 1000" whose pid namespace is the jail's.
rm -f "$a_H/.go" "$a_H/.stop"
jin W "$a" "sleep 1000 & S=\$!
while [ ! -e ~/.go ] && [ ! -e ~/.stop ]; do sleep 0.1; done; kill \$S
[ -e ~/.go ] && $PA reuse uid $GRANT" > "$_state/reuse.out" 2>&1 &
_ru=$!
wait_for 20 pgrep -u "$a" -f '^sleep 1000$' >/dev/null
_sp=$(pgrep -u "$a" -f '^sleep 1000$' | head -n 1)
_hmax=$(cat /proc/sys/kernel/pid_max)
_jmax=
[ -n "$_sp" ] &&
	_jmax=$(nsenter -t "$_sp" -p -- cat /proc/sys/kernel/pid_max 2>/dev/null)
_why=
if [ -z "$_jmax" ]; then
	_why="the jail's pid_max cannot be read (nsenter -p)"
elif [ "$_jmax" != "$_hmax" ]; then
	nsenter -t "$_sp" -p -- sh -c 'echo 4096 > /proc/sys/kernel/pid_max' ||
		_why="the jail's own pid_max cannot be lowered"
	[ "$(cat /proc/sys/kernel/pid_max)" = "$_hmax" ] ||
		{ echo "Bail out! the host's pid_max changed"; exit 1; }
elif [ "$_hmax" -gt 65536 ]; then
	_why="pid_max is the host's ($_hmax, no pid_max of a pid namespace's own before Linux 6.14): a wrap takes too long"
fi
if [ -n "$_why" ]; then
	touch "$a_H/.stop"
	wait "$_ru"
	skip_n 3 "$_why"
else
	touch "$a_H/.go"
	wait "$_ru"
	OUT=$(cat "$_state/reuse.out")
	if [ "$(val STALE)" = OK ]; then
		# served: the attack worked, whatever the control says
		fail "a pidfd of a process that ended, its pid now another's: refused (it was served)"
		diag "$OUT"
		fail "  ... the process that has the pid now is left unmapped"
	elif [ -z "$CONTROL" ]; then
		skip_n 3 "control failed: the service maps nothing here"
	elif control "a pid of the jail is reused, by a new process in a user namespace ($(printf '%s\n' "$OUT" | head -n 1))" \
		_matches "$OUT" "(^|
)CONTROL: OK"; then
		like "$(val STALE)" "^REFUSED: pid [0-9]+ is gone$" \
			"a pidfd of a process that ended, its pid now another's: refused"
		is "$(val MAP)" "[]" "  ... the process that has the pid now is left unmapped"
	else
		skip_n 2 "control failed: the reused pid's new process could not be mapped"
	fi
fi

# --- malformed messages ------------------------------------------------------
MODES_RAW="empty short long nofd threefds notpidfd magic kind noranges toomany hugecount zerocount wrap overlap trailing negpid garbage"
jcap W "$a" "$CTR_FRESH
fresh unshare -U sleep 30
for m in $MODES_RAW; do echo \"\$m: \$($PA raw \$m \$T)\"; done
map \$T uid_map
echo C=\$($PA send uid \$T $GRANT)
kill \$T"
if [ "$(val C)" = OK ]; then
	for m in $MODES_RAW; do
		like "$(val "$m")" "^REFUSED: (malformed request|not a pidfd)" \
			"malformed request ($m): refused ($(val "$m"))"
	done
	is "$(val MAP)" "" "  ... nothing was mapped by any of them"
	pass "  ... and the service then maps the same target for a good request"
else
	skip_n 19 "control failed: the target could not be mapped after the malformed requests"
	diag "$OUT" "$ERR"
fi

# --- floods --------------------------------------------------------------------
LOGGED=
if syslog_listen; then LOGGED=1; fi
# connections held open: past IDMAP_MAX_CONNS (16) told to try again at
# once; another jail is served meanwhile; a is served once they are gone
jin W "$a" "$PA hold 40 8" > "$_state/hold.out" 2>&1 &
_hold=$!
wait_for 20 grep -q '^OPEN' "$_state/hold.out"
jcap W "$b" "$CTR_FRESH
fresh unshare -U sleep 30
echo B=\$($PB send uid \$T 0 $b_UID 1 1 $b_SUB 65536); kill \$T"
is "$(val B)" OK "40 connections held open in a's jail: b's jail is served meanwhile"
wait "$_hold"
like "$(cat "$_state/hold.out")" "^OPEN 40 BUSY (2[4-9]|3[0-9]|40)$" \
	"  ... of a's 40, those past 16 were told to try again at once ($(cat "$_state/hold.out"))"
jcap W "$a" "$CTR_FRESH
fresh unshare -U sleep 30
echo A=\$($PA send uid \$T $GRANT); kill \$T"
is "$(val A)" OK "  ... and a's service answers once they are gone"

# a flood of requests (each refused: the target is mapped already); b
# is served meanwhile; every request is answered; past the rate (50 a
# second, 200 at once) "try again"; syslog gets at most IDMAP_LOG_BURST
# (20) lines a window of 10 seconds, and a is served again afterwards
[ -n "$LOGGED" ] && _l0=$(grep -c 'containers: refused' "$SYSLOG")
jin W "$a" "$CTR_FRESH
fresh unshare -U sleep 30
$PA send uid \$T $GRANT >/dev/null
$PA hammer 4 \$T
kill \$T; sleep 2
fresh unshare -U sleep 30
echo AFTER=\$($PA send uid \$T $GRANT); kill \$T" > "$_state/ham.out" 2>&1 &
_ham=$!
sleep 1.5
jcap W "$b" "$CTR_FRESH
fresh unshare -U sleep 30
echo B=\$($PB send uid \$T 0 $b_UID 1 1 $b_SUB 65536); kill \$T"
is "$(val B)" OK "a flood of requests in a's jail: b's jail is served meanwhile"
wait "$_ham"
OUT=$(cat "$_state/ham.out")
_ham_line=$(printf '%s\n' "$OUT" | grep '^SENT')
like "$_ham_line" '^SENT ([0-9]+) ANSWERED \1 BUSY [0-9]+$' \
	"  ... every one of a's requests was answered ($_ham_line)"
_sent=$(printf '%s' "$_ham_line" | awk '{ print $2 }')
if control "the flood outran the rate (more than 200 + 4 x 50 requests in 4 seconds)" \
	test "${_sent:-0}" -gt 450; then
	like "$_ham_line" 'BUSY [1-9][0-9]*$' "  ... past the rate, told to try again"
fi
is "$(val AFTER)" OK "  ... and a is served again two seconds later"
if [ -n "$LOGGED" ]; then
	_l1=$(grep -c 'containers: refused' "$SYSLOG")
	_n=$((_l1 - _l0))
	ok "  ... syslog got $_n refusal lines of them, not one per request (at most 2 windows of 20)" \
		test "$_n" -ge 1 -a "$_n" -le 40
	like "$(grep 'containers: refused' "$SYSLOG" | tail -n 1)" \
		"session jail of $a \\(uid $a_UID\\): containers: refused a uid map for pid [0-9]+: the uid_map of pid [0-9]+ is written already" \
		"  ... a refusal in syslog names the jail, the pid and the reason"
else
	skip_n 2 "the host has a /dev/log of its own: the warden's syslog lines cannot be read here"
fi

# --- the container's root has no capability outside its namespace ------------
# unshare --map-root-user --map-auto maps through jailsh's newuidmap, as
# podman does; inside, root has every capability, in its own user
# namespace only
ALLCAPS=$(printf '%016x' $(((1 << ($(cat /proc/sys/kernel/cap_last_cap) + 1)) - 1)))
for m in $MODES; do
	n=$(mode_name "$m")
	if [ "$m" = W ]; then
		cu=$a ch=$a_H
	else
		ctr_user p P
		cu=$p ch=$p_H
		esc_probes "$p"
		jcap P "$p" "$CTR_FRESH
fresh unshare -U sleep 30
echo R=\$($p_H/.probes/idmap_probe send uid \$T 0 0 1); map \$T uid_map
echo C=\$($p_H/.probes/idmap_probe send uid \$T 0 $p_UID 1 1 $p_SUB 65536); map \$T uid_map
kill \$T"
		if control "PAM: the service maps a granted range in a PAM session's jail" \
			test "$(val C)" = OK; then
			like "$(val R)" "^REFUSED: uid range \\[0-1\\) -> \\[0-1\\) not allowed: it maps the host's root$" \
				"PAM: the host's root is refused"
			is "$(printf '%s\n' "$OUT" | sed -n 's/^MAP=//p' | paste -sd ' ')" \
				" 0 $p_UID 1|1 $p_SUB 65536" "  ... nothing mapped by it; the granted range exactly"
		fi
	fi
	printf 'secret\n' > "$ch/mine"
	chown "$cu:" "$ch/mine"
	chmod 000 "$ch/mine"
	LO_MTU=$(cat /sys/class/net/lo/mtu)
	HOST_NAME=$(hostname)
	jcap "$m" "$cu" "cd; unshare --map-root-user --map-auto sh -c '
		echo ID=\$(id -u)
		echo CAPS=\$(sed -n \"s/^CapEff:[[:space:]]*//p\" /proc/self/status)
		echo MINE=\$(cat ~/mine 2>&1)
		echo SHADOW=\$(head -c 0 /etc/shadow 2>&1 && echo read)
		echo OWNUTS=\$(unshare --uts sh -c \"hostname jt-own && hostname\" 2>&1)
		echo JAILUTS=\$(hostname jt-evil 2>&1 || echo refused)
		echo OWNMNT=\$(unshare -m sh -c \"mount -t tmpfs jt /tmp && echo mounted\" 2>&1)
		echo JAILMNT=\$(mount -t tmpfs jt /tmp 2>&1 || echo refused)
		echo OWNNET=\$(unshare -n sh -c \"ip link set lo up && echo up\" 2>&1)
		echo HOSTNET=\$(ip link set lo mtu $LO_MTU 2>&1 || echo refused)
		echo OWNTUN=\$(unshare -n sh -c \"ip tuntap add mode tun jt-tun$$ && echo made\" 2>&1)
		echo HOSTTUN=\$(ip tuntap add mode tun jt-tun$$ 2>&1 || echo refused)
		echo CHOWN=\$(touch /tmp/jt-x && chown 70000 /tmp/jt-x 2>&1 || echo refused)
	'; echo HOSTNAME=\$(hostname)"
	if ! control "$n: the container's root is root with every capability in its own user namespace ($(val ID) $(val CAPS))" \
		test "$(val ID)" = 0 -a "$(val CAPS)" = "$ALLCAPS"; then
		diag "$ERR"
		skip_n 13 "control failed: $n: unshare --map-auto did not give a container root"
		continue
	fi
	if control "$n: it reads a file of the user's with mode 000 (CAP_DAC_OVERRIDE over the ids it maps)" \
		test "$(val MINE)" = secret; then
		like "$(val SHADOW)" "Permission denied" "$n: the container's root cannot read /etc/shadow (root's, unmapped)"
	fi
	if control "$n: it sets the hostname of a UTS namespace of its own" \
		test "$(val OWNUTS)" = jt-own; then
		like "$(val JAILUTS)" "refused" "$n: the container's root cannot set the jail's hostname"
		is "$(val HOSTNAME) $(hostname)" "$HOST_NAME $HOST_NAME" "  ... which is unchanged, as the host's"
	fi
	if control "$n: it mounts in a mount namespace of its own" \
		test "$(val OWNMNT)" = mounted; then
		like "$(val JAILMNT)" "refused" "$n: the container's root cannot mount in the jail's mount namespace"
	fi
	if control "$n: it configures a network namespace of its own" \
		test "$(val OWNNET)" = up; then
		like "$(val HOSTNET)" "refused" "$n: the container's root cannot configure the host's network (the jail's namespace)"
	fi
	if control "$n: it makes a tun device through the jail's /dev/net/tun in a network namespace of its own" \
		test "$(val OWNTUN)" = made; then
		like "$(val HOSTTUN)" "refused" "$n: the container's root cannot make one in the host's network namespace"
		ok "  ... none there" test -z "$(ip -o link show dev "jt-tun$$" 2>/dev/null)"
	fi
	ip link del "jt-tun$$" 2>/dev/null
	like "$(val CHOWN)" "refused" "$n: the container's root cannot give a file to an id outside its map"
done

host_same "after all of it"
done_testing
