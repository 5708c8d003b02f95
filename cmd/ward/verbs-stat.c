/* ward stat: wlmstat/zonestat for ward. Per class and running container:
 * CPU use against the class's share target, memory against its limits,
 * pids, I/O and how often each limit was hit. */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroups/cgroups.h"
#include "cmd/ward/classes.h"

struct row {
	char name[WARD_CLASS_NAME_MAX + WARD_NAME_MAX + 2];
	char class[WARD_CLASS_NAME_MAX + 1];
	bool is_class;
	struct ward_cg *cg;
	struct ward_cg_stats a, b;
	char mem_limit[3][32]; /* min, softmax, hardmax in bytes as the class knobs say, "" none */
};

/* The memory limits a class's knobs set, so use is shown against them. */
static void fill_limits(struct row *r, const struct ward_classes *cs, const struct ward_class_host *h)
{
	static const char *const v1[3] = { NULL, "memory.soft_limit_in_bytes", "memory.limit_in_bytes" };
	static const char *const v2[3] = { "memory.min", "memory.high", "memory.max" };
	struct ward_class_knobs k = { 0 };

	if (ward_class_knobs(cs, r->class, h, &k, NULL) < 0)
		return;
	for (int i = 0; i < 3; i++) {
		const char *file = h->layout == WARD_CLASS_V2 ? v2[i] : v1[i];
		const char *val = file ? ward_class_knobs_get(&k, file) : NULL;

		/* "max", "-1" and "0" (for min) mean no limit */
		if (val && strcmp(val, "max") && strcmp(val, "-1") && strcmp(val, "0"))
			snprintf(r->mem_limit[i], sizeof(r->mem_limit[i]), "%s", val);
	}
	ward_class_knobs_fini(&k);
}

struct stat_opts {
	const char *class;
	double interval;
	long count;
	bool json;
};

static const char stat_help[] =
	"usage: ward stat [--class CLASS] [--interval SECONDS] [--count N] [--format table|json]\n";

static void add_row(struct row **rows, size_t *n, const char *name, const char *class,
		    bool is_class, const char *cgpath)
{
	struct ward_cg *cg = ward_cg_new(cgpath, NULL);

	if (!cg)
		return;
	*rows = ward_xrealloc(*rows, (*n + 1) * sizeof(**rows));
	memset(&(*rows)[*n], 0, sizeof(**rows));
	snprintf((*rows)[*n].name, sizeof((*rows)[*n].name), "%s", name);
	snprintf((*rows)[*n].class, sizeof((*rows)[*n].class), "%s", class);
	(*rows)[*n].is_class = is_class;
	(*rows)[*n].cg = cg;
	(*n)++;
}

static bool wanted(const struct stat_opts *o, const char *class)
{
	return !o->class || classes_in(class, o->class);
}

/* Classes, then running containers; *active lists classes with members. */
static void collect(struct verb_ctx *v, const struct stat_opts *o, const struct ward_classes *cs,
		    struct row **rows, size_t *n, char ***active, size_t *nactive)
{
	char **names = NULL;
	size_t nn = 0;

	for (size_t i = 0; i < cs->n; i++)
		if (wanted(o, cs->v[i].name)) {
			_cleanup_free_ char *p = ward_host_class_cgroup(&v->host, cs->v[i].name);
			add_row(rows, n, cs->v[i].name, cs->v[i].name, true, p);
		}
	ward_ct_list(&v->host, &names, &nn, NULL);
	for (size_t i = 0; i < nn; i++) {
		struct ward_ct_info info;
		const char *c;

		if (ward_ct_info(&v->host, names[i], &info, NULL) < 0)
			continue;
		c = ward_config_value(&info.config, "class");
		if (info.status == WARD_CT_RUNNING && c && wanted(o, c)) {
			_cleanup_free_ char *p = ward_host_class_cgroup(&v->host, c);
			_cleanup_free_ char *leaf = ward_xasprintf("%s/%s", p, names[i]);
			add_row(rows, n, names[i], c, false, leaf);
			*active = ward_xrealloc(*active, (*nactive + 1) * sizeof(**active));
			(*active)[(*nactive)++] = ward_xstrdup(c);
		}
		ward_ct_info_fini(&info);
	}
	ward_strv_free(names);
}

