/* cmd/ward: the interface. Parses, asks, calls lib/, prints once, exits. */
#pragma once

#include <stdbool.h>

#include "container/container.h"

/* Exit codes, documented in ward(1) EXIT STATUS. */
enum {
	WARD_EXIT_OK = 0,
	WARD_EXIT_FAIL = 1,      /* the operation failed */
	WARD_EXIT_USAGE = 2,     /* bad arguments, names, keys or values */
	WARD_EXIT_NOTFOUND = 3,  /* no such container */
	WARD_EXIT_STATE = 4,     /* exists already, running, not running, busy */
	WARD_EXIT_NOROOT = 5,    /* needs root */
	WARD_EXIT_EXEC = 125,    /* exec/run: ward itself failed */
};

struct verb_ctx {
	struct ward_host host;
	const char *verb; /* for messages: "start", "config set" */
};

/* Prints "ward: <msg>" once and maps the error to an exit code. */
int report(const struct verb_ctx *v, struct ward_err *err);
/* Prints a usage error for the verb. */
int usage_error(const struct verb_ctx *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Whether --help/-h was asked for: prints the verb's help and returns true. */
bool want_help(int argc, char **argv, const char *help);
/* Parses "--format json|table"; returns true for json. */
int parse_format(const struct verb_ctx *v, const char *arg, bool *json);

int cmd_create(struct verb_ctx *v, int argc, char **argv);
int cmd_start(struct verb_ctx *v, int argc, char **argv);
int cmd_stop(struct verb_ctx *v, int argc, char **argv);
int cmd_restart(struct verb_ctx *v, int argc, char **argv);
int cmd_destroy(struct verb_ctx *v, int argc, char **argv);
int cmd_run(struct verb_ctx *v, int argc, char **argv);
int cmd_gc(struct verb_ctx *v, int argc, char **argv);
int cmd_ls(struct verb_ctx *v, int argc, char **argv);
int cmd_info(struct verb_ctx *v, int argc, char **argv);
int cmd_config(struct verb_ctx *v, int argc, char **argv);
int cmd_exec(struct verb_ctx *v, int argc, char **argv);
int cmd_console(struct verb_ctx *v, int argc, char **argv);
int cmd_class(struct verb_ctx *v, int argc, char **argv);
int cmd_stat(struct verb_ctx *v, int argc, char **argv);
