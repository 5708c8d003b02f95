/* lib/cgroups statistics for `ward stat`: one table of (controller, file, key)
 * per layout, so adding a counter is one line; I/O has its own parsers since
 * both layouts report it per device. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/cgroups-internal.h"

#define OFF(field) offsetof(struct ward_cg_stats, field)
#define BIT(name) WARD_CG_STAT_##name

struct stat_src {
	const char *ctrl;  /* v1 controller; ignored on v2 */
	const char *file;
	const char *key;   /* "key N" line in a flat-keyed file; NULL: whole file */
	size_t off;        /* field of struct ward_cg_stats */
	unsigned bit;      /* WARD_CG_STAT_* */
	unsigned scale;    /* multiply into the field's unit */
	bool add;          /* add to the field instead of setting it */
};

static const struct stat_src v1_src[] = {
	{ "cpuacct", "cpuacct.usage", NULL, OFF(cpu_usage_ns), BIT(CPU_USAGE), 1, false },
	{ "cpu", "cpu.stat", "nr_throttled", OFF(cpu_nr_throttled), BIT(CPU_THROTTLED), 1, false },
	{ "cpu", "cpu.stat", "throttled_time", OFF(cpu_throttled_ns), BIT(CPU_THROTTLED), 1, false },
	{ "memory", "memory.usage_in_bytes", NULL, OFF(mem_current), BIT(MEM_CURRENT), 1, false },
	{ "memory", "memory.failcnt", NULL, OFF(mem_max_hits), BIT(MEM_MAX_HITS), 1, false },
	/* with a memory+swap limit set too, a charge may fail on that counter
	 * first (it is checked first); kernels that still count memsw.failcnt
	 * (6.18 keeps it at 0) then record the hit only there */
	{ "memory", "memory.memsw.failcnt", NULL, OFF(mem_max_hits), 0, 1, true },
	/* "oom_kill N" since 4.13; older kernels only have under_oom */
	{ "memory", "memory.oom_control", "oom_kill", OFF(mem_oom_kills), BIT(MEM_OOM_KILLS), 1, false },
	{ "pids", "pids.current", NULL, OFF(pids_current), BIT(PIDS_CURRENT), 1, false },
	{ "pids", "pids.events", "max", OFF(pids_max_hits), BIT(PIDS_MAX_HITS), 1, false },
};

/* cpu.stat usage_usec is there without the cpu controller (core stats);
 * nr_throttled and throttled_usec need it. */
static const struct stat_src v2_src[] = {
	{ "", "cpu.stat", "usage_usec", OFF(cpu_usage_ns), BIT(CPU_USAGE), 1000, false },
	{ "", "cpu.stat", "nr_throttled", OFF(cpu_nr_throttled), BIT(CPU_THROTTLED), 1, false },
	{ "", "cpu.stat", "throttled_usec", OFF(cpu_throttled_ns), BIT(CPU_THROTTLED), 1000, false },
	{ "", "memory.current", NULL, OFF(mem_current), BIT(MEM_CURRENT), 1, false },
	{ "", "memory.events", "max", OFF(mem_max_hits), BIT(MEM_MAX_HITS), 1, false },
	{ "", "memory.events", "high", OFF(mem_high_hits), BIT(MEM_HIGH_HITS), 1, false },
	{ "", "memory.events", "oom_kill", OFF(mem_oom_kills), BIT(MEM_OOM_KILLS), 1, false },
	{ "", "pids.current", NULL, OFF(pids_current), BIT(PIDS_CURRENT), 1, false },
	{ "", "pids.events", "max", OFF(pids_max_hits), BIT(PIDS_MAX_HITS), 1, false },
};

/* The last file read, so cpu.stat and memory.events are read once per call. */
struct stat_cache {
	const struct cg_hier *h;
	const char *file;
	char *buf; /* NULL: the file does not exist */
};

static int cached_read(struct stat_cache *c, const struct cg_hier *h,
		       const char *file, struct ward_err **err)
{
	int r;

	if (c->h == h && c->file && !strcmp(c->file, file))
		return 0;
	free(c->buf);
	c->buf = NULL;
	c->h = h;
	c->file = file;
	if (!h)
		return 0;
	r = cg_read_opt(h, false, file, &c->buf, err);
	return r == -ENOENT ? 0 : r;
}

