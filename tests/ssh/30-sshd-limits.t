#!/bin/bash
# What sshd does outside the shell, and what the README's sshd settings
# turn off. sshd runs with the README's two Match blocks (sshd-jailed and
# sshd-forcecommand, for throwaway groups); users:
#
#   L   login shell jailsh (README setup-login-shell)
#   F   login shell /bin/sh, ForceCommand jailsh (README setup-forcecommand)
#   FB  like F, but with login shell bash: shows why the README wants /bin/sh
#   C   control: in neither group, login shell bash, sshd's defaults
#
# A python3 server on the host's 127.0.0.1 (a free port, and a Unix socket)
# logs every connection it accepts and greets it with "hello-from-host".
# For L and F, ssh -L, -W and -R, to the TCP port or the Unix socket, are
# refused and the server sees nothing; for C the same requests reach it.
#
# Back doors around the jail: ~/.bashrc, ~/.profile and ~/.ssh/rc that
# write a marker into the host's /var/tmp (outside every volume). For F
# and L nothing appears after "ssh host true", an interactive ssh -tt
# session, and scp (both protocols); L's bash reads its startup files only
# inside the jail, where /var/tmp is read-only. For FB the ~/.bashrc
# marker appears, for C the ~/.ssh/rc one.
. "$(dirname "$0")/../lib/ssh.sh"
. "$(dirname "$0")/../lib/integration.sh"
. "$(dirname "$0")/../lib/capture.sh"

GL=jtg$$l	# jailed
GF=jtg$$f	# jailed-ssh
# The ForceCommand names the jailsh under test: its path ($J) is needed
# before sshd starts, so the private installation is made (or found) here,
# with the harness's cleanup already in place; ssh_setup finds it again.
require_root
trap '_cleanup' EXIT
_ensure_install
ssh_setup "$(readme_snippet sshd-jailed jailed "$GL")
$(readme_snippet sshd-forcecommand jailed-ssh "$GF" /usr/sbin/jailsh "$J")"
[ -x /bin/bash ] || skip_all "no /bin/bash"
command -v scp >/dev/null || skip_all "no scp"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || skip_all "no python3"
T=$SSHD_DIR	# removed at exit
MARK=/var/tmp/jt-marker-$$
at_exit "rm -f $MARK-*"
at_exit "rm -f /tmp/jt-rsock-$$-*"

# --- users ------------------------------------------------------------------
at_exit "groupdel $GL 2>/dev/null"
at_exit "groupdel $GF 2>/dev/null"
ssh_user L /bin/bash
eval "$(readme_snippet setup-login-shell alice "$L" /usr/sbin/jailsh "$J" \
	/etc/jailsh "$CONF" jailed "$GL")"
ssh_user F /bin/bash
eval "$(readme_snippet setup-forcecommand bob "$F" jailed-ssh "$GF")"
ssh_user FB /bin/bash "$GF"
ssh_user C /bin/bash
is "$(getent passwd "$L" | cut -d: -f7) $(id -nG "$L" | grep -wo "$GL")" \
	"$J $GL" "setup-login-shell: L's login shell is jailsh, L is in the group"
ok "  ... and L has a profile" test -f "$CONF/users/$L.conf"
is "$(getent passwd "$F" | cut -d: -f7) $(id -nG "$F" | grep -wo "$GF")" \
	"/bin/sh $GF" "setup-forcecommand: F's login shell is /bin/sh, F is in the group"

# --- the server on the host -------------------------------------------------
SRV_LOG=$T/server.log SRV_SOCK=$T/host.sock
: > "$SRV_LOG"
greeter --log "$SRV_LOG" hello-from-host 127.0.0.1:0 "unix:$SRV_SOCK"
SRV_PORT=$GREETER_PORT
conns() { wc -l < "$SRV_LOG" | tr -d ' '; }
# probe HOST:PORT | unix:PATH: what a connection there receives (EMPTY if
# it is closed without a word, ERR: ... if it cannot be made)
probe() { "$PY" "$TOP/tests/lib/jtnet.py" fetch --fail "ERR: %s" "$1"; }
is "$(probe "127.0.0.1:$SRV_PORT") $(probe "unix:$SRV_SOCK") $(conns)" \
	"hello-from-host hello-from-host 2" \
	"control: the server on 127.0.0.1:$SRV_PORT and $SRV_SOCK answers"
: > "$SRV_LOG"

# the ssh client itself in the background ($! is ssh, not a subshell)
SSH="ssh $(ssh_opts) -p $SSHD_PORT -o ConnectTimeout=10 -o ExitOnForwardFailure=yes"
# tssh USER ARGS...: jssh, given up after 30 seconds
tssh() {
	_tu=$1; shift
	timeout 30 ssh $(ssh_opts) -p "$SSHD_PORT" -o ConnectTimeout=10 \
		"$_tu@127.0.0.1" "$@"
}
# logged REGEX N: sshd's log has more than N lines that match (the lines
# of its session processes reach the log through the monitor, a moment
# later)
logged() { [ "$(grep -c -- "$1" "$SSHD_LOG")" -gt "$2" ]; }
stop() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

