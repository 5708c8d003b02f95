/* lib/cgroups live move: every process of one cgroup subtree into another
 * cgroup, in every hierarchy, while both are frozen (`ward class assign`). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/cgroups-internal.h"

/* How long the move keeps re-reading the source before giving up. */
#define CG_MOVE_TIMEOUT_MS 10000
/* The freeze is an optimisation (the loop alone is correct), so a task stuck
 * in D state costs at most this much before the move goes on without it. */
#define CG_MOVE_FREEZE_MS 1000

struct move_ctx {
	const char *dst; /* destination directory in this hierarchy */
	int seen;        /* pids listed in this pass */
};

/* Moves the processes listed in one directory of the source subtree. A pid
 * that exited meanwhile (ESRCH) is not an error. */
static int move_fn(const char *path, void *data, struct ward_err **err)
{
	struct move_ctx *m = data;
	_cleanup_err_ struct ward_err *e = NULL;
	_cleanup_free_ char *buf = NULL;
	int r = cg_read(path, "cgroup.procs", &buf, &e);

	if (r == -ENOENT || r == -ENODEV)
		return 0; /* removed while we walked */
	if (r < 0)
		return ward_err_set(err, -r, "%s", e->msg);
	for (char *p = buf, *end; *p; p = end) {
		long pid = strtol(p, &end, 10);
		char num[24];

		if (end == p || pid <= 0 || pid > INT_MAX)
			break; /* never write anything not read as a pid */
		while (*end == '\n')
			end++;
		m->seen++;
		snprintf(num, sizeof(num), "%ld", pid);
		ward_err_freep(&e);
		r = cg_write(m->dst, "cgroup.procs", num, &e);
		if (r < 0 && r != -ESRCH)
			return ward_err_set(err, -r, "cannot move process %ld: %s", pid, e->msg);
	}
	return 0;
}

/* One pass over every hierarchy; the number of pids found in the source. */
static int move_pass(struct ward_cg *from, struct ward_cg *to, struct ward_err **err)
{
	int seen = 0;

	for (size_t i = 0; i < from->nh; i++) {
		struct move_ctx m = { .dst = to->h[i].path };
		int r = cg_walk(from->h[i].path, move_fn, &m, err);

		if (r < 0 && r != -ENOENT)
			return r;
		seen += m.seen;
	}
	return seen;
}

/* Until a whole pass finds the source empty: a process forked (or moved in
 * by someone else) between the read and the write is caught next time. */
static int move_loop(struct ward_cg *from, struct ward_cg *to, struct ward_err **err)
{
	int64_t deadline = cg_now_ms() + CG_MOVE_TIMEOUT_MS;
	int delay = 1;

	for (;;) {
		int r = move_pass(from, to, err);

		if (r <= 0)
			return r;
		if (cg_now_ms() >= deadline)
			return ward_err_set(err, ETIMEDOUT,
					    "cannot move cgroup %s to %s: processes left after %d ms",
					    from->relpath, to->relpath, CG_MOVE_TIMEOUT_MS);
		cg_sleep_ms(delay);
		delay = delay < 8 ? delay * 2 : 10;
	}
}

static bool is_below(const char *a, const char *b)
{
	size_t n = strlen(b);

	return !strncmp(a, b, n) && (a[n] == '/' || a[n] == '\0');
}

/* Freezing a cgroup that holds the caller would stop the caller. */
static bool self_inside(const struct ward_cg *cg)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/cgroup", "re");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while (f && (n = getline(&line, &cap, f)) > 0) {
		char *path = strchr(line, ':');

		path = path ? strchr(path + 1, ':') : NULL;
		if (!path || path[1] != '/')
			continue;
		line[n - 1] = line[n - 1] == '\n' ? '\0' : line[n - 1];
		if (is_below(path + 2, cg->relpath))
			return true;
	}
	return false;
}

static int move_check(struct ward_cg *from, struct ward_cg *to, struct ward_err **err)
{
	if (is_below(from->relpath, to->relpath) || is_below(to->relpath, from->relpath))
		return ward_err_set(err, EINVAL, "cannot move cgroup %s to %s: one contains the other",
				    from->relpath, to->relpath);
	if (from->layout != to->layout || from->nh != to->nh)
		return ward_err_set(err, EINVAL, "cannot move cgroup %s to %s: different layouts",
				    from->relpath, to->relpath);
	for (size_t i = 0; i < from->nh; i++)
		if (strcmp(from->h[i].mnt, to->h[i].mnt))
			return ward_err_set(err, EINVAL,
					    "cannot move cgroup %s to %s: different hierarchies",
					    from->relpath, to->relpath);
	if (self_inside(from))
		return ward_err_set(err, EDEADLK,
				    "cannot move cgroup %s: the calling process is in it",
				    from->relpath);
	return 0;
}

int ward_cg_move(struct ward_cg *from, struct ward_cg *to, struct ward_err **err)
{
	_cleanup_err_ struct ward_err *ferr = NULL;
	int r = move_check(from, to, err);

	if (r >= 0)
		r = ward_cg_create(to, err);
	if (r < 0)
		return r;
	/* best effort: `from` may not exist (nothing runs), a freeze may time out */
	cg_freeze_timeout(from, true, CG_MOVE_FREEZE_MS, &ferr);
	ward_err_freep(&ferr);
	cg_freeze_timeout(to, true, CG_MOVE_FREEZE_MS, &ferr);
	ward_err_freep(&ferr);
	r = move_loop(from, to, err);
	/* thaw whatever the outcome: a frozen container is worse than a failed move */
	cg_freeze_timeout(to, false, CG_MOVE_FREEZE_MS, &ferr);
	ward_err_freep(&ferr);
	if (r < 0) {
		cg_freeze_timeout(from, false, CG_MOVE_FREEZE_MS, &ferr);
		return r;
	}
	return ward_cg_destroy(from, err);
}
