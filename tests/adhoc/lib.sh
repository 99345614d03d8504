# tests/adhoc/lib.sh: helpers for the tests of ad-hoc jails (tests/adhoc/*.t):
# jailsh run, jailsh build and jailsh enter, which any user may use, with
# no profile of their own. On top of harness.sh, integration.sh and
# capture.sh (sourced here).
#
#   adhoc_setup         setup (harness.sh; unless done already), then:
#       A           a fresh directory under /var/tmp (root, 0755), removed
#                   at exit. Unlike /tmp (where the private installation
#                   lives), a jail still sees /var/tmp, read-only: the
#                   tests' mount points, scripts and fixtures live here.
#       JC          a copy of the jailsh under test in $A/bin, root-owned,
#                   0755 and not setuid: the jailsh that nested levels run
#                   (the installation's own is under /tmp, private in a
#                   jail; and in a jail every mount is nosuid, so the
#                   installed setuid jailsh would run exactly as this copy)
#       PY          /usr/bin/python3 (a pyenv shim may not be readable by
#                   the test users)
#       M0          the host's mount table at the start
#   huser VAR           a throwaway user whose login shell is /bin/bash: it
#                       runs jailsh run from the host. VAR_H, VAR_UID and
#                       VAR_GID are set too.
#   luser VAR           a throwaway user whose login shell is jailsh, with a
#                       profile: shell /bin/bash, the home writable, and the
#                       private installation mapped read-only (so that $J
#                       is there in the session); VAR_H, VAR_UID, VAR_GID
#   jr USER ARGS...     jailsh run ARGS... as USER, from / (the setuid $J)
#   jb USER ARGS...     jailsh build ARGS... as USER, from /
#   je USER ARGS...     jailsh enter ARGS... as USER, from /
#   in_dir DIR USER CMD...  CMD as USER (as as_user does), from DIR
#   creds_violations USER TEXT
#                       how TEXT (a /proc/PID/status) differs from what a
#                       process of an ad-hoc jail must be: USER's uid and
#                       gid (real, effective, saved, fs), no capability in
#                       the inheritable, permitted, effective or ambient
#                       set, no_new_privs, a seccomp filter; one a line,
#                       empty when it is right
#   creds_ok DESC USER TEXT   TAP: creds_violations prints nothing
#   refused DESC        TAP, after "capture CMD" of a jailsh whose command
#                       would print jt-ran: exit 125, exactly one line on
#                       stderr, "jailsh: ...", and jt-ran not printed
#   one_line_error      true when ERR is one line that starts "jailsh: "
#   field KEY [TEXT]    the value of "KEY=..." or "KEY:<blanks>..." in TEXT
#                       (default OUT)
#   host_same DESC      TAP: the host's mount table is as at the start
#   wait_file SECONDS FILE PATTERN
#                       true once FILE has a line matching PATTERN (grep -E)
#   adhoc_listener      a root process listening on the host's 127.0.0.1,
#                       port PORT, that answers each connection with LTXT
#                       (greeter, killed at exit); $A/connect.py PORT
#                       connects and prints the answer (exit 0) or
#                       "connect: ERROR" (exit 1); $A/jtnet.py is there
#                       too (its loopback, for instance)
#   jailed_pids USER COMM   host pids of USER's processes called COMM in a
#                       pid namespace other than the host's
#   start_jail VAR USER OUT CMD
#                       CMD (a shell command that starts a jail whose
#                       command prints "ready" and sleeps) as USER, in the
#                       background, output in OUT; VAR is the host pid of
#                       the jail's sleep; false when it did not start
#   ns_of PID           PID's mnt pid uts ipc net user namespaces, one line;
#                       NS_SELF prints the same for a shell inside
#   IFACES              a shell command that prints the network interfaces
#                       of its namespace (from /proc/net/dev), sorted and
#                       comma-separated

. "$(dirname "$0")/../lib/harness.sh"
. "$TOP/tests/lib/integration.sh"
. "$TOP/tests/lib/capture.sh"

PY=/usr/bin/python3
ZERO=0000000000000000

adhoc_setup() {
	[ -n "${_state:-}" ] || setup
	[ -x "$PY" ] || skip_all "no $PY"
	command -v setpriv >/dev/null || skip_all "no setpriv"
	A=$(mktemp -d /var/tmp/jt-adhoc.XXXXXX) ||
		{ echo "Bail out! mktemp in /var/tmp"; exit 1; }
	chmod 755 "$A"
	at_exit "rm -rf '$A'"
	install -d -m 755 "$A/bin"
	install -m 755 -o root -g root "$J" "$A/bin/jailsh"
	JC=$A/bin/jailsh
	M0=$(host_mounts)
}

_ids() {
	eval "$1_H=\$(home \"\${!1}\")"
	eval "$1_UID=\$(id -u \"\${!1}\")"
	eval "$1_GID=\$(id -g \"\${!1}\")"
}

huser() {
	user "$1" /bin/bash
	_ids "$1"
}

luser() {
	user "$1" "$J"
	profile "${!1}" "shell = \"/bin/bash\"
volume \"~\" {}
map \"$JAILSH_TEST_ROOT\" {}"
	_ids "$1"
}

