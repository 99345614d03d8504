#!/bin/bash
# jailsh run nests, and a nested jail can only narrow.
#
# Eight levels of jailsh run, one inside the other, each adding a
# restriction of its own, and all of them keeping one directory (d1)
# writable as a way out for the innermost level's writes:
#   1  --tmpfs h1 (hides the host's h1)      5  --tmpfs d1/h5, --hostname jt-l5
#   2  --net none                            6  --tmpfs ~ (hides the home)
#   3  --tmpfs h3                            7  --tmpfs h7
#   4  --map d1/ro4 d1/ro4 (read-only)       8  --net host (the default)
# At the innermost level every one still holds: h1, h3, h7, d1/h5 and the
# home are empty, d1/ro4 is readable but not writable, only lo and no
# connection to the host, the hostname is level 5's; and the pid
# namespace is nine deep (the host's and eight), with jailsh's init as pid
# 1, the user's uid, no capabilities, no_new_privs and a filter; a write to
# d1 lands on the host. The same eight levels also run inside a jailsh
# login session (ten pid namespaces deep).
#
# An inner level cannot widen: a --vol of what the outer level mapped
# read-only, of the home (read-only in every jail), and of what it hid, a
# --net host under --net none: none of them writes to the host or sees
# what the outer level took away (controls: the same inner --vol under an
# outer --vol does write).
#
# Bubblewrap (Debian's, not setuid: user namespaces) runs inside a jailsh
# run jail, inside a login session, and inside a run in a login session,
# and cannot make writable what the jail made read-only.
. "$(dirname "$0")/lib.sh"
adhoc_setup
adhoc_listener
EROFS='Read-only file system'

huser U
luser W
# the login session's profile, with the tree that W's levels write to
profile "$W" "shell = \"/bin/bash\"
volume \"~\" {}
map \"$JAILSH_TEST_ROOT\" {}
volume \"$A/nw\" {}"

# tree USER DIR: the directories the levels work on, owned by USER, each
# with a file that shows whether the host's directory is seen
tree() {
	install -d -m 755 -o "$1" -g "$(id -g "$1")" "$2" "$2/d1" "$2/d1/ro4" \
		"$2/d1/h5" "$2/h1" "$2/h3" "$2/h7" "$2/w" "$2/h"
	for d in d1/ro4 d1/h5 h1 h3 h7 h; do
		echo "host-$(basename "$d")" > "$2/$d/f"
		chown "$1" "$2/$d/f"
	done
}
tree "$U" "$A/nu"
tree "$W" "$A/nw"
install -d -m 755 "$A/dst"

# level.sh K JAILSH-HERE JAILSH-INSIDE BASE PORT: level K's jail, then the
# next level inside it; after level 8, checks.sh
cat > "$A/level.sh" <<'EOF'
#!/bin/sh
k=$1 j=$2 jn=$3 b=$4 port=$5
c=$(dirname "$0")
[ "$k" -gt 8 ] && exec sh "$c/checks.sh" "$b" "$port"
set -- --vol "$b/d1" "$b/d1"
case $k in
1) set -- "$@" --tmpfs "$b/h1" ;;
2) set -- "$@" --net none ;;
3) set -- "$@" --tmpfs "$b/h3" ;;
4) set -- "$@" --map "$b/d1/ro4" "$b/d1/ro4" ;;
5) set -- "$@" --tmpfs "$b/d1/h5" --hostname jt-l5 ;;
6) set -- "$@" --tmpfs "$HOME" ;;
7) set -- "$@" --tmpfs "$b/h7" ;;
8) set -- "$@" --net host ;;
esac
exec "$j" run "$@" -- sh "$c/level.sh" $((k + 1)) "$jn" "$jn" "$b" "$port"
EOF
# checks.sh BASE PORT: what the innermost level sees, KEY=VALUE
cat > "$A/checks.sh" <<'EOF'
#!/bin/sh
b=$1 port=$2
c=$(dirname "$0")
w() { { echo "$2" > "$1"; } 2>&1 && echo written; }
echo "ID=$(id -u)"
echo "HOSTNAME=$(uname -n)"
echo "IFACES=$(awk 'NR > 2 { sub(":", "", $1); print $1 }' /proc/net/dev | sort | paste -sd, -)"
echo "NET=$(/usr/bin/python3 "$c/connect.py" "$port" 2>&1)"
for d in h1 h3 h7 d1/h5; do
	echo "LS_$(basename "$d")=$(ls -A "$b/$d" 2>&1 | paste -sd, -)"
