#!/usr/bin/python3
"""abstract.py serve NAME | connect NAME: a service on the abstract Unix
socket NAME (answers HELLO-NAME to every connection, for the root side),
or a client that prints "CONNECT=HELLO-NAME" when it reached it, or
"CONNECT=ERR <error>". The sockets are jtnet.py's."""
import sys

import jtnet

what, name = sys.argv[1], sys.argv[2]
if what == "serve":
    s = jtnet.listen("@" + name, 16)
    print("LISTENING", flush=True)
    jtnet.serve([s], ("HELLO-" + name).encode())
else:
    jtnet.main(["fetch", "--ok", "CONNECT=%s", "--fail", "CONNECT=ERR %s",
                "@" + name])
