#!/bin/bash
# jailsh audit against what a real login by each way can do (issue 15).
#
# In a mount namespace of the test's own (lib.sh), with Debian's sshd,
# su and runuser and the namespace's copies of /etc/pam.d, sshd_config
# and /etc/shells, for each setup of the matrix:
#
#   shell only        login shell jailsh, no module line, Debian's sshd
#                     defaults (forwarding on, PermitUserRC yes)
#   shell + README    the same with the README's "Match Group" block
#   PAM only          login shell bash, the README's module lines
#   forgotten         PAM only, runuser (then sshd) without the line; the
#                     audit's fix applied, and the way tried again
#   weak line         the line "optional" (with a profile the module fails
#                     on), or after a module whose "default=1" jumps it
#   internal-sftp     Subsystem sftp internal-sftp, shell only and PAM;
#                     the audit's fix applied
#   both              login shell jailsh, the line in every service: the
#                     audit says nothing is open, and exits 0
#   /etc/shells       jailsh listed: su -s by another user; the fix
#
# every verdict of the audit for a way is checked against that way tried
# for real, beside it: a command run by that way says whether it sees
# the test's own pid (host pids) and can create a file in /var/tmp
# (outside the volumes); a forwarding says whether it reached a listener
# on the host's loopback (the profile has network = "none") or a Unix
# socket in the host's /tmp (the jail's /tmp is its own). A way the audit
# calls n/a must be refused for real. Cron is 20-cron.t.
. "$(dirname "$0")/lib.sh"

aud_setup
command -v /usr/sbin/sshd >/dev/null || skip_all "openssh-server is not installed"
P2=$_state/p2
mkdir -p "$P2"
printf 'small\n' > "$W/small"
chmod 644 "$W/small"

# a listener on the host: TCP on 127.0.0.1, and a Unix socket in /tmp
SOCK=/tmp/jt-audit-sock.$$
at_exit "rm -f '$SOCK'"
greeter HELLO 127.0.0.1:0 "unix:$SOCK"
LPORT=$GREETER_PORT

# --- the real ways -------------------------------------------------------

ssh_real() { real "$(jssh "$1" "$PROBE" 2>&1 </dev/null)"; }

# sftp: can it put a file in /var/tmp, can it list the test's /proc/PID?
# (after a control: it lists /)
sftp_real() {
	local s=(timeout 60 sftp $(ssh_opts) -P "$SSHD_PORT") o=""
	printf 'ls /\n' > "$W/b0"
	"${s[@]}" -b "$W/b0" "$1@127.0.0.1" >"$W/sftp.out" 2>&1 ||
		{ echo "unclear: sftp fails: $(tr '\n' ' ' < "$W/sftp.out")"; return; }
	printf 'ls /proc/%s/comm\n' "$$" > "$W/b1"
	printf 'put %s %s\n' "$W/small" "$PROBE_MARK" > "$W/b2"
	if "${s[@]}" -b "$W/b1" "$1@127.0.0.1" >/dev/null 2>&1; then
		o="pids=host"; else o="pids=jail"; fi
	if "${s[@]}" -b "$W/b2" "$1@127.0.0.1" >/dev/null 2>&1; then
		o="$o write=host"; else o="$o write=no"; fi
	real "$o"
}

# forwarding: open (the listener answered), jailed (sshd tried and did
# not reach it), n/a (sshd refused: administratively prohibited)
fwd_result() {
	case $1 in
	*HELLO*) echo open ;;
	*prohibited*) echo n/a ;;
	*"open failed"* | *"connect failed"*) echo jailed ;;
	*) echo "unclear: $(printf '%s' "$1" | tr '\n' ' ')" ;;
	esac
}
# ssh's own messages say why a channel failed: not at LogLevel ERROR
FWD_OPTS=$(ssh_opts | sed 's/-o LogLevel=ERROR//')
fwd_tcp() {
	fwd_result "$(timeout 30 ssh $FWD_OPTS -p "$SSHD_PORT" \
		-W "127.0.0.1:$LPORT" "$1@127.0.0.1" </dev/null 2>&1)"
}
# (sshd refuses a Unix-socket forwarding with the same message to the
# client as one that fails: its log says which)
fwd_unix() {
	local lp pid out n
	n=$(wc -l < "$SSHD_LOG")
	lp=$(_free_port)
	ssh $FWD_OPTS -p "$SSHD_PORT" -N -L "127.0.0.1:$lp:$SOCK" \
		"$1@127.0.0.1" </dev/null 2>"$W/fwd.err" &
	pid=$!
	wait_for 10 listening "$lp"
	out=$(python3 "$TOP/tests/lib/jtnet.py" fetch --fail "nothing %s" "127.0.0.1:$lp" 2>&1)
	sleep 0.3
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	sed -n "$((n + 1)),\$p" "$SSHD_LOG" | grep -q 'refused streamlocal port forward' &&
		out="$out prohibited"
	fwd_result "$out $(cat "$W/fwd.err")"
}

