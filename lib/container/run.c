/* Start and run: write the intent, fork the monitor, wait for init's exec. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "container/container-internal.h"

int ct_wait_status(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 255;
}

int ct_prepare_run(const struct ward_host *host, const char *name,
		   const struct ward_spec *spec, struct ward_err **err)
{
	_cleanup_free_ char *rundir = ward_host_rundir(host, name);
	_cleanup_free_ char *text = ward_spec_format(spec);
	_cleanup_close_ int dfd = -1;
	struct ward_intent in = { .started = time(NULL) };
	int r;

	/* an abandoned run (monitor killed) is released before a new one */
	r = ct_release_intent(host, name, err);
	if (r == 0)
		r = ward_mkdir_p(AT_FDCWD, rundir, 0700, err);
	if (r < 0)
		return r;
	snprintf(in.cgroup, sizeof(in.cgroup), "%s", spec->cgroup);
	r = ward_intent_save(rundir, &in, err);
	/* an overlaid rootfs keeps its writes in the (volatile) run dir */
	if (r == 0 && spec->upper) {
		_cleanup_free_ char *work = ward_xasprintf("%s/work", rundir);
		r = ward_mkdir_p(AT_FDCWD, spec->upper, 0755, err);
		if (r == 0)
			r = ward_mkdir_p(AT_FDCWD, work, 0700, err);
	}
	if (r < 0)
		return r;
	dfd = open(rundir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return ward_err_sys(err, errno, "cannot open %s", rundir);
	return ward_file_replace(dfd, "spec.json", text, strlen(text), 0600, err);
}

/* Boots and records the monitor and init in the intent record. */
static int boot_and_record(struct ct_monitor *m, const struct ward_spec *spec,
			   struct ward_err **err)
{
	struct ward_intent in;
	int r = ward_intent_load(m->rundir, &in, err);

	if (r == 0)
		r = ct_monitor_listen(m, err);
	if (r == 0)
		r = ct_monitor_boot(m, spec, err);
	if (r < 0)
		return r;
	in.monitor_pid = getpid();
	in.monitor_start = ward_proc_starttime(in.monitor_pid);
	in.init_pid = m->init_pid;
	return ward_intent_save(m->rundir, &in, err);
}

static int load_for_run(const struct ward_host *host, const char *name,
			char *const *argv, struct ward_spec *spec, struct ward_err **err)
{
	_cleanup_free_ char *ctdir = ward_host_ctdir(host, name);
	struct ward_config cfg = { 0 };
	struct ward_state st;
	struct ward_intent in;
	int r = ward_state_load(ctdir, &st, err);

	if (r == -ENOENT)
		return ward_err_set(err, ENOENT, "no container named %s", name);
	if (r < 0)
		return r;
	if (st.phase != WARD_PHASE_READY)
		return ward_err_set(err, EBUSY, "container %s is %s", name,
				    st.phase == WARD_PHASE_CREATING ? "still being created" : "being destroyed");
	if (ct_status(host, name, &st, &in) == WARD_CT_RUNNING)
		return ward_err_set(err, EALREADY, "container %s is already running", name);
	r = ward_config_load(ctdir, &cfg, err);
	if (r == 0)
		r = ward_spec_resolve(host, name, &cfg, st.lower, argv, spec, err);
	spec->ephemeral = st.ephemeral;
	ward_config_fini(&cfg);
	if (r == 0)
		r = ct_prepare_run(host, name, spec, err);
	return r;
}

static void init_for(struct ct_monitor *m, const struct ward_host *host, const char *name)
{
	_cleanup_free_ char *rundir = ward_host_rundir(host, name);
	_cleanup_free_ char *ctdir = ward_host_ctdir(host, name);

	ct_monitor_init(m, name, rundir, ctdir);
}

