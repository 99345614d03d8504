#!/bin/bash
# Escape class 2 (CATALOGUE.md): setuid, setgid and file-capability programs
# gain nothing in the jail.
#
# Copies of a probe (probes/suid.c: prints its ids and effective
# capabilities, creates a file in the root-only canary directory when its
# euid is 0, and reads a file):
#   - root 4755 on the host's root file system
#     (/usr/local/libexec/jt-suid-PID, removed at exit) and in the user's
#     home, which is a volume of the jail: no euid 0, no file in the
#     canary directory, no read of the root-only secret;
#   - root:shadow 2755: no egid shadow, no read of /etc/shadow;
#   - cap_dac_read_search+ep (setcap): no capability, no read of the secret.
# The system's own: su to another user (with that user's password), sudo
# (if installed, with a NOPASSWD rule of the test's own), passwd (with the
# user's password), chsh -s /bin/sh, newgrp to a group of the user: none
# succeeds, and /etc/passwd, /etc/shadow and /etc/group are unchanged
# (sha256 before and after, leaving out only other tests' throwaway users).
# Each in shell mode (jailsh -c) and in PAM mode (runuser -l with
# pam_jailsh.so appended to /etc/pam.d/runuser-l, put back byte for byte).
#
# Positive controls: every copy and every one of the system's programs does
# gain what it should when the same user runs it outside the jail.
. "$(dirname "$0")/lib.sh"
esc_setup
esc_cc suid || skip_all "cannot build the probe"
command -v setcap >/dev/null || skip_all "no setcap (libcap2-bin)"

G=jtes$$
groupadd "$G" || { echo "Bail out! groupadd"; exit 1; }
at_exit "groupdel '$G' 2>/dev/null"
rnd() { od -An -N8 -tx1 /dev/urandom | tr -d ' \n'; }

esc_user U /bin/bash
esc_user P /bin/bash
esc_user V /bin/bash	# the one su goes to
PW_U="Jt-$(rnd)-u1"
PW_P="Jt-$(rnd)-p1"
PW_V="Jt-$(rnd)-v1"
printf '%s\n' "$U:$PW_U" "$P:$PW_P" "$V:$PW_V" | chpasswd ||
	{ echo "Bail out! chpasswd"; exit 1; }
usermod -a -G "$G" "$U"
usermod -a -G "$G" "$P"
G_GID=$(getent group "$G" | cut -d: -f3)
SHADOW_GID=$(getent group shadow | cut -d: -f3)
[ -n "$SHADOW_GID" ] || skip_all "no group shadow"
declare -A CTL

# --- the copies --------------------------------------------------------------
if [ ! -d /usr/local/libexec ]; then
	install -d -m 755 /usr/local/libexec
	at_exit "rmdir /usr/local/libexec 2>/dev/null"
fi
HOST_SUID=/usr/local/libexec/jt-suid-$$
install -m 4755 -o root -g root "$ESC_DIR/suid" "$HOST_SUID"
at_exit "rm -f '$HOST_SUID'"
for x in U P; do
	eval "h=\$${x}_H"
	install -m 4755 -o root -g root "$ESC_DIR/suid" "$h/jt-suid"
done
install -m 2755 -o root -g shadow "$ESC_DIR/suid" "$ESC_DIR/jt-sgid"
install -m 755 -o root -g root "$ESC_DIR/suid" "$ESC_DIR/jt-fcap"
setcap cap_dac_read_search+ep "$ESC_DIR/jt-fcap" ||
	{ echo "Bail out! setcap"; exit 1; }

# sha256 of /etc/passwd, /etc/shadow and /etc/group, one line each: all of
# each file but the lines of other tests' throwaway users (jt..., made and
# removed by tests that may run meanwhile); this test's own are included
sums() {
	for f in /etc/passwd /etc/shadow /etc/group; do
		{ grep -vE '^jt' "$f"; grep -E "^($U|$P|$V|$G):" "$f"; } | sha256sum
	done
}

