/* lib/cgroups: layout discovery, the file helpers and the backend-neutral
 * operations (enter, kill, count, destroy); cgroups-v1.c and cgroups-v2.c hold
 * what differs between the two layouts (create, freeze, cgroup.kill).
 *
 * libcgroup (DESIGN names it for discovery/create/attach/set/get/delete) is not
 * used here, because Debian's 2.0.2 has a gap in every operation this interface
 * needs:
 *  - discovery: cgroup_init() parses /proc/mounts into process-global tables
 *    (not thread-safe, re-run per process) and cannot honour WARD_CGROUP_MOUNT;
 *    named hierarchies (name=systemd) and the hybrid "unified" cgroup2 mount are
 *    not reliably part of its controller list, and it has no v2 name mapping;
 *  - attach: cgroup_attach_task_pid() writes one tid to `tasks` on v1, so the
 *    other threads of a process stay behind; we need cgroup.procs;
 *  - delete: cgroup_delete_cgroup() stops part way on some errors and leaves
 *    directories in the remaining hierarchies;
 *  - freeze, kill and process counting are not offered at all.
 * What remains (mkdir, write one file, rmdir) is a few system calls per
 * hierarchy, so doing it directly is also the fastest start path. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/cgroups-internal.h"

#define CG_DEFAULT_MOUNT "/sys/fs/cgroup"

/* ---- small helpers shared by both backends ---- */

int cg_read(const char *dir, const char *file, char **out, struct ward_err **err)
{
	_cleanup_free_ char *path = ward_xasprintf("%s/%s", dir, file);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	int r;

	if (fd < 0)
		return ward_err_sys(err, errno, "cannot read %s in %s", file, dir);
	r = ward_fd_read_all(fd, out, &len);
	if (r < 0)
		return ward_err_sys(err, r, "cannot read %s in %s", file, dir);
	return (int)len;
}

int cg_write(const char *dir, const char *file, const char *val,
	     struct ward_err **err)
{
	_cleanup_free_ char *path = ward_xasprintf("%s/%s", dir, file);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(val);
	ssize_t n;

	if (fd < 0)
		return ward_err_sys(err, errno, "cannot open %s in %s", file, dir);
	do
		n = write(fd, val, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ward_err_sys(err, errno, "cannot write %s in %s", file, dir);
	if ((size_t)n != len)
		return ward_err_set(err, EIO, "cannot write %s in %s: short write",
				    file, dir);
	return 0;
}

int cg_mkdir(const char *path, struct ward_err **err)
{
	if (mkdir(path, 0755) == 0)
		return 1;
	if (errno == EEXIST)
		return 0;
	return ward_err_sys(err, errno, "cannot create cgroup %s", path);
}

int cg_mkdir_levels(const struct cg_hier *h, const char *relpath, cg_level_fn fn,
		    struct ward_err **err)
{
	_cleanup_free_ char *dir = ward_xasprintf("%s/%s", h->mnt, relpath);
	_cleanup_free_ char *parent = ward_xstrdup(h->mnt);
	char *p = dir + strlen(h->mnt) + 1;
	int r;

	for (;;) {
		char *slash = strchr(p, '/');

		if (slash)
			*slash = '\0';
		r = cg_mkdir(dir, err);
		if (r >= 0 && fn)
			r = fn(parent, dir, !slash, err);
		if (r < 0)
			return r;
		if (!slash)
			return 0;
		free(parent);
		parent = ward_xstrdup(dir);
		*slash = '/';
		p = slash + 1;
	}
}

int64_t cg_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void cg_sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

bool cg_has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n) {
		bool start = p == list || isspace((unsigned char)p[-1]);
		bool end = p[n] == '\0' || isspace((unsigned char)p[n]);

		if (start && end)
			return true;
	}
	return false;
}

/* ---- layout discovery ---- */

