#!/usr/bin/python3
"""fds.py [LABEL]: the descriptors this process started with, one a line:
FD=<n> <target> [FOREIGN_MOUNT] [PARENT=<listing of ../../.. through it>]
and then FDS=<n n n>. Usable as a "real shell" (any arguments are
ignored): it lists what it was given before it opens anything but the
listing itself."""
import os, stat, sys

# the listing itself opens a descriptor (or two): those are closed again
# once it is done, and left out below
names = sorted(int(n) for n in os.listdir("/proc/self/fd"))
def is_open(fd):
    try:
        os.fstat(fd)
        return True
    except OSError:
        return False
names = [fd for fd in names if is_open(fd)]
vis = set()
try:
    for l in open("/proc/self/mountinfo"):
        vis.add(int(l.split()[0]))
except OSError:
    pass
lines = []
for fd in names:
    try:
        tgt = os.readlink("/proc/self/fd/%d" % fd)
    except OSError as e:
        continue  # gone (the listing's own descriptor)
    info = "FD=%d %s" % (fd, tgt)
    try:
        st = os.fstat(fd)
        for l in open("/proc/self/fdinfo/%d" % fd):
            if l.startswith("mnt_id:"):
                m = int(l.split()[1])
                if not (stat.S_ISFIFO(st.st_mode) or stat.S_ISSOCK(st.st_mode)) \
                        and vis and m not in vis:
                    info += " FOREIGN_MOUNT"
        if stat.S_ISDIR(st.st_mode):
            try:
                info += " PARENT=" + ",".join(sorted(os.listdir(
                    "/proc/self/fd/%d/../../.." % fd))[:8])
            except OSError as e:
                info += " PARENT=" + e.strerror
    except OSError:
        pass
    lines.append(info)
lines.append("FDS=" + " ".join(str(f) for f in names))
print("\n".join(lines), flush=True)
