/* Files and directories: atomic state writes, whole-file reads, tree removal. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"

int ward_fd_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_replace(int dirfd, const char *name, const void *buf,
			 size_t len, mode_t mode, bool durable, struct ward_err **err)
{
	_cleanup_free_ char *tmp = ward_xasprintf(".%s.tmp%d", name, (int)getpid());
	_cleanup_close_ int fd = -1;
	int r;

	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return ward_err_sys(err, errno, "cannot create %s", tmp);
	r = ward_fd_write_all(fd, buf, len);
	if (r == 0 && durable && fsync(fd) < 0)
		r = -errno;
	if (r == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
		r = -errno;
	if (r < 0) {
		unlinkat(dirfd, tmp, 0);
		return ward_err_sys(err, r, "cannot write %s", name);
	}
	if (!durable)
		return 0;
	/* the rename is durable only once the directory entry is */
	if (dirfd == AT_FDCWD) {
		_cleanup_close_ int d = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (d >= 0)
			fsync(d);
	} else {
		fsync(dirfd);
	}
	return 0;
}

int ward_file_write_atomic(int dirfd, const char *name, const void *buf,
			   size_t len, mode_t mode, struct ward_err **err)
{
	return write_replace(dirfd, name, buf, len, mode, true, err);
}

int ward_file_replace(int dirfd, const char *name, const void *buf,
		      size_t len, mode_t mode, struct ward_err **err)
{
	return write_replace(dirfd, name, buf, len, mode, false, err);
}

int ward_fd_read_all(int fd, char **out, size_t *len)
{
	_cleanup_free_ char *buf = ward_xmalloc(512);
	size_t used = 0, cap = 512;

	for (;;) {
		ssize_t n;

		if (cap - used < 2)
			buf = ward_xrealloc(buf, cap *= 2);
		n = read(fd, buf + used, cap - used - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		used += (size_t)n;
	}
	buf[used] = '\0';
	if (len)
		*len = used;
	*out = TAKE_PTR(buf);
	return 0;
}

int ward_file_read(int dirfd, const char *name, char **out, size_t *len,
		   struct ward_err **err)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	int r;

	if (fd < 0)
		return ward_err_sys(err, errno, "cannot open %s", name);
	r = ward_fd_read_all(fd, out, len);
	if (r < 0)
		return ward_err_sys(err, r, "cannot read %s", name);
	return 0;
}

int ward_file_write_str(int dirfd, const char *name, const char *s,
			struct ward_err **err)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	int r;

	if (fd < 0)
		return ward_err_sys(err, errno, "cannot open %s", name);
	r = ward_fd_write_all(fd, s, strlen(s));
	if (r < 0)
		return ward_err_sys(err, r, "cannot write '%s' to %s", s, name);
	return 0;
}

int ward_mkdir_p(int dirfd, const char *path, mode_t mode, struct ward_err **err)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(buf))
		return ward_err_set(err, EINVAL, "bad directory path '%s'", path);
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdirat(dirfd, buf, mode) < 0 && errno != EEXIST)
			return ward_err_sys(err, errno, "cannot create directory %s", buf);
		*p = c;
		if (c == '\0')
			break;
	}
	return 0;
}

static int rm_children(int fd, dev_t dev, const char *name, struct ward_err **err);

static int rm_entry(int dirfd, const char *name, dev_t dev, struct ward_err **err)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : ward_err_sys(err, errno, "cannot stat %s", name);
	if (S_ISDIR(st.st_mode)) {
		int fd, r;

		if (st.st_dev != dev)
			return ward_err_set(err, EBUSY, "%s is a mount point; not removing", name);
		fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return ward_err_sys(err, errno, "cannot open %s", name);
		r = rm_children(fd, dev, name, err);
		if (r < 0)
			return r;
		if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
			return ward_err_sys(err, errno, "cannot remove directory %s", name);
		return 0;
	}
	if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
		return ward_err_sys(err, errno, "cannot remove %s", name);
	return 0;
}

/* takes ownership of fd */
static int rm_children(int fd, dev_t dev, const char *name, struct ward_err **err)
{
	_cleanup_closedir_ DIR *d = fdopendir(fd);
	struct dirent *de;

	if (!d) {
		close(fd);
		return ward_err_sys(err, errno, "cannot read directory %s", name);
	}
	while ((de = readdir(d))) {
		int r;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		r = rm_entry(dirfd(d), de->d_name, dev, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int ward_rm_rf_at(int dirfd, const char *name, struct ward_err **err)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : ward_err_sys(err, errno, "cannot stat %s", name);
	return rm_entry(dirfd, name, st.st_dev, err);
}
