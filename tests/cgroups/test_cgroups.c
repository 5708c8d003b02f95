/* Integration test of lib/cgroups against the host's real cgroups (root only).
 * Everything lives under "ward-cgtest-<pid>" in each hierarchy, only processes
 * this test forked are signalled, and the end checks that no directory is left.
 *
 * Lanes: the host layout as found at WARD_CGROUP_MOUNT (default /sys/fs/cgroup);
 * on a hybrid host also the v2 backend pointed at the unified cgroup2 mount
 * (WARD_CGROUP_MOUNT=/sys/fs/cgroup/unified), which exercises subtree_control,
 * cgroup.freeze, cgroup.kill and CLONE_INTO_CGROUP without mounting anything. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/sched.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cgroups/cgroups.h"

#define MAXH 32

struct lane {
	char mount[PATH_MAX];   /* cgroup root this lane hands to the library */
	char root[64];          /* ward-cgtest-<pid>[-v2] */
	char rel[128];          /* root/default/c1 */
	char *hier[MAXH];       /* hierarchy mount points, found independently */
	size_t nh;
	bool v2;
	char saved_subtree[512]; /* v2 lane: mount root's subtree_control before */
	struct ward_cg *cg;
};

static struct lane lanes[2];
static struct lane *cur; /* the lane the next group runs */

/* ---- helpers ---- */

static void discover(struct lane *l)
{
	struct statfs sfs;
	FILE *f;
	char line[4096];
	size_t n = strlen(l->mount);

	assert_int_equal(statfs(l->mount, &sfs), 0);
	l->nh = 0;
	if (sfs.f_type == CGROUP2_SUPER_MAGIC) {
		l->v2 = true;
		l->hier[l->nh++] = strdup(l->mount);
		return;
	}
	f = fopen("/proc/self/mountinfo", "re");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char mnt[PATH_MAX];

		if (!strstr(line, " - cgroup ") && !strstr(line, " - cgroup2 "))
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		if (strncmp(mnt, l->mount, n) || mnt[n] != '/' || strchr(mnt + n + 1, '/'))
			continue;
		assert_true(l->nh < MAXH);
		l->hier[l->nh++] = strdup(mnt);
	}
	fclose(f);
	assert_true(l->nh > 0);
}

static bool exists_in(const char *hier, const char *rel)
{
	char p[PATH_MAX];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", hier, rel);
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static size_t count_existing(struct lane *l, const char *rel)
{
	size_t n = 0;

	for (size_t i = 0; i < l->nh; i++)
		n += exists_in(l->hier[i], rel);
	return n;
}

static int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return (int)n;
}

static int read_at(const char *hier, const char *rel, const char *file, char *buf,
		   size_t size)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s/%s", hier, rel, file);
	return read_file(p, buf, size);
}

static int write_at(const char *hier, const char *rel, const char *file, const char *v)
{
	char p[PATH_MAX];
	int fd, r = 0;

	snprintf(p, sizeof(p), "%s/%s/%s", hier, rel, file);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, v, strlen(v)) < 0)
		r = -errno;
	close(fd);
	return r;
}

static struct lane *lane_of(void **state)
{
	return *state;
}

static void set_env(struct lane *l)
{
	assert_int_equal(setenv("WARD_CGROUP_MOUNT", l->mount, 1), 0);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static pid_t spawn_sleeper(void)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	return pid;
}

static void kill_and_reap(pid_t pid)
{
	kill(pid, SIGKILL); /* our own child */
	waitpid(pid, NULL, 0);
}

/* Reaps a (grand)child re-parented to us; fails after 3 s. */
static void reap_killed(pid_t pid)
{
	int64_t end = now_ms() + 3000;
	int st = 0;
	pid_t r;

	while ((r = waitpid(pid, &st, WNOHANG)) == 0 && now_ms() < end)
		sleep_ms(2);
	assert_int_equal(r, pid);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGKILL);
}

/* Hierarchies whose line in /proc/<pid>/cgroup names exactly /<rel>. */
static size_t lines_in_cgroup(pid_t pid, const char *rel)
{
	char p[64], buf[8192], want[256];
	size_t n = 0;

	snprintf(p, sizeof(p), "/proc/%d/cgroup", (int)pid);
	snprintf(want, sizeof(want), ":/%s\n", rel);
	assert_true(read_file(p, buf, sizeof(buf)) > 0);
	for (char *s = buf; (s = strstr(s, want)); s++)
		n++;
	return n;
}

static int nprocs(struct ward_cg *cg)
{
	struct ward_err *err = NULL;
	int n = ward_cg_nprocs(cg, &err);

	if (err)
		print_message("nprocs: %s\n", err->msg);
	ward_err_free(err);
	assert_true(n >= 0);
	return n;
}

#define assert_ok(expr)                                                        \
	do {                                                                   \
		struct ward_err *err_ = NULL;                                  \
		int r_ = (expr);                                               \
		if (r_ < 0)                                                    \
			print_message("%s: %s\n", #expr,                       \
				      err_ ? err_->msg : "(no message)");      \
		ward_err_free(err_);                                           \
		assert_true(r_ >= 0);                                          \
	} while (0)
#define E (&err_)

/* ---- tests ---- */

