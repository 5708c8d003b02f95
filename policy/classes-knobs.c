/* From a class to cgroup knob values, for the v1 and v2 layouts. Every
 * setting Linux cannot enforce as written gets a note; none is dropped
 * silently. The formulas are documented in classes.h and ward-classes(5). */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/classes-internal.h"

#define CFS_PERIOD_US 100000
#define CFS_QUOTA_MIN_US 1000 /* the kernel refuses less */

struct ctx {
	const struct ward_classes *cs;
	const struct ward_class *c;
	const struct ward_class_host *h;
	struct ward_class_knobs *k;
};

static void __attribute__((format(printf, 4, 5)))
knob(struct ctx *x, const char *ctl, const char *file, const char *fmt, ...)
{
	struct ward_class_knobs *k = x->k;
	struct ward_class_knob *n;
	va_list ap;

	k->v = ward_xrealloc(k->v, (k->n + 1) * sizeof(*k->v));
	n = &k->v[k->n++];
	n->controller = x->h->layout == WARD_CLASS_V1 ? ctl : "";
	n->file = file;
	va_start(ap, fmt);
	vsnprintf(n->value, sizeof(n->value), fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 2, 3))) note(struct ctx *x, const char *fmt, ...)
{
	struct ward_class_knobs *k = x->k;
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* NULL-terminated as well as counted, so callers can use either */
	k->notes = ward_xrealloc(k->notes, (k->nnotes + 2) * sizeof(*k->notes));
	k->notes[k->nnotes++] = ward_xasprintf("%s: %s", x->c->name, msg);
	k->notes[k->nnotes] = NULL;
}

static const char *lim_str(const struct ward_class *c, int r, int l, char *buf, size_t len)
{
	classes_limit_str(&c->res[r].lim[l], buf, len);
	return buf;
}

static bool has(const struct ward_class *c, int r, int l)
{
	return c->res[r].lim[l].unit != WARD_CLASS_UNSET;
}

/* Shares after min raising, divided by 10 per tier step when the tier is
 * expressed by weight. */
static double tiered(const struct ward_classes *cs, const struct ward_class *s, int r, bool by_weight)
{
	double v = classes_eff_shares(cs, s, r);

	return by_weight ? v / pow(10, classes_tier(s)) : v;
}

/* The ratio-preserving weight: shares * mult while the largest sibling fits
 * in hi, else shares * hi / largest; rounded, at least lo. mult is the
 * kernel's default weight for the file, so a class with the default share (1)
 * competes like any ordinary group and an idle group's weight is negligible
 * beside it. */
static unsigned weight(struct ctx *x, int r, unsigned mult, unsigned lo, unsigned hi, bool by_weight)
{
	double max = 0, v = tiered(x->cs, x->c, r, by_weight), w;

	for (size_t i = 0; i < x->cs->n; i++)
		if (classes_siblings(&x->cs->v[i], x->c))
			max = fmax(max, tiered(x->cs, &x->cs->v[i], r, by_weight));
	w = max * mult > hi ? v * hi / max : v * mult;
	if (w < lo - 0.5)
		note(x, "%s weight %.2f is below the kernel's minimum %u: its ratio to its siblings is not exact",
		     classes_res_names[r], w, lo);
	w = fmin(fmax(round(w), lo), hi);
	return (unsigned)w;
}

static void cpu_weight(struct ctx *x, const char *file, unsigned mult, unsigned lo, unsigned hi)
{
	bool idle = x->h->layout == WARD_CLASS_V2 || x->h->v1_cpu_idle;
	bool tier = classes_tier(x->c) > 0;
	unsigned w = weight(x, WARD_CLASS_CPU, mult, lo, hi, tier && !idle);

	/* the kernel refuses a weight for an idle group: clear, write, set */
	if (idle)
		knob(x, "cpu", "cpu.idle", "0");
	knob(x, "cpu", file, "%u", w);
	if (idle && tier)
		knob(x, "cpu", "cpu.idle", "1");
	if (tier && idle)
		note(x, "tier %d: cpu.idle = 1, so the class runs on CPU time tier 0 leaves idle; "
			"tiers 1..9 are all served after tier 0 but not ordered among themselves "
			"(the kernel gives every idle group the same weight)", classes_tier(x->c));
	else if (tier)
		note(x, "tier %d: this kernel has no cpu.idle; approximated by dividing the CPU weight "
			"by 10 per tier step, so tier 0 is favoured but not served strictly first",
		     classes_tier(x->c));
}

