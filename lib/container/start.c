/* Boot: the monitor clones init into fresh namespaces and its cgroup. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container/container-internal.h"
#include "namespaces/namespaces.h"
#include "netns/netns.h"
#include "security/security.h"

extern char **environ;

/* What init sends back when a step fails before exec; exec_status is 127
 * (not found) or 126 (not executable) when the exec itself failed. */
struct sync_msg {
	int code;
	int exec_status;
	char msg[WARD_ERR_MSG_MAX];
};

static void __attribute__((noreturn)) send_fail(int sock, struct sync_msg *m)
{
	if (write(sock, m, sizeof(*m)) < 0)
		_exit(126);
	_exit(127);
}

static void __attribute__((noreturn)) exec_failed(int sock, const char *path, int errnum)
{
	struct sync_msg m = { .code = ENOEXEC, .exec_status = errnum == ENOENT ? 127 : 126 };

	snprintf(m.msg, sizeof(m.msg), "cannot execute %s in the container: %s", path, strerror(errnum));
	send_fail(sock, &m);
}

static void __attribute__((noreturn)) child_fail(int sock, struct ward_err *e, int code)
{
	struct sync_msg m = { .code = code > 0 ? code : EIO };

	snprintf(m.msg, sizeof(m.msg), "%s", e ? e->msg : "init setup failed");
	send_fail(sock, &m);
}

static int child_console(struct ward_err **err)
{
	int fd;

	if (setsid() < 0)
		return ward_err_sys(err, errno, "cannot start a session for init");
	/* as the kernel does for a real init: the console is init's stdio but
	 * not its controlling terminal, so the getty or shell init spawns on it
	 * can take it (a tty is the controlling terminal of one session only) */
	fd = open("/dev/console", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return ward_err_sys(err, errno, "cannot open /dev/console");
	for (int i = 0; i < 3; i++)
		if (dup2(fd, i) < 0)
			return ward_err_sys(err, errno, "cannot attach init to the console");
	close(fd);
	return 0;
}

/* Runs in the new namespaces; never returns. */
static void __attribute__((noreturn)) init_child(struct ct_monitor *m,
						  const struct ward_spec *spec, int cgfd, int sock)
{
	struct ward_rootfs_opts ro = { .rootfs = spec->rootfs, .lower = spec->lower, .upper = spec->upper,
				       .console = m->master >= 0 ? m->pts : NULL, .hostname = spec->hostname };
	struct ward_err *err = NULL;

	/* into the cgroup before its namespace is made, so its root is ours */
	if (ward_cg_enter_self(m->cg, cgfd >= 0, &err) < 0)
		child_fail(sock, err, err->code);
	if (unshare(CLONE_NEWCGROUP) < 0)
		child_fail(sock, NULL, errno);
	if (ward_net_lo_up(&err) < 0 || ward_ns_rootfs_setup(&ro, &err) < 0)
		child_fail(sock, err, err->code);
	if (spec->console && child_console(&err) < 0)
		child_fail(sock, err, err->code);
	if (ward_sec_die_with_parent(&err) < 0)
		child_fail(sock, err, err->code);
	/* the monitor ignores SIGPIPE; an ignored signal would survive exec */
	signal(SIGPIPE, SIG_DFL);
	/* only 0-2 and the CLOEXEC sync socket survive into exec */
	if (ward_sec_close_fds_except(&sock, 1, &err) < 0)
		child_fail(sock, err, err->code);
	environ = spec->envp;
	execvp(spec->argv[0], spec->argv);
	exec_failed(sock, spec->argv[0], errno);
}

static int open_console(struct ct_monitor *m, struct ward_err **err)
{
	char *name = m->pts;

	m->master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (m->master < 0)
		return ward_err_sys(err, errno, "cannot open /dev/ptmx for the console");
	if (grantpt(m->master) < 0 || unlockpt(m->master) < 0 ||
	    ptsname_r(m->master, name, sizeof(m->pts)) != 0)
		return ward_err_sys(err, errno, "cannot set up the console pty");
	m->slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m->slave < 0)
		return ward_err_sys(err, errno, "cannot open the console pty %s", name);
	return 0;
}

/* Reads init's verdict: EOF means exec happened (the socket is CLOEXEC). */
static int await_exec(int sock, int *exec_status, struct ward_err **err)
{
	struct sync_msg msg;
	ssize_t n;

	do
		n = read(sock, &msg, sizeof(msg));
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return 0;
	if (n != (ssize_t)sizeof(msg))
		return ward_err_set(err, EIO, "init died during setup");
	msg.msg[sizeof(msg.msg) - 1] = '\0';
	*exec_status = msg.exec_status;
	return ward_err_set(err, msg.code, "%s", msg.msg);
}

static int clone_init(struct ct_monitor *m, const struct ward_spec *spec, int cgfd,
		      struct ward_err **err)
{
	_cleanup_close_ int psock = -1, csock = -1;
	int sv[2], r;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return ward_err_sys(err, errno, "cannot create the init sync socket");
	psock = sv[0];
	csock = sv[1];
	pid = ward_ns_clone(WARD_NS_FLAGS, cgfd, &m->pidfd, err);
	if (pid < 0)
		return pid;
	if (pid == 0) {
		close(psock);
		init_child(m, spec, cgfd, csock);
	}
	m->init_pid = pid;
	close(TAKE_FD(csock));
	r = await_exec(psock, &m->exec_status, err);
	if (r < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		m->init_pid = 0;
	}
	return r;
}

int ct_monitor_boot(struct ct_monitor *m, const struct ward_spec *spec,
		    struct ward_err **err)
{
	_cleanup_close_ int cgfd = -1;
	int r;

	m->stop_signal = spec->stop_signal;
	m->stop_timeout = spec->stop_timeout;
	m->cgroup = ward_xstrdup(spec->cgroup);
	m->cg = ward_cg_new(spec->cgroup, err);
	if (!m->cg)
		return -(*err)->code;
	r = ward_cg_create(m->cg, err);
	if (r == 0 && spec->console)
		r = open_console(m, err);
	if (r == 0) {
		cgfd = ward_cg_open_v2(m->cg, NULL);
		if (cgfd < 0 && ward_cg_layout(m->cg) == WARD_CG_V2)
			r = ward_cg_open_v2(m->cg, err);
	}
	if (r == 0)
		r = clone_init(m, spec, cgfd, err);
	if (r < 0)
		ward_cg_destroy(m->cg, NULL);
	return r;
}
