#!/bin/bash
# Escape classes 9, 10 and 29 (CATALOGUE.md): the environment, the arguments
# and the process state that a user hands to the setuid jailsh.
#
# A malicious shared object (probes/evil.c, built at test time) creates a
# file in the root-only canary directory when it is loaded into a process
# with uid or euid 0. Every start runs the payload (state.py, which
# records what it runs as, in a marker in the user's home); each must end
# with jailsh refusing (non-zero, no payload) or the payload exactly
# jailed; never a file in the canary directory, never a crash, never an
# unjailed shell:
#
#   - LD_PRELOAD=evil.so; LD_LIBRARY_PATH with evil.so as libnss_systemd.so.2
#     (jailsh is static but for libc, and looks users and groups up through
#     NSS); GCONV_PATH with evil.so as a gconv module (CHARSET, LC_ALL);
#     LOCPATH with a locale of the test's; MALLOC_TRACE into the canary
#     directory with libc_malloc_debug preloaded, MALLOC_CHECK_,
#     MALLOC_PERTURB_; and all of them at once with LANGUAGE, NLSPATH,
#     TMPDIR, HOSTALIASES, RES_OPTIONS, TZ, GLIBC_TUNABLES (the
#     CVE-2023-4911 shape) and JAILSH_* names;
#   - argc == 0 (execve with an empty argv; Linux >= 5.18 makes that
#     argv = {""}, which is tested for itself), argv[0] of 64 KiB with
#     newlines and %n (with and without a leading '-'), 4 MiB of
#     arguments (E2BIG from the kernel at the default stack limit, and
#     passed on under an unlimited one);
#   - fds 0, 1 and 2 closed (the shell gets /dev/null there); every
#     signal ignored and blocked (SIGCHLD and SIGPIPE included; the exit
#     status still comes through); an itimer (SIGALRM) firing at 200
#     moments during the setup; RLIMIT_NOFILE=4 and RLIMIT_FSIZE=0.
# PAM mode does not apply: there the environment and arguments are the
# service's (root's), not the user's.
#
# Positive controls: each variable does what it names in a program that is
# not setuid (evil.so lands in the canary directory when root loads it;
# the locale and malloc tracing are used); the kernel delivers the odd
# argv, closed descriptors, the signal state, the itimer and the limits to
# a program it executes.
. "$(dirname "$0")/lib.sh"
esc_setup
for p in exec_weird argc mtrace; do esc_cc "$p" || skip_all "cannot build $p"; done

esc_user U "$J"
STATE="$PY $ESC_DIR/state.py"
gcc -O2 -Wall -shared -fPIC -DROOTDIR="\"$ESC_ROOT\"" -DUSERDIR="\"$U_H\"" \
	-o "$ESC_DIR/evil.so" "$ESC_SRC/evil.c" || skip_all "cannot build evil.so"
chmod 755 "$ESC_DIR/evil.so"
install -d -m 755 "$ESC_DIR/lib" "$ESC_DIR/gconv" "$ESC_DIR/loc"
cp "$ESC_DIR/evil.so" "$ESC_DIR/lib/libnss_systemd.so.2"
cp "$ESC_DIR/evil.so" "$ESC_DIR/gconv/EVIL.so"
printf 'module\tJT//\tINTERNAL\tEVIL\t1\nmodule\tINTERNAL\tJT//\tEVIL\t1\n' \
	> "$ESC_DIR/gconv/gconv-modules"
