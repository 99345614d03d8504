# tests/escape/lib.sh: shared helpers of the escape suite (tests/escape/*.t
# but those that run in modes, which use modes.sh), on top of
# tests/lib/pam.sh (which brings tests/lib/harness.sh, integration.sh,
# capture.sh, ssh.sh and the PAM helpers). Source it instead of
# harness.sh; then call esc_setup once.
#
# Every helper is additive: a test may use any subset. What they create on
# the host (the probe directory, the canary directories, PAM lines, passwd
# lines, setuid copies) is removed or put back when the test exits.
#
#   esc_setup                 setup (harness.sh) and the suite's fixtures:
#       ESC_DIR     a directory under /var/tmp (mode 755), which a jail
#                   still sees read-only, unlike the private /tmp: the
#                   probes (tests/escape/probes/*.py) are copied there, and
#                   esc_cc compiles C probes there
#       ESC_ROOT    the root canary directory (root, 0700, under /var/lib):
#                   a file appearing in it means that attacker-chosen code
#                   ran as root. Probes that gain root write there.
#       ESC_VAULT   a root-only directory (0700) holding ESC_SECRET, a
#                   root-only file (0600) whose content is ESC_SECRET_TEXT
#       ESC_INNER   a directory (0755) in ESC_VAULT, with a file canary
#                   (0644) whose content is ESC_INNER_TEXT: readable by
#                   anyone who gets there, but on the host only root gets
#                   there. Something that resolves a user's path as root
#                   and mounts what it finds would show it.
#       ESC_MOUNTS  the host's mount table at the start (host_mounts)
#       HOST_MNT    the host's mount namespace (host_ns mnt)
#       PY          /usr/bin/python3 (a pyenv shim may not be readable by
#                   the test users)
#   esc_cc NAME [GCC-ARGS...] compiles probes/NAME.c into ESC_DIR/NAME
#                             (false, with a diag, when it cannot)
#   esc_user VAR [SHELL] [PROFILE]
#                             a throwaway user (integration.sh's user) with
#                             a profile (default: volume "~" {}); VAR_H,
#                             VAR_UID, VAR_GID are set too
#   (positive controls: control and skip_n, in harness.sh)
#   esc_state_violations USER TEXT
#                             prints, one a line, how TEXT (state.py's
#                             output) differs from a jailed process of USER:
#                             ids, groups (id -G), every capability set
#                             empty, no_new_privs, a seccomp filter, a mount
#                             namespace that is not the host's, a read-only
#                             and nosuid tree, EROFS in /var/tmp; empty
#                             when the process is jailed
#   esc_creds_violations USER TEXT
#                             the same for the credentials alone (ids,
#                             groups, capabilities, no_new_privs, seccomp);
#                             TEXT may be a /proc/PID/status as well
#   esc_jailed DESC USER TEXT ok when esc_state_violations prints nothing
#   esc_payload USER          ESC_MARK (USER's ~/.jt-ran-PID) and
#                             ESC_PAYLOAD, a command that runs state.py
#                             with that marker: the payload an attack
#                             wants to run. ESC_MARK exists afterwards iff
#                             the payload ran (to its end: it is written
#                             whole, then renamed into place); its content
#                             is the state (empty under RLIMIT_FSIZE=0,
#                             when the payload's standard output has it).
#   esc_outcome USER RC [STDOUT]
#                             after a run of ESC_PAYLOAD: prints "refused"
#                             (RC not 0, no marker, and no state on STDOUT),
#                             "jailed" (the marker, or STDOUT when the
#                             payload could not create it, says jailed), or
#                             what was wrong
#   esc_host_unchanged DESC   the host's mount table is ESC_MOUNTS, the root
#                             canary directory is empty, the secret intact
#   esc_no_root_marker DESC   ESC_ROOT is empty
#   esc_no_priv_procs USER    no process with USER's real uid and effective
#                             uid 0 is left
#   esc_pam_quiet SERVICE     takes the lock the escape tests share for the
#                             system's PAM services (/run/jailsh-escape-
#                             pam.lock), then waits for any other test's
#                             pam_jailsh line in /etc/pam.d/SERVICE to go
#                             (skip_all if it stays)
#   esc_pam_append SERVICE    esc_pam_quiet, then pam_append
#                             (tests/lib/pam.sh) of that system service
#   prun USER CMD             runuser -l USER -c CMD, from / (the PAM path,
#                             with esc_pam_append runuser-l)
#   esc_pam_own               a PAM service of the test's own instead:
#                             /etc/pam.d/jt-own-PID (Debian's runuser-l
#                             stack and PAM_LINE, removed at exit) and
#                             probes/pamrun built in the test's state
#                             directory; then "$ESC_PAMRUN $ESC_SVC USER -c
#                             CMD" does what runuser -l does. The system's
#                             runuser-l is never touched, so tests/pam/
#                             that append to it at the same time cannot
#                             drop this test's line. False, with why in
#                             ESC_PAM_WHY, when it cannot be built.
#   esc_inject_calls SYSCALL LOG
#                             the most calls of SYSCALL that one process
#                             made in an strace -f log
#   esc_inject USER SYSCALL ERRNO MODE [PAM]
#                             fault injection: ESC_PAYLOAD started once for
#                             each N from 1 to the number of SYSCALL calls
#                             one process makes in a clean start, with
#                             strace -f -e inject=SYSCALL:error=ERRNO:when=N
#                             (strace counts per process); through
#                             "strace -u USER jailsh -c", or with PAM set,
#                             through "strace runuser -l USER -c". Emits a
#                             control (the fault is injected at all) and
#                             one assertion: each start refused (MODE
#                             strict), or refused or exactly jailed (MODE
#                             any); never the payload outside the jail.
#   esc_passwd_add LINE       appends LINE to /etc/passwd (under lckpwdf),
#                             removed at exit; esc_passwd_restore puts the
#                             file back now, and checks it byte for byte
#   esc_group_line GROUP LINE GROUP's line in /etc/group becomes LINE
#                             (under lckpwdf, written whole and renamed into
#                             place, as shadow's tools do); the line it had
#                             is put back at exit, or now with
#                             esc_group_restore GROUP. Only that line: what
#                             others write meanwhile stays. Call it for a
#                             throwaway group, before the at_exit that
#                             removes the group (so that it runs after).

