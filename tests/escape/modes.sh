# tests/escape/modes.sh: the escape tests that run each technique in two
# modes (80..87, 90, 93, 95, 96: terminal, processes, mounts, kernel
# interfaces, IPC/network/tmp, profiles, kill/stop, resources, mqueue, user
# services, max_time, user jails; and tests/userjail/10): W, as a user
# whose login shell is jailsh, and P, in a session the PAM module jailed,
# under a PAM service of the test's own.
# On top of tests/lib/pam.sh (which brings harness.sh, integration.sh,
# capture.sh, ssh.sh and the PAM helpers). Source it instead of lib.sh
# (the two are not used together: each has its own esc_setup and
# esc_user).
#
# Every test runs each technique as a real throwaway user against the
# private setuid installation ($J, $CONF) and, where it applies, in a
# PAM-jailed session too. Every attack is paired with a positive control
# (control, in harness.sh): the same primitive, without the jail, working
# on this kernel; when a control does not work, the attack is skipped with
# the reason, never passed.
#
# PAM-jailed sessions: probes/pamrun.c does what "runuser -l USER -c CMD"
# does (pam_setcred, pam_open_session as root, then the user's login
# shell in a child), under a PAM service of the test's own: /etc/pam.d/
# jt-esc-PID, which is Debian's runuser-l stack (its includes written out,
# without anyone's pam_jailsh line) plus the README's module line, and is
# removed at exit. The system's runuser-l and su are never touched: other
# tests append to them and put them back while these run, and two tests
# doing that at once can drop each other's line, or put back one whose
# installation is gone, which breaks runuser for everybody.
#
#   esc_setup               setup (harness.sh); HOST0 = the host's mount
#                           table; ESC_SRC = tests/escape/probes; builds
#                           the C probes of this file (ESC_MODE_C)
#   esc_user VAR MODE       a throwaway user for MODE: W (login shell $J)
#                           or P (login shell /bin/bash, for the module)
#   esc_profile USER TEXT   USER's profile: TEXT, plus the real shell
#                           (/bin/bash) and, unless TEXT has a volume
#                           line, a writable home
#   esc_probes USER         the Python probes and the compiled ones in
#                           ~USER/.probes (root's, read-only for the
#                           user); PROBES is that directory
#   esc_pam                 the private PAM service (ESC_SVC) and pamrun
#                           (PAMRUN); false, with why in ESC_PAM_WHY, when
#                           PAM cannot be used here
#   pamrun USER [-c CMD]    a PAM-jailed session of USER (needs esc_pam)
#   jin MODE USER CMD       CMD in USER's jail: W: jailsh -c CMD (jrun);
#                           P: pamrun USER -c CMD
#   jcap MODE USER CMD      jin, with OUT/ERR/RC (capture.sh)
#   esc_modes               MODES: the modes to run, W, and P when esc_pam
#                           works (call it in the test's own shell, not in
#                           $(...): the service is removed at exit)
#   esc_mode_user MODE [PROFILE]
#                           the start of a pass in MODE: W its name, U a
#                           throwaway user for it (esc_profile PROFILE,
#                           the probes), uh U's home; and esc_sanity
#   sleeper VAR USER        a "sleep 600" of USER outside the jail, its pid
#                           (the sleep's own) in VAR, killed at exit
#   mode_name MODE          "jailsh" or "PAM", for labels
#   esc_sanity MODE USER    TAP: a session of USER in MODE is jailed (not
#                           the host's mount namespace, no_new_privs)
#   host_same LABEL         TAP: the host's mount table is HOST0
#   val KEY                 the value of "KEY=..." (or "KEY: ...") in OUT
#   todo DESCRIPTION REASON TAP "not ok ... # TODO REASON": a known gap,
#                           reported on every run, not a failure

. "$(dirname "$0")/../lib/pam.sh"

ESC_SRC=$TOP/tests/escape/probes
# the C probes these tests run (the others are lib.sh's, built by esc_cc)
ESC_MODE_C="pamrun tiocsti32 uring"
PY=/usr/bin/python3

esc_setup() {
	setup
	[ -x "$PY" ] || skip_all "no $PY"
	command -v setpriv >/dev/null || skip_all "no setpriv"
	HOST0=$(host_mounts)
	# compiled probes, built once per test, copied into each user's
	# .probes
	_esc_bin=$_state/probes-bin
	mkdir -p "$_esc_bin"
	command -v gcc >/dev/null 2>&1 || return 0
	for _b in $ESC_MODE_C; do
		_c=$ESC_SRC/$_b.c
		if grep -q 'security/pam_appl.h' "$_c"; then
			gcc -O2 -Wall -o "$_esc_bin/$_b" "$_c" -lpam \
				2>"$_state/gcc.$_b"
		else
			# static, not position-independent: the i386 system
			# call entry takes 32-bit pointers, so the data must
			# lie low
			gcc -O2 -Wall -static -no-pie -o "$_esc_bin/$_b" "$_c" \
				2>"$_state/gcc.$_b" ||
				gcc -O2 -Wall -o "$_esc_bin/$_b" "$_c" \
					2>>"$_state/gcc.$_b"
		fi || diag "cannot build $_c: $(cat "$_state/gcc.$_b")"
	done
}

