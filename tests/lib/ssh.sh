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
#   SSHD_PORT, SSHD_DIR, SSHD_LOG, SSH_KEY

. "$(dirname "$0")/../lib/harness.sh"

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

ssh_setup() {
	setup
	command -v /usr/sbin/sshd >/dev/null 2>&1 ||
		skip_all "openssh-server is not installed"
	SSHD_DIR=$(mktemp -d /tmp/jailsh-sshd.XXXXXX)
	chmod 755 "$SSHD_DIR"
	at_exit "rm -rf '$SSHD_DIR'"
	SSHD_LOG=$SSHD_DIR/sshd.log
	SSH_KEY=$SSHD_DIR/client
	ssh-keygen -q -t ed25519 -N '' -f "$SSHD_DIR/host_ed25519" -C host
	ssh-keygen -q -t ed25519 -N '' -f "$SSH_KEY" -C jailsh-test
	# sshd's privilege separation directory, made by ssh.service
	if [ ! -d /run/sshd ]; then
		install -d -m 755 /run/sshd
		at_exit "rmdir /run/sshd 2>/dev/null"
	fi
	SSHD_PORT=$(_free_port)
	{ _sshd_base_config; printf '%s\n' "${1:-}"; } > "$SSHD_DIR/sshd_config"
	/usr/sbin/sshd -t -f "$SSHD_DIR/sshd_config" ||
		{ echo "Bail out! sshd -t rejects the configuration"; exit 1; }
	# an absolute path: sshd re-executes itself
	/usr/sbin/sshd -D -e -f "$SSHD_DIR/sshd_config" 2>"$SSHD_LOG" &
	SSHD_PID=$!
	at_exit "kill $SSHD_PID 2>/dev/null; wait $SSHD_PID 2>/dev/null"
	for i in $(seq 50); do
		python3 -c "import socket; socket.create_connection(('127.0.0.1', $SSHD_PORT), 1)" \
			2>/dev/null && return 0
		sleep 0.1
	done
	echo "Bail out! sshd did not start:"; sed 's/^/# /' "$SSHD_LOG"
	exit 1
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

# jssh USER [SSH-ARGS...]
jssh() {
	_js_user=$1; shift
	ssh -F /dev/null -p "$SSHD_PORT" -i "$SSH_KEY" -o IdentitiesOnly=yes \
		-o BatchMode=yes -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
		-o ConnectTimeout=10 "$_js_user@127.0.0.1" "$@"
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