static int relpath_check(const char *relpath, struct ward_err **err)
{
	const char *p = relpath;

	if (!relpath || !*relpath || *relpath == '/' || strlen(relpath) >= PATH_MAX / 2)
		return ward_err_set(err, EINVAL, "invalid cgroup path '%s'",
				    relpath ? relpath : "");
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && !strncmp(p, "..", 2)))
			return ward_err_set(err, EINVAL,
					    "invalid cgroup path '%s': empty, '.' or '..' component",
					    relpath);
		p += n;
		if (*p == '/' && !*++p)
			return ward_err_set(err, EINVAL,
					    "invalid cgroup path '%s': trailing '/'", relpath);
	}
	return 0;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' &&
		    r[2] <= '7' && r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

bool cg_has_opt(const char *opts, const char *opt)
{
	size_t n = strlen(opt);

	for (const char *p = opts; p; p = strchr(p, ',')) {
		if (*p == ',')
			p++;
		if (!strncmp(p, opt, n) && (p[n] == ',' || p[n] == '\0'))
			return true;
	}
	return false;
}

/* Adds a hierarchy mounted at `mnt`; a later mount on the same mount point
 * hides the earlier one, and a second mount of the same hierarchy is skipped. */
static void hier_add(struct ward_cg *cg, const char *mnt, bool v2,
		     const char *opts, dev_t *devs)
{
	struct stat st;
	struct cg_hier *h = NULL;

	if (stat(mnt, &st) < 0)
		return;
	for (size_t i = 0; i < cg->nh; i++) {
		if (!strcmp(cg->h[i].mnt, mnt))
			h = &cg->h[i];
		else if (devs[i] == st.st_dev)
			return;
	}
	if (!h) {
		cg->h = ward_xrealloc(cg->h, (cg->nh + 1) * sizeof(*cg->h));
		h = &cg->h[cg->nh++];
		h->mnt = ward_xstrdup(mnt);
		h->opts = NULL;
	}
	devs[h - cg->h] = st.st_dev;
	h->v2 = v2;
	h->freezer = !v2 && cg_has_opt(opts, "freezer");
	h->cpuset = !v2 && cg_has_opt(opts, "cpuset");
	free(h->opts);
	h->opts = v2 ? NULL : ward_xstrdup(opts);
}

/* One mountinfo line: "id parent maj:min root mnt opts [tags] - type src superopts". */
static void parse_mount(struct ward_cg *cg, char *line, const char *root,
			dev_t *devs)
{
	char *f[5], *sep, *save = NULL, *type, *opts;
	size_t rootlen = strlen(root);
	int i;

	sep = strstr(line, " - ");
	if (!sep)
		return;
	*sep = '\0';
	for (i = 0; i < 5 && (f[i] = strtok_r(i ? NULL : line, " ", &save)); i++)
		;
	if (i < 5)
		return;
	type = strtok_r(sep + 3, " ", &save);
	strtok_r(NULL, " ", &save); /* source */
	opts = strtok_r(NULL, " \n", &save);
	if (!type || !opts || (strcmp(type, "cgroup") && strcmp(type, "cgroup2")))
		return;
	unescape(f[4]);
	if (strncmp(f[4], root, rootlen) || f[4][rootlen] != '/' ||
	    strchr(f[4] + rootlen + 1, '/') || !f[4][rootlen + 1])
		return; /* only mounts directly below the cgroup root */
	hier_add(cg, f[4], !strcmp(type, "cgroup2"), opts, devs);
}

static int discover_v1(struct ward_cg *cg, const char *root, struct ward_err **err)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	_cleanup_free_ char *line = NULL;
	_cleanup_free_ dev_t *devs = NULL;
	size_t cap = 0, ndevs = 16;

	if (!f)
		return ward_err_sys(err, errno, "cannot open /proc/self/mountinfo");
	devs = ward_xcalloc(ndevs, sizeof(*devs));
	while (getline(&line, &cap, f) > 0) {
		if (cg->nh + 1 >= ndevs)
			devs = ward_xrealloc(devs, (ndevs *= 2) * sizeof(*devs));
		parse_mount(cg, line, root, devs);
	}
	if (cg->nh == 0)
		return ward_err_set(err, ENOENT, "no cgroup hierarchies mounted under %s",
				    root);
	return 0;
}

