# tests/lib/ssh.sh: a private sshd, for the tests in tests/ssh/ (and,
# through pam.sh, tests/pam/ and tests/escape/).
#
# Debian's own OpenSSH server, on 127.0.0.1 and a free port, with its own
# host key, configuration, pid file and log, in a fresh directory; a client
# key for the throwaway users the tests create. The server is stopped by
# its pid when the test ends, whether it passes or not. Nothing listens
# anywhere but on loopback, and nothing is sent anywhere else.
#
#   ssh_setup [CONFIG-LINES]  start sshd; CONFIG-LINES go at the end of its
#                             sshd_config (Subsystem, Match blocks)
#   readme_snippet NAME [FROM TO]...  a snippet of README.md, with names
#                             replaced (FROM as a whole word, in order)
#   ssh_user VAR [SHELL] [GROUP]  a throwaway user who may log in with the
#                             client key, name in $VAR
#   jssh USER [SSH-ARGS...]   the ssh client, as root, to USER@127.0.0.1
#   ssh_opts                  jssh's options, for scp, sftp, rsync, git
#   sshd_diag [TEXT...]       TEXT and the end of sshd's log, as diagnostics
#   ssh_disconnect USER NAME SLEEPS INPUT SSH-ARGS...
#                             TAP: killing the ssh client ends the session
#   ssh_forward_W LABEL USER PORT GREETING|-
#                             TAP: ssh -W to the host's 127.0.0.1:PORT
#   ssh_together USER N DIR, ssh_together_end
#                             N sessions at the same time
#   (each is described where it is defined)
#   SSHD_PORT, SSHD_DIR, SSHD_LOG, SSH_KEY

. "$(dirname "$0")/../lib/harness.sh"
. "$TOP/tests/lib/integration.sh"

_sshd_base_config() {
	cat <<EOT
Port $SSHD_PORT
ListenAddress 127.0.0.1
HostKey $SSHD_DIR/host_ed25519
PidFile $SSHD_DIR/sshd.pid
UsePAM yes
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthorizedKeysFile .ssh/authorized_keys
StrictModes yes
PermitRootLogin no
MaxStartups 200
MaxSessions 100
LogLevel VERBOSE
AcceptEnv LANG LC_*
EOT
}

# A port nobody listens on (the kernel picks it; it is free again when the
# socket closes a moment later).
_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# _sshd_dir: SSHD_DIR, a fresh directory (removed at exit) with a host key
# and the client key (SSH_KEY); and sshd's privilege separation
# directory, /run/sshd, made as ssh.service makes it where it is missing.
# That one is left at exit: sshd needs it for every new connection, and
# another test's sshd may be running (removing it under that sshd reset
# each of its later connections).
_sshd_dir() {
	SSHD_DIR=$(mktemp -d /tmp/jailsh-sshd.XXXXXX)
	chmod 755 "$SSHD_DIR"
	at_exit "rm -rf '$SSHD_DIR'"
	SSH_KEY=$SSHD_DIR/client
	ssh-keygen -q -t ed25519 -N '' -f "$SSHD_DIR/host_ed25519" -C host
	ssh-keygen -q -t ed25519 -N '' -f "$SSH_KEY" -C jailsh-test
	install -d -m 755 /run/sshd
}

# _sshd_config FILE [CONFIG-LINES]: a free port in SSHD_PORT, and FILE the
# base configuration for it with CONFIG-LINES at the end
_sshd_config() {
	SSHD_PORT=$(_free_port)
	{ _sshd_base_config; printf '%s\n' "${2:-}"; } > "$1"
}

# _sshd_run SSHD [ARGS...]: checks the configuration (-t), then runs SSHD
# ARGS -D -e in the background, its log in SSHD_LOG, its pid in SSHD_PID
# (stopped at exit); returns once it listens on SSHD_PORT. SSHD is an
# absolute path (sshd re-executes itself, under the same name), or a
# command that runs one (nsenter ...).
_sshd_run() {
	"$@" -t || { echo "Bail out! sshd -t rejects the configuration"; exit 1; }
	"$@" -D -e 2>"$SSHD_LOG" &
	SSHD_PID=$!
	at_exit "kill $SSHD_PID 2>/dev/null; wait $SSHD_PID 2>/dev/null"
	wait_for 10 listening "$SSHD_PORT" && return 0
	echo "Bail out! sshd did not start:"; sed 's/^/# /' "$SSHD_LOG"
	exit 1
}

ssh_setup() {
	setup
	command -v /usr/sbin/sshd >/dev/null 2>&1 ||
		skip_all "openssh-server is not installed"
	_sshd_dir
	SSHD_LOG=$SSHD_DIR/sshd.log
	_sshd_config "$SSHD_DIR/sshd_config" "${1:-}"
	_sshd_run /usr/sbin/sshd -f "$SSHD_DIR/sshd_config"
}

