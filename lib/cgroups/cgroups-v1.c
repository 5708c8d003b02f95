/* lib/cgroups v1/hybrid backend: create across every mounted hierarchy
 * (cpuset needs its parent's cpus/mems) and the freezer.state freezer. */
#include <errno.h>
#include <string.h>

#include "cgroups/cgroups-internal.h"

static bool blank(const char *s)
{
	return s[strspn(s, " \t\n")] == '\0';
}

/* A new cpuset has empty cpus and mems, and the kernel refuses tasks until
 * both are set. We copy them from the parent instead of setting
 * cgroup.clone_children, which would change the host's parent directories.
 * Existing but empty dirs (a crash between mkdir and copy) are repaired. */
static int cpuset_copy(const char *parent, const char *dir, const char *file,
		       struct ward_err **err)
{
	_cleanup_free_ char *cur = NULL, *val = NULL;
	int r = cg_read(dir, file, &cur, err);

	if (r < 0 || !blank(cur))
		return r < 0 ? r : 0;
	r = cg_read(parent, file, &val, err);
	if (r < 0)
		return r;
	return cg_write(dir, file, val, err);
}

static int cpuset_level(const char *parent, const char *dir, bool leaf,
			struct ward_err **err)
{
	int r = cpuset_copy(parent, dir, "cpuset.cpus", err);

	return r < 0 ? r : cpuset_copy(parent, dir, "cpuset.mems", err);
}

/* Every hierarchy gets the directory, named ones (name=systemd) and the
 * hybrid unified cgroup2 mount included, so a container's processes leave no
 * trace in the host's cgroups. The unified mount is used for tracking only
 * (as systemd does in hybrid mode): no controllers are enabled there, the
 * v1 hierarchies carry the resource controls. */
int cg_v1_create(struct ward_cg *cg, struct ward_err **err)
{
	for (size_t i = 0; i < cg->nh; i++) {
		const struct cg_hier *h = &cg->h[i];
		int r = cg_mkdir_levels(h, cg->relpath, h->cpuset ? cpuset_level : NULL,
					err);

		if (r < 0)
			return r;
	}
	return 0;
}

/* freezer.state goes FREEZING -> FROZEN; rewriting FROZEN retries tasks that
 * were busy in the kernel. THAWED takes effect at once. */
int cg_v1_freeze(const struct cg_hier *h, bool frozen, int timeout_ms,
		 struct ward_err **err)
{
	int64_t deadline = cg_now_ms() + timeout_ms;
	int delay = 1;

	if (!frozen)
		return cg_write(h->path, "freezer.state", "THAWED", err);
	for (;;) {
		_cleanup_free_ char *state = NULL;
		int r = cg_write(h->path, "freezer.state", "FROZEN", err);

		if (r >= 0)
			r = cg_read(h->path, "freezer.state", &state, err);
		if (r < 0)
			return r;
		if (!strncmp(state, "FROZEN", 6))
			return 0;
		if (cg_now_ms() >= deadline)
			return ward_err_set(err, ETIMEDOUT,
					    "cannot freeze cgroup %s: still %.*s after %d ms",
					    h->path, (int)strcspn(state, "\n"), state,
					    timeout_ms);
		cg_sleep_ms(delay);
		delay = delay < 8 ? delay * 2 : 10;
	}
}
