#!/usr/bin/python3
"""bound.py WHAT N: how far a process gets before a resource limit stops it.

  forks N   forks up to N children (each waits, doing nothing), stops at
            the first failure; prints FORKS=<how many> and FORKERR=<error>
            (or none), then ends them all
  mem N     allocates (and touches) up to N MiB in 16 MiB pieces, stops at
            the first MemoryError; prints MEM=<MiB it holds> and
            MEMERR=<what stopped it> (or none)
"""
import os, signal, sys

what, n = sys.argv[1], int(sys.argv[2])
if what == "forks":
    kids, err = [], "none"
    for _ in range(n):
        try:
            pid = os.fork()
        except OSError as e:
            err = e.strerror
            break
        if pid == 0:
            signal.pause()
            os._exit(0)
        kids.append(pid)
    print("FORKS=%d" % len(kids), flush=True)
    print("FORKERR=%s" % err, flush=True)
    for k in kids:
        os.kill(k, signal.SIGKILL)
        os.waitpid(k, 0)
elif what == "mem":
    held, err = [], "none"
    try:
        while len(held) * 16 < n:
            b = bytearray(16 << 20)
            for i in range(0, len(b), 4096):
                b[i] = 1
            held.append(b)
    except MemoryError:
        err = "MemoryError"
    print("MEM=%d" % (len(held) * 16), flush=True)
    print("MEMERR=%s" % err, flush=True)