. "$(dirname "$0")/../lib/pam.sh"

PY=/usr/bin/python3
ESC_SRC=$TOP/tests/escape/probes

esc_setup() {
	[ -n "${ESC_DIR:-}" ] && return 0
	[ -n "${_state:-}" ] || setup
	[ -x "$PY" ] || skip_all "no $PY"
	ESC_DIR=$(mktemp -d /var/tmp/jt-esc.XXXXXX) ||
		{ echo "Bail out! mktemp in /var/tmp"; exit 1; }
	chmod 755 "$ESC_DIR"
	at_exit "rm -rf '$ESC_DIR'"
	cp "$ESC_SRC"/*.py "$ESC_DIR"/
	chmod 755 "$ESC_DIR"/*.py
	install -d -m 755 /var/lib
	ESC_ROOT=$(mktemp -d /var/lib/jt-esc-root.XXXXXX) ||
		{ echo "Bail out! mktemp in /var/lib"; exit 1; }
	chmod 700 "$ESC_ROOT"
	at_exit "rm -rf '$ESC_ROOT'"
	ESC_VAULT=$(mktemp -d /var/lib/jt-esc-vault.XXXXXX) ||
		{ echo "Bail out! mktemp in /var/lib"; exit 1; }
	chmod 700 "$ESC_VAULT"
	at_exit "rm -rf '$ESC_VAULT'"
	ESC_SECRET=$ESC_VAULT/secret
	ESC_SECRET_TEXT="jt-esc-secret-$$-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
	(umask 077 && printf '%s\n' "$ESC_SECRET_TEXT" > "$ESC_SECRET")
	ESC_SECRET_SUM=$(sha256sum < "$ESC_SECRET")
	ESC_INNER=$ESC_VAULT/inner
	ESC_INNER_TEXT="jt-esc-inner-$$-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
	install -d -m 755 "$ESC_INNER"
	printf '%s\n' "$ESC_INNER_TEXT" > "$ESC_INNER/canary"
	chmod 644 "$ESC_INNER/canary"
	ESC_MOUNTS=$(host_mounts)
	HOST_MNT=$(host_ns mnt)
}

esc_cc() {
	_cc_n=$1; shift
	if ! command -v gcc >/dev/null 2>&1; then
		diag "no gcc: cannot build $_cc_n"
		return 1
	fi
	if ! _cc_e=$(gcc -O2 -Wall -o "$ESC_DIR/$_cc_n" "$ESC_SRC/$_cc_n.c" "$@" 2>&1); then
		diag "gcc $_cc_n.c failed:" "$_cc_e"
		return 1
	fi
	chmod 755 "$ESC_DIR/$_cc_n"
}

esc_user() {
	user "$1" "${2:-}"
	profile "${!1}" "${3:-volume \"~\" {\}}"
	eval "$1_H=\$(home \"\${!1}\")"
	eval "$1_UID=\$(id -u \"\${!1}\")"
	eval "$1_GID=\$(id -g \"\${!1}\")"
}

# _sv_get KEY: KEY's value in _sv_t, which is state.py's KEY=VALUE lines or
# a /proc/PID/status (KEY:<tab>VALUE, whitespace joined)
_sv_get() {
	printf '%s\n' "$_sv_t" |
		sed -n "s/^$1[=:][[:space:]]*//p" | head -n 1 | tr -s ' \t' '  '
}

