/* The caller's terminal joined to a container console or an exec pty. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "container/container-internal.h"

#define DETACH_KEY 0x1d /* Ctrl-] */
#define DRAIN_MS 300

static int copy_out(int from, int to)
{
	char buf[4096];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n <= 0)
		return -1;
	for (ssize_t off = 0; off < n;) {
		ssize_t w = write(to, buf + off, (size_t)(n - off));
		if (w < 0)
			return errno == EINTR ? 0 : -1;
		off += w;
	}
	return 0;
}

/* stdin -> fd; returns 1 on the detach key, -1 on stdin's end. */
static int copy_in(int fd, bool detach_key)
{
	char buf[4096];
	ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

	if (n <= 0)
		return -1;
	if (detach_key && memchr(buf, DETACH_KEY, (size_t)n))
		return 1;
	if (write(fd, buf, (size_t)n) < 0)
		return -1;
	return 0;
}

static void pass_winsize(int fd)
{
	struct winsize ws;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(fd, TIOCSWINSZ, &ws);
}

int ct_relay(int fd, bool detach_key)
{
	bool tty = isatty(STDIN_FILENO), in_open = true;
	struct termios saved, raw;

	if (tty && tcgetattr(STDIN_FILENO, &saved) == 0) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
		pass_winsize(fd);
	}
	for (;;) {
		struct pollfd p[2] = { { fd, POLLIN, 0 }, { in_open ? STDIN_FILENO : -1, POLLIN, 0 } };
		int n = poll(p, 2, in_open ? -1 : DRAIN_MS), r;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* drained after stdin's end */
		if (p[0].revents && copy_out(fd, STDOUT_FILENO) < 0)
			break;
		if (!p[1].revents)
			continue;
		r = copy_in(fd, detach_key);
		if (r > 0)
			break;
		if (r < 0)
			in_open = false;
	}
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	return 0;
}

int ward_ct_console(const struct ward_host *host, const char *name,
		    struct ward_err **err)
{
	_cleanup_free_ char *ctdir = ward_host_ctdir(host, name);
	_cleanup_close_ int fd = -1;
	struct ward_intent in;
	struct ward_state st;
	char ans[3];

	if (ward_state_load(ctdir, &st, NULL) < 0)
		return ward_err_set(err, ENOENT, "no container named %s", name);
	if (ct_status(host, name, &st, &in) != WARD_CT_RUNNING)
		return ward_err_set(err, ESRCH, "container %s is not running", name);
	fd = ct_monitor_connect(host, name, "console\n", err);
	if (fd < 0)
		return fd;
	if (recv(fd, ans, 3, MSG_WAITALL) != 3 || memcmp(ans, "ok\n", 3)) {
		char msg[256] = "";
		ssize_t n = recv(fd, msg, sizeof(msg) - 1, 0);
		if (n > 0)
			msg[n] = '\0';
		msg[strcspn(msg, "\n")] = '\0';
		return ward_err_set(err, EBUSY, "cannot attach to the console of %s: %s", name,
				    msg[0] == ' ' ? msg + 1 : "refused");
	}
	return ct_relay(fd, true);
}
