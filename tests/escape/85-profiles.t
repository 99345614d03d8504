#!/bin/bash
# The jail loosening itself (CATALOGUE.md, class 25): the user tries to change
# what the next session gets.
#
#   the configuration directory $CONF cannot be written by the user:
#       outside (EACCES: create a profile, append to one, rename one away)
#       and inside (the installation mapped into the jail: EROFS or EACCES)
#   files the jail can write are never read as configuration: profiles
#       planted in the home directory, ~/.config, /tmp and the like, from
#       inside a session, change nothing in the next one (jailsh explain,
#       and what the session sees: its hostname, its network)
#   a profile that is writable by its group or by others, owned by the
#       user, a symbolic link, or in a users/ directory that is group-
#       writable, is refused at the next login (exit 125, a message that
#       says why, the command never runs); also under the PAM module
#   a side installation (tests/lib/make-install) whose SYSCONFDIR lies
#       below a directory DIR the user owns, in /var/tmp:
#         - as installed, jailsh refuses, with a message naming DIR
#         - the user replaces DIR/etc by a root-owned tree that was lying
#           in DIR (a rename in a directory the user may write): refused
#         - the user puts a symbolic link to a root-owned configuration
#           directory in its place: refused
#         - the user renames DIR itself away (it owns it; /var/tmp is
#           sticky, which lets an owner do that), so that the configuration
#           directory no longer exists: refused, and never the built-in
#           default profile instead of the one the administrator wrote
#       Control: the same installation with DIR owned by root applies the
#       profile (its hostname, its network = none).
. "$(dirname "$0")/modes.sh"
esc_setup

CMD='echo RAN-MARKER; hostname; touch ~/ran'
# refused LABEL REGEX: after a capture of a login; it was refused (125),
# said why, and ran nothing
refused() {
	if [ "${REFUSE_MODE:-W}" = P ]; then
		ok "$1: refused (the session does not open: exit status $RC)" test "$RC" != 0
	else
		is "$RC" 125 "$1: refused (exit status 125)"
	fi
	like "$ERR" "$2" "  ... and says why"
	unlike "$OUT" RAN-MARKER "  ... the command did not run"
	ok "  ... and did not touch ~/ran" test ! -e "$uh/ran"
	rm -f "$uh/ran"
}

esc_modes
for M in $MODES; do
	W=$(mode_name "$M")
	REFUSE_MODE=$M
	esc_user U "$M"
	uh=$(home "$U")
	esc_profile "$U" "hostname = \"jt-prof-$M\"
