# tests/lib/ssh-paths.sh: every way into a jailed account through sshd, for
# one user, as TAP. Sourced by tests/ssh/*.t and tests/pam/20-sshd.t after
# ssh.sh (ssh_setup or sshd_with_pam done, the user made and configured).
#
#   check_paths USER LABEL
#
# USER's profile must have the line "ssh_agent = yes" and make the home a
# volume, with /bin/bash as the shell; LABEL starts every test's name. It
# checks, through the private sshd of ssh.sh:
#
#   - an interactive login on a terminal (ssh -tt under tests/lib/pty-drive):
#     a prompt, tty, pid 2, window size, job control, "exit 3";
#   - ssh HOST COMMAND: stdout and stderr apart, exit statuses, 1 MiB of
#     binary standard input and output;
#   - scp (SFTP protocol and the legacy one, -O), sftp, rsync and git into
#     the home volume, and scp, sftp and rsync to read-only places failing
#     with nothing written on the host;
#   - agent forwarding (ssh -A) with ssh_agent = yes and with no.
#
# Every refusal comes after the same action that works in a volume, so
# that a broken transfer cannot pass for a jail. Markers computed by the
# remote shell (T-$((6*7)) prints T-42) keep an expect from matching the
# echo of what was typed.

. "$TOP/tests/lib/capture.sh"
. "$TOP/tests/lib/integration.sh"

# --- helpers -----------------------------------------------------------------

# like_text GOT EXTENDED-REGEX DESCRIPTION: like, but the regex applies to
# the whole text (bash's =~), so that it can span lines: ^ and $ are the
# start and end of the text, and a newline in the regex is one in the text.
# (like greps line by line: a newline in its regex separates patterns.)
like_text() {
	if [[ $1 =~ $2 ]]; then pass "$3"; else
		fail "$3"; diag "got:  '$1'" "want match: '$2'"; fi
}
unlike_text() {
	if [[ $1 =~ $2 ]]; then
		fail "$3"; diag "got:  '$1'" "must not match: '$2'"; else
		pass "$3"; fi
}

# the client side's work directory, root's
_cp_workdir() {
	_cp_w=$(mktemp -d /tmp/jt-ssh-client.XXXXXX) ||
		{ echo "Bail out! mktemp"; exit 1; }
	at_exit "rm -rf '$_cp_w'"
}

# _cp_drive NAME: ssh -tt to $_cp_u under pty-drive, the script on stdin;
# the transcript (without carriage returns) in T, the status in RC.
_cp_drive() {
	local ssh
	ssh=(ssh $(ssh_opts) -o ConnectTimeout=10 -p "$SSHD_PORT" -tt
		"$_cp_u@127.0.0.1")
	T=$(timeout 120 "$TOP/tests/lib/pty-drive" "${ssh[@]}" 2>&1)
	RC=$?
	# without carriage returns and the terminal's escape sequences
	# (bracketed paste, erase line)
	T=$(printf '%s' "$T" | tr -d '\r' | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g')
	if [ "$RC" = 99 ] || [ "$RC" = 124 ]; then
		diag "$1: an expect failed or it hung ($RC); transcript:"
		diag "$(printf '%s' "$T" | tail -n 30)"
	fi
}

# _cp_profile_agent yes|no: the user's profile with that ssh_agent line
_cp_profile_agent() {
	profile "$_cp_u" "$(printf '%s\n' "$_cp_conf" |
		sed "s/^ssh_agent = yes\$/ssh_agent = $1/")"
}

# _cp_host_agent_dir: the directory of the agent socket sshd made on the
# host for the user's connection, in D; false while there is none
_cp_host_agent_dir() {
	D=$(find /tmp -maxdepth 1 -name 'ssh-*' -user "$_cp_u" -type d \
		2>/dev/null | head -n 1)
	[ -n "$D" ]
}

