#!/bin/bash
# Escape class 1 (CATALOGUE.md): an incomplete or mis-ordered privilege drop.
#
#   - shell mode (jailsh -c, as a throwaway user in two supplementary
#     groups): the shell, the jail's init (/proc/1/status) and the jailsh
#     left outside have exactly the user's uid and gid (real, effective,
#     saved, fs), exactly id -G as groups (also when the caller brought
#     group 0), every capability set empty (inheritable, permitted,
#     effective, bounding, ambient), no_new_privs and a seccomp filter;
#   - PAM mode (runuser -l with pam_jailsh.so appended to
#     /etc/pam.d/runuser-l, put back byte for byte): the same for the
#     session's shell and the jail's init;
#   - uid edge cases in the password database: a second uid-0 entry
#     (useradd -o -u 0) with jailsh as its shell, refused by su - and by a
#     direct start; uid 4294967295 ((uid_t)-1, added to /etc/passwd by
#     hand: useradd refuses it) and uid 4294967294 with gid 4294967295,
#     refused by jailsh and by the module; the largest valid uid with a
#     normal gid jailed exactly;
#   - fault injection (strace -f -u USER -e inject=SYSCALL:error=EPERM:
#     when=N, for every N up to the calls one process makes): setgroups,
#     setresgid, setresuid, capset, mount_setattr, open_tree, move_mount,
#     fsmount and clone fail the start (exit != 0) and the payload, which
#     writes a marker in the user's home, never runs; prctl (libcap's
#     probing, PR_SET_NAME, the bounding set, no_new_privs) fails it or
#     leaves it exactly jailed; unshare is never called.
#
# Positive controls: the probe sees the user's full bounding set and no
# no_new_privs outside the jail; a caller can bring group 0; the uid-0
# entry gives a root session with an ordinary shell; setresuid(-1) and
# setresgid(-1) leave root's ids unchanged on this kernel.
. "$(dirname "$0")/lib.sh"
esc_setup
command -v strace >/dev/null || skip_all "no strace"

G1=jtea$$
G2=jteb$$
groupadd "$G1" && groupadd "$G2" || { echo "Bail out! groupadd"; exit 1; }
at_exit "groupdel '$G1' 2>/dev/null; groupdel '$G2' 2>/dev/null"

# --- shell mode ---------------------------------------------------------------
esc_user U
usermod -a -G "$G1,$G2" "$U"
STATE="$PY $ESC_DIR/state.py"

capture as_user "$U" $STATE
control "outside the jail the probe finds what the jail must take away (bounding set, no_new_privs, the host's namespaces)" \
	test -n "$(esc_state_violations "$U" "$OUT")"
like "$(id -G "$U")" "^$U_GID( [0-9]+){2}\$" "the user is in two supplementary groups ($(id -G "$U"))"

capture jrun "$U" "$STATE"
is "$RC" 0 "jailsh -c: the shell's command runs"
esc_jailed "jailsh -c: uid, gid, groups exact, every capability set empty, no_new_privs, seccomp, in the jail" "$U" "$OUT"
capture jrun "$U" "cat /proc/1/status"
is "$(printf '%s\n' "$OUT" | sed -n 's/^Name:[[:space:]]*//p')" jailsh "/proc/1 is the jail's init"
v=$(esc_creds_violations "$U" "$OUT")
is "$v" "" "  ... with exactly the user's ids and groups, no capability, no_new_privs, seccomp"

# the caller's supplementary groups are not the jail's
with_groups() {
	(cd / && setpriv --reuid="$U" --regid="$U_GID" --groups="$1" \
		--reset-env -- "${@:2}")
}
if control "a caller of $U can start with group 0 among its groups" \
	eval 'with_groups "0,$U_GID" grep -Eq "^Groups:[[:space:]]0[[:space:]]" /proc/self/status'; then
	capture with_groups "0,$U_GID" "$J" -c "$STATE"
	esc_jailed "started with groups 0,$U_GID: the jail has exactly id -G (no 0)" "$U" "$OUT"
	capture with_groups "0,$U_GID" "$J" -c "cat /proc/1/status"
	is "$(esc_creds_violations "$U" "$OUT")" "" "  ... and so has its init"
