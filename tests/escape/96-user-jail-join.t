#!/bin/bash
# Joining a user's jail as an attack surface (issue 12; the CVE-2022-31214
# pattern: a login that joins namespaces something else set up). A login
# finds the jail in the registry (root's directory, a socket per jail)
# and takes the jail's init from whoever answers there; none of it is
# trusted:
#
#   - a stale socket (its warden gone) is replaced: the login makes a new
#     jail, jailed;
#   - a forged warden (root, as only root can be there) that hands over
#     the init of another user's jail, a root process, an unjailed
#     process of the user's own, or the init of one of the user's session
#     jails (a jail, but not one this warden made): the login is refused
#     (125, one line), and nothing of the user's runs there;
#   - another user's login never lands in the user's jail;
#   - a registry directory that others could write to refuses logins;
#   - logins racing a jail that is being stopped either run jailed (in the
#     old jail or a new one) or are refused, never unjailed;
#   - while logins come and go (shell and PAM), no process of root's ever
#     shows in the jail's /proc (the joining front end stays outside the
#     jail's pid namespace until it is the user).
# Positive controls: the forged warden is reached (the login got its
# answer), the registry works when it is as it should be.
. "$(dirname "$0")/modes.sh"
esc_setup
esc_modes
RUN=$JAILSH_TEST_ROOT/run
FAKE=$_state/fakewarden
gcc -O2 -Wall -I"$TOP/src" -I"$JAILSH_TEST_ROOT/build" -o "$FAKE" \
	"$TOP/tests/userjail/probes/fakewarden.c" 2>"$_state/gcc.log" ||
	{ diag "$(cat "$_state/gcc.log")"; skip_all "cannot build the forged warden"; }

JAILED='printf "NNP=%s NS=%s\n" "$(sed -n "s/^NoNewPrivs:[[:space:]]*//p" /proc/self/status)" "$(readlink /proc/self/ns/pid)"'
HOSTNS=$(readlink /proc/self/ns/pid)
# jailed_out TEXT: TEXT says jailed (no_new_privs, a pid namespace not the
# host's)
jailed_out() { _matches "$1" "^NNP=1 NS=pid:\\[[0-9]+\\]\$" && ! _matches "$1" "$(ere "$HOSTNS")"; }

user a "$J"
user b "$J"
ah=$(home "$a")
for x in "$a" "$b"; do
	profile "$x" 'jail = "user"
linger = "30s"
volume "~" {}'
done
sock_a=$RUN/user-$(id -u "$a").sock
stop_all() { $J stop "$a" >/dev/null 2>&1; $J stop "$b" >/dev/null 2>&1; }
at_exit "stop_all"

# --- control -------------------------------------------------------------------
capture jrun "$a" "$JAILED"
ok "control: a login of a user jail runs jailed" jailed_out "$OUT"
$J stop "$a" >/dev/null

# --- a stale socket ---------------------------------------------------------------------
python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); s.bind(sys.argv[1])" "$sock_a"
ok "control: a stale socket is in the registry" test -S "$sock_a"
capture jrun "$a" "$JAILED"
ok "a stale socket is replaced: the login makes a new jail, jailed" jailed_out "$OUT"
$J stop "$a" >/dev/null

# --- forged wardens -------------------------------------------------------------------------
# forged DESC PID: a forged warden hands PID over as the jail's init
forged() {
	local fout=$_state/fake.out
	rm -f "$sock_a" "$ah/ran"
	"$FAKE" "$sock_a" "$2" > "$fout" 2>&1 &
	local fpid=$!
	wait_for 5 grep -q listening "$fout"
	capture jrun "$a" "touch ~/ran; $JAILED"
	wait "$fpid"
	if [ ! -e "$sock_a" ] && grep -q listening "$fout"; then
		pass "control: $1: the forged warden was asked"
	else
		skip "control: $1: the forged warden was not reached ($(cat "$fout"))"
	fi
	is "$RC $([ -e "$ah/ran" ] && echo ran || echo not-run)" "125 not-run" \
		"$1: the login is refused, and runs nothing"
	like "$ERR" "^jailsh: [^
]*(not a process of yours|not in a jail|not one that jailsh made|no such process)[^
]*\$" "  ... with one line that says why"
}

