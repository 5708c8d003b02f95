/* The container's filesystem view, built inside its own mount namespace. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "namespaces/namespaces-internal.h"

#define FD_PATH_MAX 32

static void fd_path(char buf[FD_PATH_MAX], int fd)
{
	snprintf(buf, FD_PATH_MAX, "/proc/self/fd/%d", fd);
}

/* Opens (creating if needed) a directory below dirfd without following a
 * symlink planted by the rootfs's owner. */
static int open_dir_nofollow(int dirfd, const char *name, struct ward_err **err)
{
	int fd;

	if (mkdirat(dirfd, name, 0755) < 0 && errno != EEXIST)
		return ward_err_sys(err, errno, "cannot create /%s in the rootfs", name);
	fd = openat(dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ward_err_sys(err, errno, "cannot open /%s in the rootfs (not a directory, or a symlink)", name);
	return fd;
}

/* Mounts a filesystem on a directory fd, so the target cannot be swapped. */
static int mount_on(int dirfd, const char *name, const char *src, const char *type,
		    unsigned long flags, const char *data, struct ward_err **err)
{
	_cleanup_close_ int fd = open_dir_nofollow(dirfd, name, err);
	char target[FD_PATH_MAX];

	if (fd < 0)
		return fd;
	fd_path(target, fd);
	if (mount(src, target, type, flags, data) < 0)
		return ward_err_sys(err, errno, "cannot mount %s on /%s", type ? type : src, name);
	return 0;
}

/* After mounting, check it really is what we asked for (a rootfs could have
 * raced a mount of its own there through a shared propagation). */
static int check_magic(int dirfd, const char *name, long magic, struct ward_err **err)
{
	struct statfs sfs;
	_cleanup_close_ int fd = openat(dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 || fstatfs(fd, &sfs) < 0)
		return ward_err_sys(err, errno, "cannot check /%s", name);
	if (sfs.f_type != magic)
		return ward_err_set(err, EPERM, "/%s is not the expected filesystem after mounting", name);
	return 0;
}

static const struct {
	const char *name;
	unsigned maj, min;
} dev_nodes[] = {
	{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
	{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

static const struct {
	const char *name, *target;
} dev_links[] = {
	{ "fd", "/proc/self/fd" },    { "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
	{ "ptmx", "pts/ptmx" },
};

static int dev_populate(int devfd, struct ward_err **err)
{
	for (size_t i = 0; i < sizeof(dev_nodes) / sizeof(dev_nodes[0]); i++)
		if (mknodat(devfd, dev_nodes[i].name, S_IFCHR | 0666,
			    makedev(dev_nodes[i].maj, dev_nodes[i].min)) < 0)
			return ward_err_sys(err, errno, "cannot create /dev/%s", dev_nodes[i].name);
	/* mknod honours the umask; the nodes must be world usable */
	for (size_t i = 0; i < sizeof(dev_nodes) / sizeof(dev_nodes[0]); i++)
		if (fchmodat(devfd, dev_nodes[i].name, 0666, 0) < 0)
			return ward_err_sys(err, errno, "cannot chmod /dev/%s", dev_nodes[i].name);
	for (size_t i = 0; i < sizeof(dev_links) / sizeof(dev_links[0]); i++)
		if (symlinkat(dev_links[i].target, devfd, dev_links[i].name) < 0)
			return ward_err_sys(err, errno, "cannot create /dev/%s", dev_links[i].name);
	if (mount_on(devfd, "pts", "devpts", "devpts", MS_NOSUID | MS_NOEXEC,
		     "newinstance,ptmxmode=0666,mode=0620,gid=5", err) < 0)
		return -EIO;
	if (mount_on(devfd, "shm", "shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		     "mode=1777,size=65536k", err) < 0)
		return -EIO;
	return mount_on(devfd, "mqueue", "mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, err);
}

static int dev_console(int devfd, const char *console, struct ward_err **err)
{
	_cleanup_close_ int fd = -1, src_fd = -1;
	char src[FD_PATH_MAX], dst[FD_PATH_MAX];

	if (!console)
		return 0;
	/* the pty must be opened in this mount namespace to be bindable */
	src_fd = open(console, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (src_fd < 0)
		return ward_err_sys(err, errno, "cannot open the console pty %s", console);
	fd = openat(devfd, "console", O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return ward_err_sys(err, errno, "cannot create /dev/console");
	fd_path(src, src_fd);
	fd_path(dst, fd);
	if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
		return ward_err_sys(err, errno, "cannot bind the console onto /dev/console");
	return 0;
}

static int setup_dev(int rootfd, const char *console, struct ward_err **err)
{
	_cleanup_close_ int devfd = -1;
	int r;

	r = mount_on(rootfd, "dev", "tmpfs", "tmpfs", MS_NOSUID | MS_STRICTATIME,
		     "mode=755,size=65536k", err);
	if (r < 0)
		return r;
	devfd = openat(rootfd, "dev", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (devfd < 0)
		return ward_err_sys(err, errno, "cannot open the new /dev");
	r = dev_populate(devfd, err);
	if (r < 0)
		return r;
	return dev_console(devfd, console, err);
}

static int setup_proc_sys(int rootfd, struct ward_err **err)
{
	unsigned long nodev = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	int r;

	r = mount_on(rootfd, "proc", "proc", "proc", nodev, NULL, err);
	if (r == 0)
		r = check_magic(rootfd, "proc", PROC_SUPER_MAGIC, err);
	if (r == 0)
		r = mount_on(rootfd, "sys", "sysfs", "sysfs", nodev | MS_RDONLY, NULL, err);
	if (r == 0)
		r = check_magic(rootfd, "sys", SYSFS_MAGIC, err);
	if (r == 0)
		r = ns_masks_apply(rootfd, err);
	return r;
}

static int pivot(int rootfd, struct ward_err **err)
{
	if (fchdir(rootfd) < 0)
		return ward_err_sys(err, errno, "cannot enter the rootfs");
	/* pivot_root(".", ".") stacks the old root under the new one; detaching
	 * it leaves no path back to the host */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return ward_err_sys(err, errno, "cannot pivot_root into the rootfs");
	if (umount2(".", MNT_DETACH) < 0)
		return ward_err_sys(err, errno, "cannot detach the host root");
	if (chdir("/") < 0)
		return ward_err_sys(err, errno, "cannot chdir to the new root");
	return 0;
}

static void write_hostname(const char *hostname)
{
	_cleanup_close_ int fd = -1;
	char buf[300];
	int n;

	if (!hostname)
		return;
	/* after pivot_root, an absolute symlink can only point inside */
	fd = open("/etc/hostname", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return; /* no /etc: nothing to keep in sync */
	n = snprintf(buf, sizeof(buf), "%s\n", hostname);
	if (write(fd, buf, (size_t)n) < 0)
		return;
}

/* Only in this mount namespace: it goes away with the container. */
static int mount_overlay(const struct ward_rootfs_opts *o, struct ward_err **err)
{
	_cleanup_free_ char *work = NULL, *opts = NULL;
	const char *slash = strrchr(o->upper, '/');

	if (!slash || strpbrk(o->lower, ",:") || strpbrk(o->upper, ",:"))
		return ward_err_set(err, EINVAL, "overlay paths %s and %s must not hold ',' or ':'",
				    o->lower, o->upper);
	work = ward_xasprintf("%.*s/work", (int)(slash - o->upper), o->upper);
	opts = ward_xasprintf("lowerdir=%s,upperdir=%s,workdir=%s", o->lower, o->upper, work);
	if (mount("overlay", o->rootfs, "overlay", 0, opts) < 0)
		return ward_err_sys(err, errno, "cannot mount the overlay rootfs on %s", o->rootfs);
	return 0;
}

int ward_ns_rootfs_setup(const struct ward_rootfs_opts *o, struct ward_err **err)
{
	_cleanup_close_ int rootfd = -1;
	int r;

	/* nothing we mount may propagate back to the host */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return ward_err_sys(err, errno, "cannot make mounts private");
	r = o->lower ? mount_overlay(o, err) : 0;
	if (r < 0)
		return r;
	if (!o->lower && mount(o->rootfs, o->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return ward_err_sys(err, errno, "cannot bind the rootfs %s", o->rootfs);
	rootfd = open(o->rootfs, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (rootfd < 0)
		return ward_err_sys(err, errno, "cannot open the rootfs %s", o->rootfs);
	r = setup_proc_sys(rootfd, err);
	if (r == 0)
		r = setup_dev(rootfd, o->console, err);
	if (r == 0)
		r = pivot(rootfd, err);
	if (r < 0)
		return r;
	if (o->hostname && sethostname(o->hostname, strlen(o->hostname)) < 0)
		return ward_err_sys(err, errno, "cannot set the hostname");
	write_hostname(o->hostname);
	return 0;
}
