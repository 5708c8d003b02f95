/* Process confinement steps shared by a container's init and ward exec. */
#include <errno.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "security/security.h"

int ward_sec_close_fds(int lowfd, struct ward_err **err)
{
	if (syscall(SYS_close_range, (unsigned)lowfd, ~0U, 0) < 0)
		return ward_err_sys(err, errno, "cannot close inherited file descriptors");
	return 0;
}

int ward_sec_die_with_parent(struct ward_err **err)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return ward_err_sys(err, errno, "cannot set the parent-death signal");
	return 0;
}
