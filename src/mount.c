#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fds.h"
#include "mount.h"
#include "net.h"
#include "path.h"
#include "priv.h"

/* A host tree cloned before the host was made read-only: volumes and maps,
 * and the host's /dev/pts (or all of /dev). */
struct source {
	int tree; /* detached mount, or -1 */
	int is_dir;
	int *nodes; /* /dev without privilege: clones of the host's nodes */
};

/* The minimal /dev: these device nodes, and links. With containers = yes
 * also fuse and net/tun, which open nothing without a user namespace of
 * one's own (FUSE mounts, tun devices need its capabilities). */
static const struct {
	const char *name;
	unsigned int major, minor;
	bool containers; /* only with containers = yes */
} dev_nodes[] = {
	{ "null", 1, 3, false },      { "zero", 1, 5, false },
	{ "full", 1, 7, false },      { "random", 1, 8, false },
	{ "urandom", 1, 9, false },   { "tty", 5, 0, false },
	{ "ptmx", 5, 2, false },      { "fuse", 10, 229, true },
	{ "net/tun", 10, 200, true },
};
#define NDEV_NODES (sizeof(dev_nodes) / sizeof(dev_nodes[0]))

/* Does the plan's /dev have node I? */
static int has_node(const struct plan *pl, size_t i)
{
	return !dev_nodes[i].containers || pl->profile->containers;
}

static int set_attr(int fd, const char *path, unsigned int flags,
		    unsigned long long set)
{
	struct mount_attr attr = { .attr_set = set };

	return mount_setattr(fd, path, flags, &attr, sizeof(attr));
}

/* open_tree(OPEN_TREE_CLONE) of an O_PATH descriptor: no path lookup, so
 * what was checked is what gets mounted. Attributes are only ever added:
 * a volume is exactly as writable as on the host, never more. */
static int clone_tree(int fd, unsigned long long attrs, const char *what,
		      const char *path, struct jerr *e)
{
	int tree = open_tree(fd, "",
			     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
				     AT_EMPTY_PATH | AT_RECURSIVE);

	if (tree < 0)
		return jerr_sys(e, errno, "%s %s: clone", what, path);
	if (set_attr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, attrs) < 0) {
		int err = errno;

		close(tree);
		return jerr_sys(e, err, "%s %s: set mount attributes", what,
				path);
	}
	return tree;
}

/* "FILE:LINE: " for an op the profile asked for, "" for a built-in one. */
static const char *where(const struct plan *pl, const struct plan_op *op,
			 char *buf, size_t len)
{
	buf[0] = '\0';
	if (op && op->line)
		profile_where(pl->profile, op->line, buf, len);
	return buf;
}

static int prepare_bind(const struct plan *pl, const struct plan_op *op,
			struct source *src, struct jerr *e)
{
	const char *what = op->kind == MOUNT_VOLUME ? "volume" : "map";
	unsigned long long attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
	char ctx[4200];
	struct stat st;
	int fd;

	/* as the user: what they cannot reach on the host they cannot
	 * bring into the jail either */
	if (priv_fs_user(pl->id, e) < 0)
		return -1;
	fd = path_open(op->source, what, e);
	if (fd < 0 && e->errnum == ENOENT && op->optional) {
		src->tree = -1;
		return priv_fs_root(e);
	}
	if (priv_fs_root(e) < 0) {
		fds_close(&fd);
		return -1;
	}
	if (fd < 0)
		return jerr_prefix(e, "%s", where(pl, op, ctx, sizeof(ctx)));
	if (fstat(fd, &st) < 0 ||
	    !(S_ISDIR(st.st_mode) || S_ISREG(st.st_mode))) {
		close(fd);
		return jerr_set(e,
				"%s%s %s: not a directory or a regular "
				"file",
				where(pl, op, ctx, sizeof(ctx)), what,
				op->source);
	}
	src->is_dir = S_ISDIR(st.st_mode);
	if (op->kind == MOUNT_MAP)
		attrs |= MOUNT_ATTR_RDONLY;
	src->tree = clone_tree(fd, attrs, what, op->source, e);
	close(fd);
	return src->tree < 0 ? -1 : 0;
}

/* The socket of a forwarded agent, as sshd makes it: a socket owned by
 * the user in a directory of theirs that no one else may enter. Anything
 * else (the path came from the user's environment) is refused. */
static int prepare_agent(const struct plan *pl, const struct plan_op *op,
			 struct source *src, struct jerr *e)
{
	const struct identity *id = pl->id;
	char dir[PATH_MAX];
	struct stat st, dst;
	int fd, dfd;

