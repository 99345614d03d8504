# tests/limits/lib.sh: helpers for the limits tests (tests/limits/*.t),
# on top of tests/lib/harness.sh, integration.sh and capture.sh, which it
# sources. Source it instead of harness.sh, then call setup.
#
#   PY                       /usr/bin/python3 (root's python3 may be a pyenv
#                            shim the test users cannot read)
#   since T0                 seconds (one decimal) since T0 (from
#                            integration.sh's now)
#   num_between X LO HI      is the number X within [LO, HI]?
#   run_timed DESC? -- ...   see below
#   js FILE KEY...           values from the status JSON in FILE
#   json_ok FILE             FILE is one JSON object on one line + newline
#   jconf TEXT               writes jailsh.conf (removed at exit)
#   no_jconf                 removes it
#   cg_setup CONTROLLER...   a cgroup v2 directory for the test (CG_T)
#   cg_remove DIR            kills what runs in DIR and removes it, deepest
#                            first
#   cg_user_dir UID          $CG_T/user-UID
#   cg_sessions UID          the session-* directories in it
. "$(dirname "$0")/../lib/harness.sh"
. "$(dirname "$0")/../lib/integration.sh"
. "$(dirname "$0")/../lib/capture.sh"

PY=/usr/bin/python3

since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
num_between() {
	awk -v x="$1" -v lo="$2" -v hi="$3" \
		'BEGIN { exit !(x ~ /^-?[0-9]+(\.[0-9]+)?$/ && x + 0 >= lo + 0 && x + 0 <= hi + 0) }'
}

# timed COMMAND...: capture (OUT, ERR, RC) with the seconds it took in EL.
timed() {
	_t0=$(now)
	capture "$@"
	EL=$(since "$_t0")
}

# js FILE KEY...: for each KEY, its value in the JSON object in FILE, in
# JSON (strings quoted), or "-" when the object has no such key; all on
# one line, separated by spaces. "INVALID: ..." when FILE does not hold
# exactly one JSON object on one line ending with a newline.
js() {
	"$PY" - "$@" <<'EOF'
import json, sys
try:
    text = open(sys.argv[1]).read()
    if not text.endswith("\n") or text.count("\n") != 1:
        raise ValueError("not exactly one line ending with a newline: %r" % text)
    d = json.loads(text)
    if not isinstance(d, dict):
        raise ValueError("not an object")
except Exception as e:
    print("INVALID: %s" % e)
    sys.exit(0)
print(" ".join(json.dumps(d[k]) if k in d else "-" for k in sys.argv[2:]))
EOF
}
json_ok() { case $(js "$1") in INVALID*) return 1 ;; esac; }
# js_int FILE KEY: the value of KEY when it is an integer (not a boolean),
# else "NaN".
js_int() {
	"$PY" - "$1" "$2" <<'EOF'
import json, sys
try:
    v = json.loads(open(sys.argv[1]).read())[sys.argv[2]]
    print(v if isinstance(v, int) and not isinstance(v, bool) else "NaN")
except Exception:
    print("NaN")
EOF
}

# --- jailsh.conf ---------------------------------------------------------------
_jconf_registered=
jconf() {
	if [ -z "$_jconf_registered" ]; then
		at_exit "rm -f '$CONF/jailsh.conf'"
		_jconf_registered=1
	fi
	printf '%s\n' "$1" > "$CONF/jailsh.conf"
	chmod 644 "$CONF/jailsh.conf"
}
no_jconf() { rm -f "$CONF/jailsh.conf"; }

# no_stray_jconf: the test writes jailsh.conf; one left by another test
# would change what it sees.
no_stray_jconf() {
	if [ -e "$CONF/jailsh.conf" ]; then
		fail "$CONF/jailsh.conf is not there to begin with (left by another test?)"
		done_testing
		exit 1
	fi
}

# --- cgroups ---------------------------------------------------------------------
# cg2_mount: where the (first) cgroup v2 file system is mounted.
cg2_mount() {
	awk '{ for (i = 7; i <= NF; i++) if ($i == "-") {
		if ($(i + 1) == "cgroup2") { print $5; exit }
		break } }' /proc/self/mountinfo
}

