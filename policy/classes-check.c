/* Validation of a whole class set (wlmcheck): every refusal names the class
 * and the limit, and what it collides with. Percentages of a subclass are of
 * its superclass, so comparisons that mix a percentage with bytes resolve
 * both to bytes first, which needs host RAM for a superclass in percent. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "policy/classes-internal.h"

static uint64_t pct_of(uint64_t cap, uint64_t tenths)
{
	return (uint64_t)((unsigned __int128)cap * tenths / 1000);
}

bool classes_mem_capacity(const struct ward_classes *cs, const struct ward_class *c,
			  uint64_t mem_total, uint64_t *out)
{
	const struct ward_class *p = ward_classes_parent(cs, c);

	if (p && p->res[WARD_CLASS_MEMORY].lim[WARD_CLASS_HARDMAX].unit != WARD_CLASS_UNSET)
		return classes_mem_bytes(cs, p, WARD_CLASS_HARDMAX, mem_total, out);
	*out = mem_total;
	return mem_total > 0;
}

bool classes_mem_bytes(const struct ward_classes *cs, const struct ward_class *c,
		       enum ward_class_lim l, uint64_t mem_total, uint64_t *out)
{
	const struct ward_class_limit *lim = &c->res[WARD_CLASS_MEMORY].lim[l];
	uint64_t cap;

	if (lim->unit == WARD_CLASS_BYTES) {
		*out = lim->v;
		return true;
	}
	if (lim->unit != WARD_CLASS_PCT || !classes_mem_capacity(cs, c, mem_total, &cap))
		return false;
	*out = pct_of(cap, lim->v);
	return true;
}

bool classes_frac(const struct ward_classes *cs, const struct ward_class *c,
		  enum ward_class_res r, enum ward_class_lim l, uint64_t *out)
{
	const struct ward_class_limit *lim = &c->res[r].lim[l];
	const struct ward_class *p = ward_classes_parent(cs, c);
	uint64_t cap = 1000000;

	if (lim->unit != WARD_CLASS_PCT)
		return false;
	if (p && p->res[r].lim[WARD_CLASS_HARDMAX].unit == WARD_CLASS_PCT)
		classes_frac(cs, p, r, WARD_CLASS_HARDMAX, &cap);
	*out = pct_of(cap, lim->v);
	return true;
}

/* "50% (1G)" for a resolved percentage, "512M" for bytes. */
static void describe(const struct ward_class_limit *l, uint64_t bytes, char *buf, size_t len)
{
	char a[28], b[28]; /* both fit with " ()" in the 64 bytes callers pass */

	classes_limit_str(l, a, sizeof(a));
	if (l->unit != WARD_CLASS_PCT) {
		snprintf(buf, len, "%s", a);
		return;
	}
	classes_bytes_str(bytes, b, sizeof(b));
	snprintf(buf, len, "%s (%s)", a, b);
}

static int check_ranges(const struct ward_class *c, struct ward_err **err)
{
	if (c->tier > WARD_CLASS_TIER_MAX)
		return ward_err_set(err, EINVAL, "%s: tier %d is out of range 0..%d", c->name, c->tier,
				    WARD_CLASS_TIER_MAX);
	if (c->pids_max < 0 || c->pids_max > WARD_CLASS_PIDS_MAX)
		return ward_err_set(err, EINVAL, "%s: pids.max %ld is out of range 1..%d", c->name,
				    c->pids_max, WARD_CLASS_PIDS_MAX);
	for (int r = 0; r < WARD_CLASS_NRES; r++) {
		const struct ward_class_resource *res = &c->res[r];
		const struct ward_class_limit *hard = &res->lim[WARD_CLASS_HARDMAX];

		if (res->shares > WARD_CLASS_SHARES_MAX)
			return ward_err_set(err, EINVAL, "%s: %s.shares %u is out of range 1..%d", c->name,
					    classes_res_names[r], res->shares, WARD_CLASS_SHARES_MAX);
		for (int l = 0; l < WARD_CLASS_NLIM; l++)
			if (res->lim[l].unit == WARD_CLASS_PCT && res->lim[l].v > 1000)
				return ward_err_set(err, EINVAL, "%s: %s.%s is over 100%%", c->name,
						    classes_res_names[r], classes_lim_names[l]);
		if (hard->unit != WARD_CLASS_UNSET && hard->v == 0)
			return ward_err_set(err, EINVAL,
					    "%s: %s.hardmax 0 would stop the class; unset it or give more",
					    c->name, classes_res_names[r]);
	}
	return 0;
}

