#!/bin/bash
# Rootless podman in a jail (containers = yes, issue 14), as throwaway
# users with a subordinate range of their own, in real login sessions:
# jailsh -c as the login shell (W) and a PAM session through the README's
# module line (P); no network, the image made from busybox-static with
# podman import. In each mode:
#
#   - podman run --rm IMAGE id -u prints 0, and the container's uid and
#     gid maps are exactly the user's own id and the granted range;
#   - podman build of a two-step Containerfile works;
#   - a container writes into a -v of the user's home (as its root: the
#     user's files; as its uid 1000: the range's), and cannot write the
#     host's read-only tree (-v /etc, -v /usr) even as its root, nor
#     remount it writable;
#   - podman ps, podman rm, and a second session of the same user see the
#     same storage; the storage is overlay, native in the user namespace;
#   - fuse-overlayfs through the jail's /dev/fuse, slirp4netns through its
#     /dev/net/tun, and unshare --map-auto (util-linux) work too;
# and once:
#   - a user's jail (jail = "user") runs containers the same way, and so
#     do jails with network = "none" and "private" (their own /sys);
#   - the README's profile, containers.conf and session commands
#     ("Containers inside a jail"), as they are there, do what it says;
#   - jailsh explain shows the ranges and devices;
#   - a user without ranges is refused at the start, in one line naming
#     /etc/subuid and the usermod --add-subuids that fixes it (both
#     modes), and jailsh check warns about that user;
#   - jailsh run --profile of a profile with containers = yes, by that
#     user without ranges, is refused with the same line, and jailsh check
#     notes what such a profile's callers need (20-run-profile.t runs
#     podman in it);
#   - a profile without containers = yes: newuidmap in the jail says so,
#     and nothing is mapped (the host's setuid one cannot work there).
# Skipped only where podman cannot be installed (ctr_setup).
. "$(dirname "$0")/lib.sh"
ctr_setup

# norm: the map files with their runs of blanks made one
norm() { tr -s ' \t' '  ' | sed 's/^ //'; }

for m in $MODES; do
	n=$(mode_name "$m")
	ctr_user c "$m"
	u=$c
	esc_sanity "$m" "$u"

	jcap "$m" "$u" 'cd && podman import bb.tar localhost/bb >/dev/null && echo imported'
	is "$RC $OUT" "0 imported" "$n: podman import of the busybox tarball"
	[ "$RC" = 0 ] || diag "$ERR"

	jcap "$m" "$u" 'podman run --rm localhost/bb id -u'
	is "$RC $OUT" "0 0" "$n: podman run --rm localhost/bb id -u prints 0"
	[ "$RC" = 0 ] || diag "$ERR"

	jcap "$m" "$u" 'podman run --rm localhost/bb cat /proc/self/uid_map /proc/self/gid_map'
	is "$(printf '%s\n' "$OUT" | norm)" "0 $c_UID 1
1 $c_SUB 65536
0 $c_GID 1
1 $c_SUB 65536" "$n: the container maps the user's own id and the granted range, nothing more"

	install -d -o "$u" -m 755 "$c_H/ctx" "$c_H/vol"
	printf 'FROM localhost/bb\nRUN echo step1 > /built\nRUN cat /built > /both && echo step2 >> /both\nCMD ["cat", "/both"]\n' \
		> "$c_H/ctx/Containerfile"
	jcap "$m" "$u" 'podman build -q -t localhost/two ~/ctx >/dev/null && podman run --rm localhost/two'
	is "$RC $OUT" "0 step1
step2" "$n: podman build of a two-step Containerfile, and its image runs"
	[ "$RC" = 0 ] || diag "$ERR"

	jcap "$m" "$u" 'podman run --rm -v ~/vol:/vol localhost/bb sh -c "echo root > /vol/by-root; echo other > /vol/by-1000; chown 1000:1000 /vol/by-1000"'
	is "$RC $(stat -c '%u:%g %s' "$c_H/vol/by-root" "$c_H/vol/by-1000" 2>&1 | paste -sd ' ')" \
		"0 $c_UID:$c_GID 5 $((c_SUB + 999)):$((c_SUB + 999)) 6" \
		"$n: a container writes into a -v of the home: its root as the user, its uid 1000 as the range's"

	jcap "$m" "$u" 'podman run --rm -v /etc:/h -v /usr:/u localhost/bb sh -c "id -u; touch /h/jt-ctr-$$ || echo etc-refused; touch /u/jt-ctr-$$ || echo usr-refused; mount -o remount,rw /h || echo remount-refused; touch /h/jt-ctr-$$ || echo still-refused"'
	like "$OUT" '^0
