#!/bin/bash
# jailsh run: an ad-hoc jail for any user, with no profile and no
# privilege. Run as a plain user (login shell /bin/bash) from the host, and
# from inside a jailsh login session:
#   - the host tree is read-only (a file in the home, one in /var/tmp);
#     /tmp is a private, empty tmpfs whose files vanish with the jail;
#   - --vol SRC DST is writable and the write lands in SRC on the host,
#     owned by the user, never more writable than on the host; --map is
#     read-only (also with a SRC relative to the working directory);
#     --tmpfs DIR is empty and writable, and the host's DIR unchanged;
#   - --net none: only lo (up), no connection to a port listening on the
#     host's 127.0.0.1, which the default (host) network reaches;
#     --hostname sets the name inside only;
#   - the exit status: CMD's own, 128+N for a signal, 127 and 126;
#   - the same uid and gid inside as outside (a user namespace that maps
#     the user to itself), no capabilities, no_new_privs, a seccomp
#     filter; a setuid-root program gains nothing, su fails;
#   - a pid namespace with jailsh's init as pid 1 and CMD as pid 2, and
#     nothing of the host's;
#   - CMD from PATH, the caller's environment and working directory;
#   - refusals (unknown option, a missing argument, a SRC that does not
#     exist or that the user cannot reach): exit 125, one line, nothing runs.
# Every property has a control where the host could make it pass by itself.
. "$(dirname "$0")/lib.sh"
adhoc_setup

huser U
UH=$U_H
EROFS='Read-only file system'

# --- it runs ----------------------------------------------------------------
capture jr "$U" -- echo jt-hello
is "$RC" 0 "jailsh run -- echo: exit 0"
is "$OUT" jt-hello "  ... the command's output comes through"
is "$ERR" "" "  ... and nothing on stderr"

# --- the host tree is read-only -------------------------------------------
as_user "$U" sh -c "echo host > '$UH/existing'"
ok "control: outside, the user can create a file in the home" \
	as_user "$U" touch "$UH/jt-ctl"
rm -f "$UH/jt-ctl"
capture jr "$U" -- touch "$UH/jt-new"
ok "in the jail, touch in the home fails (exit $RC)" [ "$RC" != 0 ]
like "$ERR" "$EROFS" "  ... with EROFS"
ok "  ... and no file appears on the host" [ ! -e "$UH/jt-new" ]
capture jr "$U" -- sh -c "echo jail > '$UH/existing'"
ok "in the jail, overwriting a file of the user's fails (exit $RC)" [ "$RC" != 0 ]
is "$(cat "$UH/existing")" host "  ... and the host file is unchanged"
capture jr "$U" -- rm -f "$UH/existing"
ok "in the jail, removing it fails (exit $RC)" [ "$RC" != 0 ]
ok "  ... and it is still there on the host" [ -f "$UH/existing" ]
vt=/var/tmp/jt-adhoc-$$-w
at_exit "rm -f '$vt' '$vt.ctl'"
ok "control: outside, the user can create a file in /var/tmp" \
	as_user "$U" touch "$vt.ctl"
capture jr "$U" -- touch "$vt"
like "$ERR" "$EROFS" "in the jail, creating a file in /var/tmp fails with EROFS"
ok "  ... and none appears on the host" [ ! -e "$vt" ]
capture jr "$U" -- awk '$5 == "/" { print $6 }' /proc/self/mountinfo
like "$OUT" '(^|,)ro(,|$)' "/ is mounted read-only in the jail ($OUT)"
like "$OUT" '(^|,)nosuid(,|$)' "  ... nosuid"
like "$OUT" '(^|,)nodev(,|$)' "  ... and nodev"

# --- /tmp: private, empty, gone afterwards --------------------------------
canary=/tmp/jt-adhoc-$$-canary
echo canary > "$canary"
chmod 644 "$canary"
at_exit "rm -f '$canary' /tmp/jt-adhoc-$$-w"
ok "control: outside, the user sees a file in the host's /tmp" \
	as_user "$U" test -e "$canary"
capture jr "$U" -- ls -A /tmp
is "$RC/$OUT" "0/" "in the jail, /tmp is empty"
capture jr "$U" -- stat -f -c %T /tmp
is "$OUT" tmpfs "  ... a tmpfs"
capture jr "$U" -- sh -c "echo w > /tmp/jt-adhoc-$$-w && cat /tmp/jt-adhoc-$$-w"
is "$RC/$OUT" "0/w" "  ... writable"
ok "  ... and the file is not in the host's /tmp" [ ! -e "/tmp/jt-adhoc-$$-w" ]
capture jr "$U" -- ls -A /tmp
is "$RC/$OUT" "0/" "  ... nor in the next jail's /tmp"