done
echo "LS_HOME=$(ls -A "$HOME" 2>&1 | paste -sd, -)"
echo "RO4=$(cat "$b/d1/ro4/f" 2>&1)"
echo "RO4W=$(w "$b/d1/ro4/new" inner)"
echo "D1W=$(w "$b/d1/from-inner" inner)"
echo "VARTMP=$(w /var/tmp/jt-nest-$$ inner)"
echo "PID1=$(cat /proc/1/comm)"
echo "JAILSHS=$(ps -e -o comm= | grep -c '^jailsh$')"
echo "SLEEPS=$(ps -e -o comm= | grep -c '^sleep$')"
cat /proc/self/status
echo DONE
# for the host to look at: the innermost process, until it is killed
exec sleep 3600
EOF
chmod 755 "$A/level.sh" "$A/checks.sh"

# a process of the user outside, which no level may see
as_user "$U" sleep 300 2>/dev/null &  # ended with the user at exit
disown $!

# chain USER CMD: runs CMD (which starts the eight levels) as USER, waits
# for the innermost level to print DONE and sleep, then finds that sleep
# on the host (a sleep of the user in a pid namespace other than the
# host's), takes its NSpid (the host's pid, then one per nested pid
# namespace) and its status as the host sees it (NSPID, HSTATUS), and
# kills it; OUT, ERR and RC as capture gives them
chain() {
	_cf=$_state/chain
	as_user "$1" sh -c "$2" > "$_cf.out" 2> "$_cf.err" &
	_cj=$!
	NSPID= HSTATUS= _cp=
	if wait_file 60 "$_cf.out" '^DONE$'; then
		for _i in $(seq 50); do
			for _p in $(live_pids "$1" sleep); do
				_n=$(awk '/^NSpid:/ { print NF - 1 }' "/proc/$_p/status" 2>/dev/null)
				[ "${_n:-1}" -gt 1 ] && _cp=$_p && NSPID=$_n
			done
			[ -n "$_cp" ] && break
			sleep 0.1
		done
	fi
	[ -n "$_cp" ] && HSTATUS=$(cat "/proc/$_cp/status") && kill -TERM "$_cp"
	for _i in $(seq 100); do
		kill -0 "$_cj" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$_cj" 2>/dev/null && kill -KILL "$_cj"
	wait "$_cj"
	RC=$?
	OUT=$(cat "$_cf.out")
	ERR=$(cat "$_cf.err")
}

