/* lib/cgroups internals: the handle, the per-hierarchy record and the small
 * file helpers shared by the v1 and v2 backends. Only lib/cgroups includes it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgroups/cgroups.h"

/* How long freeze waits for the kernel to report the cgroup frozen, and how
 * long destroy retries rmdir while just-killed tasks are still leaving. */
#define CG_FREEZE_TIMEOUT_MS 5000
#define CG_RMDIR_RETRY_MS 1000

/* One mounted hierarchy and the container's directory in it. */
struct cg_hier {
	char *mnt;     /* mount point, e.g. /sys/fs/cgroup/memory */
	char *path;    /* mnt + "/" + relpath */
	bool v2;       /* a cgroup2 mount: pure v2 root, or hybrid "unified" */
	bool freezer;  /* v1 hierarchy with the freezer controller */
	bool cpuset;   /* v1 hierarchy with the cpuset controller */
	char *opts;    /* v1: the mount's super options ("rw,cpu,cpuacct"), which
			* name its controllers; NULL on cgroup2 */
};

struct ward_cg {
	enum ward_cg_layout layout;
	char *relpath;
	struct cg_hier *h;
	size_t nh;
};

/* cgroups.c: file helpers whose messages name the file and the directory
 * ("cannot write cgroup.procs in /sys/fs/cgroup/memory/ward/..."). */
int cg_read(const char *dir, const char *file, char **out, struct ward_err **err);
int cg_write(const char *dir, const char *file, const char *val,
	     struct ward_err **err);
/* mkdir of one cgroup directory; 1 if created, 0 if it existed. */
int cg_mkdir(const char *path, struct ward_err **err);
/* Calls fn for every component of relpath below mnt, top down, after making
 * sure the directory exists; `leaf` is true for the last one. */
typedef int (*cg_level_fn)(const char *parent, const char *dir, bool leaf,
			   struct ward_err **err);
int cg_mkdir_levels(const struct cg_hier *h, const char *relpath, cg_level_fn fn,
		    struct ward_err **err);
int64_t cg_now_ms(void);
void cg_sleep_ms(int ms);
/* A mount option is present in a comma-separated option list. */
bool cg_has_opt(const char *opts, const char *opt);
/* A token is present in a space/newline separated list ("cpu io memory"). */
bool cg_has_word(const char *list, const char *word);

/* cgroups.c: freeze/thaw through the v1 freezer or cgroup2 cgroup.freeze. */
int cg_freeze_timeout(struct ward_cg *cg, bool frozen, int timeout_ms,
		      struct ward_err **err);
/* Post-order walk of a cgroup subtree, fn on every directory (children
 * first); -ENOENT without a message when `path` does not exist. */
typedef int (*cg_walk_fn)(const char *path, void *data, struct ward_err **err);
int cg_walk(const char *path, cg_walk_fn fn, void *data, struct ward_err **err);

/* cgroups-knobs.c: the hierarchy that carries `controller` (v1: by mount
 * options; v2: the one unified hierarchy, controller ignored), or NULL. */
const struct cg_hier *cg_hier_for(const struct ward_cg *cg, const char *controller);
/* Reads `file` of h->path (or of the hierarchy root with at_root) and trims
 * surrounding whitespace; -ENOENT without a message when it does not exist. */
int cg_read_opt(const struct cg_hier *h, bool at_root, const char *file,
		char **out, struct ward_err **err);
/* Value of the line "key N" in a flat-keyed file (cpu.stat, memory.events);
 * false when the key is absent. */
bool cg_key_value(const char *buf, const char *key, unsigned long long *val);

/* cgroups-v1.c */
int cg_v1_create(struct ward_cg *cg, struct ward_err **err);
int cg_v1_freeze(const struct cg_hier *h, bool frozen, int timeout_ms,
		 struct ward_err **err);

/* cgroups-v2.c */
int cg_v2_create(struct ward_cg *cg, struct ward_err **err);
int cg_v2_freeze(const struct cg_hier *h, bool frozen, int timeout_ms,
		 struct ward_err **err);
/* Writes cgroup.kill and waits for "populated 0": 0 done, -ENOTSUP when the
 * kernel has no cgroup.kill (before 5.14) so the caller falls back. */
int cg_v2_kill(const struct cg_hier *h, int64_t deadline,
	       struct ward_err **err);
int cg_v2_open(const struct cg_hier *h, struct ward_err **err);