# cg_setup CONTROLLER...: makes CG_T, a fresh cgroup directory for this
# test (root-owned, mode 755, no process in it), removed at exit with all
# that is under it. Its parent, CG_BASE, is $JAILSH_TEST_CGROUP_PARENT when
# set (a delegated, process-free cgroup), else the root of the cgroup v2
# mount (the variable set to anything else is an error: Bail out!). Each
# CONTROLLER that CG_BASE offers is enabled in its
# subtree_control (and disabled again at exit, if this test enabled it).
# CG_HAVE: the controllers CG_T then offers (its cgroup.controllers).
# False (with CG_WHY) when there is no cgroup v2 hierarchy to use.
cg_setup() {
	CG_WHY=
	if [ -n "${JAILSH_TEST_CGROUP_PARENT:-}" ]; then
		CG_BASE=$JAILSH_TEST_CGROUP_PARENT
		# promised, so not a reason to skip
		if [ ! -f "$CG_BASE/cgroup.controllers" ]; then
			echo "Bail out! JAILSH_TEST_CGROUP_PARENT=$CG_BASE is not a cgroup v2 directory"
			exit 1
		fi
	else
		CG_BASE=$(cg2_mount)
		if [ -z "$CG_BASE" ]; then
			CG_WHY="no cgroup v2 file system is mounted"
			return 1
		fi
	fi
	if [ ! -f "$CG_BASE/cgroup.controllers" ]; then
		CG_WHY="$CG_BASE is not a cgroup v2 directory"
		return 1
	fi
	for _c in "$@"; do
		grep -qw "$_c" "$CG_BASE/cgroup.controllers" || continue
		grep -qw "$_c" "$CG_BASE/cgroup.subtree_control" && continue
		if echo "+$_c" > "$CG_BASE/cgroup.subtree_control"; then
			at_exit "echo '-$_c' > '$CG_BASE/cgroup.subtree_control' 2>/dev/null"
		else
			diag "cannot enable $_c in $CG_BASE/cgroup.subtree_control"
		fi
	done
	CG_T=$CG_BASE/t-$$
	if ! mkdir -m 755 "$CG_T"; then
		CG_WHY="cannot create $CG_T"
		return 1
	fi
	at_exit "cg_remove '$CG_T'"
	CG_HAVE=$(cat "$CG_T/cgroup.controllers")
	return 0
}

# cg_has CONTROLLER: does CG_T offer CONTROLLER?
cg_has() { printf ' %s ' "$CG_HAVE" | grep -qw "$1"; }

# cg_remove DIR: kills every process in DIR and below (cgroup.kill) and
# removes the directories, deepest first (waits up to 3 s for them to
# empty).
cg_remove() {
	[ -d "$1" ] || return 0
	find "$1" -depth -type d 2>/dev/null | while IFS= read -r _d; do
		[ -f "$_d/cgroup.kill" ] && echo 1 > "$_d/cgroup.kill" 2>/dev/null
	done
	for _i in $(seq 30); do
		find "$1" -depth -type d -print0 2>/dev/null |
			xargs -0 -r rmdir 2>/dev/null
		[ -d "$1" ] || return 0
		sleep 0.1
	done
	diag "could not remove the cgroup $1"
	return 1
}

cg_user_dir() { printf '%s/user-%s' "$CG_T" "$1"; }
cg_sessions() {
	for _d in "$CG_T/user-$1"/session-*; do
		[ -d "$_d" ] && echo "$_d"
	done
}
# cg_gone UID: neither the user's cgroup nor any session cgroup is left.
cg_gone() { [ ! -e "$CG_T/user-$1" ]; }
# cg_empty: nothing at all is left under CG_T.
cg_empty() { [ -z "$(find "$CG_T" -mindepth 1 -type d 2>/dev/null)" ]; }
# proc_cg PID: the cgroup (v2) of process PID, as a directory on the host.
proc_cg() {
	_c=$(sed -n 's/^0:://p' "/proc/$1/cgroup" 2>/dev/null)
	[ -n "$_c" ] && printf '%s%s\n' "$(cg2_mount)" "$_c"
}
# session_cgs USER: the cgroups that USER's processes in jails are in, one
# a line (the sessions' cgroups, whatever else is left on disk).
session_cgs() { for _p in $(jail_pids "$1"); do proc_cg "$_p"; done | sort -u; }
# cg_diag: what is left under CG_T, with what runs there, as diag lines.
cg_diag() {
	find "$CG_T" -mindepth 1 -type d 2>/dev/null | while IFS= read -r _d; do
		diag "left: ${_d#"$CG_T"/} ($(grep populated "$_d/cgroup.events" 2>/dev/null); processes:$(
			for _p in $(cat "$_d/cgroup.procs" 2>/dev/null); do
				printf ' %s' "$(ps -o pid=,user=,args= -p "$_p" | sed 's/  */ /g')"
			done))"
	done
	diag "jailsh processes: $(ps -e -o pid=,stat=,user=,comm= | awk '$4 ~ /^jailsh/' | tr '\n' ';')"
}
# gone_or_diag UID: cg_gone within 2 s, else false with cg_diag.
gone_or_diag() { wait_for 2 cg_gone "$1" || { cg_diag; return 1; }; }
