#!/bin/bash
# jailsh enter into a login session that has a cgroup (cgroup_parent in
# jailsh.conf): the entered command runs in the session's cgroup, in the
# session's cgroup namespace, or enter refuses (issue 10, item 5: enter
# joined the namespaces but left the command in the caller's cgroup, out
# of the session's cgroup limits and accounting).
#
#   (a) entered from a cgroup of the caller's own (outside cgroup_parent),
#       the command reads "0::/" in /proc/self/cgroup (the root of the
#       session's cgroup namespace); the host sees it, and the enter
#       process that waits for it, in the session's cgroup
#       (PARENT/user-UID/session-*), whose cgroup.procs lists it, and in
#       the session's cgroup namespace.
#   (b) refused (exit 125, one line, the command never runs) when the
#       target's cgroup is not a session cgroup of the caller's under
#       cgroup_parent: root moved the target to PARENT/jt-other, to
#       PARENT/user-UID/jt-notsession, below the session's cgroup, to
#       another user's PARENT/user-OTHER/session-1, to a session-like
#       ELSEWHERE/user-UID/session-1 outside cgroup_parent, also when
#       cgroup_parent has one of that name (PARENT/user-UID/session-jt-twin,
#       which only the kernel's answer after the move tells apart); jailsh.conf
#       names another cgroup_parent, one that does not exist, or none
#       while the session has a cgroup namespace of its own; a session
#       that has no cgroup (started without cgroup_parent) once
#       jailsh.conf sets one.
#   (c) a session the PAM module jailed (pamrun, a PAM service of the
#       test's own): entered, the command is in its cgroup.
#   (d) max_time: a command entered into a session with max_time ends
#       with it.
#
# Positive controls: outside any jail the caller's command is in the
# caller's cgroup; the session is in its cgroup; each moved target really
# is where root put it; with everything put back enter works again; a
# session without a cgroup is entered while jailsh.conf sets none.
# Needs a cgroup v2 hierarchy, no controller (see tests/limits/lib.sh).
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/adhoc/lib.sh"
. "$TOP/tests/limits/lib.sh"
esc_setup
adhoc_setup
no_stray_jconf
cg_setup || skip_all "no cgroup v2 hierarchy to use: $CG_WHY"
diag "cgroup_parent for the test: $CG_T"

huser U
huser B
profile "$U" 'volume "~" {}'
jconf "cgroup_parent = \"$CG_T\""
# the cgroup the caller enters from, outside cgroup_parent
CALLER=$CG_BASE/t-$$-caller
ELSE=$CG_BASE/t-$$-else
mkdir -m 755 "$CALLER" "$ELSE"
at_exit "cg_remove '$CALLER'; cg_remove '$ELSE'"

# in_cg DIR USER CMD...: CMD as USER (as as_user), started in cgroup DIR
in_cg() {
	_ic_d=$1
	shift
	(echo 0 > "$_ic_d/cgroup.procs" && as_user "$@")
}
# jec USER ARGS...: jailsh enter ARGS... as USER, from the caller's cgroup
jec() { _jc_u=$1; shift; in_cg "$CALLER" "$_jc_u" "$J" enter "$@"; }
# move PID DIR: root moves PID into the cgroup DIR (made if need be)
move() { mkdir -p "$2" && echo "$1" > "$2/cgroup.procs"; }
# refused_why DESC: refused (adhoc/lib.sh), and the message as a diag
refused_why() { refused "$1"; diag "  $ERR"; }
# the host pid of USER's command "sleep ARG"
sleep_pid() { pgrep -u "$1" -x -f "sleep $2" | head -n 1; }

control "outside any jail, a command of the caller's runs in the caller's cgroup" \
	eval '[ "$(in_cg "$CALLER" "$U" cat /proc/self/cgroup | grep "^0::")" = "0::${CALLER#"$(cg2_mount)"}" ]'

start_jail S "$U" "$_state/s.out" "exec $J -c 'echo ready; exec sleep 300'"
SESS=$(proc_cg "$S")
control "the session's sleep ($S) is in a session cgroup: ${SESS#"$CG_T"/}" \
	_matches "$SESS" "^$(ere "$CG_T")/user-$U_UID/session-[^/]+\$" ||
	skip_all "the session has no cgroup"

