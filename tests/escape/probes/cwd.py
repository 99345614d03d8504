#!/usr/bin/python3
"""cwd.py [FILE] [FD]: where this process's working directory and root
are, one KEY=VALUE a line: the mount ids of '.', of '../' x 40 and of
/proc/self/root (each must be in this namespace's mountinfo), whether
walking up from '.' ends at '/', and what FILE (a name relative to the
working directory and under /proc/self/cwd) and fchdir(FD) reach.
Violations are listed in VIOLATIONS=."""
import os, sys

def mnt_id(path):
    fd = os.open(path, os.O_PATH)
    try:
        for l in open("/proc/self/fdinfo/%d" % fd):
            if l.startswith("mnt_id:"):
                return int(l.split()[1])
    finally:
        os.close(fd)

vis = {int(l.split()[0]) for l in open("/proc/self/mountinfo")}
bad = []
out = []
try:
    out.append("CWD=" + os.readlink("/proc/self/cwd"))
except OSError as e:
    out.append("CWD=" + e.strerror)
for label, p in (("DOT", "."), ("UP", "../" * 40), ("SELFROOT", "/proc/self/root/")):
    try:
        m = mnt_id(p)
        out.append("%s_MNT=%s" % (label, "in-namespace" if m in vis else "FOREIGN"))
        if m not in vis:
            bad.append(label + " is on a mount not in this namespace")
    except OSError as e:
        out.append("%s_MNT=%s" % (label, e.strerror))
if not os.path.samestat(os.stat("../" * 40), os.stat("/")):
    bad.append("walking up from . does not end at /")
for label, p in (("SELFROOT_LINK", "/proc/self/root"), ("INITROOT_LINK", "/proc/1/root"),
                 ("INITCWD_LINK", "/proc/1/cwd")):
    try:
        out.append("%s=%s" % (label, os.readlink(p)))
    except OSError as e:
        out.append("%s=%s" % (label, e.strerror))
if len(sys.argv) > 1 and sys.argv[1]:
    f = sys.argv[1]
    for label, p in (("READ_DOT", f), ("READ_PROCCWD", "/proc/self/cwd/" + f),
                     ("READ_INITROOT", "/proc/1/root" + os.path.abspath(f))):
        try:
            out.append("%s=%s" % (label, open(p).read().strip()))
        except OSError as e:
            out.append("%s=%s" % (label, e.strerror))
if len(sys.argv) > 2:
    try:
        os.fchdir(int(sys.argv[2]))
        out.append("FCHDIR=ok " + ",".join(sorted(os.listdir("."))[:8]))
    except OSError as e:
        out.append("FCHDIR=" + e.strerror)
out.append("VIOLATIONS=" + "; ".join(bad))
print("\n".join(out), flush=True)