# --- forwarding ---------------------------------------------------------------
# forwarding NAME USER refused|works
forwarding() {
	_n=$1 _u=$2 _want=$3
	before=$(conns)

	# -L to the host's port: the local end listens in any case (it is the
	# client's); the channel through it is what sshd refuses
	lport=$(_free_port)
	r0=$(grep -c "refused local port forward.*target 127.0.0.1 port $SRV_PORT\\b" "$SSHD_LOG")
	$SSH -N -L "127.0.0.1:$lport:127.0.0.1:$SRV_PORT" "$_u@127.0.0.1" \
		</dev/null >/dev/null 2>"$T/err" &
	pid=$!
	wait_for 10 listening "$lport"
	got=$(probe "127.0.0.1:$lport")
	stop "$pid"
	if [ "$_want" = works ]; then
		is "$got" hello-from-host "$_n: ssh -L to 127.0.0.1:PORT reaches the host's server"
	else
		is "$got" EMPTY "$_n: ssh -L: a connection through the forward is closed at once"
		ok "  ... sshd refused it (its log says so)" wait_for 5 \
			logged "refused local port forward.*target 127.0.0.1 port $SRV_PORT\\b" "$r0"
	fi

	# -W
	if [ "$_want" = works ]; then
		ssh_forward_W "$_n" "$_u" "$SRV_PORT" hello-from-host
	else
		ssh_forward_W "$_n" "$_u" "$SRV_PORT" -
	fi

	# -R: sshd would listen on the host's 127.0.0.1:RPORT
	rport=$(_free_port)
	if [ "$_want" = works ]; then
		$SSH -N -R "127.0.0.1:$rport:127.0.0.1:$SRV_PORT" "$_u@127.0.0.1" \
			</dev/null >/dev/null 2>"$T/err" &
		pid=$!
		wait_for 10 listening "$rport"
		got=$(probe "127.0.0.1:$rport")
		stop "$pid"
		is "$got" hello-from-host "$_n: ssh -R: sshd listens on the host, and it reaches the server"
	else
		timeout 20 $SSH -N -R "127.0.0.1:$rport:127.0.0.1:$SRV_PORT" \
			"$_u@127.0.0.1" </dev/null >/dev/null 2>"$T/err"; rc=$?
		ok "$_n: ssh -R is refused (exit $rc): $(head -c 100 "$T/err")" \
			test "$rc" = 255
		ok "  ... and nothing listens on the host's 127.0.0.1:$rport" \
			eval '! listening "$rport"'
	fi

	# -L from a local Unix socket to the host's Unix socket
	lsock=$T/l-$_u.sock
	r0=$(grep -c "refused streamlocal port forward.*$SRV_SOCK" "$SSHD_LOG")
	$SSH -N -o StreamLocalBindUnlink=yes -L "$lsock:$SRV_SOCK" "$_u@127.0.0.1" \
		</dev/null >/dev/null 2>"$T/err" &
	pid=$!
	wait_for 10 test -S "$lsock"
	got=$(probe "unix:$lsock")
	stop "$pid"
	if [ "$_want" = works ]; then
		is "$got" hello-from-host "$_n: ssh -L LOCAL-SOCKET:HOST-SOCKET reaches the host's socket"
	else
		is "$got" EMPTY "$_n: ssh -L LOCAL-SOCKET:HOST-SOCKET: a connection through it is closed at once"
		ok "  ... sshd refused it (its log says so)" wait_for 5 \
			logged "refused streamlocal port forward.*$SRV_SOCK" "$r0"
	fi

	# -R to a Unix socket that sshd would make on the host
	rsock=/tmp/jt-rsock-$$-$_u
	if [ "$_want" = works ]; then
		$SSH -N -R "$rsock:127.0.0.1:$SRV_PORT" "$_u@127.0.0.1" \
			</dev/null >/dev/null 2>"$T/err" &
		pid=$!
		wait_for 10 test -S "$rsock"
		got=$(probe "unix:$rsock")
		stop "$pid"
		is "$got" hello-from-host "$_n: ssh -R SOCKET: sshd makes it on the host, and it reaches the server"
	else
		timeout 20 $SSH -N -R "$rsock:127.0.0.1:$SRV_PORT" "$_u@127.0.0.1" \
			</dev/null >/dev/null 2>"$T/err"; rc=$?
		ok "$_n: ssh -R SOCKET is refused (exit $rc): $(head -c 100 "$T/err")" \
			test "$rc" = 255
		ok "  ... and no socket appears on the host" test ! -e "$rsock"
	fi

	after=$(conns)
	if [ "$_want" = works ]; then
		is "$((after - before))" 5 "$_n: the host's server saw the 5 connections"
	else
		is "$((after - before))" 0 "$_n: the host's server never saw a connection"
	fi
}

