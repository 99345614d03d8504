#!/usr/bin/python3
"""jtnet.py: the sockets of the tests, written once.

What a jail can reach is shown with a greeting server, which answers every
connection with a line and closes it, and a client, which connects, reads
until the peer closes and prints what came. Root runs the servers on the
host; the clients run as a test user, outside a jail (the control) and in
it. A copy next to a probe is imported by it (import jtnet).

ADDR is HOST:PORT (127.0.0.1:8080, ::1:8080), unix:PATH or @NAME (an
abstract Unix socket); to serve, port 0 (127.0.0.1:0, ::1:0) is one the
kernel chooses.

  serve [--log FILE] [--ports FILE] [--optional] TEXT ADDR...
        listens on each ADDR; every connection gets TEXT and a newline.
        Once all listen, a line "HOST PORT" for each TCP one and
        "ADDR listening" for the others goes to FILE (written whole, then
        renamed into place) or to standard output. --log: a line for each
        connection, before it is answered: tcp, unix or abstract.
        --optional: an ADDR that cannot be bound is left out (::1 where
        the host has no IPv6).
  fetch [--timeout S] [--send LINE] [--ok FMT] [--fail FMT] ADDR
        connects (sends LINE and a newline), reads until the peer closes,
        and prints FMT with what came, stripped (EMPTY for nothing); or,
        when it cannot, --fail's FMT with the error (strerror), and exits
        1. FMT: "%s" and "ERR %s" unless given.
  loopback TEXT
        listens on 127.0.0.1, connects to itself, sends TEXT through and
        prints what came: the jail's own lo works.
  log [--json] PATH FILE
        a syslog socket: binds the datagram socket PATH (mode 0666) and
        appends each message to FILE, one a line, as it came; with
        --json, a JSON object a line, {"clean": ..., "text": ...},
        "clean" when the message is UTF-8 with no control character (C0,
        DEL or C1).
"""
import argparse
import json
import os
import re
import select
import socket
import sys


def error_text(e):
    """The error's own words: "Connection refused", not "[Errno 111] ..."."""
    return e.strerror or str(e)


def _resolve(addr):
    """(family, address to bind or connect to, kind) for ADDR."""
    if addr.startswith("unix:"):
        return socket.AF_UNIX, addr[5:], "unix"
    if addr.startswith("@"):
        return socket.AF_UNIX, "\0" + addr[1:], "abstract"
    host, _, port = addr.rpartition(":")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return family, (host, int(port)), "tcp"


def listen(addr, backlog=64, mode=0o666):
    """A socket listening on ADDR, and its kind (tcp, unix, abstract); a
    Unix socket gets MODE (None: as the umask made it)."""
    family, where, kind = _resolve(addr)
    s = socket.socket(family, socket.SOCK_STREAM)
    if kind == "tcp":
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(where)
    if kind == "unix" and mode is not None:
        os.chmod(where, mode)
    s.listen(backlog)
    return s, kind


def serve(listeners, answer, log=None):
    """Forever: accept on any of LISTENERS ([(socket, kind)]), note the
    kind in LOG, and send what ANSWER (bytes, or a function of the
    connection that returns them) gives; errors of one connection are its
    own."""
    kinds = dict(listeners)
    while True:
        for s in select.select(list(kinds), [], [])[0]:
            c, _ = s.accept()
            if log:
                print(kinds[s], file=log, flush=True)
            try:
                c.sendall(answer(c) if callable(answer) else answer)
            except OSError:
                pass
            c.close()


def publish(path, text):
    """TEXT in PATH, whole: written aside, then renamed into place."""
    with open(path + ".new", "w") as f:
        f.write(text)
    os.rename(path + ".new", path)


def recv_all(s):
    """What the peer sends until it closes."""
    data = b""
    while True:
        d = s.recv(4096)
        if not d:
            return data
        data += d


def connect(addr, timeout=5):
    family, where, _ = _resolve(addr)
    if family == socket.AF_UNIX:
        s = socket.socket(family, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(where)
    else:
        s = socket.create_connection(where, timeout)
    s.settimeout(timeout)
    return s


def fetch(addr, timeout=5, send=None):
    """What a connection to ADDR receives (after sending SEND), as text,
    stripped. Raises OSError when the connection fails."""
    with connect(addr, timeout) as s:
        if send is not None:
            s.sendall(send.encode() + b"\n")
        return recv_all(s).decode(errors="backslashreplace").strip()


def datagrams(path):
    """Each datagram that arrives on the Unix socket PATH (mode 0666)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    os.chmod(path, 0o666)
    while True:
        yield s.recv(65536)


_DIRTY = re.compile(rb"[\x00-\x1f\x7f]|\xc2[\x80-\x9f]")


def clean(data):
    """DATA is UTF-8 without a C0 control, DEL or a C1 control."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not _DIRTY.search(data)


def main(argv):
    p = argparse.ArgumentParser(prog="jtnet.py")
    sub = p.add_subparsers(dest="cmd", required=True)
    sv = sub.add_parser("serve")
    sv.add_argument("--log")
    sv.add_argument("--ports")
    sv.add_argument("--optional", action="store_true")
    sv.add_argument("text")
    sv.add_argument("addr", nargs="+")
    ft = sub.add_parser("fetch")
    ft.add_argument("--timeout", type=float, default=5)
    ft.add_argument("--send")
    ft.add_argument("--ok", default="%s")
    ft.add_argument("--fail", default="ERR %s")
    ft.add_argument("addr")
    lo = sub.add_parser("loopback")
    lo.add_argument("text")
    lg = sub.add_parser("log")
    lg.add_argument("--json", action="store_true")
    lg.add_argument("path")
    lg.add_argument("file")
    a = p.parse_args(argv)

    if a.cmd == "serve":
        listeners, lines = [], []
        for addr in a.addr:
            try:
                s, kind = listen(addr)
            except OSError:
                if a.optional:
                    continue
                raise
            listeners.append((s, kind))
            if kind == "tcp":
                lines.append("%s %d\n" % (addr.rpartition(":")[0],
                                           s.getsockname()[1]))
            else:
                lines.append("%s listening\n" % addr)
        if a.ports:
            publish(a.ports, "".join(lines))
        else:
            sys.stdout.write("".join(lines))
            sys.stdout.close()
        log = open(a.log, "a") if a.log else None
        serve(listeners, a.text.encode() + b"\n", log)
    elif a.cmd == "fetch":
        try:
            got = fetch(a.addr, a.timeout, a.send)
        except OSError as e:
            print(a.fail % error_text(e), flush=True)
            return 1
        print(a.ok % (got or "EMPTY"), flush=True)
    elif a.cmd == "loopback":
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            s.listen(1)
            c = socket.create_connection(s.getsockname(), timeout=5)
            peer, _ = s.accept()
            peer.sendall(a.text.encode())
            peer.close()
            print(recv_all(c).decode())
    elif a.cmd == "log":
        with open(a.file, "ab", buffering=0) as f:
            for d in datagrams(a.path):
                if a.json:
                    d = d.rstrip(b"\0")
                    f.write(json.dumps({
                        "clean": clean(d),
                        "text": d.decode("utf-8", "backslashreplace"),
                    }).encode() + b"\n")
                else:
                    f.write(d.rstrip(b"\0\n") + b"\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
