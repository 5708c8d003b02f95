/* ward exec: a process inside a running container's namespaces and cgroup. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container/container-internal.h"
#include "namespaces/namespaces.h"
#include "security/security.h"

extern char **environ;

struct exec_ctx {
	const struct ward_exec_opts *o;
	struct ward_spec spec;
	struct ward_cg *cg;
	int pidfd;
	int cgfd;    /* cgroup2 dir to clone the joiner into, or -1 */
	int report;  /* socketpair end: error text, or the pty master */
};

/* What the joiner or the command sends back when it cannot go on: the
 * status ward exec ends with (125 ward failed, 126 not executable, 127 not
 * found) and why. A successful exec closes the (CLOEXEC) socket instead. */
struct exec_msg {
	int status;
	char text[WARD_ERR_MSG_MAX];
};

static void __attribute__((noreturn)) fail_with(int report, int status, struct ward_err *e)
{
	struct exec_msg m = { .status = status };

	snprintf(m.text, sizeof(m.text), "%s", e ? e->msg : "failed");
	if (send(report, &m, sizeof(m), MSG_NOSIGNAL) < 0)
		_exit(status);
	_exit(status);
}

static void __attribute__((noreturn)) fail(int report, struct ward_err *e)
{
	fail_with(report, 125, e);
}

static char **merge_env(char **base, char *const *extra)
{
	char **v = NULL;

	for (size_t i = 0; base && base[i]; i++)
		v = ward_env_set(v, base[i]);
	for (size_t i = 0; extra && extra[i]; i++)
		v = ward_env_set(v, extra[i]);
	return v;
}

/* The pty comes from the container's own devpts, so `tty` inside names it. */
static int open_pty(int report, int *slave, struct ward_err **err)
{
	char name[64];
	int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (master < 0 || unlockpt(master) < 0 || ptsname_r(master, name, sizeof(name)))
		return ward_err_sys(err, errno, "cannot open a pty in the container");
	*slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*slave < 0)
		return ward_err_sys(err, errno, "cannot open %s in the container", name);
	if (ct_send_fd(report, master) < 0)
		return ward_err_sys(err, errno, "cannot pass the pty out");
	close(master);
	return 0;
}

static void __attribute__((noreturn)) run_command(struct exec_ctx *c, int slave)
{
	struct ward_err *err = NULL;

	if (slave >= 0) {
		setsid();
		ioctl(slave, TIOCSCTTY, 0);
		for (int i = 0; i < 3; i++)
			dup2(slave, i);
	}
	if (ward_sec_close_fds_except(&c->report, 1, &err) < 0)
		fail(c->report, err);
	environ = merge_env(c->spec.envp, c->o->env);
	execvp(c->o->argv[0], c->o->argv);
	ward_err_sys(&err, errno, "cannot execute %s in %s", c->o->argv[0], c->spec.name);
	fail_with(c->report, errno == ENOENT ? 127 : 126, err);
}

/* The intermediate process: joins, forks the command into the pid ns, waits. */
static void __attribute__((noreturn)) joiner(struct exec_ctx *c)
{
	struct ward_err *err = NULL;
	int slave = -1, st;
	pid_t pid;

	if (ward_cg_enter_self(c->cg, c->cgfd >= 0, &err) < 0 ||
	    ward_ns_join(c->pidfd, WARD_NS_JOIN_FLAGS, &err) < 0)
		fail(c->report, err);
	if (chdir("/") < 0) {
		ward_err_sys(&err, errno, "cannot chdir to / in the container");
		fail(c->report, err);
	}
	if (c->o->tty && open_pty(c->report, &slave, &err) < 0)
		fail(c->report, err);
	pid = fork();
	if (pid < 0) {
		ward_err_sys(&err, errno, "cannot fork in the container");
		fail(c->report, err);
	}
	if (pid == 0)
		run_command(c, slave);
	close(c->report);
	if (slave >= 0)
		close(slave);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	_exit(ct_wait_status(st));
}

static int load_ctx(const struct ward_host *host, const char *name, struct exec_ctx *c,
		    struct ward_err **err)
{
	_cleanup_free_ char *rundir = ward_host_rundir(host, name);
	_cleanup_free_ char *ctdir = ward_host_ctdir(host, name);
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int fd = -1;
	struct ward_intent in;
	struct ward_state st;
	int r;

	if (ward_state_load(ctdir, &st, NULL) < 0)
		return ward_err_set(err, ENOENT, "no container named %s", name);
	if (ct_status(host, name, &st, &in) != WARD_CT_RUNNING)
		return ward_err_set(err, ESRCH, "container %s is not running", name);
	r = ct_json_load(rundir, "spec.json", &text, err);
	if (r == 0)
		r = ward_spec_parse(text, &c->spec, err);
	if (r < 0)
		return r;
	c->cg = ward_cg_new(in.cgroup, err);
	if (!c->cg)
		return -EIO;
	c->cgfd = ward_cg_open_v2(c->cg, NULL);
	fd = ct_monitor_connect(host, name, "pidfd\n", err);
	if (fd < 0)
		return fd;
	c->pidfd = ct_recv_fd(fd, err);
	return c->pidfd < 0 ? c->pidfd : 0;
}

static int parent_side(struct exec_ctx *c, int sock, pid_t pid, int *status,
		       struct ward_err **err)
{
	struct exec_msg m = { 0 };
	int st, master = -1;
	/* first the pty master (with -t) or a failure, then EOF or a failure */
	ssize_t n = ct_recv_with_fd(sock, &m, sizeof(m), &master);

	if (master >= 0) {
		ct_relay(master, false);
		close(master);
		n = ct_recv_with_fd(sock, &m, sizeof(m), &master);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (n == (ssize_t)sizeof(m)) {
		m.text[sizeof(m.text) - 1] = '\0';
		*status = m.status;
		return ward_err_set(err, m.status == 127 ? ENOEXEC : EIO, "%s", m.text);
	}
	*status = ct_wait_status(st);
	return 0;
}

int ward_ct_exec(const struct ward_host *host, const char *name,
		 const struct ward_exec_opts *o, int *status, struct ward_err **err)
{
	struct exec_ctx c = { .o = o, .pidfd = -1, .cgfd = -1 };
	int sv[2] = { -1, -1 }, r, jfd = -1;
	pid_t pid = -1;

	r = load_ctx(host, name, &c, err);
	if (r == 0 && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		r = ward_err_sys(err, errno, "cannot create a socket pair");
	/* the joiner starts life in the cgroup2 dir (no cgroup.procs write) */
	if (r == 0 && (pid = ward_ns_clone(0, c.cgfd, &jfd, err)) < 0)
		r = pid;
	if (r == 0 && pid == 0) {
		close(sv[0]);
		c.report = sv[1];
		joiner(&c);
	}
	if (r == 0) {
		close(TAKE_FD(sv[1]));
		r = parent_side(&c, sv[0], pid, status, err);
	}
	if (sv[0] >= 0)
		close(sv[0]);
	if (c.pidfd >= 0)
		close(c.pidfd);
	if (c.cgfd >= 0)
		close(c.cgfd);
	if (jfd >= 0)
		close(jfd);
	ward_cg_free(c.cg);
	ward_spec_fini(&c.spec);
	return r;
}
