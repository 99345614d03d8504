#!/bin/bash
# Attacks on jailsh enter (CATALOGUE.md: joining a jail; firejail's --join
# gave local root, CVE-2022-31214: it joined a fake "jail" the user had
# built, whose /etc the user controlled, with privilege).
#
# jailsh enter is setuid root and joins namespaces that a pid the user
# chose points to. None of these may give the user root, a capability,
# another user's jail, or a command that escapes the seal (no_new_privs,
# no capabilities, a filter). The payload of each attack tries su to root
# (its PAM stack made permissive where the attacker controls /etc), a
# setuid-root probe that writes into the root canary directory and reads
# the root-only secret, and a plain read of that secret; then prints its
# /proc/self/status.
#
#   (a) a pid that exits and is reused: the user's jail ends, and root
#       takes its pid (ns_last_pid): a plain root sleep, and a root process
#       that looks jailed (own pid and mount namespaces, no_new_privs,
#       called jailsh); also the user's own process outside any jail. Then
#       a race: enter started, the jail killed, root on its pid, 40 times.
#   (b) a fake jail: a process of the user's in a user namespace of its
#       own (mapping the user to itself, and one mapping it to 0), with new
#       mount, pid, uts and ipc namespaces, no_new_privs, /etc replaced by
#       one with root's password empty, the user in groups root and shadow,
#       sudoers for all, and su's PAM stack pam_permit; its pid 1 called
#       jailsh, its command line carrying "--name NAME". Entered by pid, by
#       name, and through its parent; and the same built inside a jailsh
#       login session.
#   (c) another user's jail: B tries A's jailsh run jail by the sleep's
#       pid, the init's pid and its name, and A's login session by pid;
#       when both have a jail of the same name, each enters their own; a
#       fake of B's with a name A uses is not A's.
#   (d) targets that change their namespaces while enter looks at them: a
#       process that keeps unsharing and setns-ing its mount, uts and ipc
#       namespaces, on the host and inside a jailsh run jail; and in a
#       login session (a jail root made), processes that each leave the
#       session's namespaces for a user namespace of their own, with a fake
#       /etc, a few ms after they start: 100 tries each.
#   (e) root's processes: pid 1, kthreadd, sshd, a root sleep, and a root
#       process that looks jailed.
#
# Each ends "refused" (exit 125, nothing printed by the payload) or "ran,
# sealed": the payload's uid the user's (where the user is itself in the
# namespace), no capability, no_new_privs, a filter, su without uid 0, no
# marker, no secret. Positive controls: outside any jail the setuid probe
# does get euid 0; the fake's files and names are really what the fake
# shows; the reused pid is really root's; the flipping targets really
# change namespaces; the other user's jail is enterable by its owner.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/adhoc/lib.sh"
esc_setup
adhoc_setup
esc_cc suid || skip_all "cannot build the setuid probe"
install -m 4755 -o root -g root "$ESC_DIR/suid" "$ESC_DIR/suid-root"
install -d -m 755 "$ESC_DIR/stage" "$ESC_DIR/fk"
cp /bin/sleep "$ESC_DIR/fk/jailsh"
chmod 755 "$ESC_DIR/fk/jailsh"
# own_kill PID...: SIGKILL to each PID that is still a child of this shell
# (never to a pid that has been reused by someone else's process since)
own_kill() {
	for _ok_p; do
		[ -n "$_ok_p" ] &&
			[ "$(awk '/^PPid:/ { print $2 }' "/proc/$_ok_p/status" 2>/dev/null)" = "$$" ] &&
			kill -KILL "$_ok_p"
	done
	return 0
}
CLAIMED= RS= RJ=
at_exit 'own_kill $CLAIMED $RS $RJ'
CTL=$(mktemp -d /var/lib/jt-esc-ctl.XXXXXX)
chmod 700 "$CTL"
at_exit "rm -rf '$CTL'"

# --- the attacker's tools ------------------------------------------------------------
cat > "$ESC_DIR/fake.py" <<'EOF'
"""fake.py self|root STAGE [--name NAME]: a fake jail of the caller's.

A user namespace (the caller mapped to itself, or to 0 with "root"), new
mount, pid, uts and ipc namespaces, no_new_privs, and /etc replaced by a
copy whose passwd and shadow give root an empty password, whose group puts
the caller in root, shadow, sudo and disk, whose sudoers lets everyone do
anything and whose PAM stacks for su and other are pam_permit. Its pid 1
is called jailsh (the command line, with --name NAME, is this one's).
Prints "ready INIT=<pid 1's pid here> PARENT=<this pid>"."""
import ctypes, os, shutil, signal, sys