static int read_src(struct ward_cg *cg, const struct stat_src *src, size_t n,
		    struct ward_cg_stats *s, struct ward_err **err)
{
	struct stat_cache c = { 0 };
	int r = 0;

	for (size_t i = 0; i < n && r >= 0; i++) {
		unsigned long long v = 0, *field;
		char *end = NULL;
		bool found;

		r = cached_read(&c, cg_hier_for(cg, src[i].ctrl), src[i].file, err);
		if (r < 0 || !c.buf)
			continue;
		if (src[i].key)
			found = cg_key_value(c.buf, src[i].key, &v);
		else
			found = (v = strtoull(c.buf, &end, 10), end != c.buf);
		if (!found)
			continue;
		field = (unsigned long long *)((char *)s + src[i].off);
		*field = (src[i].add ? *field : 0) + v * src[i].scale;
		s->missing &= ~src[i].bit;
	}
	free(c.buf);
	return r;
}

/* blkio.throttle.io_service_bytes_recursive: "8:0 Read 4096" per device and
 * operation, then "Total N" (all operations). The throttle layer accounts
 * every bio whatever the I/O scheduler, unlike blkio.bfq.* or CFQ files. */
static void v1_io(const char *buf, struct ward_cg_stats *s)
{
	for (const char *p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		char op[16];
		unsigned long long v;

		if (sscanf(p, "%*s %15s %llu", op, &v) != 2)
			continue;
		if (!strcmp(op, "Read"))
			s->io_read_bytes += v;
		else if (!strcmp(op, "Write"))
			s->io_write_bytes += v;
	}
}

/* io.stat: "8:0 rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N" per device. */
static void v2_io(const char *buf, struct ward_cg_stats *s)
{
	const char *p;

	for (p = buf; (p = strstr(p, "rbytes=")); p += 7)
		s->io_read_bytes += strtoull(p + 7, NULL, 10);
	for (p = buf; (p = strstr(p, "wbytes=")); p += 7)
		s->io_write_bytes += strtoull(p + 7, NULL, 10);
}

static int read_io(struct ward_cg *cg, struct ward_cg_stats *s, struct ward_err **err)
{
	bool v2 = cg->layout == WARD_CG_V2;
	const struct cg_hier *h = cg_hier_for(cg, "blkio");
	_cleanup_free_ char *buf = NULL;
	int r;

	if (!h)
		return 0;
	r = cg_read_opt(h, false, v2 ? "io.stat" : "blkio.throttle.io_service_bytes_recursive",
			&buf, err);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if (v2)
		v2_io(buf, s);
	else
		v1_io(buf, s);
	s->missing &= ~(unsigned)WARD_CG_STAT_IO;
	return 0;
}

int ward_cg_stats(struct ward_cg *cg, struct ward_cg_stats *s, struct ward_err **err)
{
	bool v2 = cg->layout == WARD_CG_V2;
	int r;

	memset(s, 0, sizeof(*s));
	s->missing = WARD_CG_STAT_CPU_USAGE | WARD_CG_STAT_CPU_THROTTLED |
		     WARD_CG_STAT_MEM_CURRENT | WARD_CG_STAT_MEM_MAX_HITS |
		     WARD_CG_STAT_MEM_HIGH_HITS | WARD_CG_STAT_MEM_OOM_KILLS |
		     WARD_CG_STAT_PIDS_CURRENT | WARD_CG_STAT_PIDS_MAX_HITS |
		     WARD_CG_STAT_IO;
	r = v2 ? read_src(cg, v2_src, sizeof(v2_src) / sizeof(v2_src[0]), s, err)
	       : read_src(cg, v1_src, sizeof(v1_src) / sizeof(v1_src[0]), s, err);
	if (r >= 0)
		r = read_io(cg, s, err);
	if (r < 0)
		ward_err_prefix(err, "cannot read statistics of cgroup %s", cg->relpath);
	return r;
}