static double cpu_pct(const struct row *r, double secs, unsigned ncpus)
{
	double d = (double)(r->b.cpu_usage_ns - r->a.cpu_usage_ns);

	return secs > 0 && ncpus ? d / (secs * 1e9 * ncpus) * 100.0 : 0;
}

static struct json_object *row_json(const struct row *r, double cpu, double target)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(r->name));
	json_object_object_add(o, "kind", json_object_new_string(r->is_class ? "class" : "container"));
	json_object_object_add(o, "class", json_object_new_string(r->class));
	json_object_object_add(o, "cpu_pct", json_object_new_double(cpu));
	json_object_object_add(o, "cpu_target_pct", json_object_new_double(target));
	json_object_object_add(o, "cpu_throttled", json_object_new_uint64(r->b.cpu_nr_throttled));
	json_object_object_add(o, "memory_bytes", json_object_new_uint64(r->b.mem_current));
	for (int i = 0; i < 3; i++) {
		static const char *const keys[3] = { "memory_min_bytes", "memory_softmax_bytes", "memory_hardmax_bytes" };
		json_object_object_add(o, keys[i], r->mem_limit[i][0] ?
			json_object_new_uint64(strtoull(r->mem_limit[i], NULL, 10)) : NULL);
	}
	json_object_object_add(o, "memory_max_hits", json_object_new_uint64(r->b.mem_max_hits));
	json_object_object_add(o, "memory_high_hits", json_object_new_uint64(r->b.mem_high_hits));
	json_object_object_add(o, "oom_kills", json_object_new_uint64(r->b.mem_oom_kills));
	json_object_object_add(o, "pids", json_object_new_uint64(r->b.pids_current));
	json_object_object_add(o, "pids_max_hits", json_object_new_uint64(r->b.pids_max_hits));
	json_object_object_add(o, "io_read_bytes", json_object_new_uint64(r->b.io_read_bytes));
	json_object_object_add(o, "io_write_bytes", json_object_new_uint64(r->b.io_write_bytes));
	return o;
}

static void print_rows(const struct stat_opts *o, const struct ward_classes *cs, struct row *rows,
		       size_t n, double secs, unsigned ncpus, char **active, size_t nactive)
{
	struct json_object *arr = json_object_new_array();

	if (!o->json)
		printf("%-24s %-9s %6s %7s %10s %10s %7s %4s %6s %7s %9s\n", "NAME", "KIND", "CPU%", "TARGET%",
		       "MEMORY", "MEM.MAX", "MEMHITS", "OOM", "PIDS", "PIDHITS", "THROTTLED");
	for (size_t i = 0; i < n; i++) {
		struct row *r = &rows[i];
		double cpu = cpu_pct(r, secs, ncpus), target = 0;

		ward_classes_share_target(cs, r->class, WARD_CLASS_CPU, (const char *const *)active,
					  nactive, &target, NULL);
		if (o->json)
			json_object_array_add(arr, row_json(r, cpu, target));
		else
		{
			char max[32] = "-";

			if (r->mem_limit[2][0])
				snprintf(max, sizeof(max), "%lluK", strtoull(r->mem_limit[2], NULL, 10) / 1024);
			printf("%-24s %-9s %6.1f %7.1f %9lluK %10s %7llu %4llu %6llu %7llu %9llu\n", r->name,
			       r->is_class ? "class" : "container", cpu, target, r->b.mem_current / 1024,
			       max, r->b.mem_max_hits, r->b.mem_oom_kills, r->b.pids_current,
			       r->b.pids_max_hits, r->b.cpu_nr_throttled);
		}
	}
	if (o->json)
		printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY));
	json_object_put(arr);
}

