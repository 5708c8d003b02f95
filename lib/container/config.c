/* A container's editable configuration: an INI file checked against one
 * table of keys (FreeBSD jail's intparams[], LXC's config jump table). */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>

#include "container/container.h"

#define ENV_PREFIX "env."

static int check_hostname(const char *v, struct ward_err **err)
{
	size_t n = strlen(v);

	if (n == 0 || n > 63)
		return ward_err_set(err, EINVAL, "hostname must be 1 to 63 characters");
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '.'))
			return ward_err_set(err, EINVAL, "hostname '%s' may only hold letters, digits, '-' and '.'", v);
	}
	if (v[0] == '-' || v[0] == '.')
		return ward_err_set(err, EINVAL, "hostname '%s' must start with a letter or digit", v);
	return 0;
}

static int check_abspath(const char *v, struct ward_err **err)
{
	if (v[0] != '/')
		return ward_err_set(err, EINVAL, "'%s' is not an absolute path", v);
	return 0;
}

static int check_signal(const char *v, struct ward_err **err)
{
	int sig = ward_signal_parse(v);

	if (sig < 0 || sig == SIGKILL || sig == SIGSTOP)
		return ward_err_set(err, EINVAL, "'%s' is not a signal init can handle (e.g. TERM, USR2, 15)", v);
	return 0;
}

static int parse_uint(const char *v, long max, long *out)
{
	char *end;
	long n;

	if (!isdigit((unsigned char)*v))
		return -EINVAL;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || n > max)
		return -EINVAL;
	*out = n;
	return 0;
}

static int check_timeout(const char *v, struct ward_err **err)
{
	long n;

	if (parse_uint(v, 3600, &n) < 0)
		return ward_err_set(err, EINVAL, "'%s' is not a number of seconds from 0 to 3600", v);
	return 0;
}

static int check_bool(const char *v, struct ward_err **err)
{
	if (strcmp(v, "true") && strcmp(v, "false"))
		return ward_err_set(err, EINVAL, "'%s' is not true or false", v);
	return 0;
}

static int check_class(const char *v, struct ward_err **err)
{
	return ward_name_check(v, "class name", err);
}

static int check_env(const char *v, struct ward_err **err)
{
	return 0; /* anything storable (check_storable) */
}

static const struct ward_config_key keys[] = {
	{ "hostname", NULL, "host name inside the container (default: its name)", check_hostname },
	{ "init", "/sbin/init", "program started as PID 1", check_abspath },
	{ "stop.signal", "TERM", "signal that asks init to shut down cleanly", check_signal },
	{ "stop.timeout", "10", "seconds to wait after stop.signal before killing", check_timeout },
	{ "autostart", "false", "start with `ward start --autostart` at host boot", check_bool },
	{ "class", "default", "resource class the container belongs to", check_class },
	{ ENV_PREFIX "NAME", NULL, "environment variable NAME for init", check_env },
};

const struct ward_config_key *ward_config_keys(size_t *n)
{
	*n = sizeof(keys) / sizeof(keys[0]);
	return keys;
}

static bool env_key_ok(const char *key)
{
	const char *name = key + strlen(ENV_PREFIX);

	if (strncmp(key, ENV_PREFIX, strlen(ENV_PREFIX)) || !*name)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '_' ||
		      (p != name && *p >= '0' && *p <= '9')))
			return false;
	return true;
}

static const struct ward_config_key *find_key(const char *key)
{
	if (env_key_ok(key))
		return &keys[sizeof(keys) / sizeof(keys[0]) - 1];
	for (size_t i = 0; i + 1 < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(keys[i].key, key))
			return &keys[i];
	return NULL;
}

bool ward_config_known(const char *key)
{
	return find_key(key) != NULL;
}

/* What the INI file can hold and read back unchanged (inih): one line under
 * INI_LINE_MAX, no control characters (a newline would inject a key), no
 * blanks at either end (inih strips them) and no " ;" nor a leading ';' (an
 * inline comment after "key = "). */
#define INI_LINE_MAX 200

static int check_storable(const char *key, const char *v, struct ward_err **err)
{
	size_t n = strlen(v);

	if (strlen(key) + n + 4 >= INI_LINE_MAX)
		return ward_err_set(err, EINVAL, "key and value must fit in %d characters", INI_LINE_MAX - 4);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return ward_err_set(err, EINVAL, "the value holds a control character");
	if (n && (isspace((unsigned char)v[0]) || isspace((unsigned char)v[n - 1])))
		return ward_err_set(err, EINVAL, "the value must not begin or end with blanks");
	if (strstr(v, " ;") || v[0] == ';')
		return ward_err_set(err, EINVAL, "the value must not hold \" ;\" (it starts a comment)");
	return 0;
}

int ward_config_check(const char *key, const char *value, struct ward_err **err)
{
	const struct ward_config_key *k = find_key(key);
	int r;

	if (!k)
		return ward_err_set(err, EINVAL, "unknown config key '%s' (see `ward config keys`)", key);
	r = check_storable(key, value, err);
	if (r == 0)
		r = k->check(value, err);
	if (r < 0)
		ward_err_prefix(err, "bad value for %s", key);
	return r;
}

static struct ward_kv *lookup(const struct ward_config *cfg, const char *key)
{
	for (size_t i = 0; i < cfg->n; i++)
		if (!strcmp(cfg->kv[i].key, key))
			return &cfg->kv[i];
	return NULL;
}

