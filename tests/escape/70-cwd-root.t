#!/bin/bash
# Escape class 13 (CATALOGUE.md): a working directory or root still in the
# host's mount tree (runc CVE-2024-21626, firejail #4780).
#
# The profile hides /var/tmp (an empty read-only tmpfs over it); the
# caller's working directory is a directory of the user's under /var/tmp,
# holding a file. probes/cwd.py reports the mount ids of '.', of '../' x 40
# and of /proc/self/root (each must be one of the jail's mounts: dev:ino
# alone cannot tell a bind of the host's root from the host's root),
# whether walking up ends at '/', /proc/self/root and /proc/1/root, and
# what the file's name reaches through '.', /proc/self/cwd and
# /proc/1/root, and through fchdir to an inherited descriptor.
#
#   - shell mode (jailsh -c from that directory): the shell starts in the
#     home (the directory is hidden in the jail), nothing of the host's
#     directory is reachable through '.' or /proc/self/cwd; every one of
#     those mounts is the jail's; /proc/self/root is the jail's /;
#     /proc/1/root is not readable or the jail's; root on the host looking
#     through /proc/INIT/root sees the jail's /var/tmp (hidden), not the
#     host's; a directory fd of the caller's (fd 7) is gone, so fchdir(7)
#     fails; from a directory the jail does not cover (/usr/share, a
#     directory in the home) the shell starts there, on the jail's mounts;
#   - PAM mode (the module appended to /etc/pam.d/runuser-l and su, put
#     back byte for byte): runuser -l and su (which keeps the caller's
#     working directory) from the same directory: the same.
#
# Positive controls: outside the jail the user reads the file through
# '.'; a process whose working directory is covered by a mount afterwards
# still reads the covered file through '.' and /proc/self/cwd (so a jail
# must change directory anew); fchdir(7) to the handed-over descriptor
# reaches the file without jailsh.
. "$(dirname "$0")/lib.sh"
esc_setup

HIDE='volume "~" {}
hide = { "/var/tmp" }'
esc_user U "$J" "$HIDE"
esc_user P /bin/bash "$HIDE"
HOSTTEXT="jt-esc-cwd-$$-host"
# the probes, where the jail still sees them (/var/tmp is hidden)
for u in "$U" "$P"; do
	h=$(home "$u")
	install -d -m 755 "$h/.jt-probes"
	install -m 755 "$ESC_DIR/cwd.py" "$ESC_DIR/state.py" "$ESC_DIR/fdspawn.py" "$h/.jt-probes/"
done
D=$(mktemp -d /var/tmp/jt-cwd.XXXXXX)
at_exit "rm -rf '$D'"
chmod 755 "$D"
printf '%s\n' "$HOSTTEXT" > "$D/hostfile"
chmod 644 "$D/hostfile"
chown "$U" "$D" "$D/hostfile"

# in DIR USER CMD...: CMD as USER with DIR as the working directory
in_dir() {
	local d=$1 u=$2
	shift 2
	(cd "$d" && setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups \
		--reset-env -- "$@")
}
val() { printf '%s\n' "$OUT" | sed -n "s/^$1=//p" | head -n 1; }

