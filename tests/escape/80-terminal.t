#!/bin/bash
# Escape through the terminal (CATALOGUE.md, class 14): a jailed session
# started from a root shell's terminal pushes a command into that
# terminal's input (TIOCSTI, plainly and with the high 32 bits of the
# request set, through the i386 and x32 entries, and TIOCLINUX paste), so
# that the root shell would run it once the session is over. Tested the
# su way: a root bash on a pseudo-terminal (tests/lib/pty-drive) runs
#
#   su - USER -c PROBE                 (su runs -c in a new session)
#   su - USER --session-command PROBE  (the same session as the root shell)
#   su - USER                          (a login shell whose ~/.bash_profile
#                                       runs PROBE, then exit)
#   setpriv --reuid USER --reset-env SHELL -c PROBE  (no su at all)
#
# where PROBE pushes "touch /root/jt-pwned-PID-ENTRY-TECH" and a newline.
# After each session the root shell goes on reading its terminal for a
# while (and is shown to: it answers a command), and nothing typed from the
# jail runs: no /root/jt-pwned-* file.
#
# Positive control, for every entry and technique: the same probe run by a
# user whose shell is /bin/bash, without jailsh, does inject on this
# kernel (the file appears). Where it does not (su -c's new session,
# dev.tty.legacy_tiocsti = 0, no x32 ABI, TIOCLINUX on a pseudo-terminal
# that is no console), the jailed case is skipped with the reason. The
# TIOCLINUX ioctl itself reaches the kernel outside (which answers for
# itself) and is refused by the filter inside (EPERM).
#
# Then the same under the PAM module, for a user with /bin/bash and a
# profile: pamrun (modes.sh; what runuser -l does, under a private copy of
# Debian's runuser-l stack with the module line at the end) with -c, which
# like su --session-command keeps the root shell's session, and as an
# interactive login shell. The control user has no profile, so the module
# leaves it alone under the same stack.
. "$(dirname "$0")/modes.sh"
esc_setup
command -v su >/dev/null || skip_all "no su"
[ -x /bin/bash ] || skip_all "no /bin/bash"

DRIVE=$TOP/tests/lib/pty-drive
MARK=/root/jt-pwned-$$
at_exit "rm -f $MARK-*"
legacy=$(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null || echo absent)
diag "dev.tty.legacy_tiocsti: $legacy"
TECHS="plain high i386 x32 tioclinux"

# tty_root LABEL ENTRY: a root bash on a new pseudo-terminal types ENTRY,
# waits for it to end, goes on reading its terminal for 1.5 s, then must
# answer a command (ALIVE). Transcript (without CR) in T.
tty_root() {
	T=$(printf '%s\n' \
		'expect # ' \
		'send unset HISTFILE\n' \
		'expect # ' \
		"send $2; echo E\"\"NTRY-END\\n" \
		'expect ENTRY-END 60' \
		'sleep 1.5' \
		"send echo A\"\"LIVE-\$((40+2))\\n" \
		'expect ALIVE-42 10' \
		'send exit\n' |
		timeout 120 "$DRIVE" bash --norc --noprofile -i 2>&1 |
		tr -d '\r' | sed 's/\x1b\[[?0-9;]*[a-zA-Z]//g')
	if printf '%s' "$T" | grep -q 'ALIVE-42'; then
		pass "$1: afterwards the root shell still reads its terminal (and runs what is typed there)"
	else
		fail "$1: afterwards the root shell still reads its terminal (and runs what is typed there)"
		diag "$(printf '%s\n' "$T" | tail -n 20)"
	fi
}

# result TECH: what the probe said about TECH in T
result() { printf '%s\n' "$T" | sed -n "s/^$1: //p" | tail -n 1; }

# probe_cmd LABEL: the probe, with its markers
probe_cmd() {
	echo "$PY ~/.probes/tiocsti.py $MARK-$1; ~/.probes/tiocsti32 i386 $MARK-$1; ~/.probes/tiocsti32 x32 $MARK-$1"
}

# entry KIND USER: the command the root shell types
entry() {
	case $1 in
	su-c) echo "su - $2 -c '$(probe_cmd "$3")'" ;;
	su-session) echo "su - $2 --session-command '$(probe_cmd "$3")'" ;;
	su-login) echo "su - $2" ;;
	pamrun-session) echo "$PAMRUN $ESC_SVC $2 -c '$(probe_cmd "$3")'" ;;
	pamrun-login) echo "$PAMRUN $ESC_SVC $2" ;;
	setpriv) echo "setpriv --reuid=$2 --regid=$(id -g "$2") --init-groups --reset-env $4 -c '$(probe_cmd "$3")'" ;;
	esac
}

# with_profile_probe USER LABEL ON: a ~/.bash_profile that runs the
# probe and exits (for the *-login entries), or none
bash_profile() {
	if [ "$3" = on ]; then
		printf '%s\n' "$(probe_cmd "$2")" 'exit 0' > "$(home "$1")/.bash_profile"
	else
		rm -f "$(home "$1")/.bash_profile"
	fi
}

