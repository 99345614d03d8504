#!/bin/bash
# pam_jailsh.so under pamtester, with PAM services of the test's own
# (/etc/pam.d/jt-pam-PID-*, removed at exit):
#
#   - the module as a shared object: it loads with RTLD_NOW (every symbol
#     resolved) and exports only pam_sm_open_session and
#     pam_sm_close_session;
#   - which users: a "verdict" stack shows what the module returned
#     (success or PAM_IGNORE) and a pam_exec probe after it shows, by what
#     it can do, whether the process that opened the session is jailed:
#     its mount namespace, a write to /var/tmp (EROFS in a jail), its
#     hostname, no_new_privs and the bounding set, the processes it sees.
#     A user with a profile (users/, a supplementary group's groups/,
#     default.conf) is jailed, with its hostname and limits; one without
#     is ignored and not jailed, unless jailsh.conf says jail_all_users =
#     yes; root is ignored and not jailed either way; debug logs why;
#   - the process that opened the session (pamtester itself) is in the
#     jail's namespaces, sealed, with the profile's limits, as the host
#     sees it; close_session ends the jail (nothing of it is left, even
#     what the session started in the background) while pamtester still
#     runs; when pamtester is killed instead, the jail ends as well; the
#     host's mount table is as it was;
#   - refusals: an unknown argument, a profile with a syntax error, a
#     volume whose source does not exist, a profile not owned by root, one
#     writable by its group, a user who does not exist: open_session fails
#     (the session does not start: the probe never runs), the reason is
#     shown through the conversation and logged to syslog, and nothing of
#     the user is left.
. "$(dirname "$0")/../lib/pam.sh"

pam_setup
command -v pamtester >/dev/null || skip_all "no pamtester"
command -v nm >/dev/null || skip_all "no nm (binutils)"
pam_probe_dir
M=$PAM_MODULE
HOST_MNT=$(host_ns mnt)
HOST_NET=$(host_ns net)
HOST_UTS=$(hostname)
ID=jt-pam-$$
before=$(host_mounts)

# --- the module as a shared object ------------------------------------------
capture python3 -c 'import ctypes, os, sys
ctypes.CDLL(sys.argv[1], mode=os.RTLD_NOW)
print("loaded")' "$M"
is "$OUT$ERR" loaded "the module loads with RTLD_NOW (every symbol it needs is resolved)"
is "$(nm -D --defined-only "$M" | awk '{ print $NF }' | sort | tr '\n' ' ')" \
	"pam_sm_close_session pam_sm_open_session " \
	"it exports only pam_sm_open_session and pam_sm_close_session"

# --- the probe ----------------------------------------------------------------
# probe LABEL [SLEEP]: what the process that the service starts after the
# module can do, one KEY=VALUE a line (through pam_exec's stdout option,
# pamtester prints them); then sleeps SLEEP seconds
cat > "$PROBE_DIR/probe" <<'EOF'
#!/bin/sh
m=$(dirname "$0")/marker-$1
echo "MNT=$(readlink /proc/self/ns/mnt)"
echo "NET=$(readlink /proc/self/ns/net)"
echo "NNP=$(sed -n 's/^NoNewPrivs:[[:space:]]*//p' /proc/self/status)"
echo "BND=$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/self/status)"
echo "UTS=$(hostname)"
echo "NOFILE=$(ulimit -n)"
if err=$(touch "$m" 2>&1); then echo "VARTMP=written"; else
	echo "VARTMP=${err##*: }"; fi
echo "PS=$(ps -e -o pid=,comm= | awk '{ printf "%s:%s ", $1, $2 }')"
if [ -n "${2:-}" ]; then
	# something the session leaves running, all of its own
	setsid sleep 1000 </dev/null >/dev/null 2>&1 &
	sleep "$2"
fi
EOF
chmod 755 "$PROBE_DIR/probe"