[ -d /usr/lib/locale/C.utf8 ] && cp -r /usr/lib/locale/C.utf8 "$ESC_DIR/loc/jt_JT.UTF-8"
chmod -R a+rX "$ESC_DIR"
# a copy of jailsh that is not setuid: what the loader does for root
cp "$J" "$ESC_DIR/jailsh-copy"
chmod 755 "$ESC_DIR/jailsh-copy"
MDEBUG=$(ls /lib/x86_64-linux-gnu/libc_malloc_debug.so.0 /usr/lib/*/libc_malloc_debug.so.0 2>/dev/null | head -n 1)

# in_root_dir NAME-PATTERN: a file matching it in the canary directory
in_root_dir() { ls "$ESC_ROOT" 2>/dev/null | grep -q "$1"; }
clean_root_dir() { rm -rf "${ESC_ROOT:?}"/*; }

# run DESC [ENV...] -- [PREFIX...]: the payload through jailsh -c as U,
# with ENV and a command PREFIX (prlimit, exec_weird); asserts the outcome
run() {
	local d=$1 envs=() pre=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	[ "$1" = -- ] && shift
	pre=("$@")
	esc_payload "$U"
	capture as_user "$U" env "${envs[@]}" "${pre[@]}" "$J" -c "$ESC_PAYLOAD"
	outcome "$d"
}
# outcome DESC: the last start (RC, OUT) refused or exactly jailed, and
# no file in the canary directory
outcome() {
	local o
	o=$(esc_outcome "$U" "$RC" "$OUT")
	ok "$1: refused or exactly jailed (exit $RC, $o)" \
		test "$o" = refused -o "$o" = jailed
	case $o in refused | jailed) ;; *) diag "$ERR" ;; esac
	ok "  ... no crash (exit $RC is not a signal of the kind)" \
		eval '! case $RC in 132|134|135|136|139|159) true ;; *) false ;; esac'
	esc_no_root_marker "  ... nothing was loaded into a root process (the canary directory is empty)"
	clean_root_dir
}

# --- the environment ------------------------------------------------------------
clean_root_dir
control "root running a program that is not setuid with LD_PRELOAD=evil.so loads it (a file appears in the canary directory)" \
	eval 'env LD_PRELOAD="$ESC_DIR/evil.so" /bin/true && in_root_dir loaded-true-uid0'
clean_root_dir
run "LD_PRELOAD=evil.so" "LD_PRELOAD=$ESC_DIR/evil.so" --
run "LD_PRELOAD=evil.so (name without a slash, LD_LIBRARY_PATH)" \
	"LD_PRELOAD=evil.so" "LD_LIBRARY_PATH=$ESC_DIR" --

control "root running a non-setuid copy of jailsh with LD_LIBRARY_PATH loads its libnss_systemd.so.2 (NSS)" \
	eval '(cd / && env LD_LIBRARY_PATH="$ESC_DIR/lib" "$ESC_DIR/jailsh-copy" explain "nosuchuser$$") >/dev/null 2>&1; in_root_dir loaded-jailsh-copy-uid0'
clean_root_dir
run "LD_LIBRARY_PATH with evil libnss_systemd.so.2" "LD_LIBRARY_PATH=$ESC_DIR/lib" --

control "root running a program with GCONV_PATH loads its gconv module for the charset JT" \
	eval 'env GCONV_PATH="$ESC_DIR/gconv" "$PY" -c "import ctypes; ctypes.CDLL(None).iconv_open(b\"JT//\", b\"UTF-8\")" && in_root_dir loaded-python'
clean_root_dir
run "GCONV_PATH, CHARSET=JT, LC_ALL=C.JT" "GCONV_PATH=$ESC_DIR/gconv" CHARSET=JT LC_ALL=C.JT \
	"LANG=C.JT" --

if [ -d "$ESC_DIR/loc/jt_JT.UTF-8" ]; then
	control "a program with LOCPATH uses a locale of the caller's (jt_JT.UTF-8, unknown to the system)" \
		eval '[ "$(env LOCPATH="$ESC_DIR/loc" LC_ALL=jt_JT.UTF-8 locale charmap 2>/dev/null)" = UTF-8 ] &&
			! env LC_ALL=jt_JT.UTF-8 locale charmap 2>&1 | grep -qx UTF-8'
	run "LOCPATH with a locale of the user's" "LOCPATH=$ESC_DIR/loc" LC_ALL=jt_JT.UTF-8 \
		"LC_MESSAGES=../../../../$ESC_DIR/loc/jt_JT.UTF-8" --
else
	skip "no /usr/lib/locale/C.utf8 to build a locale from"
	skip_n 3 "no locale to test LOCPATH with"
fi

if [ -n "$MDEBUG" ]; then
	control "root running a program with MALLOC_TRACE (libc_malloc_debug preloaded) writes the trace file in the canary directory" \
		eval 'env LD_PRELOAD="$MDEBUG" MALLOC_TRACE="$ESC_ROOT/mtrace-ctl" "$ESC_DIR/mtrace" && in_root_dir mtrace-ctl'
	clean_root_dir
	run "MALLOC_TRACE into the canary directory, libc_malloc_debug preloaded, MALLOC_CHECK_, MALLOC_PERTURB_" \
		"LD_PRELOAD=$MDEBUG" "MALLOC_TRACE=$ESC_ROOT/mtrace" MALLOC_CHECK_=3 \
		MALLOC_PERTURB_=165 MALLOC_ARENA_MAX=1 --
else
	skip "no libc_malloc_debug.so.0"
	skip_n 3 "no libc_malloc_debug.so.0"
fi

ALL=("LD_PRELOAD=$ESC_DIR/evil.so" "LD_LIBRARY_PATH=$ESC_DIR/lib:$ESC_DIR"
	"GCONV_PATH=$ESC_DIR/gconv" CHARSET=JT "LOCPATH=$ESC_DIR/loc" LC_ALL=C.JT
	"LANGUAGE=../../../../$ESC_DIR" "NLSPATH=$ESC_DIR/%N" "TMPDIR=$ESC_ROOT"
	"HOSTALIASES=$ESC_SECRET" RES_OPTIONS=debug "TZ=$ESC_SECRET"
	"MALLOC_TRACE=$ESC_ROOT/mtrace" MALLOC_CHECK_=3
	"GLIBC_TUNABLES=glibc.malloc.mxfast=glibc.malloc.mxfast=$(printf 'A%.0s' $(seq 4000))"
	"JAILSH_CONFIG=$ESC_DIR" "JAILSH_PROFILE=$ESC_DIR" "SSH_ORIGINAL_COMMAND=touch $ESC_ROOT/soc"
	"ENV=$ESC_DIR/x" "BASH_ENV=$ESC_DIR/x" "IFS=/" "PATH=$ESC_DIR:/usr/bin:/bin")
capture as_user "$U" env "${ALL[@]}" "$J" -c 'echo "$LANGUAGE|$TZ"; env'
control "the variables reach jailsh (its shell sees LANGUAGE and TZ; the loader of a setuid program drops its own list)" \
	test "$(printf '%s\n' "$OUT" | head -n 1)" = "../../../../$ESC_DIR|$ESC_SECRET"
diag "not in the session's environment: $(for v in "${ALL[@]}"; do
	printf '%s\n' "$OUT" | grep -q "^${v%%=*}=" || printf '%s ' "${v%%=*}"; done)"
clean_root_dir
run "all of it at once, with LANGUAGE, NLSPATH, TMPDIR, HOSTALIASES, RES_OPTIONS, TZ, GLIBC_TUNABLES, JAILSH_*" "${ALL[@]}" --

# --- argv ----------------------------------------------------------------------
capture "$ESC_DIR/exec_weird" argc0 "$ESC_DIR/argc"
if [ "$OUT" = "argc=0 argv0len=0 newline=no arg1=-" ]; then
	pass "control: the kernel starts a program with argc == 0"
	esc_payload "$U"
	capture as_user "$U" sh -c 'printf "%s\n" "$1" | "$2" argc0 "$3"' sh "$ESC_PAYLOAD" "$ESC_DIR/exec_weird" "$J"
	outcome "argc == 0"
else
	skip "control failed: the kernel does not start a program with argc == 0 (it gives: $OUT)"
	skip_n 3 "control failed: argc == 0 cannot happen on this kernel"
fi
# what this kernel makes of it: argv = {""}; the shell reads commands from
# standard input
if _matches "$OUT" '^argc=1 argv0len=0 '; then
	pass "control: execve with an empty argv gives the program argv = {\"\"} on this kernel"
	esc_payload "$U"
	capture as_user "$U" sh -c 'printf "%s\n" "$1" | "$2" argc0 "$3"' sh "$ESC_PAYLOAD" "$ESC_DIR/exec_weird" "$J"
	outcome "execve with an empty argv (argv = {\"\"}), commands on standard input"
	ok "  ... the pkexec-style environment junk ran nothing (no /tmp/jt-argc0 on the host)" test ! -e /tmp/jt-argc0
else
	skip "this kernel does not turn an empty argv into {\"\"}"
	skip_n 4 "no argv = {\"\"} here"
fi

# argv[0] of 64 KiB with newlines and %n, with and without a leading -
awk 'BEGIN { for (i = 0; i < 1024; i++) printf "%%n%%s%%x\n<13>sshd: Accepted %07d AAAAAAAAAAAAAAAAAAAAAAAAAAA\n", i }' \
	> "$ESC_DIR/argv0"
printf -- '-' > "$ESC_DIR/argv0-login"
cat "$ESC_DIR/argv0" >> "$ESC_DIR/argv0-login"
chmod 644 "$ESC_DIR"/argv0*
capture "$ESC_DIR/exec_weird" "argv0:$ESC_DIR/argv0" "$ESC_DIR/argc" x
control "the kernel hands a 64 KiB argv[0] with newlines to a program ($OUT)" \
	_matches "$OUT" '^argc=2 argv0len=6[0-9]{4} newline=yes arg1=x$'
run "argv[0] of $(wc -c < "$ESC_DIR/argv0") bytes with newlines and %n" -- "$ESC_DIR/exec_weird" "argv0:$ESC_DIR/argv0"
run "the same with a leading '-' (a login shell's)" -- "$ESC_DIR/exec_weird" "argv0:$ESC_DIR/argv0-login"

# 4 MiB of arguments after the command: E2BIG at the default stack limit,
# passed on to the shell under an unlimited one
capture as_user "$U" "$ESC_DIR/exec_weird" big:4194304 /bin/true
ok "control: at the default stack limit the kernel refuses 4 MiB of arguments (exit $RC: $ERR)" \
	_matches "$ERR" 'Argument list too long'
capture as_user "$U" prlimit --stack=unlimited "$ESC_DIR/exec_weird" big:4194304 /bin/true
if control "with an unlimited stack the kernel takes 4 MiB of arguments" test "$RC" = 0; then
	run "4 MiB of arguments, default stack (E2BIG)" -- "$ESC_DIR/exec_weird" big:4194304
	run "4 MiB of arguments, unlimited stack" -- prlimit --stack=unlimited "$ESC_DIR/exec_weird" big:4194304
else
	skip_n 6 "control failed: 4 MiB of arguments cannot be passed here"
fi

# --- process state -------------------------------------------------------------------
capture as_user "$U" env "F=$U_H/.jt-fds" "$ESC_DIR/exec_weird" nofds "$PY" -c '
import os
def st(fd):
    try:
        os.fstat(fd)
        return "open"
    except OSError:
        return "closed"
r = " ".join(st(fd) for fd in (0, 1, 2))
open(os.environ["F"], "w").write(r)'
control "the kernel starts a program with fds 0, 1 and 2 closed (it saw: $(cat "$U_H/.jt-fds" 2>/dev/null))" \
	test "$(cat "$U_H/.jt-fds" 2>/dev/null)" = "closed closed closed"
rm -f "$U_H/.jt-fds"
esc_payload "$U"
capture as_user "$U" "$ESC_DIR/exec_weird" nofds "$J" -c \
	"(for f in 0 1 2; do stat -L -c '%F %t:%T' /proc/\$\$/fd/\$f; done) > $U_H/.jt-fds 2>&1; $ESC_PAYLOAD"
outcome "fds 0, 1 and 2 closed"
# glibc, for a setuid program, puts /dev/full (1:7) on a closed 0 and
# /dev/null (1:3) on a closed 1 or 2 before main; jailsh would put
# /dev/null: either way a harmless device, nothing jailsh opened as root
like "$(tr '\n' ' ' < "$U_H/.jt-fds" 2>/dev/null)" \
	'^(character special file 1:[37] ){3}$' \
	"  ... the shell got /dev/null or /dev/full on 0, 1 and 2 (nothing privileged landed there)"

capture as_user "$U" "$ESC_DIR/exec_weird" sigs /bin/grep -E '^Sig(Blk|Ign)' /proc/self/status
blk=$(printf '%s\n' "$OUT" | awk '$1 == "SigBlk:" { print $2 }')
ign=$(printf '%s\n' "$OUT" | awk '$1 == "SigIgn:" { print $2 }')
# SIGPIPE is 13 (bit 12), SIGCHLD 17 (bit 16), SIGTERM 15 (bit 14)
control "the kernel keeps the signals blocked and ignored across exec (SigBlk $blk, SigIgn $ign: SIGCHLD, SIGPIPE, SIGTERM among them)" \
	test -n "$blk" -a -n "$ign" -a $(( (0x${blk:-0} & 0x${ign:-0} & 0x15000) == 0x15000 )) = 1
esc_payload "$U"
capture as_user "$U" "$ESC_DIR/exec_weird" sigs "$J" -c "$PY $ESC_DIR/state.py $ESC_MARK; exit 7"
is "$RC" 7 "every signal ignored and blocked (SIGCHLD, SIGPIPE too): the shell's exit status comes through"
outcome "every signal ignored and blocked"

capture as_user "$U" "$ESC_DIR/exec_weird" alarm:1000 /bin/sleep 2
control "an itimer armed before exec fires in the program (exit $RC, SIGALRM)" test "$RC" = 142
# the moments: spread over twice what a whole start takes here
t0=$(date +%s%N)
for i in 1 2 3 4 5 6 7 8 9 10; do jrun "$U" "$ESC_PAYLOAD" >/dev/null 2>&1; done
step=$(( ($(date +%s%N) - t0) / 1000 / 10 * 2 / 200 ))
[ "$step" -gt 0 ] || step=100
bad=
n_ran=0 n_ref=0
for i in $(seq 0 199); do
	esc_payload "$U"
	capture as_user "$U" "$ESC_DIR/exec_weird" "alarm:$((i * step))" "$J" -c "$ESC_PAYLOAD"
	o=$(esc_outcome "$U" "$RC" "$OUT")
	case $o in
	refused) n_ref=$((n_ref + 1)) ;;
	jailed) n_ran=$((n_ran + 1)) ;;
	*) bad="$bad
alarm after $((i * step)) us: exit $RC, $o" ;;
	esac
done
is "$bad" "" "SIGALRM at 200 moments, every $step us: each start refused or exactly jailed ($n_ref ended, $n_ran ran)"
esc_no_root_marker "  ... nothing in the canary directory"
ok "  ... nothing of the user is left running" no_live_processes "$U" 5
esc_no_priv_procs "$U"

capture as_user "$U" prlimit --nofile=4:4 "$PY" -c 'import os; [os.open("/dev/null", 0) for i in range(3)]'
control "RLIMIT_NOFILE=4 holds across exec (a fifth descriptor fails: $(printf '%s' "$ERR" | tail -n 1))" \
	_matches "$ERR" 'Too many open files'
run "RLIMIT_NOFILE=4" -- prlimit --nofile=4:4
capture as_user "$U" prlimit --fsize=0 sh -c "echo x > $U_H/.jt-fsize"
control "RLIMIT_FSIZE=0 holds across exec (a write to a file fails, exit $RC)" test "$RC" != 0
rm -f "$U_H/.jt-fsize"
run "RLIMIT_FSIZE=0" -- prlimit --fsize=0

ok "nothing of the user is left" no_live_processes "$U"
esc_no_priv_procs "$U"
esc_host_unchanged "after it all"

done_testing
