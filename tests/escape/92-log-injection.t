#!/bin/bash
# Log injection (issue 16): text a user chooses never forges a line of
# stderr or syslog, nor breaks the JSON account.
#
# "jailsh --status-fd $'9\nMar  3 00:00:00 host sshd[1]: Accepted ...'"
# wrote that forged sshd line, raw, to stderr and syslog. Every message
# of jailsh and of the PAM module is now one line: control characters,
# DEL, the C1 controls and bytes that are not UTF-8 are escaped (\n, \t,
# \xNN, \u0085); valid UTF-8 stays as it is.
#
# syslog: jailsh runs in a mount namespace of the test's own, whose /dev
# is a tmpfs holding the host's /dev entries (bound in) and, at /dev/log,
# the socket of a listener that records each datagram and whether it is
# clean (no byte below 0x20, no DEL, no C1 control, valid UTF-8). Nothing
# of the host's /dev/log (or its absence) is touched.
#
#   - the forged line through --status-fd, as a user whose login shell is
#     jailsh;
#   - jailsh run --vol PATH, PATH with a newline and a forged line, DEL, an
#     ESC sequence, a C1 CSI, bytes that are not UTF-8, and UTF-8 (é, 日本)
#     that must stay; and the same text through --tmpfs, --profile,
#     --rootfs, an unknown option, jailsh enter NAME and a command that
#     does not exist;
#   - a user whose name (and profile file) holds a byte that is not
#     UTF-8: the --status-fd JSON of the session is valid JSON (and UTF-8)
#     with the byte escaped;
#   - the PAM module (pamtester) for a user name with a newline: one clean
#     syslog record, one line on stderr.
#
# Each: exit status as before, exactly one line on stderr (or none),
# "jailsh: ..." with the escapes, and every syslog record clean, the
# forged text only inside an escaped record. Positive controls: the
# listener gets jailsh's messages at all (a clean refusal is recorded);
# the private /dev works for a session.
. "$(dirname "$0")/lib.sh"
esc_setup
command -v unshare >/dev/null || skip_all "no unshare"

FORGED='Mar  3 00:00:00 host sshd[1]: Accepted publickey for root'
# every kind of byte that must be escaped, and UTF-8 that must not be
NASTY=$'\n'"$FORGED"$'\x7f \e[31mred\e[0m \xc2\x9b2J \xff\xfe \xe9 é日本'
NASTY_SHOWN='\n'"$FORGED"'\x7f \x1b[31mred\x1b[0m \u009b2J \xff\xfe \xe9 é日本'

# --- the private /dev/log ------------------------------------------------------------
LOGDIR=$(mktemp -d /tmp/jt-log.XXXXXX) || { echo "Bail out! mktemp"; exit 1; }
chmod 755 "$LOGDIR"
at_exit "rm -rf '$LOGDIR'"
SYSLOG=$_state/syslog.jsonl
: > "$SYSLOG"
"$PY" "$TOP/tests/lib/jtnet.py" log --json "$LOGDIR/log" "$SYSLOG" &
_lpid=$!
at_exit "kill $_lpid 2>/dev/null; wait $_lpid 2>/dev/null"
wait_for 5 test -S "$LOGDIR/log" || { echo "Bail out! the listener did not start"; exit 1; }

LOGNS=$LOGDIR/logns
cat > "$LOGNS" <<'EOF'
#!/bin/sh
# logns DIR CMD...: in a new mount namespace (unshare -m), /dev becomes a
# tmpfs with the old /dev's entries bound in and DIR/log at /dev/log
set -e
d=$1; shift
mkdir -p "$d/olddev"
mount --rbind /dev "$d/olddev"
mount -t tmpfs -o mode=755,size=1m jt-dev /dev
for e in "$d/olddev"/* "$d/olddev"/.[!.]*; do
	[ -e "$e" ] || [ -L "$e" ] || continue
	n=${e##*/}
	[ "$n" = log ] && continue
	if [ -L "$e" ]; then
		cp -P "$e" "/dev/$n"
	elif [ -d "$e" ]; then
		mkdir "/dev/$n"
		mount --rbind "$e" "/dev/$n"
	else
		: > "/dev/$n"
		mount --bind "$e" "/dev/$n"
	fi
done
: > /dev/log
mount --bind "$d/log" /dev/log
umount -l "$d/olddev"
exec "$@"
EOF
chmod 755 "$LOGNS"

