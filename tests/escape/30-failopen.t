#!/bin/bash
# Escape class 3 (CATALOGUE.md): a partial setup failure must fail closed.
# Whatever goes wrong, the payload (state.py, which creates a marker in the
# user's home and records what the process is) either never runs, with a
# non-zero exit, or runs exactly jailed; never outside the jail. In shell
# mode (jailsh -c) and in PAM mode (runuser -l, pam_jailsh.so appended to
# /etc/pam.d/runuser-l and put back byte for byte):
#
#   - a volume source that does not exist (an absolute path, a path in the
#     home), one the user cannot reach (a root-only directory);
#   - the profile a directory, a FIFO (no hang), a symbolic link;
#   - users/ writable by its group, owned by the user; the configuration
#     directory writable by others; its parent writable by its group;
#   - jailsh.conf with a syntax error, an unknown option, as a symbolic link;
#   - an I/O error (EIO) or a short read (0 bytes, as when the file
#     shrinks between fstat and read) on the profile, injected with strace
#     -P PROFILE -e inject=read:...; and, for the module with
#     jail_all_users = yes, the same on jailsh.conf: the user must not be
#     left unjailed;
#   - faults injected (strace -f -e inject=SYSCALL:error=ERRNO:when=N, each
#     N up to the calls one process makes) into mount, mount_setattr,
#     open_tree, move_mount, fsopen, fsconfig, fsmount (EPERM and ENOSPC),
#     mkdirat, mknodat, sethostname (EPERM), for a profile with a hostname,
#     network = none, a hide with the home's mount point in it, a tmpfs with
#     a map in it and a limit; symlinkat (/dev/log), prctl, prlimit64 and
#     seccomp (EPERM), where a failure that changes nothing may leave the
#     session exactly jailed; in PAM mode mount, mount_setattr, open_tree,
#     move_mount, fsmount, setns (EPERM) and prctl.
#
# Positive controls: the same sessions with nothing wrong run the payload,
# jailed; strace does inject each fault.
. "$(dirname "$0")/lib.sh"
esc_setup
command -v strace >/dev/null || skip_all "no strace"

RICH='hostname = "jt-esc"
network = "none"
hide = { "/home" }
volume "~" {}
tmpfs "/opt" { size = "1M" mode = "0755" }
map "/usr/share/doc" { target = "/opt/doc" }
rlimit { nofile = 512 }'
GOOD='volume "~" {}'
esc_user U "$J"
esc_user P /bin/bash
PU=$CONF/users/$U.conf
PP=$CONF/users/$P.conf

# shell USER: the payload through jailsh -c; pam USER: through runuser -l
shell() { esc_payload "$1"; rm -f "$ESC_MARK"; capture as_user "$1" timeout 20 "$J" -c "$ESC_PAYLOAD"; }
pam() { esc_payload "$1"; rm -f "$ESC_MARK"; capture timeout 20 runuser -l "$1" -c "$ESC_PAYLOAD"; }

# refused MODE USER DESC REGEX: the last start failed closed
refused() {
	local o
	o=$(esc_outcome "$2" "$RC" "$OUT")
	if [ "$1" = shell ]; then
		is "$RC $o" "125 refused" "$3: jailsh refuses (125) and the payload never runs"
	else
		is "${RC/#[1-9]*/fail} $o" "fail refused" "$3: runuser fails and the payload never runs"
	fi
	[ "$o" = refused ] || diag "exit $RC, $o" "$ERR" \
		"what ran: $(printf '%s\n' "$OUT" | grep -E '^(HOSTNAME|IFACES|NOFILE|MARKER)=' | tr '\n' ' ')"
	like "$ERR" "$4" "  ... saying why"
}
# case DESC REGEX: the current setup, in both modes
case_both() {
	shell "$U"
	refused shell "$U" "shell mode: $1" "$2"
	if [ -n "$PAM_ON" ]; then
		pam "$P"
		refused pam "$P" "PAM: $1" "$2"
	else
		skip_n 2 "PAM mode not set up"
	fi
}

esc_pam_append runuser-l
PAM_ON=1

