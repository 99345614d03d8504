# tests/lib/pam.sh: pam_jailsh.so, the PAM module of the private
# installation, under real PAM services, for the tests in tests/pam/ and
# tests/escape/. Sources ssh.sh (and so harness.sh), integration.sh and
# capture.sh.
#
# Everything the helpers write outside the test's own directories (files
# in /etc/pam.d, a line appended to a service of the system, a /dev/log
# listener) is undone when the test exits, whether it passes or not.
#
#   pam_setup                 setup (harness.sh), then PAM_MODULE (the
#                             module's path) and PAM_LINE (the line the
#                             README's setup-pam snippet appends, with that
#                             path); every other helper calls it first
#   pam_service NAME LINES    writes /etc/pam.d/NAME (NAME must be new;
#                             put $$ in it), removed at exit
#   pam_append SERVICE        runs the README's setup-pam command for
#                             /etc/pam.d/SERVICE (runuser-l, su...): the
#                             module line appended to the system's own file,
#                             whose original is kept and put back at exit
#   pam_restore_check         puts every appended file back now, and checks
#                             (as TAP) that each is byte for byte, mode and
#                             owner, what it was
#   sshd_with_pam [CONFIG-LINES]  (re)starts the private sshd of
#                             tests/lib/ssh.sh under a PAM service of its
#                             own, sshd-jt$$: Debian's /etc/pam.d/sshd plus
#                             the README's line; a second call stops the
#                             first sshd and starts another, with the new
#                             CONFIG-LINES
#   syslog_listen             when the host has no /dev/log, listens there
#                             (until exit) and appends each message to
#                             $SYSLOG; false when /dev/log exists already
#   pam_probe_dir             a directory for pam_exec scripts, in
#                             $PROBE_DIR: in /var/tmp, which a jail still
#                             sees (read-only), unlike the private /tmp
#   pam_stack FILE            FILE's lines (a service in /etc/pam.d), its
#                             "include"s written out, without any
#                             pam_jailsh line: for a service of a test's
#                             own (pam_service) that is a system one plus
#                             PAM_LINE, touching nothing of the system's
#   (host_ns and in_jail_mnt are integration.sh's)

. "$(dirname "$0")/../lib/ssh.sh"
. "$TOP/tests/lib/integration.sh"
. "$TOP/tests/lib/capture.sh"

pam_setup() {
	[ -n "${PAM_MODULE:-}" ] && return 0
	[ -n "${_state:-}" ] || setup
	PAM_MODULE=$(find "$JAILSH_TEST_ROOT/lib" -name pam_jailsh.so | head -n 1)
	[ -f "$PAM_MODULE" ] ||
		{ echo "Bail out! no pam_jailsh.so under $JAILSH_TEST_ROOT/lib"; exit 1; }
	_pl_f=$_state/pam-line
	: > "$_pl_f"
	_pam_snippet /etc/pam.d/sshd "$_pl_f" | sh -e ||
		{ echo "Bail out! the setup-pam snippet failed"; exit 1; }
	PAM_LINE=$(cat "$_pl_f")
	[ -n "$PAM_LINE" ] ||
		{ echo "Bail out! the setup-pam snippet has no line for sshd"; exit 1; }
}

# _pam_snippet FILE [TARGET]: the README's setup-pam command that appends
# to FILE, with the module's path (and FILE replaced by TARGET)
_pam_snippet() {
	readme_snippet setup-pam pam_jailsh.so "$PAM_MODULE" "$1" "${2:-$1}" |
		awk -v t=" >> ${2:-$1}" \
			'length($0) > length(t) && substr($0, length($0) - length(t) + 1) == t'
}

