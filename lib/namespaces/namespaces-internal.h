/* Shared inside lib/namespaces only. */
#pragma once

#include "namespaces/namespaces.h"

/* Masks and read-only binds over the fresh /proc and /sys below rootfd
 * (masks.c); called before pivot_root, on fds opened without following
 * symlinks. */
int ns_masks_apply(int rootfd, struct ward_err **err);
