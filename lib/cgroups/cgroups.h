/* lib/cgroups: one interface over cgroup v1/hybrid and v2 for a container's
 * cgroup. The backend is chosen by statfs magic of the cgroup mount; callers
 * never see which one is in use except through ward_cg_layout(). */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "common/common.h"

enum ward_cg_layout {
	WARD_CG_V1 = 1, /* v1 controller hierarchies (hybrid: plus an empty cgroup2) */
	WARD_CG_V2 = 2, /* pure unified hierarchy */
};

/* A container (or class) cgroup across every hierarchy of the host. */
struct ward_cg;

/* Builds a handle for the cgroup at `relpath` below each hierarchy root
 * (e.g. "ward/default/web1"). Reads the host layout; changes nothing. */
struct ward_cg *ward_cg_new(const char *relpath, struct ward_err **err);
void ward_cg_free(struct ward_cg *cg);

enum ward_cg_layout ward_cg_layout(const struct ward_cg *cg);

/* Creates the directory in every hierarchy, with parents. Parents on v2 get
 * the controllers enabled in cgroup.subtree_control; v1 cpuset children get
 * cpus/mems from their parent so tasks can enter. Existing dirs are fine. */
int ward_cg_create(struct ward_cg *cg, struct ward_err **err);

/* Moves a whole process (all threads) into the cgroup in every hierarchy. */
int ward_cg_enter(struct ward_cg *cg, pid_t pid, struct ward_err **err);

/* Moves the calling process, which must be single-threaded, into the cgroup:
 * on v1 hierarchies through `tasks` with "0", the one write the kernel serves
 * without its global threadgroup lock (taking that lock waits for an RCU
 * grace period, 10-15 ms here, per cgroup.procs write). With skip_v2 the
 * cgroup2 hierarchy is left alone: the caller was cloned into it already. */
int ward_cg_enter_self(struct ward_cg *cg, bool skip_v2, struct ward_err **err);

/* An O_PATH|O_DIRECTORY fd of the cgroup2 directory for clone3
 * (CLONE_INTO_CGROUP): the pure v2 hierarchy, or on hybrid hosts the unified
 * mount (the child then enters the v1 hierarchies with ward_cg_enter_self);
 * -EOPNOTSUPP when there is no cgroup2 hierarchy. The caller closes it. */
int ward_cg_open_v2(struct ward_cg *cg, struct ward_err **err);

/* Freezes (true) or thaws (false) every process in the cgroup. */
int ward_cg_freeze(struct ward_cg *cg, bool frozen, struct ward_err **err);

/* SIGKILLs every process in the cgroup and returns once it is empty (or
 * -ETIMEDOUT after timeout_ms). Races with forks are closed by freezing. */
int ward_cg_kill(struct ward_cg *cg, int timeout_ms, struct ward_err **err);

/* Number of processes in the cgroup (0 when empty or missing). */
int ward_cg_nprocs(struct ward_cg *cg, struct ward_err **err);

/* Removes the cgroup directory in every hierarchy. Tolerates a missing or
 * partly created cgroup; retries briefly while the kernel still reports it busy. */
int ward_cg_destroy(struct ward_cg *cg, struct ward_err **err);

/* Removes `relpath` in every hierarchy if it exists and is empty (used to drop
 * an empty class dir or a test's ward root). -EBUSY if it has children. */
int ward_cg_rmdir_path(const char *relpath, struct ward_err **err);

/* Names of the child cgroups of `relpath` (in any hierarchy), sorted and
 * NULL-terminated; none when it does not exist. `ward class apply` uses it
 * to find class cgroups the class file no longer defines. */
int ward_cg_children(const char *relpath, char ***names, struct ward_err **err);

/* ---- knobs ---- */

/* Writes `value` to `file` of the cgroup: the resolved spec and `ward class
 * set` apply knob values through this one call. On v1 `controller` picks the
 * hierarchy whose mount options name it ("cpu", "memory", "pids", "blkio",
 * "cpuset", or "name=systemd"); on v2 it is ignored (the file's prefix already
 * names the controller) and the file is in the unified directory. A missing
 * hierarchy or file is an error naming both ("cannot write cpu.cfs_quota_us
 * in /sys/fs/cgroup/cpu/ward/gold: No such file or directory"). `file` is one
 * name, never a path. */
int ward_cg_set(struct ward_cg *cg, const char *controller, const char *file,
		const char *value, struct ward_err **err);

/* Reads `file` back (class show, live-change checks) into *out, malloc'd and
 * trimmed of surrounding whitespace; inner newlines stay. Same lookup and
 * errors as ward_cg_set. */
int ward_cg_get(struct ward_cg *cg, const char *controller, const char *file,
		char **out, struct ward_err **err);

/* Whether the cgroup has `file` (cpu.idle, blkio.bfq.weight, memory.min are
 * optional: kernel version, I/O scheduler, controller enabled). A probe, not
 * an operation: policy picks the closest honest knob from the answer, so any
 * failure (no hierarchy, no file, no directory) is simply false. */