forwarding "control C (no Match block)" "$C" works
forwarding "login-shell user L" "$L" refused
forwarding "ForceCommand user F" "$F" refused

# --- back doors: startup files and ~/.ssh/rc --------------------------------
# plant USER: ~/.bashrc and ~/.profile that write $MARK-USER-bashrc (and
# say where they ran: the mount namespace), ~/.ssh/rc that writes
# $MARK-USER-rc; each also leaves a note in the home directory, which is
# a volume in the jail, to show that it ran at all.
host_mnt=$(readlink /proc/self/ns/mnt)
plant() {
	_h=$(home "$1")
	cat > "$_h/.bashrc" <<EOF
echo "bashrc ran: mnt=\$(readlink /proc/\$\$/ns/mnt)" >&2
echo bashrc >> \$HOME/.bashrc-ran
echo bashrc >> $MARK-$1-bashrc
EOF
	cat > "$_h/.profile" <<EOF
echo profile >> $MARK-$1-bashrc
. \$HOME/.bashrc
EOF
	cat > "$_h/.ssh/rc" <<EOF
echo rc >> \$HOME/.rc-ran
echo rc >> $MARK-$1-rc
EOF
	chown "$1:" "$_h/.bashrc" "$_h/.profile" "$_h/.ssh/rc"
	rm -f "$_h/.bash_profile" "$_h/.bash_login"
	head -c 1000 /dev/urandom > "$T/upload"
}
markers() { ls "$MARK-$1-"* 2>/dev/null | sed "s|^$MARK-$1-||" | tr '\n' ' '; }

# ways_in NAME USER: "ssh host true", an interactive ssh -tt session, scp
# (sftp protocol) and scp -O (scp protocol); each must work
ways_in() {
	_n=$1 _u=$2 _h=$(home "$2")
	out=$(tssh "$_u" true 2>&1); rc=$?
	is "$rc" 0 "$_n: ssh host true works"
	true_out=$out
	out=$(printf 'echo PID-$$-$((6*7))\nexit\n' | tssh "$_u" -tt 2>&1)
	like "$out" PID-2-42 "$_n: an interactive ssh -tt session works, in a jail (its shell is pid 2)"
	tt_out=$out
	for o in "" -O; do
		rm -f "$_h/upload"
		timeout 30 scp $o $(ssh_opts) -P "$SSHD_PORT" "$T/upload" \
			"$_u@127.0.0.1:upload" >"$T/err" 2>&1
		rc=$?
		ok "$_n: scp $o works (exit $rc)" cmp -s "$T/upload" "$_h/upload"
		[ "$rc" = 0 ] || diag "$(cat "$T/err")"
	done
}

plant "$F"
ways_in "ForceCommand user F" "$F"
is "$(markers "$F")" "" "  ... and no ~/.bashrc, ~/.profile or ~/.ssh/rc of F ran outside the jail"
ok "  ... nor ~/.ssh/rc at all" test ! -e "$(home "$F")/.rc-ran"

plant "$FB"
out=$(tssh "$FB" true 2>&1)
like "$(markers "$FB")" '(^| )bashrc( |$)' \
	"control: with login shell bash under the same ForceCommand, ~/.bashrc runs on the host (why the README says /bin/sh)"
like "$out" "bashrc ran: mnt=$(ere "$host_mnt")" "  ... in the host's mount namespace"

plant "$C"
tssh "$C" true >/dev/null 2>&1
like "$(markers "$C")" '(^| )rc( |$)' "control: without the Match block, ~/.ssh/rc runs (and writes on the host)"

plant "$L"
ways_in "login-shell user L" "$L"
is "$(markers "$L")" "" "  ... and nothing of L's wrote to the host's /var/tmp"
ok "  ... ~/.ssh/rc never ran (PermitUserRC no)" test ! -e "$(home "$L")/.rc-ran"
ok "  ... bash's startup files did run (they wrote to the home volume)" \
	test -s "$(home "$L")/.bashrc-ran"
like "$true_out" "bashrc ran: mnt=" "  ... ssh host true: ~/.bashrc ran"
unlike "$true_out" "mnt=$(ere "$host_mnt")" "  ... not in the host's mount namespace"
like "$true_out" "$(ere "$MARK-$L-bashrc"): Read-only file system" \
	"  ... and its write to /var/tmp failed with EROFS"
like "$tt_out" "$(ere "$MARK-$L-bashrc"): Read-only file system" \
	"  ... the same in the interactive session"

for u in "$L" "$F"; do
	ok "no live process of $u is left" no_live_processes "$u"
done
done_testing
