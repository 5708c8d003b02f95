/* Resolve, then execute: config + host -> one spec (DESIGN principle 2). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "container/container-internal.h"

static char **strv_append(char **v, size_t *n, char *s)
{
	v = ward_xrealloc(v, (*n + 2) * sizeof(*v));
	v[(*n)++] = s;
	v[*n] = NULL;
	return v;
}

void ward_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

char **ward_env_set(char **env, const char *kv)
{
	size_t n = 0, name = strcspn(kv, "=");

	for (; env && env[n]; n++)
		if (!strncmp(env[n], kv, name) && env[n][name] == '=') {
			free(env[n]);
			env[n] = ward_xstrdup(kv);
			return env;
		}
	return strv_append(env, &n, ward_xstrdup(kv));
}

static char **build_env(const struct ward_config *cfg)
{
	char **env = ward_env_set(NULL, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");

	env = ward_env_set(env, "container=ward");
	env = ward_env_set(env, "TERM=linux");
	for (size_t i = 0; i < cfg->n; i++)
		if (!strncmp(cfg->kv[i].key, "env.", 4)) {
			_cleanup_free_ char *kv = ward_xasprintf("%s=%s", cfg->kv[i].key + 4, cfg->kv[i].value);
			env = ward_env_set(env, kv);
		}
	return env;
}

int ward_spec_resolve(const struct ward_host *host, const char *name,
		      const struct ward_config *cfg, const char *lower,
		      char *const *argv, struct ward_spec *spec, struct ward_err **err)
{
	const char *host_name = ward_config_value(cfg, "hostname");
	size_t n = 0;

	memset(spec, 0, sizeof(*spec));
	spec->name = ward_xstrdup(name);
	spec->rootfs = ward_xasprintf("%s/containers/%s/rootfs", host->root, name);
	if (lower && lower[0]) {
		spec->lower = ward_xstrdup(lower);
		spec->upper = ward_xasprintf("%s/%s/upper", host->run, name);
	}
	spec->hostname = ward_xstrdup(host_name ? host_name : name);
	{
		_cleanup_free_ char *cls = ward_host_class_cgroup(host, ward_config_value(cfg, "class"));
		spec->cgroup = ward_xasprintf("%s/%s", cls, name);
	}
	if (argv && argv[0]) {
		for (size_t i = 0; argv[i]; i++)
			spec->argv = strv_append(spec->argv, &n, ward_xstrdup(argv[i]));
	} else {
		spec->argv = strv_append(NULL, &n, ward_xstrdup(ward_config_value(cfg, "init")));
	}
	spec->envp = build_env(cfg);
	spec->stop_signal = ward_signal_parse(ward_config_value(cfg, "stop.signal"));
	spec->stop_timeout = atoi(ward_config_value(cfg, "stop.timeout"));
	spec->console = !(argv && argv[0]);
	if (spec->stop_signal < 0)
		return ward_err_set(err, EINVAL, "bad stop.signal in the config of %s", name);
	return 0;
}

void ward_spec_fini(struct ward_spec *spec)
{
	free(spec->name);
	free(spec->rootfs);
	free(spec->lower);
	free(spec->upper);
	free(spec->hostname);
	free(spec->cgroup);
	ward_strv_free(spec->argv);
	ward_strv_free(spec->envp);
	memset(spec, 0, sizeof(*spec));
}

static struct json_object *strv_json(char **v)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; v && v[i]; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

char *ward_spec_format(const struct ward_spec *spec)
{
	_cleanup_json_ struct json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(spec->name));
	json_object_object_add(o, "rootfs", json_object_new_string(spec->rootfs));
	if (spec->lower) {
		json_object_object_add(o, "lower", json_object_new_string(spec->lower));
		json_object_object_add(o, "upper", json_object_new_string(spec->upper));
	}
	json_object_object_add(o, "hostname", json_object_new_string(spec->hostname));
	json_object_object_add(o, "cgroup", json_object_new_string(spec->cgroup));
	json_object_object_add(o, "argv", strv_json(spec->argv));
	json_object_object_add(o, "env", strv_json(spec->envp));
	json_object_object_add(o, "stop_signal", json_object_new_int(spec->stop_signal));
	json_object_object_add(o, "stop_timeout", json_object_new_int(spec->stop_timeout));
	json_object_object_add(o, "console", json_object_new_boolean(spec->console));
	return ward_xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
}

static char **json_strv(struct json_object *o, const char *key)
{
	struct json_object *a;
	char **v = NULL;
	size_t n = 0;

	if (!json_object_object_get_ex(o, key, &a) || !json_object_is_type(a, json_type_array))
		return NULL;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *e = json_object_array_get_idx(a, i);

		if (!json_object_is_type(e, json_type_string)) {
			ward_strv_free(v);
			return NULL;
		}
		v = strv_append(v, &n, ward_xstrdup(json_object_get_string(e)));
	}
	return v ? v : ward_xcalloc(1, sizeof(*v));
}

static char *dup_or_null(const char *s)
{
	return s ? ward_xstrdup(s) : NULL;
}

int ward_spec_parse(const char *json, struct ward_spec *spec, struct ward_err **err)
{
	_cleanup_json_ struct json_object *o = NULL;
	int r = ct_json_parse(json, "spec.json", &o, err);

	if (r < 0)
		return r;
	memset(spec, 0, sizeof(*spec));
	spec->name = dup_or_null(ct_json_str(o, "name"));
	spec->rootfs = dup_or_null(ct_json_str(o, "rootfs"));
	spec->lower = dup_or_null(ct_json_str(o, "lower"));
	spec->upper = dup_or_null(ct_json_str(o, "upper"));
	spec->hostname = dup_or_null(ct_json_str(o, "hostname"));
	spec->cgroup = dup_or_null(ct_json_str(o, "cgroup"));
	spec->argv = json_strv(o, "argv");
	spec->envp = json_strv(o, "env");
	spec->stop_signal = (int)ct_json_int(o, "stop_signal");
	spec->stop_timeout = (int)ct_json_int(o, "stop_timeout");
	spec->console = ct_json_bool(o, "console");
	if (!spec->name || !spec->rootfs || !spec->hostname || !spec->cgroup || !spec->argv ||
	    !spec->argv[0] || !spec->envp || (spec->lower && !spec->upper)) {
		ward_spec_fini(spec);
		return ward_err_set(err, EINVAL, "spec.json lacks name, rootfs, hostname, cgroup, argv, env "
				    "or (with lower) upper");
	}
	return 0;
}