# =============================================================================
# (a) the command is in the session's cgroup
# =============================================================================
capture jec "$U" "$S" -- sh -c 'echo jt-ran; grep "^0::" /proc/self/cgroup'
is "$RC" 0 "(a) enter from the caller's cgroup runs the command"
is "$(printf '%s\n' "$OUT" | grep '^0::')" "0::/" \
	"(a) inside, /proc/self/cgroup reads 0::/ (the root of the session's cgroup namespace)"

TAG=$((900000 + $$))
jec "$U" "$S" -- sh -c "exec sleep $TAG" > /dev/null 2>&1 &
EJ=$!
EP=
wait_for 10 eval 'EP=$(sleep_pid "$U" "$TAG"); [ -n "$EP" ]'
EPP=$(awk '/^PPid:/ { print $2 }' "/proc/$EP/status" 2>/dev/null)
is "$(proc_cg "$EP")" "$SESS" "(a) the host sees the entered command ($EP) in the session's cgroup"
ok "  ... the session's cgroup.procs lists it" grep -qx "$EP" "$SESS/cgroup.procs"
is "$(readlink "/proc/$EP/ns/cgroup")" "$(readlink "/proc/$S/ns/cgroup")" \
	"  ... it is in the session's cgroup namespace"
is "$(proc_cg "$EPP")" "$SESS" "  ... and so is the enter process that waits for it ($EPP)"
[ -n "$EP" ] && kill -KILL "$EP"
wait "$EJ"

# =============================================================================
# (b) refusals
# =============================================================================
# moved LABEL DIR: the target moved by root to DIR; enter must refuse;
# then it is put back
moved() {
	if ! move "$S" "$2" || [ "$(proc_cg "$S")" != "$2" ]; then
		skip "(b) control: root could not move the target to $2"
		return
	fi
	capture jec "$U" "$S" -- sh -c 'echo jt-ran'
	refused_why "(b) the target moved to $1"
	move "$S" "$SESS"
}
moved "PARENT/jt-other (under cgroup_parent, no user's)" "$CG_T/jt-other"
moved "PARENT/user-UID/jt-notsession (not a session's)" "$CG_T/user-$U_UID/jt-notsession"
moved "PARENT/user-UID/session-N/jt-sub (below the session's)" "$SESS/jt-sub"
moved "PARENT/user-OTHER/session-1 (another user's)" "$CG_T/user-$B_UID/session-1"
moved "ELSEWHERE/user-UID/session-1 (not under cgroup_parent)" "$ELSE/user-$U_UID/session-1"
# the same name under cgroup_parent too: only the kernel can tell them apart
mkdir -p "$CG_T/user-$U_UID/session-jt-twin"
moved "ELSEWHERE/user-UID/session-jt-twin, while PARENT/user-UID/session-jt-twin exists" \
	"$ELSE/user-$U_UID/session-jt-twin"
is "$(proc_cg "$S")" "$SESS" "(b) the target is back in its session's cgroup"

jconf "cgroup_parent = \"$ELSE\""
capture jec "$U" "$S" -- sh -c 'echo jt-ran'
refused_why "(b) jailsh.conf names another cgroup_parent"
jconf "cgroup_parent = \"$CG_BASE/t-$$-gone\""
capture jec "$U" "$S" -- sh -c 'echo jt-ran'
refused_why "(b) jailsh.conf names a cgroup_parent that does not exist"
no_jconf
capture jec "$U" "$S" -- sh -c 'echo jt-ran'
refused_why "(b) jailsh.conf sets no cgroup_parent, and the session has a cgroup namespace of its own"

jconf "cgroup_parent = \"$CG_T\""
capture jec "$U" "$S" -- sh -c 'echo jt-ran; grep "^0::" /proc/self/cgroup'
control "(b) with everything put back, enter works again" \
	eval '[ "$RC" = 0 ] && _matches "$OUT" "^jt-ran\n0::/\$"'