# --- controls ---------------------------------------------------------------------
for prof in "$GOOD" "$RICH"; do
	profile "$U" "$prof"
	profile "$P" "$prof"
	shell "$U"
	control "shell mode, profile '$(printf '%s' "$prof" | head -n 1)...': the payload runs jailed" \
		test "$(esc_outcome "$U" "$RC")" = jailed || diag "$RC $ERR $(esc_outcome "$U" "$RC" "$OUT")"
	pam "$P"
	control "PAM, profile '$(printf '%s' "$prof" | head -n 1)...': the payload runs jailed" \
		test "$(esc_outcome "$P" "$RC")" = jailed || diag "$RC $ERR $(esc_outcome "$P" "$RC" "$OUT")"
done

# --- volume sources -------------------------------------------------------------------
both_profiles() { profile "$U" "$1"; profile "$P" "$1"; }
both_profiles "volume \"~\" {}
volume \"/nonexistent-$$\" { target = \"/mnt\" }"
case_both "a volume whose source does not exist" "volume /nonexistent-$$: No such file or directory"
both_profiles 'volume "~" {}
volume "~/missing" { target = "/mnt" }'
case_both "a volume whose source in the home does not exist" "volume /home/[^ ]+/missing: No such file or directory"
both_profiles "volume \"~\" {}
volume \"$ESC_INNER\" { target = \"/mnt\" }"
case_both "a volume whose source the user cannot reach (in a root-only directory)" "volume $(ere "$ESC_INNER"): Permission denied"

# --- the profile ------------------------------------------------------------------------
both_profiles "$GOOD"
rm -f "$PU" "$PP"
mkdir -m 755 "$PU" "$PP"
case_both "the profile is a directory" "is not a regular file"
rmdir "$PU" "$PP"
mkfifo -m 644 "$PU" "$PP"
start=$SECONDS
case_both "the profile is a FIFO" "is not a regular file"
ok "  ... and nothing waited on it ($((SECONDS - start)) s for both)" test $((SECONDS - start)) -lt 20
rm -f "$PU" "$PP"
printf '%s\n' "$GOOD" > "$CONF/good.conf.$$"
chmod 644 "$CONF/good.conf.$$"
at_exit "rm -f '$CONF/good.conf.$$'"
ln -s "$CONF/good.conf.$$" "$PU"
ln -s "$CONF/good.conf.$$" "$PP"
case_both "the profile is a symbolic link (to a good, root-owned profile)" "is a symbolic link"
rm -f "$PU" "$PP"
both_profiles "$GOOD"

# --- directories -------------------------------------------------------------------------
chmod g+w "$CONF/users"
case_both "users/ is writable by its group" "writable by group or others"
chmod g-w "$CONF/users"
chown "$U" "$CONF/users"
case_both "users/ is owned by the user" "owned by uid $U_UID"
chown root "$CONF/users"
chmod o+w "$CONF"
case_both "the configuration directory is writable by others" "writable by group or others"
chmod o-w "$CONF"
parent=$(dirname "$CONF")
pmode=$(stat -c %a "$parent")
chmod g+w "$parent"
at_exit "chmod $pmode '$parent'"
case_both "the configuration directory's parent is writable by its group" "writable by group or others"
chmod "$pmode" "$parent"

# --- jailsh.conf --------------------------------------------------------------------------
at_exit "rm -f '$CONF/jailsh.conf'"
printf 'group_order = {\n' > "$CONF/jailsh.conf"
chmod 644 "$CONF/jailsh.conf"
case_both "jailsh.conf has a syntax error" "jailsh\\.conf:[0-9]+: "
printf 'jail_all_users = maybe\n' > "$CONF/jailsh.conf"
case_both "jailsh.conf has a bad value" "jailsh\\.conf:1: "
printf 'bogus = 1\n' > "$CONF/jailsh.conf"
case_both "jailsh.conf has an unknown option" "jailsh\\.conf:1: .*bogus"
rm -f "$CONF/jailsh.conf"
ln -s "$CONF/good.conf.$$" "$CONF/jailsh.conf"
case_both "jailsh.conf is a symbolic link" "is a symbolic link"
rm -f "$CONF/jailsh.conf"

