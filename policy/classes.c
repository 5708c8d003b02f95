/* The class set as data: sorted storage, lookups, and the changes a verb
 * makes (add, remove, set). Every change is tried on a copy and checked
 * against the whole set before it replaces the original, so a refused change
 * leaves nothing half done. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/classes-internal.h"

static void class_init(struct ward_class *c, const char *name)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->tier = -1;
}

void ward_classes_init(struct ward_classes *cs)
{
	memset(cs, 0, sizeof(*cs));
	classes_insert(cs, WARD_CLASS_DEFAULT);
}

void classes_rule_free(struct ward_class_rule *r)
{
	free(r->class);
	free(r->owner);
	free(r->group);
	free(r->name);
	free(r->tmpl);
	memset(r, 0, sizeof(*r));
}

void ward_classes_fini(struct ward_classes *cs)
{
	for (size_t i = 0; i < cs->nrules; i++)
		classes_rule_free(&cs->rules[i]);
	free(cs->rules);
	free(cs->v);
	memset(cs, 0, sizeof(*cs));
}

static char *dup_or_null(const char *s)
{
	return s ? ward_xstrdup(s) : NULL;
}

void ward_classes_copy(struct ward_classes *dst, const struct ward_classes *src)
{
	dst->n = src->n;
	dst->v = ward_xcalloc(src->n, sizeof(*dst->v));
	memcpy(dst->v, src->v, src->n * sizeof(*dst->v));
	dst->nrules = src->nrules;
	dst->rules = ward_xcalloc(src->nrules, sizeof(*dst->rules));
	for (size_t i = 0; i < src->nrules; i++) {
		const struct ward_class_rule *r = &src->rules[i];

		dst->rules[i] = (struct ward_class_rule){
			dup_or_null(r->class), dup_or_null(r->owner), dup_or_null(r->group),
			dup_or_null(r->name), dup_or_null(r->tmpl),
		};
	}
}

/* Sort key: "default" first, then superclass name, then the superclass
 * itself before its subclasses by name. Comparing whole names with strcmp
 * would put "gold-x" between "gold" and "gold.web". */
static int class_cmp(const char *a, const char *b)
{
	size_t la = strcspn(a, "."), lb = strcspn(b, ".");
	int r;

	if (strcmp(a, b) == 0)
		return 0;
	if (la == strlen(WARD_CLASS_DEFAULT) && !strncmp(a, WARD_CLASS_DEFAULT, la))
		return -1;
	if (lb == strlen(WARD_CLASS_DEFAULT) && !strncmp(b, WARD_CLASS_DEFAULT, lb))
		return 1;
	r = strncmp(a, b, la < lb ? la : lb);
	if (r || la != lb)
		return r ? r : (la < lb ? -1 : 1);
	return strcmp(a + la, b + lb); /* "" < ".sub" */
}

struct ward_class *classes_insert(struct ward_classes *cs, const char *name)
{
	size_t i = 0;

	while (i < cs->n && class_cmp(cs->v[i].name, name) < 0)
		i++;
	cs->v = ward_xrealloc(cs->v, (cs->n + 1) * sizeof(*cs->v));
	memmove(&cs->v[i + 1], &cs->v[i], (cs->n - i) * sizeof(*cs->v));
	cs->n++;
	class_init(&cs->v[i], name);
	return &cs->v[i];
}

const struct ward_class *ward_classes_find(const struct ward_classes *cs, const char *name)
{
	for (size_t i = 0; i < cs->n; i++)
		if (!strcmp(cs->v[i].name, name))
			return &cs->v[i];
	return NULL;
}

const struct ward_class *ward_classes_parent(const struct ward_classes *cs, const struct ward_class *c)
{
	const char *dot = strchr(c->name, '.');
	char super[WARD_CLASS_NAME_MAX + 1];

	if (!dot)
		return NULL;
	snprintf(super, sizeof(super), "%.*s", (int)(dot - c->name), c->name);
	return ward_classes_find(cs, super);
}