static int discover(struct ward_cg *cg, struct ward_err **err)
{
	const char *env = getenv("WARD_CGROUP_MOUNT");
	_cleanup_free_ char *root = ward_xstrdup(env && *env ? env : CG_DEFAULT_MOUNT);
	size_t n = strlen(root);
	struct statfs sfs;

	while (n > 1 && root[n - 1] == '/')
		root[--n] = '\0';
	if (root[0] != '/')
		return ward_err_set(err, EINVAL, "cgroup mount %s is not an absolute path",
				    root);
	if (statfs(root, &sfs) < 0)
		return ward_err_sys(err, errno, "cannot statfs cgroup mount %s", root);
	if (sfs.f_type == CGROUP2_SUPER_MAGIC) {
		cg->layout = WARD_CG_V2;
		cg->h = ward_xcalloc(1, sizeof(*cg->h));
		cg->h[0].mnt = TAKE_PTR(root);
		cg->h[0].v2 = true;
		cg->nh = 1;
		return 0;
	}
	if (sfs.f_type != TMPFS_MAGIC)
		return ward_err_set(err, ENOTSUP,
				    "unsupported cgroup layout at %s: filesystem magic 0x%lx",
				    root, (unsigned long)sfs.f_type);
	cg->layout = WARD_CG_V1;
	return discover_v1(cg, root, err);
}

/* The handle is built once per container operation; the one mountinfo parse
 * here is the only discovery cost, every later call is a few syscalls. */
struct ward_cg *ward_cg_new(const char *relpath, struct ward_err **err)
{
	struct ward_cg *cg;

	if (relpath_check(relpath, err) < 0)
		return NULL;
	cg = ward_xcalloc(1, sizeof(*cg));
	cg->relpath = ward_xstrdup(relpath);
	if (discover(cg, err) < 0) {
		ward_cg_free(cg);
		return NULL;
	}
	for (size_t i = 0; i < cg->nh; i++)
		cg->h[i].path = ward_xasprintf("%s/%s", cg->h[i].mnt, relpath);
	return cg;
}

/* Frees the handle only; the cgroup itself stays (see ward_cg_destroy). */
void ward_cg_free(struct ward_cg *cg)
{
	if (!cg)
		return;
	for (size_t i = 0; i < cg->nh; i++) {
		free(cg->h[i].mnt);
		free(cg->h[i].path);
		free(cg->h[i].opts);
	}
	free(cg->h);
	free(cg->relpath);
	free(cg);
}

/* Callers that pick v1- or v2-only knobs (devices cgroup vs BPF filter) ask. */
enum ward_cg_layout ward_cg_layout(const struct ward_cg *cg)
{
	return cg->layout;
}

/* ---- create, enter, open ---- */

/* Dispatches to the backend; see cgroups-v1.c / cgroups-v2.c for the
 * per-layout parent setup (cpuset copy, subtree_control). */
int ward_cg_create(struct ward_cg *cg, struct ward_err **err)
{
	if (cg->layout == WARD_CG_V2)
		return cg_v2_create(cg, err);
	return cg_v1_create(cg, err);
}

/* cgroup.procs (not `tasks`) so every thread of the process moves; on v1 the
 * pid goes into every hierarchy, including name=systemd and the hybrid
 * unified mount, so no hierarchy keeps the process in the host's cgroup. */
