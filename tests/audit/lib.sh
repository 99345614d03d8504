# tests/audit/lib.sh: jailsh audit against the real services, for the
# tests in tests/audit/.
#
# Each test runs in a mount namespace of its own (a holder process made
# with unshare, stopped by its pid at exit), where /etc/pam.d, the sshd
# configuration, /etc/shells, /run and the cron spool are the test's own
# copies, bound over the host's: what the audit reads there is exactly
# what the real daemons and programs started there (sshd, su, runuser,
# cron) use, and no file of the host's is ever written. Users are real
# throwaway users (harness.sh), removed at exit.
#
#   aud_setup                 pam_setup, then the namespace (NS, its holder
#                             pid) and the work directory W; called again,
#                             another (the helpers use the NS and W set)
#   in_ns COMMAND...          COMMAND in the namespace
#   pam_reset                 /etc/pam.d (the copy) as Debian's again
#   pam_add SERVICE           the README's module line at the end of
#                             /etc/pam.d/SERVICE (the copy)
#   aud_sshd --keep           restarts it on the configuration as it is
#   aud_sshd [CONFIG-LINES]   (re)starts Debian's sshd in the namespace,
#                             on 127.0.0.1 and a free port, reading
#                             /etc/ssh/sshd_config (the copy: the base of
#                             tests/lib/ssh.sh plus CONFIG-LINES) and
#                             /etc/pam.d/sshd (the copy)
#   aud_user VAR SHELL [GROUP]  a throwaway user for ssh (ssh_user), with
#                             the profile below (network "none", the home
#                             a volume, bash as the real shell)
#   audit_run USER...         jailsh audit --json in the namespace: the
#                             JSON in $W/audit.json, the status in ARC
#   verdict USER WAY          the verdict the last audit_run gave
#   fix_of USER WAY           its fix, as "ACTION<TAB>FILE<TAB>LINE"
#   apply_fix USER WAY        applies that fix to the namespace's copies
#   PROBE                     a shell command that says what it can do:
#                             "pids=host" (it sees the test's pid) or
#                             "pids=jail", "write=host" (it could create a
#                             file in /var/tmp) or "write=no"
#   real OUTPUT               "jailed", "open", or "unclear: OUTPUT"
#   check_way LABEL USER WAY REAL-OUTPUT   TAP: the verdict and what the
#                             real path did agree (jailed and jailed, OPEN
#                             and open)

. "$(dirname "$0")/../lib/pam.sh"

AUD_PROFILE='shell = "/bin/bash"
network = "none"
volume "~" {}'

aud_setup() {
	pam_setup
	command -v nsenter >/dev/null && command -v unshare >/dev/null ||
		skip_all "no nsenter or unshare (util-linux)"
	W=$(mktemp -d /tmp/jt-audit.XXXXXX)
	chmod 755 "$W"
	at_exit "rm -rf '$W'"
	# Debian's services, none of another test's
	mkdir "$W/pam.orig" "$W/pam.d"
	for f in /etc/pam.d/*; do
		case ${f##*/} in jt-* | sshd-jt*) continue ;; esac
		# without the line another test may have appended meanwhile
		grep -v pam_jailsh "$f" > "$W/pam.orig/${f##*/}"
	done
	cp "$W"/pam.orig/* "$W/pam.d/"
	cp /etc/shells "$W/shells"
	# the keys first: ssh_user installs the client's
	SSHD_DIR=$W/sshd
	mkdir -m 755 "$SSHD_DIR"
	SSH_KEY=$SSHD_DIR/client
	ssh-keygen -q -t ed25519 -N '' -f "$SSHD_DIR/host_ed25519" -C host
	ssh-keygen -q -t ed25519 -N '' -f "$SSH_KEY" -C jailsh-test
	_aud_n=0
	: > "$W/sshd_config"
	: > "$W/crontab"
	unshare --mount --propagation private sleep 100000 &
	NS=$!
	at_exit "kill $NS 2>/dev/null; wait $NS 2>/dev/null"
	wait_for 5 _ns_ready || { echo "Bail out! no namespace"; exit 1; }
	# the cron and at spools, /etc/crontab and /etc/cron.d: empty, the
	# test's own (where they exist: nothing is made on the host)
	_binds=
	for d in /var/spool/cron/crontabs /var/spool/cron/atjobs \
		/var/spool/cron/atspool /etc/cron.d; do
		[ -d "$d" ] || continue
		_c=$W/spool.${d##*/}
		mkdir "$_c"
		chown --reference="$d" "$_c"
		chmod --reference="$d" "$_c"
		# at's job counter, which at expects to find
		if [ "${d##*/}" = atjobs ]; then
			: > "$_c/.SEQ"
			chown --reference="$d" "$_c/.SEQ"
			chmod 600 "$_c/.SEQ"
		fi
		_binds="$_binds mount --bind '$_c' '$d';"
	done
	[ -f /etc/crontab ] && _binds="$_binds mount --bind '$W/crontab' /etc/crontab;"
	[ -f /etc/ssh/sshd_config ] &&
		_binds="$_binds mount --bind '$W/sshd_config' /etc/ssh/sshd_config;"
	in_ns sh -ec "
		mount --bind '$W/pam.d' /etc/pam.d
		mount --bind '$W/shells' /etc/shells
		mount -t tmpfs -o mode=755 tmpfs /run
		mkdir -m 755 /run/sshd
		$_binds
	" || { echo "Bail out! cannot set up the namespace"; exit 1; }
}

