/* Data templates: an INI file (format documented in templates/busybox.ini)
 * applied to an empty rootfs line by line, in file order. Everything it
 * creates is resolved inside the rootfs; only [copy] reads host files. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container/container.h"
#include "container/templates/template-internal.h"

#define HINT_PATH "etc/ward/template.ini"
#define HINT_MAX (16 * 1024)

struct ini_ctx {
	int root;
	const char *name;
	struct ward_template_info *info;
	struct ward_err **err;
	bool failed;
	bool meta_only; /* reading a rootfs hint: [template] only */
	char section[64];
	/* the [file PATH] section being collected */
	char *file;
	mode_t file_mode;
	char *body;
	size_t len, cap;
};

static int parse_mode(const char *s, mode_t *mode)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 8);
	if (errno || end == s || v > 07777 || (*end && *end != ' ' && *end != '\t'))
		return -EINVAL;
	*mode = (mode_t)v;
	return 0;
}

static int bad_value(struct ini_ctx *c, const char *key, const char *value, const char *want)
{
	return ward_err_set(c->err, EINVAL, "[%s] %s = %s: expected %s", c->section,
			    key, value, want);
}

/* [template]: facts about the rootfs the lifecycle needs */
static int set_meta(struct ini_ctx *c, const char *key, const char *value)
{
	int sig;

	if (!strcmp(key, "description"))
		return 0;
	if (!strcmp(key, "init")) {
		if (value[0] != '/' || strlen(value) >= sizeof(c->info->init))
			return bad_value(c, key, value, "an absolute path");
		strcpy(c->info->init, value);
		return 0;
	}
	if (!strcmp(key, "stop_signal")) {
		sig = ward_signal_parse(value);
		if (sig < 0)
			return bad_value(c, key, value, "a signal name or number");
		c->info->stop_signal = sig;
		return 0;
	}
	return ward_err_set(c->err, EINVAL, "[template]: unknown key '%s'", key);
}

/* every path in a template is rootfs-relative; its parent is opened in the root */
static int parent_of(struct ini_ctx *c, const char *path, char **clean, const char **base)
{
	*clean = ward_template_path_clean(path);
	if (!*clean || !(*clean)[0])
		return ward_err_set(c->err, EINVAL,
				    "[%s] path '%s' must be relative, without '..'",
				    c->section, path);
	return ward_template_parent_open(c->root, *clean, true, base, c->err);
}

static int make_dir(struct ini_ctx *c, const char *path, const char *value)
{
	_cleanup_free_ char *clean = NULL;
	_cleanup_close_ int dfd = -1;
	const char *base;
	mode_t mode;

	if (parse_mode(value, &mode) < 0)
		return bad_value(c, path, value, "an octal mode");
	dfd = parent_of(c, path, &clean, &base);
	if (dfd < 0)
		return dfd;
	if (mkdirat(dfd, base, 0700) < 0 && errno != EEXIST)
		return ward_err_sys(c->err, errno, "cannot create directory %s", clean);
	/* fchmodat also defeats the umask, so 1777 on tmp really is 1777 */
	if (fchmodat(dfd, base, mode, 0) < 0)
		return ward_err_sys(c->err, errno, "cannot set mode of %s", clean);
	return 0;
}

static int make_symlink(struct ini_ctx *c, const char *path, const char *target)
{
	_cleanup_free_ char *clean = NULL;
	_cleanup_close_ int dfd = -1;
	const char *base;

	if (!target[0])
		return bad_value(c, path, target, "a link target");
	dfd = parent_of(c, path, &clean, &base);
	if (dfd < 0)
		return dfd;
	if (symlinkat(target, dfd, base) < 0)
		return ward_err_sys(c->err, errno, "cannot create symlink %s", clean);
	return 0;
}

/* [applets] DIR = TARGET NAME...: one symlink DIR/NAME -> TARGET per name */
static int make_applets(struct ini_ctx *c, const char *dir, const char *value)
{
	_cleanup_free_ char *copy = ward_xstrdup(value);
	char *save = NULL, *target = strtok_r(copy, " \t", &save);
	int r = 0;

	if (!target)
		return bad_value(c, dir, value, "TARGET NAME...");
	for (char *n = strtok_r(NULL, " \t", &save); n && r == 0;
	     n = strtok_r(NULL, " \t", &save)) {
		_cleanup_free_ char *link = ward_xasprintf("%s/%s", dir, n);

		r = make_symlink(c, link, target);
	}
	return r;
}

