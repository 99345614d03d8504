#!/bin/bash
# pam_jailsh.so with runuser(1) and su(1): the README's setup-pam commands
# for /etc/pam.d/runuser-l and /etc/pam.d/su are run against the system's
# own files for the length of the test (each is put back byte for byte at
# the end, and checked with cmp). Users:
#
#   U   login shell /bin/bash, a profile (home volume, hostname "jt-ru")
#   N   login shell /bin/bash, no profile: the module leaves N alone
#   JU  login shell jailsh (the private installation's), a profile with
#       shell = "/bin/bash": the PAM module and the login shell both
#
# "runuser -l USER -c CMD", "su - USER -c CMD" and "su USER -c CMD" (as
# root; su -l's stack includes su's): for U, CMD runs jailed (a write to
# /var/tmp fails with EROFS, ps -e sees only the session, NoNewPrivs 1 and
# an empty CapBnd in /proc/self/status, the profile's hostname, no
# descriptor more than without the module), runuser's own process is in
# the jail, sealed, and the exit status comes through; for N the same
# commands write to /var/tmp and see the host. A user whose profile names
# a volume that does not exist gets nothing run, and is told why.
#
# For JU, jailsh finds itself in the PAM jail and runs bash in place: the
# shell is a child of runuser, in runuser's mount and pid namespaces (the
# ones the module made), pid 2 under the one jail's init (/proc/1 is
# jailsh), and JU runs only one jailsh, that init. Control, once the PAM
# line is gone: the same command gets jailsh's own jail, in a mount
# namespace that is not runuser's, under an outer jailsh.
. "$(dirname "$0")/../lib/pam.sh"

pam_setup
command -v runuser >/dev/null || skip_all "no runuser"
command -v su >/dev/null || skip_all "no su"
[ -x /bin/bash ] || skip_all "no /bin/bash"
[ -f /etc/pam.d/su-l ] && ! grep -qE '^session[[:space:]]+include[[:space:]]+su$' /etc/pam.d/su-l &&
	skip_all "/etc/pam.d/su-l does not include su's session stack"
HOST_MNT=$(host_ns mnt)
HOST_UTS=$(hostname)
before=$(host_mounts)
MARK=/var/tmp/jt-ru-$$
at_exit "rm -f $MARK-*"

pam_append runuser-l
pam_append su
is "$(tail -n 1 /etc/pam.d/runuser-l)|$(tail -n 1 /etc/pam.d/su)" \
	"session required $PAM_MODULE|session required $PAM_MODULE" \
	"the README's line is at the end of runuser-l's and su's stacks"

user U /bin/bash
profile "$U" 'volume "~" {}
hostname = "jt-ru"'
user N /bin/bash
user JU "$J"
# the private installation is under /tmp, which the jail replaces: JU's
# login shell must be mapped into it (/usr/sbin/jailsh would be there)
profile "$JU" "map \"$JAILSH_TEST_ROOT\" {}
volume \"~\" {}
shell = \"/bin/bash\""

# CMD LABEL: what the session's shell can do, one KEY=VALUE a line
cmd() {
	cat <<EOF
if e=\$(touch $MARK-$1 2>&1); then echo VARTMP=written; else echo "VARTMP=\${e##*: }"; fi
echo "MNT=\$(readlink /proc/self/ns/mnt)"
echo "NNP=\$(sed -n 's/^NoNewPrivs:[[:space:]]*//p' /proc/self/status)"
echo "BND=\$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/self/status)"
echo "UTS=\$(hostname)"
echo "FDS=\$(ls /proc/self/fd | tr '\n' ' ')"
echo "PS=\$(ps -e -o pid=,comm= | awk '{ printf "%s:%s ", \$1, \$2 }')"
EOF
}
val() { printf '%s\n' "$OUT" | sed -n "s/^$1=//p" | head -n 1; }