etc-refused
usr-refused
remount-refused
still-refused$' "$n: the container's root cannot write the host's read-only tree, nor remount it writable"
	like "$ERR" 'Read-only file system' "  ... (the kernel says: read-only file system)"
	is "$(ls /etc/jt-ctr-* /usr/jt-ctr-* 2>/dev/null)" "" "  ... and nothing appeared on the host"

	jcap "$m" "$u" "podman run --name keep-$m localhost/bb true && podman ps -a --format '{{.Names}} {{.Status}}'"
	like "$OUT" "^keep-$m Exited \\(0\\)" "$n: podman ps -a shows the container that was kept"
	jcap "$m" "$u" "podman info --format '{{.Store.GraphDriverName}} {{.Store.GraphRoot}}'"
	is "$OUT" "overlay $c_H/.local/share/containers/storage" \
		"$n: the storage is overlay, in the home (a writable volume)"
done

# --- a second session sees the same storage --------------------------------
m=${MODES##* }
n=$(mode_name "$m")
jcap W "$u" 'podman ps -a --format "{{.Names}}"; podman images --format "{{.Repository}}" | sort'
like "$OUT" "^keep-$m
localhost/bb
localhost/two$" "another session ($n's user, by jailsh -c) sees the same containers and images"
jcap "$m" "$u" "podman rm keep-$m >/dev/null && echo removed"
is "$RC $OUT" "0 removed" "  ... podman rm of it in yet another session ($n)"
jcap W "$u" 'podman ps -a --format "{{.Names}}"'
is "$RC $OUT" "0 " "  ... and the next session sees it gone"

# --- fuse-overlayfs, slirp4netns, unshare --map-auto ----------------------------
for m in $MODES; do
	n=$(mode_name "$m")
	if control "fuse-overlayfs is installed" test -x /usr/bin/fuse-overlayfs; then
		jcap "$m" "$u" "cd; F='--root $c_H/fuse-$m --runroot /tmp/fuse-run --storage-opt overlay.mount_program=/usr/bin/fuse-overlayfs'; podman \$F import bb.tar localhost/bbf >/dev/null && podman \$F run --rm localhost/bbf sh -c 'id -u; grep -c fuse-overlayfs /proc/mounts'"
		is "$RC $OUT" "0 0
1" "$n: fuse-overlayfs through the jail's /dev/fuse"
		[ "$RC" = 0 ] || diag "$ERR"
	fi
	if control "slirp4netns is installed" test -x /usr/bin/slirp4netns; then
		jcap "$m" "$u" 'podman run --rm --network slirp4netns localhost/bb ip -o -4 addr show tap0'
		like "$RC $OUT" '^0 [0-9]+: tap0 +inet 10\.0\.2\.' "$n: slirp4netns gives the container tap0 through the jail's /dev/net/tun"
		[ "$RC" = 0 ] || diag "$ERR"
	fi
	if control "unshare has --map-auto (util-linux 2.38)" sh -c 'unshare --help | grep -q -- --map-auto'; then
		jcap "$m" "$u" 'unshare --map-root-user --map-auto sh -c "id -u; cat /proc/self/uid_map"'
		is "$RC $(printf '%s\n' "$OUT" | norm | paste -sd ' ')" \
			"0 0 0 $c_UID 1 1 $c_SUB 65535" "$n: unshare --map-root-user --map-auto maps through jailsh's newuidmap"
	fi
done

# --- a user's jail ------------------------------------------------------------
ctr_user uj W 'jail = "user"
linger = "0"'
jcap W "$uj" 'podman import ~/bb.tar localhost/bb >/dev/null && podman run --rm localhost/bb id -u'
is "$RC $OUT" "0 0" "jail = \"user\": podman run --rm id -u prints 0 in the user's jail"
[ "$RC" = 0 ] || diag "$ERR"

# --- a network of the jail's own ---------------------------------------------
# its /sys is the jail's own, which shows no cgroup hierarchy: the host's
# (read-only, as with network = "host") are put back for the runtime
for net in none private; do
	if [ "$net" = private ] && ! command -v pasta >/dev/null 2>&1; then
		skip "network = \"private\" needs pasta (apt-get install passt)"
		continue
	fi
	ctr_user nn W "network = \"$net\""
	jcap W "$nn" 'cd; podman import bb.tar localhost/bb >/dev/null && podman run --rm localhost/bb id -u; touch /sys/fs/cgroup/jt 2>&1 | grep -c "Read-only"'
	is "$RC $OUT" "0 0
1" "network = \"$net\": podman run --rm id -u prints 0; /sys/fs/cgroup is there, read-only"
	[ "$RC" = 0 ] || diag "$ERR"
done

# --- the README's commands, as they are there ---------------------------------
# its profile and containers.conf (no storage.conf: podman's own default),
# then its session's commands as the user, in the home
esc_user rd W
profile "$rd" "$(readme_snippet profile-containers)"
ctr_grant "$rd"
rd_H=$(home "$rd")
install -d -o "$rd" -g "$(id -g "$rd")" "$rd_H/.config" "$rd_H/.config/containers"
readme_snippet containers-conf > "$rd_H/.config/containers/containers.conf"
chown "$rd:" "$rd_H/.config/containers/containers.conf"
jcap W "$rd" "cd; $(readme_snippet containers-session)"
like "$OUT" "(^|
)0
" "README: podman run --rm localhost/bb id -u prints 0"
like "$OUT" "(^|
)step1
step2
" "README: podman build of its two-step Containerfile, and its image runs"
is "$(stat -c %U "$rd_H/vol/f" 2>&1)" "$rd" "README: the container's file in ~/vol is the user's"
like "$ERR" "Read-only file system" "README: -v /etc is read-only in the container"
ok "  ... and nothing appeared there" test ! -e /etc/x
is "$RC" 0 "README: podman ps -a and podman images, the last commands, work"
like "$OUT" "(^|
)localhost/two +latest .*
localhost/bb +latest " "  ... and list both images"
[ "$RC" = 0 ] || diag "$ERR"