network = \"none\""
	esc_probes "$U"
	esc_sanity "$M" "$U"
	P=$CONF/users/$U.conf

	# --- $CONF is not the user's -----------------------------------------
	OUT=$(as_user "$U" sh -c "
		touch $CONF/users/$U-new.conf 2>/dev/null && echo CREATE=ok || echo CREATE=denied
		echo 'network = \"host\"' >> $P 2>/dev/null && echo APPEND=ok || echo APPEND=denied
		mv $P $P.away 2>/dev/null && echo RENAME=ok || echo RENAME=denied
		chmod 666 $P 2>/dev/null && echo CHMOD=ok || echo CHMOD=denied" 2>/dev/null)
	is "$(val CREATE) $(val APPEND) $(val RENAME) $(val CHMOD)" "denied denied denied denied" \
		"$W: outside, the user can neither create, append to, rename nor chmod a profile in $CONF"
	esc_profile "$U" "hostname = \"jt-prof-$M\"
network = \"none\"
map \"$JAILSH_TEST_ROOT\" {}"
	jcap "$M" "$U" "
		e=\$( { : > $CONF/users/$U-new.conf; } 2>&1) && echo CREATE=ok || echo \"CREATE=\${e##*: }\"
		e=\$( { echo 'network = \"host\"' >> $P; } 2>&1) && echo APPEND=ok || echo \"APPEND=\${e##*: }\"
		e=\$(mv $P $P.away 2>&1) && echo RENAME=ok || echo \"RENAME=\${e##*: }\"
		test -r $P && echo SEEN=yes"
	is "$(val SEEN)" yes "$W: inside (the installation mapped into the jail), the profile is there"
	for k in CREATE APPEND RENAME; do
		like "$(val "$k")" '^(Read-only file system|Permission denied)$' \
			"$W: inside, $(echo "$k" | tr A-Z a-z) in $CONF fails ($(val "$k"))"
	done
	ok "$W: the profile and the directory are as they were" \
		test ! -e "$CONF/users/$U-new.conf" -a ! -e "$P.away" -a "$(stat -c %U:%a "$P")" = root:644
	esc_profile "$U" "hostname = \"jt-prof-$M\"
network = \"none\""

	# --- what the jail can write is never read -----------------------------
	before=$("$J" explain "$U" 2>&1)
	LOOSE='network = "host"
hostname = "jt-loose"
seccomp = "none"
volume "/" { target = "/host" }
map "/root" {}'
	jcap "$M" "$U" "
		for d in ~ ~/.config/jailsh ~/.config/jailsh/users ~/.jailsh ~/etc/jailsh/users /tmp /tmp/jailsh/users /dev/shm; do
			mkdir -p \$d 2>/dev/null
			for f in jailsh.conf default.conf $U.conf .jailsh.conf; do
				printf '%s\n' '$LOOSE' > \$d/\$f 2>/dev/null
			done
		done
		echo PLANTED"
	like "$OUT" PLANTED "$W: inside, loosening profiles were written in the home directory, ~/.config, /tmp and /dev/shm"
	after=$("$J" explain "$U" 2>&1)
	is "$after" "$before" "$W: the next session's plan (jailsh explain) is unchanged"
	jcap "$M" "$U" "hostname; ls /sys/class/net >/dev/null; ${IP:-/usr/sbin/ip} -o link | wc -l; test -e /host && echo HOST-MOUNTED"
	is "$(printf '%s' "$OUT" | tr '\n' ' ')" "jt-prof-$M 1" \
		"$W: the next session has the profile's hostname and network = none (one link: lo), no /host"
	rm -rf "$uh/.config" "$uh/.jailsh" "$uh/etc" "$uh"/*.conf "$uh/.jailsh.conf"

	# --- profiles that may not be trusted ----------------------------------
	run() { rm -f "$uh/ran"; jcap "$M" "$U" "$CMD"; }
	run
	is "$RC $(printf '%s' "$OUT" | tr '\n' ' ')" "0 RAN-MARKER jt-prof-$M" \
		"$W: control: with the profile as installed, the command runs under it"
	rm -f "$uh/ran"
	chmod g+w "$P"; run
	refused "$W: a group-writable profile" "writable by group or others"
	chmod 644 "$P"; chmod o+w "$P"; run
	refused "$W: an other-writable profile" "writable by group or others"
	chmod 644 "$P"; chown "$U" "$P"; run
	refused "$W: a profile owned by the user" "owned by uid $(id -u "$U"), not root"
	chown root "$P"
	mv "$P" "$P.real"; ln -s "$P.real" "$P"; run
	refused "$W: a profile that is a symbolic link (to a good one)" "symbolic link"
	rm -f "$P"; mv "$P.real" "$P"
	chmod g+w "$CONF/users"; run
	refused "$W: a group-writable users/ directory" "writable by group or others"
	chmod 755 "$CONF/users"
	run
	is "$RC" 0 "$W: with everything put back, the command runs again"
	host_same "$W"
	ok "$W: nothing of the user is left running" no_live_processes "$U"
done

# --- a side installation below a directory the user owns ---------------------
REFUSE_MODE=W
esc_user S W
sh_=$(home "$S")
DIR=/var/tmp/jt-side-$$
at_exit "rm -rf $DIR $DIR.moved /var/tmp/jt-lax-$$"
install -d -m 755 "$DIR"
if ! "$TOP/tests/lib/make-install" "$DIR" >"$_state/side.log" 2>&1; then
	fail "a side installation builds under $DIR"
	diag "$(cat "$_state/side.log")"
	done_testing
	exit 0
fi
SJ=$DIR/sbin/jailsh
SC=$DIR/etc/jailsh
printf '%s\n' 'shell = "/bin/bash"' 'volume "~" {}' 'hostname = "jt-side"' 'network = "none"' > "$SC/users/$S.conf"
chmod 644 "$SC/users/$S.conf"
# a root-owned tree lying in DIR, with a looser profile (as an old copy
# of the configuration might)
install -d -m 755 "$DIR/old" "$DIR/old/jailsh" "$DIR/old/jailsh/users"
printf '%s\n' 'shell = "/bin/bash"' 'volume "~" {}' 'hostname = "jt-lax"' 'seccomp = "none"' > "$DIR/old/jailsh/users/$S.conf"
chmod 644 "$DIR/old/jailsh/users/$S.conf"
# and a root-owned configuration directory elsewhere, just as loose
install -d -m 755 /var/tmp/jt-lax-$$ /var/tmp/jt-lax-$$/jailsh /var/tmp/jt-lax-$$/jailsh/users
cp -p "$DIR/old/jailsh/users/$S.conf" /var/tmp/jt-lax-$$/jailsh/users/

side() { rm -f "$sh_/ran"; capture as_user "$S" timeout 20 "$1" -c "$CMD"; uh=$sh_; }

side "$SJ"
is "$RC $(printf '%s' "$OUT" | tr '\n' ' ')" "0 RAN-MARKER jt-side" \
	"side installation, control: with DIR owned by root, the profile applies (hostname jt-side)"
rm -f "$sh_/ran"

chown "$S" "$DIR"
side "$SJ"
refused "side installation, DIR owned by the user" "directory $(ere "$DIR") is owned by uid $(id -u "$S"), not root"

OUT=$(as_user "$S" sh -c "mv $DIR/etc $DIR/etc.away && mv $DIR/old $DIR/etc && echo SWAPPED" 2>&1)
like "$OUT" SWAPPED "side installation: control: the user can rename DIR/etc away and a root-owned tree into its place"
side "$SJ"
refused "side installation, the configuration replaced by rename" "directory $(ere "$DIR") is owned by uid $(id -u "$S")"
unlike "$OUT" jt-lax "  ... the loose profile was not applied"

OUT=$(as_user "$S" sh -c "rm -rf $DIR/etc 2>/dev/null; mv $DIR/etc $DIR/old.again 2>/dev/null; ln -s /var/tmp/jt-lax-$$ $DIR/etc && echo LINKED" 2>&1)
like "$OUT" LINKED "side installation: control: the user can put a symbolic link to a root-owned configuration in its place"
side "$SJ"
refused "side installation, a symbolic link in place of DIR/etc" "$(ere "$DIR")"
as_user "$S" sh -c "rm -f $DIR/etc; mv $DIR/etc.away $DIR/etc"

OUT=$(as_user "$S" sh -c "mv $DIR $DIR.moved && echo MOVED" 2>&1)
like "$OUT" MOVED "side installation: control: the user can rename DIR itself away (its own, in sticky /var/tmp)"
ok "  ... and the setuid jailsh moved with it" test -u "$DIR.moved/sbin/jailsh"
side "$DIR.moved/sbin/jailsh"
is "$RC" 125 "side installation, DIR renamed away (no configuration directory any more): refused (exit status 125)"
unlike "$OUT" RAN-MARKER "  ... the command did not run (not even under the built-in default profile)"
ok "  ... and did not touch ~/ran" test ! -e "$sh_/ran"
[ "$RC" = 0 ] && diag "what ran: $(printf '%s' "$OUT" | tr '\n' ' ') (the built-in default: the host's hostname, the host's network)"
rm -f "$sh_/ran"
chown root "$DIR.moved"
host_same "at the end"
done_testing