int classes_name_check(const char *name, struct ward_err **err)
{
	char level[WARD_CLASS_NAME_MAX + 1];
	const char *dot = strchr(name, '.');
	int r;

	if (strlen(name) > WARD_CLASS_NAME_MAX)
		return ward_err_set(err, EINVAL, "class name '%.70s...' is too long", name);
	if (dot && strchr(dot + 1, '.'))
		return ward_err_set(err, EINVAL,
				    "class '%s': a third level is not allowed (superclass or superclass.subclass)",
				    name);
	snprintf(level, sizeof(level), "%.*s", dot ? (int)(dot - name) : (int)strlen(name), name);
	r = ward_name_check(level, "class name", err);
	if (r == 0 && dot)
		r = ward_name_check(dot + 1, "subclass name", err);
	return r;
}

/* Applies kv to class `name` of a copy of cs, checks the copy, and swaps it
 * in on success. */
static int change(struct ward_classes *cs, const char *name, bool create,
		  const struct ward_class_kv *kv, size_t n, struct ward_err **err)
{
	struct ward_classes tmp;
	struct ward_class *c;
	int r = 0;

	ward_classes_copy(&tmp, cs);
	c = (struct ward_class *)ward_classes_find(&tmp, name);
	if (create)
		c = classes_insert(&tmp, name);
	for (size_t i = 0; i < n && r == 0; i++)
		r = classes_key_set(c, kv[i].key, kv[i].value, err);
	return classes_commit(cs, &tmp, r, err);
}

int classes_commit(struct ward_classes *cs, struct ward_classes *tmp, int r, struct ward_err **err)
{
	if (r == 0)
		r = ward_classes_check(tmp, 0, err);
	if (r < 0) {
		ward_classes_fini(tmp);
		return r;
	}
	ward_classes_fini(cs);
	*cs = *tmp;
	return 0;
}

int ward_classes_add(struct ward_classes *cs, const char *name, const struct ward_class_kv *kv,
		     size_t n, struct ward_err **err)
{
	int r = classes_name_check(name, err);

	if (r < 0)
		return r;
	if (ward_classes_find(cs, name))
		return ward_err_set(err, EEXIST, "class %s already exists", name);
	return change(cs, name, true, kv, n, err);
}

int ward_classes_set(struct ward_classes *cs, const char *name, const struct ward_class_kv *kv,
		     size_t n, struct ward_err **err)
{
	if (!ward_classes_find(cs, name))
		return ward_err_set(err, ENOENT, "class %s does not exist", name);
	return change(cs, name, false, kv, n, err);
}

static int remove_refused(const struct ward_classes *cs, const char *name, struct ward_err **err)
{
	size_t len = strlen(name);

	if (!strcmp(name, WARD_CLASS_DEFAULT))
		return ward_err_set(err, EINVAL, "the default class cannot be removed");
	for (size_t i = 0; i < cs->n; i++)
		if (!strncmp(cs->v[i].name, name, len) && cs->v[i].name[len] == '.')
			return ward_err_set(err, ENOTEMPTY,
					    "class %s has subclasses (%s ...); remove them first",
					    name, cs->v[i].name);
	for (size_t i = 0; i < cs->nrules; i++)
		if (!strcmp(cs->rules[i].class, name))
			return ward_err_set(err, EBUSY, "rule %zu names class %s; remove the rule first",
					    i + 1, name);
	return 0;
}

int ward_classes_remove(struct ward_classes *cs, const char *name, struct ward_err **err)
{
	const struct ward_class *c = ward_classes_find(cs, name);
	size_t i;
	int r;

	if (!c)
		return ward_err_set(err, ENOENT, "class %s does not exist", name);
	r = remove_refused(cs, name, err);
	if (r < 0)
		return r;
	i = (size_t)(c - cs->v);
	memmove(&cs->v[i], &cs->v[i + 1], (cs->n - i - 1) * sizeof(*cs->v));
	cs->n--;
	return 0;
}

unsigned classes_shares(const struct ward_class *c, enum ward_class_res r)
{
	return c->res[r].shares ? c->res[r].shares : 1;
}

int classes_tier(const struct ward_class *c)
{
	return c->tier < 0 ? 0 : c->tier;
}

bool classes_siblings(const struct ward_class *a, const struct ward_class *b)
{
	size_t la = strcspn(a->name, "."), lb = strcspn(b->name, ".");

	if (!a->name[la] || !b->name[lb])
		return !a->name[la] && !b->name[lb];
	return la == lb && !strncmp(a->name, b->name, la);
}