# ssh_user VAR [SHELL] [GROUP]
ssh_user() {
	_su_name=$(new_user "${2:-$J}")
	[ -z "${3:-}" ] || usermod -a -G "$3" "$_su_name"
	# '*': no password, but not a locked account
	usermod -p '*' "$_su_name"
	_su_home=$(getent passwd "$_su_name" | cut -d: -f6)
	install -d -m 700 -o "$_su_name" -g "$(id -g "$_su_name")" "$_su_home/.ssh"
	install -m 600 -o "$_su_name" -g "$(id -g "$_su_name")" "$SSH_KEY.pub" \
		"$_su_home/.ssh/authorized_keys"
	eval "$1=\$_su_name"
}

# sshd_diag [TEXT...]: TEXT and the end of sshd's log as diagnostics, for a
# check whose ssh client failed in a way that its own output does not
# explain (a session that sshd or PAM refused shows there)
sshd_diag() {
	diag "$@" "sshd's log ($SSHD_LOG) ends:" "$(tail -n 15 "$SSHD_LOG" 2>/dev/null)"
}

# jssh USER [SSH-ARGS...]
jssh() {
	_js_user=$1; shift
	ssh -F /dev/null -p "$SSHD_PORT" -i "$SSH_KEY" -o IdentitiesOnly=yes \
		-o BatchMode=yes -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
		-o ConnectTimeout=10 "$_js_user@127.0.0.1" "$@"
}

# ssh_disconnect USER NAME SLEEPS INPUT SSH-ARGS...: TAP: a lost connection
# ends the session. The ssh client runs in the background (its standard
# input a fifo that INPUT is written to and that stays open); once USER
# runs SLEEPS sleep processes in a jail (its pid and mount namespaces),
# the client is killed with SIGKILL: within 2 s nothing of USER may run,
# and the host's mount table must be as it was. It starts once nothing of
# USER runs: a jail's init that was killed stays, exiting (state S, no
# memory), until the sshd child of its session, a zombie that sshd's
# monitor left to the host's pid 1, is reaped, which on some hosts takes
# seconds: the 2 s are this session's. Whatever is left is killed after.
ssh_disconnect() {
	_sd_u=$1 _sd_n=$2 _sd_want=$3 _sd_in=$4; shift 4
	no_live_processes "$_sd_u" 10 ||
		diag "$_sd_n: still running before the start: $(ps -o pid=,stat=,args= -u "$_sd_u" | tr '\n' ';')"
	_sd_before=$(host_mounts)
	rm -f "$SSHD_DIR/in"; mkfifo "$SSHD_DIR/in"
	ssh $(ssh_opts) -p "$SSHD_PORT" -o ConnectTimeout=10 "$@" \
		<"$SSHD_DIR/in" >"$SSHD_DIR/out" 2>&1 &
	_sd_client=$!
	exec 7>"$SSHD_DIR/in"
	printf "$_sd_in" >&7
	ok "$_sd_n: the session runs ($_sd_want sleep processes in its jail)" \
		wait_for 20 eval '[ "$(live_pids "$_sd_u" sleep | wc -l)" -ge "$_sd_want" ]'
	is "$(cat "/proc/$_sd_client/comm" 2>/dev/null)" ssh "  ... \$! is the ssh client itself"
	_sd_p=$(live_pids "$_sd_u" sleep | head -n 1)
	is "$(awk '/^NSpid:/ { print NF - 1 }' "/proc/$_sd_p/status" 2>/dev/null)" 2 \
		"  ... the sleep is in the jail's pid namespace"
	ok "  ... and in the jail's mount namespace" in_jail_mnt "$_sd_p"
	t0=$(now_ms)
	kill -KILL "$_sd_client"
	wait "$_sd_client" 2>/dev/null
	exec 7>&-
	if gone_within "$_sd_u" 5000 && [ "$took" -le 2000 ]; then
		pass "  ... after a SIGKILL to the client nothing of $_sd_u runs within 2 s ($took ms)"
	else
		fail "  ... after a SIGKILL to the client nothing of $_sd_u runs within 2 s ($took ms)"
		diag "left: $(ps -o pid=,stat=,args= -u "$_sd_u" | tr '\n' ';')"
	fi
	diag "$_sd_n: ${took} ms from the SIGKILL to the client until nothing of $_sd_u ran"
	is "$(host_mounts)" "$_sd_before" "  ... and the host's mount table is unchanged"
	for _sd_p in $(pgrep -u "$_sd_u"); do kill -KILL "$_sd_p" 2>/dev/null; done
	no_live_processes "$_sd_u"
}

