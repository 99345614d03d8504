#!/bin/bash
# The Debian package (issue 15): "make deb" (dpkg-buildpackage -us -uc
# -b) on a copy of the tree, lintian on the result (its whole output in
# this log), then the package installed with dpkg on this host, tried,
# and purged with dpkg -P, leaving the host as it was:
#
#   - the files: jailsh setuid root, the module in the multiarch security
#     directory, /etc/jailsh's files as conffiles, the unit, the man
#     pages, the pam-auth-update profile, the bash completion;
#   - the pam-auth-update profile is offered but not enabled: no
#     /etc/pam.d file changes when the package is installed;
#   - jailsh check passes on the configuration the package installed;
#   - a login through the installed jailsh (su to a throwaway user whose
#     login shell it is) runs in a jail, and jailsh audit of that user
#     says so;
#   - bash completion offers the commands, audit's options and users;
#   - dpkg -P removes all of it: no file of the package left, /etc/pam.d
#     byte for byte as before.
#
# Skipped, with the reason, where dpkg-buildpackage or debhelper is
# missing, and (not built over) where jailsh is installed on the host
# already, by the package or by make install.
. "$(dirname "$0")/../lib/harness.sh"
. "$TOP/tests/lib/integration.sh"
. "$TOP/tests/lib/capture.sh"

require_root
command -v dpkg-buildpackage >/dev/null ||
	skip_all "dpkg-buildpackage is missing (dpkg-dev)"
[ -e /usr/share/perl5/Debian/Debhelper/Dh_Lib.pm ] ||
	skip_all "debhelper is missing"
setup

T=$(mktemp -d /tmp/jt-deb.XXXXXX)
chmod 755 "$T"
at_exit "rm -rf '$T'"

# --- build -------------------------------------------------------------------
capture env -u MAKEFLAGS -u MAKELEVEL make -C "$TOP" -s BUILD="$T/b" deb
is "$RC" 0 "make deb (dpkg-buildpackage -us -uc -b) succeeds"
[ "$RC" = 0 ] || { diag "$(printf '%s\n' "$OUT" "$ERR" | tail -n 30)"; done_testing; exit 1; }
VERSION=$(sed -n 's/^VERSION *= *//p' "$TOP/Makefile")
ARCH=$(dpkg --print-architecture)
DEB=$T/b/deb/jailsh_${VERSION}_$ARCH.deb
ok "it made jailsh_${VERSION}_$ARCH.deb" [ -f "$DEB" ]

if command -v lintian >/dev/null; then
	L=$(lintian -I --pedantic "$T/b/deb/jailsh_${VERSION}_$ARCH.changes" 2>&1 |
		grep -v '^running with root privileges is not recommended')
	diag "lintian -I --pedantic (overrides in debian/jailsh.lintian-overrides):" \
		"${L:-(nothing)}"
	unlike "$L" '^[EWIP]: ' "lintian: no error, warning, info or pedantic tag"
else
	skip "lintian is not installed"
fi

# --- install ---------------------------------------------------------------------
if dpkg-query -W -f '${Status}' jailsh 2>/dev/null | grep -q 'ok installed' ||
	[ -e /usr/sbin/jailsh ] || [ -e /etc/jailsh ]; then
	skip "jailsh is installed on this host already: not installed over"
	done_testing
	exit 0
fi

# the files of /etc/pam.d that pam-auth-update writes, to compare after
# the install and the purge (other tests add services of their own and
# put lines in others meanwhile)
sums() { (cd /etc/pam.d && sha256sum -- common-* 2>/dev/null); }
# a line that names the package's module (other tests name theirs by path)
pkg_line() { grep -rqE '(^|[[:space:]])(/usr/lib/[^ ]*/)?pam_jailsh\.so' /etc/pam.d; }
PAM0=$(sums)

# dpkg with its lock: another apt or dpkg may hold it for a while
dpkg_locked() {
	for _i in $(seq 120); do
		"$@" > "$T/dpkg.out" 2>&1 && return 0
		grep -q 'lock' "$T/dpkg.out" || return 1
		sleep 1
	done
	return 1
}
purge() { dpkg_locked dpkg -P jailsh; }
at_exit "rm -f /etc/jailsh/users/jt*.conf; dpkg-query -W jailsh >/dev/null 2>&1 && dpkg -P jailsh >/dev/null 2>&1"

ok "dpkg -i installs it" dpkg_locked dpkg -i "$DEB" ||
	diag "$(cat "$T/dpkg.out")"
MA=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
is "$(stat -c '%a %U %G' /usr/sbin/jailsh)" "4755 root root" \
	"/usr/sbin/jailsh is setuid root (4755 root:root)"
ok "the module is /usr/lib/$MA/security/pam_jailsh.so" \
	[ -f "/usr/lib/$MA/security/pam_jailsh.so" ]
