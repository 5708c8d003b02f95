/* The per-container monitor: init's parent, console owner, teardown owner.
 * It must stay small: its memory is the per-container overhead. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "container/container-internal.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ct_monitor_init(struct ct_monitor *m, const char *name, const char *rundir,
		     const char *ctdir)
{
	memset(m, 0, sizeof(*m));
	m->name = ward_xstrdup(name);
	m->rundir = ward_xstrdup(rundir);
	m->ctdir = ward_xstrdup(ctdir);
	m->stop_signal = SIGTERM;
	m->pidfd = m->master = m->slave = m->listen_fd = m->client = m->sigfd = -1;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void ct_monitor_fini(struct ct_monitor *m)
{
	close_fd(&m->pidfd);
	close_fd(&m->master);
	close_fd(&m->slave);
	close_fd(&m->listen_fd);
	close_fd(&m->client);
	close_fd(&m->sigfd);
	for (size_t i = 0; i < m->nwaiters; i++)
		close(m->waiters[i]);
	m->nwaiters = 0;
	ward_cg_free(m->cg);
	m->cg = NULL;
	free(m->name);
	free(m->cgroup);
	m->cgroup = NULL;
	free(m->rundir);
	free(m->ctdir);
	m->name = m->rundir = m->ctdir = NULL;
}

int ct_monitor_listen(struct ct_monitor *m, struct ward_err **err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int n = snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", m->rundir, CT_SOCK_NAME);

	if (n >= (int)sizeof(sa.sun_path))
		return ward_err_set(err, ENAMETOOLONG, "run directory path %s is too long for a socket", m->rundir);
	m->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (m->listen_fd < 0)
		return ward_err_sys(err, errno, "cannot create the monitor socket");
	unlink(sa.sun_path);
	if (bind(m->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(m->listen_fd, 16) < 0)
		return ward_err_sys(err, errno, "cannot listen on %s", sa.sun_path);
	return 0;
}

static void ring_add(struct ct_monitor *m, const char *buf, size_t n)
{
	if (n >= CT_RING_SIZE) {
		buf += n - CT_RING_SIZE;
		n = CT_RING_SIZE;
	}
	if (m->ring_len + n > CT_RING_SIZE) {
		size_t drop = m->ring_len + n - CT_RING_SIZE;
		memmove(m->ring, m->ring + drop, m->ring_len - drop);
		m->ring_len -= drop;
	}
	memcpy(m->ring + m->ring_len, buf, n);
	m->ring_len += n;
}

static void on_console_output(struct ct_monitor *m)
{
	char buf[4096];
	ssize_t n = read(m->master, buf, sizeof(buf));

	if (n <= 0)
		return;
	if (m->client >= 0 && send(m->client, buf, (size_t)n, MSG_NOSIGNAL) < 0)
		close_fd(&m->client);
	if (m->client < 0)
		ring_add(m, buf, (size_t)n);
}

static void on_client_input(struct ct_monitor *m)
{
	char buf[4096];
	ssize_t n = read(m->client, buf, sizeof(buf));

	if (n <= 0) {
		close_fd(&m->client);
		return;
	}
	if (write(m->master, buf, (size_t)n) < 0)
		return; /* the console is gone; init's exit will follow */
}

static void reply(int fd, const char *s)
{
	if (send(fd, s, strlen(s), MSG_NOSIGNAL) < 0)
		return;
}

static void kill_now(struct ct_monitor *m)
{
	m->deadline_ms = 0;
	ward_cg_kill(m->cg, 2000, NULL);
}

static void req_stop(struct ct_monitor *m, int fd, int timeout, int force)
{
	if (m->nwaiters == sizeof(m->waiters) / sizeof(m->waiters[0])) {
		reply(fd, "err too many stop requests\n");
		close(fd);
		return;
	}
	m->waiters[m->nwaiters++] = fd;
	if (force || timeout == 0) {
		kill_now(m);
		return;
	}
	pidfd_send_signal(m->pidfd, m->stop_signal, NULL, 0);
	if (timeout < 0)
		timeout = m->stop_timeout;
	if (!m->deadline_ms || now_ms() + timeout * 1000LL < m->deadline_ms)
		m->deadline_ms = now_ms() + timeout * 1000LL;
}

static void req_console(struct ct_monitor *m, int fd)
{
	if (m->master < 0) {
		reply(fd, "err this container has no console (it runs in the foreground)\n");
		close(fd);
		return;
	}
	if (m->client >= 0) {
		reply(fd, "err the console is already attached\n");
		close(fd);
		return;
	}
	reply(fd, "ok\n");
	if (m->ring_len && send(fd, m->ring, m->ring_len, MSG_NOSIGNAL) > 0)
		m->ring_len = 0;
	m->client = fd;
}

/* A live class change moved the container: tear down there from now on. */
static void req_cgroup(struct ct_monitor *m, int fd, char *path)
{
	struct ward_cg *cg;

	path[strcspn(path, "\n")] = '\0';
	cg = ward_cg_new(path, NULL);
	if (!cg) {
		reply(fd, "err bad cgroup path\n");
	} else {
		ward_cg_free(m->cg);
		m->cg = cg;
		free(m->cgroup);
		m->cgroup = ward_xstrdup(path);
		reply(fd, "ok\n");
	}
	close(fd);
}

