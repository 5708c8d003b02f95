/* Rules for automatic assignment (AIX WLM's rules file): ordered lines
 * `CLASS [owner=GLOB] [group=GLOB] [name=GLOB] [template=GLOB]`, the first
 * whose every criterion matches wins, "default" when none does. */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "policy/classes-internal.h"

/* inih reads at most 200 characters a line; "rule = " comes first. */
#define RULE_LINE_MAX (200 - 8)

static const char *const criteria[] = { "owner", "group", "name", "template" };

static char **criterion(struct ward_class_rule *r, size_t i)
{
	char **slots[] = { &r->owner, &r->group, &r->name, &r->tmpl };

	return slots[i];
}

static int parse_criterion(const char *line, const char *tok, size_t len,
			   struct ward_class_rule *r, struct ward_err **err)
{
	const char *eq = memchr(tok, '=', len);

	for (size_t i = 0; eq && i < sizeof(criteria) / sizeof(criteria[0]); i++) {
		char **slot = criterion(r, i);

		if (strlen(criteria[i]) != (size_t)(eq - tok) || strncmp(tok, criteria[i], (size_t)(eq - tok)))
			continue;
		if (*slot)
			return ward_err_set(err, EINVAL, "rule '%s': %s given twice", line, criteria[i]);
		if (eq + 1 == tok + len)
			return ward_err_set(err, EINVAL, "rule '%s': %s= needs a pattern", line, criteria[i]);
		*slot = ward_xasprintf("%.*s", (int)(tok + len - eq - 1), eq + 1);
		return 0;
	}
	return ward_err_set(err, EINVAL,
			    "rule '%s': unknown criterion '%.*s' (owner=, group=, name=, template=)",
			    line, eq ? (int)(eq - tok) : (int)len, tok);
}

static int rule_chars(const char *line, struct ward_err **err)
{
	if (strlen(line) > RULE_LINE_MAX)
		return ward_err_set(err, EINVAL, "rule is longer than %d characters", RULE_LINE_MAX);
	for (const char *p = line; *p; p++)
		if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f || *p == ';' || *p == '#')
			return ward_err_set(err, EINVAL,
					    "rule '%s': control characters, ';' and '#' are not allowed", line);
	return 0;
}

int classes_rule_parse(const char *line, struct ward_class_rule *r, struct ward_err **err)
{
	const char *p = line;
	int rc = rule_chars(line, err);

	memset(r, 0, sizeof(*r));
	while (rc == 0) {
		size_t len;

		p += strspn(p, " \t");
		len = strcspn(p, " \t");
		if (!len)
			break;
		if (!r->class) {
			r->class = ward_xasprintf("%.*s", (int)len, p);
			rc = classes_name_check(r->class, err);
		} else {
			rc = parse_criterion(line, p, len, r, err);
		}
		p += len;
	}
	if (rc == 0 && !r->class)
		rc = ward_err_set(err, EINVAL, "rule is empty: give a class, then owner=, group=, name=, template=");
	if (rc < 0)
		classes_rule_free(r);
	return rc;
}

char *ward_class_rule_format(const struct ward_class_rule *r)
{
	char *out = ward_xstrdup(r->class);

	for (size_t i = 0; i < sizeof(criteria) / sizeof(criteria[0]); i++) {
		char *v = *criterion((struct ward_class_rule *)r, i), *tmp;

		if (!v)
			continue;
		tmp = ward_xasprintf("%s %s=%s", out, criteria[i], v);
		free(out);
		out = tmp;
	}
	return out;
}

int ward_classes_rule_add(struct ward_classes *cs, const char *line, struct ward_err **err)
{
	struct ward_class_rule r;
	int rc = classes_rule_parse(line, &r, err);

	if (rc < 0)
		return rc;
	if (!ward_classes_find(cs, r.class)) {
		rc = ward_err_set(err, ENOENT, "rule names class %s, which does not exist", r.class);
		classes_rule_free(&r);
		return rc;
	}
	cs->rules = ward_xrealloc(cs->rules, (cs->nrules + 1) * sizeof(*cs->rules));
	cs->rules[cs->nrules++] = r;
	return 0;
}

int ward_classes_rule_remove(struct ward_classes *cs, size_t i, struct ward_err **err)
{
	if (i >= cs->nrules)
		return ward_err_set(err, ENOENT, "there is no rule %zu (%zu rules)", i + 1, cs->nrules);
	classes_rule_free(&cs->rules[i]);
	memmove(&cs->rules[i], &cs->rules[i + 1], (cs->nrules - i - 1) * sizeof(*cs->rules));
	cs->nrules--;
	return 0;
}

static bool glob_ok(const char *glob, const char *value)
{
	if (!glob)
		return true;
	return value && fnmatch(glob, value, 0) == 0;
}

const char *ward_classes_match(const struct ward_classes *cs, const struct ward_class_subject *s)
{
	for (size_t i = 0; i < cs->nrules; i++) {
		const struct ward_class_rule *r = &cs->rules[i];

		if (glob_ok(r->owner, s->owner) && glob_ok(r->group, s->group) &&
		    glob_ok(r->name, s->name) && glob_ok(r->tmpl, s->tmpl))
			return r->class;
	}
	return WARD_CLASS_DEFAULT;
}