esc_user() {
	case $2 in
	W) user "$1" "$J" ;;
	P) user "$1" /bin/bash ;;
	*) echo "Bail out! esc_user: mode $2"; exit 1 ;;
	esac
}

esc_profile() {
	_ep=$2
	printf '%s\n' "$_ep" | grep -q '^[[:space:]]*volume' ||
		_ep="volume \"~\" {}
$_ep"
	profile "$1" "shell = \"/bin/bash\"
$_ep"
}

esc_probes() {
	_eh=$(home "$1")
	PROBES=$_eh/.probes
	install -d -m 755 -o root -g root "$PROBES"
	for _f in "$ESC_SRC"/*.py; do
		[ -f "$_f" ] && install -m 644 -o root -g root "$_f" "$PROBES/"
	done
	for _f in "$_esc_bin"/*; do
		[ -f "$_f" ] && [ "$(basename "$_f")" != pamrun ] &&
			install -m 755 -o root -g root "$_f" "$PROBES/"
	done
	return 0
}

ESC_SVC=
esc_pam() {
	ESC_PAM_WHY=
	[ -n "$ESC_SVC" ] && return 0
	[ -n "${JT_ESC_NO_PAM:-}" ] && { ESC_PAM_WHY="JT_ESC_NO_PAM is set"; return 1; }
	[ -f /etc/pam.d/runuser-l ] || { ESC_PAM_WHY="no /etc/pam.d/runuser-l"; return 1; }
	PAMRUN=$_esc_bin/pamrun
	[ -x "$PAMRUN" ] || { ESC_PAM_WHY="pamrun could not be built (gcc, libpam0g-dev)"; return 1; }
	pam_setup
	pam_service "jt-esc-$$" "$(pam_stack /etc/pam.d/runuser-l)
$PAM_LINE"
	ESC_SVC=jt-esc-$$
}

pamrun() { "$PAMRUN" "$ESC_SVC" "$@"; }

jin() {
	case $1 in
	W) jrun "$2" "$3" ;;
	P) pamrun "$2" -c "$3" </dev/null ;;
	*) echo "Bail out! jin: mode $1"; exit 1 ;;
	esac
}

jcap() { capture jin "$@"; }

esc_mode_user() {
	W=$(mode_name "$1")
	esc_user U "$1"
	esc_profile "$U" "${2:-}"
	esc_probes "$U"
	uh=$(home "$U")
	esc_sanity "$1" "$U"
}

sleeper() {
	_sf=$_state/sleeper.$RANDOM
	as_user "$2" sh -c 'echo $$; exec sleep 600' > "$_sf" 2>/dev/null &
	disown $!
	wait_for 5 test -s "$_sf"
	eval "$1=\$(cat "\$_sf")"
	at_exit "kill ${!1} 2>/dev/null"
}

mode_name() {
	case $1 in
	W) echo jailsh ;;
	P) echo PAM ;;
	esac
}

esc_modes() {
	if esc_pam; then
		MODES="W P"
	else
		MODES="W"
		diag "PAM mode not run: $ESC_PAM_WHY"
	fi
}

host_same() { mounts_as "$HOST0" "$1: the host's mount table is unchanged"; }

val() {
	printf '%s\n' "$OUT" | sed -n "s/^$1[=:] \{0,1\}//p" | head -n 1
}

# esc_sanity MODE USER: TAP: a session of USER in MODE is in a jail (a mount
# namespace that is not the host's, no_new_privs): without this, the
# failures a test expects could come from something else entirely
esc_sanity() {
	_sn=$(jin "$1" "$2" 'echo "MNT=$(readlink /proc/self/ns/mnt) NNP=$(sed -n "s/^NoNewPrivs:[[:space:]]*//p" /proc/self/status)"' 2>&1)
	like "$_sn" "^MNT=mnt:\\[[0-9]+\\] NNP=1\$" "$(mode_name "$1"): the session is jailed (no_new_privs)"
	unlike "$_sn" "MNT=$(ere "$(readlink /proc/$$/ns/mnt)") " "  ... in a mount namespace that is not the host's"
}

# todo DESCRIPTION REASON: a TAP "not ok ... # TODO": a known gap that is
# reported on every run but does not fail the suite
todo() { _tap_n=$((_tap_n + 1)); echo "not ok $_tap_n - $1 # TODO $2"; }