# innermost WHO USER BASE DEPTH: the assertions on OUT
innermost() {
	_w=$1 _u=$2 _b=$3
	like "$OUT" '(^|\n)DONE(\n|$)' "$_w: eight nested levels of jailsh run: the innermost ran"
	[ -n "$(field ID)" ] || diag "$ERR"
	is "$RC" 143 "$_w: killed by SIGTERM, the innermost command's 143 comes out through every level"
	is "$NSPID" "$4" "$_w: the innermost command is $4 pid namespaces deep (as the host sees it)"
	creds_ok "$_w: ... and the host sees it with the user's ids, no capabilities, no_new_privs, a filter" \
		"$_u" "$HSTATUS"
	is "$(field ID)" "$(id -u "$_u")" "$_w: it runs with the user's uid"
	creds_ok "$_w: no capabilities, no_new_privs, a filter" "$_u" "$OUT"
	is "$(field PID1)" jailsh "$_w: pid 1 is jailsh's init"
	is "$(field JAILSHS)/$(field SLEEPS)" "1/0" \
		"$_w: no process of the outer levels or the host is seen"
	is "$(field LS_h1)" "" "$_w: level 1's --tmpfs h1 still hides h1"
	is "$(field IFACES)" lo "$_w: level 2's --net none: only lo"
	like "$(field NET)" '^connect: ' "$_w: ... and no connection to the host's listener"
	is "$(field LS_h3)" "" "$_w: level 3's --tmpfs h3 still hides h3"
	is "$(field RO4)" host-ro4 "$_w: level 4's map d1/ro4 is readable"
	like "$(field RO4W)" "$EROFS" "$_w: ... and not writable (through the --vol of d1 at levels 5-8)"
	is "$(field LS_h5)" "" "$_w: level 5's --tmpfs d1/h5 still hides it (under the --vol of d1 at levels 6-8)"
	is "$(field HOSTNAME)" jt-l5 "$_w: level 5's hostname holds where no inner level sets one"
	is "$(field LS_HOME)" "" "$_w: level 6's --tmpfs ~ still hides the home"
	ok "$_w: control: the home on the host is not empty" [ -n "$(ls -A "$(home "$_u")")" ]
	is "$(field LS_h7)" "" "$_w: level 7's --tmpfs h7 hides h7"
	like "$(field VARTMP)" "$EROFS" "$_w: /var/tmp is read-only"
	is "$(field D1W)" written "$_w: d1, a --vol at every level, is writable"
	is "$(cat "$_b/d1/from-inner" 2>&1)/$(stat -c %U "$_b/d1/from-inner" 2>&1)" "inner/$_u" \
		"$_w: ... the write lands on the host, owned by the user"
	is "$(ls -A "$_b/d1/ro4")" f "$_w: nothing was written in ro4 on the host"
	for d in h1 h3 h7 d1/h5; do
		is "$(ls -A "$_b/$d")/$(cat "$_b/$d/f")" "f/host-$(basename "$d")" \
			"$_w: the host's $d is unchanged"
	done
}

chain "$U" "sh $A/level.sh 1 $J $JC $A/nu $PORT"
innermost "from the host" "$U" "$A/nu" 9

chain "$W" "$J -c 'sh $A/level.sh 1 $JC $JC $A/nw $PORT'"
innermost "in a login session" "$W" "$A/nw" 10

# --- an inner level cannot widen ------------------------------------------------
inner=$JC
capture jr "$U" --vol "$A/nu/w" "$A/nu/w" -- "$inner" run --vol "$A/nu/w" "$A/nu/w" -- \
	sh -c "echo x > '$A/nu/w/ctl' && echo written"
is "$OUT" written "control: an inner --vol under an outer --vol is writable"
ok "  ... and the write lands on the host" [ -f "$A/nu/w/ctl" ]
rm -f "$A/nu/w/ctl"
capture jr "$U" --map "$A/nu/w" "$A/nu/w" -- "$inner" run --vol "$A/nu/w" "$A/nu/w" -- \
	sh -c "echo x > '$A/nu/w/new' && echo written"
unlike "$OUT" written "an inner --vol of what the outer level mapped read-only: the write fails"
diag "  (exit $RC: $(printf '%s' "$ERR" | head -n 2 | tr '\n' '|'))"
ok "  ... and nothing appears on the host" [ ! -e "$A/nu/w/new" ]
capture jr "$U" --map "$A/nu/w" "$A/nu/w" -- "$inner" run --vol "$A/nu/w" "$A/dst" -- \
	sh -c "echo x > '$A/dst/new' && echo written"
unlike "$OUT" written "  ... also at another DST"
ok "  ... and nothing appears on the host" [ ! -e "$A/nu/w/new" -a ! -e "$A/dst/new" ]

