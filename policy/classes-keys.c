/* The keys of a class section and their values: one table of names, one
 * parser per kind of value, and the shortest exact text of each value so
 * the file round-trips. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/classes-internal.h"

const char *const classes_res_names[WARD_CLASS_NRES] = { "cpu", "memory", "io" };
const char *const classes_lim_names[WARD_CLASS_NLIM] = { "min", "softmax", "hardmax" };

static const char *const keys[] = {
	"tier",
	"cpu.shares", "cpu.min", "cpu.softmax", "cpu.hardmax",
	"memory.shares", "memory.min", "memory.softmax", "memory.hardmax",
	"io.shares", "io.min", "io.softmax", "io.hardmax",
	"pids.max",
};

#define KEY_LIST "tier, {cpu,memory,io}.{shares,min,softmax,hardmax}, pids.max"

const char *const *ward_class_keys(size_t *n)
{
	*n = sizeof(keys) / sizeof(keys[0]);
	return keys;
}

/* A decimal number without sign or blanks, at most max. */
static int parse_u64(const char *s, const char **end, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v > max)
		return -ERANGE;
	*end = p;
	*out = v;
	return 0;
}

/* "40%" or "40.5%" as tenths of a percent. */
static int parse_pct(const struct ward_class *c, const char *key, const char *v,
		     struct ward_class_limit *l, struct ward_err **err)
{
	const char *p;
	uint64_t whole, tenth = 0;

	if (parse_u64(v, &p, UINT32_MAX, &whole) < 0)
		goto bad;
	if (*p == '.') {
		if (!isdigit((unsigned char)p[1]) || p[2] != '%')
			goto bad;
		tenth = (uint64_t)(p[1] - '0');
		p += 2;
	}
	if (strcmp(p, "%"))
		goto bad;
	if (whole * 10 + tenth > 1000)
		return ward_err_set(err, EINVAL, "%s: %s %s is over 100%%", c->name, key, v);
	l->unit = WARD_CLASS_PCT;
	l->v = whole * 10 + tenth;
	return 0;
bad:
	return ward_err_set(err, EINVAL, "%s: %s '%s' is not a percentage like 40%% or 12.5%%",
			    c->name, key, v);
}

/* "2G", "512M", "1048576": bytes, binary suffixes. */
static int parse_size(const struct ward_class *c, const char *key, const char *v,
		      struct ward_class_limit *l, struct ward_err **err)
{
	static const char suffixes[] = "KMGT";
	const char *p, *s;
	uint64_t n, mult = 1;

	if (parse_u64(v, &p, UINT64_MAX, &n) < 0)
		goto bad;
	if (*p) {
		s = strchr(suffixes, toupper((unsigned char)*p));
		if (!s || p[1])
			goto bad;
		mult = 1ULL << (10 * (s - suffixes + 1));
	}
	if (n > UINT64_MAX / mult)
		goto bad;
	l->unit = WARD_CLASS_BYTES;
	l->v = n * mult;
	return 0;
bad:
	return ward_err_set(err, EINVAL,
			    "%s: %s '%s' is not a percentage (40%%) or a size (512M, 2G; K M G T)",
			    c->name, key, v);
}

static int parse_int_key(const struct ward_class *c, const char *key, const char *v,
			 uint64_t lo, uint64_t hi, uint64_t *out, struct ward_err **err)
{
	const char *p;
	int r = parse_u64(v, &p, UINT64_MAX, out);

	if (r < 0 || *p)
		return ward_err_set(err, EINVAL, "%s: %s '%s' is not a whole number", c->name, key, v);
	if (*out < lo || *out > hi)
		return ward_err_set(err, EINVAL, "%s: %s %s is out of range %" PRIu64 "..%" PRIu64,
				    c->name, key, v, lo, hi);
	return 0;
}

static int set_limit(struct ward_class *c, const char *key, enum ward_class_res r,
		     enum ward_class_lim l, const char *v, struct ward_err **err)
{
	struct ward_class_limit tmp = { WARD_CLASS_UNSET, 0 };
	int rc;

	if (!v) {
		c->res[r].lim[l] = tmp;
		return 0;
	}
	if (r == WARD_CLASS_MEMORY && !strchr(v, '%'))
		rc = parse_size(c, key, v, &tmp, err);
	else
		rc = parse_pct(c, key, v, &tmp, err);
	if (rc < 0)
		return rc;
	c->res[r].lim[l] = tmp;
	return 0;
}

