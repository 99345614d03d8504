#!/bin/bash
# Fail closed: a profile that is wrong, or that may not be trusted, is
# refused. jailsh exits 125, says "jailsh: ..." on stderr naming the file
# and line ("users/USER.conf:N:") or the path that is wrong, and the
# command never runs: no RAN-MARKER on any output, no ~/ran on the host.
# The same command under a good profile runs (the positive control), so
# the refusals below are jailsh's doing and not the harness's.
. "$(dirname "$0")/../lib/harness.sh"
. "$(dirname "$0")/../lib/capture.sh"
setup

mkuser u
uh=$(homedir "$u")
uid=$(id -u "$u")
P=$CONF/users/$u.conf
PE=$(ere "$P")
CMD='echo RAN-MARKER; touch ~/ran'
before=$(host_mounts)

# try: runs CMD in u's jail (timeout: a refusal must not hang either).
try() {
	rm -f "$uh/ran"
	capture as_user "$u" timeout 20 "$J" -c "$CMD"
}

# refused DESCRIPTION REGEX: with the profile in place, CMD is refused,
# with a "jailsh: " message matching REGEX.
refused() {
	try
	is "$RC" 125 "$1: refused with exit status 125"
	like "$ERR" "^jailsh: (.*)?$2" "  ... stderr says where and why"
	unlike "$OUT
$ERR" RAN-MARKER "  ... the command did not run (no RAN-MARKER)"
	ok "  ... and did not touch ~/ran" [ ! -e "$uh/ran" ]
}

# bad DESCRIPTION PROFILE-TEXT REGEX
bad() {
	profile "$u" "$2"
	refused "$1" "$3"
}

# --- positive control --------------------------------------------------------
profile "$u" 'volume "~" {}'
try
is "$RC" 0 "control: a good profile runs the command (exit 0)"
like "$OUT" '^RAN-MARKER$' "  ... which prints RAN-MARKER"
ok "  ... and creates ~/ran" [ -e "$uh/ran" ]
is "$ERR" "" "  ... with nothing on stderr"

