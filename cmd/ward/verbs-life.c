/* Lifecycle verbs: create, start, stop, restart, destroy, run, gc. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/ward/classes.h"

/* Exactly one NAME operand, checked before anything happens. */
static int one_name(struct verb_ctx *v, int argc, char **argv, const char **name)
{
	struct ward_err *err = NULL;

	if (argc - optind != 1)
		return usage_error(v, "expected one container NAME");
	*name = argv[optind];
	if (ward_name_check(*name, "container name", &err) < 0) {
		int r = report(v, err);
		ward_err_free(err);
		return r;
	}
	return 0;
}

/* Reports and frees err; call it after the call that fills err has run
 * (never as done(v, f(&err), err): argument order is unspecified in C). */
static int done(struct verb_ctx *v, int r, struct ward_err *err)
{
	int code = r < 0 ? report(v, err) : 0;

	ward_err_free(err);
	return code;
}

/* --config KEY=VALUE options collect into a config, checked as they come. */
static int add_kv(struct verb_ctx *v, struct ward_config *cfg, const char *key, const char *arg)
{
	_cleanup_free_ char *k = ward_xstrdup(key ? key : arg);
	struct ward_err *err = NULL;
	char *eq = key ? NULL : strchr(k, '=');
	const char *val = key ? arg : (eq ? eq + 1 : NULL);

	if (!key && !eq)
		return usage_error(v, "'%s' is not KEY=VALUE", arg);
	if (eq)
		*eq = '\0';
	if (ward_config_set(cfg, k, val, &err) < 0)
		return done(v, -1, err);
	return 0;
}

static const char create_help[] =
	"usage: ward create NAME [--template busybox|NAME|dir:PATH|tar:FILE] [--class CLASS]\n"
	"                        [--config KEY=VALUE]...\n";

int cmd_create(struct verb_ctx *v, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "template", required_argument, NULL, 't' }, { "class", required_argument, NULL, 'c' },
		{ "config", required_argument, NULL, 'k' },   { NULL, 0, NULL, 0 },
	};
	struct ward_create_opts o = { 0 };
	struct ward_config cfg = { 0 };
	struct ward_err *err = NULL;
	const char *name;
	int c, r = 0;

	if (want_help(argc, argv, create_help))
		return 0;
	while (r == 0 && (c = getopt_long(argc, argv, "t:", opts, NULL)) != -1) {
		if (c == 't')
			o.template = optarg;
		else if (c == 'c')
			r = add_kv(v, &cfg, "class", optarg);
		else if (c == 'k')
			r = add_kv(v, &cfg, NULL, optarg);
		else
			r = usage_error(v, "unknown option");
	}
	if (r == 0)
		r = one_name(v, argc, argv, &name);
	if (r == 0) {
		o.config = &cfg;
		r = classes_resolve_new(v, &cfg, name, o.template, &err);
		if (r == 0)
			r = ward_ct_create(&v->host, name, &o, &err);
		r = done(v, r, err);
	}
	ward_config_fini(&cfg);
	return r;
}

static int start_autostart(struct verb_ctx *v)
{
	char **names = NULL;
	size_t n = 0;
	struct ward_err *err = NULL;
	int rc = 0;

	if (ward_ct_list(&v->host, &names, &n, &err) < 0)
		return done(v, -1, err);
	for (size_t i = 0; i < n; i++) {
		struct ward_ct_info info;
		const char *a;

		if (ward_ct_info(&v->host, names[i], &info, NULL) < 0)
			continue;
		a = ward_config_value(&info.config, "autostart");
		if (info.status == WARD_CT_STOPPED && a && !strcmp(a, "true") && !info.state.ephemeral) {
			int r = classes_prepare_ct(v, names[i], &err);

			if (r == 0)
				r = ward_ct_start(&v->host, names[i], &err);

			r = done(v, r, err);
			err = NULL;
			if (r && !rc)
				rc = r;
		}
		ward_ct_info_fini(&info);
	}
	ward_strv_free(names);
	return rc;
}

static const char start_help[] = "usage: ward start NAME...\n       ward start --autostart\n";

