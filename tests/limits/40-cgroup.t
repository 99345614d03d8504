#!/bin/bash
# cgroup_parent (jailsh.conf): every session runs in
# CGROUP_PARENT/user-UID/session-*, a cgroup of its own under one that all
# of the user's concurrent sessions share; both are removed once no
# session needs them. Inside, the session has a cgroup namespace of its
# own (/proc/self/cgroup: "0::/") and a read-only cgroup2 /sys/fs/cgroup
# whose root is the session's cgroup.
#
# Refused (exit 125, the message naming the path, the command never runs):
# a cgroup_parent that is not in a cgroup v2 hierarchy, is writable by
# group or others, is not owned by root, or does not exist. A cgroup limit
# without cgroup_parent, or whose controller cgroup_parent does not offer,
# is refused naming the limit (and the controller), unless it is listed in
# optional_limits; bad values of the limit options are profile errors
# (FILE:LINE).
#
# Needs a cgroup v2 hierarchy, but no controller: runs on a hybrid host
# whose cgroup2 mount offers none. The test's cgroups are made under
# $JAILSH_TEST_CGROUP_PARENT when set (tests/vm), else under the root of
# the cgroup2 mount, and removed at exit.
. "$(dirname "$0")/lib.sh"
setup
no_stray_jconf
cg_setup || skip_all "no cgroup v2 hierarchy to use: $CG_WHY"
diag "cgroup_parent for the test: $CG_T (controllers offered: ${CG_HAVE:-none})"
# the jailsh processes on the host before any session: no other may be
# left at the end (the host may run sessions of its own meanwhile, but a
# new one would have to be started and outlive this test)
# (zombies do not count: see no_processes in tests/lib/harness.sh)
# (only this installation's: other tests may run their own meanwhile)
jailsh_procs() {
	ps -e -o pid=,stat=,args= |
		awk -v j="$J" '$2 !~ /^Z/ && $3 == j { print $1 }' | sort
}
procs_before=$(jailsh_procs | tr '\n' ' ')

user u
uh=$(home "$u")
uid=$(id -u "$u")
P=$CONF/users/$u.conf
PE=$(ere "$P")
T=$(mktemp -d /tmp/jt-cgroup.XXXXXX)
at_exit "rm -rf '$T'"
MNT=$(cg2_mount)
UD=$(cg_user_dir "$uid")
profile "$u" 'volume "~" {}'
jconf "cgroup_parent = \"$CG_T\""

