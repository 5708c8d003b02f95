/* "tar:PATH" templates: a rootfs tarball (plain, gz, xz, zst...) extracted
 * entry by entry with our own code instead of archive_read_extract, because
 * the tarball is untrusted: names with ".." or a leading "/", hard links to
 * such names and symlinks that climb out of the rootfs are refused, and every
 * object is created relative to an fd of its parent resolved inside the root,
 * never through a symlink on the last component. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "container/container.h"
#include "container/templates/template-internal.h"

/* directory modes and times are applied last: a 0555 directory must still
 * take its children, and adding children changes the mtime */
struct dir_fix {
	char *path;
	mode_t mode;
	struct timespec mtime;
};

struct tar_ctx {
	int root;
	const char *tarball;
	struct archive *a;
	bool privileged;
	struct dir_fix *dirs;
	size_t n_dirs, cap_dirs;
	struct ward_err **err;
};

static void archive_freep(struct archive **a)
{
	if (*a)
		archive_read_free(*a);
}

/* a relative symlink target, read from the link's own directory, must not
 * climb above the rootfs; absolute targets resolve inside the container's
 * root and are fine (as LXC and Incus accept them) */
static bool symlink_escapes(const char *link_rel, const char *target)
{
	long depth = 0;

	if (target[0] == '/')
		return false;
	for (const char *p = link_rel; (p = strchr(p, '/')); p++)
		depth++; /* components of the link's directory */
	for (const char *p = target; *p;) {
		size_t n = strcspn(p, "/");

		if (n == 2 && !strncmp(p, "..", 2)) {
			if (--depth < 0)
				return true;
		} else if (n > 0 && !(n == 1 && p[0] == '.')) {
			depth++;
		}
		p += n;
		p += strspn(p, "/");
	}
	return false;
}

static int refuse(struct tar_ctx *c, const char *entry, const char *why)
{
	return ward_err_set(c->err, EINVAL, "refusing entry '%s' of tarball %s: %s", entry,
			    c->tarball, why);
}

/* make room for the new entry: an old non-directory is replaced, an old
 * directory is kept for a directory entry; returns 1 when it is kept */
static int clear_slot(struct tar_ctx *c, int dfd, const char *base, bool want_dir,
		      const char *rel)
{
	struct stat st;

	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : ward_err_sys(c->err, errno, "cannot stat %s", rel);
	if (S_ISDIR(st.st_mode) && want_dir)
		return 1;
	if (unlinkat(dfd, base, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) < 0)
		return ward_err_sys(c->err, errno, "cannot replace %s", rel);
	return 0;
}

/* owner before mode (chown clears set-id bits); a user without CAP_CHOWN
 * gets the files as their own, which is what unprivileged tar does too */
static int set_owner_mode(struct tar_ctx *c, int dfd, const char *base,
			  struct archive_entry *e, const char *rel)
{
	uid_t uid = (uid_t)archive_entry_uid(e);
	gid_t gid = (gid_t)archive_entry_gid(e);

	if (fchownat(dfd, base, uid, gid, AT_SYMLINK_NOFOLLOW) < 0 &&
	    (c->privileged || (errno != EPERM && errno != EINVAL)))
		return ward_err_sys(c->err, errno, "cannot set owner of %s", rel);
	if (archive_entry_filetype(e) != AE_IFLNK && archive_entry_filetype(e) != AE_IFDIR &&
	    fchmodat(dfd, base, archive_entry_perm(e), 0) < 0)
		return ward_err_sys(c->err, errno, "cannot set mode of %s", rel);
	return 0;
}

static int set_times(struct tar_ctx *c, int dfd, const char *base,
		     struct archive_entry *e, const char *rel)
{
	struct timespec ts[2];

	ts[1] = (struct timespec){ archive_entry_mtime(e), archive_entry_mtime_nsec(e) };
	ts[0] = archive_entry_atime_is_set(e)
			? (struct timespec){ archive_entry_atime(e), archive_entry_atime_nsec(e) }
			: ts[1];
	if (utimensat(dfd, base, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return ward_err_sys(c->err, errno, "cannot set times of %s", rel);
	return 0;
}

static void set_xattrs(int fd, struct archive_entry *e)
{
	const char *name;
	const void *val;
	size_t size;

	/* best effort, as tar --xattrs: a filesystem or namespace that refuses
	 * one attribute does not fail the rootfs */
	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &name, &val, &size) == ARCHIVE_OK)
		(void)fsetxattr(fd, name, val, size, 0);
}