# The verdict stack: VERDICT=success or VERDICT=ignore says what the module
# returned; on any other result the stack stops there (die). The probe runs
# after it, in the session's process.
pam_service "$ID-verdict" "auth optional pam_faildelay.so delay=3000000
auth required pam_deny.so
account required pam_permit.so
session [success=ok ignore=2 default=die] $M
session optional pam_exec.so stdout type=open_session /bin/echo VERDICT=success
session [default=1] pam_permit.so
session optional pam_exec.so stdout type=open_session /bin/echo VERDICT=ignore
session required pam_exec.so stdout type=open_session $PROBE_DIR/probe verdict
session optional pam_permit.so"
# The README's line, at the end of a stack, and the probe after it.
pam_service "$ID-plain" "session required pam_exec.so stdout type=open_session /bin/echo BEFORE=1
$PAM_LINE
session required pam_exec.so stdout type=open_session $PROBE_DIR/probe plain"
is "$(tail -n 2 "/etc/pam.d/$ID-plain" | head -n 1)" "session required $M" \
	"the README's line, with the module's path: session required MODULE"

# val KEY: the value of KEY= in the probe's output (OUT)
val() { printf '%s\n' "$OUT" | sed -n "s/^$1=//p" | head -n 1; }
# session SERVICE USER: pamtester open_session close_session
session() {
	rm -f "$PROBE_DIR"/marker-*
	capture timeout 60 pamtester -v "$ID-$1" "$2" open_session close_session
}

# jailed LABEL: the probe ran in a jail, as the profile says
jailed() {
	is "$(val VERDICT)" success "$1: the module returns success"
	like "$(val MNT)" '^mnt:\[[0-9]+\]$' "$1: the probe ran after it, in the session's process"
	ok "$1: ... in a mount namespace that is not the host's ($(val MNT))" \
		test "$(val MNT)" != "$HOST_MNT"
	is "$(val VARTMP)" "Read-only file system" \
		"$1: ... where a write to /var/tmp, as root, fails with EROFS"
	ok "$1: ... and nothing is written on the host" \
		eval '! ls "$PROBE_DIR"/marker-* >/dev/null 2>&1'
	is "$(val NNP) $(val BND)" "1 0000000000000000" \
		"$1: ... with no_new_privs and an empty bounding set"
	like "$(val PS)" '^1:jailsh ([0-9]+:(probe|ps|awk) )+$' \
		"$1: ... it sees only the jail's processes: init (pid 1, jailsh), the probe and its own"
}
# not_jailed LABEL: the probe ran on the host, untouched
not_jailed() {
	is "$(val VERDICT)" ignore "$1: the module returns PAM_IGNORE"
	is "$(val MNT)" "$HOST_MNT" "$1: the probe ran in the host's mount namespace"
	is "$(val VARTMP)" written "$1: ... its write to /var/tmp works"
	ok "$1: ... the file is on the host" \
		eval 'ls "$PROBE_DIR"/marker-* >/dev/null 2>&1'
	is "$(val NNP) $(val UTS) $(val NET)" "0 $HOST_UTS $HOST_NET" \
		"$1: ... no no_new_privs, the host's hostname and network"
	like "$(val PS)" "(^| )$$:" "$1: ... it sees the host's processes (this test's shell, $$)"
	unlike "$(val PS)" '(^| )1:jailsh ' "$1: ... whose pid 1 is not a jail's init"
}

syslog_listen && have_syslog=1 || have_syslog=
# logged REGEX: syslog has a line that matches (skip without a /dev/log of
# ours)
logged() {
	if [ -z "$have_syslog" ]; then
		skip "syslog: the host has a /dev/log of its own"; return
	fi
	wait_for 2 grep -Eq -- "$1" "$SYSLOG"
	if grep -Eq -- "$1" "$SYSLOG"; then pass "$2"; else
		fail "$2"; diag "syslog:" "$(tail -n 5 "$SYSLOG")"; fi
}

# --- which users -----------------------------------------------------------------
user P /bin/bash	# a profile of its own
user N /bin/bash	# no profile
profile "$P" 'volume "~" {}
hostname = "jt-pam"
network = "none"
rlimit { nofile = 512 }'

session verdict "$P"
is "$RC" 0 "user with a profile: pamtester open_session close_session succeeds"
[ "$RC" = 0 ] || diag "$ERR"
jailed "user with a profile"
is "$(val UTS)" jt-pam "user with a profile: ... the profile's hostname"
ok "user with a profile: ... and a network namespace of its own (network = none)" \
	test "$(val NET)" != "$HOST_NET"
is "$(val NOFILE)" 512 "user with a profile: ... the profile's limits (nofile = 512)"
ok "user with a profile: afterwards nothing of the user runs" no_live_processes "$P"

