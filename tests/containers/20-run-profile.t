#!/bin/bash
# Rootless podman in jailsh run --profile P, P a profile with containers =
# yes (issue 14): no privilege of jailsh's. The jail's user namespace is
# the caller's own; its map is written by the host's setuid newuidmap and
# newgidmap, run as the caller (their own grant in /etc/subuid and
# /etc/subgid); a service process of the caller's, in that namespace and
# outside the jail, answers jailsh's newuidmap in the jail (src/runmap.h).
# As a throwaway user with a range of its own:
#
#   - podman run --rm IMAGE id -u prints 0, the container's maps are the
#     user's own id and the range, and the jail's own map is exactly the
#     same ids, each as itself;
#   - podman build of a two-step Containerfile works;
#   - a container writes into a -v of a writable volume, and not the
#     host's read-only tree, even as its root;
#   - from inside, a request for a range not granted (past the grant,
#     another user's range, the host's root) is refused and maps nothing
#     (control: the granted range is mapped);
#   - the service process is the user's, not in the jail's pid namespace,
#     cannot be ptraced from the jail, and is gone once the jail has
#     ended; no process of the run is root;
#   - /dev/fuse and /dev/net/tun are in the jail;
#   - a user without a range is refused (125) with the login jail's line,
#     and a host without newuidmap with one naming the uidmap package;
#     nothing runs; jailsh check notes, not warns about, such a profile.
. "$(dirname "$0")/lib.sh"
ctr_setup

gcc -O2 -Wall -I"$TOP/src" -o "$_esc_bin/idmap_probe" \
	"$TOP/tests/escape/probes/idmap_probe.c" 2>"$_state/gcc.idmap" ||
	{ echo "Bail out! cannot build idmap_probe: $(cat "$_state/gcc.idmap")"; exit 1; }

norm() { tr -s ' \t' '  ' | sed 's/^ //'; }

PD=$CONF/profiles
if [ ! -d "$PD" ]; then
	install -d -m 755 "$PD"
	at_exit "rm -rf '$PD'"
fi
P=jt-run-$$
PF=$PD/$P.conf
at_exit "rm -f '$PF'"
printf 'containers = yes\nvolume "~" {}\n' > "$PF"
chmod 644 "$PF"

ctr_user c P   # the login shell is bash: jailsh run is its to use
u=$c
esc_probes "$u"
PR=$c_H/.probes/idmap_probe

# jr CMD: CMD (sh -c) in jailsh run --profile P as the user, from the home
jr() { capture as_user "$u" env HOME="$c_H" "$J" run --profile "$P" -- sh -c "cd; $1"; }


# the jail itself: a user namespace of the caller's, mapped by the host's
# newuidmap and newgidmap
jr 'echo NNP=$(sed -n "s/^NoNewPrivs:[[:space:]]*//p" /proc/self/status); cat /proc/self/uid_map /proc/self/gid_map; id -u'
is "$(printf '%s\n' "$OUT" | norm)" "NNP=1
$c_UID $c_UID 1
$c_SUB $c_SUB 65536
$c_GID $c_GID 1
$c_SUB $c_SUB 65536
$c_UID" "the jail (no_new_privs) maps the user's own ids and the granted range, each as itself"
[ "$RC" = 0 ] || diag "$ERR"

# --- podman ------------------------------------------------------------------------
# --network none: this host's /dev/net/tun may be root's alone (below)
jr 'podman import bb.tar localhost/bb >/dev/null && podman run --rm --network none localhost/bb id -u'
is "$RC $OUT" "0 0" "jailsh run --profile: podman run --rm localhost/bb id -u prints 0"
[ "$RC" = 0 ] || diag "$ERR"

jr 'podman run --rm --network none localhost/bb cat /proc/self/uid_map /proc/self/gid_map'
is "$(printf '%s\n' "$OUT" | norm)" "0 $c_UID 1
1 $c_SUB 65536
0 $c_GID 1
1 $c_SUB 65536" "  ... the container maps the user's own id and the granted range, nothing more"

install -d -o "$u" -m 755 "$c_H/ctx" "$c_H/vol"
printf 'FROM localhost/bb\nRUN echo step1 > /built\nRUN cat /built > /both && echo step2 >> /both\nCMD ["cat", "/both"]\n' \
	> "$c_H/ctx/Containerfile"
jr 'podman build -q --network none -t localhost/two ~/ctx >/dev/null && podman run --rm --network none localhost/two'
is "$RC $OUT" "0 step1
step2" "podman build of a two-step Containerfile, and its image runs"
[ "$RC" = 0 ] || diag "$ERR"

jr 'podman run --rm --network none -v ~/vol:/vol localhost/bb sh -c "echo root > /vol/by-root; echo other > /vol/by-1000; chown 1000:1000 /vol/by-1000"'
is "$RC $(stat -c '%u:%g %s' "$c_H/vol/by-root" "$c_H/vol/by-1000" 2>&1 | paste -sd ' ')" \
	"0 $c_UID:$c_GID 5 $((c_SUB + 999)):$((c_SUB + 999)) 6" \
	"a container writes into a -v of the writable volume: its root as the user, its uid 1000 as the range's"