# the words of the input, sorted as numbers, on one line
_esc_sortw() { tr -s ' \t' '\n\n' | grep . | sort -n | paste -sd ' ' -; }

esc_creds_violations() {
	_sv_t=$2
	_sv_uid=$(id -u "$1")
	_sv_gid=$(id -g "$1")
	_sv_groups=$(id -G "$1" | _esc_sortw)
	if [ -z "$_sv_t" ] || [ -z "$(_sv_get Uid)" ]; then
		echo "no state (the payload printed nothing)"
		return
	fi
	[ "$(_sv_get Uid)" = "$_sv_uid $_sv_uid $_sv_uid $_sv_uid" ] ||
		echo "Uid $(_sv_get Uid), not $_sv_uid x4"
	[ "$(_sv_get Gid)" = "$_sv_gid $_sv_gid $_sv_gid $_sv_gid" ] ||
		echo "Gid $(_sv_get Gid), not $_sv_gid x4"
	[ "$(_sv_get Groups | _esc_sortw)" = "$_sv_groups" ] ||
		echo "Groups '$(_sv_get Groups)', not '$_sv_groups'"
	for _sv_c in CapInh CapPrm CapEff CapBnd CapAmb; do
		[ "$(_sv_get $_sv_c)" = 0000000000000000 ] ||
			echo "$_sv_c $(_sv_get $_sv_c)"
	done
	[ "$(_sv_get NoNewPrivs)" = 1 ] || echo "NoNewPrivs $(_sv_get NoNewPrivs)"
	[ "$(_sv_get Seccomp)" = 2 ] || echo "Seccomp $(_sv_get Seccomp) (no filter)"
}

esc_state_violations() {
	esc_creds_violations "$1" "$2"
	_sv_t=$2
	[ -n "$_sv_t" ] && [ -n "$(_sv_get Uid)" ] || return 0
	case $(_sv_get NS_mnt) in
	"$HOST_MNT") echo "the host's mount namespace" ;;
	mnt:*) ;;
	*) echo "mount namespace unknown: $(_sv_get NS_mnt)" ;;
	esac
	[ "$(_sv_get NS_pid)" != "$(host_ns pid)" ] || echo "the host's pid namespace"
	[ "$(_sv_get VARTMP)" = "Read-only file system" ] ||
		echo "a write to /var/tmp: $(_sv_get VARTMP)"
	[ "$(_sv_get ROOT)" = ro ] || echo "/ is $(_sv_get ROOT)"
	[ -z "$(_sv_get SUID_MOUNTS)" ] ||
		echo "mounts without nosuid: $(_sv_get SUID_MOUNTS | cut -d, -f1-3)..."
}

esc_jailed() {
	_ej_v=$(esc_state_violations "$2" "$3")
	if [ -z "$_ej_v" ]; then pass "$1"; else
		fail "$1"; diag "not jailed:" "$_ej_v"; fi
}

esc_payload() {
	ESC_MARK=$(home "$1")/.jt-ran-$$
	ESC_PAYLOAD="exec $PY $ESC_DIR/state.py $ESC_MARK"
	rm -f "$ESC_MARK" "$ESC_MARK".*.tmp
}