int ward_cg_enter(struct ward_cg *cg, pid_t pid, struct ward_err **err)
{
	char buf[32];

	if (pid <= 0)
		return ward_err_set(err, EINVAL, "cannot enter cgroup %s: invalid pid %d",
				    cg->relpath, (int)pid);
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	for (size_t i = 0; i < cg->nh; i++) {
		int r = cg_write(cg->h[i].path, "cgroup.procs", buf, err);

		if (r < 0)
			return r;
	}
	return 0;
}

int ward_cg_enter_self(struct ward_cg *cg, bool skip_v2, struct ward_err **err)
{
	for (size_t i = 0; i < cg->nh; i++) {
		int r;

		if (cg->h[i].v2 && skip_v2)
			continue;
		r = cg_write(cg->h[i].path, cg->h[i].v2 ? "cgroup.procs" : "tasks", "0", err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Hybrid hosts have a cgroup2 hierarchy too (the unified mount); cloning
 * into it spares one cgroup.procs write, and the v1 hierarchies are entered
 * by the child itself. */
int ward_cg_open_v2(struct ward_cg *cg, struct ward_err **err)
{
	for (size_t i = 0; i < cg->nh; i++)
		if (cg->h[i].v2)
			return cg_v2_open(&cg->h[i], err);
	return ward_err_set(err, EOPNOTSUPP,
			    "cannot open cgroup %s for clone3: no cgroup2 hierarchy",
			    cg->relpath);
}

/* ---- freeze ---- */

/* v1 freezer hierarchy if mounted, else a cgroup2 mount (pure v2, or the
 * hybrid unified mount, whose cgroup.freeze works without controllers). */
int cg_freeze_timeout(struct ward_cg *cg, bool frozen, int timeout_ms,
		      struct ward_err **err)
{
	const struct cg_hier *v2 = NULL;

	for (size_t i = 0; i < cg->nh; i++) {
		if (cg->h[i].freezer)
			return cg_v1_freeze(&cg->h[i], frozen, timeout_ms, err);
		if (cg->h[i].v2 && !v2)
			v2 = &cg->h[i];
	}
	if (v2)
		return cg_v2_freeze(v2, frozen, timeout_ms, err);
	return ward_err_set(err, EOPNOTSUPP, "cannot %s cgroup %s: no freezer hierarchy",
			    frozen ? "freeze" : "thaw", cg->relpath);
}

/* Used by stop/pause and by kill (a frozen cgroup cannot fork). */
int ward_cg_freeze(struct ward_cg *cg, bool frozen, struct ward_err **err)
{
	return cg_freeze_timeout(cg, frozen, CG_FREEZE_TIMEOUT_MS, err);
}

/* ---- walking a cgroup subtree ---- */

/* Post-order walk (children first): a container may have made sub-cgroups
 * (systemd inside it), and rmdir, counting and killing must cover them.
 * Returns -ENOENT without a message when `path` does not exist. */
int cg_walk(const char *path, cg_walk_fn fn, void *data, struct ward_err **err)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int r = 0;

	if (!d)
		return errno == ENOENT ? -ENOENT
				       : ward_err_sys(err, errno, "cannot open cgroup %s", path);
	while (r >= 0 && (de = readdir(d))) {
		_cleanup_free_ char *sub = NULL;

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") ||
		    !strcmp(de->d_name, ".."))
			continue;
		sub = ward_xasprintf("%s/%s", path, de->d_name);
		r = cg_walk(sub, fn, data, err);
		if (r == -ENOENT)
			r = 0; /* removed while we looked */
	}
	closedir(d);
	return r < 0 ? r : fn(path, data, err);
}

/* Reads cgroup.procs of one directory; a vanished directory has no processes. */
static int read_procs(const char *path, char **buf, struct ward_err **err)
{
	_cleanup_err_ struct ward_err *e = NULL;
	int r = cg_read(path, "cgroup.procs", buf, &e);

	if (r == -ENOENT || r == -ENODEV) {
		*buf = ward_xstrdup("");
		return 0;
	}
	if (r < 0)
		return ward_err_set(err, -r, "%s", e->msg);
	return r;
}

static int count_fn(const char *path, void *data, struct ward_err **err)
{
	_cleanup_free_ char *buf = NULL;
	int r = read_procs(path, &buf, err);

	if (r < 0)
		return r;
	for (char *p = buf; *p; p++)
		*(int *)data += *p == '\n';
	return 0;
}

static int kill_fn(const char *path, void *data, struct ward_err **err)
{
	_cleanup_free_ char *buf = NULL;
	int r = read_procs(path, &buf, err);

	if (r < 0)
		return r;
	for (char *p = buf, *end; *p; p = end) {
		long pid = strtol(p, &end, 10);

		if (end == p || pid <= 0 || pid > INT_MAX)
			break; /* never signal anything not read as a pid */
		if (pid == getpid())
			return ward_err_set(err, EDEADLK,
					    "cannot kill cgroup %s: the calling process is in it",
					    path);
		if (kill((pid_t)pid, SIGKILL) < 0 && errno != ESRCH)
			return ward_err_sys(err, errno, "cannot kill process %ld of cgroup %s",
					    pid, path);
		while (*end == '\n')
			end++;
	}
	return 0;
}

/* Processes in the subtree, the largest count over all hierarchies. */
static int count_all(struct ward_cg *cg, struct ward_err **err)
{
	int max = 0;

	for (size_t i = 0; i < cg->nh; i++) {
		int n = 0, r = cg_walk(cg->h[i].path, count_fn, &n, err);

		if (r < 0 && r != -ENOENT)
			return r;
		if (n > max)
			max = n;
	}
	return max;
}

/* Lets the monitor and `ward info` tell running from empty. */
int ward_cg_nprocs(struct ward_cg *cg, struct ward_err **err)
{
	return count_all(cg, err);
}

/* ---- kill ---- */

/* One round: freeze so nothing forks, SIGKILL every listed pid, thaw so the
 * signals are acted upon (v1 frozen tasks die only once thawed). A freeze that
 * does not finish (a task in D state) does not stop the round. */
static int kill_round(struct ward_cg *cg, int64_t deadline, struct ward_err **err)
{
	_cleanup_err_ struct ward_err *ferr = NULL;
	int64_t left = deadline - cg_now_ms();
	int r = 0;

	cg_freeze_timeout(cg, true, left > 1000 ? 1000 : left > 0 ? (int)left : 0, &ferr);
	for (size_t i = 0; i < cg->nh && r >= 0; i++) {
		r = cg_walk(cg->h[i].path, kill_fn, NULL, err);
		if (r == -ENOENT)
			r = 0;
	}
	ward_err_freep(&ferr);
	cg_freeze_timeout(cg, false, 1000, &ferr); /* thaw even after a failed freeze */
	return r;
}

static int kill_loop(struct ward_cg *cg, int64_t deadline, struct ward_err **err)
{
	int delay = 1;

	for (;;) {
		int r = count_all(cg, err);

		if (r <= 0)
			return r;
		if (cg_now_ms() >= deadline)
			return ward_err_set(err, ETIMEDOUT,
					    "cannot kill cgroup %s: %d processes left after timeout",
					    cg->relpath, r);
		r = kill_round(cg, deadline, err);
		if (r < 0)
			return r;
		cg_sleep_ms(delay);
		delay = delay < 16 ? delay * 2 : 20;
	}
}

/* Stop and destroy need an empty cgroup. v2 uses cgroup.kill (atomic against
 * forks); v1 and old v2 kernels loop freeze/kill/thaw until every hierarchy is
 * empty. timeout_ms < 0 waits without limit. */
int ward_cg_kill(struct ward_cg *cg, int timeout_ms, struct ward_err **err)
{
	int64_t deadline = timeout_ms < 0 ? INT64_MAX : cg_now_ms() + timeout_ms;

	if (cg->layout == WARD_CG_V2) {
		int r = cg_v2_kill(&cg->h[0], deadline, err);

		if (r != -ENOTSUP)
			return r;
	}
	return kill_loop(cg, deadline, err);
}

/* ---- removal ---- */

/* rmdir with a short retry: right after a kill the kernel may still count
 * exiting tasks and answer EBUSY. */
static int rmdir_fn(const char *path, void *data, struct ward_err **err)
{
	int64_t deadline = *(int64_t *)data;
	int delay = 1;

	while (rmdir(path) < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno != EBUSY || cg_now_ms() >= deadline)
			return ward_err_sys(err, errno, "cannot remove cgroup %s", path);
		cg_sleep_ms(delay);
		delay = delay < 8 ? delay * 2 : 10;
	}
	return 0;
}

