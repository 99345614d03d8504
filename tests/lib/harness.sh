# harness.sh: the base of every shell test (tests/*/*.t source it, first
# or through their suite's library; see tests/README.md).
#
# TAP output, positive controls, throwaway users, profiles, and running
# commands as a user through the real setuid jailsh of a private
# installation. Everything a test creates (users, their homes, profiles,
# files) is removed when the test exits, whether it passes or not.

TOP=$(cd "$(dirname "$0")/../.." && pwd)
_tap_n=0
_tap_failed=0
_users=""
_cleanups=""

# --- TAP ------------------------------------------------------------------
plan() { echo "1..$1"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
diag() { printf '%s\n' "$@" | sed 's/^/# /' >&2; }
pass() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $*"; }
fail() {
	_tap_n=$((_tap_n + 1)); _tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n - $*"
}
# ok DESCRIPTION COMMAND...: passes when COMMAND succeeds.
ok() {
	_d=$1; shift
	if "$@"; then pass "$_d"; else fail "$_d"; fi
}
# is GOT WANT DESCRIPTION
is() {
	if [ "$1" = "$2" ]; then pass "$3"; else
		fail "$3"; diag "got:  '$1'" "want: '$2'"; fi
}
# Does TEXT match REGEX (Perl's, a superset of extended regular
# expressions), as a whole: a newline in either is just a character.
_matches() {
	printf '%s' "$1" | RE=$2 perl -0777 -ne 'exit(/$ENV{RE}/m ? 0 : 1)'
}
# like GOT REGEX DESCRIPTION
like() {
	if _matches "$1" "$2"; then pass "$3"; else
		fail "$3"; diag "got:  '$1'" "want match: '$2'"; fi
}
unlike() {
	if _matches "$1" "$2"; then
		fail "$3"; diag "got:  '$1'" "must not match: '$2'"; else
		pass "$3"; fi
}
skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n # SKIP $*"; }
# A command this test names that does not exist (a helper renamed, a
# program not installed) fails the test at done_testing, instead of a
# check that silently vanishes. bash runs this handler in a subshell, so
# it tells the test's shell with a signal.
_tap_missing=
trap '_tap_missing=1' USR2
command_not_found_handle() {
	diag "the test ran $1, a command that does not exist here"
	kill -USR2 $$
	return 127
}
# skip_n N REASON: N skips with REASON
skip_n() {
	_sn_n=$1; shift
	while [ "$_sn_n" -gt 0 ]; do
		skip "$*"
		_sn_n=$((_sn_n - 1))
	done
}
done_testing() {
	[ -z "$_tap_missing" ] ||
		fail "every command the test ran exists (see the lines above)"
	echo "1..$_tap_n"
}

# --- positive controls ------------------------------------------------------
# A check that something is refused proves nothing unless the same thing
# works where it is not refused: each attack has a positive control, run
# first. When the control fails, what depended on it is skipped, with the
# reason, never passed; tests/run counts those skips (a reason that says
# "control").
#
# control DESC CMD...: pass "control: DESC" when CMD succeeds; otherwise
# skip, with DESC as the reason, and return 1 (the caller then skips what
# depended on it).
control() {
	_ct_d=$1; shift
	if "$@"; then
		pass "control: $_ct_d"
		return 0
	fi
	skip "control failed, so this cannot be tested on this host: $_ct_d"
	return 1
}

# --- setup ----------------------------------------------------------------
require_root() {
	[ "$(id -u)" = 0 ] || skip_all "needs root (real users, setuid binary)"
}

# The private installation made by tests/run; made here when a test runs
# on its own.
_ensure_install() {
	if [ -z "${JAILSH_TEST_ROOT:-}" ] || [ ! -x "$JAILSH_TEST_ROOT/sbin/jailsh" ]; then
		JAILSH_TEST_ROOT=$(mktemp -d /tmp/jailsh-check.XXXXXX)
		chmod 755 "$JAILSH_TEST_ROOT"
		at_exit "rm -rf '$JAILSH_TEST_ROOT'"
		"$TOP/tests/lib/make-install" "$JAILSH_TEST_ROOT" ||
			{ echo "Bail out! cannot build jailsh"; exit 1; }
	fi
	J=$JAILSH_TEST_ROOT/sbin/jailsh
	CONF=$JAILSH_TEST_ROOT/etc/jailsh
}

# at_exit COMMAND: run COMMAND when the test ends (last registered first).
at_exit() { _cleanups="$1
$_cleanups"; }

_cleanup() {
	# new_user runs in a subshell when called as u=$(new_user): the
	# names are kept in a file, not in a variable
	[ -f "$_state/users" ] && _users="$_users $(cat "$_state/users")"
	for u in $_users; do
		# only this test's throwaway users: everything they run is ours
		for p in $(pgrep -u "$u"); do kill -KILL "$p" 2>/dev/null; done
		for i in 1 2 3 4 5 6 7 8 9 10; do
			pgrep -u "$u" >/dev/null 2>&1 || break
			sleep 0.1
		done
		rm -f "$CONF/users/$u.conf"
		userdel -r -f "$u" >/dev/null 2>&1
	done
	printf '%s\n' "$_cleanups" | while IFS= read -r c; do
		[ -n "$c" ] && eval "$c"
	done
	rm -rf "$_state"
	return 0
}

# Call once at the top of a test that needs root: skips without it.
setup() {
	require_root
	_state=$(mktemp -d /tmp/jailsh-test-state.XXXXXX)
	trap '_cleanup' EXIT
	_ensure_install
	trap 'exit 130' INT TERM
	umask 022
	cd /
}

# new_user [SHELL]: creates a throwaway user with a home directory and
# prints its name. The login shell defaults to the jailsh under test.
# useradd hands out the uids of users that earlier tests removed, and a
# process of theirs may still be ending (a killed jail's init waits for
# the host's pid 1 to reap a zombie): it would count as the new user's.
# Such a uid is left to a user made only to hold it (removed with the
# others), and the next one is taken.
new_user() {
	for _nu in 1 2 3 4 5 6 7 8; do
		_u="jt$$$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
		useradd -m -s "${1:-$J}" "$_u" || { echo "Bail out! useradd"; exit 1; }
		echo "$_u" >> "$_state/users"
		pgrep -u "$(id -u "$_u")" >/dev/null || break
	done
	echo "$_u"
}

# profile USER TEXT: installs TEXT as USER's profile (root-owned, 0644).
profile() {
	printf '%s\n' "$2" > "$CONF/users/$1.conf"
	chmod 644 "$CONF/users/$1.conf"
}

# as_user USER COMMAND...: COMMAND with the user's real uid, gid and
# groups, a clean environment, from /.
as_user() {
	_u=$1; shift
	(cd / && setpriv --reuid="$_u" --regid="$(id -g "$_u")" --init-groups \
		--reset-env -- "$@")
}

# jrun USER COMMAND: COMMAND in USER's jail, as "jailsh -c COMMAND".
jrun() { as_user "$1" "$J" -c "$2"; }

# The host's mount table, for "nothing changed" checks.
host_mounts() { cat /proc/1/mountinfo | cut -d' ' -f1,5,6,10; }

# no_processes USER: true once USER has no live process left (waits up to
# 2s). Zombies do not count: the jail's init, once its session is over, is
# a zombie until the host's pid 1 (or a subreaper) reaps it, which some
# minimal init systems do only every few seconds.
no_processes() {
	for i in $(seq 20); do
		ps -o stat= -u "$1" 2>/dev/null | grep -qv '^Z' || return 0
		sleep 0.1
	done
	return 1
}
