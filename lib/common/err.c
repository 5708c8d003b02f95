/* The error model: one heap-allocated ward_err filled where a failure happens. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"

static void __attribute__((format(printf, 4, 0)))
verr(struct ward_err **err, int code, bool sys, const char *fmt, va_list ap)
{
	struct ward_err *e;
	size_t n;

	if (!err || *err)
		return; /* keep the first, innermost cause */
	e = ward_xcalloc(1, sizeof(*e));
	e->code = code;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	n = strlen(e->msg);
	if (sys && n < sizeof(e->msg))
		snprintf(e->msg + n, sizeof(e->msg) - n, ": %s", strerror(code));
	*err = e;
}

int ward_err_set(struct ward_err **err, int code, const char *fmt, ...)
{
	va_list ap;

	if (code < 0)
		code = -code;
	va_start(ap, fmt);
	verr(err, code, false, fmt, ap);
	va_end(ap);
	return -code;
}

int ward_err_sys(struct ward_err **err, int code, const char *fmt, ...)
{
	va_list ap;

	if (code < 0)
		code = -code;
	va_start(ap, fmt);
	verr(err, code, true, fmt, ap);
	va_end(ap);
	return -code;
}

void ward_err_prefix(struct ward_err **err, const char *fmt, ...)
{
	char tmp[WARD_ERR_MSG_MAX];
	size_t n;
	va_list ap;

	if (!err || !*err)
		return;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	n = strlen(tmp);
	/* the cause is kept whole as far as room allows; the message is cut last */
	if (n + 2 < sizeof(tmp)) {
		memcpy(tmp + n, ": ", 2);
		n += 2;
		size_t m = strnlen((*err)->msg, sizeof(tmp) - n - 1);
		memcpy(tmp + n, (*err)->msg, m);
		tmp[n + m] = '\0';
	}
	memcpy((*err)->msg, tmp, sizeof(tmp));
}

void ward_err_free(struct ward_err *e)
{
	free(e);
}

void *ward_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		abort();
	return p;
}

void *ward_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		abort();
	return p;
}

void *ward_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		abort();
	return p;
}

char *ward_xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		abort();
	return p;
}

char *ward_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (r < 0)
		abort();
	return p;
}
