#!/bin/bash
# Services on the host that act for the user (issue 10, item 2): what a
# jailed session could ask them to do would happen outside the jail.
#
# Each technique is tried from a session of a throwaway user U in three
# ways: W, jailsh -c (as the login shell would); P, a PAM-jailed session
# (pamrun, under a PAM service of the test's own); S, ssh to a private
# sshd whose PAM stack ends with the module. P's and S's stacks have a
# pam_env line before the module that sets XDG_RUNTIME_DIR and
# DBUS_SESSION_BUS_ADDRESS as pam_systemd does; W's jailsh is given them
# in its environment. Every attack has its control: the same primitive,
# outside the jail (or with the profile's explicit opt-out), working.
#
#   runtime dir   a stand-in for systemd --user and the session bus (U's
#                 process, outside any jail) listens on /run/user/UID/
#                 systemd/private and /run/user/UID/bus and runs what it
#                 is sent: from the jail both connects fail; the jail's
#                 /run/user/UID is an empty tmpfs of the session's own,
#                 U's, mode 0700, XDG_RUNTIME_DIR names it and
#                 DBUS_SESSION_BUS_ADDRESS is unset; runtime_dir = "host"
#                 gives the host's back, and the service runs the command
#                 (the control); jailsh run does the same, --profile too
#   screen        a screen session U started outside is neither listed
#                 nor reachable (screen -X stuff types into it), the
#                 jail's /run/screen is empty; screen works in the jail
#   tmux          a tmux server U started outside (/tmp/tmux-UID) is
#                 neither listed nor reachable: /tmp is private
#   abstract      with network = "host", an abstract Unix socket U's
#                 process listens on outside cannot be connected to
#                 (Landlock scoping, ABI >= 6; skipped with the reason
#                 where the kernel has less), while the jail's own work
#   signals       a command of U's that jailsh enter started in the
#                 session's jail from outside (in its pid namespace, not in
#                 its Landlock domain) cannot be signalled from the session
#                 (Landlock signal scoping), and under PAM neither can the
#                 init that holds the jail; U outside can. A pidfd of U's
#                 process outside, handed in through a socket in the home,
#                 cannot signal it (the pid namespace already refuses). The
#                 jail's own processes signal each other.
#   drop_groups   a group listed in jailsh.conf's root_groups (a stand-in
#                 for docker) that U is in: jailsh check and explain warn;
#                 with drop_groups the jail has it nowhere (id -G,
#                 /proc/self/status) and explain says it is dropped;
#                 jailsh run --profile refuses a profile that drops it
#   no /run/user  on a host without /run/user (a mount namespace of the
#                 test's own whose /run is a fresh tmpfs), the session
#                 still gets its /run/user/UID, and /run's entries are
#                 there as on the host
#   signals that must work: job control in an interactive jailed shell
#                 (W and P, on a pseudo-terminal), SIGTERM and SIGHUP to
#                 the jailsh outside reach the shell, jailsh enter into a
#                 session's jail can still signal its processes.
. "$(dirname "$0")/modes.sh"
esc_setup
esc_pam || skip_all "PAM cannot be used here: $ESC_PAM_WHY"
command -v setpriv >/dev/null || skip_all "no setpriv"
DRIVE=$TOP/tests/lib/pty-drive

# --- the user, and what runs for it outside ----------------------------------
sshd_with_pam
ssh_user U /bin/bash
UH=$(home "$U")
UID_U=$(id -u "$U")
GID_U=$(id -g "$U")
esc_probes "$U"
R=/run/user/$UID_U
if [ ! -d /run/user ]; then
	install -d -m 755 /run/user
	at_exit "rmdir /run/user 2>/dev/null"
fi
[ ! -e "$R" ] || { echo "Bail out! $R exists already"; exit 1; }
install -d -m 700 -o "$U" -g "$GID_U" "$R"
at_exit "rm -rf '$R'"

