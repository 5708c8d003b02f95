/* Integration test of lib/cgroups against the host's real cgroups (root only).
 * Everything lives under "ward-cgtest-<pid>" in each hierarchy, only processes
 * this test forked are signalled, and the end checks that no directory is left.
 *
 * Lanes: the host layout as found at WARD_CGROUP_MOUNT (default /sys/fs/cgroup);
 * on a hybrid host also the v2 backend pointed at the unified cgroup2 mount
 * (WARD_CGROUP_MOUNT=/sys/fs/cgroup/unified), which exercises subtree_control,
 * cgroup.freeze, cgroup.kill and CLONE_INTO_CGROUP without mounting anything. */
#include "cgtest.h"

static struct lane lanes[2];
struct lane *cur; /* the lane the next group runs */

/* ---- helpers ---- */

void discover(struct lane *l)
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

bool exists_in(const char *hier, const char *rel)
{
	char p[PATH_MAX];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", hier, rel);
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

size_t count_existing(struct lane *l, const char *rel)
{
	size_t n = 0;

	for (size_t i = 0; i < l->nh; i++)
		n += exists_in(l->hier[i], rel);
	return n;
}

int read_file(const char *path, char *buf, size_t size)
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

int read_at(const char *hier, const char *rel, const char *file, char *buf,
		   size_t size)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s/%s", hier, rel, file);
	return read_file(p, buf, size);
}

int write_at(const char *hier, const char *rel, const char *file, const char *v)
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

struct lane *lane_of(void **state)
{
	return *state;
}

void set_env(struct lane *l)
{
	assert_int_equal(setenv("WARD_CGROUP_MOUNT", l->mount, 1), 0);
}

void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

pid_t spawn_sleeper(void)
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

void kill_and_reap(pid_t pid)
{
	kill(pid, SIGKILL); /* our own child */
	waitpid(pid, NULL, 0);
}

/* Reaps a (grand)child re-parented to us; fails after 3 s. */
void reap_killed(pid_t pid)
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
size_t lines_in_cgroup(pid_t pid, const char *rel)
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

int nprocs(struct ward_cg *cg)
{
	struct ward_err *err = NULL;
	int n = ward_cg_nprocs(cg, &err);

	if (err)
		print_message("nprocs: %s\n", err->msg);
	ward_err_free(err);
	assert_true(n >= 0);
	return n;
}


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
	for (size_t i = 0; i < n_extra_cgs; i++) {
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
