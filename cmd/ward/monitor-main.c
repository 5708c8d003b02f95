/* ward-monitor: the per-container monitor after boot. `ward start` forks,
 * boots init and execs this with the fds it owns; it links libc, lib/common
 * and lib/cgroups only, so its memory is small (DESIGN "Monitor"). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container/container-internal.h"

static int num(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end || v < -1 || v > 1 << 22) {
		fprintf(stderr, "ward-monitor: bad number '%s'\n", s);
		exit(2);
	}
	return (int)v;
}

int main(int argc, char **argv)
{
	struct ct_monitor m;
	int wstatus;

	if (argc != 13) {
		fprintf(stderr, "ward-monitor: started by `ward start`, not by hand\n");
		return 2;
	}
	ct_monitor_init(&m, argv[1], argv[2], argv[3]);
	m.cgroup = strdup(argv[4]);
	m.stop_signal = num(argv[5]);
	m.stop_timeout = num(argv[6]);
	m.pidfd = num(argv[7]);
	m.init_pid = num(argv[8]);
	m.listen_fd = num(argv[9]);
	m.master = num(argv[10]);
	m.slave = num(argv[11]);
	snprintf(m.pts, sizeof(m.pts), "%s", argv[12]);
	m.cg = ward_cg_new(m.cgroup, NULL);
	if (!m.cg || !m.cgroup)
		return 1; /* the intent record is intact: gc releases the rest */
	wstatus = ct_monitor_loop(&m);
	ct_monitor_teardown(&m, wstatus);
	ct_monitor_fini(&m);
	return 0;
}
