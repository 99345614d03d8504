#!/bin/bash
# jailsh build and jailsh run --rootfs: a root file system of the user's
# own, made from Debian's busybox-static.
#
#   - build populates it: busybox --install -s /bin makes its links there,
#     owned by the user; files and directories the command makes in / land
#     in DIR, owned by the user; missing /proc, /dev and /tmp are created;
#   - run --rootfs: / is DIR (ls / lists exactly DIR's entries; the host's
#     /etc/passwd and /usr are not there), read-only (writes to / fail and
#     DIR is unchanged), with a private /tmp, a /proc of its own pid
#     namespace, /dev/null; the user's uid, no capabilities, no_new_privs, a
#     filter; a --map from the host into it; CMD from PATH inside;
#   - run refuses a DIR without /tmp; build refuses a DIR owned by root (like
#     /var/tmp), by another user (even mode 0777), a symbolic link to the
#     user's own DIR, a missing DIR, a file: exit 125, one line, nothing
#     runs and nothing is written.
. "$(dirname "$0")/lib.sh"
adhoc_setup
BB=/bin/busybox
[ -x "$BB" ] || skip_all "no $BB (busybox-static)"
ldd "$BB" 2>&1 | grep -q 'not a dynamic' ||
	skip_all "$BB is not statically linked (install busybox-static)"
EROFS='Read-only file system'

huser U
huser V
R=$U_H/rootfs
as_user "$U" sh -c "mkdir -p '$R/bin' '$R/proc' '$R/dev' '$R/tmp' '$R/mnt' &&
	cp $BB '$R/bin/' && echo marker > '$R/jt-marker'"
ok "control: the user made DIR with busybox in it" [ -x "$R/bin/busybox" ]

# --- build: busybox installs its links -----------------------------------------
capture jb "$U" --rootfs "$R" -- /bin/busybox --install -s /bin
is "$RC" 0 "build --rootfs DIR -- /bin/busybox --install -s /bin: exit 0"
[ "$RC" = 0 ] || diag "$ERR"
ok "  ... DIR/bin/sh is a symbolic link" [ -L "$R/bin/sh" ]
is "$(readlink "$R/bin/sh")" /bin/busybox "  ... to /bin/busybox"
is "$(stat -c %U "$R/bin/sh" 2>&1)" "$U" "  ... owned by the user"
ok "  ... and so are ls and cat" [ -L "$R/bin/ls" -a -L "$R/bin/cat" ]
is "$(find "$R" ! -user "$U" | head -n 3)" "" "nothing in DIR belongs to anyone but the user"

# --- run --rootfs ----------------------------------------------------------------
capture jr "$U" --rootfs "$R" -- /bin/sh -c 'echo hi; ls /'
is "$RC" 0 "run --rootfs DIR -- /bin/sh -c 'echo hi; ls /': exit 0"
[ "$RC" = 0 ] || diag "$ERR"
is "$OUT" "hi
$(cd "$R" && LC_ALL=C ls)" "  ... ls / lists exactly DIR's entries"
capture jr "$U" --rootfs "$R" -- /bin/sh -c 'cat /etc/passwd; ls -d /usr /home'
ok "  ... the host's /etc/passwd, /usr and /home are not there (exit $RC)" [ "$RC" != 0 ]
unlike "$OUT" 'root:' "  ... and nothing of /etc/passwd is printed"
ok "control: the host's /etc/passwd has root" grep -q '^root:' /etc/passwd

before=$(cd "$R" && find . | LC_ALL=C sort)
capture jr "$U" --rootfs "$R" -- /bin/touch /jt-new
like "$ERR" "$EROFS" "run: touch / fails with EROFS"
capture jr "$U" --rootfs "$R" -- /bin/sh -c 'echo changed > /jt-marker'
ok "run: overwriting a file of DIR fails (exit $RC)" [ "$RC" != 0 ]
capture jr "$U" --rootfs "$R" -- /bin/mkdir /bin/jt-dir
ok "run: mkdir in /bin fails (exit $RC)" [ "$RC" != 0 ]
is "$(cd "$R" && find . | LC_ALL=C sort)" "$before" "  ... and DIR on the host is unchanged"
is "$(cat "$R/jt-marker")" marker "  ... its file too"

capture jr "$U" --rootfs "$R" -- /bin/sh -c 'echo t > /tmp/t && cat /tmp/t; ls -A /tmp'
is "$RC/$OUT" "0/t
t" "run: /tmp is writable"
is "$(ls -A "$R/tmp")" "" "  ... private: DIR/tmp on the host stays empty"
capture jr "$U" --rootfs "$R" -- /bin/sh -c 'cat /proc/1/comm; ps -o pid,comm | wc -l'
is "$(printf '%s\n' "$OUT" | head -n 1)" jailsh "run: /proc is the jail's: pid 1 is jailsh's init"
ok "  ... and ps shows only a few processes ($(printf '%s\n' "$OUT" | sed -n 2p) lines)" \
	[ "$(printf '%s\n' "$OUT" | sed -n 2p)" -le 6 ]