/* The forked monitor: boots init, reports, then becomes ward-monitor. */
static void __attribute__((noreturn)) monitor_main(struct ct_monitor *m, const struct ward_spec *spec,
						   int report, int lockfd)
{
	struct ward_err *err = NULL;
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC), wstatus;

	/* ward start may be gone (even killed) when we report: no SIGPIPE */
	signal(SIGPIPE, SIG_IGN);
	setsid();
	/* the monitor outlives the terminal ward start ran on */
	for (int i = 0; i < 3 && devnull >= 0; i++)
		dup2(devnull, i);
	if (boot_and_record(m, spec, &err) < 0) {
		if (write(report, err->msg, strlen(err->msg)) < 0)
			_exit(1);
		ct_rundir_remove(m->rundir, NULL);
		_exit(1);
	}
	if (write(report, "ok", 2) != 2) {
		/* ward start is gone: the container runs on regardless */
	}
	close(report);
	close(lockfd); /* ward start's copy goes when it exits */
	ct_monitor_exec(m);
	wstatus = ct_monitor_loop(m);
	ct_monitor_teardown(m, wstatus);
	_exit(0);
}

static int await_report(int fd, const char *name, struct ward_err **err)
{
	char msg[WARD_ERR_MSG_MAX];
	ssize_t n;

	do
		n = read(fd, msg, sizeof(msg) - 1);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return ward_err_set(err, EIO, "cannot start %s: its monitor died", name);
	if (n == 2 && !memcmp(msg, "ok", 2))
		return 0;
	msg[n] = '\0';
	return ward_err_set(err, EIO, "cannot start %s: %s", name, msg);
}

int ward_ct_start(const struct ward_host *host, const char *name,
		  struct ward_err **err)
{
	_cleanup_free_ char *ctdir = ward_host_ctdir(host, name);
	_cleanup_close_ int lockfd = -1;
	struct ward_spec spec = { 0 };
	struct ct_monitor m;
	int p[2], r;
	pid_t pid = -1;

	if (access(ctdir, F_OK) < 0)
		return ward_err_set(err, ENOENT, "no container named %s", name);
	lockfd = ward_ct_lock(host, name, true, err);
	if (lockfd < 0)
		return lockfd;
	init_for(&m, host, name);
	r = load_for_run(host, name, NULL, &spec, err);
	if (r == 0 && pipe2(p, O_CLOEXEC) < 0)
		r = ward_err_sys(err, errno, "cannot create a pipe");
	if (r == 0 && (pid = fork()) < 0) {
		r = ward_err_sys(err, errno, "cannot fork the monitor");
		close(p[0]);
		close(p[1]);
	}
	if (r == 0 && pid == 0) {
		close(p[0]);
		monitor_main(&m, &spec, p[1], lockfd);
	}
	if (r == 0) {
		close(p[1]);
		r = await_report(p[0], name, err);
		close(p[0]);
	}
	ward_spec_fini(&spec);
	ct_monitor_fini(&m);
	return r;
}

static int block_signals(struct ct_monitor *m, sigset_t *old, struct ward_err **err)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, old);
	m->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (m->sigfd < 0)
		return ward_err_sys(err, errno, "cannot create a signalfd");
	return 0;
}

int ward_ct_run(const struct ward_host *host, const char *name,
		const struct ward_run_opts *o, int *status, struct ward_err **err)
{
	_cleanup_close_ int lockfd = o->lockfd >= 0 ? o->lockfd : ward_ct_lock(host, name, true, err);
	struct ward_spec spec = { 0 };
	struct ct_monitor m;
	sigset_t old;
	int r, wstatus;

	if (lockfd < 0)
		return lockfd;
	init_for(&m, host, name);
	r = load_for_run(host, name, o->argv, &spec, err);
	if (r == 0)
		r = block_signals(&m, &old, err);
	m.ephemeral = spec.ephemeral;
	if (r == 0)
		r = boot_and_record(&m, &spec, err);
	ward_spec_fini(&spec);
	if (r < 0) {
		if (m.exec_status)
			*status = m.exec_status;
		if (m.sigfd >= 0)
			sigprocmask(SIG_SETMASK, &old, NULL);
		ct_release_intent(host, name, NULL);
		ct_monitor_fini(&m);
		return r;
	}
	close(TAKE_FD(lockfd));
	wstatus = ct_monitor_loop(&m);
	ct_monitor_teardown(&m, wstatus);
	sigprocmask(SIG_SETMASK, &old, NULL);
	*status = ct_wait_status(wstatus);
	ct_monitor_fini(&m);
	return 0;
}