# ~/.ssh/rc: what it could do, or "not run"
rc_real() {
	local h
	h=$(homedir "$1")
	printf '%s\n' "($PROBE) > $h/rc.out 2>&1" > "$h/.ssh/rc"
	chown "$1:" "$h/.ssh/rc"
	rm -f "$h/rc.out"
	jssh "$1" true </dev/null >/dev/null 2>&1
	if [ -f "$h/rc.out" ]; then real "$(cat "$h/rc.out")"; else
		echo "not run"; fi
	rm -f "$h/.ssh/rc" "$h/rc.out"
}

su_real() { real "$(in_ns su "$1" -c "$PROBE" 2>&1 </dev/null)"; }
runuser_real() {
	real "$(in_ns runuser -u "$1" -- sh -c "$PROBE" 2>&1 </dev/null)"
}
runuserl_real() {
	real "$(in_ns runuser -l "$1" -c "$PROBE" 2>&1 </dev/null)"
}

# na LABEL USER WAY REAL: the audit says n/a, and the real way is refused
na() {
	is "$(verdict "$2" "$3")/$4" "n/a/$5" "$1: $3: audit says n/a, the real path: $4"
}

SFTP="Subsystem sftp /usr/lib/openssh/sftp-server"

# --- shell only ----------------------------------------------------------
aud_user A "$J"
aud_sshd "$SFTP"
audit_run "$A"
L="shell only"
is "$ARC" 1 "$L: the audit exits 1 (ways are open)"
check_way "$L" "$A" ssh-session "$(ssh_real "$A")"
check_way "$L" "$A" ssh-subsystem-sftp "$(sftp_real "$A")"
check_way "$L" "$A" ssh-tcp-forwarding "$(fwd_tcp "$A")"
check_way "$L" "$A" ssh-unix-forwarding "$(fwd_unix "$A")"
check_way "$L" "$A" ssh-user-rc "$(rc_real "$A")"
check_way "$L" "$A" pam:su "$(su_real "$A")"
check_way "$L" "$A" pam:runuser "$(runuser_real "$A")"
check_way "$L" "$A" pam:runuser-l "$(runuserl_real "$A")"
like "$(fix_of "$A" pam:runuser)" "^append	/etc/pam.d/runuser	$(ere "$PAM_LINE")\$" \
	"$L: pam:runuser: the fix is the README's line, at the end of /etc/pam.d/runuser"
like "$(fix_of "$A" ssh-tcp-forwarding)" '^match	/etc/ssh/sshd_config	AllowTcpForwarding no$' \
	"$L: ssh-tcp-forwarding: the fix is AllowTcpForwarding no, in a Match block"

# the fix for forwarding, applied: sshd refuses it
apply_fix "$A" ssh-tcp-forwarding
apply_fix "$A" ssh-unix-forwarding
aud_sshd --keep
audit_run "$A"
na "$L, fixed" "$A" ssh-tcp-forwarding "$(fwd_tcp "$A")" n/a
na "$L, fixed" "$A" ssh-unix-forwarding "$(fwd_unix "$A")" n/a