libc = ctypes.CDLL(None, use_errno=True)
NEWNS, NEWUTS, NEWIPC = 0x20000, 0x4000000, 0x8000000
NEWUSER, NEWPID = 0x10000000, 0x20000000
MS_BIND, MS_REC, MS_PRIVATE = 0x1000, 0x4000, 0x40000


def chk(r, what):
    if r != 0:
        sys.exit("fake: %s: %s" % (what, os.strerror(ctypes.get_errno())))


mode, stage = sys.argv[1], sys.argv[2]
uid, gid = os.getuid(), os.getgid()
pw = [l for l in open("/etc/passwd") if l.split(":")[2:3] == [str(uid)]]
name = pw[0].split(":")[0] if pw else str(uid)
chk(libc.unshare(NEWUSER | NEWNS | NEWPID | NEWUTS | NEWIPC), "unshare")
open("/proc/self/setgroups", "w").write("deny")
inside_u, inside_g = (0, 0) if mode == "root" else (uid, gid)
open("/proc/self/uid_map", "w").write("%d %d 1\n" % (inside_u, uid))
open("/proc/self/gid_map", "w").write("%d %d 1\n" % (inside_g, gid))
chk(libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "private")
chk(libc.mount(b"jt-fake", stage.encode(), b"tmpfs", 0, b"mode=0755"), "tmpfs")
etc = stage + "/etc"


def copy(src, dst):
    os.makedirs(dst, exist_ok=True)
    try:
        names = os.listdir(src)
    except OSError:
        return
    for n in names:
        s, d = os.path.join(src, n), os.path.join(dst, n)
        try:
            if os.path.islink(s):
                os.symlink(os.readlink(s), d)
            elif os.path.isdir(s):
                copy(s, d)
            else:
                shutil.copyfile(s, d)
        except OSError:
            pass


copy("/etc", etc)
with open(etc + "/passwd", "w") as f:
    for l in open("/etc/passwd"):
        f.write("root::0:0:root:/root:/bin/sh\n" if l.startswith("root:") else l)
with open(etc + "/shadow", "w") as f:
    f.write("root::19000:0:99999:7:::\n%s::19000:0:99999:7:::\n" % name)
with open(etc + "/group", "w") as f:
    for l in open("/etc/group"):
        p = l.rstrip("\n").split(":")
        if len(p) == 4 and p[0] in ("root", "shadow", "sudo", "disk"):
            p[3] = ",".join([m for m in p[3].split(",") if m] + [name])
        f.write(":".join(p) + "\n")
open(etc + "/sudoers", "w").write("ALL ALL=(ALL:ALL) NOPASSWD: ALL\n")
os.makedirs(etc + "/pam.d", exist_ok=True)
permit = "".join("%s sufficient pam_permit.so\n" % t
                 for t in ("auth", "account", "password", "session"))
for s in ("su", "su-l", "sudo", "other", "runuser"):
    open(etc + "/pam.d/" + s, "w").write(permit)
chk(libc.mount(etc.encode(), b"/etc", None, MS_BIND | MS_REC, None), "bind /etc")
libc.sethostname(b"jt-fake", 7)
chk(libc.prctl(38, 1, 0, 0, 0), "no_new_privs")
pid = os.fork()
if pid == 0:
    libc.prctl(15, b"jailsh", 0, 0, 0)
    while True:
        signal.pause()
libc.prctl(15, b"jailsh", 0, 0, 0)
print("ready INIT=%d PARENT=%d" % (pid, os.getpid()), flush=True)
os.waitpid(pid, 0)
EOF
cat > "$ESC_DIR/flip.py" <<'EOF'
"""flip.py: a process (called jt-flip) in a user and pid namespace of its
own that, until killed, keeps making new mount, uts and ipc namespaces
and going back to the first ones (setns), with no_new_privs. Prints ready."""
import ctypes, os, signal, sys, time

libc = ctypes.CDLL(None, use_errno=True)
NS = {"mnt": 0x20000, "uts": 0x4000000, "ipc": 0x8000000}
ALL = sum(NS.values())
uid, gid = os.getuid(), os.getgid()
if libc.unshare(0x10000000 | 0x20000000) != 0:
    sys.exit("flip: unshare: " + os.strerror(ctypes.get_errno()))
