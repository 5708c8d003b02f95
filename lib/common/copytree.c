/* ward_copy_tree: a faithful copy of a directory tree done with fds only.
 *
 * The source may be a hostile rootfs (clone of a container that ran untrusted
 * code), so every lookup is relative to an fd and never follows a symlink:
 * fstatat/openat with AT_SYMLINK_NOFOLLOW/O_NOFOLLOW, and each opened object is
 * re-checked with fstat against what was listed. Other mounts inside the source
 * are not entered; their mount points come out as empty directories (or empty
 * files for a file bind mount), as `cp -ax` would leave them. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <search.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "common/common.h"

struct link_seen {
	dev_t dev;
	ino_t ino;
	char *path; /* relative to the destination root */
};

struct copy_ctx {
	int dst_root;
	dev_t src_dev;
	bool privileged; /* owners must be kept, not dropped silently */
	void *links; /* tsearch tree of struct link_seen */
	struct ward_err **err;
};

static int copy_children(struct copy_ctx *c, int sfd, int dfd, const char *rel);

static char *join(const char *rel, const char *name)
{
	return rel[0] ? ward_xasprintf("%s/%s", rel, name) : ward_xstrdup(name);
}

/* A mount root of the source is left empty: STATX_ATTR_MOUNT_ROOT is exact
 * (btrfs subvolumes differ in st_dev without being mounts); old kernels fall
 * back to comparing st_dev. */
static bool is_other_mount(struct copy_ctx *c, int fd, const struct stat *st)
{
	struct statx sx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, 0, &sx) == 0 &&
	    (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
		return (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
	return st->st_dev != c->src_dev;
}

static int copy_read_write(int in, int out)
{
	char buf[65536];

	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));
		int r;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		r = ward_fd_write_all(out, buf, (size_t)n);
		if (r < 0)
			return r;
	}
}

/* reflink when the filesystem shares extents, else copy_file_range (which
 * the kernel may still turn into a server-side or reflink copy), else plain
 * read/write across filesystems that support neither */
static int copy_data(int in, int out)
{
	if (ioctl(out, FICLONE, in) == 0)
		return 0;
	for (;;) {
		ssize_t n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);

		if (n == 0)
			return 0;
		if (n > 0)
			continue;
		if (errno == EINTR)
			continue;
		if (errno == EXDEV || errno == EOPNOTSUPP || errno == ENOSYS ||
		    errno == EINVAL)
			return copy_read_write(in, out);
		return -errno;
	}
}

static void copy_xattrs(int sfd, int dfd)
{
	char names[65536], val[65536];
	ssize_t len = flistxattr(sfd, names, sizeof(names));

	/* best effort: a filesystem without xattrs, or a namespace we may not
	 * write (trusted.* without CAP_SYS_ADMIN), loses only that attribute */
	for (ssize_t off = 0; len > 0 && off < len; off += (ssize_t)strlen(names + off) + 1) {
		ssize_t vl = fgetxattr(sfd, names + off, val, sizeof(val));

		if (vl >= 0)
			(void)fsetxattr(dfd, names + off, val, (size_t)vl, 0);
	}
}

/* owner before mode (chown clears set-id bits), xattrs after chown (it
 * drops security.capability), times last (writing changes them) */