# session.sh NAME: what the session sees of its cgroups, on stdout; then
# ~/ready-NAME, and it waits (at most 30 s) for ~/stop-NAME.
put_script "$u" session.sh <<'EOF'
n=$1
sed 's/^/SELF /' /proc/self/cgroup
echo "FSTYPE $(stat -f -c %T /sys/fs/cgroup)"
awk '$5 == "/sys/fs/cgroup" { print "MNT", $6 }' /proc/self/mountinfo
if mkdir /sys/fs/cgroup/jt-probe 2>/dev/null; then echo "MKDIR ok"; else echo "MKDIR failed"; fi
sleep 60 &
echo "BG $!"
echo "ME $$"
sed 's/^/PROCS /' /sys/fs/cgroup/cgroup.procs
touch ~/ready-"$n"
i=0
while [ ! -e ~/stop-"$n" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
EOF

# start NAME: a session running session.sh NAME in the background (its
# job's pid in JOB_NAME, its output in $T/NAME.out, .err); waits until it
# is ready.
start() {
	rm -f "$uh/ready-$1" "$uh/stop-$1"
	as_user "$u" timeout 60 "$J" -c "sh ~/session.sh $1" > "$T/$1.out" 2> "$T/$1.err" &
	eval "JOB_$1=\$!"
	wait_for 10 test -e "$uh/ready-$1"
}
# stop NAME: lets it end and waits for it; its exit status in RC.
stop() {
	touch "$uh/stop-$1"
	eval "wait \$JOB_$1"
	RC=$?
}
field() { sed -n "s/^$2 //p" "$T/$1.out"; }

# --- one session -----------------------------------------------------------------
ok "a session with cgroup_parent set starts" start a
sess=$(session_cgs "$u")
is "$(printf '%s\n' "$sess" | grep -c .)" 1 "  ... its processes are in one cgroup: $(printf '%s' "$sess" | head -n1)"
is "$(cg_sessions "$uid")" "$sess" "  ... the only session cgroup of the user"
like "$sess" "^$(ere "$UD")/session-[^/]+\$" "  ... named CGROUP_PARENT/user-$uid/session-*"
is "$(stat -c %u:%a "$UD" 2>/dev/null) $(stat -c %u:%a "$sess" 2>/dev/null)" "0:755 0:755" \
	"  ... both directories root's, mode 755"
jp=$(jail_pids "$u" | tr '\n' ' ')
procs=$(cat "$sess/cgroup.procs" 2>/dev/null | tr '\n' ' ')
n=0 missing=
for p in $jp; do
	n=$((n + 1))
	printf ' %s ' "$procs" | grep -q " $p " && continue
	# not there, and still running (a "sleep 0.1" may have ended)
	ps -o stat= -p "$p" 2>/dev/null | grep -qv '^Z' && missing="$missing $p"
done
ok "  ... its cgroup.procs ($procs) holds every process of the jail ($n: $jp)" \
	test "$n" -ge 3 -a -z "$missing"
bg=$(pgrep -u "$u" -x -f 'sleep 60')
is "$(grep '^0::' "/proc/$bg/cgroup" 2>/dev/null)" "0::${sess#"$MNT"}" \
	"  ... the host sees the jail's sleep in that cgroup"
ok "  ... the user, outside the jail, cannot make a cgroup under it" \
	eval '! as_user "$u" mkdir "$sess/jt-user" 2>/dev/null'
ok "  ... nor move a process into it" \
	eval '! as_user "$u" sh -c "echo \$\$ > \"$sess/cgroup.procs\"" 2>/dev/null'
stop a
is "$RC" 0 "  ... the session ends (exit 0)"
ok "  ... and within 2 s its cgroup and the user's are gone" gone_or_diag "$uid"
ok "  ... nothing at all is left under cgroup_parent" cg_empty
ok "  ... and nothing of the user runs" no_live_processes "$u"

# what it saw inside
is "$(field a SELF | grep '^0::')" "0::/" 'inside, /proc/self/cgroup reads "0::/"'
is "$(field a SELF | grep -vc ':/$')" 0 "  ... every line of it at the root of its namespace"
is "$(field a FSTYPE)" cgroup2fs "inside, /sys/fs/cgroup is a cgroup2 file system"
# the last mount on /sys/fs/cgroup is the one the session sees
like "$(field a MNT | tail -n1)" '^ro(,|$)' "  ... mounted read-only ($(field a MNT | tail -n1))"
is "$(field a MKDIR)" failed "  ... mkdir there fails"
me=$(field a ME)
bgin=$(field a BG)
pin=$(field a PROCS | tr '\n' ' ')
ok "  ... its cgroup.procs is the session's: it lists the shell ($me) and its sleep ($bgin): $pin" \
	eval 'printf " %s " "$pin" | grep -q " $me " && printf " %s " "$pin" | grep -q " $bgin "'
is "$(cat "$T/a.err")" "" "  ... and the session printed nothing on stderr"

# --- two sessions of one user ----------------------------------------------------------
ok "two concurrent sessions of the user start: a" start a
ok "  ... and b" start b
sess=$(session_cgs "$u")
is "$(printf '%s\n' "$sess" | grep -c .)" 2 "  ... each in a cgroup of its own"
is "$(for s in $sess; do dirname "$s"; done | sort -u)" "$UD" "  ... both under the one user-$uid"
stop a
is "$RC" 0 "  ... a ends"
ok "  ... within 2 s one session cgroup is left" \
	wait_for 2 eval '[ "$(cg_sessions "$uid" | grep -c .)" = 1 ]'
sleep 1
ok "  ... and the user's cgroup stays while b runs" test -d "$UD" -a -n "$(cg_sessions "$uid")"
ok "  ... b still runs" kill -0 "$JOB_b"
stop b
is "$RC" 0 "  ... b ends"
ok "  ... and within 2 s the user's cgroup is gone too" gone_or_diag "$uid"
ok "  ... nothing is left under cgroup_parent" cg_empty

# --- the caller's limits do not matter ----------------------------------------------------
# a login gets a soft limit of 1024 open files (systemd's and sshd's
# default), some less: the cgroups must go all the same
for n in 1024 64; do
	capture bash -c 'ulimit -Sn "$1" && exec setpriv --reuid="$2" --regid="$(id -g "$2")" --init-groups --reset-env timeout 20 "$3" -c "echo RAN"' \
		- "$n" "$u" "$J"
	is "$RC:$OUT:$ERR" "0:RAN:" "a caller whose soft limit of open files is $n: the session runs"
	ok "  ... and within 2 s its cgroup and the user's are gone" gone_or_diag "$uid"
	cg_remove "$UD" # whatever was left, so that the next check starts clean
done

# --- cgroup_parent refused ------------------------------------------------------------------
# refused_parent DESCRIPTION PATH: with cgroup_parent = PATH, a session (of
# a profile without limits) is refused, naming PATH; nothing is created.
refused_parent() {
	jconf "cgroup_parent = \"$2\""
	rm -f "$uh/ran"
	capture as_user "$u" timeout 20 "$J" -c 'echo RAN; touch ~/ran'
	is "$RC" 125 "cgroup_parent $1: refused, exit 125"
	like "$ERR" "^jailsh: .*$(ere "$2")" "  ... and the message names $2"
	ok "  ... the command did not run" test -z "$OUT" -a ! -e "$uh/ran"
	ok "  ... and nothing was made there" test ! -e "$2/user-$uid"
}
nd=$(mktemp -d /tmp/jt-notcg.XXXXXX)
chmod 755 "$nd"
at_exit "rmdir '$nd'"
refused_parent "not in a cgroup file system (a root-owned 755 directory in /tmp)" "$nd"
v1=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") {
	if ($(i + 1) == "cgroup") { print $5; exit } break } }' /proc/self/mountinfo)
