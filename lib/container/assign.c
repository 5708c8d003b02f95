/* Live class changes and the class file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "container/container-internal.h"

#define CLASSFILE "classes.conf"

int ward_classfile_lock(const struct ward_host *host, struct ward_err **err)
{
	/* a lock name no container can have: names never start with '.' */
	return ward_ct_lock(host, ".classes", true, err);
}

int ward_classfile_read(const struct ward_host *host, char **text, struct ward_err **err)
{
	_cleanup_close_ int dfd = open(host->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r;

	*text = NULL;
	if (dfd < 0)
		return errno == ENOENT ? 0 : ward_err_sys(err, errno, "cannot open %s", host->root);
	r = ward_file_read(dfd, CLASSFILE, text, NULL, NULL);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return ward_err_sys(err, r, "cannot read %s/%s", host->root, CLASSFILE);
	return 0;
}

int ward_classfile_write(const struct ward_host *host, const char *text, struct ward_err **err)
{
	_cleanup_close_ int dfd = -1;
	int r = ward_mkdir_p(AT_FDCWD, host->root, 0755, err);

	if (r < 0)
		return r;
	dfd = open(host->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return ward_err_sys(err, errno, "cannot open %s", host->root);
	return ward_file_write_atomic(dfd, CLASSFILE, text, strlen(text), 0644, err);
}

/* Tells the monitor which cgroup it tears down from now on. */
static int tell_monitor(const struct ward_host *host, const char *name, const char *cgroup,
			struct ward_err **err)
{
	_cleanup_free_ char *req = ward_xasprintf("cgroup %s\n", cgroup);
	_cleanup_close_ int fd = ct_monitor_connect(host, name, req, err);
	char ans[128] = "";

	if (fd < 0)
		return fd;
	if (recv(fd, ans, sizeof(ans) - 1, 0) <= 0 || strncmp(ans, "ok", 2))
		return ward_err_set(err, EIO, "the monitor of %s did not take the new cgroup", name);
	return 0;
}

/* The intent names both cgroups while processes move, so a crash in the
 * middle leaves nothing gc cannot find. */
static int move_running(const struct ward_host *host, const char *name,
			const char *to_path, struct ward_err **err)
{
	_cleanup_free_ char *rundir = ward_host_rundir(host, name);
	struct ward_cg *from = NULL, *to = NULL;
	struct ward_intent in;
	int r = ward_intent_load(rundir, &in, err);

	if (r < 0)
		return r;
	snprintf(in.moving_from, sizeof(in.moving_from), "%s", in.cgroup);
	snprintf(in.cgroup, sizeof(in.cgroup), "%s", to_path);
	r = ward_intent_save(rundir, &in, err);
	from = r == 0 ? ward_cg_new(in.moving_from, err) : NULL;
	to = from ? ward_cg_new(to_path, err) : NULL;
	r = to ? ward_cg_move(from, to, err) : (r < 0 ? r : -EIO);
	if (r == 0)
		r = tell_monitor(host, name, to_path, err);
	if (r == 0) {
		in.moving_from[0] = '\0';
		r = ward_intent_save(rundir, &in, err);
	}
	ward_cg_free(from);
	ward_cg_free(to);
	return r;
}

int ward_ct_assign(const struct ward_host *host, const char *name, const char *class,
		   struct ward_err **err)
{
	return ward_ct_config_update(host, name, "class", class, err);
}

/* With the lock held: a running container follows its new class now. */
int ct_class_follow(const struct ward_host *host, const char *name, const char *class,
		    const struct ward_state *st, struct ward_err **err)
{
	_cleanup_free_ char *cls = ward_host_class_cgroup(host, class);
	_cleanup_free_ char *to = ward_xasprintf("%s/%s", cls, name);
	struct ward_intent in;

	if (ct_status(host, name, st, &in) != WARD_CT_RUNNING || !strcmp(in.cgroup, to))
		return 0;
	return move_running(host, name, to, err);
}
