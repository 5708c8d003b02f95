/* lib/cgroups integration test, second part: knob writes and reads, host
 * facts, usage statistics and the live move, on real cgroups (root only). */
#include "cgtest.h"

/* Cgroups the tests below make under root/default (and root/silver for the
 * move target); the lane teardown removes whatever a failed test left. */
const char *const extra_cgs[] = {
	"default/knobs", "default/busy", "default/mem", "default/oom",
	"default/pids",  "default/mv/inner", "default/mv", "silver/mv",
};
const size_t n_extra_cgs = sizeof(extra_cgs) / sizeof(extra_cgs[0]);

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

volatile uint64_t *kid_ctr; /* shared page: progress of JOB_FORKLOOP */

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

void test_knobs(void **state)
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

void test_has(void **state)
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

void test_facts(void **state)
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

void test_stats_cpu(void **state)
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

void test_stats_mem(void **state)
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
void test_stats_oom(void **state)
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

void test_stats_pids(void **state)
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
void test_move(void **state)
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