# ssh_forward_W LABEL USER PORT GREETING|-: TAP: "ssh -W 127.0.0.1:PORT"
# as USER gets GREETING from the host's server there; with "-", it fails
# (a status other than 0, nothing comes)
ssh_forward_W() {
	_fw_got=$(timeout 20 ssh $(ssh_opts) -p "$SSHD_PORT" -o ConnectTimeout=10 \
		-o ExitOnForwardFailure=yes -W "127.0.0.1:$3" "$2@127.0.0.1" \
		</dev/null 2>"$SSHD_DIR/fw.err")
	_fw_rc=$?
	if [ "$4" != - ]; then
		is "$_fw_got" "$4" "$1: ssh -W 127.0.0.1:PORT reaches the host's server"
	else
		ok "$1: ssh -W 127.0.0.1:PORT fails (exit $_fw_rc): $(head -c 100 "$SSHD_DIR/fw.err" | tr -d '\r')" \
			test "$_fw_rc" != 0 -a -z "$_fw_got"
	fi
}

# ssh_together USER N DIR: N ssh sessions of USER at once, in the
# background: session I writes a token of its own (TOK-I-42) into ~/tok.I,
# prints "TOKEN-I PID MNT TOKEN" (its shell's pid, its mount namespace,
# the token read back) into DIR/out.I (stderr: DIR/err.I), then waits
# for ~/go (60 s at most), so that all N jails exist at the same time.
# True once all have printed (within 60 s).
ssh_together() {
	_st_u=$1 _st_n=$2 _st_d=$3
	rm -f "$(home "$_st_u")"/tok.* "$(home "$_st_u")/go"
	_st_jobs=
	for _st_i in $(seq "$_st_n"); do
		jssh "$_st_u" "echo TOK-$_st_i-\$((6*7)) > ~/tok.$_st_i &&
			echo TOKEN-$_st_i \$\$ \$(readlink /proc/self/ns/mnt) \$(cat ~/tok.$_st_i) &&
			n=0; until [ -e ~/go ] || [ \$n -ge 600 ]; do sleep 0.1; n=\$((n+1)); done" \
			>"$_st_d/out.$_st_i" 2>"$_st_d/err.$_st_i" </dev/null &
		_st_jobs="$_st_jobs $!"
	done
	wait_for 60 _ssh_all_printed
}
_ssh_all_printed() {
	for _st_i in $(seq "$_st_n"); do
		[ -s "$_st_d/out.$_st_i" ] || return 1
	done
}
# ssh_together_end: creates ~/go and waits for every session of
# ssh_together; failed: " I:STATUS" for each that did not exit 0; wrong:
# " I" for each whose line is not its own; notpid2: " I" for each whose
# shell was not pid 2; DIR/mnts: their mount namespaces, one a line
ssh_together_end() {
	touch "$(home "$_st_u")/go"
	failed="" wrong="" notpid2=""
	: > "$_st_d/mnts"
	_st_i=0
	for _st_j in $_st_jobs; do
		_st_i=$((_st_i + 1))
		wait "$_st_j"
		_st_rc=$?
		[ "$_st_rc" = 0 ] || failed="$failed $_st_i:$_st_rc"
		read -r _st_tok _st_pid _st_mnt _st_file < "$_st_d/out.$_st_i"
		[ "$_st_tok $_st_file" = "TOKEN-$_st_i TOK-$_st_i-42" ] ||
			wrong="$wrong $_st_i"
		[ "$_st_pid" = 2 ] || notpid2="$notpid2 $_st_i"
		echo "$_st_mnt" >> "$_st_d/mnts"
	done
}

# The options of jssh, for scp, sftp, rsync and git, which take them raw.
ssh_opts() {
	echo "-F /dev/null -i $SSH_KEY -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
}

# readme_snippet NAME [FROM TO]...: the fenced block that follows
# "<!-- snippet: NAME -->" in README.md, with each FROM (a whole word or
# path) replaced by TO, in the order given. The deployment guide is what
# the tests run.
readme_snippet() {
	_rs_name=$1; shift
	_rs_text=$(awk -v name="$_rs_name" '
		$0 == "<!-- snippet: " name " -->" { want = 1; next }
		want && /^```/ { if (inside) exit; inside = 1; next }
		inside { print }' "$TOP/README.md")
	[ -n "$_rs_text" ] ||
		{ echo "Bail out! README.md has no snippet $_rs_name"; exit 1; }
	while [ $# -ge 2 ]; do
		_rs_text=$(printf '%s\n' "$_rs_text" |
			FROM=$1 TO=$2 perl -pe 's/(?<![\w.-])\Q$ENV{FROM}\E(?![\w-])/$ENV{TO}/g')
		shift 2
	done
	printf '%s\n' "$_rs_text"
}