# PAM (P and S): the environment pam_systemd would give, before the module.
# The stand-in plays the user manager: pam_systemd itself is left out of
# both stacks (where systemd runs, it would start the real one and mount
# logind's tmpfs over $R; 94-user-manager.t tries the real thing).
ENVF=$_state/env
printf 'XDG_RUNTIME_DIR=%s\nDBUS_SESSION_BUS_ADDRESS=unix:path=%s/bus\n' "$R" "$R" > "$ENVF"
ENVLINE="session required pam_env.so readenv=1 user_readenv=0 envfile=$ENVF"
# no_systemd FILE: FILE with its @include files written out, without
# pam_systemd and pam_jailsh
no_systemd() {
	pam_stack "$1" | while IFS= read -r _l; do
		case $_l in
		"@include "*) no_systemd "/etc/pam.d/${_l#@include }" ;;
		*) printf '%s\n' "$_l" ;;
		esac
	done | grep -v -e pam_systemd -e pam_jailsh
}
SVC=jt-svc-$$
pam_service "$SVC" "$(no_systemd /etc/pam.d/runuser-l)
$ENVLINE
$PAM_LINE"
SF=/etc/pam.d/$SSHD_SERVICE
{ no_systemd /etc/pam.d/sshd; echo "$ENVLINE"; echo "$PAM_LINE"; } > "$_state/sshd.pam"
cat "$_state/sshd.pam" > "$SF"
is "$(tail -n 2 "$SF" | head -n 1)" "$ENVLINE" "sshd's stack sets the environment before the module"
unlike "$(cat "$SF" "/etc/pam.d/$SVC")" "pam_systemd|@include" "  ... and neither stack has pam_systemd"

# jx MODE CMD: CMD in a session of U; stdout and stderr in OUT, status in RC
jx() {
	case $1 in
	W) OUT=$(as_user "$U" env XDG_RUNTIME_DIR="$R" \
		DBUS_SESSION_BUS_ADDRESS="unix:path=$R/bus" "$J" -c "$2" 2>&1 </dev/null) ;;
	P) OUT=$("$PAMRUN" "$SVC" "$U" -c "$2" 2>&1 </dev/null) ;;
	S) OUT=$(jssh "$U" "$2" 2>&1 </dev/null) ;;
	esac
	RC=$?
}
name() { case $1 in W) echo jailsh ;; P) echo PAM ;; S) echo sshd ;; esac; }
alive() { kill -0 "$1" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }
# bg_user VAR LOG CMD...: CMD as U in the background, outside any jail
bg_user() {
	_bv=$1 _bl=$2; shift 2
	as_user "$U" "$@" > "$_bl" 2>&1 &
	eval "$_bv=\$!"
	disown $!
}

HOSTMNT=$(host_ns mnt)
bg_user SVCP "$_state/svc.out" "$PY" "$PROBES/svc.py" serve "$R/systemd/private" "$R/bus"
ok "the stand-in service of U listens on $R/systemd/private and $R/bus" \
	wait_for 5 grep -q LISTENING "$_state/svc.out"