shell "$U"
is "$(esc_outcome "$U" "$RC")" jailed "with everything put right, the shell's payload runs jailed again"
pam "$P"
is "$(esc_outcome "$P" "$RC")" jailed "  ... and so does the PAM session's"

# --- read errors ----------------------------------------------------------------------------
# A profile whose first line matters: what a session gets without it is
# the host's network, /home visible and no limit.
both_profiles "$RICH"
# traced CMD...: CMD under strace -f, the fault INJ (error=EIO or
# retval=0) injected into every read of FILE (strace -P)
traced() {
	capture env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin timeout 60 \
		strace -f -qq -o "$_state/read.log" -P "$FILE" -e trace=read \
		-e inject=read:$INJ "$@"
}
for INJ in error=EIO retval=0; do
	what="an I/O error (EIO)"
	[ "$INJ" = retval=0 ] && what="a short read (0 bytes: the file shrank after fstat)"
	FILE=$PU
	esc_payload "$U"
	rm -f "$ESC_MARK"
	traced -u "$U" "$J" -c "$ESC_PAYLOAD"
	if control "strace injects $what into the read of $U's profile" \
		grep -q INJECTED "$_state/read.log"; then
		refused shell "$U" "shell mode: $what reading the profile" "$(ere "$PU")"
	else
		skip_n 2 "control failed: no fault injected"
	fi
	FILE=$PP
	esc_payload "$P"
	rm -f "$ESC_MARK"
	traced runuser -l "$P" -c "$ESC_PAYLOAD"
	if control "strace injects $what into the read of $P's profile (runuser)" \
		grep -q INJECTED "$_state/read.log"; then
		refused pam "$P" "PAM: $what reading the profile" "$(ere "$PP")"
	else
		skip_n 2 "control failed: no fault injected"
	fi
done

# the module and jail_all_users = yes: a user without a profile is jailed
# only because jailsh.conf says so
rm -f "$PP"
printf 'jail_all_users = yes\n' > "$CONF/jailsh.conf"
chmod 644 "$CONF/jailsh.conf"
pam "$P"
control "jail_all_users = yes: $P, who has no profile, is jailed by the module" \
	test "$(esc_outcome "$P" "$RC")" = jailed
FILE=$CONF/jailsh.conf
for INJ in error=EIO retval=0; do
	what="an I/O error (EIO)"
	[ "$INJ" = retval=0 ] && what="a short read (0 bytes)"
	esc_payload "$P"
	rm -f "$ESC_MARK"
	traced runuser -l "$P" -c "$ESC_PAYLOAD"
	if control "strace injects $what into the read of jailsh.conf (runuser)" \
		grep -q INJECTED "$_state/read.log"; then
		o=$(esc_outcome "$P" "$RC" "$OUT")
		ok "PAM, jail_all_users = yes: $what reading jailsh.conf never leaves $P unjailed" \
			test "$o" = refused -o "$o" = jailed
		[ "$o" = refused ] || [ "$o" = jailed ] || diag "exit $RC: $o"
	else
		skip "control failed: no fault injected"
	fi
done
rm -f "$CONF/jailsh.conf"
both_profiles "$RICH"

# --- faults injected into the jail's construction -------------------------------------------
for s in mount mount_setattr open_tree move_mount fsopen fsconfig fsmount; do
	esc_inject "$U" "$s" EPERM strict
	esc_inject "$U" "$s" ENOSPC strict
done
for s in mkdirat mknodat sethostname; do
	esc_inject "$U" "$s" EPERM strict
done
for s in symlinkat prctl prlimit64 seccomp; do
	esc_inject "$U" "$s" EPERM any
done
for s in mount mount_setattr open_tree move_mount fsmount setns; do
	esc_inject "$P" "$s" EPERM strict pam
done
esc_inject "$P" prctl EPERM any pam

ok "nothing of the users is left" eval 'no_live_processes "$U" && no_live_processes "$P"'
esc_no_priv_procs "$U"
esc_no_priv_procs "$P"
pam_restore_check
esc_host_unchanged "after it all"

done_testing
