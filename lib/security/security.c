/* Process confinement steps shared by a container's init and ward exec. */
#include <errno.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
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

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int ward_sec_close_fds_except(const int *keep, size_t n, struct ward_err **err)
{
	int sorted[16];
	unsigned lo = 3;

	if (n > sizeof(sorted) / sizeof(sorted[0]))
		return ward_err_set(err, EINVAL, "too many fds to keep");
	memcpy(sorted, keep, n * sizeof(*keep));
	qsort(sorted, n, sizeof(*sorted), cmp_int);
	for (size_t i = 0; i < n; i++) {
		if (sorted[i] < (int)lo)
			continue;
		if (sorted[i] > (int)lo && syscall(SYS_close_range, lo, (unsigned)sorted[i] - 1, 0) < 0)
			return ward_err_sys(err, errno, "cannot close inherited file descriptors");
		lo = (unsigned)sorted[i] + 1;
	}
	return ward_sec_close_fds((int)lo, err);
}

int ward_sec_die_with_parent(struct ward_err **err)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return ward_err_sys(err, errno, "cannot set the parent-death signal");
	return 0;
}
