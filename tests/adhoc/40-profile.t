#!/bin/bash
# jailsh run --profile NAME: the administrator's CONFDIR/profiles/NAME.conf
# as the starting point of an ad-hoc jail, applied without privilege.
#
#   - its network, hostname, volume, map, tmpfs and hide apply (each shown
#     against a run without --profile, where none of them does);
#   - a volume of the profile is only as writable as the user can write its
#     source on the host (a root-owned directory stays read-only), and a
#     source the user cannot reach refuses the jail: the profile gives no
#     privilege;
#   - options add on top (a --vol, a --tmpfs, and a --hostname that
#     replaces the profile's), and the profile's restrictions still hold;
#   - the user's own login profile (users/USER.conf) is not what run uses;
#   - refused with exit 125, one line, nothing run: a NAME.conf owned by
#     the user, writable by others or by its group, a symbolic link, one
#     that does not parse (the message names the file and line); a NAME
#     that does not exist; a NAME with a slash or "..", even when the file
#     it leads to is a valid root-owned profile; an empty NAME.
#   - it works the same from inside a jailsh login session.
. "$(dirname "$0")/lib.sh"
adhoc_setup
adhoc_listener
EROFS='Read-only file system'

huser U
PD=$CONF/profiles
if [ ! -d "$PD" ]; then
	install -d -m 755 "$PD"
	at_exit "rm -rf '$PD'"
fi
N=jt$$
at_exit "rm -rf '$PD'/$N*"

# what the profile works on
as_user "$U" mkdir "$U_H/pvol" "$U_H/extra"
install -d -m 755 -o "$U" "$A/pmapsrc"
echo pmapped > "$A/pmapsrc/f"
chown "$U" "$A/pmapsrc/f"
for d in pmapdst ptmp phide prootonly extradst extratmp; do
	install -d -m 755 "$A/$d"
	echo "host-$d" > "$A/$d/f"
done
rm -f "$A/pmapdst/f" "$A/extradst/f"

