#!/bin/bash
# The login shell's arguments (issue 10, item 3): whatever arguments su,
# runuser or sshd hand to jailsh as a user's login shell, the user lands
# in the profile's jail or nothing runs.
#
# Non-login su and runuser pass their arguments to the user's login shell
# with argv[0] "jailsh", no dash: "su USER -- run -- sh" made jailsh run
# its ad-hoc jail (jailsh run), which the profile never applied to: no
# hides, the host's network and hostname, and "--vol /proc /mnt" showed
# the host's processes. Outside a jail, when jailsh is the caller's login
# shell (the password database's shell is this very file), jailsh takes no
# subcommand: its arguments are the real shell's, in the jail.
#
# A throwaway user U, login shell $J, with a profile whose effects show:
# network none (only lo), a hostname of its own, a hidden directory. The
# probe prints whether it sees the hidden canary and the host's processes
# (this test's own, by pid, at /proc and /mnt), then its state (state.py).
# Every start must end "not run" or "profile": the probe ran exactly
# jailed (esc_state_violations) with the profile's hostname, network and
# hide, and no host process in sight:
#
#   - su U -- run -- PROBE; su U -- run --vol /proc /mnt -- PROBE;
#     su U -- --status-fd 1 run -- PROBE; runuser U -- run -- PROBE;
#     runuser -u U -- $J run -- PROBE (jailsh itself, not through the
#     login shell: still U's login shell, outside a jail);
#   - su U -- build --rootfs DIR: no /proc, /dev, /tmp made in DIR;
#   - su U -- enter NAME PROBE, NAME an ad-hoc jail of U's (made with a
#     copy of jailsh that is not U's login shell); su U -- explain prints
#     nothing of explain's;
#   - what a subcommand's name becomes: the real shell's argument, so
#     "su U -- run ARGS" from U's home runs U's ./run script in the jail;
#   - a uid with no entry in the password database: jailsh run refused;
#   - a login shell that is a symbolic link (another name) to a second
#     setuid copy of jailsh: su W -- run -- PROBE; and such a session runs
#     /bin/sh, never jailsh again (which looped); a profile whose shell is
#     such a link is refused;
#   - ssh U@127.0.0.1 run -- PROBE, and ssh ... jailsh run --vol /proc /mnt
#     -- PROBE (nested in the profile's jail, which it can only narrow),
#     against a private sshd.
#
# Positive controls: user namespaces work here (V, login shell bash, runs
# "jailsh run --hostname" and sees its hostname and the host's processes),
# so an ad-hoc jail is what the attack would get; V still runs jailsh run
# and build through su; "su U -- -c PROBE" lands in the profile's jail
# (the effects are visible); "su U -- --help" prints the usage.
#
# While it runs, /etc/pam.d/su and runuser must not hold a pam_jailsh
# line (another test's): the lock the escape tests share is held, and the
# test waits for any such line to go.
. "$(dirname "$0")/lib.sh"
have_sshd=
if [ -x /usr/sbin/sshd ] && command -v ssh >/dev/null 2>&1; then
	have_sshd=1
	ssh_setup
fi
esc_setup
command -v su >/dev/null && command -v runuser >/dev/null ||
	skip_all "needs su and runuser"

for _s in su runuser; do
	esc_pam_quiet "$_s"
done