int ward_config_set(struct ward_config *cfg, const char *key, const char *value,
		    struct ward_err **err)
{
	struct ward_kv *kv;
	int r = ward_config_check(key, value, err);

	if (r < 0)
		return r;
	kv = lookup(cfg, key);
	if (kv) {
		free(kv->value);
		kv->value = ward_xstrdup(value);
		return 0;
	}
	cfg->kv = ward_xrealloc(cfg->kv, (cfg->n + 1) * sizeof(*cfg->kv));
	cfg->kv[cfg->n].key = ward_xstrdup(key);
	cfg->kv[cfg->n].value = ward_xstrdup(value);
	cfg->n++;
	return 0;
}

int ward_config_unset(struct ward_config *cfg, const char *key, struct ward_err **err)
{
	struct ward_kv *kv;

	if (!find_key(key))
		return ward_err_set(err, EINVAL, "unknown config key '%s'", key);
	kv = lookup(cfg, key);
	if (!kv)
		return ward_err_set(err, ENOENT, "config key '%s' is not set", key);
	free(kv->key);
	free(kv->value);
	memmove(kv, kv + 1, (size_t)(cfg->kv + cfg->n - (kv + 1)) * sizeof(*kv));
	cfg->n--;
	return 0;
}

const char *ward_config_get(const struct ward_config *cfg, const char *key)
{
	struct ward_kv *kv = lookup(cfg, key);

	return kv ? kv->value : NULL;
}

const char *ward_config_value(const struct ward_config *cfg, const char *key)
{
	const struct ward_config_key *k;
	const char *v = ward_config_get(cfg, key);

	if (v)
		return v;
	k = find_key(key);
	return k ? k->def : NULL;
}

void ward_config_fini(struct ward_config *cfg)
{
	for (size_t i = 0; i < cfg->n; i++) {
		free(cfg->kv[i].key);
		free(cfg->kv[i].value);
	}
	free(cfg->kv);
	cfg->kv = NULL;
	cfg->n = 0;
}

struct parse_ctx {
	struct ward_config *cfg;
	struct ward_err **err;
	bool failed;
};

static int on_ini(void *user, const char *section, const char *key, const char *value)
{
	struct parse_ctx *c = user;

	/* inih reads on after an error: the first one is the one to report */
	if (c->failed)
		return 0;
	c->failed = true;
	if (section && *section) {
		ward_err_set(c->err, EINVAL, "config has a section [%s]; keys stand alone", section);
		return 0;
	}
	c->failed = ward_config_set(c->cfg, key, value, c->err) < 0;
	return !c->failed;
}

/* inih joins an indented line to the key above it; ward never writes one,
 * so an indented line is an editing mistake to report, not to merge. */
static int indented_line(const char *text)
{
	int line = 1;

	for (const char *p = text; *p; line++) {
		const char *end = strchrnul(p, '\n'), *q = p;

		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if (q > p && q < end && *q != '#' && *q != ';')
			return line;
		p = *end ? end + 1 : end;
	}
	return 0;
}

int ward_config_parse(const char *text, struct ward_config *cfg, struct ward_err **err)
{
	struct parse_ctx c = { cfg, err, false };
	int line = indented_line(text);

	if (line) {
		ward_config_fini(cfg);
		return ward_err_set(err, EINVAL, "config line %d: indented line (keys start in column 1)", line);
	}
	line = ini_parse_string(text, on_ini, &c);

	if (line != 0) {
		ward_config_fini(cfg);
		if (err && *err) {
			ward_err_prefix(err, "config line %d", line);
			return -(*err)->code;
		}
		return ward_err_set(err, EINVAL, "config line %d: cannot parse", line);
	}
	return 0;
}

char *ward_config_format(const struct ward_config *cfg)
{
	size_t cap = 256, used = 0;
	char *out = ward_xmalloc(cap);

	used = (size_t)snprintf(out, cap, "# ward container config: see ward(1), `ward config`\n");
	for (size_t i = 0; i < cfg->n; i++) {
		size_t need = strlen(cfg->kv[i].key) + strlen(cfg->kv[i].value) + 5;

		while (used + need >= cap)
			out = ward_xrealloc(out, cap *= 2);
		used += (size_t)snprintf(out + used, cap - used, "%s = %s\n",
					 cfg->kv[i].key, cfg->kv[i].value);
	}
	return out;
}

int ward_config_load(const char *ctdir, struct ward_config *cfg, struct ward_err **err)
{
	_cleanup_close_ int dfd = open(ctdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_free_ char *text = NULL;
	int r;

	if (dfd < 0)
		return ward_err_sys(err, errno, "cannot open %s", ctdir);
	r = ward_file_read(dfd, "config", &text, NULL, err);
	if (r < 0)
		return r;
	return ward_config_parse(text, cfg, err);
}

int ward_config_save(const char *ctdir, const struct ward_config *cfg, bool durable,
		     struct ward_err **err)
{
	_cleanup_close_ int dfd = open(ctdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_free_ char *text = ward_config_format(cfg);

	if (dfd < 0)
		return ward_err_sys(err, errno, "cannot open %s", ctdir);
	return durable ? ward_file_write_atomic(dfd, "config", text, strlen(text), 0644, err)
		       : ward_file_replace(dfd, "config", text, strlen(text), 0644, err);
}
