/* Share arithmetic (AIX WLM): the target `ward stat` shows, and the shares a
 * class competes with once cpu.min / io.min have raised them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy/classes-internal.h"

static bool is_active(const struct ward_class *c, const char *const *active, size_t n)
{
	size_t len = strlen(c->name);

	for (size_t i = 0; i < n; i++) {
		if (!strcmp(active[i], c->name))
			return true;
		/* a superclass is busy when any of its subclasses is */
		if (!strchr(c->name, '.') && !strncmp(active[i], c->name, len) && active[i][len] == '.')
			return true;
	}
	return false;
}

static double target(const struct ward_classes *cs, const struct ward_class *c,
		     enum ward_class_res r, const char *const *active, size_t n)
{
	const struct ward_class *p = ward_classes_parent(cs, c);
	double sum = 0, t;

	if (!is_active(c, active, n))
		return 0;
	for (size_t i = 0; i < cs->n; i++) {
		const struct ward_class *s = &cs->v[i];

		if (classes_siblings(s, c) && classes_tier(s) == classes_tier(c) && is_active(s, active, n))
			sum += classes_shares(s, r);
	}
	t = 100.0 * classes_shares(c, r) / sum;
	return p ? t * target(cs, p, r, active, n) / 100.0 : t;
}

int ward_classes_share_target(const struct ward_classes *cs, const char *name,
			      enum ward_class_res res, const char *const *active, size_t nactive,
			      double *pct, struct ward_err **err)
{
	const struct ward_class *c = ward_classes_find(cs, name);

	if (!c)
		return ward_err_set(err, ENOENT, "class %s does not exist", name);
	if ((int)res < 0 || res >= WARD_CLASS_NRES)
		return ward_err_set(err, EINVAL, "unknown resource %d", (int)res);
	*pct = target(cs, c, res, active, nactive);
	return 0;
}

struct member {
	double min; /* fraction 0..1 */
	double shares;
	bool raised;
	bool self;
};

/* Water-filling: raise every sibling whose proportional share falls short of
 * its min to exactly its min, until no unraised sibling falls short. The
 * unraised keep their shares; a raised one gets min * S_u / (1 - sum of
 * raised mins), which makes its fraction exactly min. */
static double raise(struct member *m, size_t n)
{
	double rest = 1, su = 0;
	bool changed = true;

	while (changed) {
		changed = false;
		rest = 1;
		su = 0;
		for (size_t i = 0; i < n; i++) {
			rest -= m[i].raised ? m[i].min : 0;
			su += m[i].raised ? 0 : m[i].shares;
		}
		for (size_t i = 0; i < n; i++)
			if (!m[i].raised && m[i].min > 0 && (su <= 0 || m[i].shares / su * rest < m[i].min))
				changed = m[i].raised = true;
	}
	for (size_t i = 0; i < n; i++) {
		if (!m[i].self)
			continue;
		if (!m[i].raised)
			return m[i].shares;
		if (su <= 0) /* every sibling raised: the mins are the ratios */
			return m[i].min * 1000;
		return m[i].min * su / (rest > 0.001 ? rest : 0.001);
	}
	return 0;
}

double classes_eff_shares(const struct ward_classes *cs, const struct ward_class *c,
			  enum ward_class_res r)
{
	struct member *m;
	size_t n = 0;
	double v;

	if (r == WARD_CLASS_MEMORY || c->res[r].lim[WARD_CLASS_MIN].unit != WARD_CLASS_PCT)
		return classes_shares(c, r);
	m = ward_xcalloc(cs->n, sizeof(*m));
	for (size_t i = 0; i < cs->n; i++) {
		const struct ward_class *s = &cs->v[i];
		const struct ward_class_limit *l = &s->res[r].lim[WARD_CLASS_MIN];

		if (!classes_siblings(s, c) || classes_tier(s) != classes_tier(c))
			continue;
		m[n].min = l->unit == WARD_CLASS_PCT ? (double)l->v / 1000.0 : 0;
		m[n].shares = classes_shares(s, r);
		m[n].self = s == c;
		n++;
	}
	v = raise(m, n);
	free(m);
	return v;
}