# --- /dev: minimal ----------------------------------------------------------
capture jr "$U" -- ls /dev
for d in null zero full random urandom tty pts shm; do
	like "$OUT" "(^|\\n)$d(\\n|\$)" "/dev/$d is in the jail"
done
if [ -e /dev/kmsg ]; then
	unlike "$OUT" '(^|\n)kmsg(\n|$)' "/dev/kmsg (on the host) is not"
else
	skip "the host has no /dev/kmsg"
fi
capture jr "$U" -- sh -c 'echo x > /dev/null && head -c 4 /dev/zero | od -An -tx1'
is "$RC/$(echo $OUT)" "0/00 00 00 00" "  ... and /dev/null and /dev/zero work"

# --- --vol SRC DST ----------------------------------------------------------
as_user "$U" sh -c "mkdir '$UH/vol' && echo before > '$UH/vol/old'"
install -d -m 755 "$A/dst"
capture jr "$U" --vol "$UH/vol" "$A/dst" -- sh -c \
	"cat '$A/dst/old' && echo written > '$A/dst/new' && cat '$A/dst/new'"
is "$RC" 0 "--vol: exit 0"
is "$OUT" "before
written" "  ... SRC's file is seen at DST, and DST is writable"
is "$(cat "$UH/vol/new" 2>&1)" written "  ... the write lands in SRC on the host"
is "$(stat -c %U "$UH/vol/new" 2>&1)" "$U" "  ... owned by the user"
is "$(ls -A "$A/dst")" "" "  ... and nothing is written in DST on the host"
# only as writable as on the host: a root-owned directory stays read-only
install -d -m 755 "$A/rootdir"
echo root > "$A/rootdir/f"
chmod 644 "$A/rootdir/f"
capture jr "$U" --vol "$A/rootdir" "$A/dst" -- cat "$A/dst/f"
is "$RC/$OUT" "0/root" "--vol of a root-owned directory: its file is seen"
capture jr "$U" --vol "$A/rootdir" "$A/dst" -- sh -c "echo user > '$A/dst/f'"
ok "  ... but overwriting it fails (exit $RC)" [ "$RC" != 0 ]
like "$ERR" 'Permission denied' "  ... with EACCES"
capture jr "$U" --vol "$A/rootdir" "$A/dst" -- touch "$A/dst/g"
ok "  ... and so does creating a file (exit $RC)" [ "$RC" != 0 ]
is "$(ls -A "$A/rootdir") $(cat "$A/rootdir/f")" "f root" "  ... the host directory is unchanged"

# --- --map SRC DST ----------------------------------------------------------
as_user "$U" sh -c "mkdir '$UH/mapsrc' && echo mapped > '$UH/mapsrc/f'"
ok "control: outside, the user can write in SRC" \
	as_user "$U" sh -c "touch '$UH/mapsrc/ctl' && rm '$UH/mapsrc/ctl'"
install -d -m 755 "$A/mdst"
capture jr "$U" --map "$UH/mapsrc" "$A/mdst" -- cat "$A/mdst/f"
is "$RC/$OUT" "0/mapped" "--map: SRC's file is seen at DST"
capture jr "$U" --map "$UH/mapsrc" "$A/mdst" -- sh -c "echo changed > '$A/mdst/f'"
like "$ERR" "$EROFS" "  ... overwriting it fails with EROFS"
is "$(cat "$UH/mapsrc/f")" mapped "  ... and the host file is unchanged"
capture jr "$U" --map "$UH/mapsrc" "$A/mdst" -- touch "$A/mdst/new"
like "$ERR" "$EROFS" "  ... creating a file fails with EROFS"
is "$(ls -A "$UH/mapsrc") / $(ls -A "$A/mdst")" "f / " \
	"  ... and nothing appears in SRC or DST on the host"
capture in_dir "$UH" "$U" "$J" run --map mapsrc "$A/mdst" -- cat "$A/mdst/f"
is "$RC/$OUT" "0/mapped" "--map with a SRC relative to the working directory"

# --- --tmpfs DIR ------------------------------------------------------------
install -d -m 755 "$A/tdir"
echo host > "$A/tdir/hostfile"
capture jr "$U" --tmpfs "$A/tdir" -- sh -c \
	"ls -A '$A/tdir'; stat -f -c %T '$A/tdir'; echo w > '$A/tdir/f' && cat '$A/tdir/f'"
