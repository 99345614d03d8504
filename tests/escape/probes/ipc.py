#!/usr/bin/python3
"""ipc.py WHAT ARGS...: System V and POSIX IPC from python (ctypes), one
"NAME=ok" or "NAME=<error>" line per try.

  sysv SHMID MSQID SEMID SHMKEY MSGKEY SEMKEY
        shmat by id, shmget/msgget/semget by key (without IPC_CREAT),
        msgctl and semctl IPC_STAT by id: objects of another IPC namespace
        are neither found by key nor reachable by id
  mq NAME
        mq_open(NAME, O_RDONLY)
  mq-create NAME | mq-unlink NAME
        make (mode 0666) or remove the queue NAME
  shm-create KEY
        shmget(KEY, 4096, IPC_CREAT | 0666): prints SHMID=<id>
"""
import ctypes, os, sys

libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
IPC_CREAT, IPC_STAT = 0o1000, 2
O_RDONLY, O_CREAT = os.O_RDONLY, os.O_CREAT


def err():
    return os.strerror(ctypes.get_errno())


def say(name, ok):
    print("%s=%s" % (name, "ok" if ok else err()), flush=True)


what, a = sys.argv[1], sys.argv[2:]
if what == "sysv":
    shmid, msqid, semid = (int(x) for x in a[:3])
    shmkey, msgkey, semkey = (int(x, 0) for x in a[3:6])
    p = libc.shmat(shmid, None, 0o10000)  # SHM_RDONLY
    say("shmat", p not in (None, ctypes.c_void_p(-1).value))
    say("shmget", libc.shmget(shmkey, 0, 0) >= 0)
    say("msgget", libc.msgget(msgkey, 0) >= 0)
    say("semget", libc.semget(semkey, 0, 0) >= 0)
    buf = ctypes.create_string_buffer(512)
    say("msgctl", libc.msgctl(msqid, IPC_STAT, buf) >= 0)
    say("semctl", libc.semctl(semid, 0, IPC_STAT, buf) >= 0)
elif what == "mq":
    say("mq_open", libc.mq_open(a[0].encode(), O_RDONLY) >= 0)
elif what == "mq-create":
    old = os.umask(0)
    say("mq_create", libc.mq_open(a[0].encode(), O_RDONLY | O_CREAT, 0o666, None) >= 0)
    os.umask(old)
elif what == "mq-unlink":
    say("mq_unlink", libc.mq_unlink(a[0].encode()) == 0)
elif what == "shm-create":
    r = libc.shmget(int(a[0], 0), 4096, IPC_CREAT | 0o666)
    print("SHMID=%s" % (r if r >= 0 else err()), flush=True)