static void cpu_quota(struct ctx *x)
{
	uint64_t frac, q;
	bool v1 = x->h->layout == WARD_CLASS_V1;
	char buf[32];

	if (v1)
		knob(x, "cpu", "cpu.cfs_period_us", "%d", CFS_PERIOD_US);
	if (!classes_frac(x->cs, x->c, WARD_CLASS_CPU, WARD_CLASS_HARDMAX, &frac)) {
		if (v1)
			knob(x, "cpu", "cpu.cfs_quota_us", "-1");
		else
			knob(x, "", "cpu.max", "max %d", CFS_PERIOD_US);
		return;
	}
	/* frac is millionths of the machine; the quota is per period over all CPUs */
	q = frac * x->h->ncpus * CFS_PERIOD_US / 1000000;
	if (q < CFS_QUOTA_MIN_US) {
		note(x, "cpu.hardmax %s is %" PRIu64 " us per period, below the kernel's minimum; "
			"raised to %d us", lim_str(x->c, WARD_CLASS_CPU, WARD_CLASS_HARDMAX, buf, sizeof(buf)),
		     q, CFS_QUOTA_MIN_US);
		q = CFS_QUOTA_MIN_US;
	}
	if (v1)
		knob(x, "cpu", "cpu.cfs_quota_us", "%" PRIu64, q);
	else
		knob(x, "", "cpu.max", "%" PRIu64 " %d", q, CFS_PERIOD_US);
}

static void cpu_notes(struct ctx *x)
{
	char buf[32];

	if (has(x->c, WARD_CLASS_CPU, WARD_CLASS_MIN))
		note(x, "cpu.min %s: Linux has no CPU guarantee; the class competes with %.2f shares "
			"instead of %u, so it gets at least %s of its tier while all its siblings are busy",
		     lim_str(x->c, WARD_CLASS_CPU, WARD_CLASS_MIN, buf, sizeof(buf)),
		     classes_eff_shares(x->cs, x->c, WARD_CLASS_CPU),
		     classes_shares(x->c, WARD_CLASS_CPU), buf);
	if (has(x->c, WARD_CLASS_CPU, WARD_CLASS_SOFTMAX))
		note(x, "cpu.softmax %s has no Linux equivalent and is not enforced (cpu.hardmax is)",
		     lim_str(x->c, WARD_CLASS_CPU, WARD_CLASS_SOFTMAX, buf, sizeof(buf)));
}

static void cpu_knobs(struct ctx *x)
{
	if (x->h->layout == WARD_CLASS_V1)
		cpu_weight(x, "cpu.shares", 1024, 2, 262144);
	else
		cpu_weight(x, "cpu.weight", 100, 1, 10000);
	cpu_quota(x);
	cpu_notes(x);
}

/* One memory limit in bytes, or the file's "no limit" text. */
static void mem_knob(struct ctx *x, const char *file, int l, const char *none)
{
	uint64_t v;

	if (!has(x->c, WARD_CLASS_MEMORY, l))
		knob(x, "memory", file, "%s", none);
	else if (classes_mem_bytes(x->cs, x->c, l, x->h->mem_total, &v))
		knob(x, "memory", file, "%" PRIu64, v);
}

static void mem_knobs(struct ctx *x)
{
	bool v1 = x->h->layout == WARD_CLASS_V1;
	char buf[32];

	if (v1) {
		mem_knob(x, "memory.limit_in_bytes", WARD_CLASS_HARDMAX, "-1");
		mem_knob(x, "memory.soft_limit_in_bytes", WARD_CLASS_SOFTMAX, "-1");
	} else {
		mem_knob(x, "memory.min", WARD_CLASS_MIN, "0");
		mem_knob(x, "memory.high", WARD_CLASS_SOFTMAX, "max");
		mem_knob(x, "memory.max", WARD_CLASS_HARDMAX, "max");
	}
	if (v1 && has(x->c, WARD_CLASS_MEMORY, WARD_CLASS_MIN))
		note(x, "memory.min %s has no cgroup v1 equivalent and is not guaranteed on this host",
		     lim_str(x->c, WARD_CLASS_MEMORY, WARD_CLASS_MIN, buf, sizeof(buf)));
	if (!v1 && has(x->c, WARD_CLASS_MEMORY, WARD_CLASS_SOFTMAX))
		note(x, "memory.softmax %s is written as memory.high: above it the kernel reclaims and "
			"throttles even when memory is not scarce",
		     lim_str(x->c, WARD_CLASS_MEMORY, WARD_CLASS_SOFTMAX, buf, sizeof(buf)));
	if (x->c->res[WARD_CLASS_MEMORY].shares)
		note(x, "memory.shares %u has no Linux equivalent (memory is not divided by weight); "
			"it only sets the share target ward stat shows", x->c->res[WARD_CLASS_MEMORY].shares);
}