open("/proc/self/setgroups", "w").write("deny")
open("/proc/self/uid_map", "w").write("%d %d 1\n" % (uid, uid))
open("/proc/self/gid_map", "w").write("%d %d 1\n" % (gid, gid))
libc.prctl(38, 1, 0, 0, 0)
pid = os.fork()
if pid:
    print("ready", flush=True)
    os.waitpid(pid, 0)
    sys.exit(0)
libc.prctl(15, b"jt-flip", 0, 0, 0)
libc.unshare(ALL)
fds = {n: os.open("/proc/self/ns/" + n, os.O_RDONLY) for n in NS}
while True:
    libc.unshare(ALL)
    time.sleep(0.0005)
    for n, fd in fds.items():
        libc.setns(fd, NS[n])
    time.sleep(0.0005)
EOF
cat > "$ESC_DIR/spawn.py" <<'EOF'
"""spawn.py STAGE: for as long as it lives, starts children (called
jt-flipc) one after another; each stays in the caller's namespaces for
0-49 ms, then leaves them for a user namespace of its own (the caller
mapped to itself) with a new mount namespace in which /etc has root's
password empty and the caller in group root, and lives 50 ms more."""
import ctypes, os, sys, time

libc = ctypes.CDLL(None, use_errno=True)
stage = sys.argv[1]
uid, gid = os.getuid(), os.getgid()
i = 0
while True:
    i += 1
    pid = os.fork()
    if pid == 0:
        libc.prctl(15, b"jt-flipc", 0, 0, 0)
        time.sleep((i % 50) / 1000.0)
        if libc.unshare(0x10000000 | 0x20000) == 0:
            open("/proc/self/setgroups", "w").write("deny")
            open("/proc/self/uid_map", "w").write("%d %d 1\n" % (uid, uid))
            open("/proc/self/gid_map", "w").write("%d %d 1\n" % (gid, gid))
            libc.mount(None, b"/", None, 0x4000 | 0x40000, None)
            if libc.mount(b"jt", stage.encode(), b"tmpfs", 0, None) == 0:
                with open(stage + "/group", "w") as f:
                    f.write("root:x:0:%d\n" % uid)
                with open(stage + "/passwd", "w") as f:
                    f.write("root::0:0:root:/root:/bin/sh\n")
                libc.mount(stage.encode(), b"/etc", None, 0x1000, None)
        time.sleep(0.05)
        os._exit(0)
    os.waitpid(pid, 0)
EOF
chmod 644 "$ESC_DIR"/fake.py "$ESC_DIR"/flip.py "$ESC_DIR"/spawn.py

# the payload: what an attacker runs once inside (its status first: a
# payload killed part way, with the jail it is in, has shown that much)
PAYLOAD="cat /proc/self/status
echo ID=\$(id -u)
echo SU=\$(su -c 'id -u; touch $ESC_ROOT/su-\$\$; cat $ESC_SECRET' root </dev/null 2>&1 | tr '\\n' ' ')
echo SUID=\$($ESC_DIR/suid-root $ESC_ROOT/suid-\$\$ $ESC_SECRET 2>&1 | tr '\\n' ' ')
echo CAT=\$(cat $ESC_SECRET 2>&1)
echo PASSWD=\$(head -n 1 /etc/passwd)"

# the same without su (whose failure costs a second of PAM delay), for the
# many tries of (d)
PAYLOAD_FAST="cat /proc/self/status
echo ID=\$(id -u)
echo SUID=\$($ESC_DIR/suid-root $ESC_ROOT/suid-\$\$ $ESC_SECRET 2>&1 | tr '\\n' ' ')
echo CAT=\$(cat $ESC_SECRET 2>&1)
echo PASSWD=\$(head -n 1 /etc/passwd)"