# jailed LABEL
jailed() {
	is "$RC" 0 "$1: the command runs"
	[ "$RC" = 0 ] || diag "$ERR"
	is "$(val VARTMP)" "Read-only file system" "$1: a write to /var/tmp fails with EROFS"
	ok "  ... and nothing is written on the host" test ! -e "$MARK-$2"
	ok "  ... its mount namespace is not the host's" \
		test -n "$(val MNT)" -a "$(val MNT)" != "$HOST_MNT"
	like "$(val PS)" '^1:jailsh ([0-9]+:(bash|ps|awk) )+$' \
		"$1: ps -e sees only the session: the jail's init (pid 1), the shell, ps"
	is "$(val NNP) $(val BND)" "1 0000000000000000" \
		"$1: NoNewPrivs 1 and CapBnd 0 in /proc/self/status"
	is "$(val UTS)" jt-ru "$1: the profile's hostname"
	is "$(val FDS)" "$FDS_N" "$1: the same open descriptors as without the module ($FDS_N): none of the jail's leaks"
}
# not_jailed LABEL
not_jailed() {
	is "$RC" 0 "$1: the command runs"
	is "$(val VARTMP)" written "$1: a write to /var/tmp works"
	ok "  ... the file is on the host" test -e "$MARK-$2"
	is "$(val MNT)" "$HOST_MNT" "$1: the host's mount namespace"
	like "$(val PS)" "(^| )$$:" "$1: ps -e sees the host's processes (this test's shell, $$)"
	unlike "$(val PS)" '^1:jailsh ' "  ... and pid 1 is not a jail's init"
	is "$(val NNP) $(val UTS)" "0 $HOST_UTS" "$1: no no_new_privs, the host's hostname"
	FDS_N=$(val FDS)
}

# --- runuser -l ------------------------------------------------------------------
capture runuser -l "$N" -c "$(cmd ru-N)"
not_jailed "runuser -l N (no profile)" ru-N
capture runuser -l "$U" -c "$(cmd ru-U)"
jailed "runuser -l U (profile)" ru-U
for s in 0 5; do
	runuser -l "$U" -c "exit $s" </dev/null
	is "$?" "$s" "runuser -l U -c 'exit $s': status $s"
done

# runuser's own process, as the host sees it
runuser -l "$U" -c 'echo up; exec sleep 5' > "$_state/ru.out" 2>&1 &
ru=$!
wait_for 10 test -s "$_state/ru.out"
ok "runuser -l U, during the session: runuser's own process is in a mount namespace not the host's" \
	in_jail_mnt "$ru"
is "$(awk '$1 == "NoNewPrivs:" || $1 == "CapBnd:" { printf "%s ", $2 }' \
	"/proc/$ru/status" 2>/dev/null)" "0000000000000000 1 " \
	"  ... sealed: empty bounding set, no_new_privs"
kill "$ru" 2>/dev/null
wait "$ru" 2>/dev/null
ok "  ... afterwards nothing of U runs" no_live_processes "$U"

# fail closed: a profile whose volume does not exist
user B /bin/bash
profile "$B" "volume \"/nonexistent-$$\" {}"
capture runuser -l "$B" -c 'echo SHOULD-NOT-RUN; touch ~/ran'
ok "runuser -l B, whose profile cannot be applied, fails (exit $RC)" test "$RC" != 0
unlike "$OUT" SHOULD-NOT-RUN "  ... the command never ran"
ok "  ... and wrote nothing" test ! -e "$(home "$B")/ran"
like "$ERR" "jailsh: .*volume /nonexistent-$$: No such file or directory" "  ... the reason is shown"
capture su - "$B" -c 'echo SHOULD-NOT-RUN; touch ~/ran'
ok "su - B fails too (exit $RC), and the command never ran" \
	test "$RC" != 0 -a ! -e "$(home "$B")/ran" -a -z "$OUT"

# --- su ----------------------------------------------------------------------------
capture su - "$N" -c "$(cmd su-l-N)"
not_jailed "su - N (no profile)" su-l-N
capture su - "$U" -c "$(cmd su-l-U)"
jailed "su - U (profile)" su-l-U
capture su "$N" -c "$(cmd su-N)"
not_jailed "su N (no profile)" su-N
capture su "$U" -c "$(cmd su-U)"
jailed "su U (profile)" su-U
su - "$U" -c 'exit 6' </dev/null
is "$?" 6 "su - U -c 'exit 6': status 6"

