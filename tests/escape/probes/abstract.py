#!/usr/bin/python3
"""abstract.py serve NAME | connect NAME: a service on the abstract Unix
socket NAME (answers HELLO-NAME to every connection, for the root side),
or a client that prints "CONNECT=HELLO-NAME" when it reached it, or
"CONNECT=ERR <error>"."""
import os, socket, sys

what, name = sys.argv[1], sys.argv[2]
if what == "serve":
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind("\0" + name)
    s.listen(16)
    print("LISTENING", flush=True)
    while True:
        c, _ = s.accept()
        c.sendall(("HELLO-" + name).encode())
        c.close()
else:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    try:
        s.connect("\0" + name)
        print("CONNECT=" + s.recv(100).decode(), flush=True)
    except OSError as e:
        print("CONNECT=ERR " + (e.strerror or str(e)), flush=True)
