/* The class file: INI text read with inih, one section per class and a
 * [rules] section, and its canonical form written back. */
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/classes-internal.h"

#define RULES_SECTION "rules"

struct parse_ctx {
	struct ward_classes *cs;
	struct ward_err **err;
};

static int on_ini(void *user, const char *section, const char *key, const char *value)
{
	struct parse_ctx *p = user;
	struct ward_class *c;
	struct ward_class_rule r;

	if (!*section)
		return ward_err_set(p->err, EINVAL, "%s is outside a [class] section", key) == 0;
	if (!strcmp(section, RULES_SECTION)) {
		if (strcmp(key, "rule"))
			return ward_err_set(p->err, EINVAL, "[rules]: unknown key '%s' (rule = CLASS ...)",
					    key) == 0;
		if (classes_rule_parse(value, &r, p->err) < 0)
			return 0;
		p->cs->rules = ward_xrealloc(p->cs->rules, (p->cs->nrules + 1) * sizeof(r));
		p->cs->rules[p->cs->nrules++] = r;
		return 1;
	}
	c = (struct ward_class *)ward_classes_find(p->cs, section);
	if (!c) /* the section scan created every valid section */
		return ward_err_set(p->err, EINVAL, "unknown section [%s]", section) == 0;
	return classes_key_set(c, key, value, p->err) == 0;
}

/* One section header: declares the class (so an empty section still makes
 * one), refusing bad names and a class or [rules] given twice. */
static int declare(struct ward_classes *cs, const char *name, bool *seen_default,
		   bool *seen_rules, struct ward_err **err)
{
	if (!strcmp(name, RULES_SECTION)) {
		if (*seen_rules)
			return ward_err_set(err, EINVAL, "[rules] is given twice");
		*seen_rules = true;
		return 0;
	}
	if (classes_name_check(name, err) < 0)
		return -EINVAL;
	if (!strcmp(name, WARD_CLASS_DEFAULT) && !*seen_default) {
		*seen_default = true;
		return 0;
	}
	if (ward_classes_find(cs, name))
		return ward_err_set(err, EINVAL, "class %s is defined twice", name);
	classes_insert(cs, name);
	return 0;
}

/* inih joins an indented line to the key above it; ward never writes one,
 * so it is an editing mistake to report, not to merge. */
static int scan_line(struct ward_classes *cs, const char *p, const char *end,
		     bool *seen_default, bool *seen_rules, struct ward_err **err)
{
	const char *q = p + strspn(p, " \t"), *close;
	char name[WARD_CLASS_NAME_MAX + 2];

	if (q >= end || *q == '#' || *q == ';')
		return 0;
	if (q > p)
		return ward_err_set(err, EINVAL, "indented line (keys and sections start in column 1)");
	if (*p != '[')
		return 0;
	close = memchr(p, ']', (size_t)(end - p));
	if (!close)
		return ward_err_set(err, EINVAL, "section header without ']'");
	if ((size_t)(close - p - 1) >= sizeof(name))
		return ward_err_set(err, EINVAL, "class name is too long");
	snprintf(name, sizeof(name), "%.*s", (int)(close - p - 1), p + 1);
	return declare(cs, name, seen_default, seen_rules, err);
}

static int scan_sections(struct ward_classes *cs, const char *text, struct ward_err **err)
{
	bool seen_default = false, seen_rules = false;
	int line = 1;

	for (const char *p = text; *p; line++) {
		const char *end = strchrnul(p, '\n');

		if (scan_line(cs, p, end, &seen_default, &seen_rules, err) < 0) {
			ward_err_prefix(err, "class file line %d", line);
			return -EINVAL;
		}
		p = *end ? end + 1 : end;
	}
	return 0;
}

int ward_classes_parse(const char *text, struct ward_classes *cs, struct ward_err **err)
{
	struct ward_classes tmp;
	struct parse_ctx p = { &tmp, err };
	int line, r;

	ward_classes_init(&tmp);
	r = scan_sections(&tmp, text, err);
	if (r == 0) {
		line = ini_parse_string(text, on_ini, &p);
		if (line != 0) {
			if (!err || !*err)
				ward_err_set(err, EINVAL, "cannot parse");
			ward_err_prefix(err, "class file line %d", line);
			r = -EINVAL;
		}
	}
	return classes_commit(cs, &tmp, r, err);
}

struct buf {
	char *s;
	size_t len, cap;
};

static void __attribute__((format(printf, 2, 3))) put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if ((size_t)n >= b->cap - b->len) {
		b->cap = (b->len + (size_t)n + 1) * 2;
		b->s = ward_xrealloc(b->s, b->cap);
		va_start(ap, fmt);
		vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

char *ward_classes_format(const struct ward_classes *cs)
{
	struct buf b = { ward_xmalloc(256), 0, 256 };
	size_t nkeys;
	const char *const *keys = ward_class_keys(&nkeys);

	put(&b, "# ward resource classes: see ward-classes(5)\n");
	for (size_t i = 0; i < cs->n; i++) {
		put(&b, "\n[%s]\n", cs->v[i].name);
		for (size_t k = 0; k < nkeys; k++) {
			_cleanup_free_ char *v = ward_class_value(&cs->v[i], keys[k]);

			if (v)
				put(&b, "%s = %s\n", keys[k], v);
		}
	}
	if (cs->nrules)
		put(&b, "\n[%s]\n", RULES_SECTION);
	for (size_t i = 0; i < cs->nrules; i++) {
		_cleanup_free_ char *v = ward_class_rule_format(&cs->rules[i]);

		put(&b, "rule = %s\n", v);
	}
	return b.s;
}
