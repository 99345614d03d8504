#!/bin/bash
# Kernel interfaces from inside the jail (CATALOGUE.md, classes 19, 20, 21, 33).
#
#   /proc/sys   kernel/hostname, vm/drop_caches, kernel/core_pattern and
#               kernel/modprobe cannot be written, directly or as root of a
#               user namespace made in the jail (control: root outside
#               writes them; the values inside are the host's own, or a
#               harmless one)
#   /sys        a root-only knob, and the same kind of knob chowned to the
#               user for the test (so that the user can write it outside:
#               the control): neither can be written inside (EROFS)
#   cgroups     a cgroup delegated to the user (cgroup.procs chowned to
#               it, as systemd delegates user@UID.service): the user can
#               move a process into it outside, not inside; the hierarchy's
#               release_agent cannot be written; no cgroup file system can
#               be mounted from a user namespace
#   mknod       of a character and a block device, in the home volume and
#               in /tmp, directly and in a user namespace: EPERM (control:
#               root makes the same nodes in the volume's source)
#   nodev       device nodes root put in the volume's source, mode 0666 and
#               owned by the user (a copy of null, of net/tun, of the loop
#               device loop0): the user opens them outside, not inside
#               (EACCES)
#   /dev        nothing beyond the minimal set: no mem, kmsg, vda, tty0,
#               tty1, console, kvm, fuse, net/tun, loop devices ...
#   keyrings    keyctl fails with EPERM (seccomp = default; control: it
#               works outside); with seccomp = none, the session keyring in
#               the jail is neither the root shell's that started the
#               session nor the user's outer session's, and their keys
#               cannot be found (compared by serial)
#   io_uring    io_uring_setup, io_uring_enter and io_uring_register,
#               through the native, i386 and x32 system call ABIs (each
#               where it works outside: the control), fail with EPERM
#               (seccomp = default; and in jailsh run); io_uring_setup
#               works with io_uring = yes, and with seccomp = none
#   abstract    a root service on the abstract socket \0jt-PID is not
#               reachable with network = none; with network = host
#               neither, where the kernel scopes abstract sockets
#               (Landlock ABI 6); where it does not, it is (the
#               documented exposure); outside it is (control)
#
# As the user through jailsh, and under the PAM module (pamrun). The
# host's mount table is checked after every group.
. "$(dirname "$0")/modes.sh"
esc_setup

