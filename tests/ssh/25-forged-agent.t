#!/bin/bash
# SSH_AUTH_SOCK is the user's to set: jailsh run by hand (no sshd) with
# ssh_agent = yes brings in only a socket that sshd could have made for
# this user: a path /tmp/ssh-XXXXXXXXXX/agent.N, a socket owned by the user,
# in a directory owned by the user that no one else may enter, reached
# without a symbolic link the user owns. A path of that form that fails
# any of this refuses the session (125, a message naming SSH_AUTH_SOCK),
# with nothing mounted on the host; a path of another form is dropped from
# the environment and the session goes on; the right one is in the jail at
# the same path, and connecting to it reaches the listener outside.
. "$(dirname "$0")/../lib/harness.sh"
. "$(dirname "$0")/../lib/capture.sh"
. "$(dirname "$0")/../lib/integration.sh"
setup
command -v python3 >/dev/null || skip_all "no python3"

mkuser u
mkuser v
uh=$(homedir "$u")
profile "$u" 'ssh_agent = yes
volume "~" {}'

# a name of sshd's form: /tmp/ssh- and 10 letters or digits
sshdir() { echo "/tmp/ssh-$(tr -dc 'A-Za-z0-9' < /dev/urandom | head -c 10)"; }
# sock USER PATH: a Unix socket bound at PATH by USER (nobody listens)
sock() {
	as_user "$1" /usr/bin/python3 -c \
		'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$2"
}
# udir USER DIR MODE: DIR made by USER, with MODE
udir() {
	as_user "$1" mkdir -m "$3" "$2"
	at_exit "rm -rf '$2'"
}
# agent_run PATH COMMAND: jailsh -c COMMAND as u, with SSH_AUTH_SOCK=PATH
agent_run() {
	capture as_user "$u" env SSH_AUTH_SOCK="$1" "$J" -c "$2"
}
# refused WHAT PATH: the session is refused, nothing ran, nothing mounted
refused() {
	local before
	before=$(host_mounts)
	agent_run "$2" 'echo ran'
	is "$RC" 125 "$1: the session is refused (125)"
	like "$ERR" "SSH_AUTH_SOCK.*$(ere "$2")" "  ... with a message naming SSH_AUTH_SOCK and the path"
	is "$OUT" "" "  ... and nothing ran"
	is "$(host_mounts)" "$before" "  ... and nothing is mounted on the host"
}

# --- the right one, made as sshd makes it ----------------------------------------
good=$(sshdir)
udir "$u" "$good" 700
# a listener of the user's, outside any jail, that greets whoever connects
as_user "$u" /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(1)
c, _ = s.accept()
c.sendall(b"hello from outside\n")
c.close()' "$good/agent.4242" &
listener=$!
at_exit "kill $listener 2>/dev/null"
wait_for 5 test -S "$good/agent.4242"
agent_run "$good/agent.4242" '
echo "S=${SSH_AUTH_SOCK-unset}"
ls -a /tmp | tr "\n" " "; echo
/usr/bin/python3 -c "
import os, socket
s = socket.socket(socket.AF_UNIX)
s.connect(os.environ[\"SSH_AUTH_SOCK\"])
print(\"got:\", s.recv(100).decode().strip())"'
is "$RC" 0 "sshd's form, the user's socket in the user's 0700 directory: the session runs"
[ "$RC" = 0 ] || diag "$ERR"
like "$OUT" "^S=$(ere "$good")/agent\.4242\$" "  ... with SSH_AUTH_SOCK kept"
like "$OUT" "^\. \.\. $(ere "${good#/tmp/}") \$" "  ... the socket's directory is the only thing in the jail's /tmp"
like "$OUT" '^got: hello from outside$' "  ... and connecting to it reaches the listener outside the jail"
wait "$listener" 2>/dev/null

# --- another user's socket ----------------------------------------------------------
vd=$(sshdir)
udir "$v" "$vd" 700
sock "$v" "$vd/agent.11"
ok "control: $vd/agent.11 is v's socket" \
	eval '[ -S "$vd/agent.11" ] && [ "$(stat -c %U "$vd/agent.11")" = "$v" ]'
refused "another user's socket, in that user's 0700 directory" "$vd/agent.11"

ud=$(sshdir)
udir "$u" "$ud" 700
# root puts it there: v could not write in u's directory
/usr/bin/python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
	"$ud/agent.12"
chown "$v:" "$ud/agent.12"
refused "another user's socket, in the user's own 0700 directory" "$ud/agent.12"

# --- a symbolic link of the user's on the way ---------------------------------------
vshared=/tmp/jt-vdir.$$
udir "$v" "$vshared" 711
sock "$v" "$vshared/agent.13"
chmod 777 "$vshared/agent.13"
link=$(sshdir)
as_user "$u" ln -s "$vshared" "$link"
at_exit "rm -f '$link'"
ok "control: $link is the user's link to v's directory (which u may pass through)" \
	eval '[ "$(stat -c %U "$link")" = "$u" ] &&
		as_user "$u" test -S "$link/agent.13"'
refused "a user's link of sshd's form to another user's directory" "$link/agent.13"

# to a directory that would pass: the link alone refuses it
own=/tmp/jt-udir.$$
udir "$u" "$own" 700
sock "$u" "$own/agent.14"
link2=$(sshdir)
as_user "$u" ln -s "$own" "$link2"
at_exit "rm -f '$link2'"
refused "a user's link of sshd's form to the user's own 0700 directory and socket" \
	"$link2/agent.14"

# --- the user's own, but not as sshd makes it -----------------------------------------
wide=$(sshdir)
udir "$u" "$wide" 755
sock "$u" "$wide/agent.15"
refused "the user's socket in the user's directory of mode 0755" "$wide/agent.15"

plain=$(sshdir)
udir "$u" "$plain" 700
as_user "$u" sh -c ': > "$1"' sh "$plain/agent.16"
ok "control: $plain/agent.16 is a regular file of the user's" \
	eval '[ -f "$plain/agent.16" ] && [ "$(stat -c %U "$plain/agent.16")" = "$u" ]'
refused "a regular file agent.N in the user's 0700 directory" "$plain/agent.16"

# --- other forms: dropped, and the session goes on --------------------------------------
other=/tmp/jt-sock.$$
sock "$u" "$other"
at_exit "rm -f '$other'"
sock "$u" "$uh/sock"
for p in "$other" "$uh/sock" /tmp/ssh-short/agent.1 "$good/agent.x"; do
	agent_run "$p" 'echo "S=${SSH_AUTH_SOCK-unset}"'
	is "$RC $OUT" "0 S=unset" "SSH_AUTH_SOCK=$p (not sshd's form): the session runs without it"
	is "$ERR" "" "  ... and nothing is said"
done

ok "no process of either user is left" eval 'no_processes "$u" && no_processes "$v"'

done_testing
