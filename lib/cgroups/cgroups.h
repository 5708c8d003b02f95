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