# --- what the parser refuses ---------------------------------------------------
bad "unknown option" 'volume "~" {}
bogus = 1' "$PE:2: .*bogus"
bad "unknown option in a section" 'volume "~" {
	bogus = 1
}' "$PE:2: .*bogus"
bad "syntax error (unterminated section)" 'volume "~" {}
map "/usr" {
' "$PE:[0-9]+: "
bad "syntax error (unterminated env section)" 'volume "~" {}
env { set = {"JT_A=1"}
' "$PE:[0-9]+: "
bad 'network = "bogus"' 'volume "~" {}
network = "bogus"' "$PE:2: network = \"bogus\""
bad 'network = "bogus" on line 3, after a comment line' 'volume "~" {}
# a comment: the line number must still be right
network = "bogus"' "$PE:3: network = \"bogus\""
bad 'devices = "x"' 'volume "~" {}
devices = "x"' "$PE:2: devices = \"x\""
bad 'relative shell' 'volume "~" {}
shell = "bash"' "$PE:2: shell = \"bash\""
bad 'bad hostname' 'volume "~" {}
hostname = "-jail"' "$PE:2: hostname"
bad "relative volume path" 'volume "~" {}
volume "data" {}' "$PE:2: volume \"data\": path must be absolute"
bad "relative target" 'volume "~" {}
map "/usr/share" { target = "share" }' "$PE:2: map \"/usr/share\": target \"share\": path must be absolute"
bad '".." in a path' 'volume "~" {}
volume "~/../x" {}' "$PE:2: volume \"~/\.\./x\": .*\.\."
bad '"." in a path' 'volume "~" {}
map "/usr/./share" {}' "$PE:2: map \"/usr/\./share\""
bad '${HOME} in a value' 'volume "~" {}
map "${HOME}/x" {}' "$PE:2: .*environment substitution"
bad 'unknown %x in a path' 'volume "~" {}
map "/home/%x" {}' "$PE:2: map \"/home/%x\": unknown %-sequence"
bad "bad tmpfs size" 'volume "~" {}
tmpfs "/tmp" { size = "lots" }' "$PE:2: tmpfs \"/tmp\": size \"lots\""
bad "tmpfs size 0" 'volume "~" {}
tmpfs "/tmp" { size = "0" }' "$PE:2: tmpfs \"/tmp\": size \"0\""
bad "bad tmpfs mode" 'volume "~" {}
tmpfs "/tmp" { mode = "999" }' "$PE:2: tmpfs \"/tmp\": mode \"999\""
bad "bad tmpfs mode inside a section spread over lines 2-4 (line 2 or 3, not the closing brace's)" 'volume "~" {}
tmpfs "/tmp" {
	mode = "999"
}' "$PE:(2|3): tmpfs \"/tmp\": mode \"999\""
bad "bad rlimit value" 'volume "~" {}
rlimit {
	nofile = "many"
}' "$PE:3: rlimit nofile = \"many\""
bad "size suffix on an rlimit that is a count" 'volume "~" {}
rlimit { nproc = "2K" }' "$PE:2: rlimit nproc = \"2K\""
bad "unknown rlimit" 'volume "~" {}
rlimit {
	bogus = "1"
}' "$PE:3: .*bogus"
bad "env set entry without '='" 'volume "~" {}
env { set = {"JT_A"} }' "$PE:2: env set \"JT_A\""
bad "env unset of something that is not a name" 'volume "~" {}
env { unset = {"JT_A=1"} }' "$PE:2: env unset \"JT_A=1\""

# --- what the plan refuses -------------------------------------------------------
bad "two volumes on the same target" 'volume "~" {}
volume "/var/tmp" { target = "~" }' "$PE:2: volume $(ere "$uh"): target already used at line 1"
bad "the same volume twice" 'volume "~" {}
volume "~" {}' "$PE:2: "
bad "target under /proc" 'volume "~" {}
map "/usr/share" { target = "/proc/jt" }' "$PE:2: map /proc/jt: /proc is set up by jailsh"
bad "tmpfs on /proc itself" 'volume "~" {}
tmpfs "/proc" {}' "$PE:2: tmpfs /proc: /proc is set up by jailsh"
bad "target under /dev" 'volume "~" {}
tmpfs "/dev/jt" {}' "$PE:2: tmpfs /dev/jt: /dev is set up by jailsh"
bad 'target "/"' 'volume "~" {}
map "/usr" { target = "/" }' "$PE:2: map: cannot mount over /"

# --- what building the jail refuses ----------------------------------------------
bad "missing volume source" 'volume "~" {}
volume "~/no-such-dir" {}' "$PE:2: volume $(ere "$uh")/no-such-dir: No such file or directory"
# A refusal while init builds the jail races with the process outside,
# which hands init the user's groups meanwhile: it must be reported the
# same way every time, never as a death by a signal without a word.
n=0 codes=""
for i in $(seq 100); do
	capture as_user "$u" timeout 20 "$J" -c "$CMD"
	if [ "$RC" = 125 ] && [ -z "$OUT" ] && printf '%s' "$ERR" | grep -q 'no-such-dir'; then
		n=$((n + 1))
	else
		codes="$codes $RC"
	fi
done
is "$n" 100 "the same refusal, 100 times: exit 125 and the message every time"
[ -z "$codes" ] || diag "other exit statuses (with no message):$codes"
bad "missing target on the host" 'volume "~" {}
map "/usr/share" { target = "/jt-no-such-dir-'$$'" }' \
	"$PE:2: mount point /jt-no-such-dir-$$ does not exist"

# A volume source that is the user's own symbolic link into /root: the
# user could point it anywhere, so it is never followed.
install -d -o "$u" -g "$(id -g "$u")" "$uh/mnt"
ln -s /root "$uh/vol"
chown -h "$u:$(id -g "$u")" "$uh/vol"
bad "volume source: the user's symlink ~/vol -> /root" 'volume "~" {}
volume "~/vol" { target = "~/mnt" }' \
	"$PE:2: volume $(ere "$uh")/vol: goes through a symbolic link owned by uid $uid"
ln -s / "$uh/lnk"
chown -h "$u:$(id -g "$u")" "$uh/lnk"
bad "volume source through the user's symlink ~/lnk -> / (~/lnk/root)" \
	'volume "~" {}
volume "~/lnk/root" { target = "~/mnt" }' \
	"$PE:2: volume $(ere "$uh")/lnk/root: goes through a symbolic link owned by uid $uid"
bad "target that is the user's symlink ~/vol -> /root" 'volume "~" {}
map "/usr/share" { target = "~/vol" }' "$PE:2: .*symbolic link owned by uid $uid"
is "$(host_mounts)" "$before" "nothing was mounted on the host by any of the refusals"
# The control for the symlink cases: a link that root owns is followed.
ln -s /usr/share/base-files "$uh/rootlink"
profile "$u" 'volume "~" {}
map "~/rootlink" { target = "~/mnt" }'
capture jrun "$u" 'cat ~/mnt/motd >/dev/null && echo MAPPED; ls -A ~/mnt | wc -l'
is "$OUT" "MAPPED
$(ls -A /usr/share/base-files | wc -l)" \
	"control: a symlink owned by root (~/rootlink -> /usr/share/base-files) is followed and mapped"
rm -f "$uh/rootlink" "$uh/vol" "$uh/lnk"

# --- files and directories that may not be trusted -----------------------------
good='volume "~" {}'
profile "$u" "$good"
chown "$u" "$P"
refused "profile owned by the user" "profile $PE is owned by uid $uid, not root"
rm -f "$P"

profile "$u" "$good"
chmod 0664 "$P"
refused "profile with mode 0664" "profile $PE is writable by group or others \(mode 0664\)"
profile "$u" "$good"
chmod 0646 "$P"
refused "profile with mode 0646" "profile $PE is writable by group or others \(mode 0646\)"

profile "$u" "$good"
mode=$(stat -c %a "$CONF/users")
at_exit "chmod $mode '$CONF/users'"
chmod g+w "$CONF/users"
refused "users/ made group-writable" "directory $(ere "$CONF/users") is writable by group or others"
chmod "$mode" "$CONF/users"

mode=$(stat -c %a "$CONF")
at_exit "chmod $mode '$CONF'"
chmod o+w "$CONF"
refused "the configuration directory made other-writable" \
	"configuration directory $(ere "$CONF") is writable by group or others"
chmod "$mode" "$CONF"

real=$(mktemp /tmp/jt-real-profile.XXXXXX)
at_exit "rm -f '$real'"
printf '%s\n' "$good" > "$real"
chmod 644 "$real"
rm -f "$P"
ln -s "$real" "$P"
refused "profile that is a symbolic link (to a good root-owned file)" \
	"$PE is a symbolic link"
rm -f "$P"

printf 'volume "~" {}\n\0\n' > "$P"
chmod 644 "$P"
refused "profile with a NUL byte" "$PE contains a NUL byte"
rm -f "$P"

mkfifo -m 644 "$P"
refused "profile that is a FIFO (and the login does not hang)" \
	"$PE is not a regular file"
rm -f "$P"

mkdir -m 755 "$P"
refused "profile that is a directory" "$PE is not a regular file"
rmdir "$P"

# --- and after all that, the good profile still works ----------------------------
profile "$u" "$good"
try
is "$RC:$OUT" "0:RAN-MARKER" "control: the good profile runs the command again"
is "$(host_mounts)" "$before" "the host's mount table is as it was"

done_testing