# --- jailsh as the login shell, under the module ----------------------------------
# nested JU: runs runuser -l JU in the background; while its command
# sleeps, looks at runuser (RU), its child the shell (SH) and JU's jailsh
# processes; the command's output in OUT
nested() {
	runuser -l "$JU" -c 'echo "MNT=$(readlink /proc/self/ns/mnt)"
		echo "PID=$$"; echo "ONE=$(cat /proc/1/comm)"; echo "ARG0=$0"
		echo "PS=$(ps -e -o pid=,comm= | awk "{ printf \"%s:%s \", \$1, \$2 }")"
		echo READY; exec sleep 3' > "$_state/ju.out" 2>&1 &
	RU=$!
	wait_for 10 grep -q READY "$_state/ju.out"
	SH=$(pgrep -P "$RU" | head -n 1)
	SH_COMM=$(cat "/proc/$SH/comm" 2>/dev/null)
	RU_MNT=$(readlink "/proc/$RU/ns/mnt")
	RU_PIDNS=$(readlink "/proc/$RU/ns/pid_for_children")
	SH_MNT=$(readlink "/proc/$SH/ns/mnt")
	SH_PIDNS=$(readlink "/proc/$SH/ns/pid")
	JAILSHS=$(live_pids "$JU" jailsh | tr '\n' ' ')
	OUTER=$(outer_jailsh "$JU")
	wait "$RU"
	RC=$?
	OUT=$(cat "$_state/ju.out")
}
nested
is "$RC" 0 "jailsh login shell (JU) under the module: runuser -l JU -c CMD works"
[ "$RC" = 0 ] || diag "$OUT"
ok "  ... runuser is in the module's jail (its mount namespace is not the host's)" \
	test -n "$RU_MNT" -a "$RU_MNT" != "$HOST_MNT"
is "$SH_COMM" sleep "  ... runuser's own child is the shell (which ran exec sleep): jailsh ran bash in place"
is "$SH_MNT" "$RU_MNT" "  ... in runuser's mount namespace: the module's, not a second jail"
is "$(val MNT)" "$RU_MNT" "  ... and that is what the command itself saw"
is "$SH_PIDNS" "$RU_PIDNS" "  ... in the pid namespace the module made for what runuser starts"
is "$(val PID) $(val ONE)" "2 jailsh" "  ... where the shell is pid 2, and /proc/1 is the jail's init, jailsh"
like "$(val PS)" '^1:jailsh ([0-9]+:(bash|ps|awk) )+$' "  ... the only jailsh in the jail"
is "$(val ARG0)" -bash "  ... the shell is the profile's, as a login shell (\$0 is -bash)"
is "$(echo $JAILSHS | wc -w | tr -d ' ')" 1 \
	"  ... on the host, JU runs one jailsh: the module's init (no jailsh front end, no second init)"
is "$OUTER" "" "  ... and no jailsh outside any jail"
ok "  ... afterwards nothing of JU runs" no_live_processes "$JU"

# --- the files are put back -------------------------------------------------------
pam_restore_check
ok "/etc/pam.d/runuser-l and su no longer have the line" \
	eval '! grep -qF "$PAM_MODULE" /etc/pam.d/runuser-l /etc/pam.d/su'

# control: without the module, runuser -l U is not jailed, and JU's jailsh
# builds a jail of its own, which the checks above would have seen
capture runuser -l "$U" -c "$(cmd ctl-U)"
is "$(val VARTMP) $(val MNT)" "written $HOST_MNT" \
	"control: without the line, runuser -l U runs on the host"
nested
is "$RC" 0 "control: without the line, runuser -l JU -c CMD works (jailsh's own jail)"
is "$RU_MNT" "$HOST_MNT" "  ... runuser is on the host"
ok "  ... the command saw another mount namespace than runuser's" \
	test -n "$(val MNT)" -a "$(val MNT)" != "$RU_MNT"
is "$SH_COMM" jailsh "  ... runuser's own child is jailsh, the login shell"
like "$OUTER" '^[0-9]+$' "  ... a jailsh outside the jail"

ok "nothing of the users is left" \
	eval 'no_live_processes "$U" && no_live_processes "$N" && no_live_processes "$JU"'
is "$(host_mounts)" "$before" "the host's mount table is as it was"

done_testing
