/* Templates: what fills a new container's empty rootfs. This file dispatches a
 * template spec (a data template by name, "dir:PATH" or "tar:PATH") and holds
 * the in-root path helpers the installers share. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "container/container.h"
#include "container/templates/template-internal.h"

#define FORMS "busybox, NAME (a NAME.ini data template), dir:PATH or tar:PATH"

char *ward_template_path_clean(const char *path)
{
	_cleanup_free_ char *out = ward_xmalloc(strlen(path) + 1);
	size_t used = 0;
	const char *p = path;

	if (path[0] == '/')
		return NULL;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && !strncmp(p, "..", 2))
			return NULL;
		if (n > 0 && !(n == 1 && p[0] == '.')) {
			if (used)
				out[used++] = '/';
			memcpy(out + used, p, n);
			used += n;
		}
		p += n;
		p += strspn(p, "/");
	}
	out[used] = '\0';
	return TAKE_PTR(out);
}

static int openat2_in_root(int root, const char *rel, int flags)
{
	struct open_how how = {
		.flags = (unsigned)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, root, rel[0] ? rel : ".", &how, sizeof(how));

	return fd < 0 ? -errno : fd;
}

/* Kernels before 5.6 lack openat2: walk component by component and refuse
 * every symlink, which is stricter but never leaves the root. */
