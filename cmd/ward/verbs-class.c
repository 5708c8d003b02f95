/* ward class create|set|ls|show|rm|check|apply|assign|rule. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "cmd/ward/classes.h"

static const char class_help[] =
	"usage: ward class create NAME [--KEY VALUE]...   KEY: tier, cpu-shares, cpu-min,\n"
	"                                                 cpu-softmax, cpu-hardmax, memory-*,\n"
	"                                                 io-*, pids-max (VALUE none unsets)\n"
	"       ward class set NAME [--KEY VALUE]...      applies live to running members\n"
	"       ward class ls [--format json]\n"
	"       ward class show NAME [--format json]\n"
	"       ward class rm NAME [--force]              --force moves members to default\n"
	"       ward class check [FILE]                   validates without applying\n"
	"       ward class apply                          applies the class file\n"
	"       ward class assign CONTAINER CLASS         live, while running\n"
	"       ward class rule add CLASS [--owner U] [--group G] [--name GLOB] [--template GLOB]\n"
	"       ward class rule ls | ward class rule rm N\n";

static int fail(struct verb_ctx *v, struct ward_err *err)
{
	int r = report(v, err);

	ward_err_free(err);
	return r;
}

/* Notes about `only` (NULL: all), which policy prefixes "CLASS: ". */
static void print_notes(char **notes, const char *only)
{
	size_t n = only ? strlen(only) : 0;

	for (size_t i = 0; notes && notes[i]; i++)
		if (!only || (!strncmp(notes[i], only, n) && notes[i][n] == ':'))
			printf("note: %s\n", notes[i]);
}

/* "--cpu-shares 60" / "--cpu-shares=60" -> {"cpu.shares", "60"}; "none"
 * unsets. Keys are checked by policy. */
static int parse_kv(struct verb_ctx *v, int argc, char **argv, struct ward_class_kv *kv,
		    char (*keys)[32], size_t *n)
{
	*n = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *eq, *val;
		char *dash;

		if (strncmp(a, "--", 2) || *n == 32)
			return usage_error(v, "expected --KEY VALUE, got '%s'", a);
		eq = strchr(a, '=');
		val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
		if (!val)
			return usage_error(v, "%s needs a value", a);
		snprintf(keys[*n], sizeof(keys[*n]), "%.*s", (int)(eq ? eq - a - 2 : (long)strlen(a + 2)), a + 2);
		if ((dash = strchr(keys[*n], '-')))
			*dash = '.';
		kv[*n].key = keys[*n];
		kv[*n].value = strcmp(val, "none") ? val : NULL;
		(*n)++;
	}
	return 0;
}

/* create and set: change the set, check it whole, save, apply live. */
static int class_change(struct verb_ctx *v, bool create, int argc, char **argv)
{
	struct ward_class_kv kv[32];
	char keys[32][32], **notes = NULL;
	struct ward_err *err = NULL;
	struct ward_classes cs;
	_cleanup_close_ int lockfd = -1;
	size_t n;
	int r;

	if (argc < 1)
		return usage_error(v, "expected a class NAME");
	r = parse_kv(v, argc - 1, argv + 1, kv, keys, &n);
	if (r)
		return r;
	r = classes_load(v, &cs, &lockfd, &err);
	if (r == 0)
		r = create ? ward_classes_add(&cs, argv[0], kv, n, &err)
			   : ward_classes_set(&cs, argv[0], kv, n, &err);
	if (r == 0)
		r = classes_apply(v, &cs, &notes, &err);
	if (r == 0)
		r = classes_save(v, &cs, &err);
	ward_classes_fini(&cs);
	print_notes(notes, argv[0]);
	ward_strv_free(notes);
	return r < 0 ? fail(v, err) : 0;
}

static struct json_object *class_json(const struct ward_class *c, size_t members)
{
	struct json_object *o = json_object_new_object();
	size_t nk;
	const char *const *keys = ward_class_keys(&nk);

	json_object_object_add(o, "name", json_object_new_string(c->name));
	for (size_t i = 0; i < nk; i++) {
		char *val = ward_class_value(c, keys[i]);
		if (val)
			json_object_object_add(o, keys[i], json_object_new_string(val));
		free(val);
	}
	json_object_object_add(o, "members", json_object_new_int((int)members));
	return o;
}

