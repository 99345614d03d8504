#!/bin/bash
# max_time: a wall-clock limit on the session. At max_time every process of
# the session gets SIGTERM, and whatever still runs 5 seconds later gets
# SIGKILL; jailsh exits with the shell's status (143, 137) and says on
# stderr "jailsh: session ended: time limit reached (max_time = Ns)".
# A session that ends sooner, or that a signal no limit caused ends, is
# untouched and gets no extra line. Bad values are refused like every
# profile error: exit 125, "jailsh: FILE:LINE: ...".
#
# Needs no cgroup: runs everywhere (as root).
. "$(dirname "$0")/lib.sh"
setup

user u
uh=$(home "$u")
P=$CONF/users/$u.conf
PE=$(ere "$P")
TLINE='jailsh: session ended: time limit reached (max_time = 2s)'

# jt PROFILE-TAIL COMMAND: COMMAND in u's jail under 'volume "~" {}' and
# PROFILE-TAIL, timed (OUT, ERR, RC, EL). The outer timeout only keeps a
# jailsh without max_time from hanging the test for 100 s.
jt() {
	profile "$u" "volume \"~\" {}
$1"
	timed as_user "$u" timeout -k 5 40 "$J" -c "$2"
}

# --- the time limit ends the session ---------------------------------------
jt 'max_time = 2' 'sleep 100'
is "$RC" 143 "max_time = 2, sleep 100: exit 143 (the shell died of SIGTERM)"
ok "  ... after about 2 s (${EL}s; not before 1.9 s, well before the 5 s grace would run out)" \
	num_between "$EL" 1.9 6
is "$ERR" "$TLINE" "  ... and stderr has exactly the time-limit line"
is "$OUT" "" "  ... and nothing on stdout"
ok "  ... and nothing of the user is left running" no_live_processes "$u"

# "2s" means the same as 2
jt 'max_time = "2s"' 'sleep 100; echo survived'
is "$RC:$OUT" "143:" 'max_time = "2s": sleep 100 is ended with exit 143, "survived" never printed'
ok "  ... after about 2 s (${EL}s)" num_between "$EL" 1.9 6
is "$ERR" "$TLINE" "  ... with the same line on stderr"

# what the session does at the time limit: every process gets SIGTERM, not
# just the shell (a background job that traps TERM says so in a file)
rm -f "$uh/got-term"
jt 'max_time = 2' 'sh -c "trap \"echo TERM > ~/got-term; exit 0\" TERM; while :; do sleep 0.1; done" & sleep 100'
is "$RC" 143 "max_time with a background job: exit 143"
is "$(cat "$uh/got-term" 2>/dev/null)" TERM "  ... and the background job got SIGTERM too"
ok "  ... after about 2 s (${EL}s)" num_between "$EL" 1.9 6
ok "  ... and nothing of the user is left running" no_live_processes "$u"

# --- SIGTERM ignored: SIGKILL 5 s later --------------------------------------
jt 'max_time = 2' 'trap "" TERM; sleep 100; echo survived'
is "$RC" 137 "a session that ignores SIGTERM (trap \"\" TERM; sleep 100): killed, exit 137"
ok "  ... 5 s after the time limit (${EL}s: at least 6.5, and well under 100)" \
	num_between "$EL" 6.5 15
is "$ERR" "$TLINE" "  ... stderr has the time-limit line (and only that)"
unlike "$OUT" survived "  ... and the command after the sleep never ran"
ok "  ... and nothing of the user is left running" no_live_processes "$u"

# the shell dies of SIGTERM but a child that ignores it stays: the child
# must not outlive the session
jt 'max_time = 2' 'sh -c "trap \"\" TERM; exec sleep 100" & sleep 100'
is "$RC" 143 "the shell ends at SIGTERM, a child ignoring it runs on: exit 143 (the shell's)"
ok "  ... within the limit and its grace (${EL}s)" num_between "$EL" 1.9 15
ok "  ... and the child does not outlive the session" no_live_processes "$u"

# --- shorter sessions are untouched -----------------------------------------
jt 'max_time = 5' 'sleep 1; echo done; exit 3'
is "$RC:$OUT" "3:done" "max_time = 5, a 1 s session: its own exit status (3) and output"
is "$ERR" "" "  ... and no extra line on stderr"
ok "  ... and it was not held up (${EL}s)" num_between "$EL" 0.9 4
jt 'max_time = "1m"' 'true'
is "$RC:$ERR" "0:" 'max_time = "1m", true: exit 0, nothing on stderr'
jt 'max_time = "8h"' 'exit 5'
is "$RC:$ERR" "5:" 'max_time = "8h", exit 5: exit 5, nothing on stderr'
jt 'max_time = "2d"' 'echo ok'
is "$RC:$OUT:$ERR" "0:ok:" 'max_time = "2d": runs (exit 0, ok)'
jt 'max_time = "90s"' 'echo ok'
is "$RC:$OUT:$ERR" "0:ok:" 'max_time = "90s": runs (exit 0, ok)'

# a signal that no limit caused: no time-limit line
jt 'max_time = 100' 'kill -TERM $$; sleep 5'
is "$RC" 143 "max_time = 100, the shell kills itself with SIGTERM: exit 143"
is "$ERR" "" "  ... and no time-limit line: the limit did not cause it"
ok "  ... at once (${EL}s)" num_between "$EL" 0 3

# a session that ends just before its limit, while it runs, is not reported
jt 'max_time = 3' 'sleep 1.5'
is "$RC:$ERR" "0:" "max_time = 3, sleep 1.5: exit 0, no line"

# --- bad values ------------------------------------------------------------
for v in '"abc"' '"-1"' '-1' '"5x"' '"2 h"' '""' '"s"'; do
	rm -f "$uh/ran"
	jt "max_time = $v" 'echo RAN; touch ~/ran'
	is "$RC" 125 "max_time = $v: refused with exit 125"
	like "$ERR" "^jailsh: $PE:2: .*max_time" "  ... stderr names the file, line 2 and max_time"
	ok "  ... and the command did not run" test -z "$OUT" -a ! -e "$uh/ran"
done

done_testing