ABS=jt-abs-$$
bg_user ABSP "$_state/abs.out" "$PY" "$PROBES/abstract.py" serve "$ABS"
wait_for 5 grep -q LISTENING "$_state/abs.out"
bg_user PFDP "$_state/pidfd.out" "$PY" "$PROBES/pidfd.py" serve "$UH/.jt-pidfd"
wait_for 5 grep -q LISTENING "$_state/pidfd.out"
ABI=$("$PY" "$ESC_SRC/pidfd.py" landlock)
ABI=${ABI#ABI=}
diag "Landlock on this kernel: ABI ${ABI}"
SCOPED=
[ "${ABI%% *}" -ge 6 ] 2>/dev/null && SCOPED=1

# --- controls, outside --------------------------------------------------------
OUT=$(as_user "$U" "$PY" "$PROBES/svc.py" connect "$R/systemd/private" "echo out > ~/.svc-out")
is "$OUT" "CONNECT=RAN $HOSTMNT" "control: outside, the stand-in runs what U sends to $R/systemd/private"
ok "  ... it ran: ~/.svc-out is there" test -e "$UH/.svc-out"
OUT=$(as_user "$U" "$PY" "$PROBES/svc.py" connect "$R/bus" "true")
is "$OUT" "CONNECT=RAN $HOSTMNT" "control: outside, and what U sends to $R/bus"

HAVE_SCREEN=
if command -v screen >/dev/null; then
	SCR=jt-scr-$$
	as_user "$U" screen -dmS "$SCR" sh
	wait_for 5 eval 'as_user "$U" screen -ls | grep -q "$SCR"'
	OUT=$(as_user "$U" screen -ls 2>&1)
	control "outside, screen -ls lists U's session $SCR" \
		_matches "$OUT" "\\.$SCR\\s" && HAVE_SCREEN=1
	if [ -n "$HAVE_SCREEN" ]; then
		as_user "$U" screen -S "$SCR" -X stuff "$(printf 'echo scr > ~/.scr-out\r')"
		control "outside, screen -X stuff types into it (~/.scr-out written by its shell)" \
			wait_for 5 test -e "$UH/.scr-out" || HAVE_SCREEN=
	fi
else
	skip "no screen here (Debian's screen package)"
fi
HAVE_TMUX=
if command -v tmux >/dev/null; then
	TMX=jt-tmux-$$
	as_user "$U" env TERM=xterm tmux -f /dev/null new-session -d -s "$TMX" sh
	OUT=$(as_user "$U" tmux ls 2>&1)
	control "outside, tmux ls lists U's session $TMX (socket in /tmp/tmux-$UID_U)" \
		_matches "$OUT" "^$TMX:" && HAVE_TMUX=1
	if [ -n "$HAVE_TMUX" ]; then
		as_user "$U" tmux send-keys -t "$TMX" 'echo tm > ~/.tm-out' Enter
		control "outside, tmux send-keys types into it (~/.tm-out)" \
			wait_for 5 test -e "$UH/.tm-out" || HAVE_TMUX=
	fi
else
	skip "no tmux here (Debian's tmux package)"
fi
OUT=$(as_user "$U" "$PY" "$PROBES/abstract.py" connect "$ABS")
control "outside, U reaches its own abstract socket @$ABS" \
	test "$OUT" = "CONNECT=HELLO-$ABS"
sleeper V0 "$U"
OUT=$(as_user "$U" "$PY" "$PROBES/pidfd.py" kill "$UH/.jt-pidfd" "$V0")
control "outside, a pidfd of U's process, handed over the socket, kills it" \
	test "$OUT" = "KILL=ok"
wait_for 2 eval "! alive $V0"

# --- what a session can reach -------------------------------------------------------
# inspect TAG: the commands a session runs (the runtime dir, the services)
inspect() {
	cat <<EOF
echo "XDG=\${XDG_RUNTIME_DIR-unset}"
echo "DBUS=\${DBUS_SESSION_BUS_ADDRESS-unset}"
echo "LS=\$(ls -A $R 2>&1 | tr '\n' ' ')"
echo "STAT=\$(stat -c '%U %a %F' $R 2>&1)"
echo "FS=\$(stat -f -c %T $R 2>&1)"
echo "RUNUSER=\$(ls -A /run/user 2>&1 | tr '\n' ' ')"
touch $R/f 2>/dev/null && mkdir $R/d 2>/dev/null && echo WRITE=ok
$PY ~/.probes/svc.py connect $R/systemd/private 'echo $1 > ~/.svc-$1' | sed s/^/P-/
$PY ~/.probes/svc.py connect \${XDG_RUNTIME_DIR:-$R}/bus 'echo $1 > ~/.svcbus-$1' | sed s/^/B-/
EOF
}

for M in W P S; do
	N=$(name "$M")
	esc_profile "$U" ''
	jx "$M" 'echo "MNT=$(readlink /proc/self/ns/mnt) NNP=$(sed -n "s/^NoNewPrivs:[[:space:]]*//p" /proc/self/status)"'
	like "$OUT" "MNT=mnt:\\[[0-9]+\\] NNP=1" "$N: the session is jailed (no_new_privs)"
	unlike "$OUT" "MNT=$(ere "$HOSTMNT") " "  ... in a mount namespace that is not the host's"

	# --- the runtime directory ------------------------------------------------
	T=$M$$
	rm -f "$UH/.svc-$T" "$UH/.svcbus-$T"
	jx "$M" "$(inspect "$T")"
	is "$(val XDG)" "$R" "$N: XDG_RUNTIME_DIR is $R"
	is "$(val DBUS)" unset "$N: DBUS_SESSION_BUS_ADDRESS is unset"
	is "$(val LS)" "" "$N: $R is empty"
	is "$(val STAT)" "$U 700 directory" "$N: $R is U's, mode 0700"
	is "$(val FS)" tmpfs "$N: $R is a tmpfs"
	is "$(val RUNUSER)" "$UID_U " "$N: /run/user holds nothing else"
	is "$(val WRITE)" ok "$N: $R is writable"
	is "$(val P-CONNECT)" "ERR No such file or directory" "$N: systemd --user's socket $R/systemd/private cannot be reached"
	is "$(val B-CONNECT)" "ERR No such file or directory" "$N: the session bus $R/bus cannot be reached"
	ok "  ... and the service ran nothing" test ! -e "$UH/.svc-$T" -a ! -e "$UH/.svcbus-$T"
	ok "$N: the host's $R is as it was (nothing written there)" \
		test ! -e "$R/f" -a ! -e "$R/d"

	esc_profile "$U" 'runtime_dir = "host"'
	T=H$M$$
	jx "$M" "$(inspect "$T")"
	is "$(val P-CONNECT)" "RAN $HOSTMNT" "$N: control: runtime_dir = \"host\": the service outside runs what the jail sends"
	ok "  ... it ran outside the jail (~/.svc-$T)" test -e "$UH/.svc-$T"
	is "$(val B-CONNECT)" "RAN $HOSTMNT" "$N: control: runtime_dir = \"host\": the session bus too"
	is "$(val DBUS)" "unix:path=$R/bus" "$N: runtime_dir = \"host\": DBUS_SESSION_BUS_ADDRESS is kept"
	esc_profile "$U" ''

	# --- screen and tmux ----------------------------------------------------------
	if [ -n "$HAVE_SCREEN" ]; then
		rm -f "$UH/.scr-in"
		jx "$M" "echo \"SCRDIR=\$(ls -A /run/screen 2>&1 | tr '\\n' ' ')\"
			screen -ls 2>&1 | sed 's/^/SCRLS: /'
			screen -S $SCR -X stuff \"\$(printf 'echo jail > ~/.scr-in\\r')\" >/dev/null 2>&1; echo SCRX=\$?
			screen -dmS inner sleep 30
			for i in \$(seq 50); do screen -ls 2>&1 | grep -q '\\.inner' && break; sleep 0.1; done
			screen -ls 2>&1 | grep -c '\\.inner' | sed s/^/INNER=/
			screen -S inner -X quit"
		unlike "$OUT" "SCRLS: .*$SCR" "$N: screen -ls does not list U's session outside"
		ok "$N: screen -X cannot reach it (exit $(val SCRX))" test "$(val SCRX)" != 0
		sleep 0.5
		ok "  ... nothing was typed into it (no ~/.scr-in)" test ! -e "$UH/.scr-in"
		is "$(val SCRDIR)" "" "$N: /run/screen is empty in the jail"
		is "$(val INNER)" 1 "$N: screen works in the jail (a session of its own, listed)"
	else
		skip_n 5 "screen: no working control here"
	fi
	if [ -n "$HAVE_TMUX" ]; then
		rm -f "$UH/.tm-in"
		jx "$M" "tmux ls >/dev/null 2>&1; echo TLS=\$?
			tmux send-keys -t $TMX 'echo jail > ~/.tm-in' Enter >/dev/null 2>&1; echo TSK=\$?
			test -S /tmp/tmux-$UID_U/default && echo TSOCK=yes || echo TSOCK=no"
		ok "$N: tmux ls finds no server (exit $(val TLS))" test "$(val TLS)" != 0
		ok "$N: tmux send-keys cannot reach U's server outside (exit $(val TSK))" test "$(val TSK)" != 0
		sleep 0.5
		ok "  ... nothing was typed into it (no ~/.tm-in)" test ! -e "$UH/.tm-in"
		is "$(val TSOCK)" no "$N: the jail's /tmp has no /tmp/tmux-$UID_U/default"
	else
		skip_n 4 "tmux: no working control here"
	fi

	# --- abstract sockets and signals, network = host ------------------------------
	esc_profile "$U" 'network = "host"'
	sleeper V1 "$U"
	jx "$M" "$PY ~/.probes/abstract.py connect $ABS | sed s/^/OUT-/
		$PY ~/.probes/abstract.py serve jt-in-$M >/dev/null & sleep 0.5
		$PY ~/.probes/abstract.py connect jt-in-$M | sed s/^/IN-/; kill \$!
		$PY ~/.probes/pidfd.py kill ~/.jt-pidfd $V1
		sleep 60 & kill \$!; wait \$!; echo OWNKILL=\$?
		kill -0 1 2>/dev/null; echo INIT=\$?"
	if [ -n "$SCOPED" ]; then
		is "$(val OUT-CONNECT)" "ERR Operation not permitted" "$N: network = host: U's abstract socket outside cannot be reached (Landlock)"
	else
		skip_n 1 "the kernel's Landlock ABI is ${ABI}: abstract socket scoping needs 6 (Linux 6.12)"
	fi
	ok "$N: a pidfd of U's process outside, handed in, cannot signal it ($(val KILL))" \
		test -n "$(val KILL)" -a "$(val KILL)" != ok
	ok "  ... it is still alive" alive "$V1"
	is "$(val IN-CONNECT)" "HELLO-jt-in-$M" "$N: an abstract socket of the jail's own works in the jail"
	is "$(val OWNKILL)" 143 "$N: the jail's own processes signal each other"
	if [ "$M" = W ]; then
		is "$(val INIT)" 0 "$N: the jail's init may still be signalled from the jail (kill -0 1)"
	elif [ -n "$SCOPED" ]; then
		is "$(val INIT)" 1 "$N: the init that holds the jail, outside the session's Landlock domain, cannot be signalled (kill -0 1)"
	else
		skip_n 1 "the kernel's Landlock ABI is ${ABI}: signal scoping needs 6"
	fi

	# a process of U's in the jail's pid namespace but started from
	# outside (jailsh enter): the session cannot signal it
	rm -f "$UH"/.sig-*
	( jx "$M" 'echo "$$ $(readlink /proc/self/ns/pid)" > ~/.sig-ready; i=0
		while [ ! -e ~/.sig-go ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done
		kill -TERM "$(cat ~/.sig-target)" 2>/dev/null
		echo $? > ~/.sig-result; i=0
		while [ ! -e ~/.sig-done ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done'
	  printf '%s\n' "$OUT" > "$_state/sig.out" ) &
	JOB=$!
	wait_for 30 test -s "$UH/.sig-ready"
	# the session's shell: its pid there and its pid namespace
	read -r SP SNS < "$UH/.sig-ready"
	SHP=
	for p in $(live_pids "$U" bash); do
		[ "$(awk '/^NSpid:/ { print $3 }' "/proc/$p/status")" = "$SP" ] &&
			[ "$(readlink "/proc/$p/ns/pid")" = "$SNS" ] && SHP=$p
	done
	as_user "$U" "$J" enter "$SHP" -- sh -c 'echo $$ > ~/.sig-target; exec sleep 300' \
		>"$_state/enter.out" 2>&1 &
	disown $!
	# the entered command's host pid, once it is the sleep
	find_ep() {
		EP=
		for p in $(live_pids "$U" sleep); do
			[ "$(awk '/^NSpid:/ { print $3 }' "/proc/$p/status")" = \
			  "$(cat "$UH/.sig-target" 2>/dev/null)" ] && EP=$p
		done
		[ -n "$EP" ]
	}
	wait_for 30 find_ep
	touch "$UH/.sig-go"
	wait_for 30 test -s "$UH/.sig-result"
	ok "$N: jailsh enter started a command in the session's jail (host pid $EP)" test -n "$EP"
	[ -n "$EP" ] ||
		diag "the session's shell: $SHP; enter said: $(cat "$_state/enter.out")"
	if [ -n "$SCOPED" ]; then
		is "$(cat "$UH/.sig-result")" 1 "$N: the session cannot signal it (Landlock: it is outside the session's domain)"
		ok "  ... it is still alive" alive "$EP"
	else
		skip_n 2 "the kernel's Landlock ABI is ${ABI}: signal scoping needs 6"
	fi
	[ -n "$EP" ] && as_user "$U" kill -TERM "$EP"
	ok "$N: control: outside, U signals it" wait_for 2 eval "! alive $EP"
	touch "$UH/.sig-done"
	wait "$JOB"
	kill "$V1" 2>/dev/null
	esc_profile "$U" ''
	ok "$N: nothing of U is left in a jail" \
		wait_for 5 eval '[ -z "$(live_pids "$U" jailsh)" ]'
done

# --- signals that must keep working ----------------------------------------------------
esc_profile "$U" ''
printf '%s\n' "PS1='JT-PROMPT> '" > "$UH/.bash_profile"
chown "$U" "$UH/.bash_profile"
for M in W P; do
	N=$(name "$M")
	case $M in
	W) set -- setpriv --reuid="$U" --regid="$GID_U" --init-groups --reset-env "$J" ;;
	P) set -- "$PAMRUN" "$SVC" "$U" ;;
	esac
	T=$({ jobs_script 15; cat <<'EOF'
send sleep 50 & kill -TERM %1; wait %1; echo K-$?-$((1+1))\n
expect K-143-2
send exit 0\n
EOF
} | timeout 120 "$DRIVE" "$@" 2>&1)
	RC=$?
	[ "$RC" = 0 ] || diag "$N: transcript: $(printf '%s' "$T" | tr -d '\r' | tail -n 20)"
	like "$T" 'Stopped +sleep 100' "$N: job control: ^Z stops the foreground job"
	like "$T" 'Running +sleep 100 &' "$N: job control: bg resumes it"
	like "$T" 'rc=130' "$N: job control: fg, then ^C interrupts it"
	like "$T" 'K-143-2' "$N: job control: kill %1 ends a background job"
	is "$RC" 0 "$N: the interactive session ends with status 0"
done

# SIGTERM and SIGHUP to the jailsh outside reach the shell through init
for S in TERM HUP; do
	rm -f "$UH/.fwd" "$UH/.fwd-ready"
	as_user "$U" "$J" -c "trap 'echo $S > ~/.fwd; exit 7' $S; touch ~/.fwd-ready; sleep 100 & wait" \
		>/dev/null 2>&1 &
	JOB=$!
	wait_for 10 test -e "$UH/.fwd-ready"
	OUTER=$(outer_jailsh "$U")
	ok "SIG$S: the jailsh outside is found ($OUTER)" test -n "$OUTER"
	kill -"$S" $OUTER
	wait "$JOB"
	RC=$?
	is "$(cat "$UH/.fwd" 2>/dev/null)" "$S" "SIG$S to the jailsh outside reaches the shell's trap (through init)"
	is "$RC" 7 "  ... and the session ends with the shell's status"
done

# jailsh enter into a session's jail: its command can still signal there
rm -f "$UH/.ent-ready"
as_user "$U" "$J" -c 'sleep 100 & echo $! > ~/.ent-ready; wait $!' >/dev/null 2>&1 &
JOB=$!
wait_for 10 test -s "$UH/.ent-ready"
SP=$(cat "$UH/.ent-ready")
TARGET=
for p in $(live_pids "$U" sleep); do
	[ "$(awk '/^NSpid:/ { print $3 }' "/proc/$p/status")" = "$SP" ] && TARGET=$p
done
OUT=$(as_user "$U" "$J" enter "$TARGET" -- sh -c "kill -TERM $SP && echo ENTERKILL=ok" 2>&1)
is "$(val ENTERKILL)" ok "jailsh enter: a command in the session's jail signals the session's process"
wait "$JOB"
is "$?" 143 "  ... and the session ended with it (the shell's 143)"

# --- drop_groups and root_groups ------------------------------------------------
G=jt-docker-$$
groupadd "$G" || { echo "Bail out! groupadd $G"; exit 1; }
at_exit "groupdel '$G' 2>/dev/null"
GG=$(getent group "$G" | cut -d: -f3)
usermod -a -G "$G" "$U"
if [ -e "$CONF/jailsh.conf" ]; then
	cp -p "$CONF/jailsh.conf" "$_state/jailsh.conf"
	at_exit "cp -p '$_state/jailsh.conf' '$CONF/jailsh.conf'"
else
	at_exit "rm -f '$CONF/jailsh.conf'"
fi
ok "control: outside, U is in $G (gid $GG)" eval 'as_user "$U" id -G | tr " " "\n" | grep -qx "$GG"'
for M in W P S; do
	N=$(name "$M")
	jx "$M" 'echo "IDG=$(id -G)"'
	like " $(val IDG) " " $GG " "$N: control: without drop_groups, the jail has $G (id -G)"
done
printf 'root_groups = { "%s" }\n' "$G" > "$CONF/jailsh.conf"
chmod 644 "$CONF/jailsh.conf"
OUT=$("$J" check 2>&1)
like "$OUT" "warning: user $U is in group $G.*root_groups" "jailsh check warns: U is in $G, a group of root_groups"
OUT=$("$J" explain "$U" 2>&1)
like "$OUT" "warning: user $U is in group $G.*root_groups" "jailsh explain warns too"
esc_profile "$U" "drop_groups = { \"$G\" }"
OUT=$("$J" explain "$U" 2>&1)
unlike "$OUT" "warning: user $U is in group $G" "with drop_groups, explain does not warn"
like "$OUT" "dropped.*$G" "  ... and says $G is dropped"
OUT=$("$J" check 2>&1)
unlike "$OUT" "warning: user $U is in group $G" "with drop_groups, check does not warn"
for M in W P S; do
	N=$(name "$M")
	jx "$M" 'echo "IDG=$(id -G)"; grep ^Groups: /proc/self/status'
	IDG=$(val IDG)
	GR=$(val Groups | tr '\t' ' ')
	ok "$N: drop_groups: id -G in the jail lacks $G ($IDG)" \
		eval '[ -n "$IDG" ] && ! _matches " $IDG " " $GG "'
	ok "  ... so does the Groups line of /proc/self/status ($GR)" \
		eval '_matches "$GR" "[0-9]" && ! _matches " $GR " " $GG "'
	like " $(val IDG) " " $GID_U " "  ... the primary group is still there"
done
install -d -m 755 "$CONF/profiles"
at_exit "rm -rf '$CONF/profiles'"
printf 'drop_groups = { "%s" }\n' "$G" > "$CONF/profiles/jt-drop-$$.conf"
capture as_user "$U" "$J" run --profile "jt-drop-$$" -- id -G
is "$RC" 125 "jailsh run --profile with drop_groups naming a group of the caller's: refused (125)"
like "$ERR" "drop_groups" "  ... saying why"
unlike "$OUT" "$GG" "  ... and nothing ran"
esc_profile "$U" ''

# --- jailsh run, and --profile -----------------------------------------------------
printf 'runtime_dir = "host"\n' > "$CONF/profiles/jt-rt-$$.conf"
T=R$$
rm -f "$UH/.svc-$T"
OUT=$(as_user "$U" env XDG_RUNTIME_DIR="$R" DBUS_SESSION_BUS_ADDRESS="unix:path=$R/bus" \
	"$J" run -- sh -c "$(inspect "$T")" 2>&1)
is "$(val XDG) $(val DBUS)" "$R unset" "jailsh run: XDG_RUNTIME_DIR is $R, DBUS_SESSION_BUS_ADDRESS unset"
is "$(val LS)|$(val STAT)|$(val FS)" "|$U 700 directory|tmpfs" "jailsh run: $R is an empty tmpfs, U's, 0700"
is "$(val P-CONNECT)" "ERR No such file or directory" "jailsh run: the service's socket cannot be reached"
T=RH$$
OUT=$(as_user "$U" env XDG_RUNTIME_DIR="$R" DBUS_SESSION_BUS_ADDRESS="unix:path=$R/bus" \
	"$J" run --profile "jt-rt-$$" -- sh -c "$(inspect "$T")" 2>&1)
is "$(val P-CONNECT)" "RAN $HOSTMNT" "control: jailsh run --profile with runtime_dir = \"host\" reaches it"

# --- a host without /run/user ---------------------------------------------------
# A mount namespace of the test's own, whose /run is a fresh tmpfs with a
# directory, a file, a symbolic link and a socket, and no user/
NOR=$_state/norun.sh
cat > "$NOR" <<EOF
mount -t tmpfs -o mode=755 jt-run /run || exit 90
mkdir /run/jt-dir && echo jt-file > /run/jt-dir/f && ln -s /dev/shm /run/shm
$PY -c 'import socket; socket.socket(socket.AF_UNIX).bind("/run/jt.sock")'
chmod 666 /run/jt.sock
setpriv --reuid="$U" --regid="$GID_U" --init-groups --reset-env "$J" -c '
	echo "RUNLS=\$(ls -A /run | sort | tr "\n" " ")"
	echo "STAT=\$(stat -c "%U %a %F" $R 2>&1)"; echo "FS=\$(stat -f -c %T $R 2>&1)"
	echo "XDG=\$XDG_RUNTIME_DIR"; echo "F=\$(cat /run/jt-dir/f)"
	echo "LINK=\$(readlink /run/shm)"; test -S /run/jt.sock && echo SOCK=yes
	touch /run/x 2>/dev/null && echo RUNW=yes || echo RUNW=no
	touch $R/x && echo RW=yes'
EOF
OUT=$(unshare -m --propagation private sh "$NOR" 2>&1)
is "$(val RUNLS)" "jt-dir jt.sock shm user " "no /run/user on the host: the jail's /run has the host's entries and user/"
is "$(val STAT)|$(val FS)|$(val XDG)" "$U 700 directory|tmpfs|$R" "  ... and $R, an empty tmpfs of U's (XDG_RUNTIME_DIR)"
is "$(val F)|$(val LINK)|$(val SOCK)" "jt-file|/dev/shm|yes" "  ... the host's file, link and socket as they are"
is "$(val RUNW)|$(val RW)" "no|yes" "  ... /run read-only, $R writable"

host_same "at the end"
ok "the stand-in service is still running (nothing killed it)" alive "$SVCP"
done_testing