# nprofile NAME TEXT [MODE]: CONFDIR/profiles/NAME.conf, root's
nprofile() {
	printf '%s\n' "$2" > "$PD/$1.conf"
	chmod "${3:-644}" "$PD/$1.conf"
}
nprofile "$N" "network  = \"none\"
hostname = \"jt-prof\"
volume \"~/pvol\" {}
map \"$A/pmapsrc\" { target = \"$A/pmapdst\" }
tmpfs \"$A/ptmp\" {}
hide = { \"$A/phide\" }
volume \"$A/prootonly\" {}"

# what a jail looks like, KEY=VALUE
cat > "$A/look.sh" <<'EOF'
#!/bin/sh
a=$1 port=$2
w() { { echo "$2" > "$1"; } 2>&1 && echo written; }
echo "HOST=$(uname -n)"
echo "IFACES=$(awk 'NR > 2 { sub(":", "", $1); print $1 }' /proc/net/dev | sort | paste -sd, -)"
echo "NET=$(/usr/bin/python3 "$a/connect.py" "$port" 2>&1)"
echo "PVOL=$(w "$HOME/pvol/new" inner)"
echo "HOMEW=$(w "$HOME/jt-homew" inner)"
echo "PMAP=$(cat "$a/pmapdst/f" 2>&1)"
echo "PMAPW=$(w "$a/pmapdst/f" inner)"
echo "PTMP=$(ls -A "$a/ptmp" 2>&1 | paste -sd, -)"
echo "PTMPW=$(w "$a/ptmp/new" inner)"
echo "PHIDE=$(ls -A "$a/phide" 2>&1 | paste -sd, -)"
echo "ROOTONLY=$(cat "$a/prootonly/f" 2>&1)"
echo "ROOTONLYW=$(w "$a/prootonly/f" inner)"
echo "EXTRAW=$(w "$a/extradst/new" inner)"
echo "EXTRATMP=$(ls -A "$a/extratmp" 2>&1 | paste -sd, -)"
cat /proc/self/status
EOF
chmod 755 "$A/look.sh"
LOOK="sh $A/look.sh $A $PORT"

# --- without --profile: none of it ------------------------------------------------
capture jr "$U" -- sh "$A/look.sh" "$A" "$PORT"
is "$RC" 0 "control: without --profile the look runs"
is "$(field HOST)" "$(uname -n)" "control: without --profile, the host's name"
is "$(field NET)" "$LTXT" "control: ... the host's network"
like "$(field PVOL)" "$EROFS" "control: ... ~/pvol read-only"
is "$(field PMAP)" "cat: $A/pmapdst/f: No such file or directory" "control: ... nothing at the map's target"
is "$(field PTMP)/$(field PHIDE)" "f/f" "control: ... the host's ptmp and phide"

# --- with it ------------------------------------------------------------------------
capture jr "$U" --profile "$N" -- sh "$A/look.sh" "$A" "$PORT"
is "$RC" 0 "--profile $N: exit 0"
[ "$RC" = 0 ] || diag "$ERR"
is "$(field HOST)" jt-prof "  ... the profile's hostname"
is "$(field IFACES)" lo "  ... its network = none: only lo"
like "$(field NET)" '^connect: ' "  ... and no connection to the host's listener"
is "$(field PVOL)" written "  ... its volume ~/pvol is writable"
is "$(cat "$U_H/pvol/new" 2>&1)/$(stat -c %U "$U_H/pvol/new" 2>&1)" "inner/$U" \
	"  ... the write lands on the host, owned by the user"
like "$(field HOMEW)" "$EROFS" "  ... the rest of the home is read-only"
ok "  ... and nothing appears there on the host" [ ! -e "$U_H/jt-homew" ]
is "$(field PMAP)" pmapped "  ... its map shows the source at the target"
like "$(field PMAPW)" "$EROFS" "  ... read-only"
is "$(cat "$A/pmapsrc/f")" pmapped "  ... and the host file is unchanged"
is "$(field PTMP)" "" "  ... its tmpfs is empty"
is "$(field PTMPW)" written "  ... and writable"
is "$(field PHIDE)" "" "  ... its hide is empty"
is "$(ls -A "$A/ptmp")/$(ls -A "$A/phide")" "f/f" "  ... the host's ptmp and phide are unchanged"
is "$(field ROOTONLY)" host-prootonly "  ... a volume of a root-owned directory shows its file"
like "$(field ROOTONLYW)" 'Permission denied' "  ... but is not writable: the user's rights only"
is "$(cat "$A/prootonly/f")" host-prootonly "  ... and the host file is unchanged"
creds_ok "  ... the user's ids, no capabilities, no_new_privs, a filter" "$U" "$OUT"

# --- options on top ---------------------------------------------------------------
capture jr "$U" --profile "$N" --vol "$U_H/extra" "$A/extradst" --tmpfs "$A/extratmp" \
	--hostname jt-over -- sh "$A/look.sh" "$A" "$PORT"
is "$RC" 0 "--profile $N with options on top: exit 0"
[ "$RC" = 0 ] || diag "$ERR"
is "$(field EXTRAW)" written "  ... the option's --vol is writable"
is "$(cat "$U_H/extra/new" 2>&1)" inner "  ... and the write lands on the host"
is "$(field EXTRATMP)" "" "  ... the option's --tmpfs is empty"
is "$(field HOST)" jt-over "  ... the option's --hostname replaces the profile's"
is "$(field IFACES)" lo "  ... the profile's network = none still holds"
is "$(field PVOL)/$(field PHIDE)/$(field PMAP)" "written//pmapped" \
	"  ... and so do its volume, hide and map"

# --- the user's login profile is not run's ------------------------------------------
profile "$U" 'hostname = "jt-userprof"
volume "~" {}'
capture jr "$U" -- sh -c "uname -n; touch ~/jt-up"
is "$OUT" "$(uname -n)" "a users/USER.conf of the user's does not apply to run: the host's name"
ok "  ... and the home stays read-only" [ ! -e "$U_H/jt-up" ]
rm -f "$CONF/users/$U.conf"

# --- refusals -----------------------------------------------------------------------
RUN="echo jt-ran"
nprofile "$N-user" 'hostname = "jt-bad"'
chown "$U" "$PD/$N-user.conf"
capture jr "$U" --profile "$N-user" -- sh -c "$RUN"
refused "a profile owned by the user"
like "$ERR" "$(ere "$N-user.conf").*owned by uid $U_UID" "  ... the message names the file and its owner"
nprofile "$N-ow" 'hostname = "jt-bad"' 666
capture jr "$U" --profile "$N-ow" -- sh -c "$RUN"
refused "a profile writable by others"
like "$ERR" 'writable by group or others' "  ... the message says so"
nprofile "$N-gw" 'hostname = "jt-bad"' 664
chgrp "$(id -g "$U")" "$PD/$N-gw.conf"
capture jr "$U" --profile "$N-gw" -- sh -c "$RUN"
refused "a profile writable by the user's group"
like "$ERR" 'writable by group or others' "  ... the message says so"
ln -s "$PD/$N.conf" "$PD/$N-link.conf"
capture jr "$U" --profile "$N-link" -- sh -c "$RUN"
refused "a profile that is a symbolic link (to a valid one)"
like "$ERR" 'symbolic link' "  ... the message says so"
nprofile "$N-syntax" 'hostname = "jt-bad"
no_such_option = 1'
capture jr "$U" --profile "$N-syntax" -- sh -c "$RUN"
refused "a profile that does not parse"
like "$ERR" "$(ere "$N-syntax.conf"):2" "  ... the message names the file and line"
capture jr "$U" --profile "$N-nonexistent" -- sh -c "$RUN"
refused "a profile that does not exist"
install -d -m 700 "$A/vault"
install -d -m 755 "$A/vault/inner"
echo "jt-inner-$$" > "$A/vault/inner/canary"
chmod 644 "$A/vault/inner/canary"
nprofile "$N-vault" "map \"$A/vault/inner\" { target = \"$A/pmapdst\" }"
capture jr "$U" --profile "$N-vault" -- sh -c "$RUN; cat $A/pmapdst/canary"
refused "a profile that maps what the user cannot reach (in a root-only directory)"
unlike "$OUT" "jt-inner-$$" "  ... and the file there is not shown"
nprofile "$N-missing" "volume \"/nonexistent-jt-$$\" {}"
capture jr "$U" --profile "$N-missing" -- sh -c "$RUN"
refused "a profile with a volume that does not exist"

# names: a valid root-owned profile at the end of each, so that only the
# name can be the reason
profile "$U" 'hostname = "jt-escaped"'
capture jr "$U" --profile "../users/$U" -- sh -c "$RUN; uname -n"
refused "NAME ../users/USER (a valid root-owned file)"
unlike "$OUT" jt-escaped "  ... and its hostname never shows"
rm -f "$CONF/users/$U.conf"
install -d -m 755 "$PD/$N-sub"
nprofile "$N-sub/p" 'hostname = "jt-sub"'
capture jr "$U" --profile "$N-sub/p" -- sh -c "$RUN; uname -n"
refused "NAME with a slash (sub/p, a valid root-owned file)"
capture jr "$U" --profile "../profiles/$N" -- sh -c "$RUN"
refused "NAME ../profiles/NAME (the valid profile, through ..)"
capture jr "$U" --profile ".." -- sh -c "$RUN"
refused "NAME .."
capture jr "$U" --profile "" -- sh -c "$RUN"
refused "an empty NAME"
capture jr "$U" --profile
refused "--profile without NAME"

# --- from inside a login session -------------------------------------------------------
luser W
capture jrun "$W" "mkdir -p ~/pvol && $J run --profile $N -- sh $A/look.sh $A $PORT"
is "$RC" 0 "in a login session: --profile $N: exit 0"
[ "$RC" = 0 ] || diag "$ERR"
is "$(field HOST)/$(field IFACES)/$(field PVOL)/$(field PHIDE)" "jt-prof/lo/written/" \
	"  ... its hostname, network, volume and hide apply"
capture jrun "$W" "$J run --profile $N-ow -- sh -c '$RUN'"
refused "in a login session: a profile writable by others"

ok "no process of $U is left" no_live_processes "$U" 5
host_same "at the end"
done_testing