static int set_meta(struct copy_ctx *c, int dparent, const char *name,
		    const struct stat *st, const char *rel)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };

	if (fchownat(dparent, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0 &&
	    (c->privileged || errno != EPERM))
		return ward_err_sys(c->err, errno, "cannot set owner of %s", rel);
	if (!S_ISLNK(st->st_mode) &&
	    fchmodat(dparent, name, st->st_mode & 07777, 0) < 0)
		return ward_err_sys(c->err, errno, "cannot set mode of %s", rel);
	if (utimensat(dparent, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return ward_err_sys(c->err, errno, "cannot set times of %s", rel);
	return 0;
}

static int copy_reg(struct copy_ctx *c, int sdir, int ddir, const char *name,
		    const struct stat *st, const char *rel)
{
	_cleanup_close_ int in = -1, out = -1;
	struct stat now;
	int r;

	/* O_NONBLOCK: a fifo swapped in after the listing must not hang us */
	in = openat(sdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (in < 0)
		return ward_err_sys(c->err, errno, "cannot open %s", rel);
	if (fstat(in, &now) < 0 || !S_ISREG(now.st_mode) || now.st_ino != st->st_ino)
		return ward_err_set(c->err, EAGAIN, "%s changed while being copied", rel);
	out = openat(ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		return ward_err_sys(c->err, errno, "cannot create %s", rel);
	if (!is_other_mount(c, in, &now)) {
		r = copy_data(in, out);
		if (r < 0)
			return ward_err_sys(c->err, r, "cannot copy %s", rel);
	}
	r = set_meta(c, ddir, name, st, rel);
	if (r == 0)
		copy_xattrs(in, out); /* fsetxattr leaves mtime alone */
	return r;
}

static int copy_dir(struct copy_ctx *c, int sdir, int ddir, const char *name,
		    const struct stat *st, const char *rel)
{
	int sfd = -1, dfd = -1, r;
	struct stat now;

	sfd = openat(sdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sfd < 0)
		return ward_err_sys(c->err, errno, "cannot open directory %s", rel);
	if (fstat(sfd, &now) < 0 || now.st_ino != st->st_ino) {
		close(sfd);
		return ward_err_set(c->err, EAGAIN, "%s changed while being copied", rel);
	}
	if (mkdirat(ddir, name, 0700) < 0 ||
	    (dfd = openat(ddir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		close(sfd);
		return ward_err_sys(c->err, errno, "cannot create directory %s", rel);
	}
	if (is_other_mount(c, sfd, &now)) {
		close(sfd); /* the mount point stays an empty directory */
		sfd = -1;
	} else {
		copy_xattrs(sfd, dfd);
	}
	r = sfd >= 0 ? copy_children(c, sfd, dfd, rel) : 0; /* closes sfd */
	if (r == 0)
		r = set_meta(c, ddir, name, st, rel); /* after the children: times */
	close(dfd);
	return r;
}

static int copy_special(struct copy_ctx *c, int sdir, int ddir, const char *name,
			const struct stat *st, const char *rel)
{
	if (S_ISLNK(st->st_mode)) {
		char target[PATH_MAX + 1];
		ssize_t n = readlinkat(sdir, name, target, sizeof(target) - 1);

		if (n < 0)
			return ward_err_sys(c->err, errno, "cannot read link %s", rel);
		target[n] = '\0';
		if (symlinkat(target, ddir, name) < 0)
			return ward_err_sys(c->err, errno, "cannot create link %s", rel);
	} else if (mknodat(ddir, name, st->st_mode & S_IFMT, st->st_rdev) < 0) {
		return ward_err_sys(c->err, errno, "cannot create node %s", rel);
	}
	return set_meta(c, ddir, name, st, rel);
}

static int link_cmp(const void *a, const void *b)
{
	const struct link_seen *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

static struct link_seen *link_find(struct copy_ctx *c, const struct stat *st)
{
	struct link_seen key = { st->st_dev, st->st_ino, NULL };
	struct link_seen **found = tfind(&key, &c->links, link_cmp);

	return found ? *found : NULL;
}

static void link_add(struct copy_ctx *c, const struct stat *st, const char *rel)
{
	struct link_seen *l = ward_xmalloc(sizeof(*l));

	*l = (struct link_seen){ st->st_dev, st->st_ino, ward_xstrdup(rel) };
	if (!tsearch(l, &c->links, link_cmp))
		abort();
}

static void link_free(void *p)
{
	struct link_seen *l = p;

	free(l->path);
	free(l);
}

static int copy_entry(struct copy_ctx *c, int sdir, int ddir, const char *name,
		      const char *parent_rel)
{
	_cleanup_free_ char *rel = join(parent_rel, name);
	struct link_seen *seen;
	struct stat st;
	int r;

	if (fstatat(sdir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return ward_err_sys(c->err, errno, "cannot stat %s", rel);
	if (S_ISDIR(st.st_mode))
		return copy_dir(c, sdir, ddir, name, &st, rel);
	if (st.st_nlink > 1 && (seen = link_find(c, &st))) {
		if (linkat(c->dst_root, seen->path, ddir, name, 0) < 0)
			return ward_err_sys(c->err, errno, "cannot link %s to %s", rel,
					    seen->path);
		return 0;
	}
	if (S_ISREG(st.st_mode))
		r = copy_reg(c, sdir, ddir, name, &st, rel);
	else
		r = copy_special(c, sdir, ddir, name, &st, rel);
	if (r == 0 && st.st_nlink > 1)
		link_add(c, &st, rel);
	return r;
}

/* takes ownership of sfd; dfd stays with the caller */
static int copy_children(struct copy_ctx *c, int sfd, int dfd, const char *rel)
{
	_cleanup_closedir_ DIR *d = fdopendir(sfd);
	struct dirent *de;

	if (!d) {
		close(sfd);
		return ward_err_sys(c->err, errno, "cannot read directory %s", rel[0] ? rel : ".");
	}
	while ((errno = 0, de = readdir(d))) {
		int r;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		r = copy_entry(c, dirfd(d), dfd, de->d_name, rel);
		if (r < 0)
			return r;
	}
	if (errno)
		return ward_err_sys(c->err, errno, "cannot read directory %s", rel[0] ? rel : ".");
	return 0;
}

/* The root itself gets the source root's owner, mode, xattrs and times, as
 * `cp -a src/. dst` does, so a cloned rootfs keeps its 0755 root:root top. */
static int copy_root_meta(struct copy_ctx *c, int src, int dst, const struct stat *st)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };

	if (fchown(dst, st->st_uid, st->st_gid) < 0 && (c->privileged || errno != EPERM))
		return ward_err_sys(c->err, errno, "cannot set owner of the copy's root");
	if (fchmod(dst, st->st_mode & 07777) < 0)
		return ward_err_sys(c->err, errno, "cannot set mode of the copy's root");
	copy_xattrs(src, dst);
	if (futimens(dst, ts) < 0)
		return ward_err_sys(c->err, errno, "cannot set times of the copy's root");
	return 0;
}

int ward_copy_tree(int src_dirfd, int dst_dirfd, struct ward_err **err)
{
	struct copy_ctx c = { .dst_root = dst_dirfd, .privileged = geteuid() == 0,
			      .err = err };
	struct stat st;
	int sfd, r;

	if (fstat(src_dirfd, &st) < 0)
		return ward_err_sys(err, errno, "cannot stat the source directory");
	c.src_dev = st.st_dev;
	/* a private fd: readdir moves the offset of the one it reads */
	sfd = openat(src_dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sfd < 0)
		return ward_err_sys(err, errno, "cannot open the source directory");
	r = copy_children(&c, sfd, dst_dirfd, "");
	if (r == 0)
		r = copy_root_meta(&c, src_dirfd, dst_dirfd, &st);
	tdestroy(c.links, link_free);
	return r;
}
