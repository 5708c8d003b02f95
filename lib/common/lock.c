/* One flock per container serialises every command that changes it. */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>

#include "common/common.h"

int ward_lock_take(const char *path, bool wait, struct ward_err **err)
{
	_cleanup_close_ int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return ward_err_sys(err, errno, "cannot open lock %s", path);
	while (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
		if (errno == EINTR)
			continue;
		if (errno == EWOULDBLOCK)
			return ward_err_set(err, EWOULDBLOCK, "%s is locked by another ward command", path);
		return ward_err_sys(err, errno, "cannot lock %s", path);
	}
	return TAKE_FD(fd);
}
