#!/usr/bin/python3
"""dns.py ADDR PORT NAME ANSWER READY LOG: a DNS server of the test's own,
on UDP ADDR:PORT, that knows one name: a query for NAME (type A) gets the
IPv4 address ANSWER, another type of it no answer, any other name
NXDOMAIN. "ready" goes to the file READY
once it listens; each query's name goes to LOG, a line each."""
import socket
import struct
import sys


def qname(msg, off):
    """The name at OFF of MSG (no compression in queries) and where it
    ends."""
    labels = []
    while msg[off]:
        n = msg[off]
        labels.append(msg[off + 1:off + 1 + n].decode("ascii", "replace"))
        off += 1 + n
    return ".".join(labels), off + 1


def answer(msg, name, addr):
    ident, _flags, qd = struct.unpack(">HHH", msg[:6])
    if qd != 1:
        return None
    asked, end = qname(msg, 12)
    qtype, _qclass = struct.unpack(">HH", msg[end:end + 4])
    question = msg[12:end + 4]
    known = asked.lower().rstrip(".") == name
    found = known and qtype == 1
    # QR, RD, RA; NXDOMAIN for a name it does not know
    flags = 0x8180 if known else 0x8183
    head = struct.pack(">HHHHHH", ident, flags, 1, 1 if found else 0, 0, 0)
    if not found:
        return head + question, asked
    rr = struct.pack(">HHHIH", 0xC00C, 1, 1, 60, 4) + socket.inet_aton(addr)
    return head + question + rr, asked


def main(addr, port, name, addr_answer, ready, log):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, int(port)))
    with open(ready, "w") as f:
        f.write("ready\n")
    out = open(log, "a")
    while True:
        msg, peer = s.recvfrom(4096)
        try:
            got = answer(msg, name.lower(), addr_answer)
        except (IndexError, struct.error):
            continue
        if got:
            out.write(got[1] + "\n")
            out.flush()
            s.sendto(got[0], peer)


if __name__ == "__main__":
    main(*sys.argv[1:7])
