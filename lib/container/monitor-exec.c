/* Handing a booted monitor over to the small ward-monitor program. The
 * forked ward carries every library ward links (libarchive, json-c, inih...)
 * and their relocated pages; the exec'd monitor carries libc alone, which is
 * what a consolidated host pays once per container. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "container/container-internal.h"
#include "security/security.h"

#ifndef WARD_LIBEXECDIR
#define WARD_LIBEXECDIR "/usr/local/libexec/ward"
#endif

/* Beside the running ward first (a build tree), then the installed copy. */
static void monitor_path(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *slash;

	if (n > 0) {
		buf[n] = '\0';
		slash = strrchr(buf, '/');
		if (slash && (size_t)(slash - buf) + sizeof("/ward-monitor") <= len) {
			strcpy(slash, "/ward-monitor");
			if (access(buf, X_OK) == 0)
				return;
		}
	}
	snprintf(buf, len, "%s/ward-monitor", WARD_LIBEXECDIR);
}

static void keep_across_exec(int fd)
{
	if (fd >= 0)
		fcntl(fd, F_SETFD, 0);
}

void ct_monitor_exec(struct ct_monitor *m)
{
	char path[PATH_MAX], num[6][16], sig[16], tmo[16];
	int keep[4] = { m->pidfd, m->listen_fd, m->master, m->slave };
	int fds[6] = { m->pidfd, (int)m->init_pid, m->listen_fd, m->master, m->slave, 0 };
	char *argv[16];
	int a = 0;

	monitor_path(path, sizeof(path));
	for (int i = 0; i < 5; i++)
		snprintf(num[i], sizeof(num[i]), "%d", fds[i]);
	snprintf(sig, sizeof(sig), "%d", m->stop_signal);
	snprintf(tmo, sizeof(tmo), "%d", m->stop_timeout);
	argv[a++] = "ward-monitor";
	argv[a++] = m->name;
	argv[a++] = m->rundir;
	argv[a++] = m->ctdir;
	argv[a++] = m->cgroup;
	argv[a++] = sig;
	argv[a++] = tmo;
	for (int i = 0; i < 5; i++)
		argv[a++] = num[i];
	argv[a++] = m->pts;
	argv[a] = NULL;
	for (int i = 0; i < 4; i++)
		keep_across_exec(keep[i]);
	ward_sec_close_fds_except(keep, 4, NULL);
	execv(path, argv);
	/* not there: this process stays the monitor, only bigger */
}
