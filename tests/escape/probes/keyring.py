#!/usr/bin/python3
"""keyring.py [DESCRIPTION...]: the session keyring in use and whether the
user keys named DESCRIPTION can be found from it, through raw keyctl(2)
(the filter must refuse it, not a missing library). Prints

  SES=<serial of @s, without creating one> or SES=ERR <error>
  USES=<serial of @us> or USES=ERR <error>
  KEY <description>=<serial> <payload> | ERR <error>
"""
import ctypes, os, sys

libc = ctypes.CDLL(None, use_errno=True)
SYS_keyctl = 250
KEYCTL_GET_KEYRING_ID, KEYCTL_READ, KEYCTL_SEARCH = 0, 11, 10
KEY_SPEC_SESSION_KEYRING, KEY_SPEC_USER_SESSION_KEYRING = -3, -5


def keyctl(*a):
    r = libc.syscall(SYS_keyctl, *a)
    return r, ("" if r >= 0 else os.strerror(ctypes.get_errno()))


def show(name, spec):
    r, e = keyctl(KEYCTL_GET_KEYRING_ID, ctypes.c_long(spec), 0)
    print("%s=%s" % (name, r if r >= 0 else "ERR " + e), flush=True)


show("SES", KEY_SPEC_SESSION_KEYRING)
show("USES", KEY_SPEC_USER_SESSION_KEYRING)
for d in sys.argv[1:]:
    r, e = keyctl(KEYCTL_SEARCH, ctypes.c_long(KEY_SPEC_SESSION_KEYRING),
                  b"user", d.encode(), 0)
    if r < 0:
        print("KEY %s=ERR %s" % (d, e), flush=True)
        continue
    buf = ctypes.create_string_buffer(256)
    n, e2 = keyctl(KEYCTL_READ, ctypes.c_long(r), buf, 256)
    print("KEY %s=%d %s" % (d, r, buf.raw[:n].decode(errors="replace") if n >= 0 else "unreadable " + e2), flush=True)
