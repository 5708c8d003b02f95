/* Unit tests for the JSON files programs write (lib/container/state.c,
 * intent.c, spec.c): state.json, intent.json, last-exit.json and spec.json
 * both ways, what their parsers refuse, and ward_spec_resolve from a config.
 * No root: the load/save tests use a mkdtemp directory. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/common.h"
#include "container/container.h"

/* Refused with -EINVAL and a message holding sub. */
#define expect_refused(call, sub)                                                  \
	do {                                                                       \
		struct ward_err *e_ = NULL;                                        \
		int r_ = (call);                                                   \
		if (r_ != -EINVAL)                                                 \
			fail_msg("%s gave %d, not -EINVAL", #call, r_);            \
		assert_non_null(e_);                                               \
		assert_int_equal(e_->code, EINVAL);                                \
		if (!strstr(e_->msg, sub))                                         \
			fail_msg("%s: message '%s' lacks '%s'", #call, e_->msg, sub); \
		ward_err_free(e_);                                                 \
	} while (0)

/* ---- state.json ----------------------------------------------------------- */

static void state_round_trip(const struct ward_state *st)
{
	struct ward_state back;
	struct ward_err *err = NULL;
	char *json = ward_state_format(st);

	assert_non_null(json);
	memset(&back, 0x55, sizeof(back));
	if (ward_state_parse(json, &back, &err) != 0)
		fail_msg("cannot parse formatted state: %s\n%s", err ? err->msg : "?", json);
	assert_int_equal(back.phase, st->phase);
	assert_string_equal(back.template, st->template);
	assert_int_equal(back.created, st->created);
	assert_int_equal(back.ephemeral, st->ephemeral);
	free(json);
}

static void test_state_round_trip(void **state)
{
	static const enum ward_ct_phase phases[] = { WARD_PHASE_CREATING, WARD_PHASE_READY,
						     WARD_PHASE_DESTROYING };
	static const char *templates[] = { "busybox", "", "tar:/srv/img/debian \"12\".tar.zst",
					   "dir:/srv/golden\\root" };
	struct ward_state st;

	(void)state;
	for (size_t p = 0; p < sizeof(phases) / sizeof(phases[0]); p++)
		for (size_t t = 0; t < sizeof(templates) / sizeof(templates[0]); t++)
			for (int eph = 0; eph < 2; eph++) {
				memset(&st, 0, sizeof(st));
				st.phase = phases[p];
				snprintf(st.template, sizeof(st.template), "%s", templates[t]);
				st.created = 1700000000LL + (long long)(p * 10 + t);
				st.ephemeral = eph;
				state_round_trip(&st);
			}
	/* a full-length template and a time past 2038 */
	memset(&st, 0, sizeof(st));
	st.phase = WARD_PHASE_READY;
	memset(st.template, 't', sizeof(st.template) - 1);
	st.created = 4102444800LL;
	state_round_trip(&st);
}

static void test_state_format_text(void **state)
{
	struct ward_state st = { .phase = WARD_PHASE_DESTROYING, .created = 42, .ephemeral = true };
	char *json;

	(void)state;
	snprintf(st.template, sizeof(st.template), "busybox");
	json = ward_state_format(&st);
	assert_non_null(strstr(json, "\"phase\":\"destroying\""));
	assert_non_null(strstr(json, "\"template\":\"busybox\""));
	assert_non_null(strstr(json, "\"created\":42"));
	assert_non_null(strstr(json, "\"ephemeral\":true"));
	free(json);
}

static void test_state_parse_defaults(void **state)
{
	struct ward_state st;
	struct ward_err *err = NULL;

	(void)state;
	memset(&st, 0x55, sizeof(st));
	assert_int_equal(ward_state_parse("{\"phase\":\"ready\"}", &st, &err), 0);
	assert_null(err);
	assert_int_equal(st.phase, WARD_PHASE_READY);
	assert_string_equal(st.template, "");
	assert_int_equal(st.created, 0);
	assert_false(st.ephemeral);
}

static void test_state_parse_refused(void **state)
{
	struct ward_state st;

	(void)state;
	expect_refused(ward_state_parse("not json", &st, &e_), "state.json is not a JSON object");
	expect_refused(ward_state_parse("", &st, &e_), "not a JSON object");
	expect_refused(ward_state_parse("[\"ready\"]", &st, &e_), "not a JSON object");
	expect_refused(ward_state_parse("\"ready\"", &st, &e_), "not a JSON object");
	expect_refused(ward_state_parse("{\"phase\":\"ready\"", &st, &e_), "not a JSON object");
	expect_refused(ward_state_parse("{}", &st, &e_), "state.json has no valid phase");
	expect_refused(ward_state_parse("{\"template\":\"busybox\"}", &st, &e_), "no valid phase");
	expect_refused(ward_state_parse("{\"phase\":\"running\"}", &st, &e_), "no valid phase");
	expect_refused(ward_state_parse("{\"phase\":\"READY\"}", &st, &e_), "no valid phase");
	expect_refused(ward_state_parse("{\"phase\":\"\"}", &st, &e_), "no valid phase");
	expect_refused(ward_state_parse("{\"phase\":2}", &st, &e_), "no valid phase");
	expect_refused(ward_state_parse("{\"phase\":null}", &st, &e_), "no valid phase");
	/* a NULL err still gives the code */
	assert_int_equal(ward_state_parse("{}", &st, NULL), -EINVAL);
}

/* ---- last-exit.json, as ct_exit_record writes it by hand ------------------ */

static void test_exit_parse(void **state)
{
	struct ward_exit ex;
	struct ward_err *err = NULL;

	(void)state;
	memset(&ex, 0, sizeof(ex));
	assert_int_equal(ward_exit_parse("{ \"code\": 3, \"signal\": 0, \"time\": 1700000000 }\n",
					 &ex, &err), 0);
	assert_null(err);
	assert_true(ex.valid);
	assert_int_equal(ex.code, 3);
	assert_int_equal(ex.signal, 0);
	assert_int_equal(ex.time, 1700000000LL);

	memset(&ex, 0, sizeof(ex));
	assert_int_equal(ward_exit_parse("{ \"code\": -1, \"signal\": 9, \"time\": 1700000123 }\n",
					 &ex, &err), 0);
	assert_true(ex.valid);
	assert_int_equal(ex.code, -1);
	assert_int_equal(ex.signal, SIGKILL);
	assert_int_equal(ex.time, 1700000123LL);

	memset(&ex, 0, sizeof(ex));
	assert_int_equal(ward_exit_parse("{ \"code\": 0, \"signal\": 0, \"time\": 4102444800 }\n",
					 &ex, &err), 0);
	assert_int_equal(ex.code, 0);
	assert_int_equal(ex.time, 4102444800LL);
	assert_null(err);
}

static void test_exit_parse_refused(void **state)
{
	struct ward_exit ex;

	(void)state;
	memset(&ex, 0, sizeof(ex));
	expect_refused(ward_exit_parse("garbage", &ex, &e_), "last-exit.json is not a JSON object");
	expect_refused(ward_exit_parse("[3, 0]", &ex, &e_), "last-exit.json is not a JSON object");
	expect_refused(ward_exit_parse("{ \"code\": 3, ", &ex, &e_), "not a JSON object");
	assert_false(ex.valid);
}

/* ---- intent.json ---------------------------------------------------------- */

static void intent_round_trip(const struct ward_intent *in)
{
	struct ward_intent back;
	struct ward_err *err = NULL;
	char *json = ward_intent_format(in);

	memset(&back, 0x55, sizeof(back));
	if (ward_intent_parse(json, &back, &err) != 0)
		fail_msg("cannot parse formatted intent: %s\n%s", err ? err->msg : "?", json);
	assert_string_equal(back.cgroup, in->cgroup);
	assert_int_equal(back.monitor_pid, in->monitor_pid);
	assert_true(back.monitor_start == in->monitor_start);
	assert_int_equal(back.init_pid, in->init_pid);
	assert_int_equal(back.started, in->started);
	free(json);
}

static void test_intent_round_trip(void **state)
{
	struct ward_intent in;

	(void)state;
	memset(&in, 0, sizeof(in));
	snprintf(in.cgroup, sizeof(in.cgroup), "ward/default/web1");
	in.monitor_pid = 1234;
	in.monitor_start = 987654321012ULL;
	in.init_pid = 1240;
	in.started = 1700000000LL;
	intent_round_trip(&in);

	/* extremes: the largest pid, start times past INT64_MAX */
	snprintf(in.cgroup, sizeof(in.cgroup), "ward/gold/sub.class/c_1-x");
	in.monitor_pid = INT_MAX;
	in.init_pid = 0;
	in.monitor_start = UINT64_MAX;
	in.started = 0;
	intent_round_trip(&in);
	in.monitor_start = (1ULL << 63) + 5;
	intent_round_trip(&in);
}

static void test_intent_parse_refused(void **state)
{
	struct ward_intent in;

	(void)state;
	expect_refused(ward_intent_parse("nope", &in, &e_), "intent.json is not a JSON object");
	expect_refused(ward_intent_parse("[]", &in, &e_), "intent.json is not a JSON object");
	expect_refused(ward_intent_parse("{}", &in, &e_), "intent.json names no valid cgroup");
	expect_refused(ward_intent_parse("{\"monitor_pid\": 12}", &in, &e_), "no valid cgroup");
	expect_refused(ward_intent_parse("{\"cgroup\": \"\"}", &in, &e_), "no valid cgroup");
	expect_refused(ward_intent_parse("{\"cgroup\": 7}", &in, &e_), "no valid cgroup");
	expect_refused(ward_intent_parse("{\"cgroup\": \"..\"}", &in, &e_), "no valid cgroup");
	expect_refused(ward_intent_parse("{\"cgroup\": \"ward/../../etc\"}", &in, &e_),
		       "no valid cgroup");
	expect_refused(ward_intent_parse("{\"cgroup\": \"ward/default/..\"}", &in, &e_),
		       "no valid cgroup");
	/* an absolute path would escape the cgroup root it is joined to */
	expect_refused(ward_intent_parse("{\"cgroup\": \"/x\"}", &in, &e_), "no valid cgroup");
	expect_refused(ward_intent_parse("{\"cgroup\": \"/ward/default/web1\"}", &in, &e_),
		       "no valid cgroup");
	expect_refused(ward_intent_parse("{\"cgroup\": \"/\"}", &in, &e_), "no valid cgroup");
}

/* The intent of this very process: alive while pid and start time match. */
static void test_intent_monitor_alive(void **state)
{
	struct ward_intent in;

	(void)state;
	memset(&in, 0, sizeof(in));
	assert_false(ward_intent_monitor_alive(&in));
	in.monitor_pid = getpid();
	in.monitor_start = ward_proc_starttime(getpid());
	assert_true(in.monitor_start > 0);
	assert_true(ward_intent_monitor_alive(&in));
	in.monitor_start++;
	assert_false(ward_intent_monitor_alive(&in));
	assert_true(ward_proc_starttime(0) == 0);
	assert_true(ward_proc_starttime(-1) == 0);
	assert_true(ward_proc_starttime(INT_MAX) == 0);
}

/* ---- save and load through a directory ----------------------------------- */

static void rm_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	assert_true(fd >= 0);
	unlinkat(fd, "state.json", 0);
	unlinkat(fd, "intent.json", 0);
	close(fd);
	assert_int_equal(rmdir(dir), 0);
}

static void test_save_load(void **state)
{
	char dir[] = "/tmp/ward-state-test-XXXXXX";
	struct ward_state st = { .phase = WARD_PHASE_READY, .created = 77 }, st2;
	struct ward_intent in = { .monitor_pid = 5, .monitor_start = 6, .init_pid = 7,
				  .started = 8 }, in2;
	struct ward_exit ex;
	struct ward_err *err = NULL;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(st.template, sizeof(st.template), "busybox");
	snprintf(in.cgroup, sizeof(in.cgroup), "ward/default/x");

	assert_int_equal(ward_state_load(dir, &st2, &err), -ENOENT);
	assert_non_null(err);
	ward_err_freep(&err);
	assert_int_equal(ward_exit_load(dir, &ex), -ENOENT);
	assert_false(ex.valid);

	assert_int_equal(ward_state_save(dir, &st, &err), 0);
	assert_int_equal(ward_state_load(dir, &st2, &err), 0);
	assert_int_equal(st2.phase, WARD_PHASE_READY);
	assert_string_equal(st2.template, "busybox");
	assert_int_equal(st2.created, 77);
	assert_int_equal(ward_intent_save(dir, &in, &err), 0);
	assert_int_equal(ward_intent_load(dir, &in2, &err), 0);
	assert_string_equal(in2.cgroup, "ward/default/x");
	assert_int_equal(in2.init_pid, 7);
	assert_null(err);
	rm_dir(dir);

	assert_int_equal(ward_state_save(dir, &st, &err), -ENOENT);
	ward_err_freep(&err);
}

/* ---- spec.json ------------------------------------------------------------ */

/* Same strings in the same order; both lists exist (an empty "env" array
 * is read back as an empty list, not NULL). */
static void assert_same_strv(char **a, char **b)
{
	size_t i = 0;

	assert_non_null(a);
	assert_non_null(b);
	for (; a[i] && b[i]; i++)
		assert_string_equal(a[i], b[i]);
	assert_null(a[i]);
	assert_null(b[i]);
}

static void spec_round_trip(const struct ward_spec *spec)
{
	struct ward_spec back;
	struct ward_err *err = NULL;
	char *json = ward_spec_format(spec);

	memset(&back, 0x55, sizeof(back));
	if (ward_spec_parse(json, &back, &err) != 0)
		fail_msg("cannot parse formatted spec: %s\n%s", err ? err->msg : "?", json);
	assert_string_equal(back.name, spec->name);
	assert_string_equal(back.rootfs, spec->rootfs);
	assert_string_equal(back.hostname, spec->hostname);
	assert_string_equal(back.cgroup, spec->cgroup);
	assert_same_strv(back.argv, spec->argv);
	assert_same_strv(back.envp, spec->envp);
	assert_int_equal(back.stop_signal, spec->stop_signal);
	assert_int_equal(back.stop_timeout, spec->stop_timeout);
	assert_int_equal(back.console, spec->console);
	free(json);
	ward_spec_fini(&back);
	assert_null(back.name);
	assert_null(back.argv);
}

static void test_spec_round_trip(void **state)
{
	char *argv[] = { "/bin/sh", "-c", "echo \"hi\" 'there'\n\ttab \\ é", "", NULL };
	char *envp[] = { "PATH=/bin", "container=ward", "EMPTY=", "Q=\"x\"", NULL };
	char *argv1[] = { "/sbin/init", NULL };
	char *envp0[] = { NULL };
	struct ward_spec spec = {
		.name = "web1",
		.rootfs = "/var/lib/ward/containers/web1/rootfs",
		.hostname = "web1.example",
		.cgroup = "ward/default/web1",
		.argv = argv,
		.envp = envp,
		.stop_signal = SIGUSR2,
		.stop_timeout = 3600,
		.console = true,
	};

	(void)state;
	spec_round_trip(&spec);
	spec.console = false;
	spec.argv = argv1;
	spec.envp = envp0;
	spec.stop_timeout = 0;
	spec.stop_signal = SIGTERM;
	spec_round_trip(&spec);
}

static void test_spec_parse_refused(void **state)
{
	static const char *bad[] = {
		"no json",
		"[]",
		"{}",
		/* each of name, rootfs, cgroup, argv and env missing in turn */
		"{\"rootfs\":\"/r\",\"cgroup\":\"w/d/a\",\"argv\":[\"/i\"],\"env\":[]}",
		"{\"name\":\"a\",\"cgroup\":\"w/d/a\",\"argv\":[\"/i\"],\"env\":[]}",
		"{\"name\":\"a\",\"rootfs\":\"/r\",\"argv\":[\"/i\"],\"env\":[]}",
		"{\"name\":\"a\",\"rootfs\":\"/r\",\"cgroup\":\"w/d/a\",\"env\":[]}",
		"{\"name\":\"a\",\"rootfs\":\"/r\",\"cgroup\":\"w/d/a\",\"argv\":[\"/i\"]}",
		/* argv empty or not an array */
		"{\"name\":\"a\",\"rootfs\":\"/r\",\"cgroup\":\"w/d/a\",\"argv\":[],\"env\":[]}",
		"{\"name\":\"a\",\"rootfs\":\"/r\",\"cgroup\":\"w/d/a\",\"argv\":\"/i\",\"env\":[]}",
		/* env not an array */
		"{\"name\":\"a\",\"rootfs\":\"/r\",\"cgroup\":\"w/d/a\",\"argv\":[\"/i\"],\"env\":\"A=1\"}",
		"{\"name\":\"a\",\"rootfs\":\"/r\",\"cgroup\":\"w/d/a\",\"argv\":[\"/i\"],\"env\":null}",
		/* no hostname; an overlay lower dir without its upper dir (fuzz_state) */
		"{\"name\":\"a\",\"rootfs\":\"/r\",\"cgroup\":\"w/d/a\",\"argv\":[\"/i\"],\"env\":[]}",
		("{\"name\":\"a\",\"rootfs\":\"/r\",\"hostname\":\"h\",\"lower\":\"/l\",\"cgroup\":\"w/d/a\","
		 "\"argv\":[\"/i\"],\"env\":[]}"),
	};
	struct ward_spec spec;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ward_err *err = NULL;

		memset(&spec, 0x55, sizeof(spec));
		if (ward_spec_parse(bad[i], &spec, &err) != -EINVAL)
			fail_msg("spec accepted: %s", bad[i]);
		assert_non_null(err);
		assert_non_null(strstr(err->msg, "spec.json"));
		ward_err_free(err);
		if (i >= 3) {
			/* nothing is left allocated or dangling */
			assert_null(spec.name);
			assert_null(spec.argv);
			assert_null(spec.envp);
		}
	}
	/* the smallest spec that is accepted */
	memset(&spec, 0, sizeof(spec));
	assert_int_equal(ward_spec_parse("{\"name\":\"a\",\"rootfs\":\"/r\",\"hostname\":\"a\","
					 "\"cgroup\":\"w/d/a\",\"argv\":[\"/i\"],\"env\":[]}", &spec, NULL), 0);
	assert_string_equal(spec.argv[0], "/i");
	assert_null(spec.argv[1]);
	/* an empty env is an empty list, not NULL */
	assert_non_null(spec.envp);
	assert_null(spec.envp[0]);
	assert_false(spec.console);
	ward_spec_fini(&spec);
}

