#!/bin/bash
# No privilege in the jail: the user's ids and groups only, no capability
# in any set, no_new_privs; setuid binaries (a copy of id, su, passwd) run
# without gaining anything; every mount is nosuid.
. "$(dirname "$0")/../lib/harness.sh"
. "$(dirname "$0")/../lib/integration.sh"
setup

user u
uh=$(home "$u")
uid=$(id -u "$u")
gid=$(id -g "$u")
ZERO=0000000000000000

# the credentials of a process, one line per field, from its status file
creds="awk '/^(Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):/ { \$1 = \$1; print }'"

# --- the shell's and its children's credentials ---------------------------
st=$(jrun "$u" "$creds /proc/self/status" 2>&1)
field() { printf '%s\n' "$st" | awk -v f="$1:" '$1 == f { $1 = ""; sub(/^ /, ""); print }'; }
is "$(field Uid)" "$uid $uid $uid $uid" "Uid: real, effective, saved and fs uid are the user's"
is "$(field Gid)" "$gid $gid $gid $gid" "Gid: real, effective, saved and fs gid are the user's"
is "$(field Groups | tr ' ' '\n' | sort -n | tr '\n' ' ')" \
	"$(id -G "$u" | tr ' ' '\n' | sort -n | tr '\n' ' ')" \
	"Groups: exactly id -G $u"
for c in CapInh CapPrm CapEff CapBnd CapAmb; do
	is "$(field $c)" "$ZERO" "$c is empty"
done
is "$(field NoNewPrivs)" 1 "NoNewPrivs is set"

# the same check outside the jail finds what the jail takes away
st=$(as_user "$u" sh -c "$creds /proc/self/status")
unlike "$(field CapBnd)" "^$ZERO\$" \
	"control: outside the jail the user's bounding set is not empty ($(field CapBnd))"
is "$(field NoNewPrivs)" 0 "control: outside the jail NoNewPrivs is 0"

# init (pid 1) and the shell (pid 2) hold nothing either
st=$(jrun "$u" "$creds /proc/1/status" 2>&1)
is "$(field Uid) / $(field CapEff) / $(field CapBnd)" "$uid $uid $uid $uid / $ZERO / $ZERO" \
	"init (pid 1) runs as the user, without capabilities"
st=$(jrun "$u" "$creds /proc/2/status; :" 2>&1)
is "$(field Uid) / $(field CapEff) / $(field CapPrm)" "$uid $uid $uid $uid / $ZERO / $ZERO" \
	"the shell (pid 2) runs as the user, without capabilities"

# Supplementary groups come from the group database, not from the caller:
# started with root's group 0 added, jailsh must not pass it on.
with_groups() {
	(cd / && setpriv --reuid="$u" --regid="$gid" --groups="$1" \
		--reset-env -- "${@:2}")
}
like "$(with_groups "0,$gid" grep ^Groups: /proc/self/status)" \
	'^Groups:[[:space:]]0[[:space:]]' \
	"control: started with groups 0,$gid, the caller has group 0"
st=$(with_groups "0,$gid" "$J" -c "$creds /proc/self/status" 2>&1)
is "$(field Groups | tr ' ' '\n' | sort -n | tr '\n' ' ')" \
	"$(id -G "$u" | tr ' ' '\n' | sort -n | tr '\n' ' ')" \
	"  ... in the jail the groups are exactly id -G $u, without 0"

# --- a setuid-root binary in the home volume ------------------------------
install -m 6755 -o root -g root /usr/bin/id "$uh/suid-id"
at_exit "rm -f '$uh/suid-id'"
if findmnt -n -o OPTIONS -T "$uh" | grep -Eq '(^|,)nosuid(,|$)'; then
	skip "control: $uh is on a nosuid mount on this host: setuid cannot be shown to work outside"
	skip "control: (setgid)"
