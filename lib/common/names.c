/* Names and signals: the pure checks every verb applies to user input. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/common.h"

int ward_name_check(const char *name, const char *what, struct ward_err **err)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0)
		return ward_err_set(err, EINVAL, "%s must not be empty", what);
	if (n > WARD_NAME_MAX)
		return ward_err_set(err, EINVAL, "%s '%.70s...' is longer than %d characters",
				    what, name, WARD_NAME_MAX);
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return ward_err_set(err, EINVAL, "%s must not be '%s'", what, name);
	/* a leading '.' would hide it from listings, a leading '-' reads as an option */
	if (name[0] == '.' || name[0] == '-')
		return ward_err_set(err, EINVAL, "%s '%s' must start with a letter, digit or '_'", what, name);
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
		    c == '.' || c == '-')
			continue;
		return ward_err_set(err, EINVAL,
				    "%s '%s' has a character outside [a-z0-9_.-] at position %zu",
				    what, name, i + 1);
	}
	return 0;
}

static const struct {
	int sig;
	const char *name;
} signals[] = {
	{ SIGHUP, "HUP" },   { SIGINT, "INT" },	    { SIGQUIT, "QUIT" },
	{ SIGILL, "ILL" },   { SIGTRAP, "TRAP" },   { SIGABRT, "ABRT" },
	{ SIGBUS, "BUS" },   { SIGFPE, "FPE" },	    { SIGKILL, "KILL" },
	{ SIGUSR1, "USR1" }, { SIGSEGV, "SEGV" },   { SIGUSR2, "USR2" },
	{ SIGPIPE, "PIPE" }, { SIGALRM, "ALRM" },   { SIGTERM, "TERM" },
	{ SIGCHLD, "CHLD" }, { SIGCONT, "CONT" },   { SIGSTOP, "STOP" },
	{ SIGTSTP, "TSTP" }, { SIGTTIN, "TTIN" },   { SIGTTOU, "TTOU" },
	{ SIGURG, "URG" },   { SIGXCPU, "XCPU" },   { SIGXFSZ, "XFSZ" },
	{ SIGVTALRM, "VTALRM" }, { SIGPROF, "PROF" }, { SIGWINCH, "WINCH" },
	{ SIGIO, "IO" },     { SIGPWR, "PWR" },	    { SIGSYS, "SYS" },
};

int ward_signal_parse(const char *s)
{
	char *end;
	long v;

	if (!s || !*s)
		return -EINVAL;
	if (s[0] >= '0' && s[0] <= '9') {
		errno = 0;
		v = strtol(s, &end, 10);
		if (errno || *end || v < 1 || v >= SIGRTMIN)
			return -EINVAL;
		return (int)v;
	}
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (!strcasecmp(s, signals[i].name))
			return signals[i].sig;
	return -EINVAL;
}

const char *ward_signal_name(int sig)
{
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (signals[i].sig == sig)
			return signals[i].name;
	return NULL;
}
