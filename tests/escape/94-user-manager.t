#!/bin/bash
# The user's own service manager, for real (issue 10, item 2). Where
# systemd is the init and sshd's PAM stack has pam_systemd (Debian's, with
# libpam-systemd and dbus-user-session), every login starts the user's
# manager, user@UID.service, outside any jail, with its private socket
# /run/user/UID/systemd/private and the session bus /run/user/UID/bus.
# systemd-run --user would run a command there, outside the jail.
#
# A private sshd runs under Debian's sshd stack with the README's module
# line at the end (after pam_systemd). Checked:
#
#   - control: C, a user the module leaves alone, logs in: systemd-run
#     --user runs a command in the host's mount namespace, which writes to
#     /var/tmp, and busctl --user lists the session bus;
#   - while U (jailed) is logged in, user@UID.service runs on the host and
#     its sockets are there (seen by root, outside);
#   - in U's jailed login, systemd-run --user and busctl --user fail, the
#     command is not run (nothing in /var/tmp), XDG_RUNTIME_DIR is the
#     session's own, empty, and DBUS_SESSION_BUS_ADDRESS is unset;
#   - control: with runtime_dir = "host" in U's profile, systemd-run
#     --user from the jail does run the command outside it (the write to
#     /var/tmp, read-only in the jail, is there), and busctl --user works.
#
# It needs the real thing: on a host where systemd is not the init, or
# where a login starts no user manager, it skips; tests/vm/run runs it in
# a Debian 12 guest where it does.
. "$(dirname "$0")/../lib/pam.sh"
[ -d /run/systemd/system ] ||
	skip_all "systemd is not the init here; tests/vm/run runs this in a guest where it is"
pam_setup
for c in systemd-run busctl systemctl loginctl; do
	command -v "$c" >/dev/null || skip_all "no $c"
done
grep -qs pam_systemd /etc/pam.d/common-session ||
	skip_all "no pam_systemd in /etc/pam.d/common-session (libpam-systemd)"

sshd_with_pam
ssh_user C /bin/bash
ssh_user U /bin/bash
UID_C=$(id -u "$C")
UID_U=$(id -u "$U")
profile "$U" 'shell = "/bin/bash"
volume "~" {}'
HOSTMNT=$(readlink /proc/1/ns/mnt)
M=/var/tmp/jt-um-$$
at_exit "rm -f $M.*"

# try CMD: CMD, retried for up to 10 s while the user manager comes up; its
# output, and "RC=status" of the last try
try() {
	printf '%s\n' "n=0; until out=\$($1 2>&1); do n=\$((n+1)); [ \$n -ge 50 ] && break; sleep 0.2; done; printf '%s\n' \"\$out\"; echo RC=\$?"
}
val() { printf '%s\n' "$OUT" | sed -n "s/^$1=//p" | head -n 1; }

# --- control: a login that is not jailed ------------------------------------
OUT=$(jssh "$C" "$(try "systemd-run --user --pipe --quiet sh -c 'readlink /proc/self/ns/mnt; echo ran > $M.c'")" 2>&1)
[ -e "$M.c" ] || skip_all "a login starts no user manager here (an unjailed login's systemd-run --user: $(printf '%s' "$OUT" | head -n 2 | tr '\n' ' '))"
pass "control: an unjailed login's systemd-run --user runs a command by C's user manager"
like "$OUT" "$(ere "$HOSTMNT")" "  ... in the host's mount namespace"
OUT=$(jssh "$C" "$(try 'busctl --user --no-pager list')" 2>&1)
like "$OUT" "org.freedesktop.DBus" "control: an unjailed login's busctl --user lists the session bus"

# --- U, jailed ----------------------------------------------------------------
jssh "$U" 'sleep 8' >/dev/null 2>&1 &
BG=$!
control "while U is logged in, user@$UID_U.service runs on the host" \
	wait_for 10 eval "[ \"\$(systemctl is-active user@$UID_U.service)\" = active ]"
ok "  ... with its private socket and the session bus in /run/user/$UID_U" \
	wait_for 10 test -S "/run/user/$UID_U/systemd/private" -a -S "/run/user/$UID_U/bus"
OUT=$(jssh "$U" "echo \"MNT=\$(readlink /proc/self/ns/mnt)\"
	echo \"XDG=\$XDG_RUNTIME_DIR\"; echo \"DBUS=\${DBUS_SESSION_BUS_ADDRESS-unset}\"
	echo \"N=\$(ls -A \$XDG_RUNTIME_DIR | wc -l)\"
	systemd-run --user --pipe --quiet sh -c 'echo ran > $M.u' 2>&1 | sed 's/^/SR: /'
	systemctl --user is-system-running >/dev/null 2>&1; echo \"SC=\$?\"
	busctl --user --no-pager list >/dev/null 2>&1; echo \"BUS=\$?\"
	busctl --address=unix:path=/run/user/$UID_U/bus --no-pager list >/dev/null 2>&1
	echo \"BUSPATH=\$?\"" 2>&1)
like "$(val MNT)" 'mnt:' "U's login ran"
isnt() { if [ "$1" != "$2" ]; then pass "$3"; else fail "$3"; diag "got: '$1'"; fi; }
isnt "$(val MNT)" "$HOSTMNT" "  ... in the jail (a mount namespace that is not the host's)"
is "$(val XDG)" "/run/user/$UID_U" "XDG_RUNTIME_DIR is /run/user/$UID_U"
is "$(val DBUS)" unset "DBUS_SESSION_BUS_ADDRESS is unset (pam_systemd had set it)"
is "$(val N)" 0 "the session's /run/user/$UID_U is empty"
sleep 1
ok "systemd-run --user from the jail runs nothing outside (no $M.u)" test ! -e "$M.u"
diag "systemd-run said: $(printf '%s\n' "$OUT" | sed -n 's/^SR: //p' | head -n 2)"
isnt "$(val SC)" 0 "systemctl --user cannot reach the manager"
isnt "$(val BUS)" 0 "busctl --user cannot reach the session bus"
isnt "$(val BUSPATH)" 0 "  ... nor by its path"
wait "$BG"

# --- control: the host's runtime directory --------------------------------
profile "$U" 'shell = "/bin/bash"
volume "~" {}
runtime_dir = "host"'
OUT=$(jssh "$U" "echo \"MNT=\$(readlink /proc/self/ns/mnt)\"
	$(try "systemd-run --user --pipe --quiet sh -c 'readlink /proc/self/ns/mnt; echo ran > $M.h'")
	busctl --user --no-pager list >/dev/null 2>&1; echo \"BUS=\$?\"" 2>&1)
isnt "$(val MNT)" "$HOSTMNT" "runtime_dir = \"host\": U's login is jailed"
ok "control: runtime_dir = \"host\": systemd-run --user from the jail runs a command outside it ($M.h, in /var/tmp)" \
	test -e "$M.h"
like "$OUT" "$(ere "$HOSTMNT")" "  ... in the host's mount namespace"
is "$(val BUS)" 0 "control: runtime_dir = \"host\": busctl --user works from the jail"
done_testing
