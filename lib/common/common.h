/* lib/common: the error model, file and path helpers, locks and names shared by
 * every other module. No module below this one; nothing here prints or exits. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/cleanup.h"

#define WARD_ERR_MSG_MAX 1024

/* One error: the negative errno-style code returned alongside it and a message
 * written where the failure happened ("cannot write cgroup.procs in ..."). */
struct ward_err {
	int code; /* positive errno value */
	char msg[WARD_ERR_MSG_MAX];
};

/* Records an error (if err is non-NULL and still empty) and returns -code so a
 * caller can write `return ward_err_set(err, EINVAL, "...")`. */
int ward_err_set(struct ward_err **err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like ward_err_set, appending ": strerror(code)" to the message. */
int ward_err_sys(struct ward_err **err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Adds context in front of an existing message ("starting web1: ..."), so a
 * caller can say what it was doing without losing the cause. */
void ward_err_prefix(struct ward_err **err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void ward_err_free(struct ward_err *e);
static inline void ward_err_freep(struct ward_err **e)
{
	ward_err_free(*e);
	*e = NULL;
}
#define _cleanup_err_ _cleanup_(ward_err_freep)

/* Out of memory is not an error ward reports: it aborts (DESIGN "Errors"). */
void *ward_xmalloc(size_t n);
void *ward_xcalloc(size_t n, size_t size);
void *ward_xrealloc(void *p, size_t n);
char *ward_xstrdup(const char *s);
char *ward_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Writes a whole file atomically: temp file, fsync, rename, fsync of the
 * directory. A crash leaves either the old or the new content, never a mix. */
int ward_file_write_atomic(int dirfd, const char *name, const void *buf,
			   size_t len, mode_t mode, struct ward_err **err);

/* The same without the fsyncs: readers still see old or new, never a mix,
 * but a host crash may lose the file. For records of volatile kernel objects
 * (the run dir), which a host crash removes anyway, and ephemeral containers. */
int ward_file_replace(int dirfd, const char *name, const void *buf,
		      size_t len, mode_t mode, struct ward_err **err);

/* Whole reads and writes on an fd, retrying short transfers and EINTR;
 * -errno on failure (the caller names the file in its message). */
int ward_fd_read_all(int fd, char **out, size_t *len);
int ward_fd_write_all(int fd, const void *buf, size_t len);

/* Reads a whole (small) file into a NUL-terminated buffer. */
int ward_file_read(int dirfd, const char *name, char **out, size_t *len,
		   struct ward_err **err);

/* Writes a short string to an existing file (cgroup knobs, /proc files). */
int ward_file_write_str(int dirfd, const char *name, const char *s,
			struct ward_err **err);

/* mkdir -p relative to dirfd (AT_FDCWD for absolute paths); existing
 * directories are fine. */
int ward_mkdir_p(int dirfd, const char *path, mode_t mode, struct ward_err **err);

/* Removes a directory tree without following symlinks out of it and without
 * crossing mount points; tolerates a missing tree. Used for rootfs removal. */
int ward_rm_rf_at(int dirfd, const char *name, struct ward_err **err);

/* Takes an exclusive flock on path (created if missing) and returns the fd;
 * with wait false, a held lock fails with -EWOULDBLOCK. */
int ward_lock_take(const char *path, bool wait, struct ward_err **err);

#define WARD_NAME_MAX 64

/* Container, class and network names: 1..64 of [a-z0-9_.-], not starting
 * with '.' or '-' (hidden from listings, or read as an option).
 * `what` names the kind of object in the message ("container name"). */
int ward_name_check(const char *name, const char *what, struct ward_err **err);

/* Parses a signal given as "TERM", "SIGTERM" or a number; -EINVAL otherwise. */
int ward_signal_parse(const char *s);
/* The name without SIG for a signal number, or NULL. */
const char *ward_signal_name(int sig);

/* Copies the contents of directory src_dirfd into the (existing, empty)
 * directory dst_dirfd: regular files (copy_file_range, reflink where the fs
 * can), directories, symlinks (verbatim, never followed), device nodes, fifos
 * and sockets, hard links kept as links; mode, owner, times and xattrs kept.
 * Never crosses into another mount of the source. Used by dir: templates and clone. */
int ward_copy_tree(int src_dirfd, int dst_dirfd, struct ward_err **err);
