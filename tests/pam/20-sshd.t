#!/bin/bash
# pam_jailsh.so behind Debian's real sshd: the private sshd of
# tests/lib/ssh.sh runs under a PAM service of its own, Debian's sshd stack
# with the README's line (setup-pam) at the end. User U has /bin/bash as
# the login shell and the profile
#
#     volume "~" {}   network = "none"   ssh_agent = yes
#
# user C (control) has no profile: the module leaves C alone (PAM_IGNORE).
# sshd's configuration has "Subsystem sftp internal-sftp" and
# "PermitUserRC yes": the things a login shell cannot jail. Checked, for U:
#
#   - sshd's own session process (the monitor, root) is in the jail's
#     mount namespace, sealed (no_new_privs, empty bounding set);
#   - an interactive login on a terminal (ssh -tt under pty-drive): a
#     prompt, tty, the shell is not pid 1, ps shows only the session,
#     /var/tmp is read-only, "exit 3" gives 3; wtmp and lastlog record
#     the login, also for a user whose profile sets rlimit fsize (the
#     limits are set on sshd's monitor, which writes the records);
#   - fail closed: a user whose profile names a volume that does not
#     exist gets no command and no sftp, and is told why;
#   - ssh HOST COMMAND: stdout and stderr apart, exit statuses, 1 MiB both
#     ways (tests/lib/ssh-paths.sh);
#   - scp (the SFTP protocol, so internal-sftp, and the legacy one), sftp
#     with internal-sftp (put in the home works, put to /var/tmp fails,
#     /tmp is the jail's), then the same with a second sshd whose sftp
#     subsystem is /usr/lib/openssh/sftp-server; rsync into the home, and
#     to /var/tmp failing (ssh-paths.sh);
#   - ssh -L, -W and -R to a python3 server on the host's 127.0.0.1: they
#     never reach it under network = none, while they do for C;
#   - agent forwarding: ssh-add -l inside lists the test agent's key (sshd
#     made the socket in the jail's /tmp: the host's /tmp has none);
#   - ~/.ssh/rc runs in the jail: its write to /var/tmp fails with EROFS
#     and leaves nothing on the host, while C's writes there;
#   - a lost connection (the ssh client killed with SIGKILL) leaves
#     nothing of U running within 2 s, and the host's mount table as it
#     was;
#   - 50 concurrent sessions all work, each in a jail of its own, and
#     leave nothing behind.
. "$(dirname "$0")/../lib/pam.sh"
. "$TOP/tests/lib/ssh-paths.sh"

pam_setup
for c in scp sftp rsync ssh-agent ssh-add utmpdump lastlog; do
	command -v "$c" >/dev/null || skip_all "no $c"
done
[ -x /bin/bash ] || skip_all "no /bin/bash"
SFTP_SERVER=/usr/lib/openssh/sftp-server
[ -x "$SFTP_SERVER" ] || skip_all "no $SFTP_SERVER"
PY=/usr/bin/python3
[ -x "$PY" ] || skip_all "no python3"
HOST_MNT=$(host_ns mnt)
before=$(host_mounts)

sshd_with_pam 'Subsystem sftp internal-sftp
PermitUserRC yes'
is "$(tail -n 1 "/etc/pam.d/$SSHD_SERVICE")" "session required $PAM_MODULE" \
	"sshd's PAM service ($SSHD_SERVICE) ends with the README's line"
W=$SSHD_DIR	# removed at exit (T is the transcript of _cp_drive)
MARK=/var/tmp/jt-pam-marker-$$
at_exit "rm -f $MARK-*"

ssh_user U /bin/bash
profile "$U" 'volume "~" {}
network = "none"
ssh_agent = yes'
ssh_user C /bin/bash
UH=$(home "$U")

# --- sshd's own process for the session -------------------------------------------
jssh "$U" 'echo started; exec sleep 5' >"$W/mon.out" 2>&1 </dev/null &
sp=$!
wait_for 10 test -s "$W/mon.out"
mon=$(pgrep -f "^sshd-jt$$: $U \\[priv\\]\$" | head -n 1)
like "$mon" '^[0-9]+$' "sshd's session process for U (the monitor, \"$U [priv]\") runs"
is "$(awk '$1 == "Uid:" { print $2 }' "/proc/$mon/status" 2>/dev/null)" 0 \
	"  ... as root"