/* A non-string element (JSON null reached strdup(NULL) once) in argv or
 * env makes the spec invalid, and nothing is left allocated. */
static void test_spec_parse_null_in_argv(void **state)
{
	static const char *bad[] = {
		"{\"name\":\"a\",\"rootfs\":\"/r\",\"cgroup\":\"w/d/a\",\"argv\":[\"/i\", null],\"env\":[]}",
		"{\"name\":\"a\",\"rootfs\":\"/r\",\"cgroup\":\"w/d/a\",\"argv\":[null],\"env\":[]}",
		"{\"name\":\"a\",\"rootfs\":\"/r\",\"cgroup\":\"w/d/a\",\"argv\":[\"/i\", 7],\"env\":[]}",
		"{\"name\":\"a\",\"rootfs\":\"/r\",\"cgroup\":\"w/d/a\",\"argv\":[\"/i\", [\"x\"]],\"env\":[]}",
		"{\"name\":\"a\",\"rootfs\":\"/r\",\"cgroup\":\"w/d/a\",\"argv\":[\"/i\"],\"env\":[null]}",
		"{\"name\":\"a\",\"rootfs\":\"/r\",\"cgroup\":\"w/d/a\",\"argv\":[\"/i\"],\"env\":[\"A=1\", null]}",
		"{\"name\":\"a\",\"rootfs\":\"/r\",\"cgroup\":\"w/d/a\",\"argv\":[\"/i\"],\"env\":[\"A=1\", {}]}",
		"{\"name\":\"a\",\"rootfs\":\"/r\",\"cgroup\":\"w/d/a\",\"argv\":[\"/i\"],\"env\":[true]}",
	};
	struct ward_spec spec;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&spec, 0x55, sizeof(spec));
		expect_refused(ward_spec_parse(bad[i], &spec, &e_),
			       "spec.json lacks name, rootfs, hostname, cgroup, argv, env");
		assert_null(spec.name);
		assert_null(spec.argv);
		assert_null(spec.envp);
		assert_int_equal(ward_spec_parse(bad[i], &spec, NULL), -EINVAL);
	}
}

