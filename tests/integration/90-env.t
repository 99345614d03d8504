#!/bin/bash
# What the real shell starts with: its environment (SHELL, HOME, USER,
# LOGNAME from the password database and the profile whatever the caller
# says; the profile's env set/unset; the rest of the caller's environment;
# PATH kept, or a default when missing), the profile's resource limits
# (soft = hard), the caller's umask, and its working directory (a command
# starts where it was started if that exists in the jail, a login shell
# starts at home).
. "$(dirname "$0")/../lib/harness.sh"
. "$(dirname "$0")/../lib/capture.sh"
setup

mkuser u
uh=$(homedir "$u")
profile "$u" 'shell = "/bin/bash"
volume "~" {}
env {
	set = { "JT_A=1", "JT_D=a=b c" }
	unset = { "JT_B" }
}'

# --- SHELL, HOME, USER, LOGNAME -------------------------------------------------------
capture jrun "$u" 'echo "$SHELL"'
is "$OUT" /bin/bash "SHELL is the profile's shell"
capture as_user "$u" env HOME=/tmp USER=root LOGNAME=root SHELL=/bin/false \
	"$J" -c 'echo $HOME $USER $LOGNAME $SHELL'
is "$OUT" "$uh $u $u /bin/bash" \
	"HOME, USER, LOGNAME, SHELL are the user's, whatever the caller's environment says"
capture as_user "$u" env HOME=/tmp USER=root "$J" -c \
	'tr "\0" "\n" < /proc/$$/environ | grep -c -e "^HOME=" -e "^USER="'
is "$OUT" 2 "  ... and each is in the environment once"

mkuser w /bin/bash
profile "$w" 'volume "~" {}'
capture jrun "$w" 'echo "$SHELL $0"'
is "$OUT" "/bin/bash bash" "no shell in the profile: the user's login shell (/bin/bash)"
mkuser x
profile "$x" 'volume "~" {}'
capture jrun "$x" 'echo "$SHELL"; readlink /proc/$$/exe'
is "$OUT" "/bin/sh
$(readlink -f /bin/sh)" "no shell in the profile, login shell jailsh: /bin/sh"

# --- env set / unset; the rest of the caller's environment ----------------------------
capture as_user "$u" env JT_A=caller JT_B=2 JT_C=3 "$J" -c \
	'echo "A=${JT_A-unset} B=${JT_B-unset} C=${JT_C-unset} D=${JT_D-unset}"'
is "$OUT" "A=1 B=unset C=3 D=a=b c" \
	"env set applies (over the caller's value), env unset removes, the rest is kept"

# --- PATH ---------------------------------------------------------------------------
capture as_user "$u" env PATH=/jt/bin:/usr/bin:/bin "$J" -c 'echo "$PATH"'
is "$OUT" "/jt/bin:/usr/bin:/bin" "PATH is kept from the caller"
# what the shell got from jailsh, not the default a shell makes up itself
capture as_user "$u" env -u PATH "$J" -c \
	'tr "\0" "\n" < /proc/$$/environ | sed -n "s/^PATH=//p"; command -v id'
path=$(printf '%s\n' "$OUT" | head -n1)
like "$path" '(^|:)/usr/bin(:|$)' "no PATH from the caller: jailsh sets one, with /usr/bin"
like "$path" '(^|:)/bin(:|$)' "  ... and /bin"
like "$OUT" '/id$' "  ... and commands are found"

# --- resource limits -----------------------------------------------------------------
# The caller's limits are set so that each of the profile's differs from
# what would be inherited (only ever lowered: root here may lack
# CAP_SYS_RESOURCE). nofile: the caller's soft limit (100) is below the
# profile's and its hard limit (1000) above: both become 123.
profile "$u" 'shell = "/bin/bash"
volume "~" {}
rlimit {
	nofile = "123"
	core = "0"
	nproc = "77"
	fsize = "1M"
	cpu = "50"
}'
mkuser r
profile "$r" 'shell = "/bin/bash"
volume "~" {}'
limits='echo n=$(ulimit -Sn)/$(ulimit -Hn) c=$(ulimit -Sc)/$(ulimit -Hc) u=$(ulimit -Su)/$(ulimit -Hu) f=$(ulimit -Sf)/$(ulimit -Hf) t=$(ulimit -St)/$(ulimit -Ht)'
in_limits() {
	(ulimit -c 4096 && ulimit -t 100 && ulimit -Sn 100 && ulimit -Hn 1000 &&
		ulimit -u 5000 && jrun "$1" "$limits")
}
is "$(in_limits "$r")" "n=100/1000 c=4096/4096 u=5000/5000 f=unlimited/unlimited t=100/100" \
	"control: without an rlimit section the caller's limits are inherited"
is "$(in_limits "$u")" "n=123/123 c=0/0 u=77/77 f=1024/1024 t=50/51" \
	"the profile's rlimits apply, soft = hard (nofile 123, core 0, nproc 77, fsize 1M; cpu 50, SIGKILL a second after SIGXCPU)"
capture jrun "$u" 'ulimit -n 124'
ok "  ... and the user cannot raise them (ulimit -n 124 fails)" [ "$RC" -ne 0 ]
profile "$u" 'shell = "/bin/bash"
volume "~" {}'

# --- umask ---------------------------------------------------------------------------
capture as_user "$u" bash -c 'umask 027; exec "$0" -c "umask; touch ~/m; stat -c %a ~/m"' "$J"
is "$OUT" "0027
640" "the caller's umask (027) survives into the shell"
capture as_user "$u" bash -c 'umask 077; exec "$0" -c "umask"' "$J"
is "$OUT" "0077" "  ... and another (077)"

# --- the working directory ------------------------------------------------------------
install -d -o "$u" -g "$(id -g "$u")" "$uh/sub"
capture as_user "$u" bash -c 'cd ~/sub && exec "$0" -c pwd' "$J"
is "$OUT" "$uh/sub" "a -c command starts in the caller's directory (~/sub)"
capture jrun "$u" pwd
is "$OUT" "/" "  ... (from /: in /)"
hidden=$(mktemp -d /tmp/jt-cwd.XXXXXX)
at_exit "rm -rf '$hidden'"
chmod 755 "$hidden"
capture as_user "$u" bash -c 'cd "$1" && exec "$0" -c pwd' "$J" "$hidden"
is "$OUT" "$uh" "a -c command started in a directory the jail does not have ($hidden): home"
capture as_user "$u" bash -c 'cd ~/sub && exec -a -jailsh "$0" -c pwd' "$J"
is "$OUT" "$uh" 'a login shell (argv[0] "-jailsh") started in ~/sub starts at home'
OUT=$(echo pwd | as_user "$u" bash -c 'cd ~/sub && exec "$0"' "$J" 2>&1)
is "$OUT" "$uh" "an interactive login shell (no arguments) started in ~/sub starts at home"
capture as_user "$u" bash -c 'cd ~/sub && SSH_ORIGINAL_COMMAND=pwd exec "$0"' "$J"
is "$OUT" "$uh/sub" "a forced command (SSH_ORIGINAL_COMMAND) starts in the caller's directory"

done_testing
