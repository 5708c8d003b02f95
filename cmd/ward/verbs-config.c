/* ward config get|set|unset|keys. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd/ward/classes.h"

static const char config_help[] =
	"usage: ward config get NAME KEY\n"
	"       ward config set NAME KEY=VALUE...\n"
	"       ward config unset NAME KEY...\n"
	"       ward config keys\n";

static int fail(struct verb_ctx *v, struct ward_err *err)
{
	int r = report(v, err);

	ward_err_free(err);
	return r;
}

static int config_get(struct verb_ctx *v, const char *name, const char *key)
{
	struct ward_err *err = NULL;
	struct ward_ct_info i;
	const char *val;

	if (!ward_config_known(key)) {
		ward_err_set(&err, EINVAL, "unknown config key '%s' (see `ward config keys`)", key);
		return fail(v, err);
	}
	if (ward_ct_info(&v->host, name, &i, &err) < 0)
		return fail(v, err);
	val = ward_config_value(&i.config, key);
	if (!val && !strcmp(key, "hostname"))
		val = name;
	if (val)
		printf("%s\n", val);
	ward_ct_info_fini(&i);
	return 0;
}

/* All pairs are checked before any is written: a bad one changes nothing. */
static int config_set(struct verb_ctx *v, const char *name, int n, char **pairs)
{
	struct ward_err *err = NULL;

	for (int i = 0; i < n; i++) {
		char *eq = strchr(pairs[i], '=');
		if (!eq)
			return usage_error(v, "'%s' is not KEY=VALUE", pairs[i]);
		*eq = '\0';
		if (ward_config_check(pairs[i], eq + 1, &err) < 0)
			return fail(v, err);
		*eq = '=';
	}
	for (int i = 0; i < n; i++) {
		char *eq = strchr(pairs[i], '=');
		int r;

		*eq = '\0';
		/* a class must exist and have its cgroup: the change is live */
		r = strcmp(pairs[i], "class") ? 0 : classes_prepare(v, eq + 1, &err);
		if (r == 0)
			r = ward_ct_config_update(&v->host, name, pairs[i], eq + 1, &err);
		if (r < 0)
			return fail(v, err);
	}
	return 0;
}

static int config_unset(struct verb_ctx *v, const char *name, int n, char **keys)
{
	struct ward_err *err = NULL;

	for (int i = 0; i < n; i++)
		if (ward_ct_config_update(&v->host, name, keys[i], NULL, &err) < 0)
			return fail(v, err);
	return 0;
}

static int config_keys(void)
{
	size_t n;
	const struct ward_config_key *k = ward_config_keys(&n);

	printf("%-14s %-12s %s\n", "KEY", "DEFAULT", "MEANING");
	for (size_t i = 0; i < n; i++)
		printf("%-14s %-12s %s\n", k[i].key, k[i].def ? k[i].def : "-", k[i].help);
	return 0;
}

int cmd_config(struct verb_ctx *v, int argc, char **argv)
{
	struct ward_err *err = NULL;
	const char *sub = argc > 1 ? argv[1] : "";

	if (want_help(argc, argv, config_help))
		return 0;
	if (!strcmp(sub, "keys"))
		return argc == 2 ? config_keys() : usage_error(v, "config keys takes no arguments");
	if (argc < 4)
		return usage_error(v, "expected config get|set|unset NAME KEY[=VALUE]");
	if (ward_name_check(argv[2], "container name", &err) < 0)
		return fail(v, err);
	if (!strcmp(sub, "get"))
		return argc == 4 ? config_get(v, argv[2], argv[3]) : usage_error(v, "config get takes one KEY");
	if (!strcmp(sub, "set"))
		return config_set(v, argv[2], argc - 3, argv + 3);
	if (!strcmp(sub, "unset"))
		return config_unset(v, argv[2], argc - 3, argv + 3);
	return usage_error(v, "unknown config action '%s'", sub);
}
