#!/bin/bash
# The host tree is read-only in the jail: writes outside the volumes fail
# with EROFS and leave the host untouched, even where the user may write on
# the host. Volumes are writable and what is written there persists; maps
# are read-only; hide masks a path; a profile tmpfs is empty, writable and
# of the size asked for.
. "$(dirname "$0")/../lib/harness.sh"
. "$(dirname "$0")/../lib/integration.sh"
setup

EROFS='Read-only file system'
user u
user v
uh=$(home "$u")
vh=$(home "$v")

# --- /var/tmp: writable for the user on the host, not in the jail --------
f=/var/tmp/jt-ro-$$
at_exit "rm -f '$f.host' '$f.jail'"
as_user "$u" sh -c "echo host > '$f.host'"
is "$(cat "$f.host" 2>/dev/null)" host \
	"control: outside the jail the user can create a file in /var/tmp"
out=$(jrun "$u" "echo jail > '$f.jail'" 2>&1); rc=$?
like "$out" "$EROFS" "in the jail, creating a file in /var/tmp fails with EROFS"
ok "  ... and the command fails (exit $rc)" [ "$rc" -ne 0 ]
ok "  ... and no file appears in the host's /var/tmp" [ ! -e "$f.jail" ]
out=$(jrun "$u" "rm -f '$f.host'" 2>&1)
like "$out" "$EROFS" "in the jail, removing the user's own file in /var/tmp fails with EROFS"
is "$(cat "$f.host" 2>/dev/null)" host "  ... and the file is still there on the host"

# --- a directory the user owns, outside every volume ----------------------
own=/srv/jt-own-$$
install -d -m 755 -o "$u" -g "$(id -g "$u")" "$own"
at_exit "rm -rf '$own'"
ok "control: outside the jail the user can create a file in $own" \
	as_user "$u" touch "$own/host"
out=$(jrun "$u" "touch '$own/jail'" 2>&1); rc=$?
like "$out" "$EROFS" "in the jail, touch in the user's own $own fails with EROFS"
ok "  ... and the command fails (exit $rc)" [ "$rc" -ne 0 ]
ok "  ... and no file appears on the host" [ ! -e "$own/jail" ]
out=$(jrun "$u" "mkdir '$own/d'" 2>&1)
like "$out" "$EROFS" "in the jail, mkdir there fails with EROFS"
ok "  ... and no directory appears on the host" [ ! -e "$own/d" ]
out=$(jrun "$u" "echo more >> '$own/host'" 2>&1)
like "$out" "$EROFS" "in the jail, appending to the user's own file there fails with EROFS"
is "$(stat -c %s "$own/host")" 0 "  ... and the file is unchanged on the host"
out=$(jrun "$u" "chmod 700 '$own'" 2>&1)
like "$out" "$EROFS" "in the jail, chmod of the user's own directory fails with EROFS"
is "$(stat -c %a "$own")" 755 "  ... and its mode is unchanged on the host"

# --- the built-in default: the home directory is a volume -----------------
out=$(jrun "$u" 'echo "in home" > "$HOME/jt-home" && cat "$HOME/jt-home"' 2>&1)
is "$out" "in home" "the home directory is writable in the jail (built-in default)"
is "$(cat "$uh/jt-home" 2>/dev/null)" "in home" \
	"  ... and what was written is in the home directory on the host afterwards"
is "$(stat -c %U "$uh/jt-home" 2>/dev/null)" "$u" "  ... owned by the user"
is "$(jrun "$u" 'cat "$HOME/jt-home"' 2>&1)" "in home" \
	"  ... and a later session sees it"

# Exactly the expected mounts are writable: the volume, the private /tmp,
# /dev/shm, /dev/pts and /proc, the session's runtime directory, and its
# /run/screen where the host has one; everything else read-only.
rw=$(jrun "$u" "awk '\$6 ~ /(^|,)rw(,|\$)/ { print \$5 }' /proc/self/mountinfo" | LC_ALL=C sort | tr '\n' ' ')
want="/dev/pts /dev/shm $uh /proc"
[ -d /run/screen ] && want="$want /run/screen"
want="$want /run/user/$(id -u "$u") /tmp "
is "$rw" "$want" \
	"the only writable mounts are the home volume, /tmp, /dev/shm, /dev/pts, /proc, /run/user/UID and /run/screen"

# --- a second volume with a target, and a map -----------------------------
vol=/srv/jt-vol-$$
mnt=/mnt/jtvol-$$
map=/srv/jt-map-$$
install -d -m 755 -o "$u" -g "$(id -g "$u")" "$vol" "$map"
install -d -m 755 "$mnt"
echo mapped > "$map/file"
chown "$u" "$map/file"
at_exit "rm -rf '$vol' '$map'; rmdir '$mnt'"
profile "$u" "volume \"~\" {}
volume \"$vol\" { target = \"$mnt\" }
map \"$map\" {}"

out=$(jrun "$u" "echo vol > '$mnt/in-vol' && cat '$mnt/in-vol'" 2>&1)
is "$out" vol "a volume with a target is writable there in the jail"
is "$(cat "$vol/in-vol" 2>/dev/null)" vol "  ... and the file persists in its source on the host"
is "$(ls -A "$mnt")" "" "  ... and nothing was written to the mount point on the host"
out=$(jrun "$u" "ls -A '$vol'" 2>&1)
is "$out" "in-vol" "  ... the source path itself shows the host tree's view (the same directory, read-only)"
out=$(jrun "$u" "touch '$vol/direct'" 2>&1)
like "$out" "$EROFS" "  ... and is not writable under its host path, only at the target"