static void test_new_errors(void **state)
{
	struct lane *l = lane_of(state);
	const char *bad[] = { "", "/abs", "a//b", "../x", "a/./b", "a/", NULL };

	set_env(l);
	for (size_t i = 0; bad[i]; i++) {
		struct ward_err *err = NULL;

		assert_null(ward_cg_new(bad[i], &err));
		assert_non_null(err);
		assert_int_equal(err->code, EINVAL);
		ward_err_free(err);
	}
	assert_ok((l->cg = ward_cg_new(l->rel, E)) ? 0 : -1);
	assert_int_equal(ward_cg_layout(l->cg), l->v2 ? WARD_CG_V2 : WARD_CG_V1);
}

static void test_create(void **state)
{
	struct lane *l = lane_of(state);
	char buf[512], avail[512], parent[256];

	assert_ok(ward_cg_create(l->cg, E));
	assert_ok(ward_cg_create(l->cg, E)); /* existing dirs are fine */
	assert_int_equal(count_existing(l, l->rel), l->nh);
	for (size_t i = 0; i < l->nh && !l->v2; i++) {
		/* v1 cpuset children need cpus/mems (v2: empty means inherit) */
		if (read_at(l->hier[i], l->rel, "cpuset.cpus", buf, sizeof(buf)) >= 0) {
			assert_true(buf[0] != '\n' && buf[0] != '\0');
			assert_true(read_at(l->hier[i], l->rel, "cpuset.mems", buf,
					    sizeof(buf)) > 1);
		}
	}
	if (!l->v2)
		return;
	/* each class delegates what it has; the container leaf delegates nothing */
	snprintf(parent, sizeof(parent), "%s/default", l->root);
	for (const char *d = l->root; d; d = d == l->root ? parent : NULL) {
		assert_true(read_at(l->hier[0], d, "cgroup.controllers", avail, sizeof(avail)) >= 0);
		assert_true(read_at(l->hier[0], d, "cgroup.subtree_control", buf, sizeof(buf)) >= 0);
		assert_string_equal(buf, avail);
	}
	assert_true(read_at(l->hier[0], l->rel, "cgroup.subtree_control", buf, sizeof(buf)) >= 0);
	assert_int_equal(strspn(buf, "\n"), strlen(buf));
}