# outcome USER SELF: after capture of an enter with PAYLOAD: "refused",
# "killed" (killed before it printed anything: exit 137, no output), "ran"
# (sealed, as USER when SELF is 1: the user is itself in the namespace),
# or what was wrong
outcome() {
	_oc_bad=
	_matches "$OUT$ERR" "$ESC_SECRET_TEXT" && _oc_bad="$_oc_bad the secret was read;"
	_matches "$(field SUID)" 'marker=written' && _oc_bad="$_oc_bad the setuid probe wrote its marker as root;"
	[ -n "$(ls -A "$ESC_ROOT")" ] && _oc_bad="$_oc_bad a file in the root canary directory;"
	if [ -z "$(field Uid)" ]; then
		if [ "$RC" = 125 ] && [ -z "$OUT" ]; then
			echo "refused$_oc_bad"
		elif [ "$RC" = 137 ] && [ -z "$OUT" ]; then
			echo "killed$_oc_bad"
		else
			echo "neither refused nor ran: exit $RC;$_oc_bad $(printf '%s' "$OUT$ERR" | head -n 2 | tr '\n' '|')"
		fi
		return
	fi
	for _oc_c in CapInh CapPrm CapEff CapAmb; do
		[ "$(field $_oc_c)" = $ZERO ] || _oc_bad="$_oc_bad $_oc_c $(field $_oc_c);"
	done
	[ "$(field NoNewPrivs)" = 1 ] || _oc_bad="$_oc_bad NoNewPrivs $(field NoNewPrivs);"
	[ "$(field Seccomp)" = 2 ] || _oc_bad="$_oc_bad Seccomp $(field Seccomp);"
	if [ "$2" = 1 ]; then
		_u=$(id -u "$1")
		[ "$(field Uid)" = "$_u $_u $_u $_u" ] || _oc_bad="$_oc_bad Uid $(field Uid);"
		[ "$(field Groups | tr ' ' '\n' | grep . | sort -n | paste -sd' ' -)" = \
			"$(id -G "$1" | tr ' ' '\n' | sort -n | paste -sd' ' -)" ] ||
			_oc_bad="$_oc_bad Groups $(field Groups);"
		[ -z "$(field ID)" ] || [ "$(field ID)" = "$_u" ] || _oc_bad="$_oc_bad id -u $(field ID);"
		_matches "$(field SU)" '(^|\s)0(\s|$)|uid=0' && _oc_bad="$_oc_bad su gave uid 0;"
		_matches "$(field SUID)" 'uid=[0-9]+,0,' && _oc_bad="$_oc_bad the setuid probe got euid 0;"
	fi
	if [ -z "$_oc_bad" ]; then echo ran; else echo "RAN, NOT SEALED:$_oc_bad"; fi
}

# attempt DESC USER SELF TARGET: enter TARGET with the payload; passes when
# refused or ran sealed
attempt() {
	capture je "$2" "$4" -- sh -c "$PAYLOAD"
	_at=$(outcome "$2" "$3")
	case $_at in
	refused | ran) pass "$1: $_at" ;;
	*) fail "$1"; diag "$_at" ;;
	esac
}

# the positive control every attack leans on: the setuid probe does give
# euid 0 outside any jail
control "outside any jail, the setuid-root probe gives the user euid 0" \
	eval '[ -n "$(as_user nobody "$ESC_DIR/suid-root" "$CTL/m" 2>/dev/null | grep "marker=written")" ]' ||
	skip_all "setuid does not work here (nosuid?): nothing to protect"
rm -f "$CTL/m"

huser U
install -d -m 755 "$A/scratch"

# =============================================================================
# (a) a pid that exits and is reused
# =============================================================================
start_jail P "$U" "$_state/a.out" \
	"exec $J run --name jtreuse$$ -- sh -c 'echo ready; exec sleep 120'"
capture je "$U" "$P" -- id -u
control "(a) the user enters its own jail by the sleep's pid $P" [ "$RC/$OUT" = "0/$U_UID" ]
kill -KILL "$P"
wait_for 5 eval "[ ! -e /proc/$P ]"
control "(a) the jail's sleep is gone ($P)" [ ! -e "/proc/$P" ]
capture je "$U" "$P" -- sh -c "$PAYLOAD"
is "$(outcome "$U" 1)" refused "(a) its pid, now free: refused"

# claim PID OFFSET CMD...: runs CMD (as root, in the background) so that the
# process OFFSET forks below it (0: itself; 1: its child) gets pid PID;
# true when it did. CLAIMED is CMD's own pid.
claim() {
	_cl_p=$1 _cl_o=$2
	shift 2
	for _cl_i in $(seq 200); do
		# a claim that failed may not have been reaped yet
		wait_for 1 eval "[ ! -e /proc/$_cl_p ]" || return 1
		echo $((_cl_p - 1 - _cl_o)) > /proc/sys/kernel/ns_last_pid
		"$@" > /dev/null 2>&1 &
		CLAIMED=$!
		disown "$CLAIMED"
		if [ "$_cl_o" = 0 ]; then
			[ "$CLAIMED" = "$_cl_p" ] && return 0
		else
			for _cl_w in $(seq 20); do
				[ -e "/proc/$_cl_p" ] && break
				sleep 0.01
			done
			[ "$(awk '/^PPid:/ { print $2 }' "/proc/$_cl_p/status" 2>/dev/null)" = "$CLAIMED" ] &&
				return 0
		fi
		kill -KILL "$CLAIMED" 2>/dev/null
		sleep 0.01
	done
	return 1
}
root_of() { [ "$(field Uid "$(cat "/proc/$1/status" 2>/dev/null)")" = "0 0 0 0" ]; }