/* Both limits set and comparable: same unit, or both resolvable to bytes. */
static bool comparable(const struct ward_classes *cs, const struct ward_class *c, int r, int la,
		       int lb, uint64_t mem_total, uint64_t *va, uint64_t *vb)
{
	const struct ward_class_limit *a = &c->res[r].lim[la], *b = &c->res[r].lim[lb];

	if (a->unit == WARD_CLASS_UNSET || b->unit == WARD_CLASS_UNSET)
		return false;
	if (a->unit == b->unit) {
		*va = a->v;
		*vb = b->v;
		return true;
	}
	return classes_mem_bytes(cs, c, la, mem_total, va) && classes_mem_bytes(cs, c, lb, mem_total, vb);
}

static int check_order(const struct ward_classes *cs, const struct ward_class *c,
		       uint64_t mem_total, struct ward_err **err)
{
	static const int pairs[][2] = {
		{ WARD_CLASS_MIN, WARD_CLASS_SOFTMAX },
		{ WARD_CLASS_SOFTMAX, WARD_CLASS_HARDMAX },
		{ WARD_CLASS_MIN, WARD_CLASS_HARDMAX },
	};
	char a[32], b[32];
	uint64_t va, vb;

	for (int r = 0; r < WARD_CLASS_NRES; r++)
		for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
			int la = pairs[i][0], lb = pairs[i][1];

			if (!comparable(cs, c, r, la, lb, mem_total, &va, &vb) || va <= vb)
				continue;
			classes_limit_str(&c->res[r].lim[la], a, sizeof(a));
			classes_limit_str(&c->res[r].lim[lb], b, sizeof(b));
			return ward_err_set(err, EINVAL,
					    "%s: %s.%s %s is above %s.%s %s (min <= softmax <= hardmax)",
					    c->name, classes_res_names[r], classes_lim_names[la], a,
					    classes_res_names[r], classes_lim_names[lb], b);
		}
	return 0;
}

/* A subclass's memory limit against the superclass's same limit, or the
 * next one up when that is unset (a softmax under the superclass's hardmax). */
static int check_sub_mem(const struct ward_classes *cs, const struct ward_class *c,
			 const struct ward_class *p, uint64_t mem_total, struct ward_err **err)
{
	const struct ward_class_resource *cr = &c->res[WARD_CLASS_MEMORY], *pr = &p->res[WARD_CLASS_MEMORY];
	char a[64], b[64];
	uint64_t v, pv;

	for (int l = 0; l < WARD_CLASS_NLIM; l++) {
		int pl = l;

		if (!classes_mem_bytes(cs, c, l, mem_total, &v))
			continue;
		while (pl < WARD_CLASS_NLIM && pr->lim[pl].unit == WARD_CLASS_UNSET)
			pl++;
		if (pl == WARD_CLASS_NLIM || !classes_mem_bytes(cs, p, pl, mem_total, &pv) || v <= pv)
			continue;
		describe(&cr->lim[l], v, a, sizeof(a));
		describe(&pr->lim[pl], pv, b, sizeof(b));
		return ward_err_set(err, EINVAL, "%s: memory.%s %s exceeds %s's memory.%s %s", c->name,
				    classes_lim_names[l], a, p->name, classes_lim_names[pl], b);
	}
	return 0;
}

