#!/bin/bash
# Killing or stopping the setuid jailsh while it builds the jail (CATALOGUE.md,
# class 30). probes/killstorm.py starts "jailsh -c 'sleep 1'" as the user
# 1000 times, and 0-5 ms after each exec (at random: a whole start takes
# a few milliseconds, so this covers the set-up from the first instruction
# to the shell) sends the outer jailsh SIGKILL, or SIGSTOP, then SIGCONT
# and SIGKILL; each signal sent by root or by the user (the user may
# signal its own setuid jailsh: the real uid is the user's). After each
# one, within 2 s:
#
#   - no process of the user is left (zombies ignored), and nothing below
#     the driver (a child subreaper, so that an orphaned jail init, root or
#     not, would be counted)
#   - the host's mount table is what it was
#
# and once all are done nothing new is left by jailsh under /run, /tmp,
# /var/tmp or /dev/shm (nothing of the user's, nothing named jailsh), and a
# normal session still starts and is jailed (no stale state that makes the
# next login skip the jail or fail).
#
# Then the same for PAM-jailed sessions: pamrun (root, the service) opening
# the user's session under the module is killed 200 times 0-5 ms after its
# exec, by root: the jail the module was building, or had built, ends with
# it. The profile has a hide, a tmpfs, network = none and limits, so that
# there is something to build. Timings are printed as diagnostics.
. "$(dirname "$0")/modes.sh"
esc_setup

N=${JT_KILL_N:-1000}
NP=${JT_KILL_NP:-200}
HIDE=/var/tmp/jt-kill-hide-$$
install -d -m 755 "$HIDE"
at_exit "rmdir $HIDE 2>/dev/null"
PROFILE="hide = { \"$HIDE\" }
tmpfs \"$HIDE/tmp\" { size = \"1M\" }
network = \"none\"
hostname = \"jt-kill\"
rlimit { nofile = 512 }"

# stale NAME: entries under /run, /tmp, /var/tmp and /dev/shm (two levels)
# with their owners, for before/after comparisons
stale() {
	find /run /tmp /var/tmp /dev/shm -mindepth 1 -maxdepth 2 \
		-printf '%u %p\n' 2>/dev/null | sort
}

# a normal start, for reference: how long jailsh -c true takes
esc_user U W
esc_profile "$U" "$PROFILE"
esc_probes "$U"
esc_sanity W "$U"
t0=$(date +%s%N)
for i in $(seq 20); do jrun "$U" true; done
t1=$(date +%s%N)
diag "a whole jailsh -c true (start, jail, exit) takes $(( (t1 - t0) / 20000 / 1000 )).$(( (t1 - t0) / 20000 % 1000 / 100 )) ms on average here"

before=$(stale)
SEED=${JT_KILL_SEED:-$$}
diag "seed $SEED (JT_KILL_SEED=$SEED repeats the same delays)"
OUT=$("$PY" "$ESC_SRC/killstorm.py" "$U" "$N" "$SEED" "$J" -c 'sleep 1')
RC=$?
diag "jailsh: $OUT"
is "$RC" 0 "jailsh: $N starts killed or stopped during set-up: nothing left behind"
js() { printf '%s' "$OUT" | "$PY" -c "import json, sys; d = json.load(sys.stdin); print($1)" 2>/dev/null; }
is "$(js 'd["n"]')" "$N" "  ... all $N were run"
is "$(js 'd["nfailures"]')" 0 "  ... no survivor and no change to the host's mount table after any of them"
is "$(js 'd["send_errors"]')" 0 "  ... every signal was delivered (the user may signal its own setuid jailsh)"
like "$(js 'sorted(d["counts"])')" "KILL-by-root.*KILL-by-user.*STOP-by-root.*STOP-by-user" \
	"  ... SIGKILL and SIGSTOP, by root and by the user, all used"
ok "  ... the delays spread over 0 to 5 ms after the exec (more when the driver was preempted)" \
	"$PY" -c "import json, sys; d = json.loads(sys.argv[1]); sys.exit(not (d['delay_ms']['min'] < 1 and d['delay_ms']['max'] > 4))" "$OUT"
ok "jailsh: nothing of the user is left running" no_live_processes "$U"
host_same "jailsh, after $N"

after=$(stale)
new=$(comm -13 <(printf '%s\n' "$before") <(printf '%s\n' "$after"))
[ -n "$new" ] && diag "new under /run, /tmp, /var/tmp, /dev/shm meanwhile (other tests may run): $new"
unlike "$new" "^$U " "jailsh: nothing new of the user's under /run, /tmp, /var/tmp or /dev/shm"
unlike "$(printf '%s\n' "$new" | grep -v -e '^[^ ]* /tmp/' -e "^[^ ]* /var/tmp/jt-")" 'jailsh' \
	"jailsh: nothing new named jailsh under /run, /var/tmp or /dev/shm"
jcap W "$U" 'hostname; readlink /proc/self/ns/mnt; cat /proc/1/comm'
like "$OUT" "^jt-kill\nmnt:\[[0-9]+\]\njailsh$" "jailsh: afterwards a session starts normally, in its jail"
unlike "$OUT" "$(ere "$(readlink /proc/$$/ns/mnt)")" "  ... not in the host's mount namespace"

# --- PAM ------------------------------------------------------------------
if esc_pam; then
	esc_user P P
	esc_profile "$P" "$PROFILE"
	esc_probes "$P"
	esc_sanity P "$P"
	before=$(stale)
	OUT=$("$PY" "$ESC_SRC/killstorm.py" --root "$P" "$NP" "$SEED" "$PAMRUN" "$ESC_SVC" "$P" -c 'sleep 1')
	RC=$?
	diag "PAM: $OUT"
	is "$RC" 0 "PAM: $NP sessions whose service was killed or stopped while the module built the jail: nothing left behind"
	is "$(js 'd["nfailures"]')" 0 "  ... no survivor and no change to the host's mount table after any of them"
	ok "PAM: nothing of the user is left running" no_live_processes "$P"
	host_same "PAM, after $NP"
	after=$(stale)
	new=$(comm -13 <(printf '%s\n' "$before") <(printf '%s\n' "$after"))
	unlike "$new" "^$P " "PAM: nothing new of the user's under /run, /tmp, /var/tmp or /dev/shm"
	jcap P "$P" 'hostname; cat /proc/1/comm'
	like "$OUT" "^jt-kill\njailsh$" "PAM: afterwards a session opens normally, in its jail"
else
	skip "PAM: $ESC_PAM_WHY"
fi
done_testing