# --- shell + the README's sshd settings ---------------------------------
G=jta$$
groupadd "$G" && at_exit "groupdel '$G' 2>/dev/null"
aud_user A2 "$J" "$G"
aud_sshd "$(readme_snippet sshd-jailed jailed "$G")"
audit_run "$A2"
L="shell + README"
check_way "$L" "$A2" ssh-session "$(ssh_real "$A2")"
check_way "$L" "$A2" ssh-subsystem-sftp "$(sftp_real "$A2")"
na "$L" "$A2" ssh-tcp-forwarding "$(fwd_tcp "$A2")" n/a
na "$L" "$A2" ssh-unix-forwarding "$(fwd_unix "$A2")" n/a
na "$L" "$A2" ssh-user-rc "$(rc_real "$A2")" "not run"
is "$(verdict "$A2" ssh-x11-forwarding) $(verdict "$A2" ssh-tunnel)" "n/a n/a" \
	"$L: X11 forwarding and tunnels: n/a (X11Forwarding no, PermitTunnel no)"

# --- PAM only ----------------------------------------------------------------
# (runuser-l and su-l include runuser and su, which have the line: a
# second one in the same stack would refuse the session)
for s in sshd login su runuser; do pam_add "$s"; done
aud_user B /bin/bash
aud_sshd "$SFTP"
audit_run "$B"
L="PAM only"
check_way "$L" "$B" ssh-session "$(ssh_real "$B")"
check_way "$L" "$B" ssh-subsystem-sftp "$(sftp_real "$B")"
check_way "$L" "$B" ssh-tcp-forwarding "$(fwd_tcp "$B")"
check_way "$L" "$B" ssh-unix-forwarding "$(fwd_unix "$B")"
check_way "$L" "$B" ssh-user-rc "$(rc_real "$B")"
check_way "$L" "$B" pam:su "$(su_real "$B")"
check_way "$L" "$B" pam:runuser "$(runuser_real "$B")"
check_way "$L" "$B" pam:runuser-l "$(runuserl_real "$B")"
is "$(verdict "$B" su-s-chsh)" n/a "$L: su-s-chsh: n/a (the login shell is not jailsh)"

# --- a forgotten service: runuser, then sshd ---------------------------------
pam_reset
for s in sshd login su runuser-l; do pam_add "$s"; done
audit_run "$B"
L="forgotten runuser"
check_way "$L" "$B" pam:runuser-l "$(runuserl_real "$B")"
check_way "$L" "$B" pam:runuser "$(runuser_real "$B")"
apply_fix "$B" pam:runuser
audit_run "$B"
check_way "$L, fixed" "$B" pam:runuser "$(runuser_real "$B")"

pam_reset
for s in login su runuser; do pam_add "$s"; done
audit_run "$B"
L="forgotten sshd"
check_way "$L" "$B" ssh-session "$(ssh_real "$B")"
check_way "$L" "$B" ssh-user-rc "$(rc_real "$B")"
check_way "$L" "$B" ssh-tcp-forwarding "$(fwd_tcp "$B")"
apply_fix "$B" ssh-user-rc
aud_sshd --keep
audit_run "$B"
na "$L, fixed" "$B" ssh-user-rc "$(rc_real "$B")" "not run"

# --- a line that does not hold: optional, or jumped over ----------------------
# E's profile names a volume that does not exist: the module fails
pam_reset
printf 'session optional %s\n' "$PAM_MODULE" >> "$W/pam.d/runuser"
aud_user E /bin/bash
profile "$E" "$AUD_PROFILE
volume \"/nonexistent-jt$$\" {}"
audit_run "$E"
L="optional line"
check_way "$L" "$E" pam:runuser "$(runuser_real "$E")"
like "$(_way "$E" pam:runuser text)" '"optional": a failure of the module does not fail the session' \
	"$L: pam:runuser: the audit says why"
# control: the module does fail for E; "required", it refuses the session
pam_reset
pam_add runuser
capture in_ns runuser -u "$E" -- sh -c "$PROBE"
ok "$L: control: with the line required, runuser -u $E is refused (status $RC, nothing ran)" \
	eval '[ "$RC" != 0 ] && [ -z "$OUT" ]'
