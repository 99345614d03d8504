#!/bin/bash
# Escape class 3 (CATALOGUE.md), the user and group databases: a lookup that
# fails must never select a weaker profile. The profile of a group the
# user is in (groups/G.conf: hostname "jt-grp", which the payload reports)
# must apply, or the session must be refused; never default.conf (a
# permissive one: the host's hostname and network) in shell mode (jailsh
# -c), never no jail at all in PAM mode (probes/pamrun, which does what
# runuser -l does, under a PAM service of the test's own: Debian's
# runuser-l stack and the README's line; no default.conf, jail_all_users
# off).
#
#   - EIO injected with strace -P /etc/group into the N-th read of the
#     group database only, for each N up to the reads one process makes:
#     each start refused, or G's profile (a lookup that fails silently, as
#     glibc's do when a later source answers "not found", must be caught
#     by the cross-checks);
#   - G's /etc/group line some 17,600 bytes long (member names that are
#     nobody's): "jailsh explain", jailsh -c and the PAM session all get
#     G's profile; the N-th read again, with that line;
#   - faults injected into every read (EIO, ENOMEM) and every open (EIO,
#     EMFILE) of /etc/group: jailsh exits 125 with one line, explain
#     fails, the PAM session fails, the payload never runs;
#   - EIO injected into the reading of groups/ (getdents64): refused, and
#     "jailsh check" reports it;
#   - a groups/ profile for a group the database does not have, tried
#     before G's: refused (a failing source reads as "no such group"), and
#     "jailsh check" says so; tried after G's, it does not matter.
#
# Positive controls: the same with a short line gets G's profile; strace
# does inject each fault. /etc/group is changed under lckpwdf (the lock of
# shadow's tools, which other tests run meanwhile) and put back.
. "$(dirname "$0")/lib.sh"
esc_setup
command -v strace >/dev/null || skip_all "no strace"

G=jtg$$
at_exit "groupdel '$G' 2>/dev/null"
groupadd "$G" || { echo "Bail out! groupadd"; exit 1; }
user U "$J"
user P /bin/bash
usermod -aG "$G" "$U" && usermod -aG "$G" "$P" ||
	{ echo "Bail out! usermod"; exit 1; }
GP=$CONF/groups/$G.conf
at_exit "rm -f '$GP' '$CONF/default.conf' '$CONF/jailsh.conf'"
printf 'volume "~" {}\nhostname = "jt-grp"\n' > "$GP"
chmod 644 "$GP"
for f in default.conf jailsh.conf; do
	[ -e "$CONF/$f" ] && { echo "Bail out! $CONF/$f exists (another test's?)"; exit 1; }
done
# default.conf: for shell mode, where a session that falls through gets it
default_on() { printf 'volume "~" {}\n' > "$CONF/default.conf"; chmod 644 "$CONF/default.conf"; }
default_off() { rm -f "$CONF/default.conf"; }

# shell/pam [PREFIX...]: the payload as U through jailsh -c, as P through
# pamrun (runuser -l); with PREFIX (strace ...) in front
shell() { esc_payload "$U"; capture env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin timeout 60 "$@" "$J" -c "$ESC_PAYLOAD"; }
pam() { esc_payload "$P"; capture env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin timeout 60 "$@" "$ESC_PAMRUN" "$ESC_SVC" "$P" -c "$ESC_PAYLOAD" </dev/null; }
plain_shell() { shell setpriv --reuid="$U" --regid="$(id -g "$U")" --init-groups --; }

# applied USER [SHORT-OK]: what the last start gave: "group" (jailed, G's
# profile), "other profile (hostname H)", "refused", or what was wrong.
# With SHORT-OK, a session jailed but for fewer groups than the database
# has is "group, short": in PAM mode, the groups are the service's (its
# own initgroups, which a fault makes short without an error), not
# jailsh's.
applied() {
	local o h short=
	o=$(esc_outcome "$1" "$RC" "$OUT")
	case $o in "RAN, NOT EXACTLY JAILED: Groups '"*) [ -n "${2:-}" ] &&
		[ "${o#*;}" = "$o" ] && o=jailed short=", short" ;; esac
	[ "$o" = jailed ] || { echo "$o"; return; }
	h=$(printf '%s\n' "$OUT" | sed -n 's/^HOSTNAME=//p' | head -n 1)
	[ -z "$h" ] && h=$(sed -n 's/^HOSTNAME=//p' "$ESC_MARK" 2>/dev/null | head -n 1)
	if [ "$h" = jt-grp ]; then echo "group$short"; else echo "other profile (hostname $h)"; fi
}
# refused MODE DESC REGEX: the last start failed closed, saying REGEX
refused() {
	local who=$U o
	[ "$1" = pam ] && who=$P
	o=$(applied "$who")
	if [ "$1" = shell ]; then
		is "$RC $o" "125 refused" "$2: jailsh refuses (125) and the payload never runs"
		is "$(printf '%s\n' "$ERR" | grep -c .)" 1 "  ... with one line"
	else
		is "${RC/#[1-9]*/fail} $o" "fail refused" "$2: the session fails and the payload never runs"
	fi
	[ "$o" = refused ] || diag "exit $RC, $o" "$ERR"
	like "$ERR" "$3" "  ... saying why"
}
explains() { capture "$J" explain "$U"; printf '%s\n' "$OUT" | sed -n 's/^profile *//p'; }

