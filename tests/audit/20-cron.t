#!/bin/bash
# Cron and at jobs of a user whom only the login shell jails (issue 15):
# Debian's cron and atd run them with /bin/sh, outside the jail, unless
# their PAM services have the module's line, which jails each job's
# session. Two mount namespaces of the test's own (lib.sh), each with
# its own cron and at spools, /etc/crontab and /etc/cron.d emptied, its
# own copy of /etc/pam.d, and the real daemons running in the foreground
# there, started by the test and stopped by their pids:
#
#   before   Debian's cron and atd stacks: the audit says pam:cron and
#            pam:atd are OPEN; the user's crontab job and at job see the
#            test's pid and create a file in /var/tmp
#   after    the audit's fixes applied to the namespace's copies of
#            /etc/pam.d/cron and atd: the audit says jailed; the same
#            jobs see neither (no host pids, a read-only /var/tmp)
#
# The two run side by side, so that one minute of cron serves both.
. "$(dirname "$0")/lib.sh"

[ -x /usr/sbin/cron ] || { echo "1..0 # SKIP Debian's cron is not installed (make deps-test)"; exit 0; }
aud_setup
NS1=$NS W1=$W
aud_setup
NS2=$NS W2=$W
ns() { NS=$1 W=$2; }

aud_user U "$J"
H=$(homedir "$U")
HAVE_AT=; [ -x /usr/sbin/atd ] && [ -x /usr/bin/at ] && HAVE_AT=1

# the audit, before; in the second namespace, its fixes applied
for n in 1 2; do
	[ $n = 1 ] && ns "$NS1" "$W1" || ns "$NS2" "$W2"
	audit_run "$U"
	is "$(verdict "$U" pam:cron)" OPEN "ns $n: before: the audit says pam:cron is OPEN"
	like "$(fix_of "$U" pam:cron)" "^append	/etc/pam.d/cron	$(ere "$PAM_LINE")\$" \
		"ns $n:   ... with the README's line for /etc/pam.d/cron as the fix"
	if [ -n "$HAVE_AT" ]; then
		is "$(verdict "$U" pam:atd)" OPEN "ns $n: before: the audit says pam:atd is OPEN"
	fi
done
ns "$NS2" "$W2"
apply_fix "$U" pam:cron
[ -n "$HAVE_AT" ] && apply_fix "$U" pam:atd
audit_run "$U"
is "$(verdict "$U" pam:cron)" jailed "ns 2: after the fix: the audit says pam:cron is jailed"
like "$(_way "$U" pam:cron text)" '^by pam_jailsh in cron \(/etc/pam.d/cron:[0-9]+\)' \
	"ns 2:   ... by the line at the end of /etc/pam.d/cron"
[ -n "$HAVE_AT" ] && is "$(verdict "$U" pam:atd)" jailed "ns 2: after the fix: pam:atd is jailed"
ok "the host's /etc/pam.d/cron is untouched" eval '! grep -qF "$PAM_MODULE" /etc/pam.d/cron'

# the user's jobs, and the daemons
for n in 1 2; do
	[ $n = 1 ] && ns "$NS1" "$W1" || ns "$NS2" "$W2"
	# marks of their own, in /var/tmp, which both namespaces share
	printf 'MAILTO=""\n* * * * * { %s; } > %s/cron.out.%s 2>&1\n' \
		"${PROBE//$PROBE_MARK/$PROBE_MARK.cron$n}" "$H" "$n" > "$W/tab"
	in_ns crontab -u "$U" "$W/tab" ||
		{ echo "Bail out! crontab -u $U failed"; exit 1; }
	in_ns /usr/sbin/cron -f -L 15 >"$W/cron.log" 2>&1 &
	eval "CRON$n=\$!"
	at_exit "kill $! 2>/dev/null"
	if [ -n "$HAVE_AT" ]; then
		in_ns /usr/sbin/atd -f >"$W/atd.log" 2>&1 &
		at_exit "kill $! 2>/dev/null"
		sleep 0.5
		printf '{ %s; } > %s/at.out.%s 2>&1\n' \
			"${PROBE//$PROBE_MARK/$PROBE_MARK.at$n}" "$H" "$n" |
			in_ns runuser -u "$U" -- at now 2>"$W/at.err" || diag "at: $(cat "$W/at.err")"
	fi
done
at_exit "rm -f $PROBE_MARK.cron1 $PROBE_MARK.cron2 $PROBE_MARK.at1 $PROBE_MARK.at2"

# cron runs the jobs at the next minute: at most 60 s, and some slack
wait_for 75 test -s "$H/cron.out.1" -a -s "$H/cron.out.2"
R1=$(real "$(cat "$H/cron.out.1" 2>&1)")
R2=$(real "$(cat "$H/cron.out.2" 2>&1)")
is "$R1" open "before: the crontab job ran outside the jail (host pids, /var/tmp written)"
is "$R2" jailed "after the fix: the crontab job ran in the jail (no host pids, /var/tmp read-only)"
[ -f "$PROBE_MARK.cron1" ] && pass "before:   ... its file is in /var/tmp" || fail "before:   ... its file is in /var/tmp"
ok "after:   ... and nothing of it is in /var/tmp" [ ! -e "$PROBE_MARK.cron2" ]
if [ -n "$HAVE_AT" ]; then
	wait_for 20 test -s "$H/at.out.1" -a -s "$H/at.out.2" ||
		diag "atd: $(cat "$W1/atd.log" "$W2/atd.log")" "$(cat "$W1/at.err" "$W2/at.err")"
	is "$(real "$(cat "$H/at.out.1" 2>&1)")" open "before: the at job ran outside the jail"
	is "$(real "$(cat "$H/at.out.2" 2>&1)")" jailed "after the fix: the at job ran in the jail"
else
	skip "at is not installed: no at job tried"
	skip "at is not installed: no at job tried"
fi
for n in 1 2; do
	eval "p=\$CRON$n"
	kill "$p" 2>/dev/null
	ok "cron $n stops when the test kills it (pid $p)" eval "wait_for 5 eval '! kill -0 $p 2>/dev/null'"
done
done_testing
