/* A shared, read-only copy of a data template for ephemeral containers, which
 * overlay it instead of copying it (the way runc runs an existing bundle). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container/container-internal.h"
#include "container/templates/template-internal.h"

/* FNV-1a: the cache dir is named after the template text it was built from,
 * so an edited template gets a new cache and a running overlay's lower dir
 * is never rebuilt underneath it. */
static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static int build(const char *dir, const char *name, const char *final,
		 struct ward_err **err)
{
	_cleanup_free_ char *tmp = ward_xasprintf("%s/.%s.tmp%d", dir, name, (int)getpid());
	struct ward_template_info info;
	_cleanup_close_ int fd = -1;
	int r;

	ward_rm_rf_at(AT_FDCWD, tmp, NULL);
	if (mkdir(tmp, 0755) < 0)
		return ward_err_sys(err, errno, "cannot create %s", tmp);
	fd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	r = fd < 0 ? ward_err_sys(err, errno, "cannot open %s", tmp)
		   : ward_template_install(name, fd, &info, err);
	if (r == 0 && rename(tmp, final) < 0)
		r = ward_err_sys(err, errno, "cannot rename %s to %s", tmp, final);
	if (r < 0)
		ward_rm_rf_at(AT_FDCWD, tmp, NULL);
	return r;
}

int ward_template_cache_gc(const struct ward_host *host, struct ward_err **err)
{
	_cleanup_free_ char *dir = ward_xasprintf("%s/templates", host->root);
	_cleanup_free_ char *lock = ward_xasprintf("%s/.lock", dir);
	_cleanup_close_ int lockfd = -1, dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int n = 0;

	if (dfd < 0)
		return 0;
	/* builds hold this lock: any half-built copy we see is a crash's */
	lockfd = ward_lock_take(lock, true, err);
	if (lockfd < 0)
		return lockfd;
	d = fdopendir(TAKE_FD(dfd));
	while (d && (de = readdir(d)))
		if (de->d_name[0] == '.' && strstr(de->d_name, ".tmp") &&
		    ward_rm_rf_at(dirfd(d), de->d_name, err) == 0)
			n++;
	return n;
}

int ward_template_cache(const struct ward_host *host, const char *spec,
			char **rootfs, struct ward_template_info *info,
			struct ward_err **err)
{
	_cleanup_free_ char *text = NULL, *dir = NULL, *lock = NULL, *final = NULL;
	_cleanup_close_ int lockfd = -1, fd = -1;
	int r = ward_template_text(spec, &text, err);

	if (r < 0)
		return r;
	dir = ward_xasprintf("%s/templates", host->root);
	lock = ward_xasprintf("%s/.lock", dir);
	final = ward_xasprintf("%s/%s-%016llx", dir, spec, (unsigned long long)fnv1a(text));
	r = ward_mkdir_p(AT_FDCWD, dir, 0755, err);
	if (r < 0)
		return r;
	lockfd = ward_lock_take(lock, true, err);
	if (lockfd < 0)
		return lockfd;
	if (access(final, F_OK) < 0 && (r = build(dir, spec, final, err)) < 0)
		return r;
	fd = open(final, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ward_err_sys(err, errno, "cannot open template cache %s", final);
	memset(info, 0, sizeof(*info));
	r = ward_template_hint_read(fd, info, err);
	if (r == 0)
		*rootfs = TAKE_PTR(final);
	return r;
}