session verdict "$N"
is "$RC" 0 "user without a profile: pamtester succeeds"
not_jailed "user without a profile"

session verdict root
is "$RC" 0 "root: pamtester succeeds"
not_jailed "root"

session plain "$P"
is "$RC" 0 "the README's line (required): the session of a user with a profile opens and closes"
is "$(val BEFORE)" 1 "  ... the modules before the line ran"
is "$(val VARTMP) $(val UTS)" "Read-only file system jt-pam" \
	"  ... and the probe after it runs in the jail"

# debug: why a user is left alone, and when a jailed session closes
pam_service "$ID-debug" "session required $M debug
session optional pam_exec.so stdout type=open_session /bin/echo OPENED=1"
capture timeout 60 pamtester -v "$ID-debug" "$N" open_session close_session
logged "pam_jailsh\($ID-debug:session\): $N: no profile, and jail_all_users is off: not jailed" \
	"debug: syslog says why a user without a profile is left alone"
capture timeout 60 pamtester -v "$ID-debug" root open_session close_session
logged "pam_jailsh\($ID-debug:session\): root: root is never jailed" \
	"debug: ... and root"
capture timeout 60 pamtester -v "$ID-debug" "$P" open_session close_session
is "$RC $(val OPENED)" "0 1" "debug: a jailed session opens and closes"
logged "pam_jailsh\($ID-debug:session\): session jailed: user $P \(uid $(id -u "$P")\), profile $(ere "$CONF/users/$P.conf")" \
	"  ... syslog says it was jailed, with which profile"
logged "pam_jailsh\($ID-debug:session\): session closed: jail ended" \
	"  ... and that the jail ended"

# --- jail_all_users = yes --------------------------------------------------------
at_exit "rm -f '$CONF/jailsh.conf'"
printf 'jail_all_users = yes\n' > "$CONF/jailsh.conf"
chmod 644 "$CONF/jailsh.conf"
session verdict "$N"
is "$RC" 0 "jail_all_users = yes: the session of a user without a profile opens"
jailed "jail_all_users = yes, user without a profile"
is "$(val UTS) $(val NET)" "$HOST_UTS $HOST_NET" \
	"jail_all_users = yes: ... the built-in default: no hostname, the host's network"
session verdict root
not_jailed "jail_all_users = yes, root"
rm -f "$CONF/jailsh.conf"
session verdict "$N"
is "$(val VERDICT) $(val VARTMP)" "ignore written" \
	"without jailsh.conf again, the user without a profile is left alone"

# --- groups/ and default.conf ------------------------------------------------------
g=jtg$$
groupadd "$g" || { echo "Bail out! groupadd $g"; exit 1; }
at_exit "groupdel '$g' 2>/dev/null"
user G /bin/bash
usermod -a -G "$g" "$G"
at_exit "rm -f '$CONF/groups/$g.conf'"
printf 'volume "~" {}\nhostname = "jt-grp"\n' > "$CONF/groups/$g.conf"
chmod 644 "$CONF/groups/$g.conf"
session verdict "$G"
is "$RC $(val VERDICT) $(val VARTMP) $(val UTS)" "0 success Read-only file system jt-grp" \
	"groups/GROUP.conf of a supplementary group: the user is jailed, with that profile"
session verdict "$N"
is "$(val VERDICT) $(val VARTMP)" "ignore written" "  ... a user not in the group is still left alone"
rm -f "$CONF/groups/$g.conf"
at_exit "rm -f '$CONF/default.conf'"
printf 'volume "~" {}\nhostname = "jt-def"\n' > "$CONF/default.conf"
chmod 644 "$CONF/default.conf"
session verdict "$N"
is "$RC $(val VERDICT) $(val VARTMP) $(val UTS)" "0 success Read-only file system jt-def" \
	"default.conf: a user without a profile of their own is jailed, with it"
session verdict root
is "$(val VERDICT) $(val MNT)" "ignore $HOST_MNT" "default.conf: root is still left alone"
rm -f "$CONF/default.conf"