esc_pam_own || skip_all "PAM mode: $ESC_PAM_WHY"

# --- the positive control: a short line ------------------------------------------------
default_on
CX= CS= CP=
control "a short line: jailsh explain names G's profile" \
	test "$(explains)" = "$GP" && CX=1
plain_shell
control "a short line: jailsh -c gets G's profile" test "$(applied "$U")" = group &&
	CS=1 || diag "$(applied "$U")" "$ERR"
default_off
pam
control "a short line, PAM without default.conf: the session is jailed with G's profile" \
	test "$(applied "$P")" = group && CP=1 || diag "$(applied "$P")" "$ERR"

# --- faults in the group database, one read at a time -----------------------------------
LOG=$_state/strace.log
# trace PATH SYSCALL [INJECT]: the strace command line (PATH has no blanks)
trace() { echo strace -f -qq -o "$LOG" -P "$1" -e trace="$2" ${3:+-e inject="$2:$3"}; }
injected() { grep -q INJECTED "$LOG"; }
# sweep MODE LINE: EIO into the N-th read of /etc/group of each process,
# for each N up to the most one process makes (LINE: which G's line is)
sweep() {
	local k n o who=$U loose= bad= ref= grp= short= why= m="$1, $2 line"
	[ "$1" = pam ] && who=$P loose=1
	if [ "$1" = shell ]; then default_on; shell $(trace /etc/group read) -u "$U"
	else default_off; pam $(trace /etc/group read); fi
	k=$(esc_inject_calls read "$LOG")
	o=$(applied "$who")
	control "$m: a clean start under strace gets G's profile ($k reads of /etc/group in one process)" \
		test "$k" -gt 0 -a "$o" = group || { diag "$o"; skip "control failed: no sweep"; return; }
	for n in $(seq "$k"); do
		if [ "$1" = shell ]; then shell $(trace /etc/group read error=EIO:when=$n) -u "$U"
		else pam $(trace /etc/group read error=EIO:when=$n); fi
		o=$(applied "$who" $loose)
		case $o in
		refused) ref="$ref $n"
			why="$why
$(printf '%s\n' "$ERR" | sed -n 's/.*\(group database: [^;(]*\).*/\1/p' | sed 's/jt[a-z0-9-]*/NAME/g; s/[0-9]\{1,\}/N/g')" ;;
		group) grp="$grp $n" ;;
		"group, short") short="$short $n" ;;
		*) bad="$bad
when=$n: exit $RC, $o: $(printf '%s' "$ERR" | head -n 2 | tr '\n' '|')" ;;
		esac
	done
	if [ -z "$bad" ]; then
		pass "$m: EIO into the N-th read of /etc/group, N = 1..$k: refused or G's profile, never another"
	else
		fail "$m: EIO into the N-th read of /etc/group, N = 1..$k: refused or G's profile, never another"
		diag "$bad"
	fi
	diag "$m: refused at when=${ref:- none}; G's profile at when=${grp:- none}" \
		"  ... and with the service's own groups short at when=${short:- none}" \
		"  refused for:" "$(printf '%s\n' "$why" | grep . | sort | uniq -c)"
}
sweep shell short
sweep pam short

# --- a line of some 17,600 bytes -------------------------------------------------------
line=$(getent group "$G")
fill=$(awk -v p=$$ 'BEGIN { while (length(s) < 17560) s = s sprintf("jtf%s-%04d-x,", p, i++); printf "%s", s }')
esc_group_line "$G" "$(printf '%s' "$line" | cut -d: -f1-3):$fill$(printf '%s' "$line" | cut -d: -f4)"
len=$(grep "^$G:" /etc/group | wc -c)
control "$G's /etc/group line is $len bytes long, and U and P are still in it" \
	eval '[ "$len" -gt 17000 ] && id -Gn "$U" | grep -qw "$G" && id -Gn "$P" | grep -qw "$G"' ||
	CX= CS= CP=
