/* The state store: JSON files that programs write (DESIGN "State"). */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "container/container-internal.h"

int ct_json_parse(const char *text, const char *what, struct json_object **out,
		  struct ward_err **err)
{
	struct json_object *o = json_tokener_parse(text);

	if (!o || !json_object_is_type(o, json_type_object)) {
		if (o)
			json_object_put(o);
		return ward_err_set(err, EINVAL, "%s is not a JSON object", what);
	}
	*out = o;
	return 0;
}

int ct_json_load(const char *dir, const char *name, char **text, struct ward_err **err)
{
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dfd < 0)
		return ward_err_sys(err, errno, "cannot open %s", dir);
	return ward_file_read(dfd, name, text, NULL, err);
}

int ct_json_save(const char *dir, const char *name, struct json_object *obj,
		 bool durable, struct ward_err **err)
{
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	const char *s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY);

	if (dfd < 0)
		return ward_err_sys(err, errno, "cannot open %s", dir);
	return durable ? ward_file_write_atomic(dfd, name, s, strlen(s), 0644, err)
		       : ward_file_replace(dfd, name, s, strlen(s), 0644, err);
}

const char *ct_json_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

long long ct_json_int(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	return json_object_get_int64(v);
}

bool ct_json_bool(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_get_boolean(v);
}

static const char *phase_names[] = {
	[WARD_PHASE_CREATING] = "creating",
	[WARD_PHASE_READY] = "ready",
	[WARD_PHASE_DESTROYING] = "destroying",
};

static struct json_object *state_json(const struct ward_state *st)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "phase", json_object_new_string(phase_names[st->phase]));
	json_object_object_add(o, "template", json_object_new_string(st->template));
	json_object_object_add(o, "created", json_object_new_int64(st->created));
	json_object_object_add(o, "ephemeral", json_object_new_boolean(st->ephemeral));
	if (st->lower[0])
		json_object_object_add(o, "lower", json_object_new_string(st->lower));
	return o;
}

char *ward_state_format(const struct ward_state *st)
{
	_cleanup_json_ struct json_object *o = state_json(st);

	return ward_xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
}

int ward_state_parse(const char *json, struct ward_state *st, struct ward_err **err)
{
	_cleanup_json_ struct json_object *o = NULL;
	const char *phase, *tpl, *lower;
	int r = ct_json_parse(json, "state.json", &o, err);

	if (r < 0)
		return r;
	memset(st, 0, sizeof(*st));
	phase = ct_json_str(o, "phase");
	for (size_t i = 1; phase && i < sizeof(phase_names) / sizeof(phase_names[0]); i++)
		if (!strcmp(phase, phase_names[i]))
			st->phase = (enum ward_ct_phase)i;
	if (!st->phase)
		return ward_err_set(err, EINVAL, "state.json has no valid phase");
	tpl = ct_json_str(o, "template");
	snprintf(st->template, sizeof(st->template), "%s", tpl ? tpl : "");
	st->created = ct_json_int(o, "created");
	st->ephemeral = ct_json_bool(o, "ephemeral");
	lower = ct_json_str(o, "lower");
	snprintf(st->lower, sizeof(st->lower), "%s", lower ? lower : "");
	return 0;
}

int ward_state_load(const char *ctdir, struct ward_state *st, struct ward_err **err)
{
	_cleanup_free_ char *text = NULL;
	int r = ct_json_load(ctdir, "state.json", &text, err);

	return r < 0 ? r : ward_state_parse(text, st, err);
}

int ward_state_save(const char *ctdir, const struct ward_state *st, struct ward_err **err)
{
	_cleanup_json_ struct json_object *o = state_json(st);

	return ct_json_save(ctdir, "state.json", o, !st->ephemeral, err);
}

int ward_exit_parse(const char *json, struct ward_exit *ex, struct ward_err **err)
{
	_cleanup_json_ struct json_object *o = NULL;
	int r = ct_json_parse(json, "last-exit.json", &o, err);

	if (r < 0)
		return r;
	ex->valid = true;
	ex->code = (int)ct_json_int(o, "code");
	ex->signal = (int)ct_json_int(o, "signal");
	ex->time = ct_json_int(o, "time");
	return 0;
}

const char *ward_exit_reason(const struct ward_exit *ex)
{
	if (!ex->signal)
		return "exited";
	if (ex->signal == SIGINT)
		return "poweroff";
	if (ex->signal == SIGHUP)
		return "reboot";
	return "killed";
}

int ward_exit_load(const char *ctdir, struct ward_exit *ex)
{
	_cleanup_free_ char *text = NULL;

	memset(ex, 0, sizeof(*ex));
	if (ct_json_load(ctdir, "last-exit.json", &text, NULL) < 0)
		return -ENOENT;
	return ward_exit_parse(text, ex, NULL);
}
