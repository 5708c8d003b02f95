/* The parts of /proc and /sys a container must not read or write: masked
 * (an empty read-only tmpfs over a directory, /dev/null over a file) or
 * bound read-only, as the trusted runtimes ship them (ANCHORS.md). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "namespaces/namespaces-internal.h"

static const char *const masked[] = {
	"proc/acpi",	      "proc/asound",	     "proc/kcore",	"proc/keys",
	"proc/latency_stats", "proc/timer_list",     "proc/timer_stats", "proc/sched_debug",
	"proc/scsi",	      "sys/firmware",	     "sys/devices/virtual/powercap",
};

static const char *const readonly[] = {
	"proc/bus", "proc/fs", "proc/irq", "proc/sys", "proc/sysrq-trigger",
};

/* Opens a path below the new root without following a symlink at any step;
 * -ENOENT when this kernel has no such entry (nothing to hide then). */
static int open_below(int rootfd, const char *path)
{
	int fd = openat(rootfd, path, O_PATH | O_NOFOLLOW | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static int mask_one(int rootfd, const char *path, struct ward_err **err)
{
	_cleanup_close_ int fd = open_below(rootfd, path);
	char target[32];
	struct stat st;
	int r;

	if (fd == -ENOENT)
		return 0;
	if (fd < 0 || fstat(fd, &st) < 0)
		return ward_err_sys(err, fd < 0 ? -fd : errno, "cannot open /%s to mask it", path);
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	if (S_ISDIR(st.st_mode))
		r = mount("tmpfs", target, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  "size=0,mode=0555");
	else
		r = mount("/dev/null", target, NULL, MS_BIND, NULL);
	if (r < 0)
		return ward_err_sys(err, errno, "cannot mask /%s", path);
	return 0;
}

static int readonly_one(int rootfd, const char *path, struct ward_err **err)
{
	_cleanup_close_ int fd = open_below(rootfd, path), top = -1;
	char target[32];

	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return ward_err_sys(err, -fd, "cannot open /%s to make it read-only", path);
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	if (mount(target, target, NULL, MS_BIND | MS_REC, NULL) < 0)
		return ward_err_sys(err, errno, "cannot bind /%s onto itself", path);
	/* the old fd still names what the bind now covers: reopen to reach
	 * the new mount for the read-only remount */
	top = open_below(rootfd, path);
	if (top < 0)
		return ward_err_sys(err, -top, "cannot reopen /%s", path);
	snprintf(target, sizeof(target), "/proc/self/fd/%d", top);
	if (mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0)
		return ward_err_sys(err, errno, "cannot make /%s read-only", path);
	return 0;
}

int ns_masks_apply(int rootfd, struct ward_err **err)
{
	for (size_t i = 0; i < sizeof(masked) / sizeof(masked[0]); i++) {
		int r = mask_one(rootfd, masked[i], err);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < sizeof(readonly) / sizeof(readonly[0]); i++) {
		int r = readonly_one(rootfd, readonly[i], err);
		if (r < 0)
			return r;
	}
	return 0;
}
