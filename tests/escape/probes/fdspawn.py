#!/usr/bin/python3
"""fdspawn.py SPEC... -- PROGRAM ARGS...: opens descriptors as the caller,
at the numbers the SPECs give, inheritable, then executes PROGRAM.

  N:dir:PATH   open(PATH, O_RDONLY|O_DIRECTORY)
  N:path:PATH  open(PATH, O_PATH)
  N:r:PATH     open(PATH, O_RDONLY)
  N:rw:PATH    open(PATH, O_RDWR|O_CREAT)
  N:pipe       the reading end of a pipe (N+100 gets the writing end)
  N:sock       one end of a socketpair
  N:memfd      a memfd
  N:eventfd    an eventfd
A SPEC that cannot be opened is an error (exit 2): the caller's own
rights must be enough for everything it hands over."""
import os, socket, sys

args = sys.argv[1:]
sep = args.index("--")
specs, prog = args[:sep], args[sep + 1:]
keep = []
for s in specs:
    n, kind, *rest = s.split(":", 2)
    n = int(n)
    path = rest[0] if rest else None
    if kind == "dir":
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    elif kind == "path":
        fd = os.open(path, os.O_PATH)
    elif kind == "r":
        fd = os.open(path, os.O_RDONLY)
    elif kind == "rw":
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    elif kind == "pipe":
        r, w = os.pipe()
        os.dup2(w, n + 100)
        keep.append(n + 100)
        fd = r
    elif kind == "sock":
        a, b = socket.socketpair()
        keep.append(b)
        fd = os.dup(a.fileno())
    elif kind == "memfd":
        fd = os.memfd_create("jt-esc", 0)
    elif kind == "eventfd":
        fd = os.eventfd(0)
    else:
        sys.exit("fdspawn: bad spec " + s)
    if fd != n:
        os.dup2(fd, n)
        os.close(fd)
    os.set_inheritable(n, True)
for k in keep:
    if isinstance(k, int):
        os.set_inheritable(k, True)
os.execv(prog[0], prog)