static int parse_stat(struct verb_ctx *v, int argc, char **argv, struct stat_opts *o)
{
	static const struct option opts[] = {
		{ "class", required_argument, NULL, 'c' },  { "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'n' },  { "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c, r;

	*o = (struct stat_opts){ .interval = 1, .count = 1 };
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c': o->class = optarg; break;
		case 'i':
			o->interval = strtod(optarg, &end);
			if (*end || o->interval < 0.1 || o->interval > 3600)
				return usage_error(v, "--interval '%s' is not 0.1 to 3600 seconds", optarg);
			break;
		case 'n':
			o->count = strtol(optarg, &end, 10);
			if (*end || o->count < 1)
				return usage_error(v, "--count '%s' is not a positive number", optarg);
			break;
		case 'f':
			if ((r = parse_format(v, optarg, &o->json)))
				return r;
			break;
		default: return usage_error(v, "unknown option");
		}
	}
	return optind == argc ? 0 : usage_error(v, "stat takes no operands");
}

/* cgroup v1 counts OOM kills and refused forks in the cgroup where they
 * happened, not in its ancestors: a class row shows at least its members'. */
static void roll_up(struct row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned long long oom = 0, pids = 0;

		if (!rows[i].is_class)
			continue;
		for (size_t j = 0; j < n; j++)
			if (!rows[j].is_class && classes_in(rows[j].class, rows[i].name)) {
				oom += rows[j].b.mem_oom_kills;
				pids += rows[j].b.pids_max_hits;
			}
		if (oom > rows[i].b.mem_oom_kills)
			rows[i].b.mem_oom_kills = oom;
		if (pids > rows[i].b.pids_max_hits)
			rows[i].b.pids_max_hits = pids;
	}
}

static void sample(struct row *rows, size_t n, bool second)
{
	for (size_t i = 0; i < n; i++)
		ward_cg_stats(rows[i].cg, second ? &rows[i].b : &rows[i].a, NULL);
	if (second)
		roll_up(rows, n);
}

int cmd_stat(struct verb_ctx *v, int argc, char **argv)
{
	struct ward_err *err = NULL;
	struct ward_class_host h;
	struct ward_classes cs;
	struct stat_opts o;
	struct row *rows = NULL;
	char **active = NULL;
	size_t n = 0, nactive = 0;
	int r;

	if (want_help(argc, argv, stat_help))
		return 0;
	if ((r = parse_stat(v, argc, argv, &o)))
		return r;
	r = classes_load(v, &cs, NULL, &err);
	if (r == 0 && o.class && !ward_classes_find(&cs, o.class))
		r = ward_err_set(&err, ENOENT, "no class named %s", o.class);
	if (r == 0)
		r = classes_host(v, WARD_CLASS_DEFAULT, &h, &err);
	if (r < 0) {
		ward_classes_fini(&cs);
		r = report(v, err);
		ward_err_free(err);
		return r;
	}
	collect(v, &o, &cs, &rows, &n, &active, &nactive);
	for (size_t i = 0; i < n; i++)
		fill_limits(&rows[i], &cs, &h);
	for (long k = 0; k < o.count; k++) {
		struct timespec ts = { (time_t)o.interval, (long)((o.interval - (time_t)o.interval) * 1e9) };

		sample(rows, n, false);
		nanosleep(&ts, NULL);
		sample(rows, n, true);
		print_rows(&o, &cs, rows, n, o.interval, h.ncpus, active, nactive);
		fflush(stdout);
	}
	for (size_t i = 0; i < n; i++)
		ward_cg_free(rows[i].cg);
	free(rows);
	for (size_t i = 0; i < nactive; i++)
		free(active[i]);
	free(active);
	ward_classes_fini(&cs);
	return 0;
}
