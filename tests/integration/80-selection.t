#!/bin/bash
# Which profile applies: users/USER.conf, else groups/GROUP.conf (the
# groups in jailsh.conf's group_order first, in that order, then the
# user's other groups alphabetically), else default.conf, else the
# built-in default. Seen two ways: the "profile" line of "jailsh explain
# USER" (as root), and the behaviour of the jail itself: every profile
# sets its own hostname, which "hostname" prints inside.
#
# groups/*.conf, default.conf and jailsh.conf are shared with the other
# tests: each is removed right after the checks that need it, and at exit
# whatever happens.
. "$(dirname "$0")/../lib/harness.sh"
. "$(dirname "$0")/../lib/capture.sh"
setup

for f in default.conf jailsh.conf; do
	if [ -e "$CONF/$f" ]; then
		fail "$CONF/$f is not there to begin with (left by another test?)"
		done_testing
		exit 1
	fi
done

# Two throwaway groups; "b" is made first, so that the order of the gids
# (and of getgrouplist) is not the alphabetical order.
ga=jtga$$
gb=jtgb$$
at_exit "groupdel '$gb' 2>/dev/null"
at_exit "groupdel '$ga' 2>/dev/null"
groupadd "$gb" || { echo "Bail out! groupadd"; exit 1; }
groupadd "$ga" || { echo "Bail out! groupadd"; exit 1; }
at_exit "rm -f '$CONF/groups/$ga.conf' '$CONF/groups/$gb.conf' '$CONF/default.conf' '$CONF/jailsh.conf'"

mkuser u    # in both groups
mkuser v    # in neither
usermod -aG "$ga,$gb" "$u"
VOL='volume "~" {}'

# put REL HOSTNAME: a profile under $CONF that sets HOSTNAME.
put() {
	printf 'hostname = "%s"\n%s\n' "$2" "$VOL" > "$CONF/$1"
	chmod 644 "$CONF/$1"
}

# selects USER REL HOSTNAME DESCRIPTION: explain names the file REL (or
# the built-in default), and the jail's hostname is HOSTNAME.
selects() {
	local want=$2
	[ "$2" = builtin ] && want="(built-in default)" || want="$CONF/$2"
	capture "$J" explain "$1"
	like "$OUT" "^profile +$(ere "$want")\$" "$4: explain says $want"
	is "$(jrun "$1" hostname 2>&1)" "$3" "  ... and the jail's hostname is $3"
}

host=$(hostname)

# --- nothing at all: the built-in default -------------------------------------
selects "$u" builtin "$host" "no file at all"

# --- default.conf beats the built-in default ---------------------------------
put default.conf jt-default
selects "$u" default.conf jt-default "default.conf only"
selects "$v" default.conf jt-default "default.conf only (user in no group)"

# --- groups/ beats default.conf; a user not in the group is unaffected ------
put "groups/$gb.conf" jt-group-b
selects "$u" "groups/$gb.conf" jt-group-b "groups/$gb.conf and default.conf"
selects "$v" default.conf jt-default "a user not in $gb"

# --- users/ beats groups/ ------------------------------------------------------
profile "$u" "hostname = \"jt-user\"
$VOL"
selects "$u" "users/$u.conf" jt-user "users/ and groups/ and default.conf"
printf 'hostname = "jt-user"\nbogus = 1\n' > "$CONF/users/$u.conf"
capture jrun "$u" 'echo RAN-MARKER'
is "$RC" 125 "a broken users/ profile: refused (125), not the group's or default.conf"
like "$ERR" "$(ere "$CONF/users/$u.conf"):2: " "  ... naming the file and line"
unlike "$OUT" RAN-MARKER "  ... and the command did not run"
selects "$v" default.conf jt-default "  (the other user still gets default.conf)"
rm -f "$CONF/users/$u.conf"

# --- two groups: alphabetical order, unless group_order says otherwise --------
put "groups/$ga.conf" jt-group-a
selects "$u" "groups/$ga.conf" jt-group-a "groups $ga and $gb, no group_order: alphabetical"
selects "$v" default.conf jt-default "a user in neither group"

printf 'group_order = { "%s" }\n' "$gb" > "$CONF/jailsh.conf"
chmod 644 "$CONF/jailsh.conf"
selects "$u" "groups/$gb.conf" jt-group-b "group_order = { \"$gb\" }"

printf 'group_order = { "jt-no-such-group", "%s", "%s" }\n' "$gb" "$ga" \
	> "$CONF/jailsh.conf"
selects "$u" "groups/$gb.conf" jt-group-b "group_order naming a group the user is not in first"

printf 'group_order = { "%s", "%s" }\n' "$ga" "$gb" > "$CONF/jailsh.conf"
selects "$u" "groups/$ga.conf" jt-group-a "group_order = { \"$ga\", \"$gb\" }"

# A profile that exists but may not be used is an error, never a reason
# to try the next one.
chmod 666 "$CONF/groups/$ga.conf"
capture jrun "$u" 'echo RAN-MARKER'
is "$RC" 125 "the chosen group profile is writable by others: refused (125), not the next group's"
like "$ERR" "$(ere "$CONF/groups/$ga.conf") is writable" "  ... naming the file"
unlike "$OUT" RAN-MARKER "  ... and the command did not run"
chmod 644 "$CONF/groups/$ga.conf"

# group_order names a group with no profile: the next one is tried
rm -f "$CONF/groups/$ga.conf"
selects "$u" "groups/$gb.conf" jt-group-b "group_order's first group has no profile"
selects "$v" default.conf jt-default "  (and a user in neither group still gets default.conf)"
rm -f "$CONF/jailsh.conf"

# --- the user's primary group counts too ------------------------------------
pg=$(id -gn "$u")
at_exit "rm -f '$CONF/groups/$pg.conf'"
put "groups/$pg.conf" jt-primary
rm -f "$CONF/groups/$gb.conf"
selects "$u" "groups/$pg.conf" jt-primary "a profile for the user's primary group $pg"
rm -f "$CONF/groups/$pg.conf"

# --- back to nothing -----------------------------------------------------------
rm -f "$CONF/groups/$ga.conf" "$CONF/groups/$gb.conf"
selects "$u" default.conf jt-default "the group profiles gone: default.conf again"
rm -f "$CONF/default.conf"
selects "$u" builtin "$host" "default.conf gone: the built-in default again"

done_testing
