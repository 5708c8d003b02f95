/* Create: a directory, a config, a rootfs from a template; and config edits. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "container/container-internal.h"

/* An ephemeral container of a data template overlays the shared template
 * cache (st->lower); every other container gets its own copy. */
static int fill_rootfs(const struct ward_host *host, const char *ctdir, const char *tpl,
		       struct ward_state *st, struct ward_config *cfg, struct ward_err **err)
{
	struct ward_template_info info = { 0 };
	_cleanup_close_ int dfd = -1, rfd = -1;
	_cleanup_free_ char *lower = NULL;
	int r;

	dfd = open(ctdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || mkdirat(dfd, "rootfs", 0755) < 0)
		return ward_err_sys(err, errno, "cannot create %s/rootfs", ctdir);
	rfd = openat(dfd, "rootfs", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (rfd < 0)
		return ward_err_sys(err, errno, "cannot open %s/rootfs", ctdir);
	r = -EOPNOTSUPP;
	if (st->ephemeral && ward_template_text(tpl, &lower, NULL) == 0) {
		free(TAKE_PTR(lower));
		r = ward_template_cache(host, tpl, &lower, &info, err);
		if (r == 0)
			snprintf(st->lower, sizeof(st->lower), "%s", lower);
	}
	if (r == -EOPNOTSUPP)
		r = ward_template_install(tpl, rfd, &info, err);
	if (r == -ENOENT && err && *err) {
		/* a missing template is bad input, not a missing container */
		(*err)->code = EINVAL;
		r = -EINVAL;
	}
	if (r < 0)
		return r;
	/* what the template knows about its init becomes the default config */
	if (info.stop_signal && !ward_config_get(cfg, "stop.signal"))
		r = ward_config_set(cfg, "stop.signal", ward_signal_name(info.stop_signal), err);
	if (r == 0 && info.init[0] && !ward_config_get(cfg, "init"))
		r = ward_config_set(cfg, "init", info.init, err);
	return r;
}

static void copy_config(struct ward_config *dst, const struct ward_config *src)
{
	for (size_t i = 0; src && i < src->n; i++)
		ward_config_set(dst, src->kv[i].key, src->kv[i].value, NULL);
}

int ward_ct_create(const struct ward_host *host, const char *name,
		   const struct ward_create_opts *o, struct ward_err **err)
{
	_cleanup_free_ char *ctdir = ward_host_ctdir(host, name);
	_cleanup_free_ char *parent = ward_xasprintf("%s/containers", host->root);
	_cleanup_close_ int lockfd = -1;
	struct ward_state st = { .phase = WARD_PHASE_CREATING, .created = time(NULL),
				 .ephemeral = o->ephemeral };
	struct ward_config cfg = { 0 };
	const char *tpl = o->template ? o->template : "busybox";
	int r = ward_name_check(name, "container name", err);

	if (r < 0)
		return r;
	lockfd = ward_ct_lock(host, name, true, err);
	if (lockfd < 0)
		return lockfd;
	r = ward_mkdir_p(AT_FDCWD, parent, 0700, err);
	if (r < 0)
		return r;
	if (mkdir(ctdir, 0700) < 0)
		return errno == EEXIST ? ward_err_set(err, EEXIST, "container %s already exists", name)
				       : ward_err_sys(err, errno, "cannot create %s", ctdir);
	snprintf(st.template, sizeof(st.template), "%s", tpl);
	/* the state says "creating" before anything else exists: a crash from
	 * here on is finished by gc */
	r = ward_state_save(ctdir, &st, err);
	copy_config(&cfg, o->config);
	if (r == 0)
		r = fill_rootfs(host, ctdir, tpl, &st, &cfg, err);
	if (r == 0)
		r = ward_config_save(ctdir, &cfg, !o->ephemeral, err);
	ward_config_fini(&cfg);
	if (r == 0) {
		st.phase = WARD_PHASE_READY;
		r = ward_state_save(ctdir, &st, err);
	}
	if (r < 0)
		ward_rm_rf_at(AT_FDCWD, ctdir, NULL);
	else if (o->hold_lock)
		*o->hold_lock = TAKE_FD(lockfd);
	return r;
}

int ward_ct_config_update(const struct ward_host *host, const char *name,
			  const char *key, const char *value, struct ward_err **err)
{
	_cleanup_free_ char *ctdir = ward_host_ctdir(host, name);
	_cleanup_close_ int lockfd = ward_ct_lock(host, name, true, err);
	struct ward_config cfg = { 0 };
	struct ward_state st;
	int r;

	if (lockfd < 0)
		return lockfd;
	if (ward_state_load(ctdir, &st, NULL) < 0 || st.phase != WARD_PHASE_READY)
		return ward_err_set(err, ENOENT, "no container named %s", name);
	r = ward_config_load(ctdir, &cfg, err);
	if (r == 0)
		r = value ? ward_config_set(&cfg, key, value, err) : ward_config_unset(&cfg, key, err);
	/* the class is the one key that applies live: the cgroup follows */
	if (r == 0 && !strcmp(key, "class"))
		r = ct_class_follow(host, name, ward_config_value(&cfg, "class"), &st, err);
	if (r == 0)
		r = ward_config_save(ctdir, &cfg, !st.ephemeral, err);
	ward_config_fini(&cfg);
	return r;
}