# inlog CMD...: CMD, from /, with /dev/log the listener's
inlog() { (cd / && unshare -m --propagation private -- "$LOGNS" "$LOGDIR" "$@"); }
# uas USER CMD...: CMD as USER (as as_user does), in inlog
uas() {
	_ua=$1; shift
	inlog setpriv --reuid="$_ua" --regid="$(id -g "$_ua")" --init-groups \
		--reset-env -- "$@"
}
# records TEXT: the syslog records (JSON lines) that hold TEXT
records() { grep -F -- "$1" "$SYSLOG"; }
# dirty TEXT: true when TEXT holds a control character, DEL, a C1 control
# or bytes that are not UTF-8
dirty() {
	printf '%s' "$1" | "$PY" -c '
import re, sys
d = sys.stdin.buffer.read()
try:
    d.decode("utf-8")
except UnicodeDecodeError:
    sys.exit(0)
sys.exit(0 if re.search(rb"[\x00-\x1f\x7f]|\xc2[\x80-\x9f]", d) else 1)'
}
# one_line DESC: TAP: ERR is exactly one clean line, "jailsh: ..."
one_line() {
	if [ -n "$ERR" ] && ! dirty "$ERR" && _matches "$ERR" '^jailsh: '; then
		pass "$1: one clean line on stderr"
	else
		fail "$1: one clean line on stderr"
		diag "stderr: $(printf '%s' "$ERR" | od -c | head -n 8)"
	fi
}
# sync_log: once the listener has written all it got: a datagram sent
# now is queued after everything sent before it
_sync_n=0
sync_log() {
	_sync_n=$((_sync_n + 1))
	"$PY" -c 'import socket, sys
socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(sys.argv[2].encode(), sys.argv[1])' \
		"$LOGDIR/log" "jt-sync-$_sync_n"
	wait_for 10 grep -q "\"jt-sync-$_sync_n\"" "$SYSLOG" ||
		{ echo "Bail out! the listener does not answer"; exit 1; }
}
# log_clean DESC: TAP: every syslog record since the last mark is clean
log_clean() {
	sync_log
	_lc=$(tail -n +"$((MARK + 1))" "$SYSLOG")
	if printf '%s\n' "$_lc" | grep -q '"clean": false'; then
		fail "$1: every syslog record is one clean line"
		diag "$(printf '%s\n' "$_lc" | grep '"clean": false' | head -n 3)"
	else
		pass "$1: every syslog record is one clean line"
	fi
}
mark() { MARK=$(wc -l < "$SYSLOG"); }

esc_user U "$J"
esc_user V /bin/bash

# --- controls ------------------------------------------------------------------------------
mark
capture uas "$U" "$J" --status-fd 99 -c 'echo jt-ran'
sync_log
have_log=0
control "the listener records jailsh's refusal (--status-fd 99)" \
	eval 'records "--status-fd 99: not a descriptor open for writing" | grep -q "\"clean\": true"' &&
	have_log=1
capture uas "$U" "$J" -c 'echo jt-ran'
is "$RC:$OUT" 0:jt-ran "control: with the private /dev, a session runs"

# log_check DESC: log_clean, or a skip when the listener does not work
log_check() {
	if [ "$have_log" = 1 ]; then log_clean "$1"; else
		skip "control failed: the listener gets nothing from jailsh here"; fi
}

# --- --status-fd: the forged line ------------------------------------------------------
mark
capture uas "$U" "$J" --status-fd $'9\n'"$FORGED" -c 'echo jt-ran'
is "$RC:$OUT" 125: "--status-fd \$'9\\n$FORGED': refused (125), nothing runs"
one_line "  ... --status-fd"
like "$ERR" '^jailsh: --status-fd 9\\nMar  3 00:00:00 host sshd\[1\]: : not a descriptor open for writing$' \
	"  ... the newline shown as \\n"
log_check "  ... --status-fd"
if [ "$have_log" = 1 ]; then
	ok "  ... syslog has the refusal, escaped" \
		eval 'records "--status-fd 9\\\\nMar  3 00:00:00 host sshd[1]" | grep -q "\"clean\": true"'
else
	skip "control failed: the listener gets nothing from jailsh here"
fi

# --- jailsh run: paths, names, options -----------------------------------------------
mark
capture uas "$V" "$J" run --vol "/nonexistent$NASTY" /mnt -- /bin/echo jt-ran
is "$RC:$OUT" 125: "jailsh run --vol NASTY /mnt: refused (125)"
one_line "  ... --vol"
like "$ERR" "$(ere "/nonexistent$NASTY_SHOWN")" "  ... with each byte escaped and the UTF-8 kept"
log_check "  ... --vol"