# --- controls -------------------------------------------------------------------------
capture in_dir "$D" "$U" cat ./hostfile
control "outside the jail, from $D, the user reads ./hostfile" test "$OUT" = "$HOSTTEXT"
covered() {
	(cd "$D" && unshare -m sh -c 'mount --make-rprivate / &&
		mount -t tmpfs -o ro none /var/tmp &&
		test ! -e /var/tmp/'"${D##*/}"' && cat ./hostfile /proc/self/cwd/hostfile') 2>/dev/null
}
control "a working directory covered by a mount afterwards still reaches the covered file through '.' and /proc/self/cwd" \
	test "$(covered)" = "$HOSTTEXT
$HOSTTEXT"

# --- shell mode --------------------------------------------------------------------------
CWD="$PY $U_H/.jt-probes/cwd.py"
capture in_dir "$D" "$U" "$J" -c "$CWD hostfile"
is "$RC" 0 "jailsh -c from $D (hidden in the jail): the command runs"
is "$(val CWD)" "$U_H" "  ... in the home directory (the caller's is hidden in the jail)"
is "$(val READ_DOT) | $(val READ_PROCCWD)" "No such file or directory | No such file or directory" \
	"  ... ./hostfile and /proc/self/cwd/hostfile reach nothing"
is "$(val DOT_MNT) $(val UP_MNT) $(val SELFROOT_MNT)" "in-namespace in-namespace in-namespace" \
	"  ... '.', '../' x 40 and /proc/self/root are all on the jail's mounts"
is "$(val VIOLATIONS)" "" "  ... and walking up from '.' ends at the jail's /"
is "$(val SELFROOT_LINK)" / "  ... /proc/self/root is /"
like "$(val INITROOT_LINK)" '^(/|Permission denied)$' "  ... /proc/1/root is / or not readable ($(val INITROOT_LINK))"
like "$(val READ_INITROOT)" '^(No such file or directory|Permission denied)$' \
	"  ... and the host's file is not reached through it either"
unlike "$OUT" "$HOSTTEXT" "  ... the host file's content never shows"
capture in_dir "$D" "$U" "$J" -c 'cat ./hostfile; ls -a /var/tmp; cd /proc/self/cwd && cat hostfile'
unlike "$OUT" "$HOSTTEXT|hostfile|jt-esc" "the shell's own cat, ls and cd show nothing of $D or of /var/tmp"

# root on the host, through the jail's init and shell
in_dir "$D" "$U" "$J" -c 'sleep 3' &
bg=$!
wait_for 5 eval 'pgrep -u "$U" -x sleep >/dev/null'
sl=$(pgrep -u "$U" -x sleep | head -n 1)
init=$(ps -o ppid= -p "$sl" | tr -d ' ')
is "$(readlink "/proc/$sl/cwd")" "$U_H" "root on the host: the session's command has the home as its working directory"
is "$(ls -A "/proc/$init/root/var/tmp" 2>&1 | tr '\n' ' ')" "" \
	"  ... and through /proc/INIT/root, /var/tmp is the jail's (empty, hidden), not the host's"
ok "  ... while the host's /var/tmp has $D" test -e "$D/hostfile"
wait "$bg"

# fchdir to a descriptor of the caller's
FD7="$PY $U_H/.jt-probes/fdspawn.py 7:dir:$D --"
capture in_dir / "$U" $FD7 $CWD hostfile 7
control "without jailsh, fchdir(7) to the handed-over directory reaches the host file ($(val FCHDIR))" \
	_matches "$(val FCHDIR)" '^ok .*hostfile'
capture in_dir / "$U" $FD7 "$J" -c "$CWD hostfile 7"
is "$(val FCHDIR)" "Bad file descriptor" "jailsh -c with $D handed over as fd 7: fchdir(7) fails (EBADF: the descriptor was closed)"

# where the jail does not cover the caller's directory
capture in_dir /usr/share "$U" "$J" -c "$CWD"
is "$(val CWD) $(val DOT_MNT) $(val UP_MNT) $(val VIOLATIONS)" "/usr/share in-namespace in-namespace " \
	"from /usr/share (not covered): the shell starts there, on the jail's mount"
as_user "$U" mkdir -p "$U_H/sub"
capture in_dir "$U_H/sub" "$U" "$J" -c "$CWD"
is "$(val CWD) $(val DOT_MNT) $(val VIOLATIONS)" "$U_H/sub in-namespace " \
	"from a directory in the home: the shell starts there, on the jail's volume"
capture in_dir "$D" "$U" "$J" -l -c "$CWD"
is "$(val CWD) $(val DOT_MNT)" "$U_H in-namespace" "a login shell (jailsh -l) from $D starts in the home"

# --- PAM mode ------------------------------------------------------------------------------
chown "$P" "$D" "$D/hostfile"
esc_pam_append runuser-l
esc_pam_append su
CWD="$PY $P_H/.jt-probes/cwd.py"
for how in "runuser -l" su; do
	capture sh -c "cd '$D' && exec $how '$P' -c '$CWD hostfile'"
	is "$RC" 0 "PAM, $how from $D: the command runs"
	case $how in
	su) is "$(val CWD)" / "  ... in the jail's / (the module's setns moved su's working directory there)" ;;
	*) is "$(val CWD)" "$P_H" "  ... in the home directory" ;;
	esac
	is "$(val READ_DOT) | $(val READ_PROCCWD)" "No such file or directory | No such file or directory" \
		"  ... ./hostfile and /proc/self/cwd/hostfile reach nothing"
	is "$(val DOT_MNT) $(val UP_MNT) $(val SELFROOT_MNT) $(val VIOLATIONS)" "in-namespace in-namespace in-namespace " \
		"  ... '.', '../' x 40 and /proc/self/root are the jail's; walking up ends at its /"
	is "$(val SELFROOT_LINK)" / "  ... /proc/self/root is /"
	like "$(val READ_INITROOT)" '^(No such file or directory|Permission denied)$' "  ... nothing through /proc/1/root"
	unlike "$OUT" "$HOSTTEXT" "  ... the host file's content never shows"
	capture sh -c "cd '$D' && exec $how '$P' -c '$PY $P_H/.jt-probes/state.py'"
	esc_jailed "  ... and it is jailed" "$P" "$OUT"
done

ok "nothing of the users is left" eval 'no_live_processes "$U" && no_live_processes "$P"'
pam_restore_check
esc_host_unchanged "after it all"
is "$(cat "$D/hostfile")" "$HOSTTEXT" "the host's file is untouched"

done_testing
