/* lib/cgroups v2 backend: create with controllers delegated down the ward
 * subtree, cgroup.freeze, cgroup.kill, and the fd for CLONE_INTO_CGROUP. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/cgroups-internal.h"

/* Enables in dir's cgroup.subtree_control every controller dir has available
 * (cgroup.controllers) and has not enabled yet, one at a time so a failure
 * names the controller. Once a class exists this is two reads and no write. */
static int enable_controllers(const char *dir, struct ward_err **err)
{
	_cleanup_free_ char *avail = NULL, *on = NULL;
	char *save = NULL;
	int r = cg_read(dir, "cgroup.controllers", &avail, err);

	if (r >= 0)
		r = cg_read(dir, "cgroup.subtree_control", &on, err);
	if (r < 0)
		return r;
	for (char *c = strtok_r(avail, " \n", &save); c; c = strtok_r(NULL, " \n", &save)) {
		_cleanup_free_ char *cmd = NULL;

		if (cg_has_word(on, c))
			continue;
		cmd = ward_xasprintf("+%s", c);
		r = cg_write(dir, "cgroup.subtree_control", cmd, err);
		if (r < 0) {
			ward_err_prefix(err, "cannot enable controller %s", c);
			return r;
		}
	}
	return 0;
}

/* Inner nodes (classes) delegate controllers to their children; the
 * container itself is a leaf and enables nothing (no-internal-process rule). */
static int v2_level(const char *parent, const char *dir, bool leaf,
		    struct ward_err **err)
{
	return leaf ? 0 : enable_controllers(dir, err);
}

/* The mount root gets the missing controllers enabled too, or ward's
 * subtree would have none on hosts without systemd. It is best effort: a
 * delegated or namespaced root may refuse, and the knob that needs a missing
 * controller reports it. Only the root's own subtree_control is touched,
 * never its other children. */
int cg_v2_create(struct ward_cg *cg, struct ward_err **err)
{
	_cleanup_err_ struct ward_err *root_err = NULL;
	const struct cg_hier *h = &cg->h[0];

	enable_controllers(h->mnt, &root_err);
	return cg_mkdir_levels(h, cg->relpath, v2_level, err);
}

/* O_PATH is enough: clone3 resolves CLONE_INTO_CGROUP with fget_raw(). */
int cg_v2_open(const struct cg_hier *h, struct ward_err **err)
{
	int fd = open(h->path, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return ward_err_sys(err, errno, "cannot open cgroup %s", h->path);
	return fd;
}

/* Value of "key N" in cgroup.events, or -1. */
static int event_value(const char *buf, const char *key)
{
	size_t n = strlen(key);

	for (const char *p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, n) && p[n] == ' ')
			return p[n + 1] - '0';
	return -1;
}

static int read_events(int fd, const char *dir, char *buf, size_t size,
		       struct ward_err **err)
{
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return ward_err_sys(err, errno, "cannot read cgroup.events in %s", dir);
	do
		n = read(fd, buf, size - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ward_err_sys(err, errno, "cannot read cgroup.events in %s", dir);
	buf[n] = '\0';
	return 0;
}

/* Waits until cgroup.events says "key want". The kernel signals every change
 * of cgroup.events with POLLPRI; the poll is capped at 50 ms anyway so a
 * missed notification only costs a little time. */
static int wait_event(const struct cg_hier *h, const char *key, int want,
		      int64_t deadline, struct ward_err **err)
{
	_cleanup_free_ char *path = ward_xasprintf("%s/cgroup.events", h->path);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	char buf[256];

	if (fd < 0)
		return ward_err_sys(err, errno, "cannot open cgroup.events in %s", h->path);
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLPRI };
		int64_t left;
		int r = read_events(fd, h->path, buf, sizeof(buf), err);

		if (r < 0)
			return r;
		if (event_value(buf, key) == want)
			return 0;
		left = deadline - cg_now_ms();
		if (left <= 0)
			return ward_err_set(err, ETIMEDOUT,
					    "timed out waiting for %s %d in cgroup.events",
					    key, want);
		poll(&pfd, 1, left > 50 ? 50 : (int)left);
	}
}

/* cgroup.freeze covers the whole subtree; "frozen 1" in cgroup.events means
 * every task has stopped. */
int cg_v2_freeze(const struct cg_hier *h, bool frozen, int timeout_ms,
		 struct ward_err **err)
{
	int r = cg_write(h->path, "cgroup.freeze", frozen ? "1" : "0", err);

	if (r < 0)
		return r;
	r = wait_event(h, "frozen", frozen, cg_now_ms() + timeout_ms, err);
	if (r < 0)
		ward_err_prefix(err, "cannot %s cgroup %s", frozen ? "freeze" : "thaw",
				h->path);
	return r;
}

/* cgroup.kill (5.14+) kills the subtree atomically against forks; then
 * "populated 0" says every task has exited. */
int cg_v2_kill(const struct cg_hier *h, int64_t deadline, struct ward_err **err)
{
	_cleanup_free_ char *path = ward_xasprintf("%s/cgroup.kill", h->path);
	_cleanup_close_ int fd = -1;
	int r;

	if (access(h->path, F_OK) < 0 && errno == ENOENT)
		return 0; /* never created or already gone: nothing runs there */
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return -ENOTSUP;
	if (fd < 0)
		return ward_err_sys(err, errno, "cannot open cgroup.kill in %s", h->path);
	if (write(fd, "1", 1) != 1)
		return ward_err_sys(err, errno, "cannot write cgroup.kill in %s", h->path);
	r = wait_event(h, "populated", 0, deadline, err);
	if (r < 0)
		ward_err_prefix(err, "cannot kill cgroup %s", h->path);
	return r;
}