_ns_ready() {
	[ "$(readlink "/proc/$NS/ns/mnt" 2>/dev/null)" != "" ] &&
		[ "$(readlink "/proc/$NS/ns/mnt")" != "$(readlink /proc/$$/ns/mnt)" ]
}

in_ns() { nsenter -t "$NS" -m -- "$@"; }

pam_reset() {
	for f in "$W"/pam.d/*; do
		[ -f "$W/pam.orig/${f##*/}" ] || rm -f "$f"
	done
	for f in "$W"/pam.orig/*; do cat "$f" > "$W/pam.d/${f##*/}"; done
}

pam_add() { printf '%s\n' "$PAM_LINE" >> "$W/pam.d/$1"; }

aud_sshd() {
	_aud_keep=
	[ "${1:-}" = --keep ] && _aud_keep=1
	if [ -n "${SSHD_PID:-}" ]; then
		kill "$SSHD_PID" 2>/dev/null
		wait "$SSHD_PID" 2>/dev/null
		SSHD_PID=
	fi
	_aud_n=$((_aud_n + 1))
	SSHD_LOG=$SSHD_DIR/sshd.$_aud_n.log
	[ -n "$_aud_keep" ] || _sshd_config "$W/sshd_config" "${1:-}"
	_sshd_run nsenter -t "$NS" -m -- /usr/sbin/sshd
}

aud_user() {
	ssh_user "$1" "$2" "${3:-}"
	profile "${!1}" "$AUD_PROFILE"
}

audit_run() {
	in_ns "$J" audit --json "$@" > "$W/audit.json" 2> "$W/audit.err"
	ARC=$?
	python3 -c 'import json, sys; json.load(open(sys.argv[1]))' \
		"$W/audit.json" 2>/dev/null ||
		{ diag "audit printed no JSON (status $ARC):" \
			"$(cat "$W/audit.json" "$W/audit.err")"; }
}

_way() {
	python3 - "$W/audit.json" "$1" "$2" "$3" <<'EOF'
import json, sys
_, f, user, way, what = sys.argv
try:
    doc = json.load(open(f))
except Exception:
    print("no-json"); sys.exit()
for u in doc["users"]:
    if u["user"] != user:
        continue
    for w in u["ways"]:
        if w["way"] == way:
            if what == "verdict":
                print(w["verdict"])
            elif what == "text":
                print(w["text"])
            elif "fix" in w:
                x = w["fix"]
                print("%s\t%s\t%s" % (x["action"], x["file"], x["line"]))
            sys.exit()
print("missing")
EOF
}

verdict() { _way "$1" "$2" verdict; }
fix_of() { _way "$1" "$2" fix; }

# apply_fix USER WAY: the fix the audit gave, to the namespace's copies
# (their paths are the host's, as the audit names them), written in
# place: nothing is created beside them, in the host's directories
apply_fix() {
	_af=$(fix_of "$1" "$2")
	_af_action=$(printf '%s' "$_af" | cut -f1)
	_af_file=$(printf '%s' "$_af" | cut -f2)
	_af_line=$(printf '%s' "$_af" | cut -f3)
	case $_af_action in
	append)
		printf '%s\n' "$_af_line" | in_ns sh -c "cat >> '$_af_file'" ;;
	match)
		printf 'Match User %s\n    %s\n' "$1" "$_af_line" |
			in_ns sh -c "cat >> '$_af_file'" ;;
	replace)
		# the line that starts with the same two words
		in_ns sh -c 'awk -v l="$1" '"'"'BEGIN { split(l, w) }
			$1 == w[1] && $2 == w[2] { print l; next } { print }'"'"' "$2" > "$3"
			cat "$3" > "$2"' sh "$_af_line" "$_af_file" "$W/fix.tmp" ;;
	remove)
		in_ns sh -c 'grep -vxF -- "$1" "$2" > "$3"; cat "$3" > "$2"' \
			sh "$_af_line" "$_af_file" "$W/fix.tmp" ;;
	*)
		diag "no fix to apply for $1 $2: '$_af'"; return 1 ;;
	esac
}

PROBE_MARK=/var/tmp/jt-audit-probe.$$
# (the redirection in a subshell: a failed one ends the shell that makes it)
PROBE="if [ -e /proc/$$ ]; then echo pids=host; else echo pids=jail; fi; if (echo x > $PROBE_MARK) 2>/dev/null; then echo write=host; else echo write=no; fi"

real() {
	rm -f "$PROBE_MARK"
	case $1 in
	*pids=jail*write=no*) echo jailed ;;
	*pids=host*write=host*) echo open ;;
	*) echo "unclear: $(printf '%s' "$1" | tr '\n' ' ')" ;;
	esac
}

# check_way LABEL USER WAY REAL: the audit's verdict against the real
# path's outcome (jailed or open), both shown
check_way() {
	_cw_v=$(verdict "$2" "$3")
	case $_cw_v in jailed) _cw_want=jailed ;; OPEN) _cw_want=open ;;
		*) _cw_want="(verdict $_cw_v)" ;; esac
	is "$4" "$_cw_want" "$1: $3: audit says $_cw_v, the real path is $4"
}
