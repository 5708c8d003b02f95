/* Scope-bound cleanup for memory, fds and streams, plus explicit ownership moves.
 * Every cleanup function is NULL/-1 safe and preserves errno, so it can run on
 * any error path without disturbing the error being reported. */
#pragma once

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void ward_freep(void *p)
{
	int saved = errno;
	free(*(void **)p);
	errno = saved;
}

static inline void ward_closep(int *fd)
{
	int saved = errno;
	if (*fd >= 0)
		close(*fd);
	errno = saved;
}

static inline void ward_fclosep(FILE **f)
{
	int saved = errno;
	if (*f)
		fclose(*f);
	errno = saved;
}

static inline void ward_closedirp(DIR **d)
{
	int saved = errno;
	if (*d)
		closedir(*d);
	errno = saved;
}

#define _cleanup_free_ _cleanup_(ward_freep)
#define _cleanup_close_ _cleanup_(ward_closep)
#define _cleanup_fclose_ _cleanup_(ward_fclosep)
#define _cleanup_closedir_ _cleanup_(ward_closedirp)

/* Hand ownership on: returns the value and leaves the variable empty so the
 * cleanup attribute does nothing. */
#define TAKE_PTR(p)                                                            \
	({                                                                     \
		__typeof__(p) _tp = (p);                                       \
		(p) = NULL;                                                    \
		_tp;                                                           \
	})
#define TAKE_FD(fd)                                                            \
	({                                                                     \
		int _tf = (fd);                                                \
		(fd) = -1;                                                     \
		_tf;                                                           \
	})