static int class_ls(struct verb_ctx *v, bool json)
{
	struct json_object *arr = json_object_new_array();
	struct ward_err *err = NULL;
	struct ward_classes cs;
	int r = classes_load(v, &cs, NULL, &err);

	if (r < 0) {
		json_object_put(arr);
		return fail(v, err);
	}
	if (!json)
		printf("%-20s %-4s %-10s %-14s %-8s %s\n", "NAME", "TIER", "CPU.SHARES",
		       "MEMORY.HARDMAX", "PIDS.MAX", "MEMBERS");
	for (size_t i = 0; i < cs.n; i++) {
		char **m = NULL;
		size_t nm = 0;
		char *tier = ward_class_value(&cs.v[i], "tier");
		char *sh = ward_class_value(&cs.v[i], "cpu.shares");
		char *mh = ward_class_value(&cs.v[i], "memory.hardmax");
		char *pm = ward_class_value(&cs.v[i], "pids.max");

		classes_members(v, cs.v[i].name, &m, &nm, NULL);
		if (json)
			json_object_array_add(arr, class_json(&cs.v[i], nm));
		else
			printf("%-20s %-4s %-10s %-14s %-8s %zu\n", cs.v[i].name, tier ? tier : "0",
			       sh ? sh : "1", mh ? mh : "-", pm ? pm : "-", nm);
		free(tier), free(sh), free(mh), free(pm);
		ward_strv_free(m);
	}
	if (json)
		printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY));
	json_object_put(arr);
	ward_classes_fini(&cs);
	return 0;
}

/* Knob values as policy computes them and as cgroupfs holds them now. */
static void show_knobs(struct verb_ctx *v, const struct ward_classes *cs, const char *name,
		       struct json_object *o)
{
	_cleanup_free_ char *path = ward_host_class_cgroup(&v->host, name);
	struct ward_class_knobs k = { 0 };
	struct ward_class_host h;
	struct ward_cg *cg = ward_cg_new(path, NULL);
	struct json_object *ka = json_object_new_array(), *na = json_object_new_array();

	if (classes_host(v, name, &h, NULL) == 0 && ward_class_knobs(cs, name, &h, &k, NULL) == 0) {
		for (size_t i = 0; i < k.n; i++) {
			struct json_object *e;
			char *now = NULL;

			/* the end state only: a file written twice (cpu.idle around a
			 * weight write) shows its last value */
			if (ward_class_knobs_get(&k, k.v[i].file) != k.v[i].value)
				continue;
			e = json_object_new_object();
			if (cg)
				ward_cg_get(cg, k.v[i].controller, k.v[i].file, &now, NULL);
			json_object_object_add(e, "file", json_object_new_string(k.v[i].file));
			json_object_object_add(e, "value", json_object_new_string(k.v[i].value));
			json_object_object_add(e, "current", now ? json_object_new_string(now) : NULL);
			json_object_array_add(ka, e);
			free(now);
		}
		for (size_t i = 0; i < k.nnotes; i++)
			json_object_array_add(na, json_object_new_string(k.notes[i]));
	}
	json_object_object_add(o, "knobs", ka);
	json_object_object_add(o, "notes", na);
	ward_class_knobs_fini(&k);
	ward_cg_free(cg);
}

static void print_show(struct json_object *o)
{
	struct json_object *ka, *na, *ma;

	json_object_object_foreach(o, key, val) {
		if (json_object_is_type(val, json_type_string) || json_object_is_type(val, json_type_int))
			printf("%-16s %s\n", key, json_object_get_string(val));
	}
	if (json_object_object_get_ex(o, "members", &ma) && json_object_is_type(ma, json_type_array))
		for (size_t i = 0; i < json_object_array_length(ma); i++)
			printf("member           %s\n", json_object_get_string(json_object_array_get_idx(ma, i)));
	json_object_object_get_ex(o, "knobs", &ka);
	for (size_t i = 0; ka && i < json_object_array_length(ka); i++) {
		struct json_object *e = json_object_array_get_idx(ka, i), *f, *want, *cur;

		json_object_object_get_ex(e, "file", &f);
		json_object_object_get_ex(e, "value", &want);
		json_object_object_get_ex(e, "current", &cur);
		printf("knob             %s = %s (now %s)\n", json_object_get_string(f),
		       json_object_get_string(want), cur ? json_object_get_string(cur) : "-");
	}
	json_object_object_get_ex(o, "notes", &na);
	for (size_t i = 0; na && i < json_object_array_length(na); i++)
		printf("note             %s\n", json_object_get_string(json_object_array_get_idx(na, i)));
}