# --- the session's own process is in the jail; close_session ends it ------------
# pamtester open_session close_session authenticate: the probe sleeps 3 s
# in open_session (and leaves a sleep running in the jail); after
# close_session, authenticate fails after pam_faildelay's 2-4 s, so that
# pamtester is still there when the jail is gone.
# pidns_procs NS: the live processes (not zombies) in pid namespace NS
pidns_procs() {
	for _d in /proc/[0-9]*; do
		[ "$(readlink "$_d/ns/pid" 2>/dev/null)" = "$1" ] || continue
		awk '$1 == "State:" && $2 != "Z" { print FILENAME }' \
			"$_d/status" 2>/dev/null
	done
}
rm -f "$PROBE_DIR"/marker-*
sed -i "s|probe verdict\$|probe verdict 3|" "/etc/pam.d/$ID-verdict"
pamtester -v "$ID-verdict" "$P" open_session close_session authenticate \
	> "$PROBE_DIR/bg.out" 2>&1 &
pt=$!
at_exit "kill $pt 2>/dev/null"
ok "pamtester, during the session: its process joins a mount namespace that is not the host's" \
	wait_for 10 in_jail_mnt "$pt"
st=$(cat "/proc/$pt/status" 2>/dev/null)
is "$(printf '%s\n' "$st" | awk '$1 == "NoNewPrivs:" || $1 == "CapBnd:" { printf "%s ", $2 }')" \
	"0000000000000000 1 " "  ... it is sealed: empty bounding set, no_new_privs"
is "$(printf '%s\n' "$st" | awk '$1 == "Uid:" { print $2 }')" 0 \
	"  ... and still root (the service changes the uid itself)"
is "$(awk '/^Max open files/ { print $4, $5 }' "/proc/$pt/limits" 2>/dev/null)" "512 512" \
	"  ... with the profile's limits (nofile = 512), for all it starts"
for n in uts ipc net; do
	ok "  ... its $n namespace is not the host's" \
		test "$(readlink "/proc/$pt/ns/$n")" != "$(host_ns "$n")"
done
jail_pidns=$(readlink "/proc/$pt/ns/pid_for_children")
ok "  ... what it starts is born in a pid namespace that is not the host's" \
	test "$jail_pidns" != "$(host_ns pid)"
is "$(readlink "/proc/$pt/ns/pid")" "$(host_ns pid)" \
	"  ... while it stays in the host's itself"
init=$(for p in $(live_pids "$P" jailsh); do
	[ "$(readlink "/proc/$p/ns/pid")" = "$jail_pidns" ] && echo "$p"; done)
like "$init" '^[0-9]+$' "  ... the jail's init is a jailsh of the user, in that pid namespace"
is "$(awk '$1 == "NSpid:" { print $NF }' "/proc/$init/status" 2>/dev/null)" 1 \
	"  ... where it is pid 1"
is "$(readlink "/proc/$init/ns/mnt")" "$(readlink "/proc/$pt/ns/mnt")" \
	"  ... and pamtester is in its mount namespace"
wait_for 10 eval '[ -n "$(pidns_procs "$jail_pidns" | grep -v "^/proc/$init/")" ]'
ok "the session started processes in the jail (the probe, its sleep)" \
	test -n "$(pidns_procs "$jail_pidns" | grep -v "^/proc/$init/")"
# close_session comes once the probe has slept
ok "after close_session, nothing of the jail runs (within 6 s)" \
	wait_for 6 eval '[ -z "$(pidns_procs "$jail_pidns")" ]'
ok "  ... while pamtester still runs (close_session did it, not its exit)" \
	kill -0 "$pt"
ok "  ... nothing of the user runs" no_live_processes "$P"
wait "$pt"
rc=$?
like "$(cat "$PROBE_DIR/bg.out")" 'performing operation - authenticate' \
	"  ... pamtester went on to authenticate (which fails: pam_deny), exit $rc"
sed -i "s|probe verdict 3\$|probe verdict|" "/etc/pam.d/$ID-verdict"
is "$(host_mounts)" "$before" "the host's mount table is as it was"

# --- the service dies without closing the session ------------------------------
sed -i "s|probe verdict\$|probe verdict 30|" "/etc/pam.d/$ID-verdict"
pamtester -v "$ID-verdict" "$P" open_session close_session \
	> "$PROBE_DIR/bg.out" 2>&1 &
pt=$!
at_exit "kill $pt 2>/dev/null"
ok "pamtester killed with SIGKILL during the session: first it joined the jail" \
	wait_for 10 in_jail_mnt "$pt"
