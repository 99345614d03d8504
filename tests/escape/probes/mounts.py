#!/usr/bin/python3
"""mounts.py WHAT ARGS...: the new mount API, which mount(8) does not use,
from python. Prints "WHAT: ok" (and exits 0) or "WHAT: STAGE: error"
(and exits 1).

  clear-ro PATH [rec]   mount_setattr(PATH, attr_clr = RDONLY), with
                        AT_RECURSIVE if "rec": make a read-only mount
                        writable
  set-ro PATH           mount_setattr(PATH, attr_set = RDONLY)
  clone-to SRC DST      open_tree(SRC, OPEN_TREE_CLONE | AT_RECURSIVE),
                        then move_mount of the copy onto DST
  clone1-to SRC DST     the same without AT_RECURSIVE: a copy without the
                        mounts below SRC, which would uncover what they
                        cover
  move SRC DST          open_tree(SRC) of the mount itself (no clone), then
                        move_mount onto DST: takes a mount away from where
                        it is, uncovering what was below
  fsmount-tmpfs DST     fsopen("tmpfs"), fsconfig, fsmount, move_mount
"""
import ctypes, os, sys

libc = ctypes.CDLL(None, use_errno=True)
SYS_open_tree, SYS_move_mount, SYS_fsopen = 428, 429, 430
SYS_fsconfig, SYS_fsmount, SYS_mount_setattr = 431, 432, 442
AT_FDCWD = -100
AT_RECURSIVE = 0x8000
AT_EMPTY_PATH = 0x1000
OPEN_TREE_CLONE, OPEN_TREE_CLOEXEC = 1, 0o2000000
MOVE_MOUNT_F_EMPTY_PATH = 0x4
MOUNT_ATTR_RDONLY = 0x1
FSCONFIG_CMD_CREATE = 6


class mount_attr(ctypes.Structure):
    _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64),
                ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]


def sc(nr, *a):
    r = libc.syscall(nr, *a)
    return r, (os.strerror(ctypes.get_errno()) if r < 0 else "")


def setattr(path, set_, clr, rec):
    a = mount_attr(set_, clr, 0, 0)
    return sc(SYS_mount_setattr, AT_FDCWD, path.encode(),
              AT_RECURSIVE if rec else 0, ctypes.byref(a), ctypes.sizeof(a))


def main():
    what, args = sys.argv[1], sys.argv[2:]
    if what in ("clear-ro", "set-ro"):
        rec = len(args) > 1 and args[1] == "rec"
        r, e = setattr(args[0], 0 if what == "clear-ro" else MOUNT_ATTR_RDONLY,
                       MOUNT_ATTR_RDONLY if what == "clear-ro" else 0, rec)
        return "ok" if r == 0 else "mount_setattr: " + e
    if what in ("clone-to", "clone1-to", "move"):
        flags = OPEN_TREE_CLOEXEC
        if what == "clone-to":
            flags |= OPEN_TREE_CLONE | AT_RECURSIVE
        if what == "clone1-to":
            flags |= OPEN_TREE_CLONE
        fd, e = sc(SYS_open_tree, AT_FDCWD, args[0].encode(), flags)
        if fd < 0:
            return "open_tree: " + e
        r, e = sc(SYS_move_mount, fd, b"", AT_FDCWD, args[1].encode(),
                  MOVE_MOUNT_F_EMPTY_PATH)
        return "ok" if r == 0 else "move_mount: " + e
    if what == "fsmount-tmpfs":
        fs, e = sc(SYS_fsopen, b"tmpfs", 0)
        if fs < 0:
            return "fsopen: " + e
        r, e = sc(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, None, None, 0)
        if r < 0:
            return "fsconfig: " + e
        m, e = sc(SYS_fsmount, fs, 0, 0)
        if m < 0:
            return "fsmount: " + e
        r, e = sc(SYS_move_mount, m, b"", AT_FDCWD, args[0].encode(),
                  MOVE_MOUNT_F_EMPTY_PATH)
        return "ok" if r == 0 else "move_mount: " + e
    return "unknown " + what


result = main()
print("%s: %s" % (sys.argv[1], result), flush=True)
sys.exit(0 if result == "ok" else 1)