if [ -n "$v1" ]; then
	refused_parent "in a cgroup v1 hierarchy" "$v1"
else
	skip "cgroup_parent in a cgroup v1 hierarchy: this host has none"
fi
mkdir -m 755 "$CG_T/gw" "$CG_T/ww" "$CG_T/own"
chmod 775 "$CG_T/gw"
chmod 757 "$CG_T/ww"
chown "$u" "$CG_T/own"
refused_parent "writable by its group (mode 775)" "$CG_T/gw"
refused_parent "writable by others (mode 757)" "$CG_T/ww"
refused_parent "owned by the user (mode 755)" "$CG_T/own"
refused_parent "that does not exist" "$CG_T/missing"
refused_parent "that is a file" "$CG_T/cgroup.procs"
rmdir "$CG_T/gw" "$CG_T/ww" "$CG_T/own"
jconf 'cgroup_parent = "relative/cgroup"'
capture as_user "$u" timeout 20 "$J" -c 'echo RAN'
is "$RC:$OUT" "125:" "cgroup_parent a relative path: refused, exit 125, nothing runs"
like "$ERR" "^jailsh: .*relative/cgroup" "  ... and the message names it"
jconf "cgroup_parent = \"$CG_T\""
capture as_user "$u" timeout 20 "$J" -c 'echo RAN'
is "$RC:$OUT:$ERR" "0:RAN:" "control: the good cgroup_parent again: the command runs"
ok "  ... and its cgroups are gone within 2 s" gone_or_diag "$uid"

# --- sessions that fail after their cgroup is made leave none behind ---------------------
profile "$u" "volume \"~\" {}
volume \"/nonexistent-jt-$$\" {}"
for i in 1 2 3; do
	capture as_user "$u" timeout 20 "$J" -c 'echo RAN'
	is "$RC:$OUT" "125:" "the jail cannot be built (a volume that does not exist), try $i: refused, exit 125"
	ok "  ... and within 2 s no cgroup of the user is left" gone_or_diag "$uid"
done
profile "$u" "shell = \"/nonexistent-jt-shell\"
volume \"~\" {}"
capture as_user "$u" timeout 20 "$J" -c 'echo RAN'
is "$RC" 127 "a shell that does not exist: exit 127"
ok "  ... and within 2 s no cgroup of the user is left" gone_or_diag "$uid"
profile "$u" 'volume "~" {}'

# --- limits that cannot apply -----------------------------------------------------------------
# LIMIT VALUE CONTROLLER
LIMITS='memory_max "64M" memory
memory_high "48M" memory
pids_max 32 pids
cpu_max "50%" cpu
cpu_weight 50 cpu
io_weight 50 io
user_memory_max "256M" memory
user_pids_max 64 pids
user_cpu_max "100%" cpu'

# run_lim TAIL: the command under 'volume "~" {}' and TAIL.
run_lim() {
	profile "$u" "volume \"~\" {}
$1"
	rm -f "$uh/ran"
	capture as_user "$u" timeout 20 "$J" -c 'echo RAN; touch ~/ran'
}

