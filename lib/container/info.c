/* What ls and info report about a container. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "container/container-internal.h"

int ward_ct_info(const struct ward_host *host, const char *name,
		 struct ward_ct_info *info, struct ward_err **err)
{
	_cleanup_free_ char *ctdir = ward_host_ctdir(host, name);
	struct ward_intent in;
	int r;

	memset(info, 0, sizeof(*info));
	r = ward_name_check(name, "container name", err);
	if (r < 0)
		return r;
	snprintf(info->name, sizeof(info->name), "%s", name);
	r = ward_state_load(ctdir, &info->state, NULL);
	if (r < 0)
		return ward_err_set(err, ENOENT, "no container named %s", name);
	info->status = ct_status(host, name, &info->state, &in);
	/* an intent without a monitor is a start under way while its lock is
	 * held, and abandoned once nobody holds it */
	if (info->status == WARD_CT_ABANDONED && in.monitor_pid == 0) {
		int fd = ward_ct_lock(host, name, false, NULL);

		if (fd == -EWOULDBLOCK)
			info->status = WARD_CT_STARTING;
		else if (fd >= 0)
			close(fd);
	}
	if (info->status == WARD_CT_RUNNING) {
		info->init_pid = in.init_pid;
		info->started = in.started;
	}
	ward_exit_load(ctdir, &info->last_exit);
	if (info->state.phase == WARD_PHASE_READY)
		return ward_config_load(ctdir, &info->config, err);
	return 0;
}

void ward_ct_info_fini(struct ward_ct_info *info)
{
	ward_config_fini(&info->config);
}