if claim "$P" 0 sleep 300; then
	control "(a) root's sleep now has the pid $P" root_of "$P"
	capture je "$U" "$P" -- sh -c "$PAYLOAD"
	is "$(outcome "$U" 1)" refused "(a) the pid reused by a root sleep: refused"
	own_kill "$P"
	wait_for 5 eval "[ ! -e /proc/$P ]"
else
	skip "(a) control failed: could not put a root process on pid $P"
	skip "(a) control failed: could not put a root process on pid $P"
fi
# a root process that looks jailed: pid 1 of its own pid namespace, its
# own mount namespace, no_new_privs, called jailsh
if claim "$P" 1 unshare -p -m -u -i --fork --kill-child \
	setpriv --no-new-privs "$ESC_DIR/fk/jailsh" 300; then
	wait_for 2 eval '[ "$(cat /proc/$P/comm 2>/dev/null)" = jailsh ]'
	st=$(cat "/proc/$P/status" 2>/dev/null)
	control "(a) a root process that looks jailed (jailsh, NSpid x 1, no_new_privs) now has the pid $P" \
		eval '[ "$(field Uid "$st")" = "0 0 0 0" ] && [ "$(field NoNewPrivs "$st")" = 1 ] &&
			_matches "$(field NSpid "$st")" "^$P 1\$" && [ "$(cat /proc/$P/comm)" = jailsh ]'
	capture je "$U" "$P" -- sh -c "$PAYLOAD"
	is "$(outcome "$U" 1)" refused "(a) the pid reused by a jailed-looking root process: refused"
	own_kill "$CLAIMED"
	wait_for 5 eval "[ ! -e /proc/$P ]"
else
	skip "(a) control failed: could not put a jailed-looking root process on pid $P"
	skip "(a) control failed: could not put a jailed-looking root process on pid $P"
fi
# the user's own process outside any jail
if claim "$P" 0 setpriv --reuid="$U" --regid="$U_GID" --init-groups sleep 300; then
	capture je "$U" "$P" -- sh -c "$PAYLOAD"
	is "$(outcome "$U" 1)" refused "(a) the pid reused by the user's own process outside any jail: refused"
	own_kill "$P"
else
	skip "(a) control failed: could not put a process of the user's on pid $P"
fi

# the race: enter started, then the jail killed and root on its pid
bad= n_claimed=0 n_ran=0 n_ref=0
for i in $(seq 40); do
	start_jail Q "$U" "$_state/a2.out" \
		"exec $J run -- sh -c 'echo ready; exec sleep 120'" || continue
	(capture je "$U" "$Q" -- sh -c "$PAYLOAD"
	 printf '%s\n' "$RC" > "$_state/race.rc"
	 printf '%s\n' "$OUT" > "$_state/race.out") &
	rj=$!
	kill -KILL "$Q"
	for w in $(seq 200); do [ -e "/proc/$Q" ] || break; sleep 0.005; done
	if claim "$Q" 0 sleep 300; then n_claimed=$((n_claimed + 1)); fi
	wait "$rj"
	RC=$(cat "$_state/race.rc") OUT=$(cat "$_state/race.out") ERR=
	o=$(outcome "$U" 1)
	case $o in
	refused) n_ref=$((n_ref + 1)) ;;
	ran | killed) n_ran=$((n_ran + 1)) ;;
	*) bad="$bad
try $i: $o" ;;
	esac
	own_kill "$CLAIMED"
done
diag "(a) race: $n_ref refused, $n_ran ran in the user's jail (or were killed with it); root took the pid $n_claimed times"
control "(a) race: root took the freed pid at least once" [ "$n_claimed" -gt 0 ]
is "$bad" "" "(a) race, 40 tries: every enter refused, or ran sealed (or was killed) in the user's own jail"