/* Teardown must work after a partial create and run again after a crash, so
 * missing directories are fine; every hierarchy is tried even after a failure
 * and the first failure is reported. */
int ward_cg_destroy(struct ward_cg *cg, struct ward_err **err)
{
	int64_t deadline = cg_now_ms() + CG_RMDIR_RETRY_MS;
	int ret = 0;

	for (size_t i = 0; i < cg->nh; i++) {
		int r = cg_walk(cg->h[i].path, rmdir_fn, &deadline, err);

		if (r < 0 && r != -ENOENT && ret == 0)
			ret = r;
	}
	return ret;
}

static void cg_freep(struct ward_cg **cg)
{
	ward_cg_free(*cg);
}

static bool has_child_dir(const char *path)
{
	_cleanup_closedir_ DIR *d = opendir(path);
	struct dirent *de;

	while (d && (de = readdir(d)))
		if (de->d_type == DT_DIR && strcmp(de->d_name, ".") &&
		    strcmp(de->d_name, ".."))
			return true;
	return false;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void names_add(char ***v, size_t *n, const char *s)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i], s))
			return;
	*v = ward_xrealloc(*v, (*n + 2) * sizeof(**v));
	(*v)[(*n)++] = ward_xstrdup(s);
	(*v)[*n] = NULL;
}