pam_service() {
	pam_setup
	case $1 in */* | "") echo "Bail out! pam_service: bad name '$1'"; exit 1 ;; esac
	[ ! -e "/etc/pam.d/$1" ] ||
		{ echo "Bail out! /etc/pam.d/$1 exists already"; exit 1; }
	at_exit "rm -f '/etc/pam.d/$1'"
	printf '%s\n' "$2" > "/etc/pam.d/$1"
}

_pam_appended=""
pam_append() {
	pam_setup
	_pa_f=/etc/pam.d/$1
	[ -f "$_pa_f" ] || skip_all "no $_pa_f"
	case " $_pam_appended " in *" $1 "*)
		echo "Bail out! pam_append $1 twice"; exit 1 ;; esac
	# the copy, with mode, owner and times, before anything is written
	cp -p "$_pa_f" "$_state/orig.$1" ||
		{ echo "Bail out! cannot keep a copy of $_pa_f"; exit 1; }
	_pam_appended="$_pam_appended $1"
	at_exit "_pam_restore '$1'"
	_pam_snippet "$_pa_f" | sh -e ||
		{ echo "Bail out! the setup-pam line for $_pa_f failed"; exit 1; }
	grep -qxF "$PAM_LINE" "$_pa_f" ||
		{ echo "Bail out! $_pa_f did not get the module line"; exit 1; }
}

# _pam_restore SERVICE: the kept copy, written back into the same file (the
# same inode: its mode and owner are kept), its times as they were
_pam_restore() {
	[ -f "$_state/orig.$1" ] || return 0
	cat "$_state/orig.$1" > "/etc/pam.d/$1"
	touch -r "$_state/orig.$1" "/etc/pam.d/$1"
}

pam_restore_check() {
	for _pr in $_pam_appended; do
		_pam_restore "$_pr"
		ok "/etc/pam.d/$_pr is put back byte for byte (cmp with the copy kept)" \
			cmp "$_state/orig.$_pr" "/etc/pam.d/$_pr"
		is "$(stat -c '%a %U %G' "/etc/pam.d/$_pr")" \
			"$(stat -c '%a %U %G' "$_state/orig.$_pr")" \
			"  ... with its mode and owner"
	done
}

# sshd_with_pam [CONFIG-LINES]: like ssh_setup (tests/lib/ssh.sh), but
# sshd runs as $SSHD_DIR/sshd-jt$$, a symbolic link to /usr/sbin/sshd:
# OpenSSH 9.2 takes its program name as the PAM service, so its sessions
# go through /etc/pam.d/sshd-jt$$ (SSHD_SERVICE) and nothing else.
sshd_with_pam() {
	pam_setup
	command -v /usr/sbin/sshd >/dev/null 2>&1 ||
		skip_all "openssh-server is not installed"
	[ -f /etc/pam.d/sshd ] || skip_all "no /etc/pam.d/sshd"
	if [ -n "${SSHD_PID:-}" ]; then
		kill "$SSHD_PID" 2>/dev/null
		wait "$SSHD_PID" 2>/dev/null
		SSHD_PID=
	fi
	if [ -z "${SSHD_DIR:-}" ]; then
		_sshd_dir
		SSHD_SERVICE=sshd-jt$$
		ln -s /usr/sbin/sshd "$SSHD_DIR/$SSHD_SERVICE"
		pam_service "$SSHD_SERVICE" "$(cat /etc/pam.d/sshd)"
		_pam_snippet /etc/pam.d/sshd "/etc/pam.d/$SSHD_SERVICE" | sh -e ||
			{ echo "Bail out! the setup-pam line for sshd failed"; exit 1; }
		[ "$(tail -n 1 "/etc/pam.d/$SSHD_SERVICE")" = "$PAM_LINE" ] ||
			{ echo "Bail out! /etc/pam.d/$SSHD_SERVICE does not end with the module line"; exit 1; }
		_sshd_n=0
	fi
	_sshd_n=$((_sshd_n + 1))
	SSHD_LOG=$SSHD_DIR/sshd.$_sshd_n.log
	_sshd_config "$SSHD_DIR/sshd_config" "${1:-}"
	_sshd_run "$SSHD_DIR/$SSHD_SERVICE" -f "$SSHD_DIR/sshd_config"
}

syslog_listen() {
	pam_setup
	[ -n "${SYSLOG:-}" ] && return 0
	[ -e /dev/log ] || [ -L /dev/log ] && return 1
	SYSLOG=$_state/syslog
	: > "$SYSLOG"
	python3 "$TOP/tests/lib/jtnet.py" log /dev/log "$SYSLOG" &
	_sl_pid=$!
	at_exit "kill $_sl_pid 2>/dev/null; wait $_sl_pid 2>/dev/null; rm -f /dev/log"
	wait_for 5 test -S /dev/log ||
		{ echo "Bail out! the /dev/log listener did not start"; exit 1; }
}

pam_probe_dir() {
	pam_setup
	[ -n "${PROBE_DIR:-}" ] && return 0
	PROBE_DIR=$(mktemp -d /var/tmp/jt-pam-probe.XXXXXX)
	chmod 755 "$PROBE_DIR"
	at_exit "rm -rf '$PROBE_DIR'"
}

pam_stack() {
	grep -v pam_jailsh "$1" | while IFS= read -r _l; do
		set -f
		set -- $_l
		if [ "${2:-}" = include ] && [ -f "/etc/pam.d/$3" ]; then
			pam_stack "/etc/pam.d/$3" |
				awk -v t="$1" '$1 == t || $1 == "-" t'
		else
			printf '%s\n' "$_l"
		fi
	done
}
