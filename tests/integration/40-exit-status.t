#!/bin/bash
# jailsh exits with the jailed shell's status: its exit code, or 128+N when
# signal N killed it; 125 when it refuses, 126/127 when the shell cannot be
# run. Standard input and output pass through unchanged, and standard
# output and error stay apart.
. "$(dirname "$0")/../lib/harness.sh"
. "$(dirname "$0")/../lib/integration.sh"
setup

user u
T=$(mktemp -d /tmp/jt-exit.XXXXXX)
at_exit "rm -rf '$T'"

# --- exit codes -----------------------------------------------------------
for code in 0 1 42 255; do
	jrun "$u" "exit $code"
	is "$?" "$code" "exit $code: jailsh exits with $code"
done
jrun "$u" 'false'
is "$?" 1 "the status of the last command (false) comes through"
jrun "$u" 'sh -c "exit 7"; exit $?'
is "$?" 7 "the status of a nested shell comes through"

# --- death by signal ------------------------------------------------------
# the core limit is 0 so that nothing is dumped for SIGSEGV
for s in TERM:15 KILL:9 SEGV:11 HUP:1 INT:2; do
	name=${s%:*}
	n=${s#*:}
	jrun "$u" "ulimit -c 0; kill -$name \$\$; sleep 5; exit 3"
	is "$?" "$((128 + n))" "the shell killed by SIG$name: jailsh exits with $((128 + n))"
done

# --- failures of jailsh itself and of the shell ---------------------------
profile "$u" 'volume "~" {}
no_such_option = 1'
out=$(jrun "$u" 'echo ran' 2>&1); rc=$?
is "$rc" 125 "a profile that does not parse: exit 125"
like "$out" "$u\\.conf:2" "  ... with a message naming the file and line"
unlike "$out" '^ran$' "  ... and the command does not run"
# The jail cannot be built: init fails while the process outside may still
# be handing it the user's groups. Ten times, since that is a race.
profile "$u" 'volume "/nonexistent-jt-'$$'" {}'
codes= msgs=0 ran=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	out=$(jrun "$u" 'echo ran' 2>&1)
	codes="$codes $?"
	case $out in *"volume /nonexistent-jt-$$: No such file or directory"*)
		msgs=$((msgs + 1)) ;; esac
	case $out in *ran*) ran=$((ran + 1)) ;; esac
done
is "$codes" "$(printf ' 125%.0s' 1 2 3 4 5 6 7 8 9 10)" \
	"a volume that does not exist: exit 125, 10 times out of 10"
is "$msgs" 10 "  ... each time with a message naming the volume"
is "$ran" 0 "  ... and the command never runs"
profile "$u" 'shell = "/nonexistent-jt-shell"'
out=$(jrun "$u" 'echo ran' 2>&1); rc=$?
is "$rc" 127 "a shell that does not exist: exit 127"
like "$out" 'nonexistent-jt-shell' "  ... and the message names it"
uh=$(home "$u")
echo 'echo ran' > "$uh/not-executable"
chmod 644 "$uh/not-executable"
profile "$u" "shell = \"$uh/not-executable\""
out=$(jrun "$u" 'echo ran' 2>&1); rc=$?
is "$rc" 126 "a shell that is not executable: exit 126"
rm -f "$CONF/users/$u.conf"
is "$(jrun "$u" 'echo ran' 2>&1)" ran "control: without the bad profile the command runs"

# --- standard input and output --------------------------------------------
head -c 1048576 /dev/urandom > "$T/in"
as_user "$u" "$J" -c cat < "$T/in" > "$T/out"
is "$?" 0 "cat of 1 MiB of random bytes exits 0"
ok "  ... and stdin passes to stdout unchanged" cmp -s "$T/in" "$T/out"
is "$(stat -c %s "$T/out")" 1048576 "  ... all 1048576 bytes"
as_user "$u" "$J" -c cat < "$T/in" | cmp -s - "$T/in"
ok "  ... also through a pipe" [ "${PIPESTATUS[0]}${PIPESTATUS[1]}" = 00 ]
printf 'line1\nline2' | as_user "$u" "$J" -c 'read a; read b; echo "[$a][$b]"' > "$T/read"
is "$(cat "$T/read")" "[line1][line2]" "the shell reads its stdin line by line"

jrun "$u" 'echo out; echo err >&2; echo out2; echo err2 >&2' > "$T/o" 2> "$T/e"
is "$(cat "$T/o")" "out
out2" "stdout has exactly what went to stdout"
is "$(cat "$T/e")" "err
err2" "stderr has exactly what went to stderr"
out=$(jrun "$u" 'echo out; echo err >&2' 2>/dev/null)
is "$out" out "stderr can be thrown away on its own"
out=$(jrun "$u" 'echo out; echo err >&2' 2>&1 >/dev/null)
is "$out" err "stdout can be thrown away on its own"
jrun "$u" 'ls -l /proc/self/fd/ | awk "{ print \$9, \$10, \$11 }"' < "$T/in" > "$T/fds" 2>/dev/null
like "$(cat "$T/fds")" "^0 -> $T/in\$" "the jailed command gets the caller's stdin file itself"
unlike "$(awk '$1 > 3' "$T/fds")" "." "  ... and no descriptor beyond 0-2 (and ls's own)"

done_testing
