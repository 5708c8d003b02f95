/* Releasing kernel objects from intent records: destroy, gc, status. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container/container-internal.h"

static int release_cgroup(const char *relpath, struct ward_err **err)
{
	struct ward_cg *cg = ward_cg_new(relpath, err);
	int r;

	if (!cg)
		return -EIO;
	ward_cg_kill(cg, 2000, NULL);
	r = ward_cg_destroy(cg, err);
	ward_cg_free(cg);
	return r;
}

int ct_release_intent(const struct ward_host *host, const char *name,
		      struct ward_err **err)
{
	_cleanup_free_ char *rundir = ward_host_rundir(host, name);
	struct ward_intent in;
	int r = 0;

	if (ward_intent_load(rundir, &in, NULL) == 0) {
		if (in.moving_from[0])
			r = release_cgroup(in.moving_from, err);
		if (r == 0)
			r = release_cgroup(in.cgroup, err);
		if (r < 0)
			return r; /* the intent stays so the next gc retries */
	}
	return ct_rundir_remove(rundir, err);
}

enum ward_ct_status ct_status(const struct ward_host *host, const char *name,
			      const struct ward_state *st, struct ward_intent *in)
{
	_cleanup_free_ char *rundir = ward_host_rundir(host, name);

	memset(in, 0, sizeof(*in));
	if (st->phase == WARD_PHASE_CREATING)
		return WARD_CT_CREATING;
	if (st->phase == WARD_PHASE_DESTROYING)
		return WARD_CT_DESTROYING;
	if (ward_intent_load(rundir, in, NULL) < 0)
		return WARD_CT_STOPPED;
	if (ward_intent_monitor_alive(in))
		return WARD_CT_RUNNING;
	return WARD_CT_ABANDONED;
}

const char *ward_ct_status_name(enum ward_ct_status s)
{
	switch (s) {
	case WARD_CT_STOPPED: return "stopped";
	case WARD_CT_RUNNING: return "running";
	case WARD_CT_CREATING: return "creating";
	case WARD_CT_DESTROYING: return "destroying";
	case WARD_CT_ABANDONED: return "abandoned";
	case WARD_CT_STARTING: return "starting";
	}
	return "unknown";
}

/* Removes the container's directory and lock; the caller holds the lock. */
/* Removes the container's directory and lock; the caller holds the lock.
 * Without st (no valid state.json: a create that died before its first
 * save) there is no phase to record. */
static int remove_container(const struct ward_host *host, const char *name,
			    struct ward_state *st, struct ward_err **err)
{
	_cleanup_free_ char *ctdir = ward_host_ctdir(host, name);
	_cleanup_free_ char *lock = ward_xasprintf("%s/locks/%s", host->root, name);
	int r = 0;

	if (st) {
		st->phase = WARD_PHASE_DESTROYING;
		r = ward_state_save(ctdir, st, err);
	}
	if (r == 0)
		r = ct_release_intent(host, name, err);
	if (r == 0)
		r = ward_rm_rf_at(AT_FDCWD, ctdir, err);
	if (r == 0)
		unlink(lock);
	return r;
}

/* destroy --force of a directory without a valid state.json */
static int destroy_stateless(const struct ward_host *host, const char *name,
			     struct ward_err **err)
{
	_cleanup_free_ char *ctdir = ward_host_ctdir(host, name);
	_cleanup_close_ int lockfd = -1;

	if (access(ctdir, F_OK) < 0)
		return ward_err_set(err, ENOENT, "no container named %s", name);
	lockfd = ward_ct_lock(host, name, true, err);
	if (lockfd < 0)
		return lockfd;
	return remove_container(host, name, NULL, err);
}

int ward_ct_destroy(const struct ward_host *host, const char *name, bool force,
		    struct ward_err **err)
{
	_cleanup_free_ char *ctdir = ward_host_ctdir(host, name);
	struct ward_stop_opts kill = { .timeout = 0, .force = true };
	_cleanup_close_ int lockfd = -1;
	struct ward_intent in;
	struct ward_state st;
	int r;

