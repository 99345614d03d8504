#!/bin/bash
# jailsh enter: a command in a running jail of the caller's.
#
# A jail "jailsh run --name NAME --tmpfs DIR --hostname H -- sh -c 'write
# a file in DIR and in /tmp; sleep'" runs in the background, started from
# the user's home. Then jailsh enter, by NAME, by the host pid of the
# sleep and by that of the jail's init:
#   - sees the files the jail wrote in its own tmpfs and its private /tmp;
#   - is in exactly the jail's namespaces (mnt pid uts ipc net user, as the
#     host reads them for the sleep), sees the sleep, with jailsh's init
#     as pid 1, the jail's hostname, and starts in the target's working
#     directory;
#   - runs as the user with no capabilities, no_new_privs and a filter,
#     with the jail's mounts (the host read-only, the jail's tmpfs
#     writable, and what it writes there seen by the jail);
#   - exits with the command's status (7, 137, 127, 126); without a
#     command, runs a shell that reads standard input;
#   - leaves the jail running; once the jail has ended, is refused (125).
# Refused (125, one line, nothing runs): a pid that does not exist, a name
# no jail has, the user's own process outside any jail.
# A jail with --rootfs: enter has its root. A login session (jailsh as
# the login shell): enter joins it, with the profile's filter too
# (user_namespaces = no stays in force).
. "$(dirname "$0")/lib.sh"
adhoc_setup
EROFS='Read-only file system'

huser U
install -d -m 755 "$A/scratch"
NAME=jtbox$$
BOX="cd ~ && exec $J run --name $NAME --tmpfs $A/scratch --hostname jt-box -- sh -c \
'echo secret-$$ > $A/scratch/file && echo tmp-$$ > /tmp/jt-boxtmp && echo ready && exec sleep 120'"
start_jail SP "$U" "$_state/box.out" "$BOX"
ok "the jail runs, and its sleep is found on the host ($SP)" [ -n "$SP" ]
INIT=$(awk '/^PPid:/ { print $2 }' "/proc/$SP/status" 2>/dev/null)
is "$(cat "/proc/$INIT/comm" 2>/dev/null)" jailsh "  ... its parent, the jail's init, is jailsh (host pid $INIT)"

# --- by name, by pid ----------------------------------------------------------------
capture je "$U" "$NAME" -- cat "$A/scratch/file" /tmp/jt-boxtmp
is "$RC/$OUT" "0/secret-$$
tmp-$$" "enter NAME: sees the files the jail wrote in its tmpfs and its /tmp"
[ "$RC" = 0 ] || diag "$ERR"
capture je "$U" "$SP" -- cat "$A/scratch/file"
is "$RC/$OUT" "0/secret-$$" "enter PID (the sleep's host pid): the same"
capture je "$U" -- "$INIT" cat "$A/scratch/file"
is "$RC/$OUT" "0/secret-$$" "enter -- PID (the init's host pid): the same"
ok "control: the host does not see the jail's file" [ ! -e "$A/scratch/file" ]

# --- the jail's namespaces, processes, hostname, working directory ------------------
capture je "$U" "$NAME" -- sh -c "$NS_SELF"
is "$OUT" "$(ns_of "$SP")" "the entered command is in the jail's mnt pid uts ipc net user namespaces"
unlike "$OUT" "$(ere "$(readlink /proc/self/ns/mnt)")|$(ere "$(readlink /proc/self/ns/pid)")" \
	"  ... which are not the host's"
capture je "$U" "$NAME" -- ps -e -o pid=,comm=
like "$OUT" '(^|\n) *1 jailsh\n' "  ... pid 1 is the jail's init"
like "$OUT" '\n *[0-9]+ sleep(\n|$)' "  ... and the jail's sleep is seen"
unlike "$OUT" '(^|\n) *[0-9]+ (bash|setpriv)(\n|$)' "  ... but nothing of the host"
capture je "$U" "$NAME" -- uname -n
is "$OUT" jt-box "  ... the jail's hostname"
capture je "$U" "$NAME" -- pwd
is "$OUT" "$U_H" "  ... the target's working directory (the home), not the caller's (/)"

# --- credentials and mounts ----------------------------------------------------------
capture je "$U" "$NAME" -- cat /proc/self/status
creds_ok "the entered command: the user's ids, no capabilities, no_new_privs, a filter" "$U" "$OUT"
capture je "$U" "$NAME" -- cat /proc/self/uid_map
is "$(echo $OUT)" "$U_UID $U_UID 1" "  ... the jail's uid map"
capture je "$U" "$NAME" -- touch "$U_H/jt-enter"
like "$ERR" "$EROFS" "  ... the host is read-only for it"
ok "  ... and nothing appears on the host" [ ! -e "$U_H/jt-enter" ]
capture je "$U" "$NAME" -- sh -c "echo from-enter > $A/scratch/e"
is "$RC" 0 "  ... the jail's tmpfs is writable"
capture je "$U" "$NAME" -- cat "$A/scratch/e"
is "$OUT" from-enter "  ... and what it wrote is seen by the next enter"
ok "  ... but not on the host" [ ! -e "$A/scratch/e" ]
install -m 4755 -o root -g root /usr/bin/id "$A/suid-id"
capture je "$U" "$NAME" -- "$A/suid-id" -u
is "$OUT" "$U_UID" "  ... a setuid-root program gains nothing"
capture je "$U" "$NAME" -- su -c id root < /dev/null
unlike "$OUT" 'uid=0' "  ... su -c id root gives no uid=0 (exit $RC)"