# =============================================================================
# (b) a fake jail
# =============================================================================
# fake VAR USER MODE [NAME] [LOGIN]: USER's fake jail; VAR is its pid 1
# (host pid), VAR_PARENT the process that made it
fake() {
	_fk_cmd="$PY $ESC_DIR/fake.py $3 $ESC_DIR/stage${4:+ --name $4}"
	[ -n "${5:-}" ] && _fk_cmd="exec $J -c '$_fk_cmd'"
	as_user "$2" sh -c "$_fk_cmd" > "$_state/fake.$1" 2>&1 &
	disown $!
	eval "$1= $1_PARENT="
	wait_file 20 "$_state/fake.$1" '^ready ' || { diag "$(cat "$_state/fake.$1")"; return 1; }
	# the host's pids: INIT= and PARENT= are in the maker's pid namespace,
	# which is not the host's inside a login session; pid 1 renames itself
	# once it runs
	_fk_init= _fk_par=
	for _fk_i in $(seq 50); do
		for _fk_p in $(live_pids "$2" jailsh); do
			_fk_ns=$(field NSpid "$(cat "/proc/$_fk_p/status" 2>/dev/null)")
			[ "${_fk_ns##* }" = 1 ] &&
				[ "$(readlink "/proc/$_fk_p/ns/user")" != "$(readlink /proc/$$/ns/user)" ] &&
				_fk_init=$_fk_p
		done
		[ -n "$_fk_init" ] && break
		sleep 0.1
	done
	[ -n "$_fk_init" ] && _fk_par=$(awk '/^PPid:/ { print $2 }' "/proc/$_fk_init/status")
	eval "$1=\$_fk_init $1_PARENT=\$_fk_par"
	[ -n "$_fk_init" ]
}
fake_controls() { # LABEL USER PID MODE
	_fc=$(as_user "$2" nsenter -t "$3" -U -m --preserve-credentials head -n 1 /etc/passwd 2>&1)
	control "$1: inside the fake, without jailsh, /etc/passwd is the fake's (root::0:0)" \
		[ "$_fc" = "root::0:0:root:/root:/bin/sh" ]
	_fc=$(cat "/proc/$3/status") _fc_p=$3
	control "$1: it looks like a jail: called jailsh, no_new_privs, its own pid and mount namespaces" \
		eval '[ "$(cat /proc/$_fc_p/comm)" = jailsh ] && [ "$(field NoNewPrivs "$_fc")" = 1 ] &&
			[ "$(readlink /proc/$_fc_p/ns/mnt)" != "$(readlink /proc/$$/ns/mnt)" ] &&
			[ "$(readlink /proc/$_fc_p/ns/pid)" != "$(readlink /proc/$$/ns/pid)" ]'
}

for mode in self root; do
	self=$([ "$mode" = self ] && echo 1 || echo 0)
	fn=jtfake$mode$$
	if fake F "$U" "$mode" "$fn"; then
		fake_controls "(b) fake ($mode)" "$U" "$F" "$mode"
		attempt "(b) fake jail, the user $([ $self = 1 ] && echo itself || echo 0) inside: enter by its pid 1 ($F)" \
			"$U" "$self" "$F"
		diag "  joined /etc: $(field PASSWD); su: $(field SU); probe: $(field SUID)"
		attempt "(b) fake jail ($mode): enter by its name" "$U" "$self" "$fn"
		attempt "(b) fake jail ($mode): enter by the process that made it ($F_PARENT)" \
			"$U" "$self" "$F_PARENT"
		kill -KILL "$F" "$F_PARENT" 2>/dev/null
	else
		skip "(b) control failed: the fake jail ($mode) could not be made here"
	fi
done

# L's and LF's sessions are started with jailsh -c; their login shell is
# bash, so that they may run jailsh enter outside a jail, which jailsh as
# the login shell does not take (tests/escape/91-login-argv.t)
user L /bin/bash
profile "$L" 'shell = "/bin/bash"
volume "~" {}'
if fake F "$L" self "jtfakel$$" login; then
	fake_controls "(b) fake in a login session" "$L" "$F" self
	attempt "(b) a fake jail made in a login session: enter by its pid 1" "$L" 1 "$F"
	attempt "(b) a fake jail made in a login session: enter by its name" "$L" 1 "jtfakel$$"
else
	skip "(b) control failed: the fake jail could not be made in a login session"
fi