capture jr "$U" --vol "$U_H" "$U_H" -- touch "$U_H/jt-ctl"
is "$RC" 0 "control: a --vol of the home makes it writable"
rm -f "$U_H/jt-ctl"
capture jr "$U" -- "$inner" run --vol "$U_H" "$U_H" -- sh -c "touch '$U_H/jt-widen' && echo written"
unlike "$OUT" written "an inner --vol of the home, read-only in the outer jail: the write fails"
ok "  ... and nothing appears on the host" [ ! -e "$U_H/jt-widen" ]

capture jr "$U" --tmpfs "$A/nu/h" -- "$inner" run --vol "$A/nu/h" "$A/nu/h" -- \
	sh -c "ls -A '$A/nu/h'; echo x > '$A/nu/h/new'"
unlike "$OUT" '(^|\n)f(\n|$)' "an inner --vol of what the outer level hid: the host's file is not seen"
is "$(ls -A "$A/nu/h")/$(cat "$A/nu/h/f")" "f/host-h" "  ... and the host's directory is unchanged"

capture jr "$U" --net none -- "$inner" run --net host -- sh -c \
	"$IFACES; $PY $A/connect.py $PORT"
like "$OUT" '^lo\n' "an inner --net host under an outer --net none: only lo"
like "$OUT" '\nconnect: ' "  ... and no connection to the host's listener"

capture jr "$U" --tmpfs "$A/nu/h" -- "$inner" run --map "$A/nu/h/f" "$A/dst" -- echo jt-ran
is "$RC" 125 "an inner --map of a file the outer level hid: refused (it does not exist there)"

# --- bubblewrap -------------------------------------------------------------------
BW=$(command -v bwrap)
if [ -z "$BW" ]; then
	skip "no bwrap (bubblewrap) on this host"
else
	BWRO="$BW --ro-bind / / --dev /dev --proc /proc"
	capture as_user "$U" $BWRO sh -c 'echo bw-ok; id -u'
	if [ "$OUT" = "bw-ok
$U_UID" ]; then
		pass "control: bwrap works for the user outside any jail"
		capture jr "$U" -- $BWRO sh -c 'echo bw-ok; id -u'
		is "$RC/$OUT" "0/bw-ok
$U_UID" "bwrap runs inside a jailsh run jail, as the user"
		[ "$RC" = 0 ] || diag "$ERR"
		capture jr "$U" -- $BW --unshare-all --ro-bind / / --dev /dev \
			--proc /proc --tmpfs /tmp sh -c 'echo bw-ok'
		is "$RC/$OUT" "0/bw-ok" "  ... also with --unshare-all"
		[ "$RC" = 0 ] || diag "$ERR"
		capture as_user "$U" $BW --bind / / --dev /dev --proc /proc touch "$U_H/jt-bwctl"
		is "$RC" 0 "control: outside, bwrap --bind / / can write in the home"
		rm -f "$U_H/jt-bwctl"
		capture jr "$U" -- $BW --bind / / --dev /dev --proc /proc touch "$U_H/jt-bw"
		like "$ERR" "$EROFS" "  ... in the jail it cannot: EROFS"
		ok "  ... and nothing appears on the host" [ ! -e "$U_H/jt-bw" ]
		capture jrun "$W" "$BWRO sh -c 'echo bw-ok; id -u'"
		is "$RC/$OUT" "0/bw-ok
$W_UID" "bwrap runs inside a jailsh login session"
		[ "$RC" = 0 ] || diag "$ERR"
		capture jrun "$W" "$J run -- $BWRO sh -c 'echo bw-ok; id -u'"
		is "$RC/$OUT" "0/bw-ok
$W_UID" "bwrap runs inside a jailsh run inside a login session"
		[ "$RC" = 0 ] || diag "$ERR"
	else
		skip "bwrap does not work for users outside a jail here: $OUT $ERR"
	fi
fi

ok "no process of $W is left" no_live_processes "$W" 5
host_same "at the end"
done_testing