/* a host file that will run inside the container must not need a dynamic
 * loader the rootfs does not have (busybox vs busybox-static) */
static bool elf_is_dynamic(int fd)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;

	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64)
		return false; /* not a 64-bit ELF: nothing to check */
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		off_t off = (off_t)(eh.e_phoff + (Elf64_Off)i * eh.e_phentsize);

		if (pread(fd, &ph, sizeof(ph), off) != sizeof(ph))
			return false;
		if (ph.p_type == PT_INTERP)
			return true;
	}
	return false;
}

static int copy_bytes(int in, int out)
{
	char buf[65536];
	ssize_t n;

	for (;;) {
		n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
		if (n == 0)
			return 0;
		if (n < 0 && errno != EINTR)
			break;
	}
	if (errno != EXDEV && errno != EOPNOTSUPP && errno != ENOSYS && errno != EINVAL)
		return -errno;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		for (ssize_t off = 0, w; off < n; off += w)
			if ((w = write(out, buf + off, (size_t)(n - off))) < 0)
				return -errno;
	return n < 0 ? -errno : 0;
}

/* the first of the host paths that exists; `static` in the list asks for a
 * check that it is a statically linked executable */
static int open_host_source(struct ini_ctx *c, const char *dest, char *list,
			    char **chosen)
{
	bool want_static = false;
	char *save = NULL;

	for (char *s = strtok_r(list, " \t", &save); s; s = strtok_r(NULL, " \t", &save)) {
		int fd;

		if (!strcmp(s, "static")) {
			want_static = true;
			continue;
		}
		fd = open(s, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd < 0)
			return ward_err_sys(c->err, errno, "cannot open host file %s", s);
		*chosen = s;
		if (want_static && elf_is_dynamic(fd)) {
			close(fd);
			return ward_err_set(c->err, ENOEXEC,
					    "host file %s is dynamically linked; %s needs a static build",
					    s, dest);
		}
		return fd;
	}
	return ward_err_set(c->err, ENOENT, "cannot fill %s: none of its host files exists", dest);
}

/* [copy] DEST = MODE [static] HOSTPATH...: the first host path that exists */
static int copy_host(struct ini_ctx *c, const char *path, const char *value)
{
	_cleanup_free_ char *clean = NULL, *list = NULL;
	_cleanup_close_ int dfd = -1, in = -1, out = -1;
	const char *base;
	char *src = NULL;
	mode_t mode;
	int r;

	if (parse_mode(value, &mode) < 0)
		return bad_value(c, path, value, "MODE [static] HOSTPATH...");
	list = ward_xstrdup(value + strcspn(value, " \t"));
	in = open_host_source(c, path, list, &src);
	if (in < 0)
		return in;
	dfd = parent_of(c, path, &clean, &base);
	if (dfd < 0)
		return dfd;
	out = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		return ward_err_sys(c->err, errno, "cannot create %s", clean);
	r = copy_bytes(in, out);
	if (r < 0)
		return ward_err_sys(c->err, r, "cannot copy %s to %s", src, clean);
	if (fchmod(out, mode) < 0)
		return ward_err_sys(c->err, errno, "cannot set mode of %s", clean);
	return 0;
}

