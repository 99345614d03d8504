#!/bin/bash
# The man pages ship with the code (HACKING.md, "Documentation ships with
# the feature"):
#
#   - every page of man/ renders without a single groff warning (a text
#     line that begins with "." or "'" is taken for a request: lintian
#     fails the package on that, and the reader loses the line);
#   - every option of a profile and of jailsh.conf that the parser knows
#     (src/conf_profile.c, src/conf_settings.c, the rlimit and cgroup
#     limit tables) is named in jailsh.conf(5);
#   - every command of "jailsh --help" and every long option the program
#     parses is named in jailsh(8).
#
# No root needed; skipped where groff (groff-base) is missing.
. "$(dirname "$0")/../lib/harness.sh"

command -v groff >/dev/null || skip_all "groff is missing (groff-base)"
cd "$TOP" || exit 1

T=$(mktemp -d /tmp/jt-man.XXXXXX)
trap 'rm -rf "$T"' EXIT

# render PAGE: the page as plain ASCII text; its warnings in $T/warn
render() {
	groff -man -ww -Tascii -P-cbou "$1" 2> "$T/warn"
}

for page in man/*.[1-8]; do
	render "$page" > "$T/$(basename "$page").txt"
	is "$(cat "$T/warn")" "" "$page renders without a groff warning"
done

# the names the configuration parser accepts
opts=$(grep -ho 'CFG_[A-Z_]*("[a-z_]*"' src/conf_profile.c src/conf_settings.c |
	sed 's/.*("//; s/"//'
	sed -n '/^} rlimits\[\] = {/,/^}/p; /rlimits\[\] = {/,/^};/p' \
		src/conf_profile.c | grep -o '{ "[a-z_]*"' | sed 's/{ "//; s/"//'
	grep -o '= { "[a-z_]*"' src/cglimit.c | sed 's/= { "//; s/"//')
n=$(printf '%s\n' "$opts" | sort -u | grep -c .)
ok "the parser's option names were found ($n)" [ "$n" -ge 40 ]
missing=
for o in $(printf '%s\n' "$opts" | sort -u); do
	grep -qw -- "$o" "$T/jailsh.conf.5.txt" || missing="$missing $o"
done
is "${missing# }" "" "jailsh.conf(5) names every option of a profile and of jailsh.conf"

# jailsh(8): the commands of --help and the long options of the source
make -s build/jailsh > /dev/null 2>&1 || true
if [ -x build/jailsh ]; then
	cmds=$(build/jailsh --help 2>&1 | sed -n 's/^ *\(usage: \)\{0,1\}jailsh \([a-z][a-z]*\).*/\2/p' |
		sort -u)
	ok "jailsh --help lists its commands ($(echo $cmds))" [ -n "$cmds" ]
	missing=
	for c in $cmds; do
		# "jailsh CMD" in the text, or CMD as a paragraph's tag
		grep -qE "jailsh $c\b|^ {7}$c\b" "$T/jailsh.8.txt" ||
			missing="$missing $c"
	done
	is "${missing# }" "" "jailsh(8) describes every command of jailsh --help"
else
	skip "build/jailsh could not be built here"
	skip "build/jailsh could not be built here"
fi
longs=$(grep -ho '"--[a-z][a-z-]*"' src/*.c | tr -d '"' | sort -u)
missing=
for o in $longs; do
	grep -qe "$o\b" "$T/jailsh.8.txt" || missing="$missing $o"
done
is "${missing# }" "" "jailsh(8) names every long option jailsh parses ($(echo $longs))"
done_testing