no_jconf
while read -r lim val ctl; do
	run_lim "$lim = $val"
	is "$RC" 125 "no cgroup_parent, $lim = $val: refused, exit 125"
	like "$ERR" "^jailsh: (?=.*\\b$lim\\b)(?=.*cgroup_parent)" "  ... one line naming $lim and cgroup_parent"
	is "$(printf '%s\n' "$ERR" | grep -c .)" 1 "  ... (one line)"
	ok "  ... the command did not run" test -z "$OUT" -a ! -e "$uh/ran"
	run_lim "$lim = $val
optional_limits = { \"$lim\" }"
	is "$RC:$OUT:$ERR" "0:RAN:" "  ... with optional_limits = { \"$lim\" }: the command runs"
done <<EOF
$LIMITS
EOF
run_lim 'pids_max = 32
optional_limits = { "cpu_weight", "io_weight" }'
is "$RC:$OUT" "125:" "no cgroup_parent, pids_max with optional_limits naming other limits: still refused"
like "$ERR" "^jailsh: .*\\bpids_max\\b" "  ... naming pids_max"

# a cgroup_parent that offers no controller at all: the child of a cgroup
# whose subtree_control is left empty
NC=$CG_BASE/t-$$-nc
mkdir -m 755 "$NC" "$NC/bare"
at_exit "cg_remove '$NC'"
diag "a cgroup_parent without controllers: $NC/bare (controllers: '$(cat "$NC/bare/cgroup.controllers")')"
jconf "cgroup_parent = \"$NC/bare\""
run_lim ''
is "$RC:$OUT:$ERR" "0:RAN:" "cgroup_parent without any controller, no limit: the command runs"
ok "  ... and its cgroups are gone within 2 s" wait_for 2 test ! -e "$NC/bare/user-$uid"
while read -r lim val ctl; do
	run_lim "$lim = $val"
	is "$RC" 125 "cgroup_parent without the $ctl controller, $lim = $val: refused, exit 125"
	like "$ERR" "^jailsh: (?=.*\\b$lim\\b)(?=.*\\b$ctl\\b)" "  ... naming $lim and the $ctl controller"
	ok "  ... the command did not run" test -z "$OUT" -a ! -e "$uh/ran"
	run_lim "$lim = $val
optional_limits = { \"$lim\" }"
	is "$RC:$OUT:$ERR" "0:RAN:" "  ... with optional_limits = { \"$lim\" }: the command runs"
done <<EOF
$LIMITS
EOF
nothing_in_bare() { [ -z "$(find "$NC/bare" -mindepth 1 -type d)" ]; }
ok "nothing is left under that cgroup_parent" wait_for 2 nothing_in_bare

# --- bad values ---------------------------------------------------------------------------
jconf "cgroup_parent = \"$CG_T\""
while read -r lim val; do
	run_lim "$lim = $val"
	is "$RC" 125 "$lim = $val: refused, exit 125"
	like "$ERR" "^jailsh: $PE:2: .*$lim" "  ... stderr names the file, line 2 and $lim"
	ok "  ... the command did not run" test -z "$OUT" -a ! -e "$uh/ran"
done <<'EOF'
memory_max "lots"
memory_max "12Q"
memory_high "-1"
pids_max "many"
pids_max -1
cpu_max "fast"
cpu_max "-50%"
cpu_weight 0
cpu_weight 10001
io_weight 0
io_weight 10001
user_memory_max "x"
user_pids_max "x"
user_cpu_max "x%"
EOF
run_lim 'optional_limits = { "bogus" }'
is "$RC" 125 'optional_limits = { "bogus" } (no such limit): refused, exit 125'
like "$ERR" "^jailsh: $PE:2: .*bogus" "  ... stderr names the file, line 2 and the bad entry"
ok "  ... the command did not run" test -z "$OUT" -a ! -e "$uh/ran"

ok "at the end, nothing is left under cgroup_parent" wait_for 2 cg_empty
ok "  ... nothing of the user runs" no_live_processes "$u"
new_procs=
for p in $(jailsh_procs); do
	case " $procs_before " in *" $p "*) ;; *) new_procs="$new_procs $p" ;; esac
done
is "$new_procs" "" "  ... and no jailsh process started since the test began is left on the host"
[ -z "$new_procs" ] || diag "$(ps -o pid,user,etime,args -p "$(echo $new_procs | tr ' ' ,)")"

done_testing
