/* clone3 and setns through pidfds. */
#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "namespaces/namespaces.h"

pid_t ward_ns_clone(unsigned long flags, int cgroup_fd, int *pidfd,
		    struct ward_err **err)
{
	struct clone_args args;
	int fd = -1;
	long pid;

	memset(&args, 0, sizeof(args));
	args.flags = flags | CLONE_PIDFD;
	args.pidfd = (uint64_t)(uintptr_t)&fd;
	args.exit_signal = SIGCHLD;
	if (cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cgroup_fd;
	}
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0)
		return ward_err_sys(err, errno, "cannot clone the container init");
	if (pid > 0)
		*pidfd = fd;
	return (pid_t)pid;
}

int ward_ns_join(int pidfd, unsigned long flags, struct ward_err **err)
{
	if (setns(pidfd, (int)flags) < 0)
		return ward_err_sys(err, errno, "cannot join the container's namespaces");
	return 0;
}
