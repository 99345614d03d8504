#!/usr/bin/python3
"""killstorm.py [--root] USER N SEED COMMAND...: N times, starts COMMAND
(for instance JAILSH -c 'sleep 1') as USER (real uid, gid and groups
USER's, so the setuid bit makes jailsh root while it builds the jail),
waits 0-5 ms (at random) after the exec, then sends it SIGKILL, or
SIGSTOP, 0-5 ms later SIGCONT and at once SIGKILL, each signal sent by
root or by USER (at random; USER's signals come from a process of USER's,
which may signal its own setuid jailsh since the real uid is USER's).
With --root, COMMAND runs as root (a PAM service opening USER's session)
and only root sends the signals. After each, up to 2 s for everything to
be gone:

  - no live process of USER (zombies do not count)
  - no live process left below this one (it is a child subreaper, so an
    orphaned jail init, root or not, would be reparented here)
  - the host's mount table (/proc/1/mountinfo: id, mount point, options)
    as it was before the first start

Prints one line of JSON: counts by signal and sender, the exit statuses
seen, the clean-up times (mean, 99th percentile, max, in ms), the start
delays actually used, and every failure (survivors, which are then killed,
and mount table changes). Exits 0 when there was no failure.
"""
import ctypes, json, os, pwd, random, signal, sys, time

libc = ctypes.CDLL(None, use_errno=True)
PR_SET_CHILD_SUBREAPER = 36


def mounts():
    with open("/proc/1/mountinfo") as f:
        return [" ".join(l.split()[i] for i in (0, 4, 5)) for l in f]


def spin_until(t):
    while time.monotonic() < t:
        pass


def live(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            st = f.read()
        return st[st.rindex(")") + 2] != "Z"
    except (OSError, ValueError):
        return False


def survivors(uid, me, skip):
    out = []
    for p in os.listdir("/proc"):
        if not p.isdigit() or int(p) in skip:
            continue
        pid = int(p)
        try:
            with open("/proc/%d/stat" % pid) as f:
                st = f.read()
            rest = st[st.rindex(")") + 2:].split()
            state, ppid = rest[0], int(rest[1])
            with open("/proc/%d/status" % pid) as f:
                ruid = next(int(l.split()[1]) for l in f if l.startswith("Uid:"))
        except (OSError, ValueError, StopIteration):
            continue
        if state != "Z" and (ruid == uid or ppid == me):
            out.append(pid)
    return out


def reap():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def main():
    args = sys.argv[1:]
    as_root = args[0] == "--root"
    if as_root:
        args = args[1:]
    user, n, seed, command = args[0], int(args[1]), int(args[2]), args[3:]
    pw = pwd.getpwnam(user)
    uid, gid = pw.pw_uid, pw.pw_gid
    rnd = random.Random(seed)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    me = os.getpid()
    env = {"PATH": "/usr/bin:/bin", "HOME": pw.pw_dir, "USER": user, "LOGNAME": user}

    def become_user():
        os.setgroups(os.getgrouplist(user, gid))
        os.setresgid(gid, gid, gid)
        os.setresuid(uid, uid, uid)

    # the user's signaller: reads "PID SIG" lines, answers the errno (0: sent)
    req_r, req_w = os.pipe()
    ack_r, ack_w = os.pipe()
    signaller = os.fork()
    if signaller == 0:
        os.close(req_w)
        os.close(ack_r)
        become_user()
        f = os.fdopen(req_r)
        for line in f:
            pid, sig = (int(x) for x in line.split())
            try:
                os.kill(pid, sig)
                e = 0
            except OSError as ex:
                e = ex.errno
            os.write(ack_w, b"%d\n" % e)
        os._exit(0)
    os.close(req_r)
    os.close(ack_w)
    ack = os.fdopen(ack_r)

    def send(who, pid, sig):
        if who == "root":
            try:
                os.kill(pid, sig)
                return 0
            except OSError as ex:
                return ex.errno
        os.write(req_w, b"%d %d\n" % (pid, sig))
        return int(ack.readline())

    base = mounts()
    counts, statuses, cleanup, delays, failures = {}, {}, [], [], []
    send_errors = 0
    t_start = time.monotonic()
    for i in range(n):
        sig = rnd.choice(("KILL", "STOP"))
        who = "root" if as_root else rnd.choice(("root", "user"))
        delay = rnd.uniform(0, 0.005)
        key = "%s-by-%s" % (sig, who)
        counts[key] = counts.get(key, 0) + 1
        pr, pw_ = os.pipe2(os.O_CLOEXEC)
        pid = os.fork()
        if pid == 0:
            try:
                os.close(pr)
                if not as_root:
                    become_user()
                os.chdir(pw.pw_dir)
                null = os.open("/dev/null", os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(null, fd)
                os.execve(command[0], command, env)
            except Exception as ex:  # reported through the pipe
                os.write(pw_, str(ex).encode())
            os._exit(127)
        os.close(pw_)
        err = os.read(pr, 200)  # EOF at the exec
        os.close(pr)
        t_exec = time.monotonic()
        if err:
            failures.append({"i": i, "exec": err.decode(errors="replace")})
        spin_until(t_exec + delay)
        delays.append(time.monotonic() - t_exec)
        if sig == "KILL":
            send_errors += send(who, pid, signal.SIGKILL) != 0
        else:
            send_errors += send(who, pid, signal.SIGSTOP) != 0
            spin_until(time.monotonic() + rnd.uniform(0, 0.005))
            send_errors += send(who, pid, signal.SIGCONT) != 0
            send_errors += send(who, pid, signal.SIGKILL) != 0
        _, status = os.waitpid(pid, 0)
        st = ("signal %d" % os.WTERMSIG(status)) if os.WIFSIGNALED(status) \
            else ("exit %d" % os.WEXITSTATUS(status))
        statuses[st] = statuses.get(st, 0) + 1
        t0 = time.monotonic()
        while True:
            reap()
            left = survivors(uid, me, {signaller, me})
            if not left:
                break
            if time.monotonic() - t0 > 2:
                info = []
                for p in left:
                    try:
                        info.append((p, open("/proc/%d/cmdline" % p).read().replace("\0", " ")))
                    except OSError:
                        pass
                    try:
                        os.kill(p, signal.SIGKILL)
                    except OSError:
                        pass
                failures.append({"i": i, "how": key, "delay_ms": round(delay * 1000, 3),
                                 "survivors": info})
                break
            time.sleep(0.001)
        cleanup.append(time.monotonic() - t0)
        now = mounts()
        if now != base:
            failures.append({"i": i, "how": key, "delay_ms": round(delay * 1000, 3),
                             "mounts_added": sorted(set(now) - set(base))[:5],
                             "mounts_gone": sorted(set(base) - set(now))[:5]})
            base = now
    total = time.monotonic() - t_start
    os.close(req_w)
    os.waitpid(signaller, 0)
    reap()
    cleanup.sort()
    ms = lambda x: round(x * 1000, 2)
    print(json.dumps({
        "n": n, "seconds": round(total, 2), "counts": counts, "statuses": statuses,
        "send_errors": send_errors,
        "cleanup_ms": {"mean": ms(sum(cleanup) / len(cleanup)),
                       "p99": ms(cleanup[int(len(cleanup) * 0.99) - 1]),
                       "max": ms(cleanup[-1])},
        "delay_ms": {"min": ms(min(delays)), "max": ms(max(delays))},
        "failures": failures[:20], "nfailures": len(failures)}))
    return 0 if not failures else 1


sys.exit(main())
