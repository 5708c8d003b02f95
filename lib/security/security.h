/* lib/security: what confines a process about to run inside a container. */
#pragma once

#include "common/common.h"

/* Closes every fd >= lowfd, so no host file, socket or directory leaks into
 * a container process (DESIGN principle 7: only fds 0-2 cross into it). */
int ward_sec_close_fds(int lowfd, struct ward_err **err);

/* Closes every fd >= 3 except the n listed: what a process hands across an
 * exec keeps exactly what it means to. */
int ward_sec_close_fds_except(const int *keep, size_t n, struct ward_err **err);

/* Kills the caller with SIGKILL when its parent (the monitor) dies, so a
 * container can never outlive the process that owns its teardown. The caller
 * proves the parent is still there afterwards (its sync socket is open). */
int ward_sec_die_with_parent(struct ward_err **err);
