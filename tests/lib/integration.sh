# integration.sh: helpers shared by tests/integration/*.t, on top of
# harness.sh (source harness.sh first).

# user VAR [SHELL]: a throwaway user (new_user), its name in VAR.
#
# new_user records the user for removal at exit in the shell that calls
# it; "u=$(new_user)" calls it in a subshell, so the record is lost and
# the user, its home and its processes would outlive the test. Here
# new_user runs in this shell and only its output goes through a file.
user() {
	_jt_f=$(mktemp /tmp/jt-user.XXXXXX) || { echo "Bail out! mktemp"; exit 1; }
	new_user "${2:-}" > "$_jt_f"
	read -r "$1" < "$_jt_f"
	rm -f "$_jt_f"
}

# home USER: USER's home directory, from the password database.
home() { getent passwd "$1" | cut -d: -f6; }

# put_script USER NAME: standard input into ~USER/NAME, readable by all.
put_script() {
	cat > "$(home "$1")/$2"
	chmod 644 "$(home "$1")/$2"
}

# live_pids USER [COMM]: the pids of USER's processes (named COMM) that
# have not ended. A process that has ended stays a zombie until its parent
# reaps it; when the jail's init ends, its parent (the jailsh outside) is
# gone already, so the host's pid 1 does that, which on some hosts takes
# seconds. A zombie runs nothing and holds no file, mount or memory.
live_pids() {
	ps -u "$1" -o pid=,stat=,comm= 2>/dev/null |
		awk -v c="${2:-}" '$2 !~ /^Z/ && (c == "" || $3 == c) { print $1 }'
}

# jail_pids USER: USER's live processes that are inside a pid namespace
# of their own (NSpid has more than one field), i.e. in a jail.
jail_pids() {
	for _p in $(live_pids "$1"); do
		_ns=$(awk '/^NSpid:/ { print NF - 1 }' "/proc/$_p/status" 2>/dev/null)
		[ -n "$_ns" ] && [ "$_ns" -gt 1 ] && echo "$_p"
	done
}

# has_process USER COMM: does USER run a process called COMM?
has_process() { [ -n "$(live_pids "$1" "$2")" ]; }

# no_live_processes USER [SECONDS]: like no_processes, but true once USER
# has nothing left that runs (zombies do not count); waits up to SECONDS
# (default 2).
no_live_processes() {
	_nl=$((${2:-2} * 10))
	while [ -n "$(live_pids "$1")" ]; do
		[ "$_nl" -gt 0 ] || return 1
		sleep 0.1
		_nl=$((_nl - 1))
	done
}

# outer_jailsh USER: the pid of USER's jailsh as the host sees it outside
# any jail (its NSpid has one field: it is in the host's pid namespace),
# as opposed to the jail's init, which is also called jailsh.
outer_jailsh() {
	for _p in $(live_pids "$1" jailsh); do
		_ns=$(awk '/^NSpid:/ { print NF - 1 }' "/proc/$_p/status" \
			2>/dev/null)
		[ "$_ns" = 1 ] && echo "$_p"
	done
}

# wait_for SECONDS COMMAND...: true once COMMAND succeeds, polling every
# 0.1s for at most SECONDS.
wait_for() {
	_nw=$(($1 * 10)); shift
	while ! "$@"; do
		[ "$_nw" -gt 0 ] || return 1
		sleep 0.1
		_nw=$((_nw - 1))
	done
}
