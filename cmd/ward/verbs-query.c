/* Verbs that read: ls, info, config. */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd/ward/ward.h"

static const char *class_of(const struct ward_ct_info *i)
{
	const char *c = ward_config_value(&i->config, "class");

	return c ? c : "-";
}

static void add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, v ? json_object_new_string(v) : NULL);
}

static struct json_object *info_json(const struct ward_ct_info *i)
{
	struct json_object *o = json_object_new_object(), *cfg = json_object_new_object();
	const char *host = ward_config_value(&i->config, "hostname");

	add_str(o, "name", i->name);
	add_str(o, "state", ward_ct_status_name(i->status));
	json_object_object_add(o, "pid", i->init_pid ? json_object_new_int(i->init_pid) : NULL);
	add_str(o, "class", class_of(i));
	add_str(o, "ipv4", NULL);
	add_str(o, "hostname", host ? host : i->name);
	add_str(o, "template", i->state.template);
	json_object_object_add(o, "created", json_object_new_int64(i->state.created));
	json_object_object_add(o, "started", i->started ? json_object_new_int64(i->started) : NULL);
	if (i->last_exit.valid) {
		struct json_object *e = json_object_new_object();
		json_object_object_add(e, "code", i->last_exit.code >= 0 ? json_object_new_int(i->last_exit.code) : NULL);
		add_str(e, "signal", i->last_exit.signal ? ward_signal_name(i->last_exit.signal) : NULL);
		json_object_object_add(e, "time", json_object_new_int64(i->last_exit.time));
		add_str(e, "reason", ward_exit_reason(&i->last_exit));
		json_object_object_add(o, "last_exit", e);
	}
	for (size_t k = 0; k < i->config.n; k++)
		add_str(cfg, i->config.kv[k].key, i->config.kv[k].value);
	json_object_object_add(o, "config", cfg);
	return o;
}

static void print_json(struct json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static const char ls_help[] = "usage: ward ls [--format table|json]\n";

static int parse_fmt_only(struct verb_ctx *v, int argc, char **argv, bool *json)
{
	static const struct option opts[] = { { "format", required_argument, NULL, 'f' }, { NULL, 0, NULL, 0 } };
	int c, r;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'f')
			return usage_error(v, "unknown option");
		r = parse_format(v, optarg, json);
		if (r)
			return r;
	}
	return 0;
}

int cmd_ls(struct verb_ctx *v, int argc, char **argv)
{
	struct json_object *arr = NULL;
	struct ward_err *err = NULL;
	char **names = NULL;
	size_t n = 0;
	bool json = false;
	int r;

	if (want_help(argc, argv, ls_help))
		return 0;
	r = parse_fmt_only(v, argc, argv, &json);
	if (r == 0 && optind != argc)
		r = usage_error(v, "ls takes no NAME");
	if (r == 0 && ward_ct_list(&v->host, &names, &n, &err) < 0)
		r = report(v, err);
	if (r) {
		ward_err_free(err);
		return r;
	}
	arr = json_object_new_array();
	if (!json)
		printf("%-20s %-10s %-8s %-12s %s\n", "NAME", "STATE", "PID", "CLASS", "IPV4");
	for (size_t k = 0; k < n; k++) {
		struct ward_ct_info i;

		if (ward_ct_info(&v->host, names[k], &i, NULL) < 0)
			continue;
		if (json) {
			json_object_array_add(arr, info_json(&i));
		} else {
			char pid[16] = "-";
			if (i.init_pid)
				snprintf(pid, sizeof(pid), "%d", (int)i.init_pid);
			printf("%-20s %-10s %-8s %-12s %s\n", i.name, ward_ct_status_name(i.status), pid, class_of(&i), "-");
		}
		ward_ct_info_fini(&i);
	}
	ward_strv_free(names);
	if (json)
		print_json(arr);
	else
		json_object_put(arr);
	return 0;
}

static void print_info(const struct ward_ct_info *i)
{
	const char *host = ward_config_value(&i->config, "hostname");

	printf("name:      %s\nstate:     %s\n", i->name, ward_ct_status_name(i->status));
	if (i->init_pid)
		printf("pid:       %d\n", (int)i->init_pid);
	printf("class:     %s\nhostname:  %s\ntemplate:  %s\n", class_of(i), host ? host : i->name, i->state.template);
	if (i->last_exit.valid && i->last_exit.signal)
		printf("last exit: %s (SIG%s)\n", ward_exit_reason(&i->last_exit),
		       ward_signal_name(i->last_exit.signal));
	else if (i->last_exit.valid)
		printf("last exit: exited with code %d\n", i->last_exit.code);
	printf("config:\n");
	for (size_t k = 0; k < i->config.n; k++)
		printf("  %s = %s\n", i->config.kv[k].key, i->config.kv[k].value);
}

static const char info_help[] = "usage: ward info NAME [--format table|json]\n";

int cmd_info(struct verb_ctx *v, int argc, char **argv)
{
	struct ward_err *err = NULL;
	struct ward_ct_info i;
	bool json = false;
	int r;

	if (want_help(argc, argv, info_help))
		return 0;
	r = parse_fmt_only(v, argc, argv, &json);
	if (r == 0 && argc - optind != 1)
		r = usage_error(v, "expected one container NAME");
	if (r)
		return r;
	if (ward_ct_info(&v->host, argv[optind], &i, &err) < 0) {
		r = report(v, err);
		ward_err_free(err);
		return r;
	}
	if (json)
		print_json(info_json(&i));
	else
		print_info(&i);
	ward_ct_info_fini(&i);
	return 0;
}