static int walk_nofollow(int root, const char *rel, int flags)
{
	_cleanup_free_ char *copy = ward_xstrdup(rel);
	_cleanup_close_ int cur = openat(root, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	char *save = NULL;
	char *comp = strtok_r(copy, "/", &save);

	if (cur < 0)
		return -errno;
	if (!comp) {
		int fd = openat(root, ".", flags | O_CLOEXEC);

		return fd < 0 ? -errno : fd;
	}
	for (char *next; comp; comp = next) {
		int fd;

		next = strtok_r(NULL, "/", &save);
		fd = openat(cur, comp, (next ? O_PATH | O_DIRECTORY : flags) |
					       O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		close(cur);
		cur = fd;
	}
	return TAKE_FD(cur);
}

int ward_template_open_in_root(int rootfs_fd, const char *rel, int flags)
{
	int fd = openat2_in_root(rootfs_fd, rel, flags | O_NOFOLLOW);

	if (fd == -ENOSYS)
		fd = walk_nofollow(rootfs_fd, rel, flags);
	return fd;
}

static int open_dir_in_root(int root, const char *rel)
{
	int fd = openat2_in_root(root, rel, O_PATH | O_DIRECTORY);

	if (fd == -ENOSYS)
		fd = walk_nofollow(root, rel, O_PATH | O_DIRECTORY);
	return fd;
}

/* one step of mkdir -p: `path` (modifiable) exists afterwards unless an error */
static int mkdir_one(int root, char *path, struct ward_err **err)
{
	_cleanup_close_ int fd = open_dir_in_root(root, path), up = -1;
	char *slash;

	if (fd >= 0)
		return 0;
	if (fd != -ENOENT)
		return ward_err_sys(err, -fd, "cannot open directory %s in the rootfs", path);
	slash = strrchr(path, '/');
	if (slash)
		*slash = '\0';
	up = open_dir_in_root(root, slash ? path : "");
	if (slash)
		*slash = '/';
	if (up < 0)
		return ward_err_sys(err, -up, "cannot open the parent of %s in the rootfs", path);
	if (mkdirat(up, slash ? slash + 1 : path, 0755) < 0 && errno != EEXIST)
		return ward_err_sys(err, errno, "cannot create directory %s", path);
	return 0;
}

/* mkdir -p of `dir` inside the root, each step resolved in the root again */
static int mkdir_in_root(int root, const char *dir, struct ward_err **err)
{
	_cleanup_free_ char *buf = ward_xstrdup(dir);

	for (char *p = buf;; p++) {
		char c = *p;
		int r;

		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		r = mkdir_one(root, buf, err);
		if (r < 0)
			return r;
		*p = c;
		if (c == '\0')
			return 0;
	}
}

int ward_template_parent_open(int rootfs_fd, const char *rel, bool create,
			      const char **base, struct ward_err **err)
{
	_cleanup_free_ char *dir = ward_xstrdup(rel);
	char *slash = strrchr(dir, '/');
	int fd, r;

	*base = slash ? rel + (slash - dir) + 1 : rel;
	if (!slash)
		dir[0] = '\0';
	else
		*slash = '\0';
	fd = open_dir_in_root(rootfs_fd, dir);
	if (fd == -ENOENT && create && dir[0]) {
		r = mkdir_in_root(rootfs_fd, dir, err);
		if (r < 0)
			return r;
		fd = open_dir_in_root(rootfs_fd, dir);
	}
	if (fd < 0)
		return ward_err_sys(err, -fd, "cannot open directory %s in the rootfs",
				    dir[0] ? dir : "/");
	return fd;
}

static int install_dir(const char *path, int rootfs_fd, struct ward_err **err)
{
	_cleanup_close_ int src = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (src < 0)
		return ward_err_sys(err, errno, "template directory %s", path);
	return ward_copy_tree(src, rootfs_fd, err);
}

/* NAME.ini in dir: 1 with *text set, 0 when there is no such file */
static int read_named(const char *dir, const char *name, char **text,
		      struct ward_err **err)
{
	_cleanup_free_ char *file = ward_xasprintf("%s.ini", name);
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_err_ struct ward_err *e = NULL;
	int r;

	if (dfd < 0 && errno == ENOENT)
		return 0;
	if (dfd < 0)
		return ward_err_sys(err, errno, "cannot open template directory %s", dir);
	r = ward_file_read(dfd, file, text, NULL, &e);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return ward_err_set(err, r, "template %s/%s: %s", dir, file, e->msg);
	return 1;
}

/* $WARD_TEMPLATES replaces the installed directory (tests, local templates)
 * and may override the embedded busybox; without it the embedded busybox
 * wins over the installed copy so a build tree works uninstalled. */
static int named_text(const char *name, char **text, struct ward_err **err)
{
	const char *env = getenv("WARD_TEMPLATES");
	const char *dir = env && env[0] ? env : ward_template_dir_default;
	int r = 0;

	if (ward_name_check(name, "template name", NULL) < 0)
		return ward_err_set(err, EINVAL, "unknown template '%s': expected %s",
				    name, FORMS);
	if (dir == env || strcmp(name, "busybox")) {
		r = read_named(dir, name, text, err);
		if (r != 0)
			return r < 0 ? r : 0;
	}
	if (!strcmp(name, "busybox")) {
		*text = ward_xstrdup(ward_template_busybox_ini);
		return 0;
	}
	return ward_err_set(err, ENOENT,
			    "unknown template '%s': no %s.ini in %s; expected %s",
			    name, name, dir, FORMS);
}

static bool is_copy_spec(const char *spec)
{
	return !strncmp(spec, "dir:", 4) || !strncmp(spec, "tar:", 4);
}

int ward_template_text(const char *spec, char **text, struct ward_err **err)
{
	if (!spec || !spec[0] || is_copy_spec(spec))
		return ward_err_set(err, EOPNOTSUPP, "template '%s' is not a data template", spec ? spec : "");
	return named_text(spec, text, err);
}

static int install_named(const char *name, int rootfs_fd,
			 struct ward_template_info *info, struct ward_err **err)
{
	_cleanup_free_ char *text = NULL;
	int r = named_text(name, &text, err);

	return r < 0 ? r : ward_template_ini_apply(name, text, rootfs_fd, info, err);
}

/* The one entry point for create: every kind of template ends in the same
 * state (a filled rootfs and the init/stop-signal facts the lifecycle needs),
 * so create does not care where a rootfs came from. */
int ward_template_install(const char *spec, int rootfs_fd,
			  struct ward_template_info *info, struct ward_err **err)
{
	int r;

	memset(info, 0, sizeof(*info));
	if (!spec || !spec[0])
		return ward_err_set(err, EINVAL, "empty template: expected %s", FORMS);
	if (is_copy_spec(spec)) {
		if (!spec[4])
			return ward_err_set(err, EINVAL, "template '%s' needs a path", spec);
		r = spec[0] == 'd' ? install_dir(spec + 4, rootfs_fd, err)
				   : ward_template_tar_install(spec + 4, rootfs_fd, err);
		return r < 0 ? r : ward_template_hint_read(rootfs_fd, info, err);
	}
	return install_named(spec, rootfs_fd, info, err);
}