PHOST=jt-login-argv
HIDE=$ESC_DIR/hidden
install -d -m 755 "$HIDE"
echo canary > "$HIDE/canary"
chmod 644 "$HIDE/canary"
PROF="shell = \"/bin/bash\"
volume \"~\" {}
hostname = \"$PHOST\"
network = \"none\"
hide = { \"$HIDE\" }"
PROBE=$ESC_DIR/probe.sh
cat > "$PROBE" <<EOF
#!/bin/sh
# the profile's hide, the host's processes (the test's own, pid $$)
if [ -e "$HIDE/canary" ]; then echo HIDE=seen; else echo HIDE=hidden; fi
if grep -qs 91-login-argv /proc/$$/cmdline /mnt/$$/cmdline
then echo HOSTPROC=seen; else echo HOSTPROC=hidden; fi
exec $PY $ESC_DIR/state.py "\$HOME/.jt-ran-$$"
EOF
chmod 755 "$PROBE"

# a copy of jailsh, not setuid and no one's login shell: what runs at
# nested levels (the installation under /tmp is private in a jail), and
# what U uses to make an ad-hoc jail to enter
install -d -m 755 "$ESC_DIR/copy"
install -m 755 "$J" "$ESC_DIR/copy/jailsh"
JC=$ESC_DIR/copy/jailsh

esc_user U "$J" "$PROF"
esc_user V /bin/bash
MARK=$U_H/.jt-ran-$$

# outcome [USER]: how the last start (RC, OUT) ended: "not run", "profile"
# (ran exactly jailed, with the profile's effects), or what was wrong
outcome() {
	local u=${1:-$U} v
	if ! _matches "$OUT" '(^|\n)Uid='; then
		if [ -e "$(home "$u")/.jt-ran-$$" ]; then
			echo "the probe ran (its marker is there) but printed nothing"
		elif [ "$RC" = 124 ] || _matches "$ERR" '^timeout:'; then
			echo "timed out, or timeout could not run it"
		elif [ "$RC" != 0 ]; then
			echo "not run"
		else
			echo "exit 0, but the probe did not run"
		fi
		return
	fi
	v=$(esc_state_violations "$u" "$OUT" | paste -sd ';' -)
	_sv_t=$OUT
	[ "$(_sv_get HOSTNAME)" = "$PHOST" ] ||
		v="$v;hostname $(_sv_get HOSTNAME), not the profile's"
	[ "$(_sv_get IFACES)" = lo ] ||
		v="$v;interfaces $(_sv_get IFACES), not only lo (network none)"
	[ "$(_sv_get HIDE)" = hidden ] || v="$v;the hidden canary is visible"
	[ "$(_sv_get HOSTPROC)" = hidden ] || v="$v;the host's processes are visible"
	if [ -z "$v" ]; then echo profile; else
		echo "RAN OUTSIDE THE PROFILE: ${v#;}"; fi
}

# start DESC CMD...: CMD (a program, under timeout 60; stdin /dev/null),
# then the outcome: the probe did not run, or ran in the profile's jail
start() {
	local d=$1 o
	shift
	rm -f "$MARK" "$W_MARK"
	capture timeout 60 "$@" </dev/null
	o=$(outcome "${OWNER:-$U}")
	case $o in
	"not run" | profile) pass "$d: $o (exit $RC)" ;;
	*) fail "$d: not run, or run in the profile's jail"
		diag "exit $RC: $o" "stderr: $(printf '%s' "$ERR" | head -n 3)" ;;
	esac
}

# --- positive controls ----------------------------------------------------------
capture as_user "$V" timeout 60 "$J" run --hostname jt-ctl --vol /proc /mnt -- "$PROBE"
_sv_t=$OUT
control "V (login shell bash) runs jailsh run here: its hostname, the host's processes at /mnt (user namespaces work)" \
	test "$(_sv_get HOSTNAME)" = jt-ctl -a "$(_sv_get HOSTPROC)" = seen
userns=$?
capture timeout 60 su "$V" -- -c "$J run --hostname jt-ctl -- $PROBE" </dev/null
_sv_t=$OUT
if [ "$userns" = 0 ]; then
	is "$(_sv_get HOSTNAME)" jt-ctl "su V (login shell bash) -- -c 'jailsh run ...': V still gets the ad-hoc jail"
else
	skip "control failed: user namespaces do not work here"
fi
capture timeout 60 su "$U" -- -c "$PROBE" </dev/null
is "$(outcome)" profile "su U -- -c PROBE: the probe runs in the profile's jail, whose effects show"
capture timeout 60 su "$U" -- --help </dev/null
like "$OUT" "^usage: jailsh" "su U -- --help: prints the usage"

# --- su and runuser with a subcommand ------------------------------------------
start "su U -- run -- PROBE" su "$U" -- run -- "$PROBE"
start "su U -- run --vol /proc /mnt -- PROBE" \
	su "$U" -- run --vol /proc /mnt -- "$PROBE"
start "su U -- --status-fd 1 run --vol /proc /mnt -- PROBE" \
	su "$U" -- --status-fd 1 run --vol /proc /mnt -- "$PROBE"
start "runuser U -- run --vol /proc /mnt -- PROBE" \
	runuser "$U" -- run --vol /proc /mnt -- "$PROBE"
start "runuser -u U -- jailsh run --vol /proc /mnt -- PROBE" \
	runuser -u "$U" -- "$J" run --vol /proc /mnt -- "$PROBE"
# what a subcommand's name becomes: the real shell's script, as with any
# other login shell (bash runs ./run from the working directory), in the
# jail
install -m 755 -o root -g root "$PROBE" "$U_H/run"
capture env -C "$U_H" timeout 60 su "$U" -- run --vol /proc /mnt -- x </dev/null
is "$(outcome)" profile "su U -- run ARGS, from U's home: bash runs U's ./run in the profile's jail"
rm -f "$U_H/run"
start "su U -- -c 'jailsh run --vol /proc /mnt -- PROBE' (nested in the profile's jail)" \
	su "$U" -- -c "$JC run --vol /proc /mnt -- $PROBE"
ok "  ... which ran (nesting inside the jail still works)" _matches "$OUT" '(^|\n)Uid='

