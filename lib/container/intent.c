/* The intent record: what kernel objects a running container owns. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container/container-internal.h"

static struct json_object *intent_json(const struct ward_intent *in)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "cgroup", json_object_new_string(in->cgroup));
	json_object_object_add(o, "monitor_pid", json_object_new_int(in->monitor_pid));
	json_object_object_add(o, "monitor_start", json_object_new_uint64(in->monitor_start));
	json_object_object_add(o, "init_pid", json_object_new_int(in->init_pid));
	json_object_object_add(o, "started", json_object_new_int64(in->started));
	if (in->moving_from[0])
		json_object_object_add(o, "moving_from", json_object_new_string(in->moving_from));
	return o;
}

char *ward_intent_format(const struct ward_intent *in)
{
	_cleanup_json_ struct json_object *o = intent_json(in);

	return ward_xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
}

int ward_intent_parse(const char *json, struct ward_intent *in, struct ward_err **err)
{
	_cleanup_json_ struct json_object *o = NULL;
	struct json_object *v;
	const char *cg;
	int r = ct_json_parse(json, "intent.json", &o, err);

	if (r < 0)
		return r;
	memset(in, 0, sizeof(*in));
	cg = ct_json_str(o, "cgroup");
	if (!cg || !*cg || cg[0] == '/' || strstr(cg, ".."))
		return ward_err_set(err, EINVAL, "intent.json names no valid cgroup");
	snprintf(in->cgroup, sizeof(in->cgroup), "%s", cg);
	in->monitor_pid = (pid_t)ct_json_int(o, "monitor_pid");
	if (json_object_object_get_ex(o, "monitor_start", &v))
		in->monitor_start = json_object_get_uint64(v);
	in->init_pid = (pid_t)ct_json_int(o, "init_pid");
	in->started = ct_json_int(o, "started");
	cg = ct_json_str(o, "moving_from");
	if (cg && (cg[0] == '/' || strstr(cg, "..")))
		return ward_err_set(err, EINVAL, "intent.json names an invalid moving_from cgroup");
	snprintf(in->moving_from, sizeof(in->moving_from), "%s", cg ? cg : "");
	return 0;
}

int ward_intent_load(const char *rundir, struct ward_intent *in, struct ward_err **err)
{
	_cleanup_free_ char *text = NULL;
	int r = ct_json_load(rundir, "intent.json", &text, err);

	return r < 0 ? r : ward_intent_parse(text, in, err);
}

int ward_intent_save(const char *rundir, const struct ward_intent *in, struct ward_err **err)
{
	_cleanup_json_ struct json_object *o = intent_json(in);

	/* what it names cannot outlive a host crash, so neither need it */
	return ct_json_save(rundir, "intent.json", o, false, err);
}

unsigned long long ward_proc_starttime(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	_cleanup_close_ int fd = -1;
	ssize_t n;

	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return 0;
	buf[n] = '\0';
	/* comm may hold spaces and ')': fields restart after the last ')' */
	p = strrchr(buf, ')');
	/* a zombie or dead process is gone for every purpose of ours */
	if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X' || p[2] == 'x')
		return 0;
	/* field 22 (starttime) is the 20th after the ')' */
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (p)
		start = strtoull(p + 1, NULL, 10);
	return start;
}

bool ward_intent_monitor_alive(const struct ward_intent *in)
{
	return in->monitor_pid > 0 &&
	       ward_proc_starttime(in->monitor_pid) == in->monitor_start;
}
