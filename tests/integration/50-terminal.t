#!/bin/bash
# A real terminal session: "su - USER" on a pseudo-terminal (tests/lib/
# pty-drive), with jailsh as USER's login shell and bash as the profile's
# shell. A prompt appears; the terminal is a /dev/pts device; bash is a
# login shell; job control works (^Z stops, bg, jobs, fg, ^C interrupts
# and the session goes on); a window size change reaches the program in
# the foreground and "stty size" sees it; "exit 3" ends su with status 3;
# and once the session is over nothing of the user is left running, not
# even a nohup'ed background job.
#
# Each command echoes a marker computed by the shell (T-$((6*7)) prints
# T-42), so that an expect never matches the echo of the typed command.
. "$(dirname "$0")/../lib/harness.sh"
. "$(dirname "$0")/../lib/capture.sh"
setup
command -v su >/dev/null || skip_all "no su"
[ -x /bin/bash ] || skip_all "no /bin/bash"

mkuser u
uh=$(homedir "$u")
profile "$u" 'shell = "/bin/bash"
volume "~" {}'
DRIVE=$TOP/tests/lib/pty-drive
# A login bash reads ~/.bash_profile last: a prompt of our own, whatever
# /etc/skel and /etc/bash.bashrc make of it.
printf '%s\n' "PS1='JT-PROMPT> '" > "$uh/.bash_profile"
chown "$u" "$uh/.bash_profile"

# drive NAME: runs "su - u" under pty-drive with the script on stdin;
# the transcript goes to T, the exit status to RC. A failed expect is
# shown as a diagnostic with the transcript.
drive() {
	T=$(timeout 120 "$DRIVE" su - "$u" 2>&1)
	RC=$?
	if [ "$RC" = 99 ]; then
		diag "$1: an expect failed; transcript:"
		diag "$(printf '%s' "$T" | tr -d '\r' | tail -n 30)"
	fi
}

# --- 1: the prompt, the terminal, a login shell, the exit status -----------
drive "session 1" <<EOF
expect JT-PROMPT> $ 15
send tty; echo T-\$((6*7))\\n
expect T-42
send echo "Z=\$0=Z" Y-\$((2*3))\\n
expect Y-6
send echo P-\$\$-\$((1+1))\\n
expect P-[0-9]+-2
send exit 3\\n
EOF
like "$T" "JT-PROMPT> tty" "a prompt appears (and takes the first command)"
like "$T" '/dev/pts/[0-9]+'$'\r''?'$'\n''T-42' "tty names a /dev/pts device"
like "$T" 'Z=-bash=Z' 'the real shell is a login shell ($0 is -bash)'
like "$T" 'P-2-2' 'the shell is pid 2 of its own pid namespace'
is "$RC" 3 '"exit 3" ends the session with status 3 (through jailsh and su)'
ok "after session 1 no process of the user is left" no_processes "$u"

# --- 2: job control --------------------------------------------------------
drive "session 2" <<EOF
expect JT-PROMPT> $ 15
send sleep 100\\n
sleep 0.5
send \\x1a
expect Stopped
send bg\\n
expect sleep 100 &
send jobs; echo J-\$((2+3))\\n
expect J-5
send fg\\n
sleep 0.5
send \\x03
send echo rc=\$?\\n
expect rc=130
send echo C-\$((3+4))\\n
expect C-7
send nohup sleep 300 >/dev/null 2>&1 &\\n
send exit\\n
EOF
like "$T" '\[1\]\+ +Stopped +sleep 100' "^Z stops the foreground job"
like "$T" 'Running +sleep 100 &' "bg resumes it: jobs shows it Running"
like "$T" 'rc=130' "fg, then ^C interrupts it: \$? is 130"
like "$T" 'C-7' "  ... and the session goes on"
is "$RC" 0 "session 2 ends with status 0"
ok "after session 2 no process of the user is left (nohup sleep 300 &)" \
	no_processes "$u"

# --- 3: the window size ----------------------------------------------------
# A foreground program sees SIGWINCH when the window changes size.
cat > "$uh/winch.sh" <<'EOF'
trap 'echo GOT-WINCH; exit 0' WINCH
echo WINCH-READY
i=0
while [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
echo NO-WINCH
EOF
chown "$u" "$uh/winch.sh"
drive "session 3" <<EOF
expect JT-PROMPT> $ 15
send stty size; echo A-\$((5+5))\\n
expect A-10
send sh ~/winch.sh\\n
expect WINCH-READY
resize 40 100
expect GOT-WINCH|NO-WINCH 15
send stty size; echo B-\$((6+6))\\n
expect B-12
send exit 0\\n
EOF
like "$T" 'GOT-WINCH' "a window size change reaches the foreground program (SIGWINCH)"
like "$T" '40 100'$'\r''?'$'\n''B-12' '"stty size" prints the new size: 40 100'
is "$RC" 0 "session 3 ends with status 0"
ok "after session 3 no process of the user is left" no_processes "$u"

done_testing
