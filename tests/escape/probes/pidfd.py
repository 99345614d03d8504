#!/usr/bin/python3
"""pidfd.py serve SOCKET | kill SOCKET PID | landlock

serve: on the Unix socket SOCKET, reads a pid from each connection and
sends back a pidfd of that process (SCM_RIGHTS): how a process outside a
jail can hand one of its own into it through a socket the jail reaches
(a path in a volume). Prints LISTENING.

kill: asks the server on SOCKET for a pidfd of PID and sends SIGTERM
through it (pidfd_send_signal); prints "KILL=ok" or "KILL=ERR <error>"
(or "CONNECT=ERR <error>" when the server cannot be reached).

landlock: prints "ABI=N", the Landlock ABI version of the kernel, or
"ABI=0 <error>" when Landlock is not there."""
import array, ctypes, os, signal, socket, sys

what = sys.argv[1]
if what == "serve":
    try:
        os.unlink(sys.argv[2])
    except FileNotFoundError:
        pass
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(sys.argv[2])
    s.listen(16)
    print("LISTENING", flush=True)
    while True:
        c, _ = s.accept()
        try:
            pid = int(c.makefile("rb").readline())
            fd = os.pidfd_open(pid)
            socket.send_fds(c, [b"P"], [fd])
            os.close(fd)
        except Exception:
            pass
        c.close()
elif what == "kill":
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    try:
        s.connect(sys.argv[2])
        s.sendall((sys.argv[3] + "\n").encode())
        _, fds, _, _ = socket.recv_fds(s, 1, 1)
    except OSError as e:
        print("CONNECT=ERR " + (e.strerror or str(e)), flush=True)
        sys.exit(0)
    if not fds:
        print("CONNECT=ERR no pidfd came", flush=True)
        sys.exit(0)
    try:
        signal.pidfd_send_signal(fds[0], signal.SIGTERM)
        print("KILL=ok", flush=True)
    except OSError as e:
        print("KILL=ERR " + (e.strerror or str(e)), flush=True)
else:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    # landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION)
    v = libc.syscall(444, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    if v < 0:
        print("ABI=0 " + os.strerror(ctypes.get_errno()), flush=True)
    else:
        print("ABI=%d" % v, flush=True)
