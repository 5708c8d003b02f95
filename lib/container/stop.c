/* Stop: the monitor signals, waits, kills the cgroup and tears down. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "container/container-internal.h"

int ward_ct_stop(const struct ward_host *host, const char *name,
		 const struct ward_stop_opts *o, struct ward_err **err)
{
	_cleanup_free_ char *ctdir = ward_host_ctdir(host, name);
	_cleanup_close_ int fd = -1;
	struct ward_intent in;
	struct ward_state st;
	char req[64], ans[256] = "";
	ssize_t n;

	if (ward_state_load(ctdir, &st, NULL) < 0)
		return ward_err_set(err, ENOENT, "no container named %s", name);
	switch (ct_status(host, name, &st, &in)) {
	case WARD_CT_RUNNING:
		break;
	case WARD_CT_ABANDONED:
		/* its monitor is gone: release what the intent record names */
		return ct_release_intent(host, name, err);
	default:
		return ward_err_set(err, ESRCH, "container %s is not running", name);
	}
	snprintf(req, sizeof(req), "stop %d %d\n", o->timeout, o->force ? 1 : 0);
	fd = ct_monitor_connect(host, name, req, err);
	if (fd < 0)
		return fd;
	/* the answer comes once the teardown is complete */
	do
		n = recv(fd, ans, sizeof(ans) - 1, 0);
	while (n < 0 && errno == EINTR);
	if (n > 0 && !strncmp(ans, "ok", 2))
		return 0;
	if (n > 0) {
		ans[n] = '\0';
		ans[strcspn(ans, "\n")] = '\0';
		return ward_err_set(err, EIO, "cannot stop %s: %s", name, ans + (strncmp(ans, "err ", 4) ? 0 : 4));
	}
	/* the monitor closed without an answer: it exited during the stop */
	if (ct_status(host, name, &st, &in) == WARD_CT_STOPPED)
		return 0;
	return ward_err_set(err, EIO, "cannot stop %s: its monitor exited before the teardown finished", name);
}