static int write_data(struct tar_ctx *c, int fd, struct archive_entry *e, const char *rel)
{
	const void *buf;
	size_t size;
	la_int64_t off;
	int r;

	/* blocks come with offsets: holes in sparse entries stay holes */
	while ((r = archive_read_data_block(c->a, &buf, &size, &off)) == ARCHIVE_OK) {
		for (size_t done = 0; done < size;) {
			ssize_t w = pwrite(fd, (const char *)buf + done, size - done,
					   (off_t)off + (off_t)done);

			if (w < 0 && errno != EINTR)
				return ward_err_sys(c->err, errno, "cannot write %s", rel);
			done += w > 0 ? (size_t)w : 0;
		}
	}
	if (r != ARCHIVE_EOF)
		return ward_err_set(c->err, EIO, "cannot read %s from tarball %s: %s", rel,
				    c->tarball, archive_error_string(c->a));
	if (archive_entry_size_is_set(e) && ftruncate(fd, archive_entry_size(e)) < 0)
		return ward_err_sys(c->err, errno, "cannot size %s", rel);
	return 0;
}

static int make_file(struct tar_ctx *c, int dfd, const char *base,
		     struct archive_entry *e, const char *rel)
{
	_cleanup_close_ int fd = openat(dfd, base,
					O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	int r;

	if (fd < 0)
		return ward_err_sys(c->err, errno, "cannot create %s", rel);
	r = write_data(c, fd, e, rel);
	if (r == 0)
		r = set_owner_mode(c, dfd, base, e, rel);
	if (r == 0)
		set_xattrs(fd, e);
	return r;
}

static int make_dir(struct tar_ctx *c, int dfd, const char *base,
		    struct archive_entry *e, const char *rel, bool exists)
{
	if (!exists && mkdirat(dfd, base, 0700) < 0)
		return ward_err_sys(c->err, errno, "cannot create directory %s", rel);
	if (c->n_dirs == c->cap_dirs) {
		c->cap_dirs = c->cap_dirs ? 2 * c->cap_dirs : 64;
		c->dirs = ward_xrealloc(c->dirs, c->cap_dirs * sizeof(*c->dirs));
	}
	c->dirs[c->n_dirs++] = (struct dir_fix){
		ward_xstrdup(rel), archive_entry_perm(e),
		{ archive_entry_mtime(e), archive_entry_mtime_nsec(e) } };
	return set_owner_mode(c, dfd, base, e, rel);
}

static int make_hardlink(struct tar_ctx *c, int dfd, const char *base,
			 const char *target, const char *rel)
{
	_cleanup_close_ int tfd = -1;
	const char *tbase;

	tfd = ward_template_parent_open(c->root, target, false, &tbase, c->err);
	if (tfd < 0)
		return tfd;
	if (linkat(tfd, tbase, dfd, base, 0) < 0)
		return ward_err_sys(c->err, errno, "cannot link %s to %s", rel, target);
	return 0;
}

static int make_other(struct tar_ctx *c, int dfd, const char *base,
		      struct archive_entry *e, const char *rel)
{
	mode_t type = archive_entry_filetype(e);

