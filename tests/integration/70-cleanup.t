#!/bin/bash
# Nothing outlives a session: no process of the user (not even one put in
# the background, in its own session, or ignoring signals), no change to
# the host's mount table; also when the jailsh outside is killed with
# SIGKILL in the middle of a session, and when a session is refused.
#
# "No process left" means nothing left that runs: the jail's init, once
# ended, is a zombie until the host's pid 1 reaps it (its parent, the
# jailsh outside, has returned already), which some hosts do only every few
# seconds. That it is reaped at all is checked once, with more time.
. "$(dirname "$0")/../lib/harness.sh"
. "$(dirname "$0")/../lib/integration.sh"
setup

user u
nothing_at_all() { ! pgrep -u "$1" >/dev/null; }
kill_all_of() { for p in $(pgrep -u "$1"); do kill -KILL "$p"; done; }

# --- an ordinary session --------------------------------------------------
before=$(host_mounts)
n=$(jrun "$u" "awk '\$5 == \"/tmp\" || \$5 == \"$(home "$u")\"' /proc/self/mountinfo | wc -l")
ok "control: the session had mounts of its own (/tmp, the home volume: $n)" [ "$n" -ge 2 ]
is "$(host_mounts)" "$before" "after a session the host's mount table is unchanged"
ok "  ... and no process of the user is left" no_live_processes "$u"
ok "  ... and within 5 seconds not even a zombie" wait_for 5 nothing_at_all "$u"

# --- processes left running by the command --------------------------------
# outside the jail the same commands do leave processes behind
for cmd in 'sleep 1000 >/dev/null 2>&1 &' \
	   'setsid nohup sleep 1000 >/dev/null 2>&1 &'; do
	as_user "$u" sh -c "$cmd"
	ok "control: outside the jail, '$cmd' leaves a sleep running" \
		wait_for 5 has_process "$u" sleep
	ok "control: ... still there a second later" \
		eval 'sleep 1; has_process "$u" sleep'
	kill_all_of "$u"
	no_live_processes "$u"
done

for cmd in 'sleep 1000 >/dev/null 2>&1 &' \
	   'setsid nohup sleep 1000 >/dev/null 2>&1 &' \
	   'sleep 1000 &' \
	   'sh -c "trap \"\" HUP INT TERM; exec sleep 1000" >/dev/null 2>&1 &'; do
	before=$(host_mounts)
	start=$SECONDS
	out=$(jrun "$u" "$cmd
		sleep 0.3; ps -o comm= -p \$!; echo done" 2>&1)
	rc=$?
	is "$(printf '%s' "$out" | tr '\n' ' ')" "sleep done" \
		"'$cmd': the sleep runs in the session"
	ok "  ... the session ends at once (exit $rc, $((SECONDS - start))s)" \
		test "$rc" = 0 -a $((SECONDS - start)) -le 5
	ok "  ... and no process of the user survives it" no_live_processes "$u"
	is "$(host_mounts)" "$before" "  ... and the host's mount table is unchanged"
	kill_all_of "$u"
done

# --- the jailsh outside is killed -----------------------------------------
# kill_outer SIGNAL COMMAND: starts a session running COMMAND (which starts
# sleep 1000) in the background, kills the jailsh outside with SIGNAL; sets $status (the background job's
# exit status), $gone (whether all the session's processes were gone within
# 2 seconds), $seen (the pids of the session, as the host sees them) and
# $left (what was left after 2 seconds).
kill_outer() {
	before=$(host_mounts)
	jrun "$u" "$2" > /dev/null 2>&1 &
	job=$!
	wait_for 5 has_process "$u" sleep
	sleeper=$(live_pids "$u" sleep)
	outer=$(outer_jailsh "$u")
	seen=$(live_pids "$u" | sort -n | tr '\n' ' ')
	ok "  ... the session is running: its sleep is in the jail's pid namespace" \
		test -n "$sleeper" -a "$(awk '/^NSpid:/ { print NF - 1 }' "/proc/$sleeper/status" 2>/dev/null)" = 2
	is "$(printf '%s\n' $outer | wc -l)" 1 \
		"  ... there is one jailsh of the user in the host's pid namespace ($outer)"
	# its parent is our background job, or a subshell of it
	p=$outer anc=no
	for i in 1 2 3; do
		p=$(awk '/^PPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
		[ "$p" = "$job" ] && anc=yes
	done
	is "$anc" yes "  ... started by this test's background job ($job)"
	kill "-$1" "$outer"
	wait "$job"
	status=$?
	if no_live_processes "$u"; then gone=yes; else gone=no; fi
	left=$(live_pids "$u" | tr '\n' ' ')
}

kill_outer KILL 'sleep 1000; echo survived'
is "$status" 137 "SIGKILL to the jailsh outside: it dies of it (exit $status)"
is "$gone" yes "  ... and every process of the session ($seen) is gone within 2 seconds"
is "$left" "" "  ... none left"
is "$(host_mounts)" "$before" "  ... and the host's mount table is unchanged"
kill_all_of "$u"
no_live_processes "$u"

# SIGTERM is passed on to the shell, which can act on it; its sleep is left
# to the end of the session
kill_outer TERM 'trap "exit 7" TERM; sleep 1000 & wait; exit 3'
is "$status" 7 "SIGTERM to the jailsh outside reaches the shell, whose trap exits 7"
is "$gone" yes "  ... and every process of the session ($seen) is gone within 2 seconds"
is "$(host_mounts)" "$before" "  ... and the host's mount table is unchanged"
kill_all_of "$u"
no_live_processes "$u"

# --- refused sessions -----------------------------------------------------
before=$(host_mounts)
profile "$u" 'volume "~" {}
volume "~" {}'
out=$(jrun "$u" 'echo ran; sleep 1000 >/dev/null 2>&1 &' 2>&1); rc=$?
is "$rc" 125 "a profile with an error is refused (exit 125)"
like "$out" "$u\\.conf:2" "  ... saying where the error is"
unlike "$out" ran "  ... the command does not run"
ok "  ... no process of the user is left" no_live_processes "$u"
is "$(host_mounts)" "$before" "  ... and the host's mount table is unchanged"

# refused later, by the jail's init, when the jail cannot be built
at_exit "rmdir '/nonexistent-jt-$$' 2>/dev/null"
for p in "volume \"/nonexistent-jt-$$\" { target = \"/mnt\" }:missing volume" \
	 "volume \"~\" { target = \"/nonexistent-jt-$$\" }:missing mount point"; do
	profile "$u" "${p%:*}"
	out=$(jrun "$u" 'echo ran; sleep 1000 >/dev/null 2>&1 &' 2>&1); rc=$?
	ok "a jail that cannot be built (${p##*:}) does not start (exit $rc)" \
		[ "$rc" -ne 0 ]
	unlike "$out" ran "  ... the command does not run"
	ok "  ... no process of the user is left" no_live_processes "$u"
	is "$(host_mounts)" "$before" "  ... and the host's mount table is unchanged"
done
ok "  ... and the missing mount point was not created on the host" \
	[ ! -e "/nonexistent-jt-$$" ]

done_testing
