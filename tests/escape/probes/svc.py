#!/usr/bin/python3
"""svc.py serve SOCKET... | connect SOCKET COMMAND

serve: a stand-in for a service that acts for the user outside any jail,
as systemd --user does on $XDG_RUNTIME_DIR/systemd/private (systemd-run
--user) and the session bus on $XDG_RUNTIME_DIR/bus: it listens on each
SOCKET (the directories are made, mode 0700), and for every connection
reads one line, runs it with sh -c where the service runs, and answers
"RAN <mount namespace of the service>". Prints LISTENING once all listen.

connect: sends COMMAND to the service on SOCKET and prints
"CONNECT=RAN mnt:[...]" when it ran it, or "CONNECT=ERR <error>"."""
import os, selectors, socket, subprocess, sys

what = sys.argv[1]
if what == "serve":
    sel = selectors.DefaultSelector()
    for path in sys.argv[2:]:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(path)
        s.listen(16)
        sel.register(s, selectors.EVENT_READ)
    print("LISTENING", flush=True)
    me = os.readlink("/proc/self/ns/mnt")
    while True:
        for key, _ in sel.select():
            c, _ = key.fileobj.accept()
            c.settimeout(5)
            try:
                line = c.makefile("rb").readline().decode().strip()
                subprocess.run(["sh", "-c", line], timeout=10,
                               stdin=subprocess.DEVNULL)
                c.sendall(("RAN " + me + "\n").encode())
            except Exception as e:
                c.sendall(("FAILED " + str(e) + "\n").encode())
            c.close()
else:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    try:
        s.connect(sys.argv[2])
        s.sendall((sys.argv[3] + "\n").encode())
        print("CONNECT=" + s.makefile("rb").readline().decode().strip(),
              flush=True)
    except OSError as e:
        print("CONNECT=ERR " + (e.strerror or str(e)), flush=True)