/* [file PATH] ends: write what its `line` keys collected */
static int flush_file(struct ini_ctx *c)
{
	_cleanup_free_ char *clean = NULL, *file = TAKE_PTR(c->file),
			    *body = TAKE_PTR(c->body);
	_cleanup_close_ int dfd = -1, fd = -1;
	size_t len = c->len;
	const char *base;

	c->len = c->cap = 0;
	if (!file)
		return 0;
	dfd = parent_of(c, file, &clean, &base);
	if (dfd < 0)
		return dfd;
	fd = openat(dfd, base, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return ward_err_sys(c->err, errno, "cannot create %s", clean);
	if ((len && write(fd, body, len) != (ssize_t)len) || fchmod(fd, c->file_mode) < 0)
		return ward_err_sys(c->err, errno, "cannot write %s", clean);
	return 0;
}

static int file_key(struct ini_ctx *c, const char *key, const char *value)
{
	size_t n = strlen(value);

	if (!strcmp(key, "mode"))
		return parse_mode(value, &c->file_mode) < 0
			       ? bad_value(c, key, value, "an octal mode") : 0;
	if (strcmp(key, "line"))
		return ward_err_set(c->err, EINVAL, "[%s]: unknown key '%s' (mode or line)",
				    c->section, key);
	if (c->len + n + 2 > c->cap) {
		c->cap = (c->len + n + 2) * 2;
		c->body = ward_xrealloc(c->body, c->cap);
	}
	memcpy(c->body + c->len, value, n);
	c->len += n;
	c->body[c->len++] = '\n';
	return 0;
}

static int enter_section(struct ini_ctx *c, const char *section)
{
	int r = flush_file(c);

	snprintf(c->section, sizeof(c->section), "%s", section);
	if (r == 0 && !c->meta_only && !strncmp(section, "file ", 5)) {
		c->file = ward_xstrdup(section + 5);
		c->file_mode = 0644;
	}
	return r;
}

static int dispatch(struct ini_ctx *c, const char *s, const char *key, const char *value)
{
	if (!strcmp(s, "template"))
		return set_meta(c, key, value);
	if (c->meta_only)
		return 0;
	if (!strcmp(s, "dirs"))
		return make_dir(c, key, value);
	if (!strcmp(s, "copy"))
		return copy_host(c, key, value);
	if (!strcmp(s, "symlinks"))
		return make_symlink(c, key, value);
	if (!strcmp(s, "applets"))
		return make_applets(c, key, value);
	if (!strncmp(s, "file ", 5))
		return file_key(c, key, value);
	return ward_err_set(c->err, EINVAL, "unknown section [%s]", s);
}

static int handler(void *user, const char *section, const char *key, const char *value)
{
	struct ini_ctx *c = user;

	if (c->failed)
		return 0;
	if (strcmp(section, c->section) && enter_section(c, section) < 0)
		c->failed = true;
	else if (dispatch(c, section, key, value) < 0)
		c->failed = true;
	return !c->failed;
}

static int run(struct ini_ctx *c, const char *text)
{
	int line = ini_parse_string(text, handler, c);

	if (line == 0 && !c->failed && flush_file(c) < 0)
		c->failed = true;
	free(c->file);
	free(c->body);
	if (line > 0) {
		if (!c->failed)
			ward_err_set(c->err, EINVAL, "syntax error");
		ward_err_prefix(c->err, "template %s, line %d", c->name, line);
		return -(*c->err)->code;
	}
	if (line < 0)
		return ward_err_set(c->err, ENOMEM, "cannot parse template %s", c->name);
	if (c->failed) {
		ward_err_prefix(c->err, "template %s", c->name);
		return -(*c->err)->code;
	}
	return 0;
}

int ward_template_ini_apply(const char *name, const char *text, int rootfs_fd,
			    struct ward_template_info *info, struct ward_err **err)
{
	struct ini_ctx c = { .root = rootfs_fd, .name = name, .info = info };
	_cleanup_err_ struct ward_err *e = NULL;
	int r;

	/* a local error so the line prefix goes on exactly our message */
	c.err = &e;
	r = run(&c, text);
	if (r < 0)
		return ward_err_set(err, r, "%s", e->msg);
	return 0;
}

int ward_template_hint_read(int rootfs_fd, struct ward_template_info *info,
			    struct ward_err **err)
{
	struct ini_ctx c = { .root = rootfs_fd, .name = HINT_PATH, .info = info,
			     .meta_only = true };
	_cleanup_err_ struct ward_err *e = NULL;
	_cleanup_close_ int fd = ward_template_open_in_root(rootfs_fd, HINT_PATH,
							  O_RDONLY | O_NONBLOCK | O_NOCTTY);
	_cleanup_free_ char *text = ward_xmalloc(HINT_MAX + 1);
	struct stat st;
	ssize_t n;

	if (fd == -ENOENT || fd == -ENOTDIR)
		return 0;
	if (fd < 0)
		return ward_err_sys(err, -fd, "cannot open %s in the rootfs", HINT_PATH);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return ward_err_set(err, EINVAL, "%s in the rootfs is not a regular file",
				    HINT_PATH);
	/* the rootfs is untrusted: bounded read, and only [template] is honoured */
	n = read(fd, text, HINT_MAX);
	if (n < 0)
		return ward_err_sys(err, errno, "cannot read %s in the rootfs", HINT_PATH);
	text[n] = '\0';
	c.err = &e;
	if (run(&c, text) < 0)
		return ward_err_set(err, e->code, "%s", e->msg);
	return 0;
}
