#!/bin/bash
# Escape class 12 (CATALOGUE.md): file descriptors leaking into the jail.
#
# The real shell of the jail is probes/fds.py (the profile's shell), which
# lists the descriptors it started with, each with its target, whether it
# lies on a mount this namespace does not have (FOREIGN_MOUNT), and for a
# directory what ../../.. through it holds.
#
#   - shell mode: the shell starts with 0, 1 and 2 only; also when the
#     caller (the user, through probes/fdspawn.py) hands over fds 3..20:
#     a directory fd and an O_PATH fd of /, a directory fd of the home, of
#     /var/tmp, of /tmp and of /home, an O_PATH fd of /etc, files read and
#     read-write, a pipe, a socket, a memfd, an eventfd, /dev/null,
#     /dev/urandom and the caller's own mount namespace; and none of them
#     is held by the jailsh left outside, by the jail's init or by a
#     command of the session (root looks at /proc/PID/fd on the host);
#   - PAM mode (runuser -l, pam_jailsh.so appended to /etc/pam.d/runuser-l
#     and put back byte for byte): the session's shell has exactly the
#     descriptors it has without the module, none of the module's (the
#     jail's pipes, its pidfd), none on a foreign mount.
#
# Positive control: the same descriptors handed to the same program
# without jailsh all arrive (exec passes them on), the directory ones on
# the host's mounts.
. "$(dirname "$0")/lib.sh"
esc_setup

esc_user U "$J"
FDS="$PY $ESC_DIR/fds.py"
as_user "$U" sh -c 'echo mine > ~/file; echo rw > ~/rwfile'
SPEC=(3:dir:/ 4:path:/ "5:dir:$U_H" "6:r:$U_H/file" "7:rw:$U_H/rwfile" 8:pipe
	9:sock 10:memfd 11:eventfd 12:path:/etc 13:r:/etc/hostname 14:dir:/var/tmp
	15:r:/proc/self/ns/mnt 16:dir:/tmp 17:rw:/dev/null 18:r:/dev/urandom
	19:dir:/home 20:path:/proc/self/root)
spawn() { as_user "$U" "$PY" "$ESC_DIR/fdspawn.py" "${SPEC[@]}" -- "$@"; }
fdset() { printf '%s\n' "$1" | sed -n 's/^FDS=//p'; }

# --- control ------------------------------------------------------------------------
capture spawn "$ESC_DIR/fds.py"
# (the test's own caller may leak more, above 20)
control "without jailsh, a program gets every descriptor handed over: $(fdset "$OUT")" \
	_matches "$(fdset "$OUT")" '^0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20( [0-9]+)* 108( [0-9]+)*$'
like "$OUT" 'FD=3 / PARENT=' "control: ... fd 3 is the host's / (a directory fd that walks anywhere)"

# --- shell mode ---------------------------------------------------------------------------
profile "$U" "volume \"~\" {}
shell = \"$ESC_DIR/fds.py\""
capture as_user "$U" "$J" -c x
is "$RC" 0 "jailsh with fds.py as the real shell runs"
is "$(fdset "$OUT")" "0 1 2" "the jailed shell starts with fds 0, 1 and 2 only"
# 0, 1 and 2 are the caller's, passed on as documented (here the test's
# own /dev/null and capture file, on the host's mounts)
capture spawn "$J" -c x
is "$(fdset "$OUT")" "0 1 2" "handed fds 3..20 (/, O_PATH /, home, files, pipe, socket, memfd, eventfd, /etc, mnt ns...): the shell still has 0, 1 and 2 only"
unlike "$OUT" 'FD=([3-9]|[1-9][0-9]+) ' "  ... none of the handed-over ones reaches it"
capture spawn "$J" -l
is "$(fdset "$OUT")" "0 1 2" "  ... also as a login shell (jailsh -l)"

# the processes of a session, seen by root on the host: the jailsh
# outside (which fdspawn became), the jail's init, the command
profile "$U" 'volume "~" {}'
spawn "$J" -c 'sleep 3' &
bg=$!
wait_for 5 eval '[ -n "$(outer_jailsh "$U")" ] && pgrep -u "$U" -x sleep >/dev/null'
outer=$(outer_jailsh "$U")
sl=$(pgrep -u "$U" -x sleep | head -n 1)
init=$(ps -o ppid= -p "$sl" | tr -d ' ')
targets() {
	for f in /proc/"$1"/fd/*; do
		printf '%s %s\n' "${f##*/}" "$(readlink "$f")"
	done
}
leak='^[0-9]+ (/|/etc|/etc/hostname|/var/tmp|/tmp|/home|'"$(ere "$U_H")"'(/file|/rwfile)?|/dev/urandom|/memfd:jt-esc.*|anon_inode:\[eventfd\]|mnt:\[[0-9]+\])$'
for p in outer init sl; do
	eval "pid=\$$p"
	t=$(targets "$pid")
	ok "the $p process (pid $pid) holds none of the caller's descriptors" \
		eval '! printf "%s\n" "$t" | grep -Eq "$leak"'
	printf '%s\n' "$t" | grep -Eq "$leak" && diag "$t"
	case $p in
	sl) is "$(printf '%s\n' "$t" | awk '{ print $1 }' | sort -n | tr '\n' ' ')" "0 1 2 " \
		"  ... the command has fds 0, 1 and 2 only" ;;
	esac
done
wait "$bg"

# --- PAM mode ----------------------------------------------------------------------------------
esc_user P /bin/bash
# runuser started with nothing but 0, 1 and 2 (what it passes on is its
# caller's business: the same with and without the module)
prun() {
	(cd / && "$PY" -c 'import os, sys; os.closerange(3, 65536); os.execvp(sys.argv[1], sys.argv[1:])' \
		runuser -l "$1" -c "$2")
}
capture prun "$P" "$FDS"
WITHOUT=$(fdset "$OUT")
control "without the module, runuser -l runs fds.py (with fds $WITHOUT)" test -n "$WITHOUT"
esc_pam_append runuser-l
capture prun "$P" "$FDS"
is "$RC" 0 "PAM: runuser -l runs fds.py in the jail"
is "$(fdset "$OUT")" "$WITHOUT" "PAM: the session's command has exactly the descriptors it has without the module"
is "$(fdset "$OUT")" "0 1 2" "  ... which is 0, 1 and 2 only"
unlike "$OUT" 'pidfd|FD=([3-9]|[1-9][0-9]+) ' "  ... nothing of the module's (the jail's pipes, its pidfd)"
capture prun "$P" "exec $FDS"
is "$(fdset "$OUT")" "$WITHOUT" "  ... also when the shell execs it"
capture prun "$P" "$PY $ESC_DIR/state.py"
esc_jailed "  ... and the session is jailed" "$P" "$OUT"

ok "nothing of the users is left" eval 'no_live_processes "$U" && no_live_processes "$P"'
pam_restore_check
esc_host_unchanged "after it all"

done_testing
