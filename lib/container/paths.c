/* Where a container's persistent and volatile files live, and its lock. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container/container.h"

static char *pick(const char *arg, const char *env, const char *def)
{
	const char *e = getenv(env);

	if (arg && *arg)
		return ward_xstrdup(arg);
	if (e && *e)
		return ward_xstrdup(e);
	return ward_xstrdup(def);
}

void ward_host_init(struct ward_host *host, const char *root, const char *run)
{
	host->root = pick(root, "WARD_ROOT", "/var/lib/ward");
	host->run = pick(run, "WARD_RUN", "/run/ward");
	host->cg_root = pick(NULL, "WARD_CGROUP_ROOT", "ward");
}

void ward_host_fini(struct ward_host *host)
{
	free(host->root);
	free(host->run);
	free(host->cg_root);
}

char *ward_host_ctdir(const struct ward_host *host, const char *name)
{
	return ward_xasprintf("%s/containers/%s", host->root, name);
}

char *ward_host_class_cgroup(const struct ward_host *host, const char *class)
{
	char *p = ward_xasprintf("%s/%s", host->cg_root, class);

	for (char *c = p + strlen(host->cg_root) + 1; *c; c++)
		if (*c == '.')
			*c = '/';
	return p;
}

char *ward_host_rundir(const struct ward_host *host, const char *name)
{
	return ward_xasprintf("%s/%s", host->run, name);
}

int ward_ct_lock(const struct ward_host *host, const char *name, bool wait,
		 struct ward_err **err)
{
	_cleanup_free_ char *dir = ward_xasprintf("%s/locks", host->root);
	_cleanup_free_ char *path = ward_xasprintf("%s/%s", dir, name);
	int r = ward_mkdir_p(AT_FDCWD, dir, 0700, err);

	if (r < 0)
		return r;
	for (;;) {
		struct stat st;
		int fd = ward_lock_take(path, wait, err);

		if (fd < 0)
			return fd;
		/* a destroy that held the lock may have unlinked the file: the
		 * lock we got is then on a dead inode, so take it again */
		if (fstat(fd, &st) == 0 && st.st_nlink > 0)
			return fd;
		close(fd);
	}
}