ok "  ... in a mount namespace that is not the host's" in_jail_mnt "$mon"
is "$(awk '$1 == "NoNewPrivs:" || $1 == "CapBnd:" { printf "%s ", $2 }' \
	"/proc/$mon/status" 2>/dev/null)" "0000000000000000 1 " \
	"  ... sealed: empty bounding set, no_new_privs"
ok "  ... in the jail's network namespace (network = none)" \
	test "$(readlink "/proc/$mon/ns/net")" != "$(host_ns net)"
kill "$sp" 2>/dev/null
wait "$sp" 2>/dev/null
no_live_processes "$U"

# --- an interactive login on a terminal ----------------------------------------------
printf '%s\n' "PS1='JT-PROMPT> '" > "$UH/.bash_profile"
chown "$U:" "$UH/.bash_profile"
wtmp_count() { utmpdump /var/log/wtmp 2>/dev/null | grep -cF "[$1"; }
w0=$(wtmp_count "$U")
_cp_u=$U	# for ssh-paths.sh's _cp_drive
_cp_drive "interactive" <<EOF
expect JT-PROMPT> \$ 20
send tty; echo T-\$((6*7))\\n
expect T-42
send echo P-\$\$-\$((1+1))\\n
expect P-[0-9]+-2
send ps -e -o pid=,comm= | tr -s ' \\\\n' ' '; echo; echo S-\$((2+3))\\n
expect S-5
send touch /var/tmp/jt-tt-$$; echo rc=\$?; readlink /proc/self/ns/mnt; echo M-\$((3+3))\\n
expect M-6
send exit 3\\n
EOF
like "$T" 'JT-PROMPT> tty' "ssh -tt: a prompt appears (and takes a command)"
like_text "$T" $'\n/dev/pts/[0-9]+\nT-42' "ssh -tt: tty names a /dev/pts device"
pid=$(printf '%s\n' "$T" | sed -n 's/^P-\([0-9]*\)-2$/\1/p' | head -n 1)
ok "ssh -tt: the shell is not pid 1 (it is $pid)" test -n "$pid" -a "$pid" != 1
ps_line=$(printf '%s\n' "$T" | grep -B1 '^S-5$' | head -n 1)
like "$ps_line" '^ ?1 [^ ]+ ' "ssh -tt: ps -e sees a pid 1 (the jail's init): $ps_line"
is "$(printf '%s\n' "$ps_line" | awk '{ for (i = 2; i <= NF; i += 2) print $i }' |
	grep -vxE "jailsh|sshd-jt$$|bash|ps|tr" | tr '\n' ' ')" "" \
	"ssh -tt:   ... and only the session's processes (init, sshd's, bash, ps, tr)"
like_text "$T" $'\nrc=1\nmnt:' "ssh -tt: touch /var/tmp fails"
like "$T" "jt-tt-$$'?: Read-only file system" "  ... with EROFS"
ok "  ... and nothing is on the host" test ! -e "/var/tmp/jt-tt-$$"
unlike "$T" "^$(ere "$HOST_MNT")\$" "ssh -tt: the shell's mount namespace is not the host's"
is "$RC" 3 "ssh -tt: \"exit 3\" ends the session, ssh exits with 3"
ok "wtmp has an entry for U's terminal session (utmpdump /var/log/wtmp)" \
	test "$(wtmp_count "$U")" -gt "$w0"
like "$(last -w -f /var/log/wtmp 2>/dev/null)" "^$U " \
	"  ... last -w lists U"
unlike "$(lastlog -u "$U")" 'Never logged in' "lastlog has U's login"

