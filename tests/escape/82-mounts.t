#!/bin/bash
# Rearranging the jail's mounts from inside (CATALOGUE.md, classes 16, 17 and
# 18). The profile: the home directory writable, a map of a directory the
# user may write on the host (read-only in the jail), and a hide over a
# directory that holds a secret the user could read on the host.
#
# Directly (no privilege at all): mount a tmpfs, bind /etc, umount /tmp,
# umount the home volume, remount / read-write, bind over /etc, open_tree
# plus move_mount, move the private /tmp away, mount_setattr clearing
# RDONLY on / and on the map, umount the hide, fsmount a tmpfs: all fail.
#
# In a user namespace made in the jail (unshare -Urm, user_namespaces =
# yes, where a tmpfs of its own can be mounted): remount / and the map
# read-write, mount_setattr clearing RDONLY, remount / with suid, umount the
# hide, /proc, /tmp or the volume to uncover what is below, bind / without
# its submounts, rbind / and umount the copy of the hide, clone /var/tmp
# without its submounts, move the private /tmp away: all fail (the kernel
# locks what a more privileged namespace mounted), and after each the
# secret under the hide stays invisible, / and the map stay read-only and
# nosuid, and neither the host's /tmp nor its /proc shows through.
#
# After every try the host's mount table is unchanged and nothing was
# written on the host. With user_namespaces = no, unshare -U itself fails.
#
# Positive controls, as the user outside the jail in a user namespace of
# its own: each primitive works on mounts the user made there (tmpfs, bind,
# remount read-write, mount_setattr, umount uncovering, move_mount, a
# clone without submounts), and unshare -U works.
. "$(dirname "$0")/modes.sh"
esc_setup
command -v unshare >/dev/null || skip_all "no unshare"

HIDE=/var/tmp/jt-hide-$$
MAP=/var/tmp/jt-map-$$
at_exit "rm -rf $HIDE $MAP /var/tmp/jt-rw-$$ /tmp/jt-host-$$"
install -d -m 755 "$HIDE"
echo "HIDDEN-$$" > "$HIDE/secret"
chmod 644 "$HIDE/secret"
: > /tmp/jt-host-$$

# what every try checks afterwards, in the namespace it made: one LEAK
# line for each way the jail was opened
CHECKS="
cat $HIDE/secret 2>/dev/null && echo LEAK-HIDE
grep -qs HIDDEN-$$ ~/mnt$HIDE/secret ~/mnt/jt-hide-$$/secret && echo LEAK-HIDE-COPY
touch /var/tmp/jt-rw-$$ 2>/dev/null && echo LEAK-ROOT-WRITABLE
touch $MAP/w 2>/dev/null && echo LEAK-MAP-WRITABLE
test -e /tmp/jt-host-$$ && echo LEAK-HOST-TMP
test -e /proc/$$ && echo LEAK-HOST-PROC
test -e /etc/EVIL-$$ && echo LEAK-ETC
awk '\$5 == \"/\" && \$6 !~ /nosuid/ { print \"LEAK-SUID\" }' /proc/self/mountinfo
true"

# attack_script FILE CMD: a script that runs CMD (status in RC=) and then
# the checks
attack_script() {
	{
		echo 'cd "$HOME"'
		echo "( $2 ) >\"\$HOME/.err\" 2>&1"
		echo 'echo "RC=$?"; echo "ERR=$(head -n 1 "$HOME/.err")"'
		printf '%s\n' "$CHECKS"
	} > "$1"
	chmod 644 "$1"
}

