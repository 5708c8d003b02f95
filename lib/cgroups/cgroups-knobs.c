/* lib/cgroups knobs: write, read and probe one file of a cgroup, found by
 * controller on v1 and in the unified directory on v2, and the host facts the
 * class arithmetic in policy/ needs (CPUs, memory, which optional knobs exist). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/cgroups-internal.h"

/* ---- lookup ---- */

const struct cg_hier *cg_hier_for(const struct ward_cg *cg, const char *controller)
{
	if (cg->layout == WARD_CG_V2)
		return &cg->h[0];
	if (!controller || !*controller)
		return NULL;
	for (size_t i = 0; i < cg->nh; i++)
		if (!cg->h[i].v2 && cg->h[i].opts && cg_has_opt(cg->h[i].opts, controller))
			return &cg->h[i];
	return NULL;
}

/* One name inside the cgroup directory: no path, no "." or "..". */
static bool file_ok(const char *file)
{
	return file && *file && !strchr(file, '/') && strcmp(file, ".") &&
	       strcmp(file, "..");
}

/* The hierarchy for a knob operation, or an error naming what is missing. */
static int knob_hier(struct ward_cg *cg, const char *controller, const char *file,
		     const char *verb, const struct cg_hier **h, struct ward_err **err)
{
	if (!file_ok(file))
		return ward_err_set(err, EINVAL, "cannot %s '%s' in cgroup %s: not a file name",
				    verb, file ? file : "", cg->relpath);
	*h = cg_hier_for(cg, controller);
	if (!*h)
		return ward_err_set(err, ENOENT,
				    "cannot %s %s in cgroup %s: no hierarchy with controller '%s'",
				    verb, file, cg->relpath, controller ? controller : "");
	return 0;
}

static void trim(char *s)
{
	size_t lead = 0, n = strlen(s);

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (isspace((unsigned char)s[lead]))
		lead++;
	memmove(s, s + lead, n - lead + 1);
}

/* ---- set, get, has ---- */

/* Not cg_write: its open failure says "cannot open", and a knob that does not
 * exist must read "cannot write <file> in <dir>" to the user. */