# run_pair KIND CONTROL-USER CONTROL-SHELL JAILED-USER JAILED-SHELL WHAT
declare -A CTL
run_pair() {
	_k=$1 _cu=$2 _cs=$3 _ju=$4 _js=$5 _what=$6
	case $_k in *-login) bash_profile "$_cu" "$_k-ctl" on; bash_profile "$_ju" "$_k-jail" on ;; esac

	tty_root "control: $_k ($_cu, /bin/bash, no jail)" "$(entry "$_k" "$_cu" "$_k-ctl" "$_cs")"
	for t in $TECHS; do CTL[$t]=$(result "$t"); done
	diag "control $_k: $(for t in $TECHS; do printf '%s=[%s] ' "$t" "${CTL[$t]}"; done)"

	before=$(host_mounts)
	tty_root "$_what: $_k" "$(entry "$_k" "$_ju" "$_k-jail" "$_js")"
	diag "$_what $_k: $(for t in $TECHS; do printf '%s=[%s] ' "$t" "$(result "$t")"; done)"
	for t in plain high i386 x32; do
		if [ -e "$MARK-$_k-ctl-$t" ]; then
			pass "control: $_k, TIOCSTI ($t) from a session without jailsh types into the root shell"
			ok "$_what: $_k, TIOCSTI ($t): nothing typed from the jail runs in the root shell" \
				test ! -e "$MARK-$_k-jail-$t"
			is "$(result "$t")" "Operation not permitted" "  ... the jail's ioctl fails with EPERM"
		else
			_why="control failed: the same probe does not inject outside the jail either (${CTL[$t]:-no answer})"
			case $_k/$t in
			su-c/*) _why="control failed: su -c runs the command in a new session, so TIOCSTI is refused outside the jail too (${CTL[$t]:-no answer})" ;;
			*/x32) _why="this kernel has no x32 ABI (${CTL[$t]:-no answer})" ;;
			esac
			[ "$legacy" = 0 ] && _why="dev.tty.legacy_tiocsti = 0: the kernel refuses TIOCSTI to users already"
			skip "$_what: $_k, TIOCSTI ($t): $_why"
			ok "  ... and nothing typed from the jail ran anyway" test ! -e "$MARK-$_k-jail-$t"
		fi
	done
	# TIOCLINUX paste: a pseudo-terminal is no console, and since Linux
	# 6.7 the selection needs CAP_SYS_ADMIN: it cannot inject here; the
	# filter must still refuse the ioctl before the kernel sees it
	if [ "${CTL[tioclinux]}" = injected ]; then
		pass "control: $_k, TIOCLINUX paste injects outside the jail"
		is "$(result tioclinux)" "setsel Operation not permitted" "$_what: $_k, TIOCLINUX paste is refused (EPERM)"
	else
		skip "$_what: $_k, TIOCLINUX paste: control failed: cannot inject outside the jail either on this terminal and kernel (${CTL[tioclinux]:-no answer})"
		case ${CTL[tioclinux]} in
		"setsel Operation not permitted" | "")
			skip "$_what: $_k: TIOCLINUX: control failed: the kernel itself answers EPERM outside, so the filter's EPERM cannot be told apart" ;;
		*)
			is "$(result tioclinux)" "setsel Operation not permitted" \
				"$_what: $_k: TIOCLINUX reaches the kernel outside (${CTL[tioclinux]}), the filter refuses it inside (EPERM)" ;;
		esac
	fi
	is "$(host_mounts)" "$before" "$_what: $_k: the host's mount table is unchanged"
	ok "$_what: $_k: nothing of $_ju is left running" no_live_processes "$_ju"
	case $_k in *-login) bash_profile "$_cu" "" off; bash_profile "$_ju" "" off ;; esac
}

# --- jailsh as the login shell ---------------------------------------------
esc_user C W; usermod -s /bin/bash "$C"   # the control: bash, no jail
esc_user U W                              # jailsh, profile: bash
esc_profile "$U" ''
esc_probes "$C"
esc_probes "$U"
esc_sanity W "$U"
[ -x "$PROBES/tiocsti32" ] || diag "no compiled tiocsti32 (no gcc?): i386 and x32 answer nothing"

for k in su-c su-session su-login; do
	run_pair "$k" "$C" /bin/bash "$U" "$J" "jailsh"
done
run_pair setpriv "$C" /bin/bash "$U" "$J" "jailsh"

# --- under the PAM module ---------------------------------------------------
if esc_pam; then
	esc_user P P
	esc_profile "$P" ''
	esc_probes "$P"
	esc_sanity P "$P"
	for k in pamrun-session pamrun-login; do
		run_pair "$k" "$C" /bin/bash "$P" /bin/bash "PAM"
	done
else
	skip "PAM mode: $ESC_PAM_WHY"
fi

ok "no /root/jt-pwned-* from a jailed session" \
	eval "! ls $MARK-*-jail-* >/dev/null 2>&1"
host_same "at the end"
done_testing