# =============================================================================
# (c) another user's jail
# =============================================================================
huser B
start_jail AP "$U" "$_state/c-a.out" \
	"exec $J run --name jtshared$$ --tmpfs $A/scratch --hostname jt-a -- sh -c \
'echo secret-a-$$ > $A/scratch/file; echo ready; exec sleep 120'"
AINIT=$(awk '/^PPid:/ { print $2 }' "/proc/$AP/status" 2>/dev/null)
capture je "$U" "jtshared$$" -- cat "$A/scratch/file"
control "(c) A enters its own jail by name and reads its file" [ "$OUT" = "secret-a-$$" ]
for t in "$AP" "$AINIT" "jtshared$$"; do
	capture je "$B" "$t" -- sh -c "echo jt-ran; cat $A/scratch/file; $PAYLOAD"
	refused "(c) B enters A's jail by $t"
	unlike "$OUT$ERR" "secret-a-$$" "  ... and never sees A's file"
done
start_jail BP "$B" "$_state/c-b.out" \
	"exec $J run --name jtshared$$ --hostname jt-b -- sh -c 'echo ready; exec sleep 120'"
capture je "$B" "jtshared$$" -- uname -n
is "$OUT" jt-b "(c) both have a jail named jtshared$$: B's enter goes to B's"
capture je "$U" "jtshared$$" -- uname -n
is "$OUT" jt-a "  ... and A's to A's"
if fake BF "$B" self "jtbonly$$"; then
	capture je "$B" "jtbonly$$" -- uname -n
	control "(c) B's fake jail named jtbonly$$ is B's to enter" [ "$OUT" = jt-fake ]
	capture je "$U" "jtbonly$$" -- sh -c "echo jt-ran; $PAYLOAD"
	refused "(c) A enters jtbonly$$, a name only B's fake has"
	capture je "$U" "$BF" -- sh -c "echo jt-ran; $PAYLOAD"
	refused "(c) A enters B's fake by its pid"
else
	skip "(c) control failed: B's fake jail could not be made"
fi
# A's login session (started with jailsh -c; bash as the login shell, as
# for L)
user LA /bin/bash
profile "$LA" 'shell = "/bin/bash"
volume "~" {}'
start_jail LAP "$LA" "$_state/c-la.out" \
	"exec $J -c 'echo login-$$ > /tmp/jt-la; echo ready; exec sleep 120'"
capture je "$LA" "$LAP" -- cat /tmp/jt-la
control "(c) the owner enters its login session by pid" [ "$OUT" = "login-$$" ]
capture je "$B" "$LAP" -- sh -c "echo jt-ran; cat /tmp/jt-la; $PAYLOAD"
refused "(c) B enters another user's login session by pid"
unlike "$OUT$ERR" "login-$$" "  ... and never sees its /tmp"

# =============================================================================
# (d) targets that change their namespaces
# =============================================================================
# samples PID: how many different mount namespaces the host sees PID in,
# over 40 looks
samples() {
	for _s in $(seq 40); do readlink "/proc/$1/ns/mnt" 2>/dev/null; sleep 0.005; done |
		sort -u | wc -l
}
# race_enter LABEL USER TRIES PIDCMD: TRIES enters, each of the pid
# PIDCMD prints then, with PAYLOAD_FAST
race_enter() {
	_re_bad= _re_ran=0 _re_ref=0 _re_fake=0
	: > "$_state/race.err"
	for _re_i in $(seq "$3"); do
		_re_p=$(eval "$4")
		[ -n "$_re_p" ] || continue
		capture je "$2" "$_re_p" -- sh -c "$PAYLOAD_FAST"
		_re_o=$(outcome "$2" 1)
		case $_re_o in
		refused) _re_ref=$((_re_ref + 1))
			printf '%s\n' "$ERR" | sed 's/[0-9][0-9]*/N/g' >> "$_state/race.err" ;;
		ran | killed) _re_ran=$((_re_ran + 1))
			[ "$(field PASSWD)" = "root::0:0:root:/root:/bin/sh" ] &&
				_re_fake=$((_re_fake + 1)) ;;
		*) _re_bad="$_re_bad
try $_re_i (pid $_re_p): $_re_o" ;;
		esac
	done
	diag "$1: $_re_ref refused, $_re_ran ran sealed ($_re_fake of them with the target's fake /etc), of $3"
	[ -s "$_state/race.err" ] &&
		diag "$(sort "$_state/race.err" | uniq -c | sed 's/^ */  refused, times: /')"
	is "$_re_bad" "" "$1: every one of $3 enters refused or ran sealed, as the user"
	ok "$1: enters were tried ($((_re_ref + _re_ran)) of $3 counted)" [ $((_re_ref + _re_ran)) -gt 0 ]
}