else
	skip_n 2 "control failed: the caller cannot bring group 0"
fi

# the jailsh left outside, seen by root on the host during the session
as_user "$U" "$J" -c 'sleep 3' &
bg=$!
wait_for 5 eval '[ -n "$(outer_jailsh "$U")" ]'
outer=$(outer_jailsh "$U")
wait_for 5 eval '[ "$(awk "/^Uid:/ { print \$2 }" "/proc/$outer/status" 2>/dev/null)" = "$U_UID" ]'
st=$(cat "/proc/$outer/status" 2>/dev/null)
v=$(esc_creds_violations "$U" "$st" | grep -v '^Seccomp')
is "$v" "" "the jailsh outside the jail (pid $outer) has dropped too: ids, groups, capabilities, bounding set, no_new_privs"
wait "$bg"

# --- PAM mode -------------------------------------------------------------------
esc_user P /bin/bash
usermod -a -G "$G1,$G2" "$P"
capture prun "$P" "$STATE"
control "without the module, runuser -l $P runs on the host with the full bounding set (the probe tells)" \
	test -n "$(esc_state_violations "$P" "$OUT")"
esc_pam_append runuser-l
capture prun "$P" "$STATE"
is "$RC" 0 "PAM (runuser -l): the command runs"
esc_jailed "PAM: the session's shell has exactly the user's ids and groups, no capability, no_new_privs, seccomp, in the jail" "$P" "$OUT"
capture prun "$P" "cat /proc/1/status"
is "$(printf '%s\n' "$OUT" | sed -n 's/^Name:[[:space:]]*//p')" jailsh "PAM: /proc/1 is the jail's init"
is "$(esc_creds_violations "$P" "$OUT")" "" "  ... with exactly the user's ids and groups, no capability, no_new_privs, seccomp"

# --- uid edge cases ------------------------------------------------------------------
esc_payload "$U"
Z=jtz$$
# -N: no group of its own; its gid is U's, so that only the uid is wrong
useradd -o -u 0 -N -g "$U_GID" -M -d /nonexistent -s "$J" "$Z" 2>/dev/null ||
	{ echo "Bail out! useradd -o -u 0"; exit 1; }
# not through new_user: the harness kills every process of its users at
# exit, and for this one that would be every process of root
at_exit "userdel -f '$Z' >/dev/null 2>&1"
is "$(getent passwd "$Z" | cut -d: -f3)" 0 "useradd -o -u 0 made a second uid-0 entry, $Z, with jailsh as its shell"
rm -f "$ESC_ROOT/uid0-ctl"
if control "su -s /bin/sh - $Z runs a root shell that can write in the root-only canary directory" \
	eval 'su -s /bin/sh - "$Z" -c "touch $ESC_ROOT/uid0-ctl" </dev/null 2>/dev/null && test -e "$ESC_ROOT/uid0-ctl"'; then
	rm -f "$ESC_ROOT/uid0-ctl"
	capture su - "$Z" -c "touch $ESC_ROOT/uid0; $ESC_PAYLOAD"
	is "$RC" 125 "su - $Z (uid 0, shell jailsh): jailsh refuses (125)"
	like "$ERR" "refusing to jail root" "  ... saying it never jails root"
	ok "  ... the payload never ran (no marker in the canary directory, none in the home)" \
		test ! -e "$ESC_ROOT/uid0" -a ! -e "$ESC_MARK"
	unlike "$OUT" 'Uid=0' "  ... and nothing ran with uid 0"
else
	skip_n 4 "control failed: no root session through $Z"