# --- explain ------------------------------------------------------------------
capture "$J" explain "$u"
like "$OUT" "(^|
)containers yes: .*/dev/fuse and /dev/net/tun
  /etc/subuid +$c_SUB-$((c_SUB + 65535)) \\(65536 ids\\)
  /etc/subgid +$c_SUB-$((c_SUB + 65535)) \\(65536 ids\\)" \
	"jailsh explain shows the ranges and the devices"
like "$OUT" "/usr/bin/newuidmap +map +$(ere "$JAILSH_TEST_ROOT")/lib/jailsh/newuidmap" \
	"  ... and jailsh's newuidmap bound over the host's"

# --- no ranges: refused ---------------------------------------------------------
ctr_revoke "$u"
for m in $MODES; do
	n=$(mode_name "$m")
	jcap "$m" "$u" 'echo started'
	if [ "$m" = W ]; then
		is "$RC" 125 "$n: a user without subordinate ids is refused at the start (125)"
	else
		isnt_zero=$([ "$RC" != 0 ] && echo refused)
		is "$isnt_zero" refused "$n: a user without subordinate ids is refused at the start"
	fi
	unlike "$OUT" started "  ... nothing ran"
	like "$ERR" "containers = yes, but $u has no subordinate ids in /etc/subuid and /etc/subgid; root grants a range that no other user has with: usermod --add-subuids FIRST-LAST --add-subgids FIRST-LAST $u" \
		"  ... in one line naming /etc/subuid and the usermod --add-subuids that fixes it"
	[ "$(printf '%s\n' "$ERR" | grep -c subordinate)" = 1 ] ||
		diag "more than one line: $ERR"
done
capture "$J" check
like "$OUT" "warning: $(ere "$CONF/users/$u.conf"):[0-9]+: containers = yes, but $u has no subordinate ids" \
	"jailsh check warns about a user with containers = yes and no ranges"

# --- jailsh run --profile: the same refusal (and check notes it) -----------------
[ -d "$CONF/profiles" ] || install -d -m 755 "$CONF/profiles"
_pf=$CONF/profiles/jt-ctr-$$.conf
at_exit "rm -f '$_pf'"
printf 'containers = yes\n' > "$_pf"
chmod 644 "$_pf"
capture "$J" check
like "$OUT" "(^|
)$(ere "$_pf"):1: note: containers = yes: jailsh run --profile maps with each caller's own newuidmap and newgidmap \\(package uidmap\\): its callers need subordinate ids in /etc/subuid and /etc/subgid, or are refused" \
	"jailsh check notes what the callers of a profiles/ file with containers = yes need"
unlike "$OUT" "$(ere "$_pf").*warning" "  ... and does not warn about it"
capture as_user "$u" "$J" run --profile "jt-ctr-$$" -- echo started
is "$RC $OUT" "125 " "jailsh run --profile of it by the user without ranges is refused (125), nothing ran"
is "$ERR" "jailsh: $_pf:1: containers = yes, but $u has no subordinate ids in /etc/subuid and /etc/subgid; root grants a range that no other user has with: usermod --add-subuids FIRST-LAST --add-subgids FIRST-LAST $u" \
	"  ... in the login jail's one line"
rm -f "$_pf"

# --- containers = no: newuidmap in the jail maps nothing it could not -------------
# (a user namespace's owner may map its own id alone, without any help:
# the kernel allows that much; a subordinate range needs privilege, which
# the host's setuid newuidmap cannot have under no_new_privs)
esc_user nc W
esc_profile "$nc" ''
ctr_grant "$nc"
jcap W "$nc" "unshare -U sleep 20 & sleep 0.5; newuidmap \$! 0 \$(id -u) 1 1 $CTR_SUB 65536; echo rc=\$?; wc -c < /proc/\$!/uid_map; kill \$!"
like "$OUT" '^rc=1
0$' "containers = no: newuidmap of a granted range fails in the jail, and maps nothing"
like "$ERR" 'newuidmap' "  ... and says why ($(printf '%s' "$ERR" | head -n 1))"

done_testing