	if (type == AE_IFLNK) {
		if (symlinkat(archive_entry_symlink(e), dfd, base) < 0)
			return ward_err_sys(c->err, errno, "cannot create symlink %s", rel);
	} else if (mknodat(dfd, base, type | 0600, archive_entry_rdev(e)) < 0) {
		return ward_err_sys(c->err, errno, "cannot create node %s", rel);
	}
	return set_owner_mode(c, dfd, base, e, rel);
}

/* everything about an entry that can be refused is refused before anything
 * is written for it; *link gets the cleaned hard link target, if any */
static int check_entry(struct tar_ctx *c, struct archive_entry *e, char **rel,
		       char **link)
{
	const char *raw = archive_entry_pathname(e), *hl = archive_entry_hardlink(e);
	mode_t type = archive_entry_filetype(e);

	if (!raw || !(*rel = ward_template_path_clean(raw)))
		return refuse(c, raw ? raw : "(no name)", "absolute path or '..' component");
	if (hl && (!(*link = ward_template_path_clean(hl)) || !(*link)[0]))
		return refuse(c, raw, "hard link target is absolute or has a '..' component");
	if (hl)
		return 0;
	if (type == AE_IFLNK) {
		const char *t = archive_entry_symlink(e);

		if (!t || !t[0])
			return refuse(c, raw, "symlink without a target");
		if (symlink_escapes(*rel, t))
			return refuse(c, raw, "symlink target leaves the rootfs");
	} else if (type != AE_IFREG && type != AE_IFDIR && type != AE_IFCHR &&
		   type != AE_IFBLK && type != AE_IFIFO && type != AE_IFSOCK) {
		return refuse(c, raw, "unsupported entry type");
	}
	return 0;
}

static int extract_entry(struct tar_ctx *c, struct archive_entry *e)
{
	_cleanup_free_ char *rel = NULL, *link = NULL;
	_cleanup_close_ int dfd = -1;
	mode_t type = archive_entry_filetype(e);
	const char *base;
	int kept;

	kept = check_entry(c, e, &rel, &link);
	if (kept < 0)
		return kept;
	if (!rel[0] || (!link && type == AE_IFSOCK))
		return 0; /* the rootfs itself exists; sockets are runtime objects */
	dfd = ward_template_parent_open(c->root, rel, true, &base, c->err);
	if (dfd < 0)
		return dfd;
	kept = clear_slot(c, dfd, base, !link && type == AE_IFDIR, rel);
	if (kept < 0)
		return kept;
	if (link)
		return make_hardlink(c, dfd, base, link, rel);
	if (type == AE_IFDIR)
		return make_dir(c, dfd, base, e, rel, kept);
	if (type == AE_IFREG)
		return make_file(c, dfd, base, e, rel) ?: set_times(c, dfd, base, e, rel);
	return make_other(c, dfd, base, e, rel) ?: set_times(c, dfd, base, e, rel);
}

/* deepest first, so setting a parent's mtime is the last change it sees */
static int fix_dirs(struct tar_ctx *c)
{
	for (size_t i = c->n_dirs; i-- > 0;) {
		struct dir_fix *d = &c->dirs[i];
		struct timespec ts[2] = { d->mtime, d->mtime };
		_cleanup_close_ int fd = ward_template_open_in_root(
			c->root, d->path, O_RDONLY | O_DIRECTORY);

		if (fd == -ENOENT || fd == -ELOOP || fd == -ENOTDIR)
			continue; /* replaced by a later entry */
		if (fd < 0)
			return ward_err_sys(c->err, -fd, "cannot open directory %s", d->path);
		if (fchmod(fd, d->mode) < 0 || futimens(fd, ts) < 0)
			return ward_err_sys(c->err, errno, "cannot set mode and times of %s",
					    d->path);
	}
	return 0;
}

static int extract_all(struct tar_ctx *c)
{
	struct archive_entry *e;
	int r;

	while ((r = archive_read_next_header(c->a, &e)) == ARCHIVE_OK ||
	       r == ARCHIVE_WARN) {
		int q = extract_entry(c, e);

		if (q < 0)
			return q;
	}
	if (r != ARCHIVE_EOF)
		return ward_err_set(c->err, EIO, "cannot read tarball %s: %s", c->tarball,
				    archive_error_string(c->a));
	return fix_dirs(c);
}

int ward_template_tar_install(const char *path, int rootfs_fd, struct ward_err **err)
{
	_cleanup_(archive_freep) struct archive *a = archive_read_new();
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct tar_ctx c = { .root = rootfs_fd, .tarball = path, .a = a,
			     .privileged = geteuid() == 0, .err = err };
	int r;

	if (!a)
		abort();
	if (fd < 0)
		return ward_err_sys(err, errno, "template tarball %s", path);
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open_fd(a, fd, 64 * 1024) != ARCHIVE_OK)
		return ward_err_set(err, EINVAL, "cannot read tarball %s: %s", path,
				    archive_error_string(a));
	r = extract_all(&c);
	for (size_t i = 0; i < c.n_dirs; i++)
		free(c.dirs[i].path);
	free(c.dirs);
	return r;
}