static int class_show(struct verb_ctx *v, const char *name, bool json)
{
	struct ward_err *err = NULL;
	struct ward_classes cs;
	const struct ward_class *c;
	struct json_object *o, *ma;
	char **m = NULL;
	size_t nm = 0;
	int r = classes_load(v, &cs, NULL, &err);

	if (r < 0)
		return fail(v, err);
	c = ward_classes_find(&cs, name);
	if (!c) {
		ward_classes_fini(&cs);
		ward_err_set(&err, ENOENT, "no class named %s", name);
		return fail(v, err);
	}
	classes_members(v, name, &m, &nm, NULL);
	o = class_json(c, nm);
	ma = json_object_new_array();
	for (size_t i = 0; i < nm; i++)
		json_object_array_add(ma, json_object_new_string(m[i]));
	json_object_object_add(o, "members", ma);
	show_knobs(v, &cs, name, o);
	if (json)
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
	else
		print_show(o);
	json_object_put(o);
	ward_strv_free(m);
	ward_classes_fini(&cs);
	return 0;
}

/* Members move to default first (live), then the class and its cgroups go. */
static int class_rm(struct verb_ctx *v, const char *name, bool force)
{
	_cleanup_free_ char *path = ward_host_class_cgroup(&v->host, name);
	_cleanup_close_ int lockfd = -1;
	struct ward_err *err = NULL;
	struct ward_classes cs;
	char **m = NULL;
	size_t nm = 0;
	int r = classes_load(v, &cs, &lockfd, &err);

	if (r == 0 && !ward_classes_find(&cs, name))
		r = ward_err_set(&err, ENOENT, "no class named %s", name);
	if (r == 0)
		r = classes_members(v, name, &m, &nm, &err);
	if (r == 0 && nm && !force)
		r = ward_err_set(&err, EBUSY, "class %s has %zu member%s (%s%s); use --force to move them to %s",
				 name, nm, nm == 1 ? "" : "s", m[0], nm > 1 ? ", ..." : "", WARD_CLASS_DEFAULT);
	if (r == 0)
		r = ward_classes_remove(&cs, name, &err);
	for (size_t i = 0; r == 0 && i < nm; i++)
		r = ward_ct_assign(&v->host, m[i], WARD_CLASS_DEFAULT, &err);
	if (r == 0)
		r = classes_save(v, &cs, &err);
	if (r == 0)
		r = ward_cg_rmdir_path(path, &err);
	ward_strv_free(m);
	ward_classes_fini(&cs);
	return r < 0 ? fail(v, err) : 0;
}

static int class_check(struct verb_ctx *v, const char *file)
{
	_cleanup_free_ char *text = NULL;
	struct ward_err *err = NULL;
	struct ward_classes cs;
	struct ward_class_host h;
	int r = 0;

	ward_classes_init(&cs);
	if (file)
		r = ward_file_read(AT_FDCWD, file, &text, NULL, &err);
	else
		r = ward_classfile_read(&v->host, &text, &err);
	if (r == 0 && text)
		r = ward_classes_parse(text, &cs, &err);
	if (r == 0)
		r = classes_host(v, WARD_CLASS_DEFAULT, &h, &err);
	for (size_t i = 0; r == 0 && i < cs.n; i++) {
		struct ward_class_knobs k = { 0 };

		r = ward_class_knobs(&cs, cs.v[i].name, &h, &k, &err);
		print_notes(k.notes, NULL);
		ward_class_knobs_fini(&k);
	}
	if (r == 0)
		printf("%s: %zu class%s, %zu rule%s: ok\n", file ? file : "classes.conf", cs.n,
		       cs.n == 1 ? "" : "es", cs.nrules, cs.nrules == 1 ? "" : "s");
	ward_classes_fini(&cs);
	return r < 0 ? fail(v, err) : 0;
}

