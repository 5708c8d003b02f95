/* policy/classes: resource classes in the style of AIX Workload Manager, as
 * pure decisions. The class model and its INI file, the validation that keeps
 * a subclass inside its superclass, the share arithmetic `ward stat` shows,
 * the rules that place new containers, and the translation of a class into
 * cgroup knob values for either layout. No system calls: lib/cgroups writes
 * what this computes, cmd/ prints it. ward-classes(5) is the user's view.
 *
 * The arithmetic, in short (details at each function and in ward-classes(5)):
 *
 *   share target  A class's target under contention is its shares divided by
 *                 the sum of the shares of the *active* classes of its tier
 *                 among its siblings (AIX): 3/2/1/1 all active -> 42.9/28.6/
 *                 14.3/14.3 %; with the 2-share class idle, 3/1/1 -> 60/20/20 %.
 *                 A subclass's target is that fraction of its superclass's.
 *   weights       The default share (1) is anchored at the kernel's default
 *                 weight, so a default class competes like any ordinary group
 *                 and an idle group's weight (3) is negligible beside it;
 *                 past the file's maximum all siblings are scaled together,
 *                 so ratios stay exact up to rounding (a weight raised to
 *                 the kernel's minimum gets a note):
 *                 v1 cpu.shares = shares * 1024 while the largest sibling's
 *                 shares * 1024 <= 262144, else shares * 262144 / largest,
 *                 rounded, at least 2. v2 cpu.weight = shares * 100 while
 *                 largest * 100 <= 10000, else shares * 10000 / largest,
 *                 rounded, at least 1. I/O: v2 io.weight (1..10000), v1
 *                 blkio.bfq.weight (1..1000) and v1 blkio.weight (CFQ,
 *                 10..1000) = shares * 100 while largest * 100 fits, else
 *                 shares * max / largest. The affine runc formula
 *                 1 + ((s - 2) * 9999) / 262142 maps 1024:512 to 39:20 and
 *                 2:1 to 1:1; ward keeps the ratio (shares 2:1 -> v1
 *                 2048:1024, v2 200:100).
 *   cpu.min       Linux has no CPU guarantee. The weight is raised so that,
 *                 with every sibling of its tier busy, the class's share is
 *                 at least min: raised = min * S_u / (1 - sum of raised mins)
 *                 where S_u is the shares of the siblings not raised. io.min
 *                 raises io weights the same way. A note says so.
 *   hardmax cpu   quota = hardmax * ncpus * 100000 us per 100000 us period
 *                 (25 % of 2 CPUs: 50000 100000).
 *   tiers         tier >= 1: cpu.idle = 1 where the kernel has it (the group
 *                 gets the kernel's idle weight, so it runs on what tier 0
 *                 leaves). Idle groups share equally among themselves, so
 *                 tiers 1..9 are not ordered against each other; without
 *                 cpu.idle the weight is divided by 10 per tier step. Notes
 *                 say which.
 *   percentages   of a superclass: of the machine (memory: of host RAM). Of a
 *                 subclass: of its superclass's hardmax when it has one, else
 *                 of the machine (AIX).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/common.h"

#define WARD_CLASS_DEFAULT "default"	/* AIX "Default": always exists */
#define WARD_CLASS_NAME_MAX (2 * WARD_NAME_MAX + 1)
#define WARD_CLASS_SHARES_MAX 65535
#define WARD_CLASS_TIER_MAX 9
#define WARD_CLASS_PIDS_MAX 4194304	/* the kernel's PID_MAX_LIMIT */

enum ward_class_res { WARD_CLASS_CPU, WARD_CLASS_MEMORY, WARD_CLASS_IO, WARD_CLASS_NRES };
enum ward_class_lim { WARD_CLASS_MIN, WARD_CLASS_SOFTMAX, WARD_CLASS_HARDMAX, WARD_CLASS_NLIM };
enum ward_class_unit { WARD_CLASS_UNSET, WARD_CLASS_PCT, WARD_CLASS_BYTES };

/* One limit: unset, a percentage in tenths (0..1000, "40.5%" = 405), or
 * bytes (memory only). */
struct ward_class_limit {
	enum ward_class_unit unit;
	uint64_t v;
};

struct ward_class_resource {
	unsigned shares; /* 1..65535; 0 = unset, which counts as 1 (AIX) */
	struct ward_class_limit lim[WARD_CLASS_NLIM];
};

struct ward_class {
	char name[WARD_CLASS_NAME_MAX + 1]; /* "gold" or "gold.web" */
	int tier;			    /* 0..9; -1 = unset, which is 0 */
	struct ward_class_resource res[WARD_CLASS_NRES];
	long pids_max; /* 1..WARD_CLASS_PIDS_MAX; 0 = unset (no limit) */
};

/* `rule = CLASS [owner=GLOB] [group=GLOB] [name=GLOB] [template=GLOB]`;
 * a NULL criterion matches anything. */
struct ward_class_rule {
	char *class;
	char *owner, *group, *name, *tmpl;
};

/* A whole class file. v is kept sorted: "default" first, then each
 * superclass by name followed by its subclasses by name. */
struct ward_classes {
	struct ward_class *v;
	size_t n;
	struct ward_class_rule *rules; /* in file order: the first match wins */
	size_t nrules;
};

/* One attribute for add/set: key as in the file ("memory.hardmax"), value as
 * in the file ("2G", "50%"); value NULL unsets the key. */
struct ward_class_kv {
	const char *key;
	const char *value;
};

/* What a rule is matched against; NULL fields match only rules that leave
 * that criterion out. */
struct ward_class_subject {
	const char *owner, *group, *name, *tmpl;
};

