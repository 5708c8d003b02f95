/* Shared by the lib/cgroups integration test's files: the lane (one cgroup
 * layout under test), the helpers and the knob/stat/move tests. */
#pragma once

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

extern struct lane *cur; /* the lane the next group runs */

void discover(struct lane *l);
bool exists_in(const char *hier, const char *rel);
size_t count_existing(struct lane *l, const char *rel);
int read_file(const char *path, char *buf, size_t size);
int read_at(const char *hier, const char *rel, const char *file, char *buf,
		   size_t size);
int write_at(const char *hier, const char *rel, const char *file, const char *v);
struct lane *lane_of(void **state);
void set_env(struct lane *l);
void sleep_ms(int ms);
int64_t now_ms(void);
pid_t spawn_sleeper(void);
void kill_and_reap(pid_t pid);
void reap_killed(pid_t pid);
size_t lines_in_cgroup(pid_t pid, const char *rel);
int nprocs(struct ward_cg *cg);

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

/* test_cgroups_knobs.c: knobs, host facts, stats and live move; the extra
 * cgroups its tests make (removed by the lane teardown) and the shared page
 * its forking children count on (mapped by main) */
extern const char *const extra_cgs[];
extern const size_t n_extra_cgs;
extern volatile uint64_t *kid_ctr;
void test_knobs(void **state);
void test_has(void **state);
void test_facts(void **state);
void test_stats_cpu(void **state);
void test_stats_mem(void **state);
void test_stats_oom(void **state);
void test_stats_pids(void **state);
void test_move(void **state);
