#!/usr/bin/python3
"""procs.py TARGETS [SECONDS]: waits (up to SECONDS, default 20) for the
file TARGETS, whose lines are "NAME PID [sig]", then tries every way to
reach each process and prints one line per try, "NAME TECH RESULT", where
RESULT is "ok" or the error:

  attach    ptrace(PTRACE_ATTACH), then waits for the stop and detaches
  seize     ptrace(PTRACE_SEIZE), then detaches
  vm_readv  process_vm_readv of 16 bytes at the start of its first mapping
  mem       open /proc/PID/mem and read 16 bytes there
  environ   open and read /proc/PID/environ
  root      list /proc/PID/root/ (its root directory, another mount tree)
  pidfd     pidfd_open(PID)
  kill0     kill(PID, 0)
  term      kill(PID, SIGTERM), only for lines that end with "sig"

"killall" as a NAME sends SIGKILL to -1 (every process this one may
signal) and prints "killall kill-1 RESULT".
"""
import ctypes, os, sys, time

libc = ctypes.CDLL(None, use_errno=True)
PTRACE_ATTACH, PTRACE_DETACH, PTRACE_SEIZE = 16, 17, 0x4206
SYS_pidfd_open = 434


class iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


def err():
    return os.strerror(ctypes.get_errno())


def first_address(pid):
    try:
        with open("/proc/%d/maps" % pid) as f:
            return int(f.readline().split("-")[0], 16)
    except (OSError, ValueError, IndexError):
        return 0x400000


def tries(name, pid, sig):
    out = []
    r = libc.ptrace(PTRACE_ATTACH, pid, 0, 0)
    out.append(("attach", "ok" if r == 0 else err()))
    if r == 0:
        try:
            os.waitpid(pid, 0x40000000)  # __WALL: a tracee, not a child
        except OSError:
            pass
        libc.ptrace(PTRACE_DETACH, pid, 0, 0)
    r = libc.ptrace(PTRACE_SEIZE, pid, 0, 0)
    out.append(("seize", "ok" if r == 0 else err()))
    if r == 0:
        libc.ptrace(PTRACE_DETACH, pid, 0, 0)
    addr = first_address(pid)
    buf = ctypes.create_string_buffer(16)
    loc = iovec(ctypes.cast(buf, ctypes.c_void_p), 16)
    rem = iovec(addr, 16)
    r = libc.process_vm_readv(pid, ctypes.byref(loc), 1, ctypes.byref(rem), 1, 0)
    out.append(("vm_readv", "ok" if r == 16 else err()))
    try:
        fd = os.open("/proc/%d/mem" % pid, os.O_RDONLY)
        try:
            os.pread(fd, 16, addr)
            out.append(("mem", "ok"))
        finally:
            os.close(fd)
    except OSError as e:
        out.append(("mem", e.strerror))
    try:
        with open("/proc/%d/environ" % pid, "rb") as f:
            f.read(64)
        out.append(("environ", "ok"))
    except OSError as e:
        out.append(("environ", e.strerror))
    try:
        os.listdir("/proc/%d/root/" % pid)
        out.append(("root", "ok"))
    except OSError as e:
        out.append(("root", e.strerror))
    fd = libc.syscall(SYS_pidfd_open, pid, 0)
    out.append(("pidfd", "ok" if fd >= 0 else err()))
    if fd >= 0:
        os.close(fd)
    try:
        os.kill(pid, 0)
        out.append(("kill0", "ok"))
    except OSError as e:
        out.append(("kill0", e.strerror))
    if sig:
        try:
            os.kill(pid, 15)
            out.append(("term", "ok"))
        except OSError as e:
            out.append(("term", e.strerror))
    for tech, res in out:
        print(name, tech, res, flush=True)


path = sys.argv[1]
deadline = time.time() + float(sys.argv[2] if len(sys.argv) > 2 else 20)
while not os.path.exists(path):
    if time.time() > deadline:
        print("no targets", flush=True)
        sys.exit(1)
    time.sleep(0.05)
for line in open(path):
    f = line.split()
    if not f:
        continue
    if f[0] == "killall":
        try:
            os.kill(-1, 9)
            print("killall kill-1 ok", flush=True)
        except OSError as e:
            print("killall kill-1", e.strerror, flush=True)
        continue
    tries(f[0], int(f[1]), len(f) > 2 and f[2] == "sig")
print("done", flush=True)