jr 'podman run --rm --network none -v /etc:/h -v /usr:/u localhost/bb sh -c "id -u; touch /h/jt-ctr-$$ || echo etc-refused; touch /u/jt-ctr-$$ || echo usr-refused; mount -o remount,rw /h || echo remount-refused; touch /h/jt-ctr-$$ || echo still-refused"'
like "$OUT" '^0
etc-refused
usr-refused
remount-refused
still-refused$' "the container's root cannot write the host's read-only tree, nor remount it writable"
like "$ERR" 'Read-only file system' "  ... (the kernel says: read-only file system)"
is "$(ls /etc/jt-ctr-* /usr/jt-ctr-* 2>/dev/null)" "" "  ... and nothing appeared on the host"

# --- the service from inside: only the grant ------------------------------------------
GRANT="0 $c_UID 1 1 $c_SUB 65536"
jr "$CTR_FRESH
fresh unshare -U sleep 30
echo U=\$($PR send uid \$T $GRANT); map \$T uid_map
echo G=\$($PR send gid \$T 0 $c_GID 1 1 $c_SUB 65536); map \$T gid_map
kill \$T"
CONTROL=
if [ "$(val U)" = OK ] && [ "$(val G)" = OK ]; then
	pass "control: the service maps a granted range for a fresh user namespace in the jail"
	CONTROL=1
	is "$(printf '%s\n' "$OUT" | sed -n 's/^MAP=//p' | paste -sd ' ')" \
		"0 $c_UID 1|1 $c_SUB 65536 0 $c_GID 1|1 $c_SUB 65536" "  ... exactly the user's own id and the granted range"
else
	skip "control failed, so the service cannot be tested here"
	diag "$OUT" "$ERR"
fi

refused_then_control() { ctr_refused jr "$PR" "$GRANT" "$@"; }
refused_then_control "a range one id past the grant" \
	send uid \$T 0 $c_UID 1 1 $c_SUB 65537
refused_then_control "a gid range just before the grant" \
	send gid \$T 0 $c_GID 1 1 $((c_SUB - 1)) 2
refused_then_control "a range no one granted the user (the next 65536)" \
	send uid \$T 0 $c_UID 1 1 $((c_SUB + 65536)) 65536
refused_then_control "the host's root (uid 0 outside)" \
	send uid \$T 0 0 1
refused_then_control "the host's root group (gid 0 outside)" \
	send gid \$T 0 0 1

# --- the service from outside: the user's, out of the jail's reach, gone with it ---------
# the run in the background; its process tree looked at from the host
as_user "$u" env HOME="$c_H" "$J" run --profile "$P" -- sh -c 'echo $$ > ~/jail-pids; cat /proc/self/status > ~/jail-status; ls /proc | grep -c "^[0-9]" > ~/jail-nprocs; for p in /proc/[0-9]*; do cat $p/comm; done > ~/jail-comms 2>/dev/null; sleep 8' &
RUN=$!
for _i in $(seq 100); do [ -s "$c_H/jail-comms" ] && break; sleep 0.1; done
# every process whose ancestor is the run
tree() {
	_t="$1"
	for _c in $(cat /proc/$1/task/*/children 2>/dev/null); do
		_t="$_t $(tree "$_c")"
	done
	echo $_t
}
# $RUN is the test's subshell (root's); setpriv in it became jailsh run
RUNPID=$(cat /proc/$RUN/task/*/children 2>/dev/null | awk '{ print $1; exit }')
PROCS=$(tree "$RUNPID")
SVC=
for _p in $PROCS; do
	[ "$(cat /proc/$_p/comm 2>/dev/null)" = jailsh-idmap ] && SVC=$_p
done
SH=$(for _p in $PROCS; do [ "$(cat /proc/$_p/comm 2>/dev/null)" = sleep ] && echo $_p; done | head -n 1)
ok "the service runs while the jail does (jailsh-idmap, a child of jailsh run)" test -n "$SVC" -a "$(cat /proc/$RUNPID/comm)" = jailsh
ROOTS=
for _p in $PROCS; do
	_ids=$(sed -n 's/^[UG]id:[[:space:]]*//p' /proc/$_p/status 2>/dev/null | tr -s ' \t' '\n' | sort -u | paste -sd ' ')
	case " $_ids " in *" 0 "*) ROOTS="$ROOTS $_p($(cat /proc/$_p/comm))" ;; esac
done
# (only while the jail and its service run: else there is nothing to see)
is "${SVC:+up}${SH:+up} ${ROOTS:-none}" "upup none" "nothing of the run ($(echo $PROCS | wc -w) processes: jailsh run, its service, the jail's) is root in any uid or gid"
is "$(sed -n 's/^Uid:[[:space:]]*//p' /proc/$SVC/status | tr -s ' \t' ' ')" "$c_UID $c_UID $c_UID $c_UID" \
	"  ... the service is the user's"