int ward_cg_set(struct ward_cg *cg, const char *controller, const char *file,
		const char *value, struct ward_err **err)
{
	const struct cg_hier *h = NULL;
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int fd = -1;
	size_t len = value ? strlen(value) : 0;
	ssize_t n;
	int r = knob_hier(cg, controller, file, "write", &h, err);

	if (r < 0)
		return r;
	path = ward_xasprintf("%s/%s", h->path, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return ward_err_sys(err, errno, "cannot write %s in %s", file, h->path);
	do
		n = write(fd, value ? value : "", len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ward_err_sys(err, errno, "cannot write %s in %s", file, h->path);
	if ((size_t)n != len)
		return ward_err_set(err, EIO, "cannot write %s in %s: short write",
				    file, h->path);
	return 0;
}

/* cg_read, trimmed of the newline the kernel ends every knob with. */
static int read_trimmed(const char *dir, const char *file, char **out,
			struct ward_err **err)
{
	int r = cg_read(dir, file, out, err);

	if (r < 0)
		return r;
	trim(*out);
	return 0;
}

int ward_cg_get(struct ward_cg *cg, const char *controller, const char *file,
		char **out, struct ward_err **err)
{
	const struct cg_hier *h = NULL;
	int r = knob_hier(cg, controller, file, "read", &h, err);

	*out = NULL;
	return r < 0 ? r : read_trimmed(h->path, file, out, err);
}

bool ward_cg_has(struct ward_cg *cg, const char *controller, const char *file)
{
	const struct cg_hier *h = file_ok(file) ? cg_hier_for(cg, controller) : NULL;
	_cleanup_free_ char *path = NULL;

	if (!h)
		return false;
	path = ward_xasprintf("%s/%s", h->path, file);
	return access(path, F_OK) == 0;
}

/* ---- helpers for stats and facts ---- */

int cg_read_opt(const struct cg_hier *h, bool at_root, const char *file,
		char **out, struct ward_err **err)
{
	const char *dir = at_root ? h->mnt : h->path;
	_cleanup_free_ char *path = ward_xasprintf("%s/%s", dir, file);

	*out = NULL;
	if (access(path, F_OK) < 0 && errno == ENOENT)
		return -ENOENT;
	return read_trimmed(dir, file, out, err);
}

bool cg_key_value(const char *buf, const char *key, unsigned long long *val)
{
	size_t n = strlen(key);

	for (const char *p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		char *end;

		if (strncmp(p, key, n) || p[n] != ' ')
			continue;
		*val = strtoull(p + n + 1, &end, 10);
		return end != p + n + 1;
	}
	return false;
}

/* ---- host facts ---- */

/* CPUs in a list such as "0-3,8,10-11". */
static unsigned count_cpus(const char *list)
{
	unsigned n = 0;

	for (const char *p = list; *p;) {
		char *end;
		unsigned long a = strtoul(p, &end, 10), b = a;

		if (end == p)
			break;
		if (*end == '-')
			b = strtoul(end + 1, &end, 10);
		if (b >= a)
			n += (unsigned)(b - a + 1);
		p = *end == ',' ? end + 1 : end;
	}
	return n;
}

/* The cpuset root bounds what any cgroup can use; it can be narrower than
 * the online CPUs in a nested setup. sysconf when there is no cpuset. */
static unsigned host_ncpus(struct ward_cg *cg)
{
	const struct cg_hier *h = cg_hier_for(cg, "cpuset");
	const char *file = cg->layout == WARD_CG_V2 ? "cpuset.cpus.effective"
						    : "cpuset.effective_cpus";
	_cleanup_free_ char *list = NULL;
	long n;

	if (h && cg_read_opt(h, true, file, &list, NULL) >= 0 && count_cpus(list) > 0)
		return count_cpus(list);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

static int mem_total(unsigned long long *bytes, struct ward_err **err)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/meminfo", "re");
	char line[256];
	unsigned long long kb;

	if (!f)
		return ward_err_sys(err, errno, "cannot open /proc/meminfo");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %llu kB", &kb) == 1) {
			*bytes = kb * 1024;
			return 0;
		}
	return ward_err_set(err, EIO, "cannot read /proc/meminfo: no MemTotal line");
}

/* `file` in h's directory or, while that does not exist yet, in its nearest
 * existing ancestor below the mount. */
static bool probe(const struct cg_hier *h, const char *file)
{
	_cleanup_free_ char *dir = h ? ward_xstrdup(h->path) : NULL;

	while (dir) {
		_cleanup_free_ char *path = ward_xasprintf("%s/%s", dir, file);
		char *slash;

		if (access(path, F_OK) == 0)
			return true;
		if (access(dir, F_OK) == 0 || strlen(dir) <= strlen(h->mnt))
			return false;
		slash = strrchr(dir, '/');
		*slash = '\0';
	}
	return false;
}

static void v2_facts(struct ward_cg *cg, struct ward_cg_facts *f)
{
	const struct cg_hier *h = &cg->h[0];
	_cleanup_free_ char *ctl = NULL;

	if (cg_read_opt(h, true, "cgroup.controllers", &ctl, NULL) >= 0) {
		f->v2.cpu = cg_has_word(ctl, "cpu");
		f->v2.memory = cg_has_word(ctl, "memory");
		f->v2.io = cg_has_word(ctl, "io");
		f->v2.pids = cg_has_word(ctl, "pids");
		f->v2.cpuset = cg_has_word(ctl, "cpuset");
	}
	f->cpu_idle = probe(h, "cpu.idle");
	f->memory_min = probe(h, "memory.min");
	f->io_weight_file = probe(h, "io.bfq.weight") ? "io.bfq.weight"
			    : probe(h, "io.weight")   ? "io.weight"
						      : NULL;
}

static void v1_facts(struct ward_cg *cg, struct ward_cg_facts *f)
{
	const struct cg_hier *blkio = cg_hier_for(cg, "blkio");

	f->cpu_idle = probe(cg_hier_for(cg, "cpu"), "cpu.idle");
	f->memory_min = false;
	f->io_weight_file = probe(blkio, "blkio.bfq.weight") ? "blkio.bfq.weight"
			    : probe(blkio, "blkio.weight")   ? "blkio.weight"
							     : NULL;
}

int ward_cg_host_facts(struct ward_cg *cg, struct ward_cg_facts *f,
		       struct ward_err **err)
{
	memset(f, 0, sizeof(*f));
	f->layout = cg->layout;
	f->ncpus = host_ncpus(cg);
	if (cg->layout == WARD_CG_V2)
		v2_facts(cg, f);
	else
		v1_facts(cg, f);
	return mem_total(&f->mem_total, err);
}