enum ward_class_layout { WARD_CLASS_V1, WARD_CLASS_V2 };

/* Facts about the host the knob values depend on; lib/cgroups gathers them. */
struct ward_class_host {
	enum ward_class_layout layout;
	uint64_t mem_total; /* bytes of RAM */
	unsigned ncpus;
	bool v1_cpu_idle;	  /* v1: the cpu hierarchy has cpu.idle (5.15+) */
	bool v1_blkio_bfq_weight; /* v1: blkio.bfq.weight exists (BFQ) */
	bool v1_blkio_weight;	  /* v1: blkio.weight exists (CFQ, old kernels) */
};

/* One file to write. controller is the v1 hierarchy ("cpu", "memory",
 * "blkio", "pids") or "" on v2. */
struct ward_class_knob {
	const char *controller;
	const char *file;
	char value[48];
};

/* Knob values for one class. The list is ordered and must be written in
 * order (the kernel refuses a weight write to a group with cpu.idle = 1, so
 * an idle tier clears cpu.idle, writes the weight, then sets it again).
 * Every setting Linux cannot enforce as written has a note, "CLASS: ...". */
struct ward_class_knobs {
	struct ward_class_knob *v;
	size_t n;
	char **notes; /* NULL-terminated */
	size_t nnotes;
};

/* An empty set: only the implicit "default" class, no rules. */
void ward_classes_init(struct ward_classes *cs);
void ward_classes_fini(struct ward_classes *cs);

/* A deep copy, so a change can be tried and checked before it replaces the
 * original. */
void ward_classes_copy(struct ward_classes *dst, const struct ward_classes *src);

/* Parses a class file (INI: one section per class, [rules]) and checks the
 * whole set; all or nothing: cs is replaced only on success. Messages name
 * the line, the class and the key. */
int ward_classes_parse(const char *text, struct ward_classes *cs, struct ward_err **err);

/* The canonical text of a set: sorted, fixed key order, values in their
 * shortest exact form. parse(format(x)) == x and format(parse(t)) == t for
 * a canonical t, so a file ward rewrites does not churn. Caller frees. */
char *ward_classes_format(const struct ward_classes *cs);

/* Validates the whole set: names and levels, superclasses present, ranges,
 * min <= softmax <= hardmax, no subclass over its superclass, sums of
 * sibling mins <= 100 %, rules naming existing classes. mem_total 0 means
 * unknown: comparisons that need host RAM (a percentage against bytes) are
 * then left to ward_class_knobs, which checks again with the host's. */
int ward_classes_check(const struct ward_classes *cs, uint64_t mem_total, struct ward_err **err);

/* The class of that name, or NULL. */
const struct ward_class *ward_classes_find(const struct ward_classes *cs, const char *name);

/* The superclass of a subclass (NULL for a superclass). */
const struct ward_class *ward_classes_parent(const struct ward_classes *cs, const struct ward_class *c);

/* Adds a class with the given attributes; refused (and cs unchanged) if the
 * name exists or the result would not pass ward_classes_check. */
int ward_classes_add(struct ward_classes *cs, const char *name, const struct ward_class_kv *kv,
		     size_t n, struct ward_err **err);

/* Removes a class; refused for "default", a superclass with subclasses and
 * a class a rule names. Members are the caller's business. */
int ward_classes_remove(struct ward_classes *cs, const char *name, struct ward_err **err);

/* Sets (or with value NULL unsets) attributes of a class, all at once, so a
 * change like `class set gold.web --memory-hardmax 2G` is checked against
 * the whole set before anything is applied. cs is unchanged on failure. */
int ward_classes_set(struct ward_classes *cs, const char *name, const struct ward_class_kv *kv,
		     size_t n, struct ward_err **err);

/* The file keys in canonical order (for `ward class show` and help). */
const char *const *ward_class_keys(size_t *n);

/* The value of one key as the file writes it, or NULL when unset; caller
 * frees. */
char *ward_class_value(const struct ward_class *c, const char *key);

/* Parses "CLASS [owner=G] [group=G] [name=G] [template=G]" and appends it
 * (the last rule); refused if the class does not exist. */
int ward_classes_rule_add(struct ward_classes *cs, const char *line, struct ward_err **err);

/* Removes rule number i (0-based). */
int ward_classes_rule_remove(struct ward_classes *cs, size_t i, struct ward_err **err);

/* The rule as its file line value; caller frees. */
char *ward_class_rule_format(const struct ward_class_rule *r);

/* The class for a new container: the first rule whose every criterion
 * matches (fnmatch globs), else "default". Never NULL. */
const char *ward_classes_match(const struct ward_classes *cs, const struct ward_class_subject *s);

/* The share target of a class in percent of the machine for one resource,
 * given the classes that have running members (a superclass counts as
 * active when any of its subclasses is). An idle class has target 0. */
int ward_classes_share_target(const struct ward_classes *cs, const char *name,
			      enum ward_class_res res, const char *const *active, size_t nactive,
			      double *pct, struct ward_err **err);

/* The knob values and notes for one class on this host (see the top of this
 * file). Re-checks the set with the host's RAM first. Weights depend on the
 * siblings, so after a change of shares, min or tier recompute every
 * sibling. out is filled only on success; free it with ward_class_knobs_fini. */
int ward_class_knobs(const struct ward_classes *cs, const char *name,
		     const struct ward_class_host *host, struct ward_class_knobs *out,
		     struct ward_err **err);
void ward_class_knobs_fini(struct ward_class_knobs *k);

/* The value of one knob file in k, or NULL (the last write wins). */
const char *ward_class_knobs_get(const struct ward_class_knobs *k, const char *file);
