#!/usr/bin/python3
"""crash.py USER N SEED SIGNALS COMMAND...: N times (run as root), starts
COMMAND as USER (real uid, gid and groups USER's; so a setuid jailsh is
root while it builds the jail) in USER's home directory, with RLIMIT_CORE
unlimited (soft and hard), waits 0-5 ms after the exec and sends it one of
SIGNALS (a comma list of names, such as SEGV,ABRT,QUIT,BUS; each a signal
whose default action dumps core), or, for STOP, stops it, looks at its
/proc/PID/environ (owned by root when the process is not dumpable, by
its effective uid when it is) and kills it. After each, a core* file that
appeared in the home directory is noted (its owner, and the name of the
program that dumped it, from the core's NT_PRPSINFO note) and removed: a
signal that reaches jailsh once the session runs is passed on to the
shell, which may dump a core of its own there, as the user.

Prints JSON: how it ended, each way, how many the kernel reports as having
dumped core (WCOREDUMP), the owners of /proc/PID/environ seen while
stopped (with the process's real uid), and the cores found.
"""
import json, os, pwd, random, resource, signal, struct, sys, time


def core_program(path):
    """pr_fname of the NT_PRPSINFO note of an x86_64 ELF core, or '?'"""
    try:
        with open(path, "rb") as f:
            data = f.read(1 << 20)
        if data[:4] != b"\x7fELF" or data[4] != 2:
            return "?"
        phoff, = struct.unpack_from("<Q", data, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
        for i in range(phnum):
            ptype, _, off, _, _, filesz = struct.unpack_from("<IIQQQQ", data, phoff + i * phentsize)
            if ptype != 4:  # PT_NOTE
                continue
            pos, end = off, off + filesz
            while pos + 12 <= end:
                namesz, descsz, ntype = struct.unpack_from("<III", data, pos)
                desc = pos + 12 + ((namesz + 3) & ~3)
                if ntype == 3:  # NT_PRPSINFO: pr_fname at 40, 16 bytes
                    return data[desc + 40:desc + 56].split(b"\0")[0].decode(errors="replace")
                pos = desc + ((descsz + 3) & ~3)
    except (OSError, struct.error, IndexError):
        pass
    return "?"


user, n, seed, sigs, command = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4].split(","), sys.argv[5:]
pw = pwd.getpwnam(user)
rnd = random.Random(seed)
env = {"PATH": "/usr/bin:/bin", "HOME": pw.pw_dir, "USER": user, "LOGNAME": user}
ended, dumped, stopped_owner, cores = {}, 0, {}, {}
for i in range(n):
    name = rnd.choice(sigs)
    pr, pw_ = os.pipe2(os.O_CLOEXEC)
    pid = os.fork()
    if pid == 0:
        os.close(pr)
        resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        os.setgroups(os.getgrouplist(user, pw.pw_gid))
        os.setresgid(pw.pw_gid, pw.pw_gid, pw.pw_gid)
        os.setresuid(pw.pw_uid, pw.pw_uid, pw.pw_uid)
        os.chdir(pw.pw_dir)
        null = os.open("/dev/null", os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.execve(command[0], command, env)
        os._exit(127)
    os.close(pw_)
    os.read(pr, 1)
    os.close(pr)
    end = time.monotonic() + rnd.uniform(0, 0.005)
    while time.monotonic() < end:
        pass
    if name == "STOP":
        os.kill(pid, signal.SIGSTOP)
        os.waitpid(pid, os.WUNTRACED)
        try:
            # a file in it, not the directory, whose owner the kernel
            # always takes from the effective uid
            owner = os.stat("/proc/%d/environ" % pid).st_uid
            ruid = next(int(l.split()[1]) for l in open("/proc/%d/status" % pid) if l.startswith("Uid:"))
            k = "owner %d, ruid %d" % (owner, ruid)
            stopped_owner[k] = stopped_owner.get(k, 0) + 1
        except (OSError, StopIteration):
            pass
        os.kill(pid, signal.SIGKILL)
    else:
        os.kill(pid, getattr(signal, "SIG" + name))
    _, status = os.waitpid(pid, 0)
    how = ("signal %s" % signal.Signals(os.WTERMSIG(status)).name) if os.WIFSIGNALED(status) \
        else ("exit %d" % os.WEXITSTATUS(status))
    ended[how] = ended.get(how, 0) + 1
    dumped += bool(os.WIFSIGNALED(status) and os.WCOREDUMP(status))
    # whatever the jail left is ended with it (init follows the outer
    # process); give it a moment before the next start
    time.sleep(0.002)
    for f in os.listdir(pw.pw_dir):
        if f.startswith("core"):
            p = os.path.join(pw.pw_dir, f)
            k = "%s by %s, owner %d, after %s" % (f, core_program(p), os.stat(p).st_uid, how)
            cores[k] = cores.get(k, 0) + 1
            os.unlink(p)
print(json.dumps({"n": n, "ended": ended, "dumped": dumped,
                  "stopped_proc_owner": stopped_owner, "cores": cores}))