# try M U KIND DESC CMD: CMD in U's jail, directly (KIND direct) or in a
# user namespace made there (userns); it must fail, leak nothing, and
# change nothing on the host
n=0
try() {
	n=$((n + 1))
	attack_script "$PROBES/try-$n.sh" "$5"
	case $3 in
	direct) jcap "$1" "$2" "sh ~/.probes/try-$n.sh" ;;
	userns) jcap "$1" "$2" "unshare -Urm sh ~/.probes/try-$n.sh" ;;
	esac
	_w="$(mode_name "$1"), $3: $4"
	if [ "$(val RC)" != 0 ] && [ -n "$(val RC)" ]; then
		pass "$_w: fails ($(val ERR))"
	else
		fail "$_w: fails"
		diag "rc=$RC out: $OUT" "err: $ERR"
	fi
	unlike "$OUT" 'LEAK' "  ... nothing shows through or becomes writable"
	ok "  ... nothing was written on the host" \
		test ! -e /var/tmp/jt-rw-$$ -a ! -e "$MAP/w"
	host_same "  ... $(mode_name "$1")"
}

# --- controls: the primitives, outside the jail, in a user namespace ---------
esc_user C W
esc_probes "$C"
ch=$(home "$C")
install -d -o "$C" "$ch/mnt" "$ch/d" "$ch/a" "$ch/hide"
echo under > "$ch/a/below"; echo under > "$ch/hide/below"
chown "$C" "$ch/a/below" "$ch/hide/below"
ctl() {
	OUT=$(as_user "$C" unshare -Urm sh -c "cd \$HOME; $2" 2>&1)
	if printf '%s' "$OUT" | grep -q CTL-OK; then
		pass "control: outside the jail, in a user namespace: $1"
	else
		fail "control: outside the jail, in a user namespace: $1"
		diag "$OUT"
	fi
}
M2="$PY $PROBES/mounts.py"
ctl "a tmpfs can be mounted" 'mount -t tmpfs none mnt && echo CTL-OK'
ctl "a bind mount can be made" 'mount --bind a mnt && test -e mnt/below && echo CTL-OK'
ctl "a read-only bind can be remounted read-write" \
	'mount --bind d d && mount -o remount,bind,ro d && ! touch d/x 2>/dev/null && mount -o remount,bind,rw d && touch d/x && echo CTL-OK'
ctl "mount_setattr clears RDONLY" \
	"mount --bind d d && $M2 set-ro d && ! touch d/y 2>/dev/null && $M2 clear-ro d rec && touch d/y && echo CTL-OK"
ctl "umount uncovers what a mount hid" \
	'mount -t tmpfs none hide && ! test -e hide/below && umount hide && test -e hide/below && echo CTL-OK'
ctl "move_mount takes a mount away, uncovering what it hid" \
	"mount -t tmpfs none a && ! test -e a/below && $M2 move \$HOME/a \$HOME/mnt && test -e a/below && echo CTL-OK"
ctl "open_tree + move_mount, with and without submounts" \
	"$M2 clone-to \$HOME/a \$HOME/mnt && $M2 clone1-to \$HOME/d \$HOME/d && echo CTL-OK"
ctl "fsmount makes a tmpfs" "$M2 fsmount-tmpfs \$HOME/mnt && echo CTL-OK"
ok "control: outside the jail, unshare -U works" as_user "$C" unshare -U true

esc_modes
for M in $MODES; do
	W=$(mode_name "$M")
	esc_user U "$M"
	uh=$(home "$U")
	install -d -m 755 -o "$U" "$MAP.$M"
	rm -rf "$MAP"; ln -s "$MAP.$M" "$MAP"
	at_exit "rm -rf $MAP.$M"
	esc_profile "$U" "volume \"~\" {}