# try DESC ARGS...: jailsh ARGS as V (login shell bash): fails, runs
# nothing, says one clean line (or nothing), logs only clean lines
try() {
	_t=$1; shift
	mark
	capture uas "$V" "$J" "$@"
	ok "jailsh $_t NASTY: fails (exit $RC), runs nothing" \
		test "$RC" != 0 -a "$OUT" = ""
	if [ -n "$ERR" ]; then one_line "  ... $_t"; else
		pass "  ... $_t: nothing on stderr"; fi
	log_check "  ... $_t"
}
try "run --tmpfs" run --tmpfs "/x$NASTY" -- /bin/echo jt-ran
try "run --map" run --map "/x$NASTY" /mnt -- /bin/echo jt-ran
try "run --vol (target)" run --vol /tmp "/x$NASTY" -- /bin/echo jt-ran
try "run --profile" run --profile "p$NASTY" -- /bin/echo jt-ran
try "run --rootfs" run --rootfs "/x$NASTY" -- /bin/echo jt-ran
try "run --hostname" run --hostname "h$NASTY" -- /bin/echo jt-ran
try "run --net" run --net "n$NASTY" -- /bin/echo jt-ran
try "run (an unknown option)" run "--bogus$NASTY" -- /bin/echo jt-ran
try "run (a command that does not exist)" run -- "/nonexistent$NASTY"
try "build --rootfs" build --rootfs "/x$NASTY" -- /bin/echo jt-ran
try "enter NAME" enter "jt$NASTY" /bin/echo jt-ran
try "enter PID" enter -- "99999999$NASTY" /bin/echo jt-ran

# --- the JSON account: a user whose name is not UTF-8 ---------------------------------
WN=$(printf 'jt%sx\xffy' "$$")
WUID=$((V_UID + 7000))
while getent passwd "$WUID" >/dev/null; do WUID=$((WUID + 1)); done
WH=/home/$WN
install -d -m 700 -o "$WUID" -g "$V_GID" "$WH"
at_exit "rm -rf '$WH'"
esc_passwd_add "$WN:x:$WUID:$V_GID::$WH:$J"
printf 'volume "~" {}\n' > "$CONF/users/$WN.conf"
chmod 644 "$CONF/users/$WN.conf"
at_exit "rm -f '$CONF/users/$WN.conf'"
mark
capture uas "$WUID" "$J" --status-fd 3 -c 'echo jt-ran' 3>"$_state/status.json"
is "$RC:$OUT" 0:jt-ran "a user named jt...\\xffy (not UTF-8): the session runs"
json() {
	"$PY" -c 'import json, sys; o = json.loads(open(sys.argv[1], "rb").read()); print(o[sys.argv[2]])' \
		"$_state/status.json" "$1" 2>&1
}
is "$(json user)" "$(printf 'jt%sx\\xffy' "$$")" \
	"  ... --status-fd: valid JSON (UTF-8), the user name with the byte escaped"
like "$(json profile)" "/users/jt$$"'x\\xffy\.conf$' "  ... and the profile's file name too"
log_check "  ... the session's syslog lines"
# only the line added goes (other tests may add and remove users meanwhile,
# so the file is not compared with the copy kept)
_esc_passwd_del "$_esc_pw_n"
ok "the user jt...\\xffy is gone from the password database" \
	eval '! getent passwd "$WUID" >/dev/null'

# --- the PAM module: a user name with a newline --------------------------------------
if command -v pamtester >/dev/null; then
	pam_setup
	pam_service "jt-log-$$" "session required $PAM_MODULE"
	mark
	capture inlog pamtester "jt-log-$$" $'jt\n'"$FORGED" open_session
	ok "PAM: the session of a user named \$'jt\\n$FORGED' is refused (exit $RC)" \
		test "$RC" != 0
	unlike "$ERR" "(^|\n)$(ere "$FORGED")" "  ... no line on stderr starts with the forged text"
	like "$ERR" "(^|\n)jailsh: no such user: jt\\\\n$(ere "$FORGED")(\n|\$)" \
		"  ... the module's message is one line, the newline escaped"
	log_check "PAM"
	if [ "$have_log" = 1 ]; then
		ok "  ... syslog has the refusal, escaped" \
			eval 'records "refusing the session of jt\\\\nMar  3" | grep -q "\"clean\": true"'
	else
		skip "control failed: the listener gets nothing from jailsh here"
	fi
else
	skip_n 5 "no pamtester"
fi

done_testing
