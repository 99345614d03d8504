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

# greeter [--log FILE] [--optional] TEXT ADDR...: a server of root's that
# answers each connection with TEXT and a newline (tests/lib/jtnet.py
# serve), on each ADDR (127.0.0.1:0 and ::1:0 take a free port,
# unix:PATH, @NAME), stopped when the test ends. GREETER_PORT and
# GREETER_PORT6: its ports on 127.0.0.1 and ::1 (empty when it has none);
# GREETER_PID. --log FILE: a line for each connection (its kind: tcp,
# unix, abstract), written before the answer; --optional: an ADDR that
# cannot be bound (::1 without IPv6) is left out.
greeter() {
	_gr_f=$(mktemp /tmp/jt-greeter.XXXXXX) || { echo "Bail out! mktemp"; exit 1; }
	/usr/bin/python3 "$TOP/tests/lib/jtnet.py" serve --ports "$_gr_f" "$@" &
	GREETER_PID=$!
	disown "$GREETER_PID"
	at_exit "kill $GREETER_PID 2>/dev/null; rm -f '$_gr_f'"
	wait_for 10 test -s "$_gr_f" ||
		{ echo "Bail out! the greeter (jtnet.py serve) did not start"; exit 1; }
	GREETER_PORT=$(awk '$1 == "127.0.0.1" { print $2 }' "$_gr_f")
	GREETER_PORT6=$(awk '$1 == "::1" { print $2 }' "$_gr_f")
}

# host_ns NAME: the host's namespace NAME (mnt, pid, net...), as the test
# itself has it (the host's pid 1 may not let even root read its
# /proc/1/ns here)
host_ns() { readlink "/proc/$$/ns/$1"; }

# in_jail_mnt PID: PID's mount namespace is not the host's
in_jail_mnt() {
	_ij=$(readlink "/proc/$1/ns/mnt" 2>/dev/null) &&
		[ "$_ij" != "$(host_ns mnt)" ]
}

# now: seconds since boot (two decimals), the tests' clock for durations:
# a time service may step the wall clock meanwhile (a fresh machine),
# never this; and it reads the same inside a jail. now_ms: in milliseconds.
now() { cut -d' ' -f1 /proc/uptime; }
now_ms() { awk '{ printf "%.0f\n", $1 * 1000 }' /proc/uptime; }

# gone_within USER MS: true once nothing of USER runs (live_pids), polling
# every 20 ms for at most MS; sets took, the milliseconds since $t0
gone_within() {
	_gw_end=$(($(now_ms) + $2))
	while [ -n "$(live_pids "$1")" ]; do
		[ "$(now_ms)" -lt "$_gw_end" ] || break
		sleep 0.02
	done
	took=$(($(now_ms) - t0))
	[ -z "$(live_pids "$1")" ]
}

# mounts_as MOUNTS DESC: TAP: the host's mount table (host_mounts) is
# MOUNTS; how it differs, as a diagnostic, when it is not
mounts_as() {
	_ma=$(host_mounts)
	if [ "$_ma" = "$1" ]; then
		pass "$2"
	else
		fail "$2"
		diag "$(diff <(printf '%s\n' "$1") <(printf '%s\n' "$_ma"))"
	fi
}

# jobs_script SECONDS: the start of a tests/lib/pty-drive script that
# tries job control in an interactive bash whose prompt is "JT-PROMPT> "
# (waited for SECONDS): ^Z stops "sleep 100" (Stopped), bg resumes it,
# jobs lists it (J-5), fg then ^C interrupts it (rc=130)
jobs_script() {
	printf '%s\n' "expect JT-PROMPT> \$ $1" 'send sleep 100\n' 'sleep 0.5' \
		'send \x1a' 'expect Stopped' 'send bg\n' 'expect sleep 100 &' \
		'send jobs; echo J-$((2+3))\n' 'expect J-5' 'send fg\n' \
		'sleep 0.5' 'send \x03' 'send echo rc=$?\n' 'expect rc=130'
}

# listening PORT: something listens on TCP PORT (of this network namespace)
listening() { [ -n "$(ss -Hltn "sport = :$1")" ]; }

# jtnet_in DIR: a copy of tests/lib/jtnet.py in DIR (root's, 0644), for the
# test users (and the probes there) to run
jtnet_in() { install -m 644 "$TOP/tests/lib/jtnet.py" "$1/jtnet.py"; }

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