static int set_shares(struct ward_class *c, const char *key, enum ward_class_res r,
		      const char *v, struct ward_err **err)
{
	uint64_t n = 0;
	int rc = v ? parse_int_key(c, key, v, 1, WARD_CLASS_SHARES_MAX, &n, err) : 0;

	if (rc == 0)
		c->res[r].shares = (unsigned)n;
	return rc;
}

/* "cpu.min" -> resource and limit (or shares); -ENOENT naming what is wrong. */
static int set_res_key(struct ward_class *c, const char *key, const char *v, struct ward_err **err)
{
	const char *dot = strchr(key, '.');
	size_t len = dot ? (size_t)(dot - key) : strlen(key);

	for (int r = 0; r < WARD_CLASS_NRES; r++) {
		if (strlen(classes_res_names[r]) != len || strncmp(key, classes_res_names[r], len))
			continue;
		if (dot && !strcmp(dot + 1, "shares"))
			return set_shares(c, key, r, v, err);
		for (int l = 0; dot && l < WARD_CLASS_NLIM; l++)
			if (!strcmp(dot + 1, classes_lim_names[l]))
				return set_limit(c, key, r, l, v, err);
		return ward_err_set(err, EINVAL, "%s: unknown key '%s' (%s)", c->name, key, KEY_LIST);
	}
	if (dot && strcmp(key, "pids.max"))
		return ward_err_set(err, EINVAL, "%s: unknown resource '%.*s' in '%s' (cpu, memory, io, pids)",
				    c->name, (int)len, key, key);
	return ward_err_set(err, EINVAL, "%s: unknown key '%s' (%s)", c->name, key, KEY_LIST);
}

int classes_key_set(struct ward_class *c, const char *key, const char *value, struct ward_err **err)
{
	uint64_t n = 0;
	int r;

	if (!strcmp(key, "tier")) {
		r = value ? parse_int_key(c, key, value, 0, WARD_CLASS_TIER_MAX, &n, err) : 0;
		if (r == 0)
			c->tier = value ? (int)n : -1;
		return r;
	}
	if (!strcmp(key, "pids.max")) {
		r = value ? parse_int_key(c, key, value, 1, WARD_CLASS_PIDS_MAX, &n, err) : 0;
		if (r == 0)
			c->pids_max = (long)n;
		return r;
	}
	return set_res_key(c, key, value, err);
}

void classes_bytes_str(uint64_t v, char *buf, size_t len)
{
	static const char suffixes[] = "TGMK";

	for (int i = 0; v && i < 4; i++) {
		uint64_t unit = 1ULL << (10 * (4 - i));

		if (v % unit == 0) {
			snprintf(buf, len, "%" PRIu64 "%c", v / unit, suffixes[i]);
			return;
		}
	}
	snprintf(buf, len, "%" PRIu64, v);
}

void classes_limit_str(const struct ward_class_limit *l, char *buf, size_t len)
{
	if (l->unit == WARD_CLASS_BYTES)
		classes_bytes_str(l->v, buf, len);
	else if (l->v % 10)
		snprintf(buf, len, "%" PRIu64 ".%" PRIu64 "%%", l->v / 10, l->v % 10);
	else
		snprintf(buf, len, "%" PRIu64 "%%", l->v / 10);
}

/* The value of a resource key ("cpu.shares", "memory.min"), or NULL. */
static char *res_value(const struct ward_class *c, const char *key)
{
	char buf[64];

	for (int r = 0; r < WARD_CLASS_NRES; r++) {
		size_t len = strlen(classes_res_names[r]);

		if (strncmp(key, classes_res_names[r], len) || key[len] != '.')
			continue;
		if (!strcmp(key + len + 1, "shares"))
			return c->res[r].shares ? ward_xasprintf("%u", c->res[r].shares) : NULL;
		for (int l = 0; l < WARD_CLASS_NLIM; l++) {
			if (strcmp(key + len + 1, classes_lim_names[l]) ||
			    c->res[r].lim[l].unit == WARD_CLASS_UNSET)
				continue;
			classes_limit_str(&c->res[r].lim[l], buf, sizeof(buf));
			return ward_xstrdup(buf);
		}
	}
	return NULL;
}

char *ward_class_value(const struct ward_class *c, const char *key)
{
	if (!strcmp(key, "tier"))
		return c->tier >= 0 ? ward_xasprintf("%d", c->tier) : NULL;
	if (!strcmp(key, "pids.max"))
		return c->pids_max > 0 ? ward_xasprintf("%ld", c->pids_max) : NULL;
	return res_value(c, key);
}