# --- exit status, default command ---------------------------------------------------
je "$U" "$NAME" -- sh -c 'exit 7'
is "$?" 7 "exit status: exit 7: 7"
je "$U" "$NAME" -- sh -c 'kill -9 $$; sleep 5'
is "$?" 137 "exit status: killed by SIGKILL: 137"
capture je "$U" "$NAME" -- "jt-no-such-command-$$"
is "$RC" 127 "exit status: a command that does not exist: 127"
printf '#!/bin/sh\necho jt-ran\n' > "$A/notexec"
chmod 644 "$A/notexec"
capture je "$U" "$NAME" -- "$A/notexec"
is "$RC" 126 "exit status: a command that is not executable: 126"
unlike "$OUT" jt-ran "  ... and it does not run"
OUT=$(printf 'echo $((6 * 7)); uname -n; exit 3\n' | je "$U" "$NAME" 2>/dev/null)
RC=$?
is "$RC/$OUT" "3/42
jt-box" "without a command: a shell in the jail reads standard input (exit 3)"

ok "the jail is still running after all that" kill -0 "$SP"

# --- refusals -----------------------------------------------------------------------
capture je "$U" "jt-no-such-name-$$" -- echo jt-ran
refused "a name no jail has"
nopid=$(( $(cat /proc/sys/kernel/pid_max) - 1 ))
while [ -e "/proc/$nopid" ]; do nopid=$((nopid - 1)); done
capture je "$U" "$nopid" -- echo jt-ran
refused "a pid that does not exist"
as_user "$U" sleep 120 2>/dev/null &
disown $!
OWN=
wait_for 5 eval 'OWN=$(live_pids "$U" sleep | grep -vx "$SP" | head -n 1); [ -n "$OWN" ]'
in_host_ns() { [ -n "$1" ] && awk '/^NSpid:/ { exit !(NF == 2) }' "/proc/$1/status"; }
ok "control: a sleep of the user's outside any jail ($OWN)" in_host_ns "$OWN"
capture je "$U" "$OWN" -- echo jt-ran
refused "the user's own process outside any jail"
capture je "$U"
refused "no pid or name"

# --- after the jail ended ----------------------------------------------------------
kill "$SP"
ok "the jail ended once its sleep was killed" wait_for 5 eval "! kill -0 $SP 2>/dev/null"
capture je "$U" "$NAME" -- echo jt-ran
refused "its name, once the jail has ended"
capture je "$U" "$SP" -- echo jt-ran
refused "its pid, once the jail has ended"

# --- a jail with its own root --------------------------------------------------------
if [ -x /bin/busybox ] && ldd /bin/busybox 2>&1 | grep -q 'not a dynamic'; then
	R=$U_H/rootfs
	as_user "$U" sh -c "mkdir -p '$R/bin' && cp /bin/busybox '$R/bin/' && echo jt-rootfs > '$R/jt-marker'"
	jb "$U" --rootfs "$R" -- /bin/busybox --install -s /bin >/dev/null 2>&1
	start_jail RP "$U" "$_state/rootbox.out" \
		"exec $J run --rootfs $R --name ${NAME}r -- /bin/sh -c 'echo ready; exec sleep 120'"
	capture je "$U" "${NAME}r" -- /bin/sh -c 'cat /jt-marker; ls /'
	is "$RC/$OUT" "0/jt-rootfs
$(cd "$R" && LC_ALL=C ls)" "enter a --rootfs jail: its root, not the host's"
	capture je "$U" "${NAME}r" -- /bin/cat /etc/passwd
	ok "  ... the host's /etc/passwd is not there (exit $RC)" [ "$RC" != 0 ]
	[ -n "$RP" ] && kill "$RP"
else
	skip "no /bin/busybox from busybox-static"
	skip "no /bin/busybox from busybox-static"
fi

# --- a login session ---------------------------------------------------------------
# started with jailsh -c; L's login shell is bash, so that L may run
# jailsh enter outside a jail, which jailsh as the login shell does not
# take (tests/escape/91-login-argv.t)
user L /bin/bash
profile "$L" 'shell = "/bin/bash"
volume "~" {}
user_namespaces = no'
L_H=$(home "$L")
start_jail LP "$L" "$_state/login.out" \
	"exec $J -c 'echo login-$$ > /tmp/jt-l; unshare -U true; echo unshare=\$?; echo ready; exec sleep 120'"
ok "a login session of $L runs, and its sleep is found ($LP)" [ -n "$LP" ]
like "$(cat "$_state/login.out")" 'unshare=1' "control: in the session, unshare -U fails (user_namespaces = no)"
capture je "$L" "$LP" -- cat /tmp/jt-l
is "$RC/$OUT" "0/login-$$" "enter PID of a login session: sees the session's private /tmp"
[ "$RC" = 0 ] || diag "$ERR"
capture je "$L" "$LP" -- sh -c "$NS_SELF"
is "$OUT" "$(ns_of "$LP")" "  ... in the session's namespaces"
capture je "$L" "$LP" -- cat /proc/self/status
creds_ok "  ... as the user, no capabilities, no_new_privs, a filter" "$L" "$OUT"
is "$(field CapBnd)" "$ZERO" "  ... and an empty bounding set, as in the session"
capture je "$L" "$LP" -- unshare -U true
ok "  ... the profile's filter: unshare -U fails (exit $RC)" [ "$RC" != 0 ]
capture je "$L" "$LP" -- touch /var/tmp/jt-enter-$$
like "$ERR" "$EROFS" "  ... and the host is read-only"
capture je "$L" "$LP" -- sh -c "touch ~/jt-enter && echo home-ok"
is "$OUT" home-ok "  ... the profile's volume (~) is writable"
ok "  ... and the file lands on the host" [ -e "$L_H/jt-enter" ]

host_same "at the end"
done_testing