# --- login records under a profile's fsize limit ----------------------------------
# sshd's monitor (root, in the jail) writes the login records after the
# session opened; the module sets the profile's limits on it, but not
# fsize: lastlog is written at offset uid * 292 (more than 4K for any uid
# above 14), wtmp at its end. pam_jailsh(8): "What the service still does
# as root keeps working: [...] records the login in utmp, wtmp, btmp and
# lastlog". fsize reaches the session through jailsh as the login shell,
# which, already in the jail, applies the profile's limits before it runs
# the real shell (the test installation under /tmp is mapped in, since
# the jail's /tmp is private).
ssh_user FS "$J"
profile "$FS" "volume \"~\" {}
shell = \"/bin/bash\"
map \"$JAILSH_TEST_ROOT\" {}
rlimit { fsize = \"4K\" }"
w0=$(wtmp_count "$FS")
out=$(printf 'echo FS-$((6*7)) $(ulimit -f)\nexit 0\n' |
	timeout 30 ssh $(ssh_opts) -p "$SSHD_PORT" -tt "$FS@127.0.0.1" 2>&1)
like "$out" 'FS-42 4([^0-9]|$)' "fsize = 4K: a terminal session works, and its shell has the limit (ulimit -f: 4)"
unlike "$(lastlog -u "$FS")" 'Never logged in' "fsize = 4K: lastlog has the user's login"
ok "fsize = 4K: wtmp has an entry for the user's session (wtmp is $(stat -c %s /var/log/wtmp) bytes)" \
	test "$(wtmp_count "$FS")" -gt "$w0"
grep -q 'lastlog_write_entry: .*File too large' "$SSHD_LOG" &&
	diag "sshd: $(grep -h 'lastlog_write_entry' "$SSHD_LOG" | tail -n 1)"

# --- fail closed -----------------------------------------------------------------
# a profile whose volume does not exist: the module refuses the session,
# and sshd does not run anything for it
ssh_user B /bin/bash
profile "$B" "volume \"/nonexistent-$$\" {}"
capture jssh "$B" 'echo SHOULD-NOT-RUN; touch ~/ran' </dev/null
ok "a user whose profile cannot be applied: ssh host CMD fails (exit $RC)" \
	test "$RC" != 0 -a "$RC" != 127
unlike "$OUT" SHOULD-NOT-RUN "  ... the command never ran"
# (sshd prints the conversation's messages with the login messages, on
# the session's standard output)
like "$OUT
$ERR" "^jailsh: .*volume /nonexistent-$$: No such file or directory" \
	"  ... the client is told why"
ok "  ... and wrote nothing" test ! -e "$(home "$B")/ran"
capture timeout 30 sftp $(ssh_opts) -P "$SSHD_PORT" -b /dev/null "$B@127.0.0.1"
ok "  ... sftp (internal-sftp) fails as well (exit $RC)" test "$RC" != 0
ok "  ... nothing of the user runs" no_live_processes "$B"

# --- commands, scp, sftp (internal-sftp), rsync ---
# tests/lib/ssh-paths.sh's parts that hold for any jailed bash; its
# check_paths does not fit: it wants the shell to be pid 2 (here sshd's
# own child is, in the jail) and sshd's agent socket on the host (here sshd
# makes it in the jail's /tmp)----------------------------------
_cp_l="U (internal-sftp)"
_cp_h=$UH
_cp_workdir
head -c 1048576 /dev/urandom > "$_cp_w/rand"
printf 'small\n' > "$_cp_w/small"
_cp_command
_cp_scp scp
_cp_scp scp-O -O
_cp_sftp
_cp_rsync

# --- a second sshd, with the sftp-server program -----------------------------------
sshd_with_pam "Subsystem sftp $SFTP_SERVER
PermitUserRC yes"
like "$(cat "$SSHD_DIR/sshd_config")" "^Subsystem sftp $(ere "$SFTP_SERVER")\$" \
	"second sshd: Subsystem sftp $SFTP_SERVER"
_cp_l="U (sftp-server)"
rm -f "$UH"/sftp-* "$UH"/up-* "$UH"/down-*
_cp_scp scp
_cp_sftp

# --- forwarding to the host's network ---------------------------------------------------
SRV_LOG=$W/server.log
: > "$SRV_LOG"
greeter --log "$SRV_LOG" hello-from-host 127.0.0.1:0
SRV_PORT=$GREETER_PORT
conns() { wc -l < "$SRV_LOG" | tr -d ' '; }
# probe HOST:PORT: what a connection there receives (EMPTY if it is
# closed without a word, ERR: ... if it cannot be made)
probe() { "$PY" "$TOP/tests/lib/jtnet.py" fetch --fail "ERR: %s" "$1"; }
is "$(probe "127.0.0.1:$SRV_PORT") $(conns)" "hello-from-host 1" \
	"control: the server on the host's 127.0.0.1:$SRV_PORT answers"
SSH="ssh $(ssh_opts) -p $SSHD_PORT -o ConnectTimeout=10 -o ExitOnForwardFailure=yes"

# forwarding NAME USER works|fails
forwarding() {
	_n=$1 _u=$2 _want=$3
	c0=$(conns)
	lport=$(_free_port)
	$SSH -N -L "127.0.0.1:$lport:127.0.0.1:$SRV_PORT" "$_u@127.0.0.1" \
		</dev/null >/dev/null 2>"$W/err" &
	pid=$!
	wait_for 10 listening "$lport"
	got=$(probe "127.0.0.1:$lport")
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	if [ "$_want" = works ]; then
		is "$got" hello-from-host "$_n: ssh -L to the host's 127.0.0.1:PORT reaches the server"
	else
		like "$got" '^(EMPTY|ERR: .*)$' "$_n: ssh -L to 127.0.0.1:PORT: a connection through it gets nothing ($got)"
	fi

	if [ "$_want" = works ]; then
		ssh_forward_W "$_n" "$_u" "$SRV_PORT" hello-from-host
	else
		ssh_forward_W "$_n" "$_u" "$SRV_PORT" -
	fi

	rport=$(_free_port)
	$SSH -N -R "127.0.0.1:$rport:127.0.0.1:$SRV_PORT" "$_u@127.0.0.1" \
		</dev/null >/dev/null 2>"$W/err" &
	pid=$!
	if [ "$_want" = works ]; then
		wait_for 10 listening "$rport"
		got=$(probe "127.0.0.1:$rport")
		is "$got" hello-from-host "$_n: ssh -R: sshd listens on the host's 127.0.0.1, and it reaches the server"
	else
		sleep 2
		ok "$_n: ssh -R: nothing listens on the host's 127.0.0.1:$rport (sshd is in the jail's network)" \
			eval '! listening "$rport"'
	fi
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null

	if [ "$_want" = works ]; then
		is "$(($(conns) - c0))" 3 "$_n: the host's server saw the 3 connections"
	else
		is "$(($(conns) - c0))" 0 "$_n: the host's server never saw a connection"
	fi
}
forwarding "control C (no profile)" "$C" works
forwarding "U (network = none)" "$U" fails

# --- agent forwarding --------------------------------------------------------------------
eval "$(ssh-agent -s)" > /dev/null
AGENT=$SSH_AUTH_SOCK
at_exit "kill $SSH_AGENT_PID 2>/dev/null"
unset SSH_AUTH_SOCK SSH_AGENT_PID
SSH_AUTH_SOCK=$AGENT ssh-add -q "$SSH_KEY" 2>/dev/null
keys=$(SSH_AUTH_SOCK=$AGENT ssh-add -l)
like "$keys" 'jailsh-test \(ED25519\)$' "agent: control: the test agent holds the client key"
host_agent_dirs() {
	find /tmp -maxdepth 1 -name 'ssh-*' -user "$U" 2>/dev/null | tr '\n' ' '
}
SSH_AUTH_SOCK=$AGENT jssh "$U" -A \
	'echo "S=${SSH_AUTH_SOCK-unset}"; ssh-add -l; echo "al=$?"; echo READY;
	 sleep 2; echo "tmp: $(ls -a /tmp | tr "\n" " ")"' \
	> "$W/agent.out" 2> "$W/agent.err" < /dev/null &
ap=$!
wait_for 10 grep -q READY "$W/agent.out"
hdirs=$(host_agent_dirs)
wait "$ap"
arc=$?
OUT=$(cat "$W/agent.out")
is "$arc" 0 "agent: ssh -A session ends with 0"
like "$OUT" '^S=/tmp/ssh-[A-Za-z0-9]+/agent\.[0-9]+$' "agent: SSH_AUTH_SOCK is sshd's socket"
like_text "$OUT" $'\n'"$(ere "$keys")"$'\nal=0\n' "agent: ssh-add -l inside lists the client's key"
is "$hdirs" "" "agent: sshd made its socket's directory in the jail's /tmp: none of U's in the host's /tmp"
like "$OUT" '^tmp: \. \.\. ssh-[A-Za-z0-9]+ $' "agent:   ... where it is the only thing"

# --- ~/.ssh/rc -------------------------------------------------------------------------------
# plant_rc USER: ~/.ssh/rc writes $MARK-USER on the host's /var/tmp (and
# ~/.rc-ran in the home, to show that it ran at all)
plant_rc() {
	_h=$(home "$1")
	cat > "$_h/.ssh/rc" <<EOF
echo rc >> \$HOME/.rc-ran
echo rc >> $MARK-$1
EOF
	chown "$1:" "$_h/.ssh/rc"
	rm -f "$_h/.rc-ran"
}
plant_rc "$C"
capture jssh "$C" true
ok "control: C's ~/.ssh/rc ran" test -s "$(home "$C")/.rc-ran"
ok "  ... and wrote to the host's /var/tmp" test -s "$MARK-$C"
plant_rc "$U"
capture jssh "$U" true
is "$RC" 0 "U: ssh host true works with a ~/.ssh/rc"
ok "U: ~/.ssh/rc ran (it wrote to the home volume)" test -s "$UH/.rc-ran"
like "$ERR" "$(ere "$MARK-$U"): Read-only file system" \
	"  ... its write to /var/tmp failed with EROFS"
ok "  ... and left nothing on the host" test ! -e "$MARK-$U"
rm -f "$UH/.ssh/rc" "$(home "$C")/.ssh/rc"

# --- a lost connection ---------------------------------------------------------------------
ssh_disconnect "$U" "ssh host sleep 1000 (no terminal)" 1 '' "$U@127.0.0.1" 'sleep 1000'
ssh_disconnect "$U" "ssh host, nothing heeds SIGHUP" 2 '' "$U@127.0.0.1" \
	'trap "" HUP; sleep 1000 & sleep 1000'
ssh_disconnect "$U" "ssh -tt, an interactive shell with nohup sleep &" 2 \
	'trap "" HUP\nnohup sleep 1000 >/dev/null 2>&1 &\nsleep 1000\n' \
	-tt "$U@127.0.0.1"

# --- 50 concurrent sessions ------------------------------------------------------------------
N=50
ok "$N concurrent sessions run at the same time" ssh_together "$U" $N "$W"
ssh_together_end
is "$failed" "" "all $N sessions exit 0"
for i in ${failed}; do diag "session ${i%%:*}: $(head -c 300 "$W/err.${i%%:*}")"; done
is "$wrong" "" "each printed its own token and read back its own file from the home volume"
is "$(grep -c '^mnt:\[[0-9]*\]$' "$W/mnts")" $N "each reported its mount namespace"
is "$(sort -u "$W/mnts" | wc -l | tr -d ' ')" $N "the $N mount namespaces are all different"
ok "  ... and none is the host's" eval '! grep -qxF "$HOST_MNT" "$W/mnts"'
# (up to 5 s: see ssh_disconnect about the jails' inits on hosts that reap
# late)
ok "afterwards nothing of U runs" no_live_processes "$U" 5

# --- nothing left ------------------------------------------------------------------------------
is "$(host_mounts)" "$before" "after all the sessions the host's mount table is unchanged"
ok "no live process of U or C is left" \
	eval 'no_live_processes "$U" 5 && no_live_processes "$C" 5'

done_testing
