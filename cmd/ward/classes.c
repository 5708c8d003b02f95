/* The class file and its application to cgroups (see classes.h). */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "cmd/ward/classes.h"

int classes_load(struct verb_ctx *v, struct ward_classes *cs, int *lockfd,
		 struct ward_err **err)
{
	_cleanup_free_ char *text = NULL;
	int r;

	ward_classes_init(cs);
	if (lockfd) {
		*lockfd = ward_classfile_lock(&v->host, err);
		if (*lockfd < 0)
			return *lockfd;
	}
	r = ward_classfile_read(&v->host, &text, err);
	if (r == 0 && text)
		r = ward_classes_parse(text, cs, err);
	if (r < 0)
		ward_err_prefix(err, "class file %s/classes.conf", v->host.root);
	return r;
}

int classes_save(struct verb_ctx *v, const struct ward_classes *cs, struct ward_err **err)
{
	_cleanup_free_ char *text = ward_classes_format(cs);

	return ward_classfile_write(&v->host, text, err);
}

int classes_host(struct verb_ctx *v, const char *class, struct ward_class_host *h,
		 struct ward_err **err)
{
	_cleanup_free_ char *path = ward_host_class_cgroup(&v->host, class);
	struct ward_cg *cg = ward_cg_new(path, err);
	struct ward_cg_facts f;
	int r;

	if (!cg)
		return -EIO;
	r = ward_cg_host_facts(cg, &f, err);
	ward_cg_free(cg);
	if (r < 0)
		return r;
	memset(h, 0, sizeof(*h));
	h->layout = f.layout == WARD_CG_V2 ? WARD_CLASS_V2 : WARD_CLASS_V1;
	h->mem_total = f.mem_total;
	h->ncpus = f.ncpus;
	h->v1_cpu_idle = f.layout == WARD_CG_V1 && f.cpu_idle;
	h->v1_blkio_bfq_weight = f.io_weight_file && !strcmp(f.io_weight_file, "blkio.bfq.weight");
	h->v1_blkio_weight = f.io_weight_file && !strcmp(f.io_weight_file, "blkio.weight");
	return 0;
}

static void notes_add(char ***notes, size_t *n, char *const *add, size_t nadd)
{
	if (!notes)
		return;
	for (size_t i = 0; i < nadd; i++) {
		*notes = ward_xrealloc(*notes, (*n + 2) * sizeof(**notes));
		(*notes)[(*n)++] = ward_xstrdup(add[i]);
		(*notes)[*n] = NULL;
	}
}

/* One class: its cgroup, then its knobs in the order policy gives. */
static int apply_one(struct verb_ctx *v, const struct ward_classes *cs, const char *class,
		     const struct ward_class_host *h, struct ward_class_knobs *k,
		     struct ward_err **err)
{
	_cleanup_free_ char *path = ward_host_class_cgroup(&v->host, class);
	struct ward_cg *cg = ward_cg_new(path, err);
	int r;

	if (!cg)
		return -EIO;
	r = ward_cg_create(cg, err);
	if (r == 0)
		r = ward_class_knobs(cs, class, h, k, err);
	for (size_t i = 0; r == 0 && i < k->n; i++)
		r = ward_cg_set(cg, k->v[i].controller, k->v[i].file, k->v[i].value, err);
	ward_cg_free(cg);
	if (r < 0)
		ward_err_prefix(err, "class %s", class);
	return r;
}

int classes_apply(struct verb_ctx *v, const struct ward_classes *cs, char ***notes,
		  struct ward_err **err)
{
	struct ward_class_host h;
	size_t nn = 0;
	int r = classes_host(v, WARD_CLASS_DEFAULT, &h, err);

	if (notes)
		*notes = NULL;
	for (size_t i = 0; r == 0 && i < cs->n; i++) {
		struct ward_class_knobs k = { 0 };

		r = apply_one(v, cs, cs->v[i].name, &h, &k, err);
		notes_add(notes, &nn, k.notes, k.nnotes);
		ward_class_knobs_fini(&k);
	}
	return r;
}

int classes_prepare(struct verb_ctx *v, const char *class, struct ward_err **err)
{
	_cleanup_free_ char *text = NULL;
	struct ward_classes cs;
	int r = ward_classfile_read(&v->host, &text, err);

	if (r < 0 || (!text && !strcmp(class, WARD_CLASS_DEFAULT)))
		return r; /* no classes defined: nothing to apply */
	r = classes_load(v, &cs, NULL, err);
	if (r == 0 && !ward_classes_find(&cs, class))
		r = ward_err_set(err, ENOENT, "no class named %s (see `ward class ls`)", class);
	if (r == 0)
		r = classes_apply(v, &cs, NULL, err);
	ward_classes_fini(&cs);
	return r;
}

bool classes_in(const char *member_class, const char *class)
{
	size_t n = strlen(class);

	return !strcmp(member_class, class) ||
	       (!strncmp(member_class, class, n) && member_class[n] == '.');
}

int classes_members(struct verb_ctx *v, const char *class, char ***names, size_t *n,
		    struct ward_err **err)
{
	char **all = NULL;
	size_t nall = 0;
	int r = ward_ct_list(&v->host, &all, &nall, err);

	*names = NULL;
	*n = 0;
	for (size_t i = 0; r == 0 && i < nall; i++) {
		struct ward_ct_info info;
		const char *c;

		if (ward_ct_info(&v->host, all[i], &info, NULL) < 0)
			continue;
		c = ward_config_value(&info.config, "class");
		if (c && classes_in(c, class))
			notes_add(names, n, &all[i], 1);
		ward_ct_info_fini(&info);
	}
	ward_strv_free(all);
	return r;
}

int classes_for_new(struct verb_ctx *v, const char *name, const char *tmpl,
		    char **class, struct ward_err **err)
{
	const char *sudo = getenv("SUDO_USER");
	struct passwd *pw = sudo && *sudo ? getpwnam(sudo) : getpwuid(getuid());
	struct group *gr = pw ? getgrgid(pw->pw_gid) : NULL;
	struct ward_class_subject s = { pw ? pw->pw_name : NULL, gr ? gr->gr_name : NULL,
					name, tmpl ? tmpl : "busybox" };
	struct ward_classes cs;
	int r = classes_load(v, &cs, NULL, err);

	if (r == 0)
		*class = ward_xstrdup(ward_classes_match(&cs, &s));
	ward_classes_fini(&cs);
	return r;
}

int classes_resolve_new(struct verb_ctx *v, struct ward_config *cfg, const char *name,
			const char *tmpl, struct ward_err **err)
{
	const char *given = ward_config_get(cfg, "class");
	_cleanup_free_ char *class = NULL;
	struct ward_classes cs;
	int r;

	if (!given) {
		r = classes_for_new(v, name, tmpl, &class, err);
		if (r == 0 && strcmp(class, WARD_CLASS_DEFAULT))
			r = ward_config_set(cfg, "class", class, err);
		return r;
	}
	r = classes_load(v, &cs, NULL, err);
	if (r == 0 && !ward_classes_find(&cs, given))
		r = ward_err_set(err, ENOENT, "no class named %s (see `ward class ls`)", given);
	ward_classes_fini(&cs);
	return r;
}

int classes_prepare_ct(struct verb_ctx *v, const char *name, struct ward_err **err)
{
	struct ward_ct_info info;
	int r = ward_ct_info(&v->host, name, &info, err);

	if (r == 0)
		r = classes_prepare(v, ward_config_value(&info.config, "class"), err);
	ward_ct_info_fini(&info);
	return r;
}