/* Raw clone3 into the cgroup; the child reports where it landed. */
static void check_clone_into(struct lane *l, int fd)
{
	struct clone_args args = { .flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD,
				   .cgroup = (uint64_t)fd };
	long pid = syscall(SYS_clone3, &args, sizeof(args));
	int st = 0;

	assert_true(pid >= 0);
	if (pid == 0) {
		char buf[4096], want[256];
		int cfd = open("/proc/self/cgroup", O_RDONLY);
		ssize_t n = cfd < 0 ? -1 : read(cfd, buf, sizeof(buf) - 1);

		snprintf(want, sizeof(want), "0::/%s\n", l->rel);
		_exit(n > 0 && (buf[n] = '\0', strstr(buf, want)) ? 0 : 1);
	}
	assert_int_equal(waitpid((pid_t)pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void test_open_v2(void **state)
{
	struct lane *l = lane_of(state);
	struct ward_err *err = NULL;
	struct statfs sfs;
	int fd = ward_cg_open_v2(l->cg, &err);

	/* pure v2, or the hybrid unified mount (every host this test runs on
	 * has one; a v1-only host would answer -EOPNOTSUPP) */
	if (fd == -EOPNOTSUPP) {
		assert_false(l->v2);
		assert_non_null(err);
		ward_err_free(err);
		return;
	}
	assert_null(err);
	assert_true(fd >= 0);
	assert_int_equal(fstatfs(fd, &sfs), 0);
	assert_true(sfs.f_type == CGROUP2_SUPER_MAGIC);
	check_clone_into(l, fd);
	close(fd);
}

static void test_enter(void **state)
{
	struct lane *l = lane_of(state);
	struct ward_err *err = NULL;
	pid_t pid = spawn_sleeper(), gone = fork();

	assert_true(gone >= 0);
	if (gone == 0)
		_exit(0);
	waitpid(gone, NULL, 0);
	assert_ok(ward_cg_enter(l->cg, pid, E));
	assert_int_equal(lines_in_cgroup(pid, l->rel), l->nh);
	assert_int_equal(nprocs(l->cg), 1);
	/* an exited pid: the message names the file and the directory */
	assert_true(ward_cg_enter(l->cg, gone, &err) < 0);
	assert_non_null(err);
	assert_non_null(strstr(err->msg, "cannot write cgroup.procs in "));
	assert_non_null(strstr(err->msg, l->rel));
	ward_err_free(err);
	kill_and_reap(pid);
	assert_int_equal(nprocs(l->cg), 0);
}

/* The child moves itself (v1: tasks "0", no global lock) into every
 * hierarchy; /proc/self/cgroup then names the cgroup in each. */
static void test_enter_self(void **state)
{
	struct lane *l = lane_of(state);
	int st;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		int r = ward_cg_enter_self(l->cg, false, NULL);
		_exit(r == 0 && lines_in_cgroup(getpid(), l->rel) == l->nh ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(nprocs(l->cg), 0);
}

static bool is_frozen(struct lane *l)
{
	char buf[512];

	for (size_t i = 0; i < l->nh; i++)
		if (read_at(l->hier[i], l->rel, "freezer.state", buf, sizeof(buf)) > 0)
			return !strncmp(buf, "FROZEN", 6);
	assert_true(read_at(l->hier[0], l->rel, "cgroup.events", buf, sizeof(buf)) > 0);
	return strstr(buf, "frozen 1") != NULL;
}

static void test_freeze(void **state)
{
	struct lane *l = lane_of(state);
	volatile uint64_t *ctr = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	uint64_t seen;
	pid_t pid;

	assert_true(ctr != MAP_FAILED);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;) {
			(*ctr)++;
			sleep_ms(1);
		}
	}
	assert_ok(ward_cg_enter(l->cg, pid, E));
	while (*ctr < 3)
		sleep_ms(1);
	assert_ok(ward_cg_freeze(l->cg, true, E));
	assert_true(is_frozen(l));
	seen = *ctr;
	sleep_ms(60);
	assert_true(*ctr == seen); /* no progress while frozen */
	assert_ok(ward_cg_freeze(l->cg, false, E));
	assert_false(is_frozen(l));
	for (int i = 0; i < 1000 && *ctr == seen; i++)
		sleep_ms(1);
	assert_true(*ctr > seen);
	kill_and_reap(pid);
	munmap((void *)ctr, 4096);
}

/* A child that enters the cgroup, then forks `n` grandchildren and reports
 * their pids; the grandchildren re-parent to us (subreaper) once it dies. */
static pid_t spawn_tree(struct lane *l, pid_t *kids, int n)
{
	int go[2], res[2];
	pid_t pid;
	char c;

	assert_int_equal(pipe2(go, O_CLOEXEC), 0);
	assert_int_equal(pipe2(res, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		for (int i = 0; i < n; i++) {
			pid_t k = fork();

			if (k == 0)
				for (;;)
					pause();
			if (write(res[1], &k, sizeof(k)) != sizeof(k))
				_exit(1);
		}
		for (;;)
			pause();
	}
	assert_ok(ward_cg_enter(l->cg, pid, E));
	assert_int_equal(write(go[1], "g", 1), 1);
	for (int i = 0; i < n; i++)
		assert_int_equal(read(res[0], &kids[i], sizeof(pid_t)), sizeof(pid_t));
	close(go[0]), close(go[1]), close(res[0]), close(res[1]);
	return pid;
}

static void assert_all_empty(struct lane *l)
{
	char buf[256];

	for (size_t i = 0; i < l->nh; i++) {
		assert_true(read_at(l->hier[i], l->rel, "cgroup.procs", buf, sizeof(buf)) >= 0);
		assert_string_equal(buf, "");
	}
}

static void test_kill_tree(void **state)
{
	struct lane *l = lane_of(state);
	pid_t kids[3];
	pid_t pid = spawn_tree(l, kids, 3);

	assert_int_equal(nprocs(l->cg), 4);
	assert_ok(ward_cg_kill(l->cg, 5000, E));
	assert_int_equal(nprocs(l->cg), 0);
	assert_all_empty(l);
	reap_killed(pid);
	for (int i = 0; i < 3; i++)
		reap_killed(kids[i]);
}

/* A process that keeps forking: the freeze (or cgroup.kill) closes the race. */
static void test_kill_forking(void **state)
{
	struct lane *l = lane_of(state);
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		for (int i = 0; i < 2000; i++) {
			pid_t k = fork();

			if (k == 0) {
				sleep_ms(5);
				_exit(0);
			}
			while (waitpid(-1, NULL, WNOHANG) > 0)
				;
		}
		_exit(0);
	}
	assert_ok(ward_cg_enter(l->cg, pid, E));
	sleep_ms(20);
	assert_ok(ward_cg_kill(l->cg, 5000, E));
	assert_int_equal(nprocs(l->cg), 0);
	assert_all_empty(l);
	reap_killed(pid);
	while (waitpid(-1, NULL, WNOHANG) > 0) /* re-parented grandchildren */
		;
}

static void test_kill_empty(void **state)
{
	struct lane *l = lane_of(state);
	char rel[256];
	struct ward_cg *missing;

	assert_ok(ward_cg_kill(l->cg, 1000, E));
	snprintf(rel, sizeof(rel), "%s/never-created", l->rel);
	assert_ok((missing = ward_cg_new(rel, E)) ? 0 : -1);
	assert_ok(ward_cg_kill(missing, 1000, E));
	assert_int_equal(nprocs(missing), 0);
	assert_ok(ward_cg_destroy(missing, E));
	ward_cg_free(missing);
}

/* ---- knobs, facts, stats, move ---- */

/* Cgroups the tests below make under root/default (and root/silver for the
 * move target); the lane teardown removes whatever a failed test left. */
static const char *const extra_cgs[] = {
	"default/knobs", "default/busy", "default/mem", "default/oom",
	"default/pids",  "default/mv/inner", "default/mv", "silver/mv",
};

static struct ward_cg *sub_cg(struct lane *l, const char *name, bool create)
{
	char rel[256];
	struct ward_cg *cg = NULL;

	snprintf(rel, sizeof(rel), "%s/%s", l->root, name);
	assert_ok((cg = ward_cg_new(rel, E)) ? 0 : -1);
	if (create)
		assert_ok(ward_cg_create(cg, E));
	return cg;
}

static void drop_cg(struct ward_cg *cg)
{
	assert_ok(ward_cg_kill(cg, 5000, E));
	assert_ok(ward_cg_destroy(cg, E));
	ward_cg_free(cg);
}

/* The hierarchy (found from outside) whose root has `file`: where a v1
 * controller lives; the single hierarchy on v2. */
static const char *hier_with(struct lane *l, const char *file)
{
	for (size_t i = 0; i < l->nh; i++)
		if (read_at(l->hier[i], "", file, (char[64]){ 0 }, 64) >= 0)
			return l->hier[i];
	return NULL;
}

static bool file_in(const char *hier, const char *rel, const char *file)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s/%s", hier, rel, file);
	return hier && access(p, F_OK) == 0;
}

enum job { JOB_BUSY, JOB_TOUCH, JOB_FORK, JOB_FORKLOOP };

static volatile uint64_t *kid_ctr; /* shared page: progress of JOB_FORKLOOP */

/* Runs in the forked child once it is in its cgroup; writes one byte to
 * `ready` when set up (JOB_FORK: the number of forks that succeeded). */
static void kid_job(enum job job, int arg, int ready)
{
	unsigned char ok = 0;

	if (job == JOB_TOUCH) {
		char *p = malloc((size_t)arg << 20);

		for (size_t i = 0; p && i < ((size_t)arg << 20); i += 4096)
			p[i] = 1;
	} else if (job == JOB_FORK) {
		for (int i = 0; i < arg; i++) {
			pid_t k = fork();

			if (k == 0)
				for (;;)
					pause();
			ok += k > 0;
		}
	}
	if (write(ready, &ok, 1) != 1)
		_exit(1);
	while (job == JOB_BUSY)
		;
	while (job == JOB_FORKLOOP) {
		pid_t k = fork();

		if (k == 0) {
			sleep_ms(2);
			_exit(0);
		}
		(*kid_ctr)++;
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		sleep_ms(1);
	}
	for (;;)
		pause();
}

/* Forks a child, puts it into cg, lets it run `job`; *ready_fd (if asked)
 * gets the read end of its ready pipe, else the parent waits for it here. */
static pid_t spawn_job(struct ward_cg *cg, enum job job, int arg, int *ready_fd)
{
	int go[2], ready[2];
	unsigned char c = 0;
	pid_t pid;

	assert_int_equal(pipe2(go, O_CLOEXEC), 0);
	assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(ready[0]);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		kid_job(job, arg, ready[1]);
	}
	close(go[0]), close(ready[1]);
	assert_ok(ward_cg_enter(cg, pid, E));
	assert_int_equal(write(go[1], "g", 1), 1);
	close(go[1]);
	if (ready_fd) {
		*ready_fd = ready[0];
		return pid;
	}
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	return pid;
}