is "$(jrun "$u" "cat '$map/file'" 2>&1)" mapped "a map is readable in the jail"
ok "control: outside the jail the user can write in the mapped directory" \
	as_user "$u" touch "$map/host"
out=$(jrun "$u" "echo x > '$map/jail'" 2>&1)
like "$out" "$EROFS" "in the jail, creating a file in a map fails with EROFS"
ok "  ... and no file appears on the host" [ ! -e "$map/jail" ]
out=$(jrun "$u" "echo x >> '$map/file'" 2>&1)
like "$out" "$EROFS" "in the jail, writing to the user's own file in a map fails with EROFS"
is "$(cat "$map/file")" mapped "  ... and the file is unchanged on the host"
opts=$(jrun "$u" "awk '\$5 == \"$map\" { print \$6 }' /proc/self/mountinfo")
like "$opts" '^ro,' "the map's mount is read-only ($opts)"

# --- hide -----------------------------------------------------------------
hid=/srv/jt-hide-$$
install -d -m 755 "$hid"
echo "hidden-content-$$" > "$hid/secret"
at_exit "rm -rf '$hid'"
rm -f "$CONF/users/$u.conf"
is "$(jrun "$u" "cat '$hid/secret'" 2>&1)" "hidden-content-$$" \
	"control: without hide, the file is visible in the jail"
profile "$u" "volume \"~\" {}
hide = { \"$hid\" }"
is "$(jrun "$u" "ls -A '$hid'; echo rc=\$?" 2>&1)" "rc=0" \
	"with hide, the directory is there but empty in the jail"
out=$(jrun "$u" "cat '$hid/secret'" 2>&1); rc=$?
ok "  ... and the file in it cannot be read (exit $rc)" [ "$rc" -ne 0 ]
like "$out" "No such file or directory" "  ... it is not there"
unlike "$out" "hidden-content" "  ... and its contents do not appear"
out=$(jrun "$u" "touch '$hid/new'" 2>&1)
like "$out" "$EROFS" "  ... and the hidden path is read-only"
is "$(ls -A "$hid")" secret "  ... and the host directory is unchanged"

# hide /home, with the home as a volume: only the user's own home is left
echo theirs > "$vh/jt-other"
rm -f "$CONF/users/$u.conf"
out=$(jrun "$u" "ls -A /home; cat '$vh/jt-other'" 2>&1)
like "$out" "(^|[[:space:]])$v([[:space:]]|\$)" \
	"control: without hide, another user's home is listed under /home"
like "$out" "theirs" "control: ... and their readable file can be read"
profile "$u" "hide = { \"/home\" }
volume \"~\" {}"
is "$(jrun "$u" 'ls -A /home' 2>&1)" "$u" \
	"with hide = {\"/home\"} and volume \"~\", /home holds only the user's own home"
out=$(jrun "$u" "test -e '$vh' && echo visible; cat '$vh/jt-other'" 2>&1)
unlike "$out" "visible|theirs" "  ... another user's home and its files are invisible"
out=$(jrun "$u" 'echo still > "$HOME/jt-hidden-home" && cat "$HOME/jt-hidden-home"' 2>&1)
is "$out" still "  ... and the user's own home is still writable"
is "$(cat "$uh/jt-hidden-home" 2>/dev/null)" still "  ... and persists on the host"
out=$(jrun "$u" "mkdir /home/jt-new-$$" 2>&1)
like "$out" "$EROFS" "  ... and /home itself is read-only"
ok "  ... and nothing appeared in the host's /home" [ ! -e "/home/jt-new-$$" ]

# --- a profile tmpfs ------------------------------------------------------
echo host > "/var/tmp/jt-marker-$$"
at_exit "rm -f '/var/tmp/jt-marker-$$' '/var/tmp/jt-tmpfs-$$'"
rm -f "$CONF/users/$u.conf"
like "$(jrun "$u" 'ls -A /var/tmp' 2>&1)" "jt-marker-$$" \
	"control: without a tmpfs, the host's /var/tmp is seen in the jail"
profile "$u" 'volume "~" {}
tmpfs "/var/tmp" { size = "8M" }'
is "$(jrun "$u" 'ls -A /var/tmp; echo rc=$?' 2>&1)" "rc=0" \
	"tmpfs \"/var/tmp\" gives an empty /var/tmp"
read -r fstype bsize blocks <<EOF
$(jrun "$u" "stat -f -c '%T %S %b' /var/tmp" 2>&1)
EOF
is "$fstype $((bsize * blocks))" "tmpfs 8388608" \
	"  ... a tmpfs of 8 MiB ($blocks blocks of $bsize bytes)"
out=$(jrun "$u" "echo in > /var/tmp/jt-tmpfs-$$ && cat /var/tmp/jt-tmpfs-$$" 2>&1)
is "$out" in "  ... writable"
ok "  ... and what is written there does not reach the host" \
	[ ! -e "/var/tmp/jt-tmpfs-$$" ]
out=$(jrun "$u" 'head -c 9437184 /dev/zero > /var/tmp/big' 2>&1); rc=$?
like "$out" "No space left on device" "  ... and 9 MiB do not fit in it"
ok "  ... (the write fails, exit $rc)" [ "$rc" -ne 0 ]
is "$(jrun "$u" 'stat -c %a /var/tmp' 2>&1)" 1777 "  ... mode 1777 by default"

done_testing
