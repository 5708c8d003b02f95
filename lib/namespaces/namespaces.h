/* lib/namespaces: clone3/setns/pidfd and the container's filesystem view:
 * pivot_root into its rootfs with /proc, a read-only /sys and a fresh /dev. */
#pragma once

#include <sched.h>
#include <sys/types.h>

#include "common/common.h"

/* The namespaces every container gets (the cgroup namespace is unshared by
 * the child itself once it sits in its cgroup; see ward_ns_clone). */
#define WARD_NS_FLAGS                                                        \
	(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET)
#define WARD_NS_JOIN_FLAGS (WARD_NS_FLAGS | CLONE_NEWCGROUP)

/* clone3 with CLONE_PIDFD (and CLONE_INTO_CGROUP when cgroup_fd >= 0), so
 * the child is born in its cgroup and known by a pidfd, never a bare pid.
 * Returns 0 in the child, the child pid in the parent with *pidfd set. */
pid_t ward_ns_clone(unsigned long flags, int cgroup_fd, int *pidfd,
		    struct ward_err **err);

/* Joins the namespaces of a running process through its pidfd: one setns
 * call for all of them, so the set is consistent. */
int ward_ns_join(int pidfd, unsigned long flags, struct ward_err **err);

struct ward_rootfs_opts {
	const char *rootfs;    /* host path of the container's root */
	const char *lower;     /* if set, rootfs becomes an overlay of this */
	const char *upper;     /* read-only dir with writes in upper and a work
				* dir named "work" beside upper */
	const char *console;   /* host path of the pty slave to appear as
				* /dev/console (as seen in this mount ns), or NULL */
	const char *hostname;  /* written to /etc/hostname inside, may be NULL */
};

/* In a fresh mount namespace: makes every mount private, binds the rootfs,
 * mounts /proc, a read-only /sys and a tmpfs /dev with the standard nodes,
 * a devpts newinstance and /dev/console, then pivot_roots into it and
 * detaches the old root. All mounts are made on fds opened without
 * following symlinks, because the rootfs is hostile. */
int ward_ns_rootfs_setup(const struct ward_rootfs_opts *o, struct ward_err **err);