is "$(dpkg-query -W -f '${Conffiles}\n' jailsh | awk 'NF { print $1 }' | sort | tr '\n' ' ')" \
	"/etc/jailsh/default.conf /etc/jailsh/groups/students.conf.example /etc/jailsh/jailsh.conf /etc/jailsh/users/alice.conf.example " \
	"/etc/jailsh's files are conffiles"
for f in /lib/systemd/system/jailsh-sessions.service \
	/usr/share/man/man8/jailsh.8.gz /usr/share/man/man5/jailsh.conf.5.gz \
	/usr/share/man/man8/pam_jailsh.8.gz /usr/share/pam-configs/jailsh \
	/usr/share/bash-completion/completions/jailsh \
	/usr/share/doc/jailsh/README.Debian; do
	ok "it has $f" [ -f "$f" ]
done
like "$(cat /usr/share/pam-configs/jailsh)" '^Default: no$' \
	"the pam-auth-update profile is offered, not enabled by default"
is "$(sums)" "$PAM0" "installing it changes no /etc/pam.d/common-* file"
ok "... and no file of /etc/pam.d names the package's module" eval '! pkg_line'

capture /usr/sbin/jailsh check
is "$RC" 0 "jailsh check passes on the installed configuration"
like "$OUT" '/etc/jailsh/default.conf: ok' "  ... it checked /etc/jailsh/default.conf"
capture /usr/sbin/jailsh --version
is "$OUT" "jailsh $VERSION" "jailsh --version says $VERSION"

# --- a login through it ---------------------------------------------------------------
user U /usr/sbin/jailsh
printf 'shell = "/bin/bash"\nvolume "~" {}\n' > "/etc/jailsh/users/$U.conf"
chmod 644 "/etc/jailsh/users/$U.conf"
MARK=/var/tmp/jt-deb-mark.$$
at_exit "rm -f '$MARK'"
capture su "$U" -c "[ -e /proc/$$ ] && echo pids=host || echo pids=jail; (echo x > $MARK) 2>/dev/null && echo write=host || echo write=no; touch ~/in-home && echo home=rw"
is "$OUT" "pids=jail
write=no
home=rw" "su $U (login shell /usr/sbin/jailsh): jailed (no host pids, /var/tmp read-only, the home writable)"
ok "  ... nothing written in /var/tmp" [ ! -e "$MARK" ]
capture su "$U" -c 'cat /proc/1/comm'
is "$OUT" jailsh "  ... and pid 1 there is jailsh's init"
capture /usr/sbin/jailsh audit "$U"
like "$OUT" "^$U ssh-session jailed: by the login shell" \
	"jailsh audit $U: ssh-session is jailed by the login shell"
like "$OUT" "^$U pam:su jailed: by the login shell" "  ... and pam:su"
like "$OUT" "^$U pam:runuser OPEN: .*fix: add 'session required pam_jailsh.so' at the end of /etc/pam.d/runuser" \
	"  ... pam:runuser is OPEN, the fix names the module without a path (it is in libpam's directory)"

# --- bash completion ----------------------------------------------------------------------
if [ -f /usr/share/bash-completion/bash_completion ]; then
	comp() {
		bash -c '. /usr/share/bash-completion/bash_completion
			. /usr/share/bash-completion/completions/jailsh
			COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
			COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
			_jailsh jailsh "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
			printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' bash "$@"
	}
	is "$(comp jailsh '')" "--help --status-fd --version -c audit build check enter explain run " \
		"completion: jailsh <TAB> offers the commands and options"
	is "$(comp jailsh audit --)" "-- --help --json " "completion: jailsh audit --<TAB>: its options"
	like "$(comp jailsh audit "${U:0:6}")" "(^| )$U " "completion: jailsh audit ${U:0:6}<TAB>: user names"
	like "$(comp jailsh explain "${U:0:6}")" "(^| )$U " "completion: jailsh explain ${U:0:6}<TAB>: user names"
	is "$(comp jailsh run --net '')" "host none private " "completion: jailsh run --net <TAB>: host none private"
else
	skip "bash-completion is not installed: completion not tried"
fi

# --- purge --------------------------------------------------------------------------------
rm -f "/etc/jailsh/users/$U.conf"
ok "dpkg -P jailsh purges it" purge || diag "$(cat "$T/dpkg.out")"
for f in /usr/sbin/jailsh "/usr/lib/$MA/security/pam_jailsh.so" /etc/jailsh \
	/lib/systemd/system/jailsh-sessions.service /usr/share/pam-configs/jailsh \
	/usr/share/bash-completion/completions/jailsh /usr/share/doc/jailsh \
	/usr/share/man/man8/jailsh.8.gz; do
	ok "  ... $f is gone" [ ! -e "$f" ]
done
ok "  ... dpkg knows no jailsh" eval '! dpkg-query -W -f "\${Status}" jailsh 2>/dev/null | grep -q installed'
is "$(sums)" "$PAM0" "  ... /etc/pam.d/common-* are as they were, byte for byte"
ok "  ... and no file of /etc/pam.d names the package's module" eval '! pkg_line'
done_testing