# another user's jail
jrun "$b" true
binit=$(for p in $(live_pids "$b" jailsh); do
	awk -v p="$p" '/^NSpid:/ && NF == 3 && $3 == 1 { print p }' "/proc/$p/status"
done | head -n 1)
ok "control: user b's jail runs (init $binit)" [ -n "$binit" ]
forged "another user's jail" "$binit"
# a root process
sleep 60 & rootp=$!
forged "a root process" "$rootp"
kill "$rootp"
# the user's own process, not jailed
as_user "$a" sleep 60 & ownp=$!
sleep 0.2
forged "an unjailed process of the user's" "$(pgrep -u "$a" -x sleep | head -n 1)"
kill "$ownp" 2>/dev/null
# one of the user's session jails (a jail, but another warden's)
user s "$J"
profile "$s" 'volume "~" {}'
as_user "$s" "$J" -c 'touch ~/up; exec sleep 60' &
sessp=$!
wait_for 10 test -e "$(home "$s")/up"
sinit=$(for p in $(live_pids "$s" jailsh); do
	awk -v p="$p" '/^NSpid:/ && NF == 3 && $3 == 1 { print p }' "/proc/$p/status"
done | head -n 1)
# it must be a's for the uid check to pass: make one of a's own
profile "$a" 'volume "~" {}'
as_user "$a" "$J" -c 'touch ~/sess-up; exec sleep 60' &
asess=$!
wait_for 10 test -e "$ah/sess-up"
ainit=$(for p in $(live_pids "$a" jailsh); do
	awk -v p="$p" '/^NSpid:/ && NF == 3 && $3 == 1 { print p }' "/proc/$p/status"
done | head -n 1)
profile "$a" 'jail = "user"
linger = "30s"
volume "~" {}'
forged "one of the user's session jails" "$ainit"
kill "$asess" "$sessp" 2>/dev/null
for p in $(live_pids "$a") $(live_pids "$s"); do kill -KILL "$p" 2>/dev/null; done
rm -f "$sock_a"

# --- another user's login ---------------------------------------------------------------------
capture jrun "$a" 'readlink /proc/self/ns/pid'
ans=$OUT
capture jrun "$b" 'readlink /proc/self/ns/pid'
ok "another user's login never lands in the user's jail" [ -n "$OUT" -a "$OUT" != "$ans" ]
stop_all

# --- the registry directory --------------------------------------------------------------------
chmod 0755 "$RUN"
capture jrun "$a" "touch ~/ran2; $JAILED"
chmod 0700 "$RUN"
is "$RC $([ -e "$ah/ran2" ] && echo ran || echo not-run)" "125 not-run" \
	"a registry directory others may enter refuses the login"
like "$ERR" "^jailsh: [^
]*$(ere "$RUN") must be a directory of root's that nobody else may enter" "  ... naming it"
capture jrun "$a" "$JAILED"
ok "control: with the directory as it should be, the login runs jailed" jailed_out "$OUT"

# --- logins racing a jail that is stopped ---------------------------------------------------
rm -f "$_state"/race-*
for i in $(seq 30); do
	( capture jrun "$a" "$JAILED"; printf '%s %s\n' "$RC" "$OUT" > "$_state/race-$i" ) &
	[ "$i" = 10 ] && $J stop "$a" >/dev/null 2>&1 &
done
wait
bad=0; ran=0; refused=0
for f in "$_state"/race-*; do
	read -r rc rest < "$f"
	if [ "$rc" = 0 ] && jailed_out "$rest"; then ran=$((ran + 1))
	elif [ "$rc" != 0 ] && [ -z "$rest" ]; then refused=$((refused + 1))
	else bad=$((bad + 1)); diag "race: $(cat "$f")"; fi
done
diag "30 logins racing a stop: $ran ran jailed, $refused refused"
is "$bad" 0 "logins racing a jail being stopped run jailed or are refused, never unjailed"
stop_all

# --- no root process in the jail while logins come and go ----------------------------------
# rootseen.sh N: N rounds of listing the processes of root's it can see
put_script "$a" rootseen.sh <<'EOF'
for i in $(seq "$1"); do
	for s in /proc/[0-9]*/status; do
		awk '/^Uid:/ && $2 == 0 { print FILENAME }' "$s" 2>/dev/null
	done
	sleep 0.05
done
EOF
like "$(as_user "$a" sh "$ah/rootseen.sh" 1 | head -n 1)" "^/proc/[0-9]+/status\$" \
	"control: outside a jail, the watcher sees root's processes"
jrun "$a" 'nohup sh ~/rootseen.sh 100 > ~/rootseen 2>&1 &'
for i in $(seq 10); do jrun "$a" true; done
if [[ " $MODES " == *" P "* ]]; then
	user pp /bin/bash
	profile "$pp" 'jail = "user"
linger = "10s"
volume "~" {}'
	pph=$(home "$pp")
	cp "$ah/rootseen.sh" "$pph/rootseen.sh"
	jrun "$pp" 'nohup sh ~/rootseen.sh 100 > ~/rootseen 2>&1 &'
	for i in $(seq 10); do pamrun "$pp" -c true </dev/null >/dev/null 2>&1; done
fi
sleep 6
ok "control: the watcher ran in the jail" test -e "$ah/rootseen"
is "$(cat "$ah/rootseen" 2>/dev/null)" "" "shell logins: no root process ever showed in the jail"
if [[ " $MODES " == *" P "* ]]; then
	is "$(cat "$pph/rootseen" 2>/dev/null)" "" "PAM logins: no root process ever showed in the jail"
else
	skip "PAM mode: $ESC_PAM_WHY"
fi

done_testing
