#!/bin/bash
# The tools and the calling conventions of the front end:
#   jailsh check (root only): one line per file, a summary, exit 0 or 1;
#   jailsh explain [USER]: a user may explain only themselves, root anyone;
#   --help, --version;
#   a copy without the setuid bit refuses, outside a jail, naming setuid;
#   inside a jail jailsh runs the real shell in place: no nesting;
#   ForceCommand (SSH_ORIGINAL_COMMAND), the login-shell convention
#   (argv[0] "-jailsh"), and extra arguments passed on to the shell.
. "$(dirname "$0")/../lib/harness.sh"
. "$(dirname "$0")/../lib/capture.sh"
setup

# u's login shell is bash: as a login shell outside a jail, jailsh takes
# no command (tests/escape/91-login-argv.t), and u explains itself here
mkuser u /bin/bash
mkuser v
uh=$(homedir "$u")
vh=$(homedir "$v")
profile "$u" 'shell = "/bin/bash"
volume "~" {}'
profile "$v" 'volume "~" {}'
PU=$(ere "$CONF/users/$u.conf")
PV=$(ere "$CONF/users/$v.conf")

# --- jailsh check --------------------------------------------------------------
capture "$J" check
is "$RC" 0 "check as root, good files: exit 0"
like "$OUT" "^$PU: ok\$" "  ... an ok line for users/$u.conf"
like "$OUT" "^$PV: ok\$" "  ... an ok line for users/$v.conf"
like "$OUT" '^[0-9]+ (profile|file)s? checked, 0 with errors$' "  ... and a summary with 0 errors"

profile "$v" 'volume "~" {}
network = "bogus"'
capture "$J" check
is "$RC" 1 "check as root, one bad file: exit 1"
like "$OUT" "^$PV:2: network = \"bogus\"" "  ... its file:line message"
like "$OUT" "^$PU: ok\$" "  ... the good file is still ok"
like "$OUT" '^[0-9]+ (profile|file)s? checked, 1 with errors$' "  ... and a summary with 1 error"
profile "$v" 'volume "~" {}'

# a group profile is checked too (for a typical user); removed right after
bad=$CONF/groups/jt-check-$$.conf
at_exit "rm -f '$bad'"
printf 'volume "~" {}\nmap "/usr" { target = "/proc/x" }\n' > "$bad"
capture "$J" check
is "$RC" 1 "check as root, a bad groups/ profile: exit 1"
like "$OUT" "^$(ere "$bad"):2: " "  ... its file:line message"
chmod 666 "$bad"
capture "$J" check
is "$RC" 1 "check as root, a groups/ profile writable by others: exit 1"
like "$OUT" "$(ere "$bad") is writable by group or others" "  ... says so"
rm -f "$bad"
capture "$J" check
is "$RC" 0 "check as root, the bad file gone: exit 0 again"

capture as_user "$u" "$J" check
isnt0() { [ "$RC" -ne 0 ]; }
ok "check as a user: refused (exit $RC)" isnt0
like "$ERR" "only root" "  ... saying only root may check"
unlike "$OUT" ": ok$" "  ... and checking nothing"

# --- jailsh explain -------------------------------------------------------------
capture as_user "$u" "$J" explain
is "$RC" 0 "explain as a user: exit 0"
like "$OUT" "^user +$u " "  ... about that user"
like "$OUT" "^profile +$PU\$" "  ... naming the profile"
like "$OUT" "^shell +/bin/bash\$" "  ... and the shell"
like "$OUT" "$(ere "$uh") +volume +$(ere "$uh") from the host, writable" \
	"  ... with the home volume in the plan"
capture as_user "$u" "$J" explain "$u"
is "$RC" 0 "explain USER as that same user: exit 0"

capture as_user "$u" "$J" explain "$v"
ok "explain OTHER as a user: refused (exit $RC)" isnt0
like "$ERR" "only root" "  ... saying only root may explain another user"
unlike "$OUT" "$v" "  ... and nothing about the other user"

capture "$J" explain "$v"
is "$RC" 0 "root explains another user: exit 0"
like "$OUT" "^profile +$PV\$" "  ... naming that user's profile"
like "$OUT" "$(ere "$vh") +volume" "  ... and that user's home volume"
capture "$J" explain jt-no-such-user-$$
ok "explain of a user that does not exist: exit non-zero ($RC)" isnt0

# --- --help, --version ---------------------------------------------------------
capture "$J" --help
is "$RC" 0 "--help: exit 0"
like "$OUT" "^usage: " "  ... with the usage"
capture as_user "$u" "$J" --help
is "$RC:$(printf '%s' "$OUT" | head -n1 | cut -c1-6)" "0:usage:" "--help as a user: exit 0 and the usage"
capture "$J" --version
is "$RC" 0 "--version: exit 0"
like "$OUT" '^jailsh [0-9]+\.[0-9]+' "  ... prints a version"