is "$RC" 0 "--tmpfs: exit 0"
is "$OUT" "tmpfs
w" "  ... DIR is an empty tmpfs (the host's file is not seen), and writable"
is "$(ls -A "$A/tdir")" hostfile "  ... and on the host DIR has its own file only"

# --- the network --------------------------------------------------------------
adhoc_listener
is "$(as_user "$U" "$PY" "$A/connect.py" "$PORT")" "$LTXT" \
	"control: outside, the user reaches a port listening on the host's 127.0.0.1"
capture jr "$U" -- "$PY" "$A/connect.py" "$PORT"
is "$OUT" "$LTXT" "in a jail with the default network (host), so does the command"
capture jr "$U" --net host -- "$PY" "$A/connect.py" "$PORT"
is "$OUT" "$LTXT" "  ... and with --net host"
capture jr "$U" --net none -- "$PY" "$A/connect.py" "$PORT"
ok "with --net none, the connection fails (exit $RC)" [ "$RC" = 1 ]
like "$OUT" '^connect: ' "  ... with an error ($OUT)"
host_ifaces=$(sh -c "$IFACES")
capture jr "$U" --net none -- sh -c "$IFACES"
is "$OUT" lo "  ... the only interface is lo"
if [ "$host_ifaces" != lo ]; then
	pass "control: the host has other interfaces ($host_ifaces)"
else
	skip "the host has only lo: no other interface to hide"
fi
capture jr "$U" -- sh -c "$IFACES"
is "$OUT" "$host_ifaces" "  ... while by default the jail has the host's ($host_ifaces)"
capture jr "$U" --net none -- "$PY" "$A/jtnet.py" loopback lo-ok
is "$OUT" lo-ok "  ... and lo is up: a connection to the jail's own 127.0.0.1 works"
hn0=$(uname -n)
capture jr "$U" --net none -- readlink /proc/self/ns/net
unlike "$OUT" "^$(ere "$(readlink /proc/self/ns/net)")\$" "  ... a network namespace of its own"

# --- --hostname ---------------------------------------------------------------
capture jr "$U" --hostname "jt-box-$$" -- uname -n
is "$RC/$OUT" "0/jt-box-$$" "--hostname: the name inside"
is "$(uname -n)" "$hn0" "  ... and the host's name is unchanged"
capture jr "$U" -- uname -n
is "$OUT" "$hn0" "without --hostname, the host's name"

# --- exit status ----------------------------------------------------------------
jr "$U" -- true
is "$?" 0 "exit status: true: 0"
jr "$U" -- false
is "$?" 1 "exit status: false: 1"
jr "$U" -- sh -c 'exit 7'
is "$?" 7 "exit status: exit 7: 7"
jr "$U" -- sh -c 'kill -9 $$; sleep 5'
is "$?" 137 "exit status: killed by SIGKILL: 137"
jr "$U" -- sh -c 'kill -TERM $$; sleep 5'
is "$?" 143 "exit status: killed by SIGTERM: 143"
capture jr "$U" -- "jt-no-such-command-$$"
is "$RC" 127 "exit status: a command that does not exist: 127"
like "$ERR" "jt-no-such-command-$$" "  ... and the message names it"
printf '#!/bin/sh\necho jt-ran\n' > "$A/notexec"
chmod 644 "$A/notexec"
capture jr "$U" -- "$A/notexec"
is "$RC" 126 "exit status: a command that is not executable: 126"
unlike "$OUT" jt-ran "  ... and it does not run"

# --- identity and privilege -------------------------------------------------
capture jr "$U" -- cat /proc/self/status
creds_ok "in the jail: the user's uid and gid, no capabilities, no_new_privs, a seccomp filter" \
	"$U" "$OUT"
is "$(jr "$U" -- id -u) $(jr "$U" -- id -g)" "$U_UID $U_GID" \
	"id -u and id -g inside are the user's ($U_UID $U_GID)"
capture jr "$U" -- cat /proc/self/uid_map /proc/self/gid_map
is "$(printf '%s\n' "$OUT" | awk '{ print $1, $2, $3 }' | paste -sd/ -)" \
	"$U_UID $U_UID 1/$U_GID $U_GID 1" \
	"  ... in a user namespace that maps the user to itself, and nothing else"
capture jr "$U" -- readlink /proc/self/ns/user
unlike "$OUT" "^$(ere "$(readlink /proc/self/ns/user)")\$" "  ... not the host's user namespace"

install -m 4755 -o root -g root /usr/bin/id "$A/suid-id"
if findmnt -n -o OPTIONS -T "$A" | grep -Eq '(^|,)nosuid(,|$)'; then
	skip "$A is on a nosuid mount: setuid cannot be shown to work outside"
else
	is "$(as_user "$U" "$A/suid-id" -u)" 0 \
		"control: outside, a setuid-root copy of id gives the user euid 0"
fi
capture jr "$U" -- "$A/suid-id" -u
is "$RC/$OUT" "0/$U_UID" "in the jail, the same setuid-root program runs with the user's euid"
capture jr "$U" -- "$A/suid-id"
unlike "$OUT" 'uid=0|euid|gid=0|egid' "  ... and id reports no root id at all ($OUT)"
capture jr "$U" -- su -c id root < /dev/null
ok "su -c id root fails in the jail (exit $RC)" [ "$RC" != 0 ]
unlike "$OUT" 'uid=0' "  ... and prints no uid=0"
if command -v sudo >/dev/null; then
	capture jr "$U" -- sudo -n id -u < /dev/null
	ok "sudo -n id -u fails in the jail (exit $RC)" [ "$RC" != 0 ]
	unlike "$OUT" '^0$' "  ... and prints no 0"
else
	skip "no sudo on this host"
fi

# --- processes ----------------------------------------------------------------
sleep 600 &
HS=$!
disown $HS
at_exit "kill $HS 2>/dev/null"
capture jr "$U" -- ps -e -o pid=,comm=
ps_out=$(printf '%s\n' "$OUT" | awk '{ print $1, $2 }')
is "$(printf '%s\n' "$ps_out" | head -n 1)" "1 jailsh" "ps in the jail: pid 1 is jailsh's init"
is "$(printf '%s\n' "$ps_out" | sed 1d)" "2 ps" "  ... and the only other process is the command, pid 2"
ok "control: the host has many processes" [ "$(ps -e --no-headers | wc -l)" -gt 5 ]
capture jr "$U" -- kill -0 "$HS"
ok "kill -0 of a host process (sleep, $HS) fails in the jail" [ "$RC" != 0 ]
for ns in pid mnt ipc uts; do
	capture jr "$U" -- readlink "/proc/self/ns/$ns"
	like "$OUT" "^$ns:\\[[0-9]+\\]\$" "the jail's $ns namespace is readable ($OUT)"
	unlike "$OUT" "^$(ere "$(readlink "/proc/self/ns/$ns")")\$" "  ... and it is not the host's"
done

# --- PATH, environment, working directory -----------------------------------
capture as_user "$U" env "JT_ADHOC=val-$$" "$J" run -- sh -c 'echo "$JT_ADHOC"; echo "$HOME"'
is "$OUT" "val-$$
$UH" "the command gets the caller's environment unchanged"
capture in_dir "$UH" "$U" "$J" run -- pwd
is "$OUT" "$UH" "the working directory is the caller's"
cwd=/tmp/jt-adhoc-$$-cwd
install -d -m 755 "$cwd"
at_exit "rmdir '$cwd' 2>/dev/null"
capture in_dir "$cwd" "$U" "$J" run -- pwd
is "$RC:$OUT" "0:/" "a working directory that the jail does not have (in /tmp): /"

# --- refusals -------------------------------------------------------------------
capture jr "$U" --jt-no-such-option -- echo jt-ran
refused "an unknown option"
capture jr "$U" --vol "$UH/vol"
refused "--vol without DST"
capture jr "$U" --map "$UH/mapsrc"
refused "--map without DST"
capture jr "$U" --tmpfs
refused "--tmpfs without DIR"
capture jr "$U" --net bogus -- echo jt-ran
refused "--net bogus"
capture jr "$U" --hostname
refused "--hostname without a name"
capture jr "$U" --vol "/nonexistent-jt-$$" "$A/dst" -- echo jt-ran
refused "--vol with a SRC that does not exist"
like "$ERR" "nonexistent-jt-$$" "  ... and the message names it"
capture jr "$U" --map "/nonexistent-jt-$$" "$A/dst" -- echo jt-ran
refused "--map with a SRC that does not exist"
like "$ERR" "nonexistent-jt-$$" "  ... and the message names it"
# a directory the user cannot reach on the host, inside a root-only one
install -d -m 700 "$A/vault"
install -d -m 755 "$A/vault/inner"
echo "jt-inner-$$" > "$A/vault/inner/canary"
chmod 644 "$A/vault/inner/canary"
capture as_user "$U" cat "$A/vault/inner/canary"
ok "control: outside, the user cannot read a file in a root-only directory" [ "$RC" != 0 ]
capture jr "$U" --map "$A/vault/inner" "$A/dst" -- sh -c "echo jt-ran; cat '$A/dst/canary'"
refused "--map of a directory the user cannot reach"
unlike "$OUT" "jt-inner-$$" "  ... and its file is not shown"
capture jr "$U" --vol "$A/vault/inner" "$A/dst" -- sh -c "echo jt-ran; cat '$A/dst/canary'"
refused "--vol of a directory the user cannot reach"
unlike "$OUT" "jt-inner-$$" "  ... and its file is not shown"

# --- from inside a jailsh login session -------------------------------------
luser W
WH=$W_H
capture jrun "$W" 'grep NoNewPrivs /proc/self/status; touch ~/jt-login && echo home-rw'
like "$OUT" 'NoNewPrivs:[[:space:]]1' "control: the login session of $W is jailed"
like "$OUT" 'home-rw' "control: the login session's home is writable"
capture jrun "$W" "$J run -- echo jt-inner"
is "$RC/$OUT" "0/jt-inner" "in a login session: jailsh run -- echo: exit 0 and the output"
capture jrun "$W" "$J run -- cat /proc/self/status"
creds_ok "  ... the command has the user's ids, no capabilities, no_new_privs, a filter" "$W" "$OUT"
capture jrun "$W" "readlink /proc/self/ns/pid /proc/self/ns/mnt; $J run -- readlink /proc/self/ns/pid /proc/self/ns/mnt"
a=$(printf '%s\n' "$OUT" | sed -n 1,2p)
b=$(printf '%s\n' "$OUT" | sed -n 3,4p)
ok "  ... in pid and mount namespaces other than the session's" \
	[ -n "$a" -a -n "$b" -a "$(printf '%s\n' "$a" | sed -n 1p)" != "$(printf '%s\n' "$b" | sed -n 1p)" \
	  -a "$(printf '%s\n' "$a" | sed -n 2p)" != "$(printf '%s\n' "$b" | sed -n 2p)" ]
capture jrun "$W" "$J run -- cat /proc/1/comm"
is "$OUT" jailsh "  ... with jailsh's init as pid 1"
capture jrun "$W" "$J run -- id -u"
is "$OUT" "$W_UID" "  ... and the same uid as outside"
capture jrun "$W" "$J run -- touch ~/jt-run; echo rc=\$?"
like "$OUT" 'rc=[1-9]' "  ... the home, writable in the session, is read-only in run"
ok "  ... and nothing appears on the host" [ ! -e "$WH/jt-run" ]
as_user "$W" mkdir "$WH/v"
capture jrun "$W" "$J run --vol ~/v $A/dst -- sh -c 'echo lw > $A/dst/f'"
is "$RC/$(cat "$WH/v/f" 2>&1)" "0/lw" "  ... --vol: the write lands in SRC on the host"
capture jrun "$W" "echo x > /tmp/jt-login; $J run -- ls -A /tmp"
is "$RC/$OUT" "0/" "  ... the session's /tmp is not the run's"
capture jrun "$W" "$J run --net none -- sh -c '$IFACES'"
is "$OUT" lo "  ... --net none: only lo"
capture jrun "$W" "$J run --net none -- $PY $A/connect.py $PORT"
ok "  ... and no connection to the host's listener (exit $RC)" [ "$RC" = 1 ]
capture jrun "$W" "$J run -- $PY $A/connect.py $PORT"
is "$OUT" "$LTXT" "  ... (control: without --net none it connects)"
jrun "$W" "$J run -- sh -c 'exit 7'"
is "$?" 7 "  ... exit 7 comes through both"
capture jrun "$W" "$J run -- $A/suid-id -u"
is "$OUT" "$W_UID" "  ... the setuid-root copy of id gives the user's euid"
capture jrun "$W" "$J run --jt-no-such-option -- echo jt-ran"
refused "  ... an unknown option"

# --- nothing is left ------------------------------------------------------------
ok "no process of $U is left" no_live_processes "$U" 5
ok "no process of $W is left" no_live_processes "$W" 5
host_same "at the end"
done_testing