static int check_sub(const struct ward_classes *cs, const struct ward_class *c,
		     uint64_t mem_total, struct ward_err **err)
{
	const char *dot = strchr(c->name, '.');
	const struct ward_class *p = ward_classes_parent(cs, c);

	if (!dot)
		return 0;
	if (!strncmp(c->name, WARD_CLASS_DEFAULT ".", strlen(WARD_CLASS_DEFAULT) + 1))
		return ward_err_set(err, EINVAL, "class %s: the default class has no subclasses", c->name);
	if (!p)
		return ward_err_set(err, ENOENT, "class %s: superclass %.*s does not exist", c->name,
				    (int)(dot - c->name), c->name);
	if (c->pids_max && p->pids_max && c->pids_max > p->pids_max)
		return ward_err_set(err, EINVAL, "%s: pids.max %ld exceeds %s's pids.max %ld", c->name,
				    c->pids_max, p->name, p->pids_max);
	return check_sub_mem(cs, c, p, mem_total, err);
}

/* Is c a member of the sibling group of parent (NULL: the superclasses)? */
static bool in_group(const struct ward_class *c, const struct ward_class *parent)
{
	size_t len;

	if (!parent)
		return !strchr(c->name, '.');
	len = strlen(parent->name);
	return !strncmp(c->name, parent->name, len) && c->name[len] == '.';
}

static int min_sum_error(const struct ward_class *parent, int r, const char *sum, const char *cap,
			 struct ward_err **err)
{
	return ward_err_set(err, EINVAL, "%s.min of %s%s adds up to %s, more than %s",
			    classes_res_names[r], parent ? parent->name : "the superclasses",
			    parent ? "'s subclasses" : "", sum, cap);
}

/* Guarantees of siblings must fit in what their parent has. */
static int check_group_mins(const struct ward_classes *cs, const struct ward_class *parent,
			    uint64_t mem_total, struct ward_err **err)
{
	char a[32], b[32];

	for (int r = 0; r < WARD_CLASS_NRES; r++) {
		uint64_t pct = 0, bytes = 0, cap = 0;
		bool known = false;

		for (size_t i = 0; i < cs->n; i++) {
			const struct ward_class_limit *l = &cs->v[i].res[r].lim[WARD_CLASS_MIN];

			if (!in_group(&cs->v[i], parent) || l->unit == WARD_CLASS_UNSET)
				continue;
			known = known || classes_mem_capacity(cs, &cs->v[i], mem_total, &cap);
			*(l->unit == WARD_CLASS_PCT ? &pct : &bytes) += l->v;
		}
		if (r == WARD_CLASS_MEMORY && known && bytes + pct_of(cap, pct) > cap) {
			classes_bytes_str(bytes + pct_of(cap, pct), a, sizeof(a));
			classes_bytes_str(cap, b, sizeof(b));
			return min_sum_error(parent, r, a, b, err);
		}
		if (pct > 1000) {
			struct ward_class_limit l = { WARD_CLASS_PCT, pct };

			classes_limit_str(&l, a, sizeof(a));
			return min_sum_error(parent, r, a, "100%", err);
		}
	}
	return 0;
}

static int check_rules(const struct ward_classes *cs, struct ward_err **err)
{
	for (size_t i = 0; i < cs->nrules; i++)
		if (!ward_classes_find(cs, cs->rules[i].class))
			return ward_err_set(err, ENOENT, "rule %zu names class %s, which does not exist",
					    i + 1, cs->rules[i].class);
	return 0;
}

int ward_classes_check(const struct ward_classes *cs, uint64_t mem_total, struct ward_err **err)
{
	int r = ward_classes_find(cs, WARD_CLASS_DEFAULT)
			? 0
			: ward_err_set(err, EINVAL, "the default class is missing");

	for (size_t i = 0; r == 0 && i < cs->n; i++) {
		const struct ward_class *c = &cs->v[i];

		r = classes_name_check(c->name, err);
		if (r == 0)
			r = check_ranges(c, err);
		if (r == 0)
			r = check_order(cs, c, mem_total, err);
		if (r == 0)
			r = check_sub(cs, c, mem_total, err);
	}
	r = r < 0 ? r : check_group_mins(cs, NULL, mem_total, err);
	for (size_t i = 0; r == 0 && i < cs->n; i++)
		if (!strchr(cs->v[i].name, '.'))
			r = check_group_mins(cs, &cs->v[i], mem_total, err);
	return r < 0 ? r : check_rules(cs, err);
}