esc_outcome() {
	_eo_t=
	if [ -s "$ESC_MARK" ]; then
		_eo_t=$(cat "$ESC_MARK")
	elif _matches "${3:-}" '(^|\n)Uid='; then
		# it ran, but could not write the marker (a read-only home,
		# RLIMIT_FSIZE=0)
		_eo_t=$3
	elif [ -e "$ESC_MARK" ]; then
		echo "the payload ran but left no state"
		return
	elif [ "$2" != 0 ]; then
		echo refused
		return
	else
		echo "exit 0 but the payload did not run"
		return
	fi
	_eo_v=$(esc_state_violations "$1" "$_eo_t")
	if [ -z "$_eo_v" ]; then echo jailed; else
		echo "RAN, NOT EXACTLY JAILED: $(printf '%s' "$_eo_v" | tr '\n' ';')"; fi
}

esc_no_root_marker() {
	_nr=$(ls -A "$ESC_ROOT" 2>/dev/null)
	if [ -z "$_nr" ]; then pass "$1"; else
		fail "$1"; diag "in the root canary directory $ESC_ROOT:" "$_nr"; fi
}

esc_host_unchanged() {
	is "$(host_mounts)" "$ESC_MOUNTS" "$1: the host's mount table is as it was"
	esc_no_root_marker "$1: nothing appeared in the root canary directory"
	is "$(sha256sum < "$ESC_SECRET" 2>/dev/null)" "$ESC_SECRET_SUM" \
		"$1: the root-only canary file is untouched"
}

esc_no_priv_procs() {
	_np_uid=$(id -u "$1")
	_np=$(ps -e -o ruid=,euid=,pid=,stat=,comm= |
		awk -v u="$_np_uid" '$1 == u && $2 == 0 && $4 !~ /^Z/')
	if [ -z "$_np" ]; then pass "no process of $1 with effective uid 0 is left"; else
		fail "no process of $1 with effective uid 0 is left"; diag "$_np"; fi
}

# --- PAM ----------------------------------------------------------------------
# One lock for every escape test that appends to a system service: two
# tests appending to the same file at once would each put back the
# other's line.
ESC_PAM_LOCK=/run/jailsh-escape-pam.lock
_esc_pam_locked=
_esc_pam_lock() {
	[ -n "$_esc_pam_locked" ] && return 0
	for _pl_i in $(seq 240); do
		if mkdir "$ESC_PAM_LOCK" 2>/dev/null; then
			echo $$ > "$ESC_PAM_LOCK/pid"
			_esc_pam_locked=1
			at_exit "rm -rf '$ESC_PAM_LOCK'"
			return 0
		fi
		_pl_p=$(cat "$ESC_PAM_LOCK/pid" 2>/dev/null)
		if [ -n "$_pl_p" ] && ! kill -0 "$_pl_p" 2>/dev/null; then
			rm -rf "$ESC_PAM_LOCK" # its test is gone
			continue
		fi
		sleep 0.5
	done
	skip_all "another test holds $ESC_PAM_LOCK"
}

esc_pam_quiet() {
	_esc_pam_lock
	# another test (tests/pam/) may have its line in the file right now
	for _pa_i in $(seq 240); do
		grep -q pam_jailsh "/etc/pam.d/$1" 2>/dev/null || break
		sleep 0.5
	done
	grep -q pam_jailsh "/etc/pam.d/$1" 2>/dev/null &&
		skip_all "/etc/pam.d/$1 has a pam_jailsh line of another test"
}

esc_pam_append() {
	pam_setup
	esc_pam_quiet "$1"
	pam_append "$1"
}

prun() { (cd / && runuser -l "$1" -c "$2"); }

esc_pam_own() {
	ESC_PAM_WHY=
	[ -f /etc/pam.d/runuser-l ] || { ESC_PAM_WHY="no /etc/pam.d/runuser-l"; return 1; }
	ESC_PAMRUN=$_state/pamrun
	gcc -O2 -Wall -o "$ESC_PAMRUN" "$TOP/tests/escape/probes/pamrun.c" \
		-lpam 2>"$_state/pamrun.err" ||
		{ ESC_PAM_WHY="cannot build pamrun: $(head -n 1 "$_state/pamrun.err")"; return 1; }
	pam_setup
	ESC_SVC=jt-own-$$
	pam_service "$ESC_SVC" "$(pam_stack /etc/pam.d/runuser-l)
$PAM_LINE"
}