int cmd_start(struct verb_ctx *v, int argc, char **argv)
{
	static const struct option opts[] = { { "autostart", no_argument, NULL, 'a' }, { NULL, 0, NULL, 0 } };
	bool autostart = false;
	int c, rc = 0;

	if (want_help(argc, argv, start_help))
		return 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'a')
			return usage_error(v, "unknown option");
		autostart = true;
	}
	if (autostart)
		return optind == argc ? start_autostart(v) : usage_error(v, "--autostart takes no NAME");
	if (optind == argc)
		return usage_error(v, "expected a container NAME");
	for (int i = optind; i < argc; i++) {
		struct ward_err *err = NULL;
		int r = ward_name_check(argv[i], "container name", &err);

		if (r == 0)
			r = classes_prepare_ct(v, argv[i], &err);
		if (r == 0)
			r = ward_ct_start(&v->host, argv[i], &err);
		r = done(v, r, err);
		if (r && !rc)
			rc = r;
	}
	return rc;
}

static int parse_stop(struct verb_ctx *v, int argc, char **argv, struct ward_stop_opts *o)
{
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, 't' }, { "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	o->timeout = -1;
	o->force = false;
	while ((c = getopt_long(argc, argv, "t:f", opts, NULL)) != -1) {
		if (c == 'f') {
			o->force = true;
			continue;
		}
		if (c != 't')
			return usage_error(v, "unknown option");
		errno = 0;
		o->timeout = (int)strtol(optarg, &end, 10);
		if (errno || *end || !*optarg || o->timeout < 0 || o->timeout > 3600)
			return usage_error(v, "--timeout '%s' is not a number of seconds from 0 to 3600", optarg);
	}
	return 0;
}

static const char stop_help[] = "usage: ward stop NAME [--timeout SECONDS] [--force]\n";

int cmd_stop(struct verb_ctx *v, int argc, char **argv)
{
	struct ward_stop_opts o;
	struct ward_err *err = NULL;
	const char *name;
	int r;

	if (want_help(argc, argv, stop_help))
		return 0;
	r = parse_stop(v, argc, argv, &o);
	if (r == 0)
		r = one_name(v, argc, argv, &name);
	if (r == 0) {
		r = ward_ct_stop(&v->host, name, &o, &err);
		r = done(v, r, err);
	}
	return r;
}

static const char restart_help[] = "usage: ward restart NAME [--timeout SECONDS] [--force]\n";

int cmd_restart(struct verb_ctx *v, int argc, char **argv)
{
	struct ward_stop_opts o;
	struct ward_err *err = NULL;
	const char *name;
	int r;

	if (want_help(argc, argv, restart_help))
		return 0;
	r = parse_stop(v, argc, argv, &o);
	if (r == 0)
		r = one_name(v, argc, argv, &name);
	if (r)
		return r;
	r = ward_ct_stop(&v->host, name, &o, &err);
	if (r == -ESRCH) { /* not running: restart is then a start */
		ward_err_free(err);
		err = NULL;
		r = 0;
	}
	if (r == 0)
		r = classes_prepare_ct(v, name, &err);
	if (r == 0)
		r = ward_ct_start(&v->host, name, &err);
	return done(v, r, err);
}

static const char destroy_help[] = "usage: ward destroy NAME [--force]\n";

int cmd_destroy(struct verb_ctx *v, int argc, char **argv)
{
	static const struct option opts[] = { { "force", no_argument, NULL, 'f' }, { NULL, 0, NULL, 0 } };
	struct ward_err *err = NULL;
	bool force = false;
	const char *name;
	int c, r;

	if (want_help(argc, argv, destroy_help))
		return 0;
	while ((c = getopt_long(argc, argv, "f", opts, NULL)) != -1) {
		if (c != 'f')
			return usage_error(v, "unknown option");
		force = true;
	}
	r = one_name(v, argc, argv, &name);
	if (r == 0) {
		r = ward_ct_destroy(&v->host, name, force, &err);
		r = done(v, r, err);
	}
	return r;
}

static const char gc_help[] = "usage: ward gc\n";

int cmd_gc(struct verb_ctx *v, int argc, char **argv)
{
	struct ward_err *err = NULL;
	int cleaned = 0, r;

	if (want_help(argc, argv, gc_help))
		return 0;
	if (argc > 1)
		return usage_error(v, "gc takes no arguments");
	r = ward_ct_gc(&v->host, &cleaned, &err);
	if (cleaned)
		printf("released %d abandoned container%s\n", cleaned, cleaned == 1 ? "" : "s");
	return done(v, r, err);
}