bool ward_cg_has(struct ward_cg *cg, const char *controller, const char *file);

/* ---- host facts ---- */

/* What class arithmetic needs to know about the host: percentages become
 * cfs quotas over ncpus and bytes over mem_total, and a knob that does not
 * exist here is mapped to the closest one that does (never silently dropped). */
struct ward_cg_facts {
	enum ward_cg_layout layout;
	unsigned ncpus;          /* CPUs of the cpuset root, else online CPUs */
	unsigned long long mem_total; /* bytes, /proc/meminfo MemTotal */
	bool cpu_idle;           /* cpu.idle (SCHED_IDLE groups, 5.15+) */
	bool memory_min;         /* v2 memory.min (no v1 equivalent) */
	/* Proportional I/O weight file, a static string or NULL when there is
	 * none: v1 "blkio.bfq.weight" (BFQ) or "blkio.weight" (CFQ, before 5.0);
	 * v2 "io.bfq.weight" or "io.weight". */
	const char *io_weight_file;
	/* v2 controllers in the root's cgroup.controllers (all false on v1; on a
	 * hybrid host the unified mount is not consulted: v1 carries control). */
	struct {
		bool cpu, memory, io, pids, cpuset;
	} v2;
};

/* Fills *f. The optional files are probed in the handle's directory, which
 * should exist (ward_cg_create) since the root cgroup lacks most knobs; while
 * it does not, its nearest existing ancestor is probed. */
int ward_cg_host_facts(struct ward_cg *cg, struct ward_cg_facts *f,
		       struct ward_err **err);

/* ---- usage statistics ---- */

/* Bits of ward_cg_stats.missing: the value is 0 because this kernel, layout
 * or controller setup has no such counter (not an error). */
enum {
	WARD_CG_STAT_CPU_USAGE = 1 << 0,
	WARD_CG_STAT_CPU_THROTTLED = 1 << 1,
	WARD_CG_STAT_MEM_CURRENT = 1 << 2,
	WARD_CG_STAT_MEM_MAX_HITS = 1 << 3,
	WARD_CG_STAT_MEM_HIGH_HITS = 1 << 4,
	WARD_CG_STAT_MEM_OOM_KILLS = 1 << 5,
	WARD_CG_STAT_PIDS_CURRENT = 1 << 6,
	WARD_CG_STAT_PIDS_MAX_HITS = 1 << 7,
	WARD_CG_STAT_IO = 1 << 8,
};

/* Counters are cumulative since the cgroup was created; `ward stat` turns
 * two samples into rates. All cover the cgroup's whole subtree. */
struct ward_cg_stats {
	unsigned long long cpu_usage_ns;     /* v1 cpuacct.usage; v2 usage_usec*1000 */
	unsigned long long cpu_nr_throttled; /* periods throttled by the CPU cap */
	unsigned long long cpu_throttled_ns; /* time spent throttled */
	unsigned long long mem_current;      /* bytes charged now */
	unsigned long long mem_max_hits;     /* v1 memory.failcnt; v2 events "max" */
	unsigned long long mem_high_hits;    /* v2 events "high" (v1: missing) */
	unsigned long long mem_oom_kills;    /* processes the OOM killer killed */
	unsigned long long pids_current;
	unsigned long long pids_max_hits;    /* forks refused by pids.max */
	unsigned long long io_read_bytes, io_write_bytes; /* summed over devices */
	unsigned missing;                    /* WARD_CG_STAT_* bits */
};

/* Reads every counter `ward stat` shows (wlmstat/zonestat). A missing file or
 * key sets its bit in s->missing and leaves 0; only an unreadable existing
 * file is an error. */
int ward_cg_stats(struct ward_cg *cg, struct ward_cg_stats *s,
		  struct ward_err **err);

/* ---- live move ---- */

/* `ward class assign` on a running container: creates `to`, moves every
 * process of `from` (its whole subtree, every hierarchy) into `to`, then
 * removes `from`. Both are frozen meanwhile, so nothing forks while pids are
 * moved and a moved process stays stopped until all its hierarchies agree;
 * the list is re-read until `from` is empty, and `to` is thawed at the end
 * (also after a failure, when `from` is thawed and kept).
 *
 * Consequences to know:
 *  - sub-cgroups the container made (systemd inside) are flattened into
 *    `to`: their processes land in `to` itself;
 *  - the container's cgroup namespace stays rooted at the removed `from`,
 *    so inside it /proc/self/cgroup shows paths relative to the old root
 *    ("/../../silver/web1") and its cgroupfs view is an empty dead directory
 *    (acceptable: ward manages the limits from outside);
 *  - memory already charged stays charged to `from`'s ancestors (the old
 *    class): the kernel moves no charges (v1 move_charge_at_immigrate is
 *    deprecated and not used); new allocations are charged to `to`. */
int ward_cg_move(struct ward_cg *from, struct ward_cg *to, struct ward_err **err);