# --- a copy without the setuid bit ----------------------------------------------
d=$(mktemp -d /tmp/jt-nosuid.XXXXXX)
at_exit "rm -rf '$d'"
chmod 755 "$d"
cp "$J" "$d/jailsh"
chmod 755 "$d/jailsh"
capture as_user "$u" "$d/jailsh" -c 'echo RAN-MARKER'
is "$RC" 125 "a copy without the setuid bit, outside a jail: exit 125"
like "$ERR" "setuid" "  ... the message mentions setuid"
unlike "$OUT" RAN-MARKER "  ... and the command did not run"

# --- inside a jail: in place, no nesting --------------------------------------------
# The private installation lives under /tmp, which every jail replaces with
# its own; a map brings it back (configuration included) for this user.
root=$(dirname "$(dirname "$J")")
profile "$u" 'shell = "/bin/bash"
volume "~" {}
map "'"$root"'" {}'
capture jrun "$u" 'echo outer $(readlink /proc/self/ns/mnt) $(readlink /proc/self/ns/pid) $$
'"$J"' -c '\''echo inner $(readlink /proc/self/ns/mnt) $(readlink /proc/self/ns/pid) $$ $SHELL; exit 7'\''
echo status $?'
is "$RC" 0 "jailsh run inside a jail: works (exit $RC)"
outer=$(printf '%s\n' "$OUT" | sed -n 's/^outer //p')
inner=$(printf '%s\n' "$OUT" | sed -n 's/^inner //p')
read -r omnt opid opidno <<<"$outer"
read -r imnt ipid ipidno ishell <<<"$inner"
ok "  ... both printed their namespaces" [ -n "$omnt" -a -n "$imnt" ]
is "$imnt" "$omnt" "  ... the same mount namespace as the jail's shell (no nesting)"
is "$ipid" "$opid" "  ... and the same pid namespace"
ok "  ... in the jail's pid namespace (pid $ipidno, not a new init's 2)" \
	[ "${ipidno:-0}" -gt 2 ]
is "$ishell" /bin/bash "  ... running the profile's shell"
like "$OUT" '^status 7$' "  ... whose exit status comes back"
unlike "$ERR" "jailsh: " "  ... without a complaint from jailsh"
hostmnt=$(readlink /proc/self/ns/mnt)
ok "  ... and it is not the host's mount namespace" [ "$omnt" != "$hostmnt" ]
# Under a ForceCommand of jailsh, "ssh host jailsh" runs jailsh inside
# with SSH_ORIGINAL_COMMAND still "jailsh": it must start a login shell
# (here reading commands from stdin), not run that command again forever.
OUT=$(echo 'echo "inner-$((20+1)) $0"' |
	as_user "$u" timeout 20 env SSH_ORIGINAL_COMMAND="$J" "$J" 2>&1)
RC=$?
is "$RC:$OUT" "0:inner-21 -bash" \
	"SSH_ORIGINAL_COMMAND=jailsh: the jailsh inside starts a login shell, no loop"
profile "$u" 'shell = "/bin/bash"
volume "~" {}'

# --- ForceCommand: SSH_ORIGINAL_COMMAND ------------------------------------------------
capture as_user "$u" env SSH_ORIGINAL_COMMAND='echo forced-ok $0' "$J"
is "$RC:$OUT" "0:forced-ok bash" \
	"no arguments, SSH_ORIGINAL_COMMAND set: runs it with bash -c"
capture as_user "$u" env SSH_ORIGINAL_COMMAND='echo forced; exit 9' "$J"
is "$RC:$OUT" "9:forced" "  ... and its exit status comes back"
capture as_user "$u" env SSH_ORIGINAL_COMMAND='echo forced-ok' "$J" -c 'echo explicit'
is "$OUT" "explicit" "with -c COMMAND, SSH_ORIGINAL_COMMAND is not what runs"
OUT=$(echo 'echo "login=$0"' | as_user "$u" env SSH_ORIGINAL_COMMAND= "$J" 2>&1)
is "$OUT" "login=-bash" "SSH_ORIGINAL_COMMAND empty, no arguments: a login shell"

# --- the login-shell convention: argv[0] starting with '-' ----------------------------
capture as_user "$u" bash -c 'exec -a -jailsh '"$J"' -c "echo \$0"'
is "$RC" 0 'argv[0] "-jailsh": exit 0'
is "$OUT" "-bash" '  ... the real shell is a login shell ($0 is -bash)'
capture as_user "$u" bash -c 'exec -a jailsh '"$J"' -c "echo \$0"'
is "$OUT" "bash" 'argv[0] "jailsh": not a login shell ($0 is bash)'

# --- extra arguments go to the shell unchanged -------------------------------------------
capture as_user "$u" "$J" -c 'echo "$0|$1|$2|$#"' x arg1 'two words'
is "$OUT" "x|arg1|two words|2" 'jailsh -c CMD x arg1 "two words": $0, $1, $2 as given'
capture as_user "$u" "$J" -c 'echo "[$1]"' x ''
is "$OUT" "[]" "  ... an empty argument stays an argument"
printf 'echo script-ran "$@"\n' > "$uh/s.sh"
chown "$u" "$uh/s.sh"
capture as_user "$u" "$J" "$uh/s.sh" a b
is "$OUT" "script-ran a b" "jailsh SCRIPT ARGS: the shell runs the script with its arguments"

done_testing
