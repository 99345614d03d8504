#!/bin/bash
# One jail per user (jail = "user", issue 12): every login of the user, by
# the shell wrapper (as the login shell and through ssh) and by the PAM
# module, joins the same jail; work outlives the login for the linger; the
# jail then ends with nothing left (no process, no cgroup, no registry
# entry). As throwaway users:
#
#   - two logins at once see each other's processes and share /tmp, the
#     mount and pid namespaces; a shell login and a PAM login land in the
#     same jail; each login keeps its own exit status;
#   - a nohup job survives the logout, and is gone (with the jail) after
#     the linger; a login during the countdown keeps the jail; linger = 0
#     ends it with the last login; tmux: a server started by one login is
#     found by the next, after a logout;
#   - 20 first logins at the same instant make exactly one jail, all 20
#     land in it, none fails;
#   - kill -9 of the jail's init: the next login makes a new jail, and
#     nothing of the old is left;
#   - a login's max_time ends that login (its shell), not the jail;
#   - a changed profile: the next login is told in one line, and joins;
#     jailsh explain says the same;
#   - jailsh list shows the jail (user, kind, init, logins); jailsh stop
#     ends it (SIGTERM, grace, SIGKILL) and says what it ended;
#   - with a cgroup_parent: each login has a cgroup of its own in the
#     jail's, which goes when the jail does.
. "$(dirname "$0")/../limits/lib.sh"
. "$(dirname "$0")/../escape/modes.sh"
esc_setup
esc_modes
RUN=$JAILSH_TEST_ROOT/run

# ns USER KIND: the namespace KIND (pid, mnt) a login of USER sees
ns() { jrun "$1" "readlink /proc/self/ns/$2"; }
# jail_gone USER: no process of USER, no registry socket for the user
jail_gone() {
	[ -z "$(live_pids "$1")" ] && [ ! -e "$RUN/user-$(id -u "$1").sock" ]
}
inits() { jrun "$1" 'ps -e -o pid=,comm=' | awk '$1 == 1 { print $2 }'; }

# --- two logins, one jail -------------------------------------------------------------
user a "$J"
ah=$(home "$a")
profile "$a" 'jail = "user"
linger = "2s"
volume "~" {}'
as_user "$a" "$J" -c 'echo shared > /tmp/jt-shared; touch ~/first-up
	sleep 30 & while [ ! -e ~/first-stop ]; do sleep 0.1; done' &
first=$!
wait_for 10 test -e "$ah/first-up"
capture jrun "$a" 'cat /tmp/jt-shared; ps -e -o args= | grep -c "^sleep 30"'
is "$RC $OUT" "0 shared
1" "a second login sees the first one's /tmp and its processes"
is "$(ns "$a" pid) $(ns "$a" mnt)" "$(ns "$a" pid) $(ns "$a" mnt)" \
	"  ... and every login has the same pid and mount namespaces"
unlike "$(ns "$a" pid)" "$(readlink /proc/self/ns/pid)" "  ... which are not the host's"
capture jrun "$a" 'exit 7'
is "$RC" 7 "each login keeps its own exit status"
capture jrun "$a" 'grep NoNewPrivs /proc/self/status; id -u'
is "$OUT" "NoNewPrivs:	1
$(id -u "$a")" "  ... and is jailed and the user"
if [[ " $MODES " == *" P "* ]]; then
	user p /bin/bash
	profile "$p" 'jail = "user"
linger = "2s"
volume "~" {}'
	shellns=$(ns "$p" pid)
	capture pamrun "$p" -c 'readlink /proc/self/ns/pid' </dev/null
	is "$OUT" "$shellns" "a PAM login and a shell login of the same user land in the same jail"
	capture jrun "$p" 'ps -e -o comm= | sort -u | tr "\n" " "'
	pass "  (after the PAM login: $OUT)"
else
	skip "PAM mode: $ESC_PAM_WHY"
	skip "PAM mode: $ESC_PAM_WHY"
fi

# --- linger ---------------------------------------------------------------------------------
touch "$ah/first-stop"
wait "$first"
jrun "$a" 'nohup sh -c "touch ~/job-ran; sleep 30" >/dev/null 2>&1 &'
wait_for 5 test -e "$ah/job-ran"
ok "a nohup job outlives its login" has_process "$a" sleep
sleep 1
jrun "$a" true # a login during the countdown: it starts again
sleep 1.5
ok "  ... and a login during the linger keeps the jail" has_process "$a" sleep
if wait_for 12 jail_gone "$a"; then
	pass "  ... which ends after the linger: no process, no registry entry"
else
	fail "  ... which ends after the linger: no process, no registry entry"
	diag "left: $(ps -u "$a" -o pid=,args= | tr '\n' ';') $(ls "$RUN")"
fi
profile "$a" 'jail = "user"
linger = "0"
volume "~" {}'
jrun "$a" 'nohup sleep 30 >/dev/null 2>&1 &'
ok "linger = \"0\": the jail ends with the last login" wait_for 8 jail_gone "$a"

# --- tmux --------------------------------------------------------------------------
profile "$a" 'jail = "user"
linger = "10s"
volume "~" {}'
if command -v tmux >/dev/null; then
	jrun "$a" 'tmux new -d -s jt-work "sleep 60"' >/dev/null 2>&1
	capture jrun "$a" 'tmux ls'
	like "$OUT" "^jt-work:" "tmux: a server started in one login is found by the next"
	srv=$(for p in $(live_pids "$a"); do
		case $(cat "/proc/$p/comm" 2>/dev/null) in tmux*)
			awk '/^NSpid:/ { print NF - 1 }' "/proc/$p/status" ;;
		esac
	done | sort -u | tr '\n' ' ')
	is "$srv" "2 " "  ... and that server runs in the jail (its pid namespace is the jail's)"
	jrun "$a" 'tmux kill-server' >/dev/null 2>&1