# build: makes /proc, /dev and /tmp in a root the caller owns
RFS=$U_H/rfs
install -d -m 755 -o "$U" -g "$U_GID" "$RFS"
capture timeout 60 su "$U" -- build --rootfs "$RFS" -- /bin/true </dev/null
is "$(ls -A "$RFS")" "" "su U -- build --rootfs DIR: nothing made in DIR (exit $RC)"
RFSV=$(home "$V")/rfs
install -d -m 755 -o "$V" -g "$(id -g "$V")" "$RFSV"
capture timeout 60 su "$V" -- -c "$J build --rootfs $RFSV -- /bin/true" </dev/null
if [ "$userns" = 0 ]; then
	ok "control: su V (login shell bash) -- -c 'jailsh build --rootfs DIR' makes DIR/proc" \
		test -d "$RFSV/proc"
else
	skip "control failed: user namespaces do not work here"
fi

# enter: an ad-hoc jail of U's, made with the copy (not U's login shell:
# it runs jailsh run as any program would)
as_user "$U" "$JC" run --name jt-e$$ -- sleep 60 \
	</dev/null >/dev/null 2>&1 &
adhoc=$!
wait_for 10 pgrep -u "$U" -x sleep >/dev/null
capture as_user "$U" timeout 60 "$JC" enter jt-e$$ /bin/true
if control "an ad-hoc jail of U's named jt-e$$ can be entered (user namespaces work)" \
	test "$RC" = 0; then
	start "su U -- enter NAME PROBE (NAME an ad-hoc jail of U's)" \
		su "$U" -- enter jt-e$$ "$PROBE"
fi
kill "$adhoc" 2>/dev/null
for _p in $(pgrep -u "$U" -x sleep); do kill "$_p"; done
wait "$adhoc" 2>/dev/null

capture timeout 60 su "$U" -- explain </dev/null
unlike "$OUT" "$(ere "$CONF/users/$U.conf")" \
	"su U -- explain: explain is not run (the argument is the real shell's)"

# --- the password database ---------------------------------------------------------
# a uid that has no entry: nothing tells whether jailsh is its login
# shell, so no subcommand
nouid=$((U_UID + 7000))
while getent passwd "$nouid" >/dev/null; do nouid=$((nouid + 1)); done
capture env -C / setpriv --reuid="$nouid" --regid="$U_GID" --clear-groups \
	--reset-env -- timeout 60 "$JC" run -- /bin/echo jt-ran
is "$RC:$OUT" 125: "uid $nouid, no entry in the password database: jailsh run is refused (125), nothing runs"
like "$ERR" "^jailsh: run: .*uid $nouid has no entry in the password database\$" "  ... with one line that says why"

# --- a login shell that is a link, with another name, to a second copy --------
install -d -m 755 "$ESC_DIR/bin"
install -m 4755 -o root -g root "$J" "$ESC_DIR/bin/jailsh"
ln -s jailsh "$ESC_DIR/bin/jsh"
esc_user W "$ESC_DIR/bin/jsh" "$PROF"
W_MARK=$W_H/.jt-ran-$$
OWNER=$W start "su W -- run --vol /proc /mnt -- PROBE (login shell a link to a second copy)" \
	su "$W" -- run --vol /proc /mnt -- "$PROBE"
# its profile names no shell: the login shell is jailsh under another name
esc_user X "$ESC_DIR/bin/jsh" "volume \"~\" {}"
capture timeout 20 su "$X" -- -c 'readlink /proc/$$/exe' </dev/null
is "$OUT" "$(readlink -f /bin/sh)" "su X -- -c CMD, X's login shell a link to jailsh named jsh: CMD runs under /bin/sh, not jailsh again (exit $RC)"

# a profile that names jailsh (by a link to the copy that runs) as the
# real shell: refused
esc_user Z /bin/bash "shell = \"$ESC_DIR/bin/jsh\"
volume \"~\" {}"
capture as_user "$Z" timeout 20 "$ESC_DIR/bin/jailsh" -c 'echo jt-ran' </dev/null
is "$RC:$OUT" 125: "a profile with shell = a link to jailsh: refused (125), not run in a loop"
like "$ERR" "^jailsh: .*shell = \"$(ere "$ESC_DIR")/bin/jsh\" is jailsh itself; name the real shell\$" \
	"  ... with one line that says so"

# --- ssh ----------------------------------------------------------------------------
if [ -n "$have_sshd" ]; then
	ssh_user S
	profile "$S" "$PROF"
	OWNER=$S start "ssh S@127.0.0.1 run --vol /proc /mnt -- PROBE" \
		ssh $(ssh_opts) -p "$SSHD_PORT" "$S@127.0.0.1" \
		run --vol /proc /mnt -- "$PROBE"
	OWNER=$S start "ssh S@127.0.0.1 jailsh run --vol /proc /mnt -- PROBE" \
		ssh $(ssh_opts) -p "$SSHD_PORT" "$S@127.0.0.1" \
		"$JC" run --vol /proc /mnt -- "$PROBE"
	ok "  ... which ran (nested in the profile's jail)" _matches "$OUT" '(^|\n)Uid='
else
	skip_n 3 "no sshd or ssh client here"
fi

esc_host_unchanged "after all of it"
done_testing