/* Reaps pid (ours, killed) and whatever grandchildren were re-parented to us. */
static void reap_tree(pid_t pid)
{
	waitpid(pid, NULL, 0);
	for (int i = 0; i < 50; i++) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		sleep_ms(2);
	}
}

static void check_err(int r, struct ward_err *err, int code, const char *msg)
{
	assert_int_equal(r, -code);
	assert_non_null(err);
	if (msg && strcmp(err->msg, msg))
		print_message("got '%s'\nwant '%s'\n", err->msg, msg);
	if (msg)
		assert_string_equal(err->msg, msg);
	ward_err_free(err);
}

/* `call` fails with -code and, if msg is set, exactly that message; it
 * takes `&err`. */
#define expect_err(code, msg, call)                                            \
	do {                                                                   \
		struct ward_err *err = NULL;                                   \
		int r_ = (call);                                               \
		check_err(r_, err, code, msg);                                 \
	} while (0)

static void check_set_get(struct ward_cg *cg, const char *ctl, const char *file,
			  const char *val, const char *want)
{
	char *out = NULL;

	assert_ok(ward_cg_set(cg, ctl, file, val, E));
	assert_ok(ward_cg_get(cg, ctl, file, &out, E));
	assert_string_equal(out, want);
	free(out);
}

static void test_knobs_v1(struct lane *l, struct ward_cg *cg, const char *rel)
{
	const char *cpu = hier_with(l, "cpu.shares");
	char want[PATH_MAX + 128], buf[64];
	struct ward_cg *missing = sub_cg(l, "default/nowhere", false);

	assert_non_null(cpu);
	check_set_get(cg, "cpu", "cpu.shares", "512", "512");
	check_set_get(cg, "cpu", "cpu.cfs_quota_us", "50000\n", "50000");
	assert_true(read_at(cpu, rel, "cpu.cfs_quota_us", buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "50000\n"); /* read back from outside too */
	check_set_get(cg, "cpu", "cpu.cfs_quota_us", "-1", "-1");
	check_set_get(cg, "memory", "memory.limit_in_bytes", "64M", "67108864");
	check_set_get(cg, "pids", "pids.max", "100", "100");
	/* the cgroup does not exist: message names the file and the directory */
	snprintf(want, sizeof(want),
		 "cannot write cpu.cfs_quota_us in %s/%s/default/nowhere: No such file or directory",
		 cpu, l->root);
	expect_err(ENOENT, want, ward_cg_set(missing, "cpu", "cpu.cfs_quota_us", "1000", &err));
	expect_err(ENOENT, NULL, ward_cg_set(cg, "nosuchctl", "cpu.shares", "2", &err));
	expect_err(ENOENT, NULL, ward_cg_set(cg, NULL, "cpu.shares", "2", &err));
	ward_cg_free(missing);
}

static void test_knobs(void **state)
{
	struct lane *l = lane_of(state);
	struct ward_cg *cg = sub_cg(l, "default/knobs", true);
	const char *ctl = l->v2 ? "" : "cpu";
	char rel[256], want[PATH_MAX + 128];
	char *out = (char *)"x";

	snprintf(rel, sizeof(rel), "%s/default/knobs", l->root);
	if (l->v2) {
		check_set_get(cg, "", "cgroup.max.depth", "3", "3");
		check_set_get(cg, "anything", "cgroup.max.depth", "max", "max");
	} else {
		test_knobs_v1(l, cg, rel);
	}
	snprintf(want, sizeof(want), "cannot write nosuch.knob in %s/%s: No such file or directory",
		 l->v2 ? l->hier[0] : hier_with(l, "cpu.shares"), rel);
	expect_err(ENOENT, want, ward_cg_set(cg, ctl, "nosuch.knob", "1", &err));
	snprintf(want, sizeof(want), "cannot read nosuch.knob in %s/%s: No such file or directory",
		 l->v2 ? l->hier[0] : hier_with(l, "cpu.shares"), rel);
	expect_err(ENOENT, want, ward_cg_get(cg, ctl, "nosuch.knob", &out, &err));
	assert_null(out);
	expect_err(EINVAL, NULL, ward_cg_set(cg, ctl, "../cgroup.procs", "1", &err));
	drop_cg(cg);
}

static void test_has(void **state)
{
	struct lane *l = lane_of(state);
	struct ward_cg *cg = sub_cg(l, "default/knobs", true);
	const char *ctl = l->v2 ? "" : "cpu";
	const char *cpu = l->v2 ? l->hier[0] : hier_with(l, "cpu.shares");
	char rel[256];
	bool idle;

	snprintf(rel, sizeof(rel), "%s/default/knobs", l->root);
	idle = ward_cg_has(cg, ctl, "cpu.idle");
	print_message("    %s: cpu.idle %s\n", l->v2 ? "v2" : "v1", idle ? "yes" : "no");
	assert_int_equal(idle, file_in(cpu, rel, "cpu.idle"));
	assert_true(ward_cg_has(cg, ctl, "cgroup.procs"));
	assert_false(ward_cg_has(cg, ctl, "nosuch.knob"));
	assert_false(ward_cg_has(cg, ctl, "../cgroup.procs"));
	assert_false(ward_cg_has(cg, ctl, NULL));
	if (!l->v2) {
		assert_true(ward_cg_has(cg, "memory", "memory.limit_in_bytes"));
		assert_false(ward_cg_has(cg, "nosuchctl", "cpu.idle"));
		assert_false(ward_cg_has(cg, "memory", "memory.min"));
	}
	drop_cg(cg);
}

static void test_facts(void **state)
{
	struct lane *l = lane_of(state);
	struct ward_cg *cg = sub_cg(l, "default/knobs", true);
	struct ward_cg_facts f;
	char ctl[512] = "", rel[256];

	assert_ok(ward_cg_host_facts(cg, &f, E));
	print_message("    %s: ncpus %u, memory %llu MiB, cpu.idle %d, io weight %s\n",
		      l->v2 ? "v2" : "v1", f.ncpus, f.mem_total >> 20, f.cpu_idle,
		      f.io_weight_file ? f.io_weight_file : "none");
	assert_int_equal(f.layout, l->v2 ? WARD_CG_V2 : WARD_CG_V1);
	assert_true(f.ncpus >= 1 && f.ncpus <= (unsigned)sysconf(_SC_NPROCESSORS_CONF));
	assert_true(f.mem_total >= (64ULL << 20));
	snprintf(rel, sizeof(rel), "%s/default/knobs", l->root);
	assert_int_equal(f.cpu_idle, ward_cg_has(cg, l->v2 ? "" : "cpu", "cpu.idle"));
	if (f.io_weight_file)
		assert_true(ward_cg_has(cg, l->v2 ? "" : "blkio", f.io_weight_file));
	else if (!l->v2)
		assert_false(ward_cg_has(cg, "blkio", "blkio.weight"));
	if (l->v2)
		read_at(l->hier[0], "", "cgroup.controllers", ctl, sizeof(ctl));
	assert_int_equal(f.v2.cpu, strstr(ctl, "cpu ") || strstr(ctl, "cpu\n"));
	assert_int_equal(f.v2.memory, strstr(ctl, "memory") != NULL);
	assert_int_equal(f.v2.pids, strstr(ctl, "pids") != NULL);
	assert_int_equal(f.v2.io, strstr(ctl, "io") != NULL);
	drop_cg(cg);
}

static struct ward_cg_stats stats_of(struct ward_cg *cg)
{
	struct ward_cg_stats s;

	assert_ok(ward_cg_stats(cg, &s, E));
	return s;
}

static void test_stats_cpu(void **state)
{
	struct lane *l = lane_of(state);
	struct ward_cg *cg = sub_cg(l, "default/busy", true);
	struct ward_cg_stats s0 = stats_of(cg), s1;
	pid_t pid = spawn_job(cg, JOB_BUSY, 0, NULL);

	sleep_ms(300);
	s1 = stats_of(cg);
	print_message("    %s: cpu %llu -> %llu ns, missing 0x%x\n", l->v2 ? "v2" : "v1",
		      s0.cpu_usage_ns, s1.cpu_usage_ns, s1.missing);
	assert_false(s1.missing & WARD_CG_STAT_CPU_USAGE);
	assert_true(s1.cpu_usage_ns >= s0.cpu_usage_ns + 100 * 1000000ULL);
	if (!l->v2) {
		assert_int_equal(s1.missing & ~WARD_CG_STAT_MEM_HIGH_HITS, 0);
		assert_int_equal(s1.pids_current, 1);
	}
	kill_and_reap(pid);
	drop_cg(cg);
}

static void test_stats_mem(void **state)
{
	struct lane *l = lane_of(state);
	struct ward_cg *cg = sub_cg(l, "default/mem", true);
	pid_t pid = spawn_job(cg, JOB_TOUCH, 16, NULL);
	struct ward_cg_stats s = stats_of(cg);

	print_message("    %s: memory current %llu, missing 0x%x\n", l->v2 ? "v2" : "v1",
		      s.mem_current, s.missing);
	if (!l->v2)
		assert_false(s.missing & WARD_CG_STAT_MEM_CURRENT);
	if (!(s.missing & WARD_CG_STAT_MEM_CURRENT))
		assert_true(s.mem_current >= (8ULL << 20));
	else
		assert_int_equal(s.mem_current, 0);
	kill_and_reap(pid);
	drop_cg(cg);
}

/* A 16M limit and a child touching 64M: the kernel OOM-kills it inside its
 * cgroup, and the counters say so. Needs the memory controller. */
static void test_stats_oom(void **state)
{
	struct lane *l = lane_of(state);
	struct ward_cg *cg = sub_cg(l, "default/oom", true);
	const char *ctl = l->v2 ? "" : "memory";
	const char *lim = l->v2 ? "memory.max" : "memory.limit_in_bytes";
	struct ward_cg_stats s;
	int st = 0;
	pid_t pid;

	if (!ward_cg_has(cg, ctl, lim)) {
		print_message("    no %s here (no memory controller): skipped\n", lim);
		drop_cg(cg);
		return;
	}
	assert_ok(ward_cg_set(cg, ctl, lim, "16M", E));
	/* with swap the child would not die: cap memory+swap too, above the
	 * memory limit so that one is hit first (memsw.failcnt is no longer
	 * counted by recent kernels) */
	if (ward_cg_has(cg, ctl, l->v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes"))
		assert_ok(ward_cg_set(cg, ctl, l->v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes",
				      l->v2 ? "0" : "32M", E));
	pid = spawn_job(cg, JOB_TOUCH, 64, &st);
	close(st);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	s = stats_of(cg);
	print_message("    oom kills %llu, limit hits %llu\n", s.mem_oom_kills, s.mem_max_hits);
	assert_false(s.missing & (WARD_CG_STAT_MEM_OOM_KILLS | WARD_CG_STAT_MEM_MAX_HITS));
	assert_true(s.mem_oom_kills >= 1);
	assert_true(s.mem_max_hits > 0);
	drop_cg(cg);
}

static void test_stats_pids(void **state)
{
	struct lane *l = lane_of(state);
	struct ward_cg *cg = sub_cg(l, "default/pids", true);
	const char *ctl = l->v2 ? "" : "pids";
	struct ward_cg_stats s;
	unsigned char forked = 0;
	int ready;
	pid_t pid;

	if (!ward_cg_has(cg, ctl, "pids.max")) {
		print_message("    no pids.max here (no pids controller): skipped\n");
		drop_cg(cg);
		return;
	}
	assert_ok(ward_cg_set(cg, ctl, "pids.max", "5", E));
	pid = spawn_job(cg, JOB_FORK, 10, &ready);
	assert_int_equal(read(ready, &forked, 1), 1);
	close(ready);
	s = stats_of(cg);
	print_message("    forks %u of 10, pids %llu, limit hits %llu\n", forked,
		      s.pids_current, s.pids_max_hits);
	assert_int_equal(forked, 4);
	assert_int_equal(s.pids_current, 5);
	assert_true(s.pids_max_hits > 0);
	assert_ok(ward_cg_kill(cg, 5000, E));
	reap_tree(pid);
	drop_cg(cg);
}

/* A sleeper, a child that keeps forking, and a sleeper in a sub-cgroup the
 * "container" made: all end up in the target in every hierarchy, the source
 * is gone, and the forking child runs on (thawed). */
static void test_move(void **state)
{
	struct lane *l = lane_of(state);
	struct ward_cg *from = sub_cg(l, "default/mv", true);
	struct ward_cg *inner = sub_cg(l, "default/mv/inner", false);
	struct ward_cg *to = sub_cg(l, "silver/mv", false);
	char from_rel[256], to_rel[256], silver[256], rel[PATH_MAX];
	pid_t sleeper, forker, deep;
	uint64_t seen;

	snprintf(from_rel, sizeof(from_rel), "%s/default/mv", l->root);
	snprintf(to_rel, sizeof(to_rel), "%s/silver/mv", l->root);
	snprintf(silver, sizeof(silver), "%s/silver", l->root);
	/* a sub-cgroup as a container makes it: on v2 without controllers in
	 * the parent's subtree_control, so the parent can still hold processes */
	if (l->v2)
		assert_int_equal(mkdir((snprintf(rel, sizeof(rel), "%s/%s/inner", l->hier[0],
						 from_rel), rel), 0755), 0);
	else
		assert_ok(ward_cg_create(inner, E));
	sleeper = spawn_job(from, JOB_BUSY, 0, NULL);
	forker = spawn_job(from, JOB_FORKLOOP, 0, NULL);
	deep = spawn_job(inner, JOB_BUSY, 0, NULL);
	sleep_ms(30);
	expect_err(EINVAL, NULL, ward_cg_move(from, inner, &err));
	assert_ok(ward_cg_move(from, to, E));
	assert_int_equal(count_existing(l, from_rel), 0);
	assert_int_equal(lines_in_cgroup(sleeper, to_rel), l->nh);
	assert_int_equal(lines_in_cgroup(forker, to_rel), l->nh);
	assert_int_equal(lines_in_cgroup(deep, to_rel), l->nh);
	assert_true(nprocs(to) >= 3);
	seen = *kid_ctr;
	for (int i = 0; i < 1000 && *kid_ctr == seen; i++)
		sleep_ms(1);
	assert_true(*kid_ctr > seen); /* thawed: still forking, in the new cgroup */
	assert_int_equal(lines_in_cgroup(forker, to_rel), l->nh);
	assert_ok(ward_cg_kill(to, 5000, E));
	reap_tree(sleeper), reap_tree(forker), reap_tree(deep);
	drop_cg(to);
	ward_cg_free(inner);
	ward_cg_free(from);
	assert_ok(ward_cg_rmdir_path(silver, E));
}

/* The container made its own sub-cgroup (systemd inside): destroy removes it. */
static void test_destroy(void **state)
{
	struct lane *l = lane_of(state);
	char sub[256], parent[256];

	for (size_t i = 0; i < l->nh; i++) {
		snprintf(sub, sizeof(sub), "%s/%s/inner", l->hier[i], l->rel);
		assert_int_equal(mkdir(sub, 0755), 0);
	}
	assert_ok(ward_cg_destroy(l->cg, E));
	assert_int_equal(count_existing(l, l->rel), 0);
	snprintf(parent, sizeof(parent), "%s/default", l->root);
	assert_int_equal(count_existing(l, parent), l->nh);
	assert_ok(ward_cg_destroy(l->cg, E)); /* idempotent */
}

static void test_rmdir_path(void **state)
{
	struct lane *l = lane_of(state);
	struct ward_err *err = NULL;
	char parent[256];

	snprintf(parent, sizeof(parent), "%s/default", l->root);
	assert_int_equal(ward_cg_rmdir_path(l->root, &err), -EBUSY);
	assert_non_null(err);
	ward_err_free(err);
	assert_int_equal(count_existing(l, l->root), l->nh);
	assert_ok(ward_cg_rmdir_path(parent, E));
	assert_ok(ward_cg_rmdir_path(l->root, E));
	assert_int_equal(count_existing(l, l->root), 0);
	assert_ok(ward_cg_rmdir_path(l->root, E)); /* missing is fine */
}

/* new + create + enter + kill + destroy of a fresh container: the start path
 * must stay in the low milliseconds. */
static void test_speed(void **state)
{
	struct lane *l = lane_of(state);
	char rel[256];
	struct ward_cg *cg;
	pid_t pid = spawn_sleeper();
	int64_t t0 = now_ms(), t1, t2;

	snprintf(rel, sizeof(rel), "%s/default/speed", l->root);
	assert_ok((cg = ward_cg_new(rel, E)) ? 0 : -1);
	assert_ok(ward_cg_create(cg, E));
	assert_ok(ward_cg_enter(cg, pid, E));
	t1 = now_ms();
	assert_ok(ward_cg_kill(cg, 5000, E));
	assert_ok(ward_cg_destroy(cg, E));
	t2 = now_ms();
	reap_killed(pid);
	print_message("    %s: new+create+enter %lld ms, kill+destroy %lld ms\n",
		      l->v2 ? "v2" : "v1", (long long)(t1 - t0), (long long)(t2 - t1));
	assert_true(t1 - t0 < 200);
	ward_cg_free(cg);
}

/* ---- setup, teardown, leak check ---- */

static int lane_setup(void **state)
{
	struct lane *l = cur;

	*state = l;

	discover(l);
	if (l->v2)
		read_at(l->hier[0], "", "cgroup.subtree_control", l->saved_subtree,
			sizeof(l->saved_subtree));
	return 0;
}

/* Best-effort cleanup after a failed test, then the lane's own leak check. */
static int lane_teardown(void **state)
{
	struct lane *l = *state;
	char buf[512], parent[256], speed[256];

	set_env(l);
	snprintf(parent, sizeof(parent), "%s/default", l->root);
	snprintf(speed, sizeof(speed), "%s/default/speed", l->root);
	if (l->cg) {
		ward_cg_kill(l->cg, 2000, NULL);
		ward_cg_destroy(l->cg, NULL);
		ward_cg_free(l->cg);
		l->cg = NULL;
	}
	for (size_t i = 0; i < sizeof(extra_cgs) / sizeof(extra_cgs[0]); i++) {
		char rel[256];
		struct ward_cg *cg;

		snprintf(rel, sizeof(rel), "%s/%s", l->root, extra_cgs[i]);
		cg = ward_cg_new(rel, NULL);
		if (cg) {
			ward_cg_kill(cg, 2000, NULL);
			ward_cg_destroy(cg, NULL);
		}
		ward_cg_free(cg);
	}
	snprintf(speed, sizeof(speed), "%s/silver", l->root);
	ward_cg_rmdir_path(speed, NULL);
	snprintf(speed, sizeof(speed), "%s/default/speed", l->root);
	ward_cg_rmdir_path(speed, NULL);
	ward_cg_rmdir_path(parent, NULL);
	ward_cg_rmdir_path(l->root, NULL);
	/* the v2 lane may have enabled controllers at the unified root: undo */
	if (l->v2 && read_at(l->hier[0], "", "cgroup.subtree_control", buf, sizeof(buf)) > 0) {
		char *save = NULL;

		for (char *c = strtok_r(buf, " \n", &save); c; c = strtok_r(NULL, " \n", &save)) {
			char cmd[64];

			if (strstr(l->saved_subtree, c))
				continue;
			snprintf(cmd, sizeof(cmd), "-%s", c);
			write_at(l->hier[0], "", "cgroup.subtree_control", cmd);
		}
	}
	return count_existing(l, l->root) ? -1 : 0;
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_new_errors),   cmocka_unit_test(test_create),
	cmocka_unit_test(test_open_v2),      cmocka_unit_test(test_enter),
	cmocka_unit_test(test_enter_self),
	cmocka_unit_test(test_freeze),       cmocka_unit_test(test_kill_tree),
	cmocka_unit_test(test_kill_forking), cmocka_unit_test(test_kill_empty),
	cmocka_unit_test(test_knobs),        cmocka_unit_test(test_has),
	cmocka_unit_test(test_facts),        cmocka_unit_test(test_stats_cpu),
	cmocka_unit_test(test_stats_mem),    cmocka_unit_test(test_stats_oom),
	cmocka_unit_test(test_stats_pids),   cmocka_unit_test(test_move),
	cmocka_unit_test(test_destroy),      cmocka_unit_test(test_speed),
	cmocka_unit_test(test_rmdir_path),
};

/* Any "ward-cgtest-<pid>*" directory left in any hierarchy is a leak. */
static int leak_check(struct lane *l)
{
	char prefix[64];
	int leaks = 0;

	snprintf(prefix, sizeof(prefix), "ward-cgtest-%d", (int)getpid());
	for (size_t i = 0; i < l->nh; i++) {
		char cmd[PATH_MAX + 128];
		FILE *f;
		char line[PATH_MAX];

		snprintf(cmd, sizeof(cmd), "find '%s' -maxdepth 3 -name '%s*'", l->hier[i], prefix);
		f = popen(cmd, "r"); /* tests may use any tool to look from outside */
		while (f && fgets(line, sizeof(line), f)) {
			fprintf(stderr, "leak: %s", line);
			leaks++;
		}
		if (f)
			pclose(f);
	}
	return leaks;
}

int main(void)
{
	const char *env = getenv("WARD_CGROUP_MOUNT");
	struct statfs sfs;
	char *unified = NULL;
	int failed = 0;

	if (geteuid() != 0) {
		fprintf(stderr, "test_cgroups: needs root, skipping\n");
		return 77;
	}
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	kid_ctr = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (kid_ctr == MAP_FAILED)
		return 1;
	snprintf(lanes[0].mount, sizeof(lanes[0].mount), "%s", env && *env ? env : "/sys/fs/cgroup");
	snprintf(lanes[0].root, sizeof(lanes[0].root), "ward-cgtest-%d", (int)getpid());
	snprintf(lanes[0].rel, sizeof(lanes[0].rel), "%s/default/c1", lanes[0].root);
	cur = &lanes[0];
	failed += cmocka_run_group_tests_name("cgroups (host layout)", tests,
					      lane_setup, lane_teardown) ? 1 : 0;
	if (asprintf(&unified, "%s/unified", lanes[0].mount) < 0)
		return 1;
	if (!lanes[0].v2 && statfs(unified, &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC) {
		snprintf(lanes[1].mount, sizeof(lanes[1].mount), "%s", unified);
		snprintf(lanes[1].root, sizeof(lanes[1].root), "ward-cgtest-%d-v2", (int)getpid());
		snprintf(lanes[1].rel, sizeof(lanes[1].rel), "%s/default/c1", lanes[1].root);
		cur = &lanes[1];
		failed += cmocka_run_group_tests_name("cgroups (v2 backend on hybrid unified)",
						      tests, lane_setup, lane_teardown) ? 1 : 0;
	}
	free(unified);
	failed += leak_check(&lanes[0]);
	return failed ? 1 : 0;
}
