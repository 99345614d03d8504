#!/usr/bin/python3
"""stack-probe.py PIDFILE RESULT GO: run as a jail's shell (pid 2 of its
pid namespace) with network = "private", this goes after the jail's
network stack, whose pid on the host root writes into PIDFILE. RESULT gets
a JSON object of what each attempt gave; then it waits (20 s at most) for
GO to exist, so that the host can look at the stack meanwhile.

  seen       /proc entries of the jail whose comm is pasta or passt
  proc_pid   does /proc/PID exist in the jail (and its comm, if so)
  kill0, kill, pidfd, ptrace
             errno name of kill(PID, 0), kill(PID, SIGKILL),
             pidfd_open(PID), ptrace(PTRACE_SEIZE, PID); "ok" if it worked
  kill_all   kill(-1, SIGKILL) was sent; "child_died": the jail's own
             child (the control) died of it
  sockets    what of the jail's network namespace is bound or listens
             (/proc/net/tcp, tcp6, udp, udp6, unix) besides the probe's
             own; "own_seen": the probe's own were listed (the control)
"""
import ctypes
import errno
import json
import os
import signal
import socket
import subprocess
import sys
import time

libc = ctypes.CDLL(None, use_errno=True)
SYS_PIDFD_OPEN = 434
PTRACE_SEIZE = 0x4206
PTRACE_DETACH = 17


def err_name(r):
    if r >= 0:
        return "ok"
    return errno.errorcode.get(ctypes.get_errno(), str(ctypes.get_errno()))


def try_call(fn):
    try:
        fn()
        return "ok"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))


def stack_seen():
    found = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                comm = open("/proc/%s/comm" % d).read().strip()
            except OSError:
                continue
            if comm.startswith(("pasta", "passt")):
                found.append("%s %s" % (d, comm))
    return found


def bound(own_ports, own_unix):
    """Entries of the namespace's tables that are not the probe's: TCP
    listening, UDP bound, Unix sockets of any kind. And whether the
    probe's own were seen."""
    other, seen = [], set()
    for name in ("tcp", "tcp6", "udp", "udp6"):
        try:
            lines = open("/proc/net/" + name).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            port = int(f[1].rsplit(":", 1)[1], 16)
            listening = name.startswith("udp") or f[3] == "0A"
            if not listening:
                continue
            if port in own_ports:
                seen.add(name[:3])
            else:
                other.append("%s %s" % (name, f[1]))
    for line in open("/proc/net/unix").read().splitlines()[1:]:
        f = line.split()
        path = f[7] if len(f) > 7 else ""
        if path == "@" + own_unix:
            seen.add("unix")
        else:
            other.append("unix inode %s %s" % (f[6], path))
    return other, sorted(seen) == ["tcp", "udp", "unix"]


def main(pidfile, result, go):
    for _ in range(200):
        if os.path.exists(pidfile) and open(pidfile).read().strip():
            break
        time.sleep(0.05)
    pid = int(open(pidfile).read())
    out = {"seen": stack_seen()}
    out["proc_pid"] = os.path.exists("/proc/%d" % pid)
    if out["proc_pid"]:
        try:
            out["proc_pid"] = open("/proc/%d/comm" % pid).read().strip()
        except OSError:
            pass
    out["kill0"] = try_call(lambda: os.kill(pid, 0))
    out["kill"] = try_call(lambda: os.kill(pid, signal.SIGKILL))
    r = libc.syscall(SYS_PIDFD_OPEN, pid, 0)
    out["pidfd"] = err_name(r)
    r = libc.ptrace(PTRACE_SEIZE, pid, None, None)
    out["ptrace"] = err_name(r)
    if r == 0:
        libc.ptrace(PTRACE_DETACH, pid, None, None)

    # its own listeners, so that reading the tables is shown to work
    t = socket.socket()
    t.bind(("0.0.0.0", 0))
    t.listen(1)
    u = socket.socket(type=socket.SOCK_DGRAM)
    u.bind(("0.0.0.0", t.getsockname()[1]))
    name = "jt-probe-%d" % os.getpid()
    x = socket.socket(socket.AF_UNIX)
    x.bind("\0" + name)
    other, own = bound({t.getsockname()[1]}, name)
    out["sockets"] = other
    out["own_seen"] = own
    for s in (t, u, x):
        s.close()

    child = subprocess.Popen(["sleep", "30"])
    time.sleep(0.2)
    os.kill(-1, signal.SIGKILL)
    out["kill_all"] = True
    child.wait()
    out["child_died"] = child.returncode == -signal.SIGKILL

    with open(result + ".new", "w") as f:
        json.dump(out, f)
    os.rename(result + ".new", result)
    for _ in range(400):
        if os.path.exists(go):
            break
        time.sleep(0.05)


if __name__ == "__main__":
    main(*sys.argv[1:4])