static void io_weight(struct ctx *x)
{
	const struct ward_class_host *h = x->h;

	if (h->layout == WARD_CLASS_V2)
		knob(x, "", "io.weight", "default %u", weight(x, WARD_CLASS_IO, 100, 1, 10000, true));
	else if (h->v1_blkio_bfq_weight)
		knob(x, "blkio", "blkio.bfq.weight", "%u", weight(x, WARD_CLASS_IO, 100, 1, 1000, true));
	else if (h->v1_blkio_weight)
		knob(x, "blkio", "blkio.weight", "%u", weight(x, WARD_CLASS_IO, 100, 10, 1000, true));
	else if (x->c->res[WARD_CLASS_IO].shares || has(x->c, WARD_CLASS_IO, WARD_CLASS_MIN))
		note(x, "io.shares: this host has neither blkio.bfq.weight nor blkio.weight "
			"(no BFQ or CFQ scheduler), so I/O is not divided by weight");
	if (classes_tier(x->c) > 0)
		note(x, "tier %d: I/O has no priority tiers in Linux; the I/O weight is divided by 10 "
			"per tier step, and memory has no tiers", classes_tier(x->c));
}

static void io_knobs(struct ctx *x)
{
	char buf[32];

	io_weight(x);
	if (has(x->c, WARD_CLASS_IO, WARD_CLASS_MIN))
		note(x, "io.min %s: Linux has no device-independent I/O guarantee; the I/O weight is "
			"raised so the class gets at least that share of its tier's weight",
		     lim_str(x->c, WARD_CLASS_IO, WARD_CLASS_MIN, buf, sizeof(buf)));
	for (int l = WARD_CLASS_SOFTMAX; l <= WARD_CLASS_HARDMAX; l++)
		if (has(x->c, WARD_CLASS_IO, l))
			note(x, "io.%s %s is not enforced: %s needs a device and bytes or I/Os per second, "
				"not a percentage", classes_lim_names[l],
			     lim_str(x->c, WARD_CLASS_IO, l, buf, sizeof(buf)),
			     x->h->layout == WARD_CLASS_V1 ? "blkio.throttle" : "io.max");
}

static int host_check(const struct ward_class_host *h, struct ward_err **err)
{
	if (h->layout != WARD_CLASS_V1 && h->layout != WARD_CLASS_V2)
		return ward_err_set(err, EINVAL, "unknown cgroup layout %d", (int)h->layout);
	if (!h->mem_total || !h->ncpus)
		return ward_err_set(err, EINVAL, "host memory size and CPU count are needed for knob values");
	return 0;
}

int ward_class_knobs(const struct ward_classes *cs, const char *name,
		     const struct ward_class_host *host, struct ward_class_knobs *out,
		     struct ward_err **err)
{
	struct ward_class_knobs k = { 0 };
	struct ctx x = { cs, ward_classes_find(cs, name), host, &k };
	int r = host_check(host, err);

	if (r < 0)
		return r;
	if (!x.c)
		return ward_err_set(err, ENOENT, "class %s does not exist", name);
	r = ward_classes_check(cs, host->mem_total, err);
	if (r < 0)
		return r;
	cpu_knobs(&x);
	mem_knobs(&x);
	io_knobs(&x);
	if (x.c->pids_max)
		knob(&x, "pids", "pids.max", "%ld", x.c->pids_max);
	else
		knob(&x, "pids", "pids.max", "max");
	*out = k;
	return 0;
}

void ward_class_knobs_fini(struct ward_class_knobs *k)
{
	for (size_t i = 0; i < k->nnotes; i++)
		free(k->notes[i]);
	free(k->notes);
	free(k->v);
	memset(k, 0, sizeof(*k));
}

const char *ward_class_knobs_get(const struct ward_class_knobs *k, const char *file)
{
	const char *v = NULL;

	for (size_t i = 0; i < k->n; i++)
		if (!strcmp(k->v[i].file, file))
			v = k->v[i].value;
	return v;
}