# --- 1: an interactive login on a terminal ------------------------------------
_cp_interactive() {
	# bash reads ~/.bash_profile last in a login shell: a prompt of our
	# own, whatever /etc/skel and /etc/bash.bashrc make of it
	printf '%s\n' "PS1='JT-PROMPT> '" > "$_cp_h/.bash_profile"
	chown "$_cp_u:" "$_cp_h/.bash_profile"

	_cp_drive "$_cp_l session 1" <<'EOF'
expect JT-PROMPT> $ 20
send tty; echo T-$((6*7))\n
expect T-42
send echo "Z=$0=Z" P-$$-$((1+1))\n
expect P-[0-9]+-2
send stty size; echo A-$((5+5))\n
expect A-10
resize 40 100
sleep 0.5
send stty size; echo B-$((6+6))\n
expect B-12
send exit 3\n
EOF
	like "$T" 'JT-PROMPT> tty' "$_cp_l: ssh -tt: a prompt appears (and takes a command)"
	like_text "$T" $'\n/dev/pts/[0-9]+\nT-42' "$_cp_l: ssh -tt: tty names a /dev/pts device"
	like "$T" 'Z=-bash=Z' "$_cp_l: ssh -tt: the shell is a login bash (\$0 is -bash)"
	like "$T" 'P-2-2' "$_cp_l: ssh -tt: the shell is pid 2 (of the jail's pid namespace)"
	unlike_text "$T" $'\n40 100\nA-10' "$_cp_l: ssh -tt: control: the window is not 40x100 at first"
	like_text "$T" $'\n40 100\nB-12' "$_cp_l: ssh -tt: after a resize, stty size says 40 100"
	is "$RC" 3 "$_cp_l: ssh -tt: \"exit 3\" ends the session, ssh exits with 3"

	_cp_drive "$_cp_l session 2" < <(jobs_script 20; cat <<'EOF'
send echo C-$((3+4))\n
expect C-7
send exit\n
EOF
)
	like "$T" '\[1\]\+ +Stopped +sleep 100' "$_cp_l: ssh -tt: ^Z stops the foreground job"
	like "$T" 'Running +sleep 100 &' "$_cp_l: ssh -tt: bg resumes it (jobs: Running)"
	like_text "$T" $'\nrc=130\n' "$_cp_l: ssh -tt: fg, then ^C interrupts it: \$? is 130"
	like_text "$T" $'\nC-7\n' "$_cp_l: ssh -tt:   ... and the session goes on"
	is "$RC" 0 "$_cp_l: ssh -tt: session 2 ends with status 0"
}

# --- 2: ssh HOST COMMAND -------------------------------------------------------
_cp_command() {
	capture jssh "$_cp_u" 'echo to-out; echo to-err >&2'
	is "$OUT" to-out "$_cp_l: ssh CMD: standard output comes back on stdout"
	is "$ERR" to-err "$_cp_l: ssh CMD: standard error comes back on stderr, apart"
	for s in 0 1 42; do
		jssh "$_cp_u" "exit $s" </dev/null
		is "$?" "$s" "$_cp_l: ssh CMD: exit $s gives status $s"
	done
	ok "$_cp_l: ssh CMD: 1 MiB of random bytes through cat come back unchanged" \
		eval 'jssh "$_cp_u" cat < "$_cp_w/rand" | cmp - "$_cp_w/rand"'
	jssh "$_cp_u" 'cat > ~/stdin.copy' < "$_cp_w/rand"
	ok "$_cp_l: ssh CMD: ... and written to the home volume, the same on the host" \
		cmp "$_cp_h/stdin.copy" "$_cp_w/rand"
}