# --- fault injection -------------------------------------------------------------
esc_inject_calls() {
	awk -v s="$1" '{ if (index($2, s "(") == 1) n[$1]++ }
		END { m = 0; for (p in n) if (n[p] > m) m = n[p]; print m }' "$2"
}

# --- /etc/passwd ---------------------------------------------------------------------
# lckpwdf(3) is what shadow's tools (useradd, vipw) take: nothing of
# theirs writes the file while it is held.
_esc_pw_py='
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
if libc.lckpwdf() != 0:
    sys.exit("lckpwdf: " + os.strerror(ctypes.get_errno()))
try:
    # os.fsencode: a line may hold bytes that are not UTF-8
    op, line, keep = sys.argv[1], os.fsencode(sys.argv[2]) + b"\n", sys.argv[3]
    with open("/etc/passwd", "rb") as f:
        now = f.read()
    if op == "add":
        open(keep, "wb").write(now)
        out = now + (b"" if now.endswith(b"\n") or not now else b"\n") + line
    else:
        orig = open(keep, "rb").read()
        # only the line that was added: anything else written meanwhile stays
        out = orig if now == orig + line else b"".join(
            l for l in now.splitlines(True) if l != line)
    with open("/etc/passwd", "r+b") as f:
        f.write(out)
        f.truncate()
finally:
    libc.ulckpwdf()
'
_esc_pw_n=0
esc_passwd_add() {
	_esc_pw_n=$((_esc_pw_n + 1))
	_pw_keep=$_state/passwd.$_esc_pw_n
	touch -r /etc/passwd "$_pw_keep.times"
	"$PY" -c "$_esc_pw_py" add "$1" "$_pw_keep" ||
		{ echo "Bail out! cannot add to /etc/passwd"; exit 1; }
	at_exit "_esc_passwd_del '$_esc_pw_n'"
	printf '%s\n' "$1" > "$_pw_keep.line"
}
_esc_passwd_del() {
	_pw_keep=$_state/passwd.$1
	[ -f "$_pw_keep.line" ] || return 0
	"$PY" -c "$_esc_pw_py" del "$(cat "$_pw_keep.line")" "$_pw_keep"
	cmp -s "$_pw_keep" /etc/passwd && touch -r "$_pw_keep.times" /etc/passwd
	rm -f "$_pw_keep.line"
}
esc_passwd_restore() {
	for _pw_i in $(seq "$_esc_pw_n"); do
		_esc_passwd_del "$_pw_i"
	done
	[ "$_esc_pw_n" -gt 0 ] &&
		ok "/etc/passwd is put back byte for byte (cmp with the copy kept)" \
			cmp "$_state/passwd.1" /etc/passwd
}

esc_inject() {
	_ij_u=$1 _ij_s=$2 _ij_e=$3 _ij_m=$4 _ij_pam=${5:-}
	_ij_log=$_state/inject.log
	_ij_how="strace -u $_ij_u jailsh -c"
	[ -n "$_ij_pam" ] && _ij_how="strace runuser -l $_ij_u -c"
	esc_payload "$_ij_u"
	_esc_inject_run "$_ij_u" "$_ij_s" ""
	_ij_k=$(esc_inject_calls "$_ij_s" "$_ij_log")
	if [ "$_ij_k" = 0 ]; then
		skip "$_ij_s: no $_ij_s call in a clean start ($_ij_how): nothing to inject into"
		return
	fi
	if [ "$(esc_outcome "$_ij_u" "$_ij_rc" "$_ij_out")" != jailed ]; then
		fail "$_ij_s: control: without a fault the payload runs jailed ($_ij_how)"
		diag "exit $_ij_rc: $(esc_outcome "$_ij_u" "$_ij_rc" "$_ij_out")" "$_ij_err"
		return
	fi
	_esc_inject_run "$_ij_u" "$_ij_s" "error=$_ij_e:when=1"
	control "strace injects $_ij_e into $_ij_s on this host ($_ij_how, $_ij_k calls in one process)" \
		grep -q "INJECTED" "$_ij_log" || return
	_ij_bad= _ij_ref= _ij_jail=
	for _ij_n in $(seq "$_ij_k"); do
		_esc_inject_run "$_ij_u" "$_ij_s" "error=$_ij_e:when=$_ij_n"
		_ij_o=$(esc_outcome "$_ij_u" "$_ij_rc" "$_ij_out")
		case $_ij_o in
		refused) _ij_ref="$_ij_ref $_ij_n" ;;
		jailed)
			if [ "$_ij_m" = strict ]; then
				_ij_bad="$_ij_bad