# try RUNNER USER LABEL: every copy and program, through RUNNER (as_user,
# jrun or prun); with LABEL "control" the gains are expected, otherwise
# none of them
try() {
	local run=$1 u=$2 label=$3 h uid ctl=
	h=$(home "$u")
	uid=$(id -u "$u")
	[ "$label" = control ] && ctl=1
	# k KEY DESC CMD...: the control KEY (recorded), or whether KEY's
	# control held (so that what depends on it is tested, or skipped)
	k() {
		local key=$1 d=$2
		shift 2
		if [ -n "$ctl" ]; then
			control "$d" "$@" && CTL[$key]=1 ||
				diag "output: $OUT" "$ERR"
			return 1
		fi
		[ -n "${CTL[$key]:-}" ] && return 0
		skip "its control failed ($key)"
		return 1
	}
	c() {
		if [ "$run" = as_user ]; then as_user "$u" sh -c "$1"; else
			"$run" "$u" "$1"; fi
	}
	rm -f "$ESC_ROOT"/*
	for bin in "$HOST_SUID" "$h/jt-suid"; do
		local where="setuid-root copy on the host's root"
		[ "$bin" = "$h/jt-suid" ] && where="setuid-root copy in the home volume"
		capture c "$bin $ESC_ROOT/suid-marker $ESC_SECRET"
		if k "$where" "outside the jail, the $where runs with euid 0 and writes in the root-only canary directory" \
			eval '_matches "$OUT" "^uid=$uid,0,0 [^\n]*\nmarker=written\nread=OK:$ESC_SECRET_TEXT"'; then
			like "$OUT" "^uid=$uid,$uid,$uid .*capeff=0000000000000000" "$label: the $where runs with the user's uids, no capability"
			unlike "$OUT" "marker=|read=OK" "  ... writes nothing as root and cannot read the root-only secret"
			esc_no_root_marker "  ... nothing in the root canary directory"
		fi
		rm -f "$ESC_ROOT/suid-marker"
	done
	capture c "$ESC_DIR/jt-sgid '' /etc/shadow"
	if k sgid "outside the jail, the setgid-shadow copy runs with egid shadow and reads /etc/shadow" \
		eval '_matches "$OUT" "gid=[0-9]+,$SHADOW_GID,$SHADOW_GID [^\n]*\nread=OK:"'; then
		like "$OUT" "^uid=.* gid=([0-9]+),\\1,\\1 " "$label: the setgid-shadow copy runs with the user's gids"
		unlike "$OUT" "read=OK" "  ... and cannot read /etc/shadow"
	fi
	capture c "$ESC_DIR/jt-fcap '' $ESC_SECRET"
	if k fcap "outside the jail, the cap_dac_read_search+ep copy reads the root-only secret" \
		eval '_matches "$OUT" "read=OK:$ESC_SECRET_TEXT"'; then
		like "$OUT" "capeff=0000000000000000" "$label: the file-capability copy runs without capabilities"
		unlike "$OUT" "read=OK" "  ... and cannot read the root-only secret"
	fi

	local before pw
	before=$(sums)
	eval "pw=\$PW_$( [ "$u" = "$U" ] && echo U || echo P)"
	capture c "printf '%s\n' '$PW_V' | su -c 'id -u' $V"
	if k su "outside the jail, su $V with $V's password runs a command as $V" \
		test "$OUT" = "$(id -u "$V")"; then
		ok "$label: su $V with $V's password fails (exit $RC)" test "$RC" != 0
		unlike "$OUT" "^$(id -u "$V")\$" "  ... and runs nothing as $V"
	fi
	if command -v sudo >/dev/null 2>&1; then
		capture c 'sudo -n id -u'
		if k sudo "outside the jail, sudo -n (NOPASSWD rule) runs a command as root" \
			test "$OUT" = 0; then
			ok "$label: sudo -n fails (exit $RC)" test "$RC" != 0
			unlike "$OUT" '^0$' "  ... and runs nothing as root"
		fi
	else
		skip "sudo is not installed"
	fi
	capture c "echo 'id -g' | newgrp $G"
	if k newgrp "outside the jail, newgrp $G switches the group" test "$OUT" = "$G_GID"; then
		unlike "$OUT" "^$G_GID\$" "$label: newgrp $G does not switch the group (exit $RC)"
	fi
	capture c "printf '%s\n' '$pw' | chsh -s /bin/sh"
	if k chsh "outside the jail, chsh -s /bin/sh (with the password) changes the login shell" \
		test "$(getent passwd "$u" | cut -d: -f7)" = /bin/sh; then
		ok "$label: chsh -s /bin/sh fails (exit $RC)" test "$RC" != 0
		is "$(getent passwd "$u" | cut -d: -f7)" /bin/bash "  ... the login shell is still /bin/bash"
	fi
	[ -n "$ctl" ] && usermod -s /bin/bash "$u"
	capture c "p=Jt-new-$(rnd); printf '%s\n' '$pw' \$p \$p | passwd"
	if k passwd "outside the jail, passwd (with the password) changes /etc/shadow" \
		test "$(sums | sed -n 2p)" != "$(printf '%s\n' "$before" | sed -n 2p)"; then
		ok "$label: passwd fails (exit $RC)" test "$RC" != 0
	fi
	[ -n "$ctl" ] && printf '%s\n' "$u:$pw" | chpasswd
	[ -n "$ctl" ] || is "$(sums)" "$before" \
		"$label: after su, newgrp, chsh and passwd, /etc/passwd, /etc/shadow and /etc/group are unchanged (sha256)"
}

if command -v sudo >/dev/null 2>&1; then
	printf '%s ALL=(ALL) NOPASSWD: ALL\n%s ALL=(ALL) NOPASSWD: ALL\n' "$U" "$P" \
		> "/etc/sudoers.d/jt-esc-$$"
	chmod 440 "/etc/sudoers.d/jt-esc-$$"
	at_exit "rm -f '/etc/sudoers.d/jt-esc-$$'"
fi

# controls first (they change passwd and shadow; each is put back)
try as_user "$U" control
ALL_SUMS=$(sums)
try jrun "$U" "shell mode"
esc_pam_append runuser-l
capture prun "$P" "$PY $ESC_DIR/state.py"
esc_jailed "PAM: runuser -l $P runs in the jail" "$P" "$OUT"
try prun "$P" "PAM"
is "$(sums)" "$ALL_SUMS" "after every attempt in the jail, /etc/passwd, /etc/shadow and /etc/group are unchanged"

# every mount in the jail is nosuid (second line of defence)
capture jrun "$U" "$PY $ESC_DIR/state.py"
esc_jailed "shell mode: in the jail every mount is nosuid and / is read-only" "$U" "$OUT"

ok "nothing of the users is left" eval 'no_live_processes "$U" && no_live_processes "$P"'
esc_no_priv_procs "$U"
esc_no_priv_procs "$P"
pam_restore_check
esc_host_unchanged "after it all"
ok "the setuid copy on the host is still the test's own (removed at exit)" \
	test "$(stat -c '%a %U' "$HOST_SUID")" = "4755 root"

done_testing