# a session without a cgroup
kill -KILL "$S"
wait_for 5 eval '[ -z "$(jailed_pids "$U" sleep)" ]'
no_jconf
start_jail N "$U" "$_state/n.out" "exec $J -c 'echo ready; exec sleep 300'"
capture jec "$U" "$N" -- sh -c 'echo jt-ran'
control "(b) a session started without cgroup_parent ($N) is entered while jailsh.conf sets none" \
	[ "$RC/$OUT" = "0/jt-ran" ]
jconf "cgroup_parent = \"$CG_T\""
capture jec "$U" "$N" -- sh -c 'echo jt-ran'
refused_why "(b) that session (no cgroup) once jailsh.conf sets cgroup_parent"
kill -KILL "$N"
wait_for 5 eval '[ -z "$(jailed_pids "$U" sleep)" ]'

# =============================================================================
# (c) a session the PAM module jailed
# =============================================================================
pam_setup
PAMRUN=$ESC_DIR/pamrun
if gcc -O2 -Wall -o "$PAMRUN" "$TOP/tests/escape/probes/pamrun.c" -lpam 2>"$_state/gcc"; then
	pam_service "jt-enter-$$" "auth sufficient pam_rootok.so
session required pam_unix.so
$PAM_LINE"
	"$PAMRUN" "jt-enter-$$" "$U" -c 'echo ready; exec sleep 300' > "$_state/p.out" 2>&1 &
	disown $!
	wait_file 10 "$_state/p.out" '^ready$'
	PP=
	wait_for 5 eval 'PP=$(jailed_pids "$U" sleep | head -n 1); [ -n "$PP" ]'
	PS=$(proc_cg "$PP")
fi
if control "(c) a PAM-jailed session's sleep (${PP:-none}) is in a session cgroup: ${PS#"$CG_T"/}" \
	_matches "${PS:-}" "^$(ere "$CG_T")/user-$U_UID/session-[^/]+\$"; then
	capture jec "$U" "$PP" -- sh -c 'grep "^0::" /proc/self/cgroup'
	is "$RC/$OUT" "0/0::/" "(c) entered into it, /proc/self/cgroup reads 0::/"
	TAG3=$((TAG + 2))
	jec "$U" "$PP" -- sh -c "exec sleep $TAG3" > /dev/null 2>&1 &
	EJ=$!
	EP=
	wait_for 10 eval 'EP=$(sleep_pid "$U" "$TAG3"); [ -n "$EP" ]'
	is "$(proc_cg "$EP")" "$PS" "(c) the host sees the entered command ($EP) in the PAM session's cgroup"
	[ -n "$EP" ] && kill -KILL "$EP"
	wait "$EJ"
else
	diag "$(cat "$_state/gcc" "$_state/p.out" 2>/dev/null)"
	skip_n 2 "control failed: no PAM-jailed session with a cgroup"
fi
kill -KILL "$PP" 2>/dev/null
wait_for 5 eval '[ -z "$(jailed_pids "$U" sleep)" ]'

# =============================================================================
# (d) max_time
# =============================================================================
profile "$U" 'volume "~" {}
max_time = 3'
start_jail T "$U" "$_state/t.out" "exec $J -c 'echo ready; exec sleep 300'"
TAG2=$((TAG + 1))
t0=$(now)
jec "$U" "$T" -- sh -c "exec sleep $TAG2" > /dev/null 2>&1 &
EJ=$!
EP=
wait_for 5 eval 'EP=$(sleep_pid "$U" "$TAG2"); [ -n "$EP" ]'
control "(d) a command is entered into a session with max_time = 3 ($EP)" [ -n "$EP" ]
# SIGTERM at 3 s, SIGKILL 5 s later (init.c, MAX_TIME_GRACE_MS)
ok "(d) it ends with the session, within 10 s" wait_for 10 eval '[ -z "$(sleep_pid "$U" "$TAG2")" ]'
diag "(d) gone after $(since "$t0") s"
wait "$EJ"

ok "nothing of the user's is left running" no_live_processes "$U" 5
esc_no_priv_procs "$U"
done_testing