	snprintf(dir, sizeof(dir), "%s", op->source);
	*strrchr(dir, '/') = '\0';
	if (priv_fs_user(id, e) < 0)
		return -1;
	fd = path_open(op->source, "agent socket", e);
	dfd = fd < 0 ? -1 : path_open(dir, "agent socket directory", e);
	if (fd < 0 || dfd < 0) {
		/* the path came from the environment: say so */
		jerr_prefix(e,
			    "SSH_AUTH_SOCK=%s cannot be brought into the "
			    "jail: ",
			    op->source);
		priv_fs_root(e);
		goto fail;
	}
	if (priv_fs_root(e) < 0)
		goto fail;
	if (fstat(fd, &st) < 0 || fstat(dfd, &dst) < 0) {
		jerr_sys(e, errno, "agent socket %s", op->source);
		goto fail;
	}
	if (!S_ISSOCK(st.st_mode) || st.st_uid != id->uid ||
	    !S_ISDIR(dst.st_mode) || dst.st_uid != id->uid ||
	    (dst.st_mode & 077)) {
		jerr_set(e,
			 "SSH_AUTH_SOCK=%s is not the agent socket sshd "
			 "made for %s; not brought into the jail",
			 op->source, id->name);
		goto fail;
	}
	src->is_dir = 0;
	src->tree = clone_tree(fd,
			       MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
				       MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
			       "agent socket", op->source, e);
	close(fd);
	close(dfd);
	return src->tree < 0 ? -1 : 0;
fail:
	fds_close(&fd);
	fds_close(&dfd);
	return -1;
}

static int prepare_dev(const struct plan *pl, struct source *src,
		       struct jerr *e)
{
	int host = pl->profile->devices == DEV_HOST;
	int fd = open(host ? "/dev" : "/dev/pts",
		      O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return jerr_sys(e, errno, "open %s",
				host ? "/dev" : "/dev/pts");
	src->is_dir = 1;
	src->tree = clone_tree(
		fd, MOUNT_ATTR_NOSUID | (host ? 0 : MOUNT_ATTR_NOEXEC),
		"devices", host ? "/dev" : "/dev/pts", e);
	close(fd);
	if (src->tree < 0 || host || !pl->userns)
		return src->tree < 0 ? -1 : 0;
	/* a user namespace cannot make device nodes: the host's are bound
	 * in, as bubblewrap does */
	src->nodes = calloc(NDEV_NODES, sizeof(int));
	if (!src->nodes)
		return jerr_sys(e, ENOMEM, "devices");
	for (size_t i = 0; i < NDEV_NODES; i++)
		src->nodes[i] = -1; /* what a failure leaves is closed */
	for (size_t i = 0; i < NDEV_NODES; i++) {
		char path[32];

		if (!has_node(pl, i))
			continue;
		snprintf(path, sizeof(path), "/dev/%s", dev_nodes[i].name);
		src->nodes[i] = open_tree(AT_FDCWD, path,
					  OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
						  AT_SYMLINK_NOFOLLOW);
		if (src->nodes[i] < 0)
			return jerr_sys(e, errno, "devices: clone %s", path);
	}
	return 0;
}

/* move_mount() from a descriptor to a descriptor: no path lookup. */
#define MOVE_BY_DESCRIPTORS (MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH)

/* Attaches a detached mount at TARGET, found without following links the
 * user could have made. */
static int attach(int tree, const char *target, int want_dir,
		  const struct plan *pl, const struct plan_op *op,
		  struct jerr *e)
{
	char ctx[4200];
	struct stat st;
	int fd, r = 0;

	where(pl, op, ctx, sizeof(ctx));
	fd = path_open(target, "mount point", e);
	if (fd < 0 && e->errnum == ENOENT && op && op->kind == MOUNT_MAP &&
	    !op->line)
		return jerr_set(e,
				"containers = yes: %s is missing on the host: "
				"install shadow's newuidmap and newgidmap "
				"(Debian: uidmap), whose place jailsh's own "
				"take in the jail",
				target);
	if (fd < 0 && e->errnum == ENOENT)
		return jerr_set(e,
				"%smount point %s does not exist: create it "
				"on the host, or put it inside a tmpfs or hide "
				"of the profile",
				ctx, target);
	if (fd < 0)
		return jerr_prefix(e, "%s", ctx);
	if (fstat(fd, &st) < 0)
		r = jerr_sys(e, errno, "%smount point %s", ctx, target);
	else if (!S_ISDIR(st.st_mode) != !want_dir)
		r = jerr_set(e,
			     "%smount point %s is %sa directory but what "
			     "goes there is %s",
			     ctx, target, S_ISDIR(st.st_mode) ? "" : "not ",
			     want_dir ? "a directory" : "a file");
	else if (move_mount(tree, "", fd, "", MOVE_BY_DESCRIPTORS) < 0)
		r = jerr_sys(e, errno, "%smount on %s", ctx, target);
	close(fd);
	return r;
}

/* mkdir -p REL inside the tmpfs at DIRFD; the last component is a file
 * when IS_DIR is false (the mount point of a file volume). */
static int make_mountpoint(int dirfd, const char *rel, int is_dir,
			   struct jerr *e)
{
	char buf[4096], *p;