/* A hand-edited file may drop a class: refused while a container is in it. */
static int check_members(struct verb_ctx *v, const struct ward_classes *cs, struct ward_err **err)
{
	char **names = NULL;
	size_t n = 0;
	int r = ward_ct_list(&v->host, &names, &n, err);

	for (size_t i = 0; r == 0 && i < n; i++) {
		struct ward_ct_info info;
		const char *c;

		if (ward_ct_info(&v->host, names[i], &info, NULL) < 0)
			continue;
		c = ward_config_value(&info.config, "class");
		if (c && !ward_classes_find(cs, c))
			r = ward_err_set(err, EBUSY, "container %s is in class %s, which the file no longer "
					 "defines (ward class assign %s CLASS first)", names[i], c, names[i]);
		ward_ct_info_fini(&info);
	}
	ward_strv_free(names);
	return r;
}

/* Removes the cgroups of classes the file no longer defines, below `parent`
 * ("" for the top level); container leaves are left to their containers. */
static void prune(struct verb_ctx *v, const struct ward_classes *cs, const char *parent)
{
	_cleanup_free_ char *base = parent[0] ? ward_host_class_cgroup(&v->host, parent)
					      : ward_xstrdup(v->host.cg_root);
	char **kids = NULL;

	ward_cg_children(base, &kids, NULL);
	for (size_t i = 0; kids && kids[i]; i++) {
		_cleanup_free_ char *cls = parent[0] ? ward_xasprintf("%s.%s", parent, kids[i])
						     : ward_xstrdup(kids[i]);
		_cleanup_free_ char *path = ward_xasprintf("%s/%s", base, kids[i]);
		_cleanup_free_ char *ctdir = ward_host_ctdir(&v->host, kids[i]);

		if (ward_classes_find(cs, cls)) {
			if (!parent[0])
				prune(v, cs, cls);
		} else if (!parent[0] || access(ctdir, F_OK) < 0) {
			if (!parent[0])
				prune(v, cs, cls);
			ward_cg_rmdir_path(path, NULL);
		}
	}
	ward_strv_free(kids);
}

static int class_apply(struct verb_ctx *v)
{
	_cleanup_close_ int lockfd = -1;
	struct ward_err *err = NULL;
	struct ward_classes cs;
	char **notes = NULL;
	int r = classes_load(v, &cs, &lockfd, &err);

	if (r == 0)
		r = check_members(v, &cs, &err);
	if (r == 0)
		r = classes_apply(v, &cs, &notes, &err);
	if (r == 0)
		prune(v, &cs, "");
	print_notes(notes, NULL);
	ward_strv_free(notes);
	ward_classes_fini(&cs);
	return r < 0 ? fail(v, err) : 0;
}

static int class_assign(struct verb_ctx *v, const char *ct, const char *class)
{
	struct ward_err *err = NULL;
	int r = ward_name_check(ct, "container name", &err);

	if (r == 0)
		r = classes_prepare(v, class, &err);
	if (r == 0)
		r = ward_ct_assign(&v->host, ct, class, &err);
	return r < 0 ? fail(v, err) : 0;
}

static int rule_add(struct verb_ctx *v, int argc, char **argv)
{
	static const char *const crit[] = { "owner", "group", "name", "template" };
	_cleanup_close_ int lockfd = -1;
	_cleanup_free_ char *line = NULL;
	struct ward_err *err = NULL;
	struct ward_classes cs;
	int r;

	if (argc < 1)
		return usage_error(v, "expected rule add CLASS [--owner U] [--group G] [--name GLOB] [--template GLOB]");
	line = ward_xstrdup(argv[0]);
	for (int i = 1; i < argc; i += 2) {
		bool ok = false;
		char *next;

		for (size_t k = 0; k < sizeof(crit) / sizeof(crit[0]); k++)
			ok |= !strncmp(argv[i], "--", 2) && !strcmp(argv[i] + 2, crit[k]);
		if (!ok || i + 1 >= argc)
			return usage_error(v, "expected --owner, --group, --name or --template with a value, got '%s'", argv[i]);
		next = ward_xasprintf("%s %s=%s", line, argv[i] + 2, argv[i + 1]);
		free(line);
		line = next;
	}
	r = classes_load(v, &cs, &lockfd, &err);
	if (r == 0)
		r = ward_classes_rule_add(&cs, line, &err);
	if (r == 0)
		r = classes_save(v, &cs, &err);
	ward_classes_fini(&cs);
	return r < 0 ? fail(v, err) : 0;
}

