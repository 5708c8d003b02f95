/* The one place ward prints errors, and the helpers every verb shares. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd/ward/ward.h"

int report(const struct verb_ctx *v, struct ward_err *err)
{
	int code = err ? err->code : EIO;

	fprintf(stderr, "ward: %s: %s\n", v->verb, err ? err->msg : "failed");
	switch (code) {
	case EINVAL:
	case ENAMETOOLONG:
		return WARD_EXIT_USAGE;
	case ENOENT:
		return WARD_EXIT_NOTFOUND;
	case EEXIST:
	case EBUSY:
	case EALREADY:
	case ESRCH:
	case EWOULDBLOCK:
		return WARD_EXIT_STATE;
	case EPERM:
	case EACCES:
		return WARD_EXIT_NOROOT;
	default:
		return WARD_EXIT_FAIL;
	}
}

int usage_error(const struct verb_ctx *v, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ward: %s: ", v->verb);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see `ward %s --help`)\n", v->verb);
	return WARD_EXIT_USAGE;
}

bool want_help(int argc, char **argv, const char *help)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(help, stdout);
			return true;
		}
	return false;
}

int parse_format(const struct verb_ctx *v, const char *arg, bool *json)
{
	if (!strcmp(arg, "json"))
		*json = true;
	else if (!strcmp(arg, "table"))
		*json = false;
	else
		return usage_error(v, "unknown format '%s': use json or table", arg);
	return 0;
}