# --- host side ------------------------------------------------------------
# the kernel's Landlock ABI (0 without Landlock)
landlock_abi() {
	_la=$("$PY" "$ESC_SRC/pidfd.py" landlock)
	_la=${_la#ABI=}
	echo "${_la%% *}"
}
ABS=jt-$$
"$PY" "$ESC_SRC/abstract.py" serve "$ABS" > "$_state/abs.out" 2>&1 &
ABS_PID=$!
disown $ABS_PID
at_exit "kill $ABS_PID 2>/dev/null"
wait_for 5 grep -q LISTENING "$_state/abs.out"

HOSTNAME0=$(cat /proc/sys/kernel/hostname)
CORE0=$(cat /proc/sys/kernel/core_pattern)
# kernel/modprobe exists only with loadable modules
MODPROBE0=$(cat /proc/sys/kernel/modprobe 2>/dev/null)
PROCSYS="hostname drop_caches core_pattern"
[ -e /proc/sys/kernel/modprobe ] && PROCSYS="$PROCSYS modprobe"
# a /sys knob root may write: the read-ahead of the first block device
KNOB=
for b in /sys/block/vd*/queue/read_ahead_kb /sys/block/sd*/queue/read_ahead_kb \
	/sys/block/*/queue/read_ahead_kb; do
	[ -w "$b" ] && { KNOB=$b; break; }
done
KNOB0=${KNOB:+$(cat "$KNOB")}
CG=/sys/fs/cgroup/pids
[ -f "$CG/cgroup.procs" ] || CG=

# control: root, outside, writes each of them (the same value back)
for f in kernel/hostname kernel/core_pattern kernel/modprobe; do
	[ -e "/proc/sys/$f" ] || continue
	ok "control: root outside can write /proc/sys/$f" \
		sh -c "v=\$(cat /proc/sys/$f) && printf '%s\n' \"\$v\" > /proc/sys/$f"
done
ok "control: root outside can write /proc/sys/vm/drop_caches" sh -c 'echo 1 > /proc/sys/vm/drop_caches'
if [ -n "$KNOB" ]; then
	ok "control: root outside can write $KNOB" sh -c "echo $KNOB0 > $KNOB"
fi

# write_tries M U: the /proc/sys and /sys writes, directly and in a user
# namespace; each prints NAME=ok or NAME=<error>
write_script() {
	cat <<EOF
w() { if e=\$( { printf '%s\n' "\$2" > "\$3"; } 2>&1); then echo "\$1=ok"; else echo "\$1=\${e##*: }"; fi; }
w hostname jt-pwned-$$ /proc/sys/kernel/hostname
w drop_caches 1 /proc/sys/vm/drop_caches
w core_pattern '$CORE0' /proc/sys/kernel/core_pattern
w modprobe '$MODPROBE0' /proc/sys/kernel/modprobe
w sysknob '$KNOB0' '${KNOB:-/nonexistent}'
w userknob '$KNOB0' '${KNOB:-/nonexistent}'
EOF
}

esc_modes
for M in $MODES; do
	esc_mode_user "$M"

	# --- /proc/sys and /sys -------------------------------------------------
	write_script > "$PROBES/writes.sh"
	for how in direct userns; do
		case $how in
		direct) jcap "$M" "$U" "sh ~/.probes/writes.sh" ;;
		userns) jcap "$M" "$U" "unshare -Urm sh ~/.probes/writes.sh" ;;
		esac
		for k in $PROCSYS; do
			r=$(val "$k")
			ok "$W, $how: writing /proc/sys/.../$k fails ($r)" test -n "$r" -a "$r" != ok
		done
		if [ -n "$KNOB" ]; then
			r=$(val sysknob)
			ok "$W, $how: writing $KNOB (root's) fails ($r)" test -n "$r" -a "$r" != ok
		else
			skip "$W, $how: no writable /sys/block/*/queue/read_ahead_kb here"
		fi
	done
	is "$(cat /proc/sys/kernel/hostname)|$(cat /proc/sys/kernel/core_pattern)|$(cat /proc/sys/kernel/modprobe 2>/dev/null)" \
		"$HOSTNAME0|$CORE0|$MODPROBE0" "$W: the host's hostname, core_pattern and modprobe are unchanged"
	if [ -n "$KNOB" ]; then
		# the same knob, the user's for a moment: writable outside only
		chown "$U" "$KNOB"
		at_exit "chown root '$KNOB'"
		ok "$W: control: $KNOB, chowned to the user, can be written by the user outside" \
			as_user "$U" sh -c "echo $KNOB0 > $KNOB"
		for how in direct userns; do
			case $how in
			direct) jcap "$M" "$U" "sh ~/.probes/writes.sh" ;;
			userns) jcap "$M" "$U" "unshare -Urm sh ~/.probes/writes.sh" ;;
			esac
			is "$(val userknob)" "Read-only file system" "$W, $how: the user's own /sys knob cannot be written inside (EROFS)"
		done
		chown root "$KNOB"
		is "$(cat "$KNOB")" "$KNOB0" "$W: $KNOB is unchanged"
	fi
	host_same "$W: /proc/sys and /sys"

	# --- cgroups ------------------------------------------------------------
	if [ -n "$CG" ]; then
		cgd=$CG/jt-esc-$$-$M
		mkdir "$cgd"
		at_exit "rmdir '$cgd' 2>/dev/null"
		chown "$U" "$cgd" "$cgd/cgroup.procs" "$cgd/tasks" "$cgd/notify_on_release"
		OUT=$(as_user "$U" sh -c "echo \$\$ > $cgd/cgroup.procs && cat /proc/self/cgroup" 2>&1)
		like "$OUT" "pids:/jt-esc-$$-$M" "$W: control: outside, the user moves a process into its delegated cgroup"
		jcap "$M" "$U" "
			e=\$( { echo \$\$ > $cgd/cgroup.procs; } 2>&1) && echo PROCS=ok || echo \"PROCS=\${e##*: }\"
			e=\$( { echo 1 > $cgd/notify_on_release; } 2>&1) && echo NOTIFY=ok || echo \"NOTIFY=\${e##*: }\"
			e=\$( { cat $CG/release_agent > $CG/release_agent; } 2>&1) && echo AGENT=ok || echo \"AGENT=\${e##*: }\"
			cd; mkdir -p mnt
			unshare -Urm sh -c 'mount -t cgroup -o pids none ~/mnt' >/dev/null 2>&1 && echo CGMOUNT=ok || echo CGMOUNT=fails
			unshare -Urm sh -c 'mount -t cgroup2 none ~/mnt' >/dev/null 2>&1 && echo CG2MOUNT=ok || echo CG2MOUNT=fails"
		is "$(val PROCS)" "Read-only file system" "$W: inside, moving a process into the delegated cgroup fails (EROFS)"
		is "$(val NOTIFY)" "Read-only file system" "$W: inside, the delegated cgroup's notify_on_release cannot be written (EROFS)"
		ok "$W: inside, the hierarchy's release_agent cannot be written ($(val AGENT))" \
			test -n "$(val AGENT)" -a "$(val AGENT)" != ok
		is "$(val CGMOUNT)|$(val CG2MOUNT)" "fails|fails" "$W: inside, a user namespace cannot mount a cgroup or cgroup2 file system"
		is "$(cat "$cgd/cgroup.procs")" "" "$W: no process of the jail is in the delegated cgroup"
		rmdir "$cgd" 2>/dev/null
	else
		skip "$W: no cgroup v1 pids hierarchy at /sys/fs/cgroup/pids"
	fi

	# --- mknod, and device nodes smuggled in -------------------------------
	jcap "$M" "$U" '
		for t in "c 1 3" "b 7 0"; do
			for d in "$HOME" /tmp; do
				mknod "$d/jtdev" $t 2>/dev/null && echo "MKNOD $d $t=ok" || echo "MKNOD $d $t=fails"
				unshare -Urm sh -c "mknod $d/jtdev2 $t" 2>/dev/null && echo "NSMKNOD $d $t=ok" || echo "NSMKNOD $d $t=fails"
			done
		done'
	for t in "c 1 3" "b 7 0"; do
		for d in '$HOME' /tmp; do
			dd=$d; [ "$d" = '$HOME' ] && dd=$uh
			is "$(printf '%s\n' "$OUT" | sed -n "s|^MKNOD $dd $t=||p")" fails "$W: mknod $t in ${d/\$HOME/the home volume} fails"
			is "$(printf '%s\n' "$OUT" | sed -n "s|^NSMKNOD $dd $t=||p")" fails "  ... also as root of a user namespace"
		done
	done
	ok "$W: no device node was left in the volume" test ! -e "$uh/jtdev" -a ! -e "$uh/jtdev2"
	# root makes them in the volume's source (the control for mknod)
	ok "control: root outside makes device nodes in the volume's source" \
		sh -c "mknod -m 666 '$uh/jtnull' c 1 3 && mknod -m 666 '$uh/jttun' c 10 200 && mknod -m 666 '$uh/jtloop' b 7 0"
	chown "$U" "$uh/jtnull" "$uh/jttun" "$uh/jtloop"
	openall="for n in jtnull jttun jtloop; do $PY -c 'import os, sys; os.close(os.open(sys.argv[1], os.O_RDONLY))' ~/\$n 2>/dev/null && echo \$n=ok || echo \$n=denied; done"
	OUT=$(as_user "$U" sh -c "$openall")
	is "$(printf '%s' "$OUT" | tr '\n' ' ')" "jtnull=ok jttun=ok jtloop=ok" \
		"$W: control: outside, the user opens the copies of null, net/tun and loop0"
	jcap "$M" "$U" "$PY -c '