fi
rm -f "$ESC_ROOT/uid0-ctl"
capture env -i "$J" -c "touch $ESC_ROOT/uid0"
is "$RC" 125 "jailsh started by uid 0 directly: refused (125)"
ok "  ... and the payload never ran" test ! -e "$ESC_ROOT/uid0"

# (uid_t)-1: setresuid(-1, -1, -1) and setresgid(-1, -1, -1) change
# nothing, so a drop to them keeps root
control "setresuid(-1, -1, -1) and setresgid(-1, -1, -1) leave root's ids as they are (the sudo CVE-2019-14287 shape)" \
	"$PY" -c 'import os, sys
os.setresgid(-1, -1, -1); os.setresuid(-1, -1, -1)
sys.exit(0 if os.getresuid() == (0, 0, 0) and os.getresgid() == (0, 0, 0) else 1)'
M1=jtm1$$
M2=jtm2$$
M3=jtm3$$
capture useradd -M -N -u 4294967295 -d /nonexistent -s "$J" "$M1"
if [ "$RC" = 0 ]; then
	at_exit "userdel -f '$M1' >/dev/null 2>&1"
	diag "useradd accepted uid 4294967295"
else
	diag "useradd refuses uid 4294967295 ($ERR): added to /etc/passwd by hand"
	esc_passwd_add "$M1:x:4294967295:4294967295::/nonexistent:$J"
fi
esc_passwd_add "$M2:x:4294967294:4294967295::/nonexistent:$J"
m2_idx=$_esc_pw_n
mkdir -m 700 "/home/$M3"
chown 4294967294:"$U_GID" "/home/$M3"
at_exit "rm -rf '/home/$M3'"
esc_passwd_add "$M3:x:4294967294:$U_GID::/home/$M3:$J"
for m in "$M1" "$M2" "$M3"; do profile "$m" 'volume "~" {}'; done
at_exit "rm -f '$CONF/users/$M1.conf' '$CONF/users/$M2.conf' '$CONF/users/$M3.conf'"
is "$(getent passwd "$M1" | cut -d: -f3,4) $(getent passwd "$M2" | cut -d: -f3,4)" \
	"4294967295:4294967295 4294967294:4294967295" "the password database has uid 4294967295 and gid 4294967295 entries"

# shell mode: no process can have uid -1; uid 4294967294 with gid -1 can
as_m() { (cd / && setpriv --reuid=4294967294 --regid="$U_GID" --clear-groups --reset-env -- "$@"); }
rm -f "/home/$M3/.jt-ran"
capture as_m "$J" -c "touch /home/$M3/.jt-ran"
# with M2 and M3 sharing uid 4294967294, getpwuid finds the first: M2
is "$RC" 125 "uid 4294967294 whose entry has gid 4294967295: jailsh refuses (125)"
like "$ERR" "uid 4294967294 or gid 4294967295 not allowed" "  ... saying which id is not allowed"
ok "  ... and the payload never ran" test ! -e "/home/$M3/.jt-ran"
# without M2 the same uid has M3's entry, with a normal gid
_esc_passwd_del "$m2_idx"
capture as_m "$J" -c "touch /home/$M3/.jt-ran; $STATE"
is "$RC" 0 "uid 4294967294 with a normal gid ($M3): jailsh runs the command"
v=$(esc_state_violations "$U" "$OUT" | grep -v -e '^Uid' -e '^Groups')
is "$(printf '%s\n' "$OUT" | sed -n 's/^Uid=//p') $v" "4294967294 4294967294 4294967294 4294967294 " \
	"  ... with uid 4294967294 x4, exactly jailed"

# PAM: the module refuses both through pamtester, before anything after it runs
if command -v pamtester >/dev/null; then
	pam_service "jt-esc-$$-nomod" "session required pam_exec.so stdout /bin/echo REACHED"
	# default=die: a failure ends the stack there (with "required" PAM
	# runs the rest, then fails the session all the same)
	pam_service "jt-esc-$$-edge" "session [success=ok ignore=ignore default=die] $PAM_MODULE