int ward_cg_children(const char *relpath, char ***names, struct ward_err **err)
{
	_cleanup_(cg_freep) struct ward_cg *cg = ward_cg_new(relpath, err);
	size_t n = 0;

	*names = ward_xcalloc(1, sizeof(**names));
	if (!cg)
		return -EINVAL;
	for (size_t i = 0; i < cg->nh; i++) {
		_cleanup_closedir_ DIR *d = opendir(cg->h[i].path);
		struct dirent *de;

		while (d && (de = readdir(d)))
			if (de->d_type == DT_DIR && de->d_name[0] != '.')
				names_add(names, &n, de->d_name);
	}
	if (n)
		qsort(*names, n, sizeof(**names), cmp_name);
	return 0;
}

/* Classes and a test's root are removed only when empty: children are checked
 * in every hierarchy first so a refusal leaves all hierarchies alike. */
int ward_cg_rmdir_path(const char *relpath, struct ward_err **err)
{
	_cleanup_err_ struct ward_err *e = NULL;
	_cleanup_(cg_freep) struct ward_cg *cg = ward_cg_new(relpath, &e);
	int64_t deadline = cg_now_ms() + CG_RMDIR_RETRY_MS;
	int ret = 0;

	if (!cg)
		return ward_err_set(err, e->code, "%s", e->msg);
	for (size_t i = 0; i < cg->nh; i++)
		if (has_child_dir(cg->h[i].path))
			return ward_err_set(err, EBUSY,
					    "cannot remove cgroup %s: it has child cgroups",
					    cg->h[i].path);
	for (size_t i = 0; i < cg->nh; i++) {
		int r = rmdir_fn(cg->h[i].path, &deadline, err);

		if (r < 0 && ret == 0)
			ret = r;
	}
	return ret;
}