# --- 3: scp ----------------------------------------------------------------------
# _cp_scp NAME [-O]: scp both ways into the home, then to read-only places
_cp_scp() {
	local name=$1 mode=${2:-} want p n=0
	local s=(timeout 120 scp $mode $(ssh_opts) -P "$SSHD_PORT")

	capture "${s[@]}" "$_cp_w/rand" "$_cp_u@127.0.0.1:up-$name"
	is "$RC" 0 "$_cp_l: $name: upload into the home succeeds"
	ok "$_cp_l: $name:   ... the file on the host is identical, the user's" \
		eval '[ "$(stat -c %U "$_cp_h/up-$name")" = "$_cp_u" ] &&
			cmp -s "$_cp_h/up-$name" "$_cp_w/rand"'
	head -c 70000 /dev/urandom > "$_cp_h/down-$name"
	chown "$_cp_u:" "$_cp_h/down-$name"
	capture "${s[@]}" "$_cp_u@127.0.0.1:down-$name" "$_cp_w/down-$name"
	is "$RC" 0 "$_cp_l: $name: download from the home succeeds"
	ok "$_cp_l: $name:   ... and the copy is identical" \
		cmp -s "$_cp_w/down-$name" "$_cp_h/down-$name"

	for p in /var/tmp /etc; do
		n=$((n + 1))
		p=$p/jt-$name-$$-$n
		capture "${s[@]}" "$_cp_w/rand" "$_cp_u@127.0.0.1:$p"
		ERR=${ERR//$'\r'/} # ssh's own messages end in \r\n
		# scp -O reports the remote scp's own error (errno); the SFTP
		# protocol has no code for EROFS: sftp-server sends a generic
		# failure, as it would for any read-only file system
		if [ -n "$mode" ]; then
			want="^scp: $(ere "$p"): Read-only file system\$"
		else
			want="^scp: dest open \"$(ere "$p")\": Failure\$"
		fi
		ok "$_cp_l: $name: upload to $p fails (status $RC)" [ "$RC" != 0 ]
		like "$ERR" "$want" "$_cp_l: $name:   ... with the error of a read-only file system"
		ok "$_cp_l: $name:   ... and nothing is written on the host" \
			[ ! -e "$p" ]
	done
}

# --- 4: sftp ---------------------------------------------------------------------
_cp_sftp() {
	local s=(timeout 120 sftp $(ssh_opts) -P "$SSHD_PORT")
	local marker=/tmp/jt-host-only.$$ inside=jt-sftp-inside.$$ ro

	: > "$marker"
	at_exit "rm -f '$marker'"
	printf '%s\n' \
		"put $_cp_w/rand sftp-put" \
		"get sftp-put $_cp_w/sftp-got" \
		"rename sftp-put sftp-renamed" \
		"ls -1" \
		"put $_cp_w/small /tmp/$inside" \
		"ls -1a /tmp" > "$_cp_w/batch"
	capture "${s[@]}" -b "$_cp_w/batch" "$_cp_u@127.0.0.1"
	is "$RC" 0 "$_cp_l: sftp: a batch of put, get, rename, ls in the home succeeds"
	[ "$RC" = 0 ] || diag "$OUT" "$ERR"
	ok "$_cp_l: sftp: put, then rename: the file is on the host, identical" \
		cmp -s "$_cp_h/sftp-renamed" "$_cp_w/rand"
	ok "$_cp_l: sftp:   ... under the new name only" [ ! -e "$_cp_h/sftp-put" ]
	ok "$_cp_l: sftp: get brings it back identical" \
		cmp -s "$_cp_w/sftp-got" "$_cp_w/rand"
	like_text "$OUT" $'sftp> ls -1\n([^\n]*\n)*sftp-renamed\n' \
		"$_cp_l: sftp: ls lists the renamed file"
	# the sftp server's /tmp is the jail's: empty but for what it put
	# there, none of the host's files, and nothing of it on the host
	is "$(printf '%s\n' "$OUT" | sed -n '/^sftp> ls -1a \/tmp$/,$p' |
		sed 1d | sed 's|^/tmp/||' | tr '\n' ' ')" ". .. $inside " \
		"$_cp_l: sftp: the server runs in the jail: its /tmp is private (only . .. $inside)"
	ok "$_cp_l: sftp:   ... the file put there is not on the host" \
		[ ! -e "/tmp/$inside" ]

	ro=/var/tmp/jt-sftp-$$
	printf '%s\n' "put $_cp_w/small $ro" > "$_cp_w/batch-ro"
	capture "${s[@]}" -b "$_cp_w/batch-ro" "$_cp_u@127.0.0.1"
	ERR=${ERR//$'\r'/}
	ok "$_cp_l: sftp: put to /var/tmp fails (status $RC)" [ "$RC" != 0 ]
	like "$ERR" "^dest open \"$(ere "$ro")\": Failure\$" \
		"$_cp_l: sftp:   ... with sftp's error for it"
	ok "$_cp_l: sftp:   ... and nothing is written on the host" [ ! -e "$ro" ]
}

# --- 5: rsync --------------------------------------------------------------------
_cp_rsync() {
	local e="ssh $(ssh_opts) -p $SSHD_PORT" ro=/var/tmp/jt-rsync-$$ want try

	mkdir -p "$_cp_w/tree/sub/deeper"
	cp "$_cp_w/rand" "$_cp_w/tree/rand"
	printf 'secret\n' > "$_cp_w/tree/sub/private"
	chmod 600 "$_cp_w/tree/sub/private"
	printf 'deep\n' > "$_cp_w/tree/sub/deeper/file"
	ln -s sub/deeper/file "$_cp_w/tree/link"
	touch -d '2001-02-03 04:05:06' "$_cp_w/tree/sub/deeper/file"

	capture timeout 120 rsync -a -e "$e" "$_cp_w/tree/" "$_cp_u@127.0.0.1:rsynced/"
	is "$RC" 0 "$_cp_l: rsync -a into a directory in the home succeeds"
	[ "$RC" = 0 ] || diag "$ERR"
	ok "$_cp_l: rsync:   ... every file arrives identical" \
		diff -r --no-dereference "$_cp_w/tree" "$_cp_h/rsynced"
	is "$(stat -c '%a %U %Y' "$_cp_h/rsynced/sub/private" \
		"$_cp_h/rsynced/sub/deeper/file" | tr '\n' ' ')" \
		"600 $_cp_u $(stat -c %Y "$_cp_w/tree/sub/private") 644 $_cp_u $(stat -c %Y "$_cp_w/tree/sub/deeper/file") " \
		"$_cp_l: rsync:   ... with modes and times kept, owned by the user"
	is "$(readlink "$_cp_h/rsynced/link")" sub/deeper/file \
		"$_cp_l: rsync:   ... and the symbolic link as a link"

	# rsync's own message can be lost on the way back (status 11, nothing
	# on stderr: seen 3 times in 300 under load, for a user jailsh leaves
	# alone as well as for a jailed one); a failure with nothing said is
	# run again, twice at most
	for try in 1 2 3; do
		capture timeout 120 rsync -a -e "$e" "$_cp_w/tree/" "$_cp_u@127.0.0.1:$ro/"
		[ "$RC" != 0 ] && [ -z "$ERR" ] || break
		diag "rsync into /var/tmp, try $try: status $RC and no message"
	done
	ok "$_cp_l: rsync into /var/tmp fails (status $RC)" [ "$RC" != 0 ]
	want="mkdir \"$(ere "$ro")\" failed: Read-only file system"
	like "$ERR" "$want" "$_cp_l: rsync:   ... because the file system is read-only"
	_matches "$ERR" "$want" || sshd_diag "rsync's status: $RC"
	ok "$_cp_l: rsync:   ... and nothing is written on the host" [ ! -e "$ro" ]
}

# --- 6: git ----------------------------------------------------------------------
_cp_git() {
	local url="ssh://$_cp_u@127.0.0.1:$SSHD_PORT/~/r.git" subject
	local g=(timeout 120 git -c init.defaultBranch=main
		-c user.name=jailsh-test -c user.email=jt@example.invalid)
	export GIT_SSH_COMMAND="ssh $(ssh_opts)"
	subject="jailed commit $$"

	capture jssh "$_cp_u" 'git init -q --bare ~/r.git && echo inited'
	is "$OUT" inited "$_cp_l: git: a bare repository made over ssh in the home"
	ok "$_cp_l: git:   ... is on the host, the user's" \
		eval '[ "$(stat -c %U "$_cp_h/r.git/HEAD")" = "$_cp_u" ]'
	capture "${g[@]}" clone -q "$url" "$_cp_w/clone1"
	is "$RC" 0 "$_cp_l: git clone $url (empty) succeeds"
	[ "$RC" = 0 ] || diag "$ERR"
	printf 'hello from the client\n' > "$_cp_w/clone1/README"
	"${g[@]}" -C "$_cp_w/clone1" add README &&
		"${g[@]}" -C "$_cp_w/clone1" commit -q -m "$subject"
	capture "${g[@]}" -C "$_cp_w/clone1" push -q origin HEAD:refs/heads/main
	is "$RC" 0 "$_cp_l: git push of a commit succeeds"
	[ "$RC" = 0 ] || diag "$ERR"
	is "$(git -c safe.directory='*' --git-dir="$_cp_h/r.git" log -1 \
		--format=%s main 2>&1)" "$subject" \
		"$_cp_l: git:   ... the commit is in the repository on the host"
	capture "${g[@]}" clone -q "$url" "$_cp_w/clone2"
	is "$RC" 0 "$_cp_l: git clone again succeeds"
	is "$(git -C "$_cp_w/clone2" log -1 --format=%s 2>&1)
$(cat "$_cp_w/clone2/README" 2>&1)" "$subject
hello from the client" "$_cp_l: git:   ... and has the pushed commit and file"
	unset GIT_SSH_COMMAND
}

# --- 7: agent forwarding ------------------------------------------------------------
# _cp_agent_session: ssh -A with the test agent; the remote side reports,
# then waits so that the host's agent directory can be seen meanwhile
_cp_agent_session() {
	local f=$_cp_w/agent-out
	SSH_AUTH_SOCK=$_cp_agent jssh "$_cp_u" -A \
		'echo "S=${SSH_AUTH_SOCK-unset}"; ssh-add -l; echo "al=$?";
		 sleep 2; echo "tmp: $(ls -a /tmp | tr "\n" " ")"' \
		> "$f.out" 2> "$f.err" < /dev/null &
	local pid=$!
	D=
	wait_for 10 _cp_host_agent_dir
	wait "$pid"
	RC=$?
	OUT=$(cat "$f.out")
	ERR=$(cat "$f.err")
}

_cp_agent() {
	local keys s
	eval "$(ssh-agent -s)" > /dev/null
	_cp_agent=$SSH_AUTH_SOCK
	at_exit "kill $SSH_AGENT_PID 2>/dev/null"
	s=$SSH_AGENT_PID
	unset SSH_AUTH_SOCK SSH_AGENT_PID
	SSH_AUTH_SOCK=$_cp_agent ssh-add -q "$SSH_KEY" 2>/dev/null
	keys=$(SSH_AUTH_SOCK=$_cp_agent ssh-add -l)
	like "$keys" 'jailsh-test \(ED25519\)$' "$_cp_l: agent: control: the test agent holds the client key"

	_cp_agent_session
	is "$RC" 0 "$_cp_l: agent (ssh_agent = yes): ssh -A session ends with 0"
	like "$OUT" '^S=/tmp/ssh-[A-Za-z0-9]+/agent\.[0-9]+$' \
		"$_cp_l: agent (ssh_agent = yes): SSH_AUTH_SOCK is sshd's socket path"
	like_text "$OUT" $'\n'"$(ere "$keys")"$'\nal=0\n' \
		"$_cp_l: agent (ssh_agent = yes): ssh-add -l inside lists the client's key"
	ok "$_cp_l: agent (ssh_agent = yes): the host's agent directory is $D" \
		[ -n "$D" ]
	like "$OUT" "^S=$(ere "$D")/agent\." \
		"$_cp_l: agent (ssh_agent = yes):   ... the same path inside"
	like "$OUT" "^tmp: \. \.\. $(ere "${D#/tmp/}") \$" \
		"$_cp_l: agent (ssh_agent = yes):   ... the only thing in the jail's /tmp"

	_cp_profile_agent no
	_cp_agent_session
	_cp_profile_agent yes
	is "$RC" 0 "$_cp_l: agent (ssh_agent = no): ssh -A session ends with 0"
	like "$OUT" '^S=unset$' "$_cp_l: agent (ssh_agent = no): SSH_AUTH_SOCK is unset inside"
	like_text "$OUT" $'\nal=2\n' "$_cp_l: agent (ssh_agent = no): ssh-add -l finds no agent"
	like "$ERR" 'Could not open a connection to your authentication agent' \
		"$_cp_l: agent (ssh_agent = no):   ... and says so"
	ok "$_cp_l: agent (ssh_agent = no): control: sshd made $D on the host" \
		[ -n "$D" ]
	like "$OUT" '^tmp: \. \.\. $' \
		"$_cp_l: agent (ssh_agent = no):   ... which is not visible: /tmp inside is empty"

	kill "$s" 2>/dev/null
}

# --- all of it ------------------------------------------------------------------------
check_paths() {
	_cp_u=$1
	_cp_l=$2
	_cp_h=$(homedir "$_cp_u")
	_cp_conf=$(cat "$CONF/users/$_cp_u.conf" 2>/dev/null)
	printf '%s\n' "$_cp_conf" | grep -qx 'ssh_agent = yes' ||
		{ echo "Bail out! check_paths: $_cp_u's profile must say ssh_agent = yes"; exit 1; }
	_cp_workdir
	head -c 1048576 /dev/urandom > "$_cp_w/rand"
	printf 'small\n' > "$_cp_w/small"

	_cp_interactive
	_cp_command
	_cp_scp scp
	_cp_scp scp-O -O
	_cp_sftp
	_cp_rsync
	_cp_git
	_cp_agent
}