capture jr "$U" --rootfs "$R" -- /bin/sh -c 'echo x > /dev/null && echo devnull-ok'
is "$OUT" devnull-ok "run: /dev/null works"
capture jr "$U" --rootfs "$R" -- /bin/cat /proc/self/status
creds_ok "run: the user's ids, no capabilities, no_new_privs, a filter" "$U" "$OUT"
capture jr "$U" --rootfs "$R" -- id -u
is "$RC/$OUT" "0/$U_UID" "run: CMD is found in PATH inside (id, busybox's), and the uid is the user's"
as_user "$U" sh -c "mkdir '$U_H/data' && echo from-host > '$U_H/data/f'"
capture jr "$U" --rootfs "$R" --map "$U_H/data" /mnt -- /bin/cat /mnt/f
is "$RC/$OUT" "0/from-host" "run: --map of a host directory into DIR's /mnt"
capture jr "$U" --rootfs "$R" --map "$U_H/data" /mnt -- /bin/touch /mnt/new
ok "  ... read-only (exit $RC)" [ "$RC" != 0 -a ! -e "$U_H/data/new" ]

# --- build: writes land in DIR, owned by the user -------------------------------
capture jb "$U" --rootfs "$R" -- /bin/sh -c \
	'echo built > /jt-built && mkdir -p /etc /jt-dir && echo "jt:x:1:1::/:/bin/sh" > /etc/passwd'
is "$RC" 0 "build: writes to / succeed"
is "$(cat "$R/jt-built" 2>&1)" built "  ... the file lands in DIR on the host"
is "$(stat -c %U "$R/jt-built" "$R/jt-dir" "$R/etc/passwd" 2>&1 | sort -u)" "$U" \
	"  ... it, a new directory and DIR/etc/passwd all belong to the user"
capture jr "$U" --rootfs "$R" -- /bin/cat /etc/passwd
is "$OUT" "jt:x:1:1::/:/bin/sh" "run: /etc/passwd is DIR's own"
capture jb "$U" --rootfs "$R" -- /bin/cat /proc/self/status
creds_ok "build: the user's ids, no capabilities, no_new_privs, a filter" "$U" "$OUT"

R2=$U_H/rootfs2
as_user "$U" sh -c "mkdir -p '$R2/bin' && cp $BB '$R2/bin/'"
capture jr "$U" --rootfs "$R2" -- /bin/busybox echo jt-ran
refused "run --rootfs of a DIR without /proc, /dev and /tmp"
capture jb "$U" --rootfs "$R2" -- /bin/busybox echo built
is "$RC/$OUT" "0/built" "build creates them and runs"
for d in proc dev tmp; do
	is "$(stat -c '%F %U' "$R2/$d" 2>&1)" "directory $U" "  ... DIR/$d is a directory of the user's"
done

# --- refusals of build -----------------------------------------------------------
# each: exit 125, one line, nothing runs, nothing is written
mkroot() { # DIR OWNER MODE: a root file system owned by OWNER
	install -d -m "$3" -o "$2" -g "$(id -g "$2")" "$1" "$1/bin" "$1/proc" "$1/dev" "$1/tmp"
	install -m 755 -o "$2" -g "$(id -g "$2")" "$BB" "$1/bin/busybox"
}
mkroot "$A/rootowned" root 1777
capture jb "$U" --rootfs "$A/rootowned" -- /bin/busybox sh -c 'echo jt-ran; touch /jt-ran'
refused "build on a directory of root's, mode 1777 (like /var/tmp)"
ok "  ... and nothing was written in it" [ ! -e "$A/rootowned/jt-ran" ]
ok "control: the user could write in that directory on the host" \
	as_user "$U" sh -c "touch '$A/rootowned/ctl' && rm '$A/rootowned/ctl'"
mkroot "$A/vroot" "$V" 777
chmod 777 "$A/vroot/bin" "$A/vroot/proc" "$A/vroot/dev" "$A/vroot/tmp"
capture jb "$U" --rootfs "$A/vroot" -- /bin/busybox sh -c 'echo jt-ran; touch /jt-ran'
refused "build on another user's directory, mode 0777"
ok "  ... and nothing was written in it" [ ! -e "$A/vroot/jt-ran" ]
as_user "$U" ln -s "$R" "$U_H/rootlink"
capture jb "$U" --rootfs "$U_H/rootlink" -- /bin/busybox sh -c 'echo jt-ran; touch /jt-ran'
refused "build on a symbolic link to the user's own DIR"
ok "  ... and nothing was written in DIR" [ ! -e "$R/jt-ran" ]
capture jb "$U" --rootfs "$U_H/jt-missing" -- /bin/busybox sh -c 'echo jt-ran'
refused "build on a directory that does not exist"
ok "  ... and it was not created" [ ! -e "$U_H/jt-missing" ]
as_user "$U" touch "$U_H/jt-file"
capture jb "$U" --rootfs "$U_H/jt-file" -- /bin/busybox sh -c 'echo jt-ran'
refused "build on a regular file"
capture jb "$U" -- /bin/busybox sh -c 'echo jt-ran'
refused "build without --rootfs"
capture jr "$U" --rootfs "$U_H/jt-missing" -- /bin/busybox sh -c 'echo jt-ran'
refused "run --rootfs of a directory that does not exist"

ok "no process of $U is left" no_live_processes "$U" 5
host_same "at the end"
done_testing