is "${SVC:+up} $(readlink /proc/$SVC/ns/user)" "up $(readlink /proc/$SH/ns/user)" "  ... in the jail's user namespace"
ok "  ... but not in its pid namespace" test -n "$SVC" -a -n "$SH" -a "$(readlink /proc/$SVC/ns/pid)" != "$(readlink /proc/$SH/ns/pid)"
# the jail's own list (its init, named jailsh, is in it: the list worked)
is "$(grep -cx jailsh "$c_H/jail-comms") $(grep -c jailsh-idmap "$c_H/jail-comms")" "1 0" "  ... so that the jail cannot see it (nor signal or trace it: it has no pid there)"
is "${SH:+up} $(sed -n 's/^CapEff:[[:space:]]*//p' /proc/$SH/status)" "up 0000000000000000" "the jail's processes have no capability (in the jail's user namespace)"
# a process in the jail's user namespace without capabilities (the jail's
# processes are such), but outside its pid namespace, where the service
# has a pid: may it read the service's memory (PTRACE_MODE_READ)? The
# control: another such process of the user's
NSE="nsenter --user --preserve-credentials -t $SH --"
capture as_user "$u" $NSE sh -c "sleep 5 & sleep 0.2; grep -c . /proc/\$!/environ >/dev/null && echo CONTROL=ok; grep -c . /proc/$SVC/environ >/dev/null && echo SVC=read; sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status; kill \$!"
if [ -n "$SVC" ] && [ "$(val CONTROL)" = ok ]; then
	pass "control: a process in the jail's user namespace without capabilities reads another one's /proc/PID/environ"
	is "$(val SVC)" "" "  ... not the service's: it holds capabilities in that namespace that the process lacks"
	like "$ERR" "Permission denied" "  ... (permission denied)"
else
	skip "control failed: $OUT $ERR"
	skip "control failed"
fi
wait "$RUN"
is "$?" 0 "the run ended"
ok "the service is gone once the jail has ended" test -n "$SVC" -a ! -e "/proc/$SVC"
# the jail's init ends just after jailsh run has (it sees the lifeline go)
for _i in $(seq 50); do
	LEFT=
	for _p in $PROCS; do [ -e /proc/$_p ] && LEFT=1; done
	[ -z "$LEFT" ] && break
	sleep 0.1
done
LEFT=
for _p in $PROCS; do [ -e /proc/$_p ] && LEFT="$LEFT $_p($(cat /proc/$_p/comm 2>/dev/null) $(cut -d' ' -f4 /proc/$_p/stat 2>/dev/null))"; done
is "${LEFT:-none}" none "  ... and every process of the run"

# --- the devices --------------------------------------------------------------------
OPEN='import os,sys
for d in ("/dev/fuse","/dev/net/tun"):
    try:
        os.close(os.open(d, os.O_RDWR)); print(d, "open")
    except OSError as e:
        print(d, os.strerror(e.errno))'
capture as_user "$u" "$PY" -c "$OPEN"
HOSTSAYS=$OUT
jr "test -c /dev/fuse && test -c /dev/net/tun && echo there; $PY -c '$OPEN'"
is "$OUT" "there
$HOSTSAYS" "/dev/fuse and /dev/net/tun are in the jail, and open there as they do for the user on the host (the host's nodes: $(printf '%s' "$HOSTSAYS" | paste -sd ' '))"

# --- check: no warning about the profile -----------------------------------------------
capture "$J" check
like "$OUT" "(^|
)$(ere "$PF"): ok" "jailsh check: the profile is fine"
unlike "$OUT" "$(ere "$PF").*warning" "  ... and not warned about"
like "$OUT" "$(ere "$PF"):1: note: containers = yes: jailsh run --profile maps with each caller's own newuidmap and newgidmap" \
	"  ... a note says what its callers need"

# --- no newuidmap on the host: refused --------------------------------------------------
# (a mount namespace of the test's own, where /usr/bin/newuidmap is not
# executable; the setuid jailsh under test runs there as the user)
capture unshare -m sh -c 'mount --make-rprivate / && mount --bind /dev/null /usr/bin/newuidmap && exec setpriv --reuid="$1" --regid="$2" --init-groups --reset-env -- "$3" run --profile "$4" -- echo started' \
	sh "$u" "$c_GID" "$J" "$P"
is "$RC $OUT" "125 " "a host without an executable /usr/bin/newuidmap: refused (125), nothing ran"
is "$ERR" "jailsh: $PF:1: containers = yes: jailsh run maps the jail with your own /usr/bin/newuidmap, which is missing: install shadow's newuidmap and newgidmap (Debian: apt-get install uidmap)" \
	"  ... in one line naming the uidmap package"

# --- no ranges: refused ---------------------------------------------------------------
ctr_revoke "$u"
jr 'echo started'
is "$RC $OUT" "125 " "a user without subordinate ids is refused (125), nothing ran"
is "$ERR" "jailsh: $PF:1: containers = yes, but $u has no subordinate ids in /etc/subuid and /etc/subgid; root grants a range that no other user has with: usermod --add-subuids FIRST-LAST --add-subgids FIRST-LAST $u" \
	"  ... in the login jail's one line, naming /etc/subuid and the usermod --add-subuids that fixes it"

done_testing
