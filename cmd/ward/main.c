/* ward: OS-level containers. The verb table and global options. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/ward/ward.h"

struct verb {
	const char *name;
	int (*fn)(struct verb_ctx *v, int argc, char **argv);
	bool needs_root;
	const char *summary;
};

static const struct verb verbs[] = {
	{ "create", cmd_create, true, "create a container from a template" },
	{ "start", cmd_start, true, "boot a container (or --autostart: all marked autostart)" },
	{ "stop", cmd_stop, true, "halt a container: stop.signal, wait, then kill" },
	{ "restart", cmd_restart, true, "stop, then start" },
	{ "exec", cmd_exec, true, "run a command inside a running container" },
	{ "console", cmd_console, true, "attach to a container's console (Ctrl-] detaches)" },
	{ "ls", cmd_ls, true, "list containers" },
	{ "list", cmd_ls, true, NULL },
	{ "info", cmd_info, true, "show one container" },
	{ "config", cmd_config, true, "get, set, unset or list config keys" },
	{ "run", cmd_run, true, "create, start, wait and (with --rm) destroy, in one go" },
	{ "destroy", cmd_destroy, true, "remove a container" },
	{ "gc", cmd_gc, true, "release what crashed commands left behind" },
	{ "class", cmd_class, true, "resource classes: create, set, ls, show, rm, check, apply, assign, rule" },
	{ "stat", cmd_stat, true, "CPU, memory, pids and I/O per container and class, against targets and limits" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: ward [--root DIR] [--run DIR] VERB [OPTIONS] ARGS\n\nverbs:\n");
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (verbs[i].summary)
			fprintf(f, "  %-9s %s\n", verbs[i].name, verbs[i].summary);
	fprintf(f, "\n`ward VERB --help` for a verb's options; ward(1) for everything.\n");
}

static const struct verb *find_verb(const char *name)
{
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(verbs[i].name, name))
			return &verbs[i];
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'R' }, { "run", required_argument, NULL, 'U' },
		{ "version", no_argument, NULL, 'V' },    { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = NULL, *run = NULL;
	struct verb_ctx v = { 0 };
	const struct verb *verb;
	int c, r;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'R': root = optarg; break;
		case 'U': run = optarg; break;
		case 'V': printf("ward %s\n", WARD_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return WARD_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return WARD_EXIT_USAGE;
	}
	if (!strcmp(argv[optind], "help")) {
		usage(stdout);
		return 0;
	}
	verb = find_verb(argv[optind]);
	if (!verb) {
		fprintf(stderr, "ward: unknown verb '%s' (see `ward help`)\n", argv[optind]);
		return WARD_EXIT_USAGE;
	}
	v.verb = verb->name;
	argc -= optind;
	argv += optind;
	optind = 0; /* the verb parses from its own argv[0] */
	if (verb->needs_root && geteuid() != 0 && !(argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))) {
		fprintf(stderr, "ward: %s: ward needs root (run it with sudo; delegation to "
				"sub-administrators is not available yet)\n", verb->name);
		return WARD_EXIT_NOROOT;
	}
	ward_host_init(&v.host, root, run);
	r = verb->fn(&v, argc, argv);
	ward_host_fini(&v.host);
	return r;
}