session required pam_exec.so stdout /bin/echo REACHED"
	capture pamtester -v "jt-esc-$$-nomod" "$M1" open_session
	if control "without the module, pamtester open_session of $M1 (uid 4294967295) reaches pam_exec" \
		_matches "$OUT" REACHED; then
		capture pamtester -v "jt-esc-$$-edge" "$M1" open_session
		ok "PAM: the session of $M1 (uid 4294967295) is refused (exit $RC)" test "$RC" != 0
		unlike "$OUT" REACHED "  ... and nothing after the module ran"
		like "$ERR" "uid 4294967295 or gid 4294967295 not allowed" "  ... the module says why"
	else
		skip_n 3 "control failed: pamtester does not reach pam_exec for $M1"
	fi
	esc_passwd_add "$M2:x:4294967294:4294967295::/nonexistent:$J"
	capture pamtester -v "jt-esc-$$-edge" "$M2" open_session
	ok "PAM: the session of $M2 (gid 4294967295) is refused (exit $RC)" test "$RC" != 0
	unlike "$OUT" REACHED "  ... and nothing after the module ran"
else
	skip_n 5 "no pamtester"
fi
capture prun "$M1" "touch $ESC_ROOT/uidm1"
ok "PAM: runuser -l $M1 (uid 4294967295) runs nothing (exit $RC)" \
	test "$RC" != 0 -a ! -e "$ESC_ROOT/uidm1"
esc_passwd_restore
ok "the edge users are gone from the password database" \
	eval '! getent passwd "$M1" "$M2" "$M3" >/dev/null'

# --- fault injection ---------------------------------------------------------------
# The first prctl of the setuid process is libcap's, probing for the
# highest capability the kernel has (PR_CAPBSET_READ of CAP_MAC_OVERRIDE,
# 32); the first of the jail's init is PR_SET_NAME, which changes nothing.
# EPERM on both: the jail must still have an empty bounding set, or not
# start.
esc_payload "$U"
capture env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin timeout 60 strace -f -qq \
	-o "$_state/libcap.log" -e trace=prctl -e inject=prctl:error=EPERM:when=1 \
	-u "$U" "$J" -c "$ESC_PAYLOAD"
if control "strace injects EPERM into the first prctl of each process, libcap's probe ($(grep -c INJECTED "$_state/libcap.log") injected)" \
	grep -q 'PR_CAPBSET_READ.*INJECTED' "$_state/libcap.log"; then
	o=$(esc_outcome "$U" "$RC" "$OUT")
	ok "EPERM on libcap's probe of the highest capability: the start is refused, or the bounding set is still empty (exit $RC, $o)" \
		test "$o" = refused -o "$o" = jailed
	ok "  ... CapBnd in the jail is 0 if it ran ($(sed -n 's/^CapBnd=//p' "$ESC_MARK" 2>/dev/null))" \
		eval '[ ! -s "$ESC_MARK" ] || grep -qx "CapBnd=0000000000000000" "$ESC_MARK"'
else
	skip_n 2 "control failed: no fault injected"
fi
for s in setgroups setresgid setresuid capset mount_setattr open_tree \
	move_mount fsmount clone; do
	esc_inject "$U" "$s" EPERM strict
done
# prctl: libcap's probe of the highest capability, PR_SET_DUMPABLE,
# PR_SET_NAME, the bounding set, no_new_privs: a failure of one that
# changes nothing may leave the start as it is, exactly jailed
esc_inject "$U" prctl EPERM any
esc_inject "$U" unshare EPERM strict

ok "nothing of the users is left" eval 'no_live_processes "$U" && no_live_processes "$P"'
esc_no_priv_procs "$U"
pam_restore_check
esc_host_unchanged "after it all"

done_testing