jr() { _jr_u=$1; shift; as_user "$_jr_u" "$J" run "$@"; }
jb() { _jr_u=$1; shift; as_user "$_jr_u" "$J" build "$@"; }
je() { _jr_u=$1; shift; as_user "$_jr_u" "$J" enter "$@"; }

in_dir() {
	_id_d=$1 _id_u=$2
	shift 2
	(cd "$_id_d" && setpriv --reuid="$_id_u" --regid="$(id -g "$_id_u")" \
		--init-groups --reset-env -- "$@")
}

field() {
	printf '%s\n' "${2-$OUT}" |
		sed -n "s/^$1[=:][[:space:]]*//p" | head -n 1 | tr -s ' \t' '  '
}

creds_violations() {
	_cv_t=$2
	_cv_uid=$(id -u "$1")
	_cv_gid=$(id -g "$1")
	if [ -z "$(field Uid "$_cv_t")" ]; then
		echo "no status (the command printed none)"
		return
	fi
	[ "$(field Uid "$_cv_t")" = "$_cv_uid $_cv_uid $_cv_uid $_cv_uid" ] ||
		echo "Uid $(field Uid "$_cv_t"), not $_cv_uid x4"
	[ "$(field Gid "$_cv_t")" = "$_cv_gid $_cv_gid $_cv_gid $_cv_gid" ] ||
		echo "Gid $(field Gid "$_cv_t"), not $_cv_gid x4"
	for _cv_c in CapInh CapPrm CapEff CapAmb; do
		[ "$(field $_cv_c "$_cv_t")" = $ZERO ] ||
			echo "$_cv_c $(field $_cv_c "$_cv_t")"
	done
	[ "$(field NoNewPrivs "$_cv_t")" = 1 ] ||
		echo "NoNewPrivs $(field NoNewPrivs "$_cv_t")"
	[ "$(field Seccomp "$_cv_t")" = 2 ] ||
		echo "Seccomp $(field Seccomp "$_cv_t") (no filter)"
}

creds_ok() {
	_co_v=$(creds_violations "$2" "$3")
	if [ -z "$_co_v" ]; then pass "$1"; else
		fail "$1"; diag "$_co_v"; fi
}

one_line_error() { _matches "$ERR" '\Ajailsh: [^\n]+\z'; }

refused() {
	is "$RC" 125 "$1: exit 125"
	if one_line_error; then
		pass "  ... with one line on stderr, 'jailsh: ...'"
	else
		fail "  ... with one line on stderr, 'jailsh: ...'"
		diag "stderr: '$ERR'"
	fi
	unlike "$OUT" 'jt-ran' "  ... and the command does not run"
}

host_same() { mounts_as "$M0" "$1: the host's mount table is as it was"; }

wait_file() {
	wait_for "$1" grep -Eq "$3" "$2" 2>/dev/null
}

adhoc_listener() {
	jtnet_in "$A"
	cat > "$A/connect.py" <<'EOF'
import sys, jtnet
sys.exit(jtnet.main(["fetch", "--timeout", "3", "--fail", "connect: %s",
                     "127.0.0.1:" + sys.argv[1]]))
EOF
	chmod 644 "$A/connect.py"
	LTXT=jt-listener-$$
	greeter "$LTXT" 127.0.0.1:0
	PORT=$GREETER_PORT
}

IFACES='awk "NR > 2 { sub(\":\", \"\", \$1); print \$1 }" /proc/net/dev | sort | paste -sd, -'

# jailed_pids USER COMM: the host pids of USER's live processes named COMM
# that are in a pid namespace other than the host's (NSpid has more than
# one field)
jailed_pids() {
	for _jp in $(live_pids "$1" "$2"); do
		awk '/^NSpid:/ { exit !(NF > 2) }' "/proc/$_jp/status" 2>/dev/null &&
			echo "$_jp"
	done
}

# start_jail VAR USER OUT CMD: runs CMD (a shell command that starts a jail
# whose command prints "ready", then sleeps) as USER in the background,
# its output in OUT; waits for "ready"; VAR is the host pid of the jail's
# sleep (empty when it did not start), VAR_JOB the background job
start_jail() {
	: > "$3"
	as_user "$2" sh -c "$4" > "$3" 2>&1 &
	eval "$1_JOB=$!"
	disown $!
	eval "$1="
	wait_file 10 "$3" '^ready$' || { diag "$(cat "$3")"; return 1; }
	for _sj in $(seq 50); do
		_sjp=$(jailed_pids "$2" sleep | head -n 1)
		[ -n "$_sjp" ] && break
		sleep 0.1
	done
	eval "$1=\$_sjp"
	[ -n "$_sjp" ]
}

# ns_of PID: PID's namespaces (mnt pid uts ipc net user), one line
ns_of() {
	for _n in mnt pid uts ipc net user; do
		readlink "/proc/$1/ns/$_n"
	done | paste -sd' ' -
}
# the same command, for a shell inside
NS_SELF='for n in mnt pid uts ipc net user; do readlink /proc/self/ns/$n; done | paste -sd" " -'