	snprintf(buf, sizeof(buf), "%s", rel);
	for (p = strchr(buf, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdirat(dirfd, buf, 0755) < 0 && errno != EEXIST)
			return jerr_sys(e, errno, "create mount point %s", buf);
		*p = '/';
	}
	if (is_dir) {
		if (mkdirat(dirfd, buf, 0755) < 0 && errno != EEXIST)
			return jerr_sys(e, errno, "create mount point %s", buf);
	} else {
		int fd = openat(dirfd, buf,
				O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW,
				0644);

		if (fd < 0)
			return jerr_sys(e, errno, "create mount point %s", buf);
		close(fd);
	}
	return 0;
}

/* A new tmpfs, not attached anywhere yet. SIZE 0: the kernel's default.
 * Its root is OWNER's, or root's when OWNER is NULL. */
static int new_tmpfs(const char *target, mode_t mode, uint64_t size,
		     unsigned int attrs, const struct identity *owner,
		     struct jerr *e)
{
	char mode_s[16], size_s[32], uid_s[16], gid_s[16];
	int fs, mnt;

	snprintf(mode_s, sizeof(mode_s), "%04o", mode);
	snprintf(size_s, sizeof(size_s), "%llu", (unsigned long long)size);
	snprintf(uid_s, sizeof(uid_s), "%u", owner ? owner->uid : 0);
	snprintf(gid_s, sizeof(gid_s), "%u", owner ? owner->gid : 0);
	fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return jerr_sys(e, errno, "tmpfs for %s", target);
	if (fsconfig(fs, FSCONFIG_SET_STRING, "mode", mode_s, 0) < 0 ||
	    (size &&
	     fsconfig(fs, FSCONFIG_SET_STRING, "size", size_s, 0) < 0) ||
	    (owner &&
	     (fsconfig(fs, FSCONFIG_SET_STRING, "uid", uid_s, 0) < 0 ||
	      fsconfig(fs, FSCONFIG_SET_STRING, "gid", gid_s, 0) < 0)) ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		jerr_sys(e, errno, "tmpfs for %s", target);
		close(fs);
		return -1;
	}
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, attrs);
	close(fs);
	return mnt < 0 ? jerr_sys(e, errno, "tmpfs for %s", target) : mnt;
}

/* A tmpfs of the plan: filled with the mount points of the ops that lie
 * inside it, made read-only if it hides something, then attached. The
 * session's runtime directory is the user's own. */
static int make_tmpfs(const struct plan *pl, size_t i,
		      const struct source *srcs, struct jerr *e)
{
	const struct plan_op *op = &pl->ops[i];
	int hide = op->kind == MOUNT_HIDE;
	int mnt, r = -1;

	mnt = new_tmpfs(op->target, hide ? 0755 : op->mode,
			hide ? 4096 : op->size,
			MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
			op->kind == MOUNT_RUNTIME ? pl->id : NULL, e);
	if (mnt < 0)
		return -1;
	for (size_t j = i + 1; j < pl->nops; j++) {
		const struct plan_op *child = &pl->ops[j];
		size_t skip = strlen(op->target) + 1;
		int is_dir = child->kind == MOUNT_TMPFS ||
			     child->kind == MOUNT_HIDE ||
			     child->kind == MOUNT_RUNTIME || srcs[j].is_dir;

		if (child->parent != (int)i)
			continue;
		if (make_mountpoint(mnt, child->target + skip, is_dir, e) < 0)
			goto out;
	}
	if (hide && set_attr(mnt, "", AT_EMPTY_PATH, MOUNT_ATTR_RDONLY) < 0) {
		jerr_sys(e, errno, "make %s read-only", op->target);
		goto out;
	}
	r = attach(mnt, op->target, 1, pl, op, e);
out:
	close(mnt);
	return r;
}

/* The host's /dev/log in the jail's minimal /dev, where syslog() looks:
 * the same link (on Debian, to journald's socket under /run), or a bind
 * of the socket itself, cloned now, before the new /dev covers it. The
 * PAM module's service (sshd) logs through it after it joins the jail.
 * Returns the clone of a socket, -1 (a link, or no /dev/log), or -2 when
 * there is a socket that could not be brought in: the jail would not be
 * what it should, so it is not built. */