default_on
if [ -n "$CX" ]; then
	is "$(explains)" "$GP" "a long line: jailsh explain names G's profile"
else
	skip "the control failed"
fi
plain_shell
if [ -n "$CS" ]; then
	is "$(applied "$U")" group "a long line: jailsh -c gets G's profile"
else
	skip "the control failed"
fi
default_off
pam
if [ -n "$CP" ]; then
	is "$(applied "$P")" group "a long line, PAM without default.conf: the session is jailed with G's profile (no_new_privs, own pid namespace)"
else
	skip "the control failed"
fi
sweep shell long
sweep pam long

# --- faults in the group database ------------------------------------------------------
for f in read:error=EIO read:error=ENOMEM openat:error=EIO openat:error=EMFILE; do
	sc=${f%%:*} how=${f#*:}
	what="$how in every $sc of /etc/group"
	default_on
	capture $(trace /etc/group "$sc" "$how") "$J" explain "$U"
	if control "strace injects $what (jailsh explain)" injected; then
		unlike "$OUT" "^profile" "$what: jailsh explain names no profile"
		ok "  ... and fails (exit $RC)" test "$RC" != 0
		like "$ERR" "group database" "  ... saying the group database failed"
	else
		skip_n 3 "control failed: no fault injected"
	fi
	shell $(trace /etc/group "$sc" "$how") -u "$U"
	if control "strace injects $what (jailsh -c)" injected; then
		refused shell "$what" "group database"
	else
		skip_n 3 "control failed: no fault injected"
	fi
	default_off
	pam $(trace /etc/group "$sc" "$how")
	if control "strace injects $what (PAM)" injected; then
		refused pam "PAM: $what" "jailsh: .*group database"
	else
		skip_n 2 "control failed: no fault injected"
	fi
done


# --- faults in reading groups/ ---------------------------------------------------------
default_on
shell $(trace "$CONF/groups" getdents64 error=EIO) -u "$U"
if control "strace injects EIO into reading $CONF/groups (jailsh -c)" injected; then
	refused shell "EIO reading groups/" "$(ere "$CONF/groups")"
else
	skip_n 3 "control failed: no fault injected"
fi
capture $(trace "$CONF/groups" getdents64 error=EIO) "$J" check
if control "strace injects EIO into reading $CONF/groups (jailsh check)" injected; then
	ok "jailsh check: exit 1 (got $RC)" test "$RC" = 1
	like "$OUT" "$(ere "$CONF/groups").*Input/output error" "  ... naming groups/ and the error"
else
	skip_n 2 "control failed: no fault injected"
fi
default_off
pam $(trace "$CONF/groups" getdents64 error=EIO)
if control "strace injects EIO into reading $CONF/groups (PAM)" injected; then
	refused pam "PAM: EIO reading groups/" "jailsh: .*$(ere "$CONF/groups")"
else
	skip_n 2 "control failed: no fault injected"
fi

# --- a profile for a group that does not exist ------------------------------------------
NG=jta$$-none
at_exit "rm -f '$CONF/groups/$NG.conf'"
printf 'volume "~" {}\n' > "$CONF/groups/$NG.conf"
chmod 644 "$CONF/groups/$NG.conf"
ok "control: there is no group $NG" eval '! getent group "$NG" >/dev/null'
default_on
plain_shell
refused shell "groups/$NG.conf (no such group), tried before G's" "no group $NG"
default_off
pam
refused pam "PAM: groups/$NG.conf (no such group), tried before G's" "jailsh: .*no group $NG"
capture "$J" check
ok "jailsh check reports groups/$NG.conf: exit 1 (got $RC)" test "$RC" = 1
like "$OUT" "$NG.conf: .*no group $NG" "  ... saying that there is no such group"
printf 'group_order = { "%s" }\n' "$G" > "$CONF/jailsh.conf"
chmod 644 "$CONF/jailsh.conf"
pam
is "$(applied "$P")" group "with G first in group_order, groups/$NG.conf is never reached: G's profile"
rm -f "$CONF/jailsh.conf" "$CONF/groups/$NG.conf"

# --- put back -----------------------------------------------------------------------------
esc_group_restore "$G"
is "$(getent group "$G" | wc -c)" "$((${#line} + 1))" "$G's line is put back"
groupdel "$G"
ok "$G is gone, and nothing of the filler is left in /etc/group" \
	eval '! grep -q -e "^$G:" -e "jtf$$-" /etc/group'
ok "nothing of the users is left" eval 'no_live_processes "$U" && no_live_processes "$P"'
esc_no_priv_procs "$U"
esc_no_priv_procs "$P"
esc_host_unchanged "after it all"

done_testing