else
	skip "no tmux"
	skip "no tmux"
fi
$J stop "$a" >/dev/null
wait_for 10 jail_gone "$a"

# --- 20 first logins at once ---------------------------------------------------------------
profile "$a" 'jail = "user"
linger = "5s"
volume "~" {}'
rm -f "$ah"/race-*
for i in $(seq 20); do
	as_user "$a" "$J" -c "readlink /proc/self/ns/pid > ~/race-$i; sleep 1" &
done
wait
is "$(cat "$ah"/race-* 2>/dev/null | wc -l)" 20 "20 first logins at the same instant: all 20 ran"
is "$(sort -u "$ah"/race-* | wc -l)" 1 "  ... in exactly one jail"
is "$(ls "$RUN" | grep -c "^user-$(id -u "$a").sock$")" 1 "  ... with one registry entry"

# --- kill -9 of the jail's init -------------------------------------------------------------
# jail_init USER: the host pid and start time of USER's jail's init (pid 1
# of its pid namespace; namespace inode numbers are reused, these are not
# in a test's time)
jail_init() {
	for p in $(live_pids "$1" jailsh); do
		awk -v p="$p" '/^NSpid:/ && NF == 3 && $3 == 1 { print p }' \
			"/proc/$p/status" 2>/dev/null
	done | head -n 1 | while read -r p; do
		echo "$p $(awk '{ print $22 }' "/proc/$p/stat")"
	done
}
old=$(jail_init "$a")
init=${old%% *}
ok "control: the jail's init is found ($old)" [ -n "$init" ]
as_user "$a" kill -KILL "$init" # the user may, from outside: it is theirs
wait_for 5 sh -c "! kill -0 $init 2>/dev/null"
capture jrun "$a" 'grep NoNewPrivs /proc/self/status'
new=$(jail_init "$a")
is "$RC $OUT" "0 NoNewPrivs:	1" "kill -9 of the jail's init: the next login runs, jailed"
ok "  ... in a new jail (init $new, the old one was $old)" [ -n "$new" -a "$new" != "$old" ]
is "$(live_pids "$a" | wc -l | tr -d ' ')" 1 "  ... and nothing of the old one is left: one process, the new init"
$J stop "$a" >/dev/null
wait_for 10 jail_gone "$a"

# --- max_time of a login ---------------------------------------------------------------------
profile "$a" 'jail = "user"
linger = "10s"
max_time = 2
volume "~" {}'
t0=$(now)
capture as_user "$a" "$J" -c 'nohup sleep 30 >/dev/null 2>&1 & exec sleep 20'
el=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%d", b - a }')
ok "a login's max_time (2 s) ends that login (after ${el}s)" [ "$el" -ge 2 -a "$el" -le 9 ]
ok "  ... but not the jail: its nohup job runs on" has_process "$a" sleep
$J stop "$a" >/dev/null
wait_for 10 jail_gone "$a"

# --- a changed profile -----------------------------------------------------------------------
profile "$a" 'jail = "user"
linger = "10s"
volume "~" {}'
as_user "$a" "$J" -c 'touch ~/up; exec sleep 30' &
holder=$!
wait_for 10 test -e "$ah/up"
capture jrun "$a" true
is "$ERR" "" "an unchanged profile: nothing is said"
profile "$a" 'jail = "user"
linger = "10s"
hostname = "jt-changed"
volume "~" {}'
capture jrun "$a" hostname
like "$ERR" "^jailsh: your profile has changed since your jail started; the jail runs it as it was" \
	"a changed profile: the login is told, in one line"
unlike "$OUT" "jt-changed" "  ... and joins the jail as it runs"
like "$($J explain "$a" 2>&1)" "it runs the profile as it was when it started" \
	"  ... jailsh explain says the same"

# --- list and stop ---------------------------------------------------------------------------
capture $J list
like "$OUT" "(^|
)$a +user +[0-9]+ +[0-9a-z]+ +1 " "jailsh list: the user's jail, its kind and its one login"
capture $J stop "$a"
like "$OUT" "^stopping the user jail of $a: init [0-9]+, [0-9]+ process(es)?, 1 login" \
	"jailsh stop says what it ends"
is "$RC" 0 "  ... and ends it"
wait "$holder"
ok "  ... the login's shell is gone, and the jail" wait_for 5 jail_gone "$a"

# --- with cgroups ------------------------------------------------------------------------------
if cg_setup; then
	jconf "cgroup_parent = \"$CG_T\""
	profile "$a" 'jail = "user"
linger = "2s"
volume "~" {}'
	capture jrun "$a" 'grep ^0:: /proc/self/cgroup; nohup sleep 4 >/dev/null 2>&1 &'
	like "$OUT" "^0::/\\.\\./login-[0-9]+\$" "with a cgroup_parent: each login has a cgroup of its own"
	like "$(find "$CG_T" -mindepth 3 -type d | sed "s|$CG_T/||" | sort | tr '\n' ' ')" \
		"^user-[0-9]+/jail-[0-9]+/init user-[0-9]+/jail-[0-9]+/login-[0-9]+ \$" \
		"  ... in the jail's, beside init's"
	ok "  ... all of which go with the jail" wait_for 15 cg_gone "$(id -u "$a")"
	no_jconf
else
	skip "no cgroup v2 hierarchy: $CG_WHY"
	skip "no cgroup v2 hierarchy"
	skip "no cgroup v2 hierarchy"
fi

done_testing