as_user "$U" "$PY" "$ESC_DIR/flip.py" > "$_state/flip1" 2>&1 &
disown $!
wait_file 10 "$_state/flip1" '^ready$'
wait_for 5 eval '[ -n "$(live_pids "$U" jt-flip)" ]'
FP=$(live_pids "$U" jt-flip | head -n 1)
if control "(d) a flipping target of the user's on the host ($FP) changes mount namespace" \
	eval '[ -n "$FP" ] && [ "$(samples "$FP")" -gt 1 ]'; then
	race_enter "(d) flipping target on the host" "$U" 100 'echo $FP'
	ok "(d) ... and it still runs" kill -0 "$FP"
fi
kill -KILL "$FP" 2>/dev/null

as_user "$U" "$J" run -- "$PY" "$ESC_DIR/flip.py" > "$_state/flip2" 2>&1 &
disown $!
wait_file 10 "$_state/flip2" '^ready$'
wait_for 5 eval '[ -n "$(live_pids "$U" jt-flip)" ]'
FP=$(live_pids "$U" jt-flip | head -n 1)
if control "(d) a flipping target in a jailsh run jail ($FP) changes mount namespace" \
	eval '[ -n "$FP" ] && [ "$(samples "$FP")" -gt 1 ]'; then
	race_enter "(d) flipping target in a jailsh run jail" "$U" 100 'echo $FP'
fi
kill -KILL "$FP" 2>/dev/null

user LF /bin/bash
profile "$LF" 'shell = "/bin/bash"
volume "~" {}'
as_user "$LF" "$J" -c "exec $PY $ESC_DIR/spawn.py $ESC_DIR/stage" > "$_state/spawn" 2>&1 &
disown $!
in_own_userns=0 in_session=0
for i in $(seq 1000); do
	for p in $(pgrep -u "$LF" -x jt-flipc); do
		case $(readlink "/proc/$p/ns/user" 2>/dev/null) in
		"") ;;
		"$(readlink /proc/$$/ns/user)") in_session=$((in_session + 1)) ;;
		*) in_own_userns=$((in_own_userns + 1)) ;;
		esac
	done
	[ "$in_own_userns" -gt 0 ] && [ "$in_session" -gt 0 ] && break
	sleep 0.01
done
if control "(d) in a login session, children that leave its namespaces are seen in both states ($in_session in the session's, $in_own_userns in their own)" \
	[ "$in_own_userns" -gt 0 -a "$in_session" -gt 0 ]; then
	race_enter "(d) children leaving a login session (a jail root made)" "$LF" 100 \
		'pgrep -n -u "$LF" -x jt-flipc'
fi

# =============================================================================
# (e) root's processes
# =============================================================================
capture je "$U" 1 -- sh -c "echo jt-ran; $PAYLOAD"
refused "(e) pid 1 (root's init)"
if [ "$(cat /proc/2/comm 2>/dev/null)" = kthreadd ]; then
	capture je "$U" 2 -- sh -c "echo jt-ran; $PAYLOAD"
	refused "(e) pid 2 (kthreadd)"
else
	skip "(e) pid 2 is not kthreadd here"
fi
SSHD=$(pgrep -u root -x sshd | head -n 1)
if [ -n "$SSHD" ]; then
	capture je "$U" "$SSHD" -- sh -c "echo jt-ran; $PAYLOAD"
	refused "(e) root's sshd ($SSHD)"
else
	skip "(e) no sshd of root's runs here"
fi
sleep 300 &
RS=$!
disown $RS
capture je "$U" "$RS" -- sh -c "echo jt-ran; $PAYLOAD"
refused "(e) a root sleep ($RS)"
unshare -p -m -u -i --fork --kill-child setpriv --no-new-privs "$ESC_DIR/fk/jailsh" 300 &
RJ=$!
disown $RJ
RJC=
wait_for 5 eval 'RJC=$(pgrep -P $RJ); [ -n "$RJC" ]'
st=$(cat "/proc/$RJC/status" 2>/dev/null)
control "(e) a root process that looks jailed ($RJC: jailsh, pid 1 of its namespace, no_new_privs)" \
	eval '[ "$(field NoNewPrivs "$st")" = 1 ] && _matches "$(field NSpid "$st")" " 1\$"'
capture je "$U" "$RJC" -- sh -c "echo jt-ran; $PAYLOAD"
refused "(e) the jailed-looking root process"
own_kill "$RJ" "$RS"

# =============================================================================
for u in "$U" "$B" "$L" "$LA" "$LF"; do esc_no_priv_procs "$u"; done
esc_host_unchanged "at the end"
done_testing
