/* Verbs that run commands: exec, console, run. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/ward/classes.h"

static const char exec_help[] =
	"usage: ward exec [-t] [-e NAME=VALUE]... NAME -- COMMAND [ARG]...\n"
	"The exit status is the command's; 125: ward failed, 126: COMMAND is not\n"
	"executable, 127: COMMAND was not found in the container.\n";

int cmd_exec(struct verb_ctx *v, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tty", no_argument, NULL, 't' }, { "env", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	struct ward_exec_opts o = { 0 };
	struct ward_err *err = NULL;
	char *env[65] = { NULL };
	int c, nenv = 0, status = -1, r;
	const char *name;

	if (want_help(argc, argv, exec_help))
		return 0;
	while ((c = getopt_long(argc, argv, "+te:", opts, NULL)) != -1) {
		if (c == 't')
			o.tty = true;
		else if (c == 'e' && strchr(optarg, '=') && optarg[0] != '=' && nenv < 64)
			env[nenv++] = optarg;
		else
			return usage_error(v, c == 'e' ? "-e wants NAME=VALUE (at most 64)" : "unknown option");
	}
	if (optind >= argc)
		return usage_error(v, "expected a container NAME");
	name = argv[optind++];
	if (optind < argc && !strcmp(argv[optind], "--"))
		optind++;
	if (optind >= argc)
		return usage_error(v, "expected a COMMAND after the NAME");
	o.argv = argv + optind;
	o.env = env;
	r = ward_name_check(name, "container name", &err);
	if (r == 0)
		r = ward_ct_exec(&v->host, name, &o, &status, &err);
	if (r < 0) {
		r = report(v, err);
		ward_err_free(err);
		if (status >= 126) /* the command could not be executed */
			return status;
		return r == WARD_EXIT_FAIL ? WARD_EXIT_EXEC : r;
	}
	return status;
}

static const char console_help[] =
	"usage: ward console NAME\n"
	"Attaches to the container's console; Ctrl-] detaches. Without a terminal,\n"
	"stdin is sent to the console and output is copied until stdin ends.\n";

int cmd_console(struct verb_ctx *v, int argc, char **argv)
{
	struct ward_err *err = NULL;
	int r;

	if (want_help(argc, argv, console_help))
		return 0;
	if (argc != 2 || argv[1][0] == '-')
		return usage_error(v, "expected one container NAME");
	r = ward_name_check(argv[1], "container name", &err);
	if (r == 0 && isatty(STDIN_FILENO))
		fprintf(stderr, "ward: connecting to the console of %s; Ctrl-] detaches\r\n", argv[1]);
	if (r == 0)
		r = ward_ct_console(&v->host, argv[1], &err);
	if (r < 0) {
		r = report(v, err);
		ward_err_free(err);
		return r;
	}
	return 0;
}

static const char run_help[] =
	"usage: ward run [--rm] [--name NAME] [--template T] [--config KEY=VALUE]... -- COMMAND [ARG]...\n"
	"Creates a container, runs COMMAND as its init with ward's stdio, waits for it\n"
	"and, with --rm, destroys it. The exit status is the command's (125: ward failed).\n";

struct run_args {
	bool rm;
	const char *name;
	struct ward_create_opts create;
	struct ward_config cfg;
};

static int parse_run(struct verb_ctx *v, int argc, char **argv, struct run_args *a)
{
	static const struct option opts[] = {
		{ "rm", no_argument, NULL, 'r' },	     { "name", required_argument, NULL, 'n' },
		{ "template", required_argument, NULL, 't' }, { "config", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	struct ward_err *err = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		char *eq = c == 'k' ? strchr(optarg, '=') : NULL;

		if (c == 'r')
			a->rm = true;
		else if (c == 'n')
			a->name = optarg;
		else if (c == 't')
			a->create.template = optarg;
		else if (c == 'k' && eq) {
			*eq = '\0';
			if (ward_config_set(&a->cfg, optarg, eq + 1, &err) < 0) {
				c = report(v, err);
				ward_err_free(err);
				return c;
			}
		} else
			return usage_error(v, c == 'k' ? "--config wants KEY=VALUE" : "unknown option");
	}
	if (optind >= argc)
		return usage_error(v, "expected a COMMAND");
	return 0;
}

int cmd_run(struct verb_ctx *v, int argc, char **argv)
{
	struct run_args a = { 0 };
	struct ward_run_opts ro = { .lockfd = -1 };
	struct ward_err *err = NULL;
	char auto_name[32];
	int r, status = -1;

	if (want_help(argc, argv, run_help))
		return 0;
	r = parse_run(v, argc, argv, &a);
	if (r) {
		ward_config_fini(&a.cfg);
		return r;
	}
	if (!a.name) {
		snprintf(auto_name, sizeof(auto_name), "run-%d", (int)getpid());
		a.name = auto_name;
	}
	a.create.config = &a.cfg;
	a.create.ephemeral = a.rm;
	a.create.hold_lock = &ro.lockfd;
	ro.argv = argv + optind;
	r = classes_resolve_new(v, &a.cfg, a.name, a.create.template, &err);
	if (r == 0)
		r = classes_prepare(v, ward_config_value(&a.cfg, "class"), &err);
	if (r == 0)
		r = ward_ct_create(&v->host, a.name, &a.create, &err);
	if (r == 0)
		r = ward_ct_run(&v->host, a.name, &ro, &status, &err);
	if (r < 0) {
		int code = report(v, err);

		if (status < 126) /* not a command that could not be executed */
			status = code == WARD_EXIT_FAIL ? WARD_EXIT_EXEC : code;
		ward_err_free(err);
		err = NULL;
	}
	/* ENOENT: a concurrent gc removed the finished ephemeral container */
	if (a.rm && r != -EEXIST &&
	    ward_ct_destroy(&v->host, a.name, true, &err) < 0 && err->code != ENOENT)
		report(v, err);
	ward_err_free(err);
	ward_config_fini(&a.cfg);
	return status;
}
