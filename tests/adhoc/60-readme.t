#!/bin/bash
# The README's "Ad-hoc jails for anyone" examples, run exactly as written
# (the name "jailsh" found in PATH), as a throwaway user with an ordinary
# login shell. The setuid binary under test is copied to a directory that
# is not under /tmp, because /tmp is private in every jail and the nested
# example runs jailsh inside one.
. "$(dirname "$0")/../lib/harness.sh"
. "$(dirname "$0")/../lib/capture.sh"
. "$(dirname "$0")/../lib/integration.sh"
setup

user u /bin/bash
uh=$(home "$u")
bin=$(mktemp -d /var/tmp/jt-readme.XXXXXX)
at_exit "rm -rf '$bin'"
chmod 755 "$bin"
install -m 4755 -o root -g root "$J" "$bin/jailsh"

# snippet NAME: the fenced block after "<!-- snippet: NAME -->".
snippet() {
	awk -v name="$1" '
		$0 == "<!-- snippet: " name " -->" { want = 1; next }
		want && /^```/ { if (inside) exit; inside = 1; next }
		inside { print }' "$TOP/README.md"
}

# readme NAME: runs the snippet as u, in bash, from u's home.
readme() {
	_s=$(snippet "$1")
	[ -n "$_s" ] || { echo "Bail out! README.md has no snippet $1"; exit 1; }
	capture as_user "$u" env HOME="$uh" PATH="$bin:/usr/bin:/bin" \
		timeout 60 bash -c "cd ~ && set -e
$_s"
}

readme run-readonly
is "$RC" 0 "run-readonly: runs"
like "$OUT" "read-only, as it should be" "  ... and the home is read-only"
ok "  ... nothing was written" [ ! -e "$uh/x" ]

readme run-volume
is "$RC" 0 "run-volume: runs"
ok "  ... the volume's write landed on the host" [ -s "$uh/src/hello/out/built" ]
is "$(stat -c %U "$uh/src/hello/out/built" 2>/dev/null)" "$u" \
	"  ... owned by the user"
like "$OUT" "$(date +%Y)" "  ... and cat showed it"

readme run-nested
is "$RC" 0 "run-nested: jailsh runs inside jailsh"
is "$OUT" "$(hostname)" "  ... /mnt empty, the host's hostname"

readme build-rootfs
is "$RC" 0 "build-rootfs: build and run"
like "$OUT" "no host here" "  ... the host's /etc/passwd is not there"
ok "  ... busybox installed its links into the caller's tree" \
	[ -L "$uh/rootfs/bin/sh" ]
is "$(stat -c %U "$uh/rootfs/bin/sh" 2>/dev/null)" "$u" \
	"  ... owned by the caller"

readme enter
is "$RC" 0 "enter: runs"
is "$OUT" "hello" "  ... and reads what the jail wrote in its own tmpfs"

done_testing
