/* Shared by the template installers (template.c, template-ini.c,
 * template-tar.c) and the generated templates-data.c: path checks, in-root
 * resolution and the embedded data. Not part of the container module's API. */
#pragma once

#include "container/container.h"

/* busybox.ini as embedded at build time, NUL-terminated */
extern const char ward_template_busybox_ini[];
/* where `make install` puts NAME.ini files (WARD_TEMPLATE_DIR) */
extern const char ward_template_dir_default[];

/* Rootfs-relative paths in templates and tarballs: returns a new string with
 * "." and empty components dropped ("" for the root itself), or NULL when the
 * path is absolute or has a ".." component. */
char *ward_template_path_clean(const char *path);

/* Opens (O_PATH) the directory that will hold the last component of the
 * cleaned path `rel` inside the rootfs, creating missing parents 0755 when
 * create is set; *base points at that last component inside rel. Parents
 * resolve with RESOLVE_IN_ROOT, so no symlink can lead outside the rootfs. */
int ward_template_parent_open(int rootfs_fd, const char *rel, bool create,
			      const char **base, struct ward_err **err);

/* Opens rel (cleaned) inside the rootfs with RESOLVE_IN_ROOT and O_NOFOLLOW
 * on the last component; returns the fd or -errno (no message). */
int ward_template_open_in_root(int rootfs_fd, const char *rel, int flags);

/* Applies a data template (INI text) to rootfs_fd; `name` is used in messages. */
int ward_template_ini_apply(const char *name, const char *text, int rootfs_fd,
			    struct ward_template_info *info, struct ward_err **err);

/* Reads the metadata hint etc/ward/template.ini ([template] init and
 * stop_signal) that a rootfs made from a data template carries; a missing
 * hint is not an error. */
int ward_template_hint_read(int rootfs_fd, struct ward_template_info *info,
			    struct ward_err **err);

/* "tar:PATH": extracts the tarball at host path PATH into rootfs_fd. */
int ward_template_tar_install(const char *path, int rootfs_fd,
			      struct ward_err **err);
