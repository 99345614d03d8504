#!/bin/bash
# The syscall filter: TIOCSTI and TIOCLINUX always refused; seccomp =
# default refuses keyrings, bpf and the like; user_namespaces = no refuses
# new user namespaces. Each with the same call working outside the jail.
. "$(dirname "$0")/../lib/harness.sh"
setup

u=$(new_user)
probe='
import ctypes, fcntl, os, sys, termios
libc = ctypes.CDLL(None, use_errno=True)
def sysc(nr, *a):
    r = libc.syscall(nr, *a)
    return "ok" if r >= 0 else os.strerror(ctypes.get_errno())
what = sys.argv[1]
if what == "tiocsti":
    fd = os.open("/dev/tty", os.O_RDWR)
    try:
        fcntl.ioctl(fd, termios.TIOCSTI, b"#")
        print("tiocsti ok")
    except OSError as e:
        print("tiocsti", e.strerror)
    # the same with high bits set: the kernel looks at the low 32 only
    r = libc.ioctl(fd, ctypes.c_ulong(0xffffffff00000000 | termios.TIOCSTI), ctypes.c_char_p(b"#"))
    print("tiocsti-high", "ok" if r == 0 else os.strerror(ctypes.get_errno()))
elif what == "tioclinux":  # TIOCL_GETFGCONSOLE: a console would answer
    fd = os.open("/dev/tty", os.O_RDWR)
    try:
        fcntl.ioctl(fd, 0x541C, bytes([12]))
        print("tioclinux ok")
    except OSError as e:
        print("tioclinux", e.strerror)
elif what == "keyctl":   # KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING
    print("keyctl", sysc(250, 0, ctypes.c_long(-3), 0))
elif what == "bpf":      # BPF_PROG_LOAD with nothing: EINVAL if allowed
    print("bpf", sysc(321, 5, None, 0))
'
printf '%s\n' "$probe" > "/tmp/jt-probe-$$.py"
chmod 644 "/tmp/jt-probe-$$.py"
at_exit "rm -f /tmp/jt-probe-$$.py"
home=$(getent passwd "$u" | cut -d: -f6)
install -m 644 "/tmp/jt-probe-$$.py" "$home/probe.py"
P="/usr/bin/python3 $home/probe.py"

# on a terminal of its own (script gives one), outside and inside
on_tty() { as_user "$u" env SHELL=/bin/sh script -qec "$1" /dev/null | tr -d '\r'; }

# TIOCSTI: only where the kernel lets an unprivileged user use it (before
# Linux 6.2, or dev.tty.legacy_tiocsti = 1) does refusing it prove anything
out=$(on_tty "$P tiocsti")
if printf '%s' "$out" | grep -q 'tiocsti ok'; then
	tiocsti=1
	pass "control: TIOCSTI works outside the jail on this kernel"
	out=$(on_tty "$J -c '$P tiocsti'")
	like "$out" 'tiocsti Operation not permitted' "TIOCSTI is refused in the jail"
	like "$out" 'tiocsti-high Operation not permitted' \
		"  also with the high 32 bits of the request set"
else
	tiocsti=0
	skip "this kernel refuses TIOCSTI to users already: nothing to prove"
fi
# TIOCLINUX on a pseudo-terminal reaches the kernel outside (which says it
# is no console) and is stopped by the filter inside
out=$(on_tty "$P tioclinux")
like "$out" '^tioclinux ' "control: TIOCLINUX reaches the kernel outside"
unlike "$out" 'Operation not permitted' "  (which answers for itself)"
out=$(on_tty "$J -c '$P tioclinux'")
like "$out" 'tioclinux Operation not permitted' "TIOCLINUX is refused in the jail"

out=$(as_user "$u" $P keyctl)
is "$out" "keyctl ok" "control: keyctl works outside the jail"
out=$(jrun "$u" "$P keyctl")
is "$out" "keyctl Operation not permitted" "keyctl is refused (seccomp = default)"
out=$(jrun "$u" "$P bpf")
is "$out" "bpf Operation not permitted" "bpf is refused (seccomp = default)"

out=$(as_user "$u" unshare -U true 2>&1; echo "rc=$?")
like "$out" 'rc=0' "control: a user namespace can be made outside"
out=$(jrun "$u" 'unshare -U true 2>&1; echo rc=$?')
like "$out" 'rc=0' "user_namespaces = yes (the default): it can in the jail"

profile "$u" 'volume "~" {}
user_namespaces = no'
out=$(jrun "$u" 'unshare -U true 2>&1; echo rc=$?')
like "$out" 'Operation not permitted' "user_namespaces = no: unshare -U is refused"
unlike "$out" 'rc=0' "  and fails"
out=$(jrun "$u" "/usr/bin/python3 -c 'import ctypes, os; l = ctypes.CDLL(None, use_errno=True); print(\"unshare\", l.unshare(0x10000000), os.strerror(ctypes.get_errno()))'")
is "$out" "unshare -1 Operation not permitted" "  from any program"

profile "$u" 'volume "~" {}
seccomp = none'
out=$(jrun "$u" "$P keyctl")
is "$out" "keyctl ok" "seccomp = none: keyctl is allowed"
if [ "$tiocsti" = 1 ]; then
	out=$(on_tty "$J -c '$P tiocsti'")
	like "$out" 'tiocsti Operation not permitted' "  but TIOCSTI is still refused"
else
	skip "this kernel refuses TIOCSTI to users already"
fi
out=$(jrun "$u" 'grep ^Seccomp: /proc/self/status')
is "$out" "Seccomp:	2" "the shell runs under a filter"

done_testing