static int prepare_log(int dev, struct jerr *e)
{
	char target[PATH_MAX];
	struct stat st;
	ssize_t n;
	int fd;

	if (lstat("/dev/log", &st) < 0)
		return -1;
	if (S_ISLNK(st.st_mode)) {
		n = readlink("/dev/log", target, sizeof(target) - 1);
		if (n > 0) { /* without it only logging suffers */
			target[n] = '\0';
			(void)!symlinkat(target, dev, "log");
		}
		return -1;
	}
	if (!S_ISSOCK(st.st_mode))
		return -1;
	fd = openat(dev, "log", O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
	if (fd >= 0) {
		close(fd);
		fd = open_tree(AT_FDCWD, "/dev/log",
			       OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
				       AT_SYMLINK_NOFOLLOW);
	}
	if (fd < 0) {
		jerr_sys(e, errno, "bring /dev/log into the jail");
		return -2;
	}
	return fd;
}

/* A new file system of TYPE with nothing to configure, not attached
 * anywhere yet; -1 (errno set) on failure. */
static int fresh_fs(const char *type, unsigned int attrs)
{
	int fs = fsopen(type, FSOPEN_CLOEXEC), mnt = -1, err;

	if (fs >= 0 && fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
		mnt = fsmount(fs, FSMOUNT_CLOEXEC, attrs);
	err = errno;
	fds_close(&fs);
	errno = err;
	return mnt;
}

/* The host's /dev brings the host's /dev/mqueue: the queue file system of
 * the host's IPC namespace, mode 1777, where a queue made by path would
 * outlive the session and be the host's. Covered by the queue file system
 * of the jail's own IPC namespace (fsopen takes the caller's), which dies
 * with the jail. A host without one has nothing to cover. */
static int mount_mqueue(const struct plan *pl, struct jerr *e)
{
	struct stat st;
	int mnt, r;

	if (lstat("/dev/mqueue", &st) < 0 && errno == ENOENT)
		return 0;
	mnt = fresh_fs("mqueue", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
					 MOUNT_ATTR_NOEXEC);
	if (mnt < 0)
		return jerr_sys(e, errno, "mount the jail's own /dev/mqueue");
	r = attach(mnt, "/dev/mqueue", 1, pl, NULL, e);
	close(mnt);
	return r;
}

/* Every jail gets its own /dev/shm, whatever its /dev. */
static int mount_shm(const struct plan *pl, struct jerr *e)
{
	int mnt = new_tmpfs("/dev/shm", 01777, 0,
			    MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, NULL, e);
	int r;

	if (mnt < 0)
		return -1;
	r = attach(mnt, "/dev/shm", 1, pl, NULL, e);
	close(mnt);
	return r;
}

static int mount_proc(struct jerr *e)
{
	/* Over the host's /proc, which stays covered: the user can never
	 * unmount it, not even from a user namespace of their own, where
	 * the kernel locks mounts together with what covers them. Not
	 * detaching it spares an RCU grace period on every start. */
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0)
		return jerr_sys(e, errno, "mount /proc");
	return 0;
}

/* The entries of the minimal /dev, in the new tmpfs DEV: the device nodes
 * (without privilege, the files the host's are bound onto later), the
 * links to /proc/self/fd, and where pts and shm go. */
static int fill_dev(const struct plan *pl, int dev, const struct source *src,
		    struct jerr *e)
{
	static const char *const links[][2] = {
		{ "fd", "/proc/self/fd" },
		{ "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" },
		{ "stderr", "/proc/self/fd/2" },
	};
	mode_t old_umask = umask(0);

	if (pl->profile->containers && mkdirat(dev, "net", 0755) < 0) {
		umask(old_umask);
		return jerr_sys(e, errno, "create /dev/net");
	}
	for (size_t i = 0; i < NDEV_NODES; i++) {
		const char *name = dev_nodes[i].name;
		int fd = -1;

		if (!has_node(pl, i))
			continue;
		if (src->nodes) /* the mount point of the host's node */
			fd = openat(dev, name,
				    O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC,
				    0666);
		if ((src->nodes && fd < 0) ||
		    (!src->nodes && mknodat(dev, name, S_IFCHR | 0666,
					    makedev(dev_nodes[i].major,
						    dev_nodes[i].minor)) < 0)) {
			jerr_sys(e, errno, "create /dev/%s", name);
			umask(old_umask);
			return -1;
		}
		fds_close(&fd);
	}
	umask(old_umask);
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (symlinkat(links[i][1], dev, links[i][0]) < 0)
			return jerr_sys(e, errno, "create /dev/%s",
					links[i][0]);
	if (mkdirat(dev, "pts", 0755) < 0 || mkdirat(dev, "shm", 0755) < 0)
		return jerr_sys(e, errno, "create /dev/pts and /dev/shm");
	return 0;
}

/* Onto the minimal /dev once it is attached: the host's device nodes
 * (without privilege), /dev/log (LOG, closed here, or -1) and the host's
 * devpts. */
static int attach_into_dev(const struct plan *pl, const struct source *src,
			   int log, struct jerr *e)
{
	int r = 0;

	for (size_t i = 0; src->nodes && i < NDEV_NODES && r == 0; i++) {
		char path[32];

		if (!has_node(pl, i))
			continue;
		snprintf(path, sizeof(path), "/dev/%s", dev_nodes[i].name);
		r = attach(src->nodes[i], path, 0, pl, NULL, e);
	}
	if (r == 0 && log >= 0)
		r = attach(log, "/dev/log", 0, pl, NULL, e);
	fds_close(&log);
	/* the host's devpts, so that the session's own terminal keeps its
	 * name (tty, tmux, screen); other users' terminals stay theirs */
	if (r == 0)
		r = attach(src->tree, "/dev/pts", 1, pl, NULL, e);
	return r;
}

static int mount_devices(const struct plan *pl, const struct source *src,
			 struct jerr *e)
{
	int dev, log = -1;

	if (pl->profile->devices == DEV_HOST) {
		if (attach(src->tree, "/dev", 1, pl, NULL, e) < 0 ||
		    mount_shm(pl, e) < 0)
			return -1;
		return mount_mqueue(pl, e);
	}
	dev = new_tmpfs("/dev", 0755, 65536,
			MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, NULL, e);
	if (dev < 0)
		return -1;
	if (fill_dev(pl, dev, src, e) < 0)
		goto fail;
	log = prepare_log(dev, e);
	if (log == -2)
		goto fail;
	if (set_attr(dev, "", AT_EMPTY_PATH, MOUNT_ATTR_RDONLY) < 0) {
		jerr_sys(e, errno, "make /dev read-only");
		goto fail;
	}
	if (attach(dev, "/dev", 1, pl, NULL, e) < 0)
		goto fail;
	close(dev);
	if (attach_into_dev(pl, src, log, e) < 0)
		return -1;
	return mount_shm(pl, e);
fail:
	fds_close(&log);
	close(dev);
	return -1;
}

static int prepare_sources(const struct plan *pl, struct source *srcs,
			   struct jerr *e)
{
	for (size_t i = 0; i < pl->nops; i++) {
		const struct plan_op *op = &pl->ops[i];

		if (op->kind == MOUNT_MAP || op->kind == MOUNT_VOLUME) {
			if (prepare_bind(pl, op, &srcs[i], e) < 0)
				return -1;
		} else if (op->kind == MOUNT_DEV) {
			if (prepare_dev(pl, &srcs[i], e) < 0)
				return -1;
		} else if (op->kind == MOUNT_AGENT) {
			if (prepare_agent(pl, op, &srcs[i], e) < 0)
				return -1;
		}
	}
	return 0;
}

/* Is the mount point of a built-in op that is only made where the host
 * has its target (/run/screen) missing? */
static int mountpoint_missing(const struct plan *pl, const struct plan_op *op)
{
	struct jerr ignored;
	int fd;

	if (!op->optional || plan_creates_mountpoint(pl, op))
		return 0;
	fd = path_open(op->target, "mount point", &ignored);
	if (fd < 0)
		return ignored.errnum == ENOENT;
	close(fd);
	return 0;
}

static int apply_op(const struct plan *pl, size_t i, const struct source *srcs,
		    int service, struct jerr *e)
{
	const struct plan_op *op = &pl->ops[i];

	switch (op->kind) {
	case MOUNT_SERVICE:
		/* made by the warden: a jail without one has no service */
		if (service < 0)
			return jerr_set(e,
					"%s: containers = yes: the jail's id "
					"service did not start",
					pl->profile->file);
		return attach(service, op->target, 1, pl, op, e);
	case MOUNT_ROOT:
		return 0; /* made read-only as a whole beforehand */
	case MOUNT_PROC:
		return mount_proc(e);
	case MOUNT_DEV:
		return mount_devices(pl, &srcs[i], e);
	case MOUNT_TMPFS:
	case MOUNT_HIDE:
	case MOUNT_RUNTIME:
		if (mountpoint_missing(pl, op))
			return 0;
		return make_tmpfs(pl, i, srcs, e);
	case MOUNT_MAP:
	case MOUNT_VOLUME:
	case MOUNT_AGENT:
		if (srcs[i].tree < 0 && op->optional)
			return 0;
		return attach(srcs[i].tree, op->target, srcs[i].is_dir, pl, op,
			      e);
	}
	return jerr_set(e, "unknown mount kind %d", op->kind);
}

/* A host without /run/user (no login manager made it) has no mount point
 * for the session's /run/user, and the host's /run is not the jail's to
 * change: /run becomes a read-only tmpfs of the jail's own, holding
 * user/ and the host's entries as they are, each bound back with what is
 * mounted below it (links copied). What the host adds to its /run later
 * is not seen in the jail. */
#define RUN_MAX_ENTRIES 4096

struct run_entry {
	char name[256];
	int tree; /* the host's entry, cloned; -1 for a link */
	int is_dir;
	char *link;
};

static int run_entries(int run, struct run_entry **out, size_t *n,
		       struct jerr *e)
{
	struct dirent *de;
	int fd = dup(run);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);

	*out = NULL;
	*n = 0;
	if (!d) {
		fds_close(&fd);
		return jerr_sys(e, errno, "read /run");
	}
	while ((errno = 0, de = readdir(d))) {
		struct run_entry *r, *grown;
		struct stat st;
		char link[PATH_MAX];
		ssize_t len;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		grown = NULL;
		if (*n < RUN_MAX_ENTRIES)
			grown = realloc(*out, (*n + 1) * sizeof(**out));
		if (!grown) {
			jerr_set(e, "/run: too many entries to bring into the "
				    "jail");
			goto fail;
		}
		*out = grown;
		r = &grown[(*n)++];
		memset(r, 0, sizeof(*r));
		r->tree = -1;
		snprintf(r->name, sizeof(r->name), "%s", de->d_name);
		if (fstatat(run, r->name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			jerr_sys(e, errno, "/run/%s", r->name);
			goto fail;
		}
		if (S_ISLNK(st.st_mode)) {
			len = readlinkat(run, r->name, link, sizeof(link) - 1);
			if (len < 0 || !(r->link = strndup(link, len))) {
				jerr_sys(e, errno, "/run/%s", r->name);
				goto fail;
			}
			continue;
		}
		r->is_dir = S_ISDIR(st.st_mode);
		r->tree = open_tree(run, r->name,
				    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
					    AT_RECURSIVE | AT_SYMLINK_NOFOLLOW);
		if (r->tree < 0 ||
		    set_attr(r->tree, "", AT_EMPTY_PATH | AT_RECURSIVE,
			     MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
				     MOUNT_ATTR_NODEV) < 0) {
			jerr_sys(e, errno, "clone /run/%s", r->name);
			goto fail;
		}
	}
	if (errno) {
		jerr_sys(e, errno, "read /run");
		goto fail;
	}
	closedir(d);
	return 0;
fail:
	closedir(d);
	return -1;
}

static int layer_run(const struct plan *pl, struct jerr *e)
{
	struct run_entry *ents = NULL;
	struct stat st;
	size_t n = 0;
	int run, mnt = -1, r = -1;

	run = open("/run", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (run < 0 || fstat(run, &st) < 0) {
		jerr_sys(e, errno, "/run");
		goto out;
	}
	if (run_entries(run, &ents, &n, e) < 0)
		goto out;
	mnt = new_tmpfs("/run", st.st_mode & 07777, 0,
			MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, NULL, e);
	if (mnt < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		int fd = 0;

		if (ents[i].link)
			fd = symlinkat(ents[i].link, mnt, ents[i].name);
		else if (ents[i].is_dir)
			fd = mkdirat(mnt, ents[i].name, 0755);
		else if ((fd = openat(mnt, ents[i].name,
				      O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC,
				      0644)) >= 0)
			fd = close(fd);
		if (fd < 0) {
			jerr_sys(e, errno, "create /run/%s", ents[i].name);
			goto out;
		}
	}
	if (mkdirat(mnt, "user", 0755) < 0 ||
	    set_attr(mnt, "", AT_EMPTY_PATH, MOUNT_ATTR_RDONLY) < 0) {
		jerr_sys(e, errno, "make /run/user");
		goto out;
	}
	if (attach(mnt, "/run", 1, pl, NULL, e) < 0)
		goto out;
	close(run);
	run = open("/run", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (run < 0) {
		jerr_sys(e, errno, "/run");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (ents[i].tree >= 0 &&
		    move_mount(ents[i].tree, "", run, ents[i].name,
			       MOVE_MOUNT_F_EMPTY_PATH) < 0) {
			jerr_sys(e, errno, "bring /run/%s back", ents[i].name);
			goto out;
		}
	r = 0;
out:
	for (size_t i = 0; i < n; i++) {
		fds_close(&ents[i].tree);
		free(ents[i].link);
	}
	free(ents);
	fds_close(&mnt);
	fds_close(&run);
	return r;
}

/* Does the plan's /run/user hide go straight onto a host that has none? */
static int needs_run_layer(const struct plan *pl)
{
	struct stat st;

	for (size_t i = 0; i < pl->nops; i++) {
		const struct plan_op *op = &pl->ops[i];

		if (op->kind == MOUNT_HIDE && op->line == 0 &&
		    !strcmp(op->target, "/run/user") &&
		    !plan_creates_mountpoint(pl, op))
			return lstat("/run/user", &st) < 0 && errno == ENOENT;
	}
	return 0;
}

/* jailsh run --rootfs, build: DIR becomes the root, by pivot_root (not
 * chroot: a jail inside can do the same again). Everything of the host
 * the plan needs was cloned before. */
static int enter_rootfs(const struct plan *pl, struct jerr *e)
{
	unsigned long long attrs =
		MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
		(pl->rootfs_writable ? 0 : MOUNT_ATTR_RDONLY);
	static const char *const needed[] = { "proc", "dev", "tmp" };
	int fd, tree, top, r = -1;

	fd = path_open(pl->rootfs, "root file system", e);
	if (fd < 0)
		return -1;
	tree = clone_tree(fd, attrs, "root file system", pl->rootfs, e);
	close(fd);
	if (tree < 0)
		return -1;
	/* build: the mount points a jail needs, made by the user */
	for (size_t i = 0; pl->rootfs_writable && i < 3; i++)
		if (mkdirat(tree, needed[i], 0755) < 0 && errno != EEXIST) {
			jerr_sys(e, errno, "%s/%s", pl->rootfs, needed[i]);
			goto out;
		}
	if (attach(tree, pl->rootfs, 1, pl, NULL, e) < 0)
		goto out;
	top = path_open(pl->rootfs, "root file system", e);
	if (top < 0)
		goto out;
	/* the old root goes to /tmp for now: a user namespace may mount a
	 * new /proc (or /sys) only while the host's is in sight, and the
	 * private /tmp covers that place later (leave_old_root) */
	if (fchdir(top) < 0 || syscall(SYS_pivot_root, ".", "tmp") < 0 ||
	    chdir("/") < 0)
		jerr_sys(e, errno,
			 "make %s the root (it needs a directory "
			 "/tmp)",
			 pl->rootfs);
	else
		r = 0;
	close(top);
out:
	close(tree);
	return r;
}

/* The session's own cgroup as the root of the hierarchy (init has made
 * it the root of its cgroup namespace), read-only, at /sys/fs/cgroup.
 * Made with fsmount() and moved there: mount(2) refuses a cgroup2 on top
 * of the host's cgroup2 mount point (EBUSY, the same superblock). */
static int mount_cgroup(const struct plan *pl, struct jerr *e)
{
	int mnt = fresh_fs("cgroup2", MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
					      MOUNT_ATTR_NODEV |
					      MOUNT_ATTR_NOEXEC);
	int r;

	if (mnt < 0)
		return jerr_sys(e, errno, "mount the session's cgroup");
	r = attach(mnt, "/sys/fs/cgroup", 1, pl, NULL, e);
	close(mnt);
	return r;
}

/* The jail's own /sys for network = none or private: the host's shows
 * the host's network interfaces. */
static int mount_sysfs(struct jerr *e)
{
	if (mount("sysfs", "/sys", "sysfs",
		  MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return jerr_sys(e, errno, "mount /sys for the jail's network");
	return 0;
}

/* containers = yes with a network of the jail's own and no session
 * cgroup: the cgroup hierarchies as the jail saw them (the host's,
 * read-only, or what the profile left of them), cloned before the new
 * /sys covers them and put back on it. Container runtimes look for them
 * there (runc's cgroupfs driver stops at a hierarchy it cannot find);
 * with network = "host" the jail sees the same. 0 with *TREE -1 when
 * there is nothing to put back (a host without /sys/fs/cgroup). */
static int clone_cgroups(const struct plan *pl, int *tree, struct jerr *e)
{
	*tree = -1;
	if (!pl->profile->containers || pl->profile->net == NET_HOST ||
	    pl->rootfs || pl->cgroup)
		return 0;
	*tree = open_tree(AT_FDCWD, "/sys/fs/cgroup",
			  OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (*tree < 0 && errno != ENOENT)
		return jerr_sys(e, errno,
				"containers = yes: keep /sys/fs/cgroup for "
				"the jail's network");
	return 0;
}

/* network = "private": the jail's own /etc/resolv.conf, which names the
 * stack's DNS forwarder (net.h), a file on a tmpfs of its own, read-only,
 * on top of the host's (found through root's links, as every mount point
 * is): nothing is written on the host. A profile's own mount there
 * wins. */
static int mount_resolv(const struct plan *pl, struct jerr *e)
{
	static const char path[] = "/etc/resolv.conf";
	char host[4096] = "", text[4096];
	int mnt, fd = -1, file = -1, r = -1;
	ssize_t n;

	for (size_t i = 0; i < pl->nops; i++)
		if (pl->ops[i].line && !strcmp(pl->ops[i].target, path))
			return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && (n = read(fd, host, sizeof(host) - 1)) > 0)
		host[n] = '\0';
	fds_close(&fd);
	net_resolv_conf(host, text, sizeof(text));
	mnt = new_tmpfs(path, 0755, 65536,
			MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
				MOUNT_ATTR_NOEXEC,
			NULL, e);
	if (mnt < 0)
		return -1;
	fd = openat(mnt, "resolv.conf", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		jerr_sys(e, errno, "write the jail's %s", path);
		goto out;
	}
	file = open_tree(mnt, "resolv.conf",
			 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (file < 0 ||
	    set_attr(file, "", AT_EMPTY_PATH, MOUNT_ATTR_RDONLY) < 0) {
		jerr_sys(e, errno, "the jail's %s", path);
		goto out;
	}
	r = attach(file, path, 0, pl, NULL, e);
	if (r < 0 && e->errnum == 0 && strstr(e->msg, "does not exist"))
		jerr_set(e,
			 "network = \"private\": %s does not exist here, and "
			 "the jail's own goes on top of it: create it (it may "
			 "be empty)",
			 path);
out:
	fds_close(&fd);
	fds_close(&file);
	close(mnt);
	return r;
}

/* --rootfs, once /proc is mounted: the host's tree is detached. */
static int leave_old_root(const struct plan *pl, struct jerr *e)
{
	if (pl->profile->net != NET_HOST && access("/sys", F_OK) == 0 &&
	    mount_sysfs(e) < 0)
		return -1;
	if (umount2("/tmp", MNT_DETACH) < 0)
		return jerr_sys(e, errno, "detach the host's tree");
	return 0;
}

int mount_apply(const struct plan *pl, int service, struct jerr *e)
{
	struct source *srcs = calloc(pl->nops, sizeof(*srcs));
	unsigned long long host_attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
	struct statvfs sv;
	int r = -1, cgroups = -1;

	if (!srcs)
		return jerr_sys(e, ENOMEM, "mount plan");
	for (size_t i = 0; i < pl->nops; i++)
		srcs[i].tree = -1;

	/* What is created here is root's: a setuid process starts with the
	 * caller's gid as its file system gid. */
	if (priv_fs_root(e) < 0)
		goto out;
	/* nothing done here may reach the host, and nothing the host
	 * mounts later may appear here with its own flags */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		jerr_sys(e, errno, "make mounts private");
		goto out;
	}
	if (prepare_sources(pl, srcs, e) < 0)
		goto out;
	if (pl->rootfs && enter_rootfs(pl, e) < 0)
		goto out;
	/* the whole tree at once, every submount included */
	if (!pl->rootfs_writable)
		host_attrs |= MOUNT_ATTR_RDONLY;
	if (set_attr(AT_FDCWD, "/", AT_RECURSIVE, host_attrs) < 0) {
		jerr_sys(e, errno, "make the host tree read-only");
		goto out;
	}
	if (needs_run_layer(pl) && layer_run(pl, e) < 0)
		goto out;
	for (size_t i = 0; i < pl->nops; i++) {
		if (apply_op(pl, i, srcs, service, e) < 0)
			goto out;
		if (pl->rootfs && pl->ops[i].kind == MOUNT_PROC &&
		    leave_old_root(pl, e) < 0)
			goto out;
	}
	if (clone_cgroups(pl, &cgroups, e) < 0)
		goto out;
	if (!pl->rootfs && pl->profile->net != NET_HOST && mount_sysfs(e) < 0)
		goto out;
	if (cgroups >= 0 &&
	    attach(cgroups, "/sys/fs/cgroup", 1, pl, NULL, e) < 0)
		goto out;
	if (pl->profile->net == NET_PRIVATE && mount_resolv(pl, e) < 0)
		goto out;
	if (pl->cgroup && mount_cgroup(pl, e) < 0)
		goto out;
	/* prove it rather than trust it */
	if (statvfs("/", &sv) < 0 ||
	    (!(sv.f_flag & ST_RDONLY) && !pl->rootfs_writable) ||
	    !(sv.f_flag & ST_NOSUID)) {
		jerr_set(e, "the host tree is not read-only and nosuid");
		goto out;
	}
	/* containers = yes: the mounts shared among themselves, in the
	 * jail's own peer groups (they were made private first), as
	 * container runtimes expect; a container's mount namespace, in a
	 * user namespace of its own, gets them as slaves and can send
	 * nothing back */
	if (pl->profile->containers &&
	    mount(NULL, "/", NULL, MS_REC | MS_SHARED, NULL) < 0) {
		jerr_sys(e, errno, "make the jail's mounts shared");
		goto out;
	}
	r = 0;
out:
	fds_close(&cgroups);
	for (size_t i = 0; i < pl->nops; i++) {
		fds_close(&srcs[i].tree);
		for (size_t j = 0; srcs[i].nodes && j < NDEV_NODES; j++)
			fds_close(&srcs[i].nodes[j]);
		free(srcs[i].nodes);
	}
	free(srcs);
	return r;
}