when=$_ij_n: the payload ran (in the jail), exit $_ij_rc"
			else
				_ij_jail="$_ij_jail $_ij_n"
			fi ;;
		*) _ij_bad="$_ij_bad
when=$_ij_n: exit $_ij_rc, $_ij_o
  injected: $(grep INJECTED "$_ij_log" | head -n 3 | tr '\n' '|')
  stderr: $(printf '%s' "$_ij_err" | head -n 2 | tr '\n' '|')" ;;
		esac
	done
	_ij_d="$_ij_e into the N-th $_ij_s of each process, N = 1..$_ij_k ($_ij_how)"
	if [ "$_ij_m" = strict ]; then
		_ij_d="$_ij_d: every start fails (exit != 0) and the payload never runs"
	else
		_ij_d="$_ij_d: every start is refused, or runs exactly jailed"
	fi
	if [ -z "$_ij_bad" ]; then
		pass "$_ij_d"
		[ -n "$_ij_jail" ] && diag "$_ij_s: ran, exactly jailed, at when=$_ij_jail"
	else
		fail "$_ij_d"
		diag "$_ij_bad"
	fi
}

# _esc_inject_run USER SYSCALL [INJECT]: one start; the exit status in
# _ij_rc, stderr in _ij_err, the trace in _ij_log
_esc_inject_run() {
	rm -f "$ESC_MARK"
	set -- "$1" "$2" "${3:+-e inject=$2:$3}"
	if [ -n "$_ij_pam" ]; then
		_ij_err=$(cd / && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			timeout 60 strace -f -qq -o "$_ij_log" -e trace="$2" $3 \
			runuser -l "$1" -c "$ESC_PAYLOAD" 2>&1 >"$_state/inject.out")
	else
		_ij_err=$(cd / && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			timeout 60 strace -f -qq -o "$_ij_log" -e trace="$2" $3 \
			-u "$1" "$J" -c "$ESC_PAYLOAD" 2>&1 >"$_state/inject.out")
	fi
	_ij_rc=$?
	_ij_out=$(cat "$_state/inject.out")
}

# --- /etc/group ----------------------------------------------------------------------
_esc_gr_py='
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
if libc.lckpwdf() != 0:
    sys.exit("lckpwdf: " + os.strerror(ctypes.get_errno()))
try:
    name, line, keep = sys.argv[1].encode(), sys.argv[2], sys.argv[3]
    path = "/etc/group"
    lines = open(path, "rb").read().splitlines(True)
    at = [i for i, l in enumerate(lines) if l.split(b":", 1)[0] == name]
    if len(at) != 1:
        # gone already (the group was removed): nothing to put back
        sys.exit(0 if line == "-" else "%s: %d lines" % (name, len(at)))
    i = at[0]
    if line == "-":
        line = open(keep, "rb").read()
    elif not os.path.exists(keep):
        open(keep, "wb").write(lines[i])
    lines[i] = line.encode() + b"\n" if isinstance(line, str) else line
    st = os.stat(path)
    tmp = "/etc/.jt-group.%d" % os.getpid()
    with open(tmp, "wb") as f:
        f.write(b"".join(lines))
        f.flush()
        os.fsync(f.fileno())
    os.chown(tmp, st.st_uid, st.st_gid)
    os.chmod(tmp, st.st_mode & 0o7777)
    os.replace(tmp, path)
finally:
    libc.ulckpwdf()
'
esc_group_line() {
	_gr_keep=$_state/group.$1
	[ -f "$_gr_keep" ] || at_exit "esc_group_restore '$1'"
	"$PY" -c "$_esc_gr_py" "$1" "$2" "$_gr_keep" ||
		{ echo "Bail out! cannot change $1 in /etc/group"; exit 1; }
}
esc_group_restore() {
	[ -f "$_state/group.$1" ] || return 0
	"$PY" -c "$_esc_gr_py" "$1" - "$_state/group.$1" &&
		rm -f "$_state/group.$1"
}