/* One request line per connection: "stop T F", "console", "pidfd" or
 * "cgroup PATH". */
static void on_request(struct ct_monitor *m)
{
	char line[640] = "";
	int fd = accept4(m->listen_fd, NULL, NULL, SOCK_CLOEXEC), timeout = -1, force = 0;
	struct timeval tv = { .tv_sec = 1 };
	ssize_t n;

	if (fd < 0)
		return;
	/* a client that connects and says nothing must not stall the monitor
	 * (and with it the teardown when init exits) */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = recv(fd, line, sizeof(line) - 1, 0);
	if (n > 0 && sscanf(line, "stop %d %d", &timeout, &force) == 2)
		req_stop(m, fd, timeout, force);
	else if (n > 0 && !strncmp(line, "console", 7))
		req_console(m, fd);
	else if (n > 0 && !strncmp(line, "cgroup ", 7))
		req_cgroup(m, fd, line + 7);
	else if (n > 0 && !strncmp(line, "pidfd", 5)) {
		ct_send_fd(fd, m->pidfd);
		close(fd);
	} else {
		reply(fd, "err unknown request\n");
		close(fd);
	}
}

/* ward run: the first SIGINT/SIGTERM/SIGHUP goes to init, a second kills. */
static void on_signal(struct ct_monitor *m)
{
	struct signalfd_siginfo si;

	if (read(m->sigfd, &si, sizeof(si)) != sizeof(si))
		return;
	if (m->nsignals++ == 0)
		pidfd_send_signal(m->pidfd, (int)si.ssi_signo, NULL, 0);
	else
		kill_now(m);
}

static int poll_timeout(const struct ct_monitor *m)
{
	long long left;

	if (!m->deadline_ms)
		return -1;
	left = m->deadline_ms - now_ms();
	return left < 0 ? 0 : (int)left;
}

int ct_monitor_loop(struct ct_monitor *m)
{
	for (;;) {
		struct pollfd p[5] = {
			{ m->pidfd, POLLIN, 0 },  { m->listen_fd, POLLIN, 0 },
			{ m->master, POLLIN, 0 }, { m->client, POLLIN, 0 },
			{ m->sigfd, POLLIN, 0 },
		};
		siginfo_t si;
		int n = poll(p, 5, poll_timeout(m));

		if (n < 0 && errno != EINTR)
			kill_now(m);
		if (m->deadline_ms && now_ms() >= m->deadline_ms)
			kill_now(m);
		if (n <= 0)
			continue;
		if (p[0].revents) {
			memset(&si, 0, sizeof(si));
			if (waitid(P_PIDFD, (id_t)m->pidfd, &si, WEXITED) == 0)
				return si.si_code == CLD_EXITED ? W_EXITCODE(si.si_status, 0)
								 : si.si_status & 0x7f;
		}
		if (p[1].revents)
			on_request(m);
		if (p[2].revents)
			on_console_output(m);
		if (p[3].revents)
			on_client_input(m);
		if (p[4].revents)
			on_signal(m);
	}
}

void ct_exit_record(const char *ctdir, int wstatus, bool durable)
{
	_cleanup_close_ int dfd = open(ctdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char text[128];
	int n;

	/* written by hand: the monitor links no JSON library (state.c parses it) */
	n = snprintf(text, sizeof(text), "{ \"code\": %d, \"signal\": %d, \"time\": %lld }\n",
		     WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1,
		     WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0, (long long)time(NULL));
	if (dfd >= 0)
		durable ? ward_file_write_atomic(dfd, "last-exit.json", text, (size_t)n, 0644, NULL)
			: ward_file_replace(dfd, "last-exit.json", text, (size_t)n, 0644, NULL);
}

int ct_rundir_remove(const char *rundir, struct ward_err **err)
{
	_cleanup_close_ int dfd = open(rundir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dfd < 0)
		return 0;
	unlinkat(dfd, "spec.json", 0);
	unlinkat(dfd, CT_SOCK_NAME, 0);
	/* the intent record goes last: it names what the rest owned */
	unlinkat(dfd, "intent.json", 0);
	return ward_rm_rf_at(AT_FDCWD, rundir, err);
}

void ct_monitor_teardown(struct ct_monitor *m, int wstatus)
{
	/* the pid namespace died with init; anything that joined the cgroup
	 * from outside it (an exec in flight) goes now */
	ward_cg_kill(m->cg, 2000, NULL);
	if (ward_cg_destroy(m->cg, NULL) < 0)
		return; /* keep the intent record: gc will retry */
	ct_exit_record(m->ctdir, wstatus, !m->ephemeral);
	close_fd(&m->listen_fd);
	ct_rundir_remove(m->rundir, NULL);
	for (size_t i = 0; i < m->nwaiters; i++)
		reply(m->waiters[i], "ok\n");
}