static int rule_ls(struct verb_ctx *v)
{
	struct ward_err *err = NULL;
	struct ward_classes cs;
	int r = classes_load(v, &cs, NULL, &err);

	if (r < 0)
		return fail(v, err);
	for (size_t i = 0; i < cs.nrules; i++) {
		char *s = ward_class_rule_format(&cs.rules[i]);
		printf("%zu %s\n", i + 1, s);
		free(s);
	}
	ward_classes_fini(&cs);
	return 0;
}

static int rule_rm(struct verb_ctx *v, const char *num)
{
	_cleanup_close_ int lockfd = -1;
	struct ward_err *err = NULL;
	struct ward_classes cs;
	char *end;
	long i = strtol(num, &end, 10);
	int r;

	if (*end || i < 1)
		return usage_error(v, "'%s' is not a rule number (see `ward class rule ls`)", num);
	r = classes_load(v, &cs, &lockfd, &err);
	if (r == 0)
		r = ward_classes_rule_remove(&cs, (size_t)i - 1, &err);
	if (r == 0)
		r = classes_save(v, &cs, &err);
	ward_classes_fini(&cs);
	return r < 0 ? fail(v, err) : 0;
}

static int class_rule(struct verb_ctx *v, int argc, char **argv)
{
	const char *sub = argc > 0 ? argv[0] : "";

	if (!strcmp(sub, "add"))
		return rule_add(v, argc - 1, argv + 1);
	if (!strcmp(sub, "ls") && argc == 1)
		return rule_ls(v);
	if (!strcmp(sub, "rm") && argc == 2)
		return rule_rm(v, argv[1]);
	return usage_error(v, "expected class rule add|ls|rm");
}

/* "--format json" as the only option of ls and show. */
static int format_of(struct verb_ctx *v, int argc, char **argv, int first, bool *json)
{
	for (int i = first; i < argc; i++) {
		if (!strcmp(argv[i], "--format") && i + 1 < argc)
			return parse_format(v, argv[++i], json);
		if (!strncmp(argv[i], "--format=", 9))
			return parse_format(v, argv[i] + 9, json);
		return usage_error(v, "unexpected '%s'", argv[i]);
	}
	return 0;
}

int cmd_class(struct verb_ctx *v, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	bool json = false;
	int r;

	if (want_help(argc, argv, class_help))
		return 0;
	if (!strcmp(sub, "create") || !strcmp(sub, "set"))
		return class_change(v, sub[0] == 'c', argc - 2, argv + 2);
	if (!strcmp(sub, "ls"))
		return (r = format_of(v, argc, argv, 2, &json)) ? r : class_ls(v, json);
	if (!strcmp(sub, "show") && argc >= 3)
		return (r = format_of(v, argc, argv, 3, &json)) ? r : class_show(v, argv[2], json);
	if (!strcmp(sub, "rm") && argc == 3 && strcmp(argv[2], "--force"))
		return class_rm(v, argv[2], false);
	if (!strcmp(sub, "rm") && argc == 4 && (!strcmp(argv[2], "--force") || !strcmp(argv[3], "--force")))
		return class_rm(v, strcmp(argv[2], "--force") ? argv[2] : argv[3], true);
	if (!strcmp(sub, "check") && argc <= 3)
		return class_check(v, argc == 3 ? argv[2] : NULL);
	if (!strcmp(sub, "apply") && argc == 2)
		return class_apply(v);
	if (!strcmp(sub, "assign") && argc == 4)
		return class_assign(v, argv[2], argv[3]);
	if (!strcmp(sub, "rule"))
		return class_rule(v, argc - 2, argv + 2);
	return usage_error(v, "expected class create|set|ls|show|rm|check|apply|assign|rule");
}