import os
for n in (\"jtnull\", \"jttun\", \"jtloop\"):
    try:
        os.close(os.open(os.path.expanduser(\"~/\" + n), os.O_RDONLY)); print(n + \"=ok\")
    except OSError as e:
        print(n + \"=\" + e.strerror)'"
	for n in jtnull jttun jtloop; do
		is "$(val "$n")" "Permission denied" "$W: inside, the copy $n in the volume cannot be opened (nodev: EACCES)"
	done
	rm -f "$uh/jtnull" "$uh/jttun" "$uh/jtloop"

	# --- /dev -------------------------------------------------------------
	jcap "$M" "$U" 'cd /dev && find . -mindepth 1 -maxdepth 1 | sort | tr "\n" " "; echo
		for d in mem kmsg vda tty0 tty1 console port kvm fuse net/tun loop0 loop-control zram0 ttyS0 vcs mqueue; do
			test -e /dev/$d && echo "DEV $d=present"; done; true'
	for d in mem kmsg vda tty0 tty1 console port kvm fuse net/tun loop0 loop-control zram0 ttyS0 vcs; do
		if [ -e "/dev/$d" ]; then
			unlike "$OUT" "DEV $d=present" "$W: /dev/$d (on the host) is absent in the jail"
		fi
	done
	extra=$(printf '%s\n' "$OUT" | head -n 1 | tr ' ' '\n' | grep . |
		grep -vxE '\./(null|zero|full|random|urandom|tty|ptmx|pts|shm|fd|stdin|stdout|stderr|log)' | tr '\n' ' ')
	is "$extra" "" "$W: /dev holds only the minimal set"

	# --- keyrings -----------------------------------------------------------
	OUT=$(as_user "$U" "$PY" "$PROBES/keyring.py")
	like "$(val SES)" '^[0-9]+$' "control: outside, keyctl works for the user (session keyring $(val SES))"
	jcap "$M" "$U" "$PY ~/.probes/keyring.py"
	is "$(val SES)|$(val USES)" "ERR Operation not permitted|ERR Operation not permitted" \
		"$W: seccomp = default: keyctl fails with EPERM"
	esc_profile "$U" 'seccomp = "none"'
	# a root shell with a session keyring of its own, holding a key, starts
	# the session (and, as the control, an unjailed program of the user)
	case $M in
	W) start="setpriv --reuid=$U --regid=$(id -g "$U") --init-groups --reset-env -- $J -c" ;;
	P) start="$PAMRUN $ESC_SVC $U -c" ;;
	esac
	OUT=$(keyctl session - sh -c "
		keyctl add user jt-root-$$ rootsecret-$$ @s >/dev/null
		echo ROOT-\$($PY $PROBES/keyring.py | grep ^SES=)
		echo CTL-\$(setpriv --reuid=$U --regid=$(id -g "$U") --init-groups --reset-env -- $PY $PROBES/keyring.py jt-root-$$ | grep ^KEY)
		$start '$PY ~/.probes/keyring.py jt-root-$$' </dev/null" 2>&1)
	rootses=$(val ROOT-SES)
	like "$(val CTL-KEY\ jt-root-$$)" "rootsecret-$$" \
		"$W: control: a program of the user started from that root shell, without jailsh, reads root's session key"
	like "$rootses" '^[0-9]+$' "$W: the root shell's session keyring is $rootses"
	ok "$W: seccomp = none: the jail's session keyring ($(val SES)) is not the root shell's ($rootses)" \
		test -n "$(val SES)" -a "$(val SES)" != "$rootses"
	unlike "$(val "KEY jt-root-$$")" "rootsecret" "$W: seccomp = none: root's session key cannot be found or read in the jail"
	if [ "$M" = W ]; then
		# the user's own outer session, with a key of its own
		OUT=$(as_user "$U" keyctl session - sh -c "
			keyctl add user jt-outer-$$ outersecret-$$ @s >/dev/null
			$PY $PROBES/keyring.py jt-outer-$$ | grep -e ^SES= -e ^KEY | sed s/^/OUTER-/
			$J -c '$PY ~/.probes/keyring.py jt-outer-$$'" 2>&1)
		outerses=$(val OUTER-SES)
		like "$(val "OUTER-KEY jt-outer-$$")" "outersecret-$$" "$W: control: the outer session reads its own key"
		ok "$W: seccomp = none: the jail's session keyring ($(val SES)) is not the outer session's ($outerses)" \
			test -n "$(val SES)" -a "$(val SES)" != "$outerses"
		unlike "$(val "KEY jt-outer-$$")" "outersecret" "$W: seccomp = none: the outer session's key cannot be found or read in the jail"
	fi

	# --- io_uring -----------------------------------------------------------------
	if [ -x "$PROBES/uring" ]; then
		CTL=$(as_user "$U" "$PROBES/uring" native i386 x32)
		esc_profile "$U" ''
		jcap "$M" "$U" "~/.probes/uring native i386 x32"
		DFLT=$OUT
		esc_profile "$U" 'io_uring = yes'
		jcap "$M" "$U" "~/.probes/uring native i386 x32"
		YES=$OUT
		esc_profile "$U" 'seccomp = "none"'
		jcap "$M" "$U" "~/.probes/uring native i386 x32"
		NONE=$OUT
		for a in native i386 x32; do
			OUT=$CTL
			if [ "$(val "$a-setup")" != ok ]; then
				for i in 1 2 3 4 5 6 $([ "$M" = W ] && echo 7); do
					skip "$W: control failed: io_uring through the $a ABI does not work outside either ($a-setup=$(val "$a-setup")): nothing to refuse"
				done
				continue
			fi
			pass "$W: control: outside, io_uring_setup through the $a ABI makes a ring; enter and register get the kernel's $(val "$a-enter"), $(val "$a-register")"
			OUT=$DFLT
			for c in setup enter register; do
				is "$(val "$a-$c")" "Operation not permitted" \
					"$W: seccomp = default: io_uring_$c through the $a ABI fails with EPERM"
			done
			OUT=$YES
			is "$(val "$a-setup")" ok "$W: io_uring = yes: io_uring_setup through the $a ABI makes a ring"
			OUT=$NONE
			is "$(val "$a-setup")" ok "$W: seccomp = none: io_uring_setup through the $a ABI makes a ring"
			if [ "$M" = W ]; then
				# jailsh run, by a user whose login shell is
				# not jailsh (for whom it would be a shell
				# argument in the login jail)
				if [ -z "${RUN_U:-}" ]; then
					esc_user RUN_U P
					_probes=$PROBES
					esc_probes "$RUN_U"
					RUN_PROBES=$PROBES
					PROBES=$_probes
				fi
				OUT=$(as_user "$RUN_U" "$J" run -- "$RUN_PROBES/uring" "$a" 2>&1)
				is "$(val "$a-setup")" "Operation not permitted" \
					"$W run: io_uring_setup through the $a ABI fails with EPERM (jailsh run's default filter)"
			fi
		done
		esc_profile "$U" ''
	else
		skip "$W: no compiled uring probe (no gcc?)"
	fi

	# --- an abstract socket of a host service ---------------------------------
	OUT=$(as_user "$U" "$PY" "$PROBES/abstract.py" connect "$ABS")
	is "$(val CONNECT)" "HELLO-$ABS" "$W: control: outside, the user reaches root's abstract socket @$ABS"
	esc_profile "$U" 'network = "none"'
	jcap "$M" "$U" "$PY ~/.probes/abstract.py connect $ABS"
	is "$(val CONNECT)" "ERR Connection refused" "$W: network = none: root's abstract socket is unreachable (ECONNREFUSED)"
	esc_profile "$U" 'network = "host"'
	jcap "$M" "$U" "$PY ~/.probes/abstract.py connect $ABS"
	if [ "$(landlock_abi)" -ge 6 ]; then
		is "$(val CONNECT)" "ERR Operation not permitted" "$W: network = host: it is unreachable too (Landlock scoping, ABI $(landlock_abi))"
	else
		is "$(val CONNECT)" "HELLO-$ABS" "$W: network = host, Landlock ABI $(landlock_abi) < 6: it is reachable (documented)"
	fi

	host_same "$W, at the end"
	ok "$W: nothing of the user is left running" no_live_processes "$U"
done
done_testing