map \"$MAP.$M\" { target = \"$MAP.$M\" }
hide = { \"$HIDE\" }"
	# the symbolic link is root's: the checks see the map through it
	esc_probes "$U"
	install -d -o "$U" "$uh/mnt" "$uh/evil"
	esc_sanity "$M" "$U"
	: > "$uh/evil/EVIL-$$"
	P="$PY ~/.probes/mounts.py"

	ok "$W: control: on the host the user can write in the map's source" \
		as_user "$U" sh -c "touch $MAP/w && rm $MAP/w"
	jcap "$M" "$U" "cat $HIDE/secret 2>&1; ls -A $HIDE | wc -l; touch $MAP/w 2>&1"
	like "$OUT" 'No such file[\s\S]*\n0\n[\s\S]*Read-only file system' \
		"$W: in the jail the hide is empty and the map read-only"

	# --- directly ---------------------------------------------------------
	try "$M" "$U" direct "mount a tmpfs on ~/mnt" 'mount -t tmpfs none ~/mnt'
	try "$M" "$U" direct "bind /etc on ~/mnt" 'mount --bind /etc ~/mnt'
	try "$M" "$U" direct "umount /tmp (the private /tmp)" 'umount /tmp'
	try "$M" "$U" direct "umount -l the home volume" 'umount -l "$HOME"'
	try "$M" "$U" direct "remount / read-write" 'mount -o remount,rw /'
	try "$M" "$U" direct "bind a directory of the user's over /etc" 'mount --bind ~/evil /etc'
	try "$M" "$U" direct "open_tree clone of ~ and move_mount onto ~/mnt" "$P clone-to \$HOME \$HOME/mnt"
	try "$M" "$U" direct "move_mount the private /tmp away" "$P move /tmp \$HOME/mnt"
	try "$M" "$U" direct "mount_setattr clearing RDONLY on / (recursive)" "$P clear-ro / rec"
	try "$M" "$U" direct "mount_setattr clearing RDONLY on the map" "$P clear-ro $MAP.$M"
	try "$M" "$U" direct "umount the hide" "umount $HIDE"
	try "$M" "$U" direct "fsmount a new tmpfs on ~/mnt" "$P fsmount-tmpfs \$HOME/mnt"

	# --- in a user namespace made in the jail -----------------------------
	jcap "$M" "$U" 'cd; unshare -Urm sh -c "mount -t tmpfs none ~/mnt && echo NS-OK"'
	like "$OUT" NS-OK "$W: in the jail, unshare -Urm works and mounts a tmpfs of its own (user_namespaces = yes)"
	try "$M" "$U" userns "remount / read-write" 'mount -o remount,rw /'
	try "$M" "$U" userns "remount the map read-write" "mount -o remount,bind,rw $MAP.$M"
	try "$M" "$U" userns "mount_setattr clearing RDONLY on / (recursive)" "$P clear-ro / rec"
	try "$M" "$U" userns "mount_setattr clearing RDONLY on the map" "$P clear-ro $MAP.$M"
	try "$M" "$U" userns "remount / with suid and dev" 'mount -o remount,bind,suid,dev /'
	try "$M" "$U" userns "umount the hide" "umount $HIDE"
	try "$M" "$U" userns "umount -l the hide" "umount -l $HIDE"
	try "$M" "$U" userns "umount -l /proc (to uncover the host's)" 'umount -l /proc'
	try "$M" "$U" userns "umount /tmp (to uncover the host's)" 'umount /tmp'
	try "$M" "$U" userns "umount -l the home volume" 'umount -l "$HOME"'
	try "$M" "$U" userns "bind / without its submounts on ~/mnt" 'mount --bind / ~/mnt'
	try "$M" "$U" userns "rbind / on ~/mnt, then umount the copy of the hide" \
		"mount --rbind / ~/mnt && umount ~/mnt$HIDE"
	try "$M" "$U" userns "open_tree clone of /var/tmp without submounts onto ~/mnt" \
		"$P clone1-to /var/tmp \$HOME/mnt"
	try "$M" "$U" userns "move_mount the private /tmp away" "$P move /tmp \$HOME/mnt"

	# --- user_namespaces = no ---------------------------------------------
	esc_profile "$U" "volume \"~\" {}
user_namespaces = no"
	jcap "$M" "$U" 'unshare -U true 2>&1; echo RC=$?'
	ok "$W: user_namespaces = no: unshare -U fails" test "$(val RC)" != 0 -a -n "$(val RC)"
	like "$OUT" 'Operation not permitted' "  ... with EPERM"
	jcap "$M" "$U" 'unshare -Urm true 2>&1; echo RC=$?'
	ok "$W: user_namespaces = no: unshare -Urm fails" test "$(val RC)" != 0 -a -n "$(val RC)"
	host_same "$W, at the end"
	ok "$W: nothing of the user is left running" no_live_processes "$U"
	rm -f "$MAP"
done
done_testing