/* ---- ward_spec_resolve ---------------------------------------------------- */

static bool strv_has(char **v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

static size_t strv_count_prefix(char **v, const char *prefix)
{
	size_t n = 0;

	for (size_t i = 0; v && v[i]; i++)
		n += !strncmp(v[i], prefix, strlen(prefix));
	return n;
}

static const struct ward_host test_host = {
	.root = "/tmp/ward-root", .run = "/tmp/ward-run", .cg_root = "ward",
};

static void test_spec_resolve_defaults(void **state)
{
	struct ward_config cfg = { 0 };
	struct ward_spec spec;
	struct ward_err *err = NULL;

	(void)state;
	assert_int_equal(ward_spec_resolve(&test_host, "web1", &cfg, NULL, NULL, &spec, &err), 0);
	assert_null(err);
	assert_string_equal(spec.name, "web1");
	assert_string_equal(spec.rootfs, "/tmp/ward-root/containers/web1/rootfs");
	assert_string_equal(spec.hostname, "web1");
	assert_string_equal(spec.cgroup, "ward/default/web1");
	assert_string_equal(spec.argv[0], "/sbin/init");
	assert_null(spec.argv[1]);
	assert_int_equal(strv_count_prefix(spec.envp, "PATH="), 1);
	assert_true(strv_has(spec.envp, "container=ward"));
	assert_int_equal(spec.stop_signal, SIGTERM);
	assert_int_equal(spec.stop_timeout, 10);
	assert_true(spec.console);
	spec_round_trip(&spec);
	ward_spec_fini(&spec);

	/* an empty override argv keeps the configured init */
	{
		char *none[] = { NULL };

		assert_int_equal(ward_spec_resolve(&test_host, "web1", &cfg, NULL, none, &spec,
						   &err), 0);
		assert_string_equal(spec.argv[0], "/sbin/init");
		assert_true(spec.console);
		ward_spec_fini(&spec);
	}
}

static void test_spec_resolve_config(void **state)
{
	struct ward_config cfg = { 0 };
	struct ward_spec spec;
	struct ward_err *err = NULL;
	char *run_argv[] = { "/bin/echo", "hello world", NULL };

	(void)state;
	assert_int_equal(ward_config_parse("hostname = h1.example\n"
					   "init = /bin/sh\n"
					   "class = gold\n"
					   "stop.signal = SIGUSR2\n"
					   "stop.timeout = 42\n"
					   "env.FOO = bar baz\n"
					   "env.EMPTY =\n"
					   "env.LANG = C.UTF-8\n", &cfg, &err), 0);
	assert_int_equal(ward_spec_resolve(&test_host, "db", &cfg, NULL, NULL, &spec, &err), 0);
	assert_null(err);
	assert_string_equal(spec.hostname, "h1.example");
	assert_string_equal(spec.cgroup, "ward/gold/db");
	assert_string_equal(spec.rootfs, "/tmp/ward-root/containers/db/rootfs");
	assert_string_equal(spec.argv[0], "/bin/sh");
	assert_null(spec.argv[1]);
	assert_true(strv_has(spec.envp, "FOO=bar baz"));
	assert_true(strv_has(spec.envp, "EMPTY="));
	assert_true(strv_has(spec.envp, "LANG=C.UTF-8"));
	assert_true(strv_has(spec.envp, "container=ward"));
	assert_int_equal(strv_count_prefix(spec.envp, "PATH="), 1);
	assert_int_equal(spec.stop_signal, SIGUSR2);
	assert_int_equal(spec.stop_timeout, 42);
	assert_true(spec.console);
	spec_round_trip(&spec);
	ward_spec_fini(&spec);

	/* ward run: the override replaces init and there is no console */
	assert_int_equal(ward_spec_resolve(&test_host, "db", &cfg, NULL, run_argv, &spec, &err), 0);
	assert_same_strv(spec.argv, run_argv);
	assert_false(spec.console);
	assert_true(strv_has(spec.envp, "FOO=bar baz"));
	ward_spec_fini(&spec);

	/* numbers are fine as stop.signal too */
	assert_int_equal(ward_config_set(&cfg, "stop.signal", "1", &err), 0);
	assert_int_equal(ward_spec_resolve(&test_host, "db", &cfg, NULL, NULL, &spec, &err), 0);
	assert_int_equal(spec.stop_signal, SIGHUP);
	ward_spec_fini(&spec);
	ward_config_fini(&cfg);
}

/* A config that bypassed the checks (hand-made) is refused, and what was
 * filled in can still be released with ward_spec_fini. */
static void test_spec_resolve_bad_signal(void **state)
{
	struct ward_kv kv = { .key = "stop.signal", .value = "KILLME" };
	struct ward_config cfg = { .kv = &kv, .n = 1 };
	struct ward_spec spec;
	struct ward_err *err = NULL;

	(void)state;
	assert_int_equal(ward_spec_resolve(&test_host, "x", &cfg, NULL, NULL, &spec, &err),
			 -EINVAL);
	assert_non_null(err);
	assert_non_null(strstr(err->msg, "stop.signal"));
	ward_err_free(err);
	ward_spec_fini(&spec);
}

/* env.PATH (or env.TERM, env.container) in the config replaces the
 * built-in value instead of adding a second entry that getenv() never sees. */
static void test_spec_resolve_env_override(void **state)
{
	struct ward_config cfg = { 0 };
	struct ward_spec spec;
	struct ward_err *err = NULL;

	(void)state;
	assert_int_equal(ward_config_set(&cfg, "env.PATH", "/opt/bin", &err), 0);
	assert_int_equal(ward_config_set(&cfg, "env.TERM", "xterm", &err), 0);
	assert_int_equal(ward_config_set(&cfg, "env.container", "other", &err), 0);
	assert_int_equal(ward_config_set(&cfg, "env.PATHX", "1", &err), 0);
	assert_int_equal(ward_spec_resolve(&test_host, "x", &cfg, NULL, NULL, &spec, &err), 0);
	assert_null(err);
	assert_int_equal(strv_count_prefix(spec.envp, "PATH="), 1);
	assert_true(strv_has(spec.envp, "PATH=/opt/bin"));
	assert_int_equal(strv_count_prefix(spec.envp, "TERM="), 1);
	assert_true(strv_has(spec.envp, "TERM=xterm"));
	assert_int_equal(strv_count_prefix(spec.envp, "container="), 1);
	assert_true(strv_has(spec.envp, "container=other"));
	assert_true(strv_has(spec.envp, "PATHX=1"));
	spec_round_trip(&spec);
	ward_spec_fini(&spec);
	ward_config_fini(&cfg);
}

/* ---- ward_env_set --------------------------------------------------------- */

static size_t strv_len(char **v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

static void test_env_set(void **state)
{
	char **env = NULL;
	char kv[] = "B=2";

	(void)state;
	/* set: from NULL to a one-entry list */
	env = ward_env_set(env, "A=1");
	assert_non_null(env);
	assert_int_equal(strv_len(env), 1);
	assert_string_equal(env[0], "A=1");

	/* append: another name goes at the end; the entry is a copy */
	env = ward_env_set(env, kv);
	kv[2] = '9';
	assert_int_equal(strv_len(env), 2);
	assert_string_equal(env[1], "B=2");
	env = ward_env_set(env, "EMPTY=");
	assert_int_equal(strv_len(env), 3);
	assert_string_equal(env[2], "EMPTY=");

	/* replace: same name, in place, order kept */
	env = ward_env_set(env, "A=one");
	assert_int_equal(strv_len(env), 3);
	assert_string_equal(env[0], "A=one");
	assert_string_equal(env[1], "B=2");
	env = ward_env_set(env, "EMPTY=now set");
	assert_int_equal(strv_len(env), 3);
	assert_string_equal(env[2], "EMPTY=now set");
	env = ward_env_set(env, "B=");
	assert_string_equal(env[1], "B=");

	/* a name that is a prefix of another, or shares one, is its own name */
	env = ward_env_set(env, "AB=x");
	assert_int_equal(strv_len(env), 4);
	assert_string_equal(env[3], "AB=x");
	env = ward_env_set(env, "EMPT=y");
	assert_int_equal(strv_len(env), 5);
	assert_string_equal(env[0], "A=one");
	assert_string_equal(env[2], "EMPTY=now set");
	assert_string_equal(env[4], "EMPT=y");

	/* a value holding '=' splits at the first one */
	env = ward_env_set(env, "AB=x=y");
	assert_int_equal(strv_len(env), 5);
	assert_string_equal(env[3], "AB=x=y");
	assert_null(env[5]);
	ward_strv_free(env);
	ward_strv_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_round_trip),
		cmocka_unit_test(test_state_format_text),
		cmocka_unit_test(test_state_parse_defaults),
		cmocka_unit_test(test_state_parse_refused),
		cmocka_unit_test(test_exit_parse),
		cmocka_unit_test(test_exit_parse_refused),
		cmocka_unit_test(test_intent_round_trip),
		cmocka_unit_test(test_intent_parse_refused),
		cmocka_unit_test(test_intent_monitor_alive),
		cmocka_unit_test(test_save_load),
		cmocka_unit_test(test_spec_round_trip),
		cmocka_unit_test(test_spec_parse_refused),
		cmocka_unit_test(test_spec_parse_null_in_argv),
		cmocka_unit_test(test_spec_resolve_defaults),
		cmocka_unit_test(test_spec_resolve_config),
		cmocka_unit_test(test_spec_resolve_bad_signal),
		cmocka_unit_test(test_spec_resolve_env_override),
		cmocka_unit_test(test_env_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