	r = ward_state_load(ctdir, &st, NULL);
	if (r < 0 && force)
		return destroy_stateless(host, name, err);
	if (r < 0)
		return ward_err_set(err, ENOENT, "no container named %s", name);
	if (ct_status(host, name, &st, &in) == WARD_CT_RUNNING) {
		if (!force)
			return ward_err_set(err, EBUSY, "container %s is running; stop it first or use --force", name);
		r = ward_ct_stop(host, name, &kill, err);
		if (r < 0 && r != -ESRCH)
			return r;
	}
	lockfd = ward_ct_lock(host, name, true, err);
	if (lockfd < 0)
		return lockfd;
	if (ward_state_load(ctdir, &st, NULL) < 0)
		return ward_err_set(err, ENOENT, "no container named %s", name);
	if (ct_status(host, name, &st, &in) == WARD_CT_RUNNING)
		return ward_err_set(err, EBUSY, "container %s was started again meanwhile", name);
	return remove_container(host, name, &st, err);
}

static void strv_push(char ***v, size_t *n, const char *s)
{
	*v = ward_xrealloc(*v, (*n + 2) * sizeof(**v));
	(*v)[(*n)++] = ward_xstrdup(s);
	(*v)[*n] = NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int ward_ct_list(const struct ward_host *host, char ***names, size_t *n,
		 struct ward_err **err)
{
	_cleanup_free_ char *dir = ward_xasprintf("%s/containers", host->root);
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *de;

	*names = NULL;
	*n = 0;
	if (!d)
		return errno == ENOENT ? 0 : ward_err_sys(err, errno, "cannot read %s", dir);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && ward_name_check(de->d_name, "", NULL) == 0)
			strv_push(names, n, de->d_name);
	if (*n)
		qsort(*names, *n, sizeof(**names), cmp_str);
	return 0;
}

/* One container for gc: skip it if a command holds its lock right now. */
static int gc_one(const struct ward_host *host, const char *name, struct ward_err **err)
{
	_cleanup_free_ char *ctdir = ward_host_ctdir(host, name);
	_cleanup_close_ int lockfd = ward_ct_lock(host, name, false, NULL);
	struct ward_intent in;
	struct ward_state st;

	if (lockfd < 0)
		return 0;
	if (ward_state_load(ctdir, &st, NULL) < 0) {
		/* a run dir without a container (a crashed destroy), or a
		 * container dir without a state (a crashed create) */
		if (access(ctdir, F_OK) == 0)
			return remove_container(host, name, NULL, err) == 0 ? 1 : -EIO;
		return ct_release_intent(host, name, err) == 0 ? 1 : -EIO;
	}
	switch (ct_status(host, name, &st, &in)) {
	case WARD_CT_CREATING:
	case WARD_CT_DESTROYING:
		return remove_container(host, name, &st, err) == 0 ? 1 : -EIO;
	case WARD_CT_ABANDONED:
		if (ct_release_intent(host, name, err) < 0)
			return -EIO;
		/* an ephemeral container whose ward run died goes as a whole */
		return st.ephemeral && remove_container(host, name, &st, err) < 0 ? -EIO : 1;
	case WARD_CT_STOPPED:
		/* ward run --rm holds the lock from create until init runs and
		 * destroys as soon as init exits: a stopped ephemeral container
		 * we could lock is one whose run is over or died */
		if (!st.ephemeral)
			return 0;
		return remove_container(host, name, &st, err) == 0 ? 1 : -EIO;
	default:
		return 0;
	}
}

int ward_ct_gc(const struct ward_host *host, int *cleaned, struct ward_err **err)
{
	_cleanup_closedir_ DIR *rd = opendir(host->run);
	char **names = NULL;
	size_t n = 0;
	int r = ward_ct_list(host, &names, &n, err), first = 0;
	struct dirent *de;

	*cleaned = 0;
	if (r < 0)
		return r;
	/* run dirs of containers whose directory is already gone */
	while (rd && (de = readdir(rd)))
		if (de->d_name[0] != '.' && ward_name_check(de->d_name, "", NULL) == 0)
			strv_push(&names, &n, de->d_name);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && !strcmp(names[i], names[i - 1]))
			continue;
		r = gc_one(host, names[i], err);
		if (r > 0)
			*cleaned += r;
		if (r < 0 && !first)
			first = r;
	}
	ward_strv_free(names);
	r = ward_template_cache_gc(host, err);
	if (r > 0)
		*cleaned += r;
	return first ? first : (r < 0 ? r : 0);
}
