#!/usr/bin/python3
"""state.py [MARKER]: what the process that runs it is, one KEY=VALUE a line.

Run as the payload of an attack: MARKER (a file in the user's home) is
made, so that its existence says the payload ran, with the same lines
that go to standard output (renamed into place once written; under
RLIMIT_FSIZE=0 it stays empty, and standard output has them). The test compares
them with what a jailed process must be (tests/escape/lib.sh,
esc_state_violations). Forks nothing, and a failing question gives its
error as the value, never a crash: a fault injected into the session's own
processes cannot make it lie or go silent."""
import os, sys

out = []
mark = None
if len(sys.argv) > 1:
    # written whole under another name, then renamed: the marker never
    # exists half written (a session killed meanwhile leaves none)
    tmp = "%s.%d.tmp" % (sys.argv[1], os.getpid())
    try:
        mark = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    except OSError as e:
        out.append("MARKER=" + e.strerror)


def add(key, fn):
    try:
        out.append("%s=%s" % (key, fn()))
    except Exception as e:  # noqa: BLE001 - every failure is an answer
        out.append("%s=%s" % (key, getattr(e, "strerror", None) or repr(e)))


def status():
    st = {}
    for line in open("/proc/self/status"):
        k, _, v = line.partition(":")
        st[k] = " ".join(v.split())
    return st


try:
    st = status()
except OSError:
    st = {}
for k in ("Uid", "Gid", "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb",
          "NoNewPrivs", "Seccomp"):
    out.append("%s=%s" % (k, st.get(k, "?")))
out.append("Groups=" + " ".join(sorted(st.get("Groups", "").split(), key=int)))
for n in ("mnt", "pid", "ipc", "uts"):
    add("NS_" + n, lambda: os.readlink("/proc/self/ns/" + n))
add("PID1", lambda: open("/proc/1/comm").read().strip())


def vartmp():
    # a write where the host has a world-writable directory: EROFS in a jail
    p = "/var/tmp/.jt-esc-w-%d" % os.getpid()
    os.close(os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    os.unlink(p)
    return "written"


add("VARTMP", vartmp)
# what the profile decides: hostname, interfaces (this namespace's, from
# /proc/net/dev), the open-files limit
add("HOSTNAME", lambda: os.uname().nodename)
add("IFACES", lambda: ",".join(sorted(
    l.split(":")[0].strip() for l in open("/proc/net/dev").readlines()[2:])))


def nofile():
    import resource
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


add("NOFILE", nofile)
add("ROOT", lambda: "ro" if os.statvfs("/").f_flag & os.ST_RDONLY else "rw")
add("SUID_MOUNTS", lambda: ",".join(
    l.split()[4] for l in open("/proc/self/mountinfo")
    if "nosuid" not in l.split()[5].split(",")))
text = "\n".join(out) + "\n"
if mark is not None:
    try:
        os.write(mark, text.encode())
    except OSError:
        pass  # RLIMIT_FSIZE=0: the marker stays empty, stdout has it
    os.close(mark)
    os.rename(tmp, sys.argv[1])
try:
    sys.stdout.write(text)
    sys.stdout.flush()
except (OSError, ValueError):
    pass  # stdout closed