else
	is "$(as_user "$u" "$uh/suid-id" -u)" 0 \
		"control: outside the jail the setuid-root copy of id gives euid 0"
	is "$(as_user "$u" "$uh/suid-id" -g)" 0 \
		"control: outside the jail the setgid-root copy of id gives egid 0"
fi
is "$(jrun "$u" '"$HOME/suid-id" -u; "$HOME/suid-id" -g' 2>&1 | tr '\n' ' ')" \
	"$uid $gid " "in the jail the same binary runs with the user's euid and egid"
unlike "$(jrun "$u" '"$HOME/suid-id"' 2>&1)" 'uid=0|gid=0|euid|egid' \
	"  ... and id reports no root id at all"

# --- su and passwd --------------------------------------------------------
out=$(jrun "$u" 'su -c id root </dev/null' 2>&1); rc=$?
unlike "$out" 'uid=0' "su -c id root in the jail prints no uid=0"
ok "  ... and fails (exit $rc)" [ "$rc" -ne 0 ]
out=$(jrun "$u" 'passwd </dev/null' 2>&1); rc=$?
unlike "$out" 'uid=0|updated successfully' "passwd in the jail changes nothing"
ok "  ... and fails (exit $rc)" [ "$rc" -ne 0 ]

# What su and passwd are while they wait for a password (on a FIFO): on
# the host they run with euid 0 and capabilities, in the jail they do not.
cat > "$uh/probe" <<'EOF'
#!/bin/sh
# probe COMMAND...: the credentials of COMMAND while it reads stdin
d=$HOME/probe.d
rm -rf "$d"; mkdir "$d" && mkfifo "$d/in" || exit 1
"$@" < "$d/in" >/dev/null 2>&1 &
p=$!
exec 3> "$d/in"
i=0
while [ "$(cat /proc/$p/comm 2>/dev/null)" != "${1##*/}" ] && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
awk '/^(Uid|CapEff):/ { $1 = $1; print }' /proc/$p/status | tr '\n' ' '
exec 3>&-
wait $p
rm -rf "$d"
EOF
chown "$u" "$uh/probe"
chmod 755 "$uh/probe"
for cmd in "su -c id root" "passwd"; do
	name=${cmd%% *}
	out=$(as_user "$u" "$uh/probe" $cmd 2>&1)
	like "$out" "^Uid: $uid 0 0 0 CapEff: [0-9a-f]*[1-9a-f][0-9a-f]* \$" \
		"control: outside the jail $name runs with euid 0 and capabilities ($out)"
	out=$(jrun "$u" "\$HOME/probe $cmd" 2>&1)
	is "$out" "Uid: $uid $uid $uid $uid CapEff: $ZERO " \
		"in the jail $name runs as the user, without capabilities"
done

# --- every mount is nosuid ------------------------------------------------
suid_mounts="awk '\$6 !~ /(^|,)nosuid(,|\$)/ { print \$5 }'"
like "$(as_user "$u" sh -c "$suid_mounts /proc/self/mountinfo")" '^/$' \
	"control: on the host, / is among the mounts without nosuid"
n=$(jrun "$u" 'wc -l < /proc/self/mountinfo' 2>&1)
ok "the jail's mount table has entries ($n)" [ "$n" -gt 5 ]
is "$(jrun "$u" "$suid_mounts /proc/self/mountinfo" 2>&1)" "" \
	"  ... and every one of them is nosuid"
profile "$u" "volume \"~\" {}
volume \"$uh\" { target = \"/mnt\" }
map \"/usr/bin\" { target = \"/srv\" }
tmpfs \"/var/tmp\" {}
hide = { \"/opt\" }"
is "$(jrun "$u" "$suid_mounts /proc/self/mountinfo" 2>&1)" "" \
	"  ... also with volumes, maps, a tmpfs and a hide of the profile"
is "$(jrun "$u" '/mnt/suid-id -u; /srv/su -c id root </dev/null 2>/dev/null; echo rc=$?' 2>&1 | tr '\n' ' ')" \
	"$uid rc=1 " "  ... where setuid binaries gain nothing either"

done_testing
