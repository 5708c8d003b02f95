/* lib/container: the container model (config keys, state store, intent
 * record), its lifecycle (create/start/stop/exec/destroy) and the monitor. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "common/common.h"

/* ---- templates (template.c, template-tar.c) ------------------------------ */

/* What a template tells the container about itself once installed. */
struct ward_template_info {
	int stop_signal;   /* signal its init obeys for a clean halt; 0 = SIGTERM */
	char init[256];    /* path of init inside the rootfs, "" = /sbin/init */
};

/* Fills the empty directory rootfs_fd from a template spec:
 *   "busybox" or NAME  a data template (embedded, or NAME.ini in the template
 *                      directory $WARD_TEMPLATES or the installed one)
 *   "dir:PATH"         a copy of a host directory
 *   "tar:PATH"         a tarball (plain, gz, xz or zst), extracted safely:
 *                      entries with "..", absolute paths, or links leaving
 *                      the rootfs are refused
 * On failure the caller removes what was written. */
int ward_template_install(const char *spec, int rootfs_fd,
			  struct ward_template_info *info, struct ward_err **err);