rm -f "$PROBE_MARK"
pam_reset
printf 'session [default=1] pam_permit.so\n%s\n' "$PAM_LINE" >> "$W/pam.d/runuser"
audit_run "$B"
L="jumped over"
check_way "$L" "$B" pam:runuser "$(runuser_real "$B")"
like "$(_way "$B" pam:runuser text)" 'pam_permit.so jumps over pam_jailsh \(default=1\)' \
	"$L: pam:runuser: the audit says why"

# --- internal-sftp -------------------------------------------------------------
pam_reset
aud_sshd "Subsystem sftp internal-sftp"
audit_run "$A" "$B"
L="internal-sftp"
check_way "$L, shell only" "$A" ssh-subsystem-sftp "$(sftp_real "$A")"
check_way "$L, shell only" "$A" ssh-session "$(ssh_real "$A")"
apply_fix "$A" ssh-subsystem-sftp
aud_sshd --keep
audit_run "$A"
check_way "$L, fixed" "$A" ssh-subsystem-sftp "$(sftp_real "$A")"
pam_add sshd
aud_sshd "Subsystem sftp internal-sftp"
audit_run "$B"
check_way "$L, PAM" "$B" ssh-subsystem-sftp "$(sftp_real "$B")"

# --- both, everywhere: nothing open ---------------------------------------------
pam_reset
for f in "$W"/pam.d/*; do
	case ${f##*/} in common-* | su-l | runuser-l) ;; *) pam_add "${f##*/}" ;; esac
done
aud_user C "$J"
# jailsh and its configuration are under /tmp, which is the jail's own:
# under the module, the login shell runs in the jail and must be seen
profile "$C" "$AUD_PROFILE
map \"$JAILSH_TEST_ROOT\" {}"
aud_sshd "$SFTP"
audit_run "$C"
L="both"
is "$ARC" 0 "$L: the audit exits 0"
is "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["open"])' "$W/audit.json")" 0 \
	"$L: ... and counts no way open"
check_way "$L" "$C" ssh-session "$(ssh_real "$C")"
check_way "$L" "$C" ssh-tcp-forwarding "$(fwd_tcp "$C")"
check_way "$L" "$C" pam:runuser "$(runuser_real "$C")"
check_way "$L" "$C" pam:su "$(su_real "$C")"
check_way "$L" "$C" pam:runuser-l "$(runuserl_real "$C")"
like "$(verdict "$C" pam:runuser-l) $(_way "$C" pam:runuser-l text)" \
	"^jailed by pam_jailsh in runuser-l \\(/etc/pam.d/runuser:[0-9]+\\)" \
	"$L: pam:runuser-l: jailed by the line in runuser, which it includes"
capture in_ns "$J" audit "$C"
like "$OUT" "^$C pam:runuser jailed: by pam_jailsh in runuser \\(/etc/pam.d/runuser:[0-9]+\\)" \
	"$L: the text output says how, one line per way"
like "$OUT" "^1 user, 0 ways open\$" "$L: ... and ends with the count"

# --- /etc/shells --------------------------------------------------------------------
pam_reset
echo "$J" >> "$W/shells"
echo "$A:jt-pw-$$" | chpasswd
aud_user D /bin/sh
audit_run "$A"
L="/etc/shells"
# su -s by another user, who knows A's password
su_s() {
	in_ns "$TOP/tests/lib/pty-drive" setpriv --reuid="$D" --regid="$(id -g "$D")" \
		--init-groups --reset-env -- su -s /bin/sh "$A" -c "$PROBE" <<EOF
expect [Pp]assword: 10
send jt-pw-$$\n
sleep 2
EOF
}
check_way "$L" "$A" su-s-chsh "$(real "$(su_s)")"
like "$(fix_of "$A" su-s-chsh)" "^remove	/etc/shells	$(ere "$J")\$" "$L: the fix removes $J from /etc/shells"
apply_fix "$A" su-s-chsh
audit_run "$A"
check_way "$L, fixed" "$A" su-s-chsh "$(real "$(su_s)")"

# --- the host ------------------------------------------------------------------------
ok "nothing of the test's was written in the host's /etc/pam.d" \
	eval '! grep -rqF "$PAM_MODULE" /etc/pam.d'
ok "the host's /etc/shells does not list the test's jailsh" \
	eval '! grep -qxF "$J" /etc/shells'
done_testing
