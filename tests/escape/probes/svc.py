#!/usr/bin/python3
"""svc.py serve SOCKET... | connect SOCKET COMMAND

serve: a stand-in for a service that acts for the user outside any jail,
as systemd --user does on $XDG_RUNTIME_DIR/systemd/private (systemd-run
--user) and the session bus on $XDG_RUNTIME_DIR/bus: it listens on each
SOCKET (the directories are made, mode 0700), and for every connection
reads one line, runs it with sh -c where the service runs, and answers
"RAN <mount namespace of the service>". Prints LISTENING once all listen.

connect: sends COMMAND to the service on SOCKET and prints
"CONNECT=RAN mnt:[...]" when it ran it, or "CONNECT=ERR <error>".
The sockets are jtnet.py's."""
import os
import subprocess
import sys

import jtnet

what = sys.argv[1]
if what == "serve":
    listeners = []
    for path in sys.argv[2:]:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        listeners.append(jtnet.listen("unix:" + path, 16, mode=None))
    print("LISTENING", flush=True)
    me = os.readlink("/proc/self/ns/mnt")

    def run(c):
        c.settimeout(5)
        try:
            line = c.makefile("rb").readline().decode().strip()
            subprocess.run(["sh", "-c", line], timeout=10,
                           stdin=subprocess.DEVNULL)
            return ("RAN " + me + "\n").encode()
        except Exception as e:
            return ("FAILED " + str(e) + "\n").encode()

    jtnet.serve(listeners, run)
else:
    jtnet.main(["fetch", "--timeout", "10", "--send", sys.argv[3],
                "--ok", "CONNECT=%s", "--fail", "CONNECT=ERR %s",
                "unix:" + sys.argv[2]])