jail_pidns=$(readlink "/proc/$pt/ns/pid_for_children")
init=$(for p in $(live_pids "$P" jailsh); do
	[ "$(readlink "/proc/$p/ns/pid")" = "$jail_pidns" ] && echo "$p"; done)
ok "  ... the session runs processes in it (the probe, its sleep)" \
	wait_for 10 eval '[ -n "$(pidns_procs "$jail_pidns" | grep -v "^/proc/$init/")" ]'
kill -KILL "$pt"
wait "$pt" 2>/dev/null
ok "  ... after the SIGKILL nothing of the jail runs within 2 s (the jail ends with the service)" \
	wait_for 2 eval '[ -z "$(pidns_procs "$jail_pidns")" ]'
ok "  ... nothing of the user runs" no_live_processes "$P"
sed -i "s|probe verdict 30\$|probe verdict|" "/etc/pam.d/$ID-verdict"
is "$(host_mounts)" "$before" "the host's mount table is as it was"

# --- refusals ------------------------------------------------------------------
# Through the verdict stack, where any result but success and PAM_IGNORE
# stops the stack at the module (die): the probe shows whether the session
# went on. (With "required", PAM runs the rest of the stack all the same,
# and the failure comes at the end.)
# refused LABEL USER MESSAGE-REGEX: the last session was refused, and said why
refused() {
	is "$RC" 1 "$1: pamtester fails"
	like "$ERR" 'pamtester: Cannot make/remove an entry for the specified session' \
		"  ... open_session fails with PAM_SESSION_ERR"
	is "$(val VERDICT)$(val MNT)" "" "  ... the session went no further (the probe never ran)"
	like "$ERR" "^jailsh: $3" "  ... the reason, through the conversation"
	logged "pam_jailsh\($ID-[a-z]+:session\): refusing the session of [^ ]+: $3" \
		"  ... and in syslog"
	ok "  ... nothing of the user is left" no_live_processes "$2"
}

for args in bogus "debug bogus" "bogus debug"; do
	pam_service "$ID-bogus" "session [success=ok ignore=ignore default=die] $M $args
session required pam_exec.so stdout type=open_session $PROBE_DIR/probe bogus"
	session bogus "$P"
	is "$RC" 1 "arguments '$args': the session of a user with a good profile fails"
	like "$ERR" 'pamtester: Cannot make/remove an entry for the specified session' \
		"  ... open_session fails with PAM_SESSION_ERR"
	is "$(val MNT)" "" "  ... the session went no further (the probe never ran)"
	logged "pam_jailsh\($ID-bogus:session\): unknown argument \"bogus\" \(known: debug, systemd_limits\); refusing the session" \
		"  ... syslog names the argument"
	rm -f "/etc/pam.d/$ID-bogus"
	[ -n "$have_syslog" ] && : > "$SYSLOG"
done
ok "  ... nothing of the user is left" no_live_processes "$P"

f=$CONF/users/$P.conf
profile "$P" 'volume "~" {'
session verdict "$P"
refused "profile with a syntax error" "$P" "$(ere "$f"):1: "
session plain "$P"
is "$RC" 1 "  ... with the README's line (required), open_session fails as well"

profile "$P" "volume \"/nonexistent-$$\" {}"
session verdict "$P"
refused "volume whose source does not exist" "$P" \
	"$(ere "$f"):1: volume /nonexistent-$$: No such file or directory"

profile "$P" 'volume "~" {}'
chown "$P" "$f"
session verdict "$P"
refused "profile owned by the user" "$P" \
	"profile $(ere "$f") is owned by uid $(id -u "$P"), not root"
chown root "$f"

chmod 664 "$f"
session verdict "$P"
refused "profile writable by its group" "$P" \
	"profile $(ere "$f") is writable by group or others"
chmod 644 "$f"

session verdict "nosuchuser$$"
refused "a user who does not exist" "$P" "no such user: nosuchuser$$"

session verdict "$P"
is "$RC $(val VERDICT) $(val VARTMP)" "0 success Read-only file system" \
	"control: with the profile fixed, the same session opens, jailed"

ok "nothing of the users is left" eval 'no_live_processes "$P" && no_live_processes "$N"'
is "$(host_mounts)" "$before" "the host's mount table is as it was"

done_testing
