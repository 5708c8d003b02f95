/* Unit tests for lib/container/config.c: the keys table, the check of every
 * key's values, set/get/unset with defaults, and the INI text both ways.
 * Pure functions: no files, no root. */
#include <errno.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/common.h"
#include "container/container.h"

static void expect_good(const char *key, const char *value)
{
	struct ward_err *err = NULL;

	if (ward_config_check(key, value, &err) != 0)
		fail_msg("%s = '%s' refused: %s", key, value, err ? err->msg : "(no message)");
	assert_null(err);
}

/* Refused with -EINVAL and a message holding sub (if given). */
static void expect_bad(const char *key, const char *value, const char *sub)
{
	struct ward_err *err = NULL;
	int r = ward_config_check(key, value, &err);

	if (r != -EINVAL)
		fail_msg("%s = '%s' gave %d, not -EINVAL", key, value, r);
	assert_non_null(err);
	assert_int_equal(err->code, EINVAL);
	if (sub && !strstr(err->msg, sub))
		fail_msg("%s = '%s': message '%s' lacks '%s'", key, value, err->msg, sub);
	ward_err_free(err);
}

static void test_keys_table(void **state)
{
	static const struct {
		const char *key, *def;
	} want[] = {
		{ "hostname", NULL },	  { "init", "/sbin/init" }, { "stop.signal", "TERM" },
		{ "stop.timeout", "10" }, { "autostart", "false" }, { "class", "default" },
		{ "env.NAME", NULL },
	};
	size_t n = 0;
	const struct ward_config_key *keys = ward_config_keys(&n);

	(void)state;
	assert_non_null(keys);
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(keys[i].key, want[i].key);
		if (want[i].def)
			assert_string_equal(keys[i].def, want[i].def);
		else
			assert_null(keys[i].def);
		assert_non_null(keys[i].help);
		assert_true(strlen(keys[i].help) > 0);
		assert_non_null(keys[i].check);
		assert_true(ward_config_known(keys[i].key));
		/* every default passes its own key's check */
		if (keys[i].def)
			expect_good(keys[i].key, keys[i].def);
	}
}

static void test_known(void **state)
{
	(void)state;
	assert_true(ward_config_known("hostname"));
	assert_true(ward_config_known("env.FOO"));
	assert_false(ward_config_known("env."));
	assert_false(ward_config_known("env"));
	assert_false(ward_config_known("nope"));
	assert_false(ward_config_known(""));
	assert_false(ward_config_known("HOSTNAME"));
}

static void test_check_unknown_key(void **state)
{
	(void)state;
	expect_bad("nope", "x", "unknown config key 'nope'");
	expect_bad("", "x", "unknown config key");
	expect_bad("stop", "TERM", "unknown config key 'stop'");
	expect_bad("Init", "/sbin/init", "unknown config key");
}

static void test_check_hostname(void **state)
{
	char h63[64], h64[65];

	(void)state;
	memset(h63, 'h', 63);
	h63[63] = '\0';
	memset(h64, 'h', 64);
	h64[64] = '\0';
	expect_good("hostname", "web1");
	expect_good("hostname", "web-1.example.org");
	expect_good("hostname", "Web1");
	expect_good("hostname", "1");
	expect_good("hostname", h63);
	expect_bad("hostname", "", "bad value for hostname: hostname must be 1 to 63 characters");
	expect_bad("hostname", h64, "1 to 63 characters");
	expect_bad("hostname", "-web", "must start with a letter or digit");
	expect_bad("hostname", ".web", "must start with a letter or digit");
	expect_bad("hostname", "web_1", "may only hold letters, digits");
	expect_bad("hostname", "web 1", "may only hold");
	expect_bad("hostname", "web/1", "may only hold");
	expect_bad("hostname", "w\xc3\xa9", "may only hold");
}

/* A path of n characters: '/' and then 'i's. */
static void abspath(char *buf, size_t n)
{
	buf[0] = '/';
	memset(buf + 1, 'i', n - 1);
	buf[n] = '\0';
}

static void test_check_init(void **state)
{
	char p191[192], p192[193], p255[256];

	(void)state;
	/* "init" + value + 4 must stay under inih's 200-byte line */
	abspath(p191, 191);
	abspath(p192, 192);
	abspath(p255, 255);
	expect_good("init", "/sbin/init");
	expect_good("init", "/");
	expect_good("init", "/usr/lib/my;init");
	expect_good("init", p191);
	expect_bad("init", p192, "bad value for init: key and value must fit in 196 characters");
	expect_bad("init", p255, "must fit in 196 characters");
	expect_bad("init", "sbin/init", "bad value for init: 'sbin/init' is not an absolute path");
	expect_bad("init", "", "not an absolute path");
	expect_bad("init", "./init", "not an absolute path");
	expect_bad("init", " /sbin/init", "must not begin or end with blanks");
	expect_bad("init", "/sbin/init ", "must not begin or end with blanks");
	expect_bad("init", "/sbin/init ;x", "must not hold \" ;\"");
	expect_bad("init", "/sbin/init\t", "control character");
}

static void test_check_stop_signal(void **state)
{
	(void)state;
	expect_good("stop.signal", "TERM");
	expect_good("stop.signal", "SIGTERM");
	expect_good("stop.signal", "USR2");
	expect_good("stop.signal", "sigpwr");
	expect_good("stop.signal", "15");
	expect_good("stop.signal", "1");
	expect_bad("stop.signal", "KILL", "bad value for stop.signal: 'KILL' is not a signal");
	expect_bad("stop.signal", "SIGKILL", "not a signal init can handle");
	expect_bad("stop.signal", "9", "not a signal");
	expect_bad("stop.signal", "STOP", "not a signal");
	expect_bad("stop.signal", "19", "not a signal");
	expect_bad("stop.signal", "", "not a signal");
	expect_bad("stop.signal", "FOO", "not a signal");
	expect_bad("stop.signal", "0", "not a signal");
	expect_bad("stop.signal", "-15", "not a signal");
}

static void test_check_stop_timeout(void **state)
{
	(void)state;
	expect_good("stop.timeout", "0");
	expect_good("stop.timeout", "10");
	expect_good("stop.timeout", "3600");
	expect_bad("stop.timeout", "3601", "bad value for stop.timeout: '3601' is not a number of seconds from 0 to 3600");
	expect_bad("stop.timeout", "-1", "from 0 to 3600");
	expect_bad("stop.timeout", "10s", "from 0 to 3600");
	expect_bad("stop.timeout", "", "from 0 to 3600");
	expect_bad("stop.timeout", "+5", "from 0 to 3600");
	expect_bad("stop.timeout", "1e3", "from 0 to 3600");
	expect_bad("stop.timeout", "99999999999999999999", "from 0 to 3600");
}

/* strtol skips leading blanks, so " -1" must be refused before it gets
 * there: a spec with stop_timeout -1 never comes out of a config. */
static void test_check_stop_timeout_blank_sign(void **state)
{
	(void)state;
	expect_bad("stop.timeout", " -1", "bad value for stop.timeout: the value must not begin or end with blanks");
	expect_bad("stop.timeout", " 5", "must not begin or end with blanks");
	expect_bad("stop.timeout", "5 ", "must not begin or end with blanks");
	expect_bad("stop.timeout", "\t5", "control character");
}

static void test_check_autostart(void **state)
{
	(void)state;
	expect_good("autostart", "true");
	expect_good("autostart", "false");
	expect_bad("autostart", "yes", "bad value for autostart: 'yes' is not true or false");
	expect_bad("autostart", "1", "not true or false");
	expect_bad("autostart", "TRUE", "not true or false");
	expect_bad("autostart", "", "not true or false");
}

static void test_check_class(void **state)
{
	(void)state;
	expect_good("class", "default");
	expect_good("class", "gold.web-1");
	expect_bad("class", "Gold", "bad value for class: class name 'Gold'");
	expect_bad("class", "", "class name must not be empty");
	expect_bad("class", "a/b", "class name");
	expect_bad("class", "..", "class name must not be '..'");
}

static void test_check_env(void **state)
{
	(void)state;
	expect_good("env.FOO", "bar");
	expect_good("env.FOO", "");
	expect_good("env.foo_Bar9", "a = b; c");
	expect_good("env.FOO", "a;b");
	expect_good("env.FOO", "a; b;c");
	expect_good("env.FOO", "x=1 # not a comment");
	expect_good("env.FOO", "a  b");
	expect_good("env._X", "x");
	expect_good("env.A1", "1");
	expect_bad("env.1A", "x", "unknown config key 'env.1A'");
	expect_bad("env.", "x", "unknown config key 'env.'");
	expect_bad("env.A-B", "x", "unknown config key");
	expect_bad("env.A.B", "x", "unknown config key");
	expect_bad("env.A B", "x", "unknown config key");
	expect_bad("env.FOO", "a\nb", "bad value for env.FOO: the value holds a control character");
	expect_bad("env.FOO", "\n", "control character");
	expect_bad("env.FOO", "a\rb", "control character");
	expect_bad("env.FOO", "a\tb", "control character");
	expect_bad("env.FOO", "a\x7f", "control character");
	expect_bad("env.FOO", "a = b ; c", "bad value for env.FOO: the value must not hold \" ;\"");
	expect_bad("env.FOO", "a ;b", "must not hold \" ;\"");
	expect_bad("env.FOO", " padded ", "must not begin or end with blanks");
	expect_bad("env.FOO", " ", "must not begin or end with blanks");
	expect_bad("env.FOO", "x ", "must not begin or end with blanks");
}

/* The INI line limit counts the key too: key + value + 4 < 200. */
static void test_check_line_length(void **state)
{
	char v[200];

	(void)state;
	memset(v, 'v', sizeof(v));
	v[188] = '\0'; /* "env.FOO" (7) + 188 + 4 = 199 */
	expect_good("env.FOO", v);
	v[188] = 'v';
	v[189] = '\0';
	expect_bad("env.FOO", v, "bad value for env.FOO: key and value must fit in 196 characters");
	memset(v, 'v', sizeof(v));
	v[sizeof(v) - 1] = '\0';
	expect_bad("env.FOO", v, "must fit in 196 characters");
}

static void test_set_get_value(void **state)
{
	struct ward_config cfg = { 0 };
	struct ward_err *err = NULL;

	(void)state;
	/* defaults while unset */
	assert_null(ward_config_get(&cfg, "init"));
	assert_string_equal(ward_config_value(&cfg, "init"), "/sbin/init");
	assert_string_equal(ward_config_value(&cfg, "stop.signal"), "TERM");
	assert_string_equal(ward_config_value(&cfg, "stop.timeout"), "10");
	assert_string_equal(ward_config_value(&cfg, "autostart"), "false");
	assert_string_equal(ward_config_value(&cfg, "class"), "default");
	assert_null(ward_config_value(&cfg, "hostname"));
	assert_null(ward_config_value(&cfg, "env.FOO"));
	assert_null(ward_config_value(&cfg, "nope"));

	assert_int_equal(ward_config_set(&cfg, "init", "/bin/sh", &err), 0);
	assert_int_equal(ward_config_set(&cfg, "env.FOO", "bar", &err), 0);
	assert_int_equal(ward_config_set(&cfg, "hostname", "h1", &err), 0);
	assert_null(err);
	assert_int_equal(cfg.n, 3);
	assert_string_equal(ward_config_get(&cfg, "init"), "/bin/sh");
	assert_string_equal(ward_config_value(&cfg, "init"), "/bin/sh");
	assert_string_equal(ward_config_value(&cfg, "env.FOO"), "bar");
	assert_string_equal(ward_config_value(&cfg, "hostname"), "h1");

	/* set replaces in place */
	assert_int_equal(ward_config_set(&cfg, "init", "/sbin/init2", &err), 0);
	assert_int_equal(cfg.n, 3);
	assert_string_equal(ward_config_get(&cfg, "init"), "/sbin/init2");
	assert_string_equal(cfg.kv[0].key, "init");

	/* a bad value changes nothing */
	assert_int_equal(ward_config_set(&cfg, "init", "relative", &err), -EINVAL);
	assert_non_null(err);
	assert_non_null(strstr(err->msg, "bad value for init"));
	ward_err_freep(&err);
	assert_int_equal(ward_config_set(&cfg, "nope", "x", &err), -EINVAL);
	assert_non_null(strstr(err->msg, "unknown config key 'nope'"));
	ward_err_freep(&err);
	assert_int_equal(cfg.n, 3);
	assert_string_equal(ward_config_get(&cfg, "init"), "/sbin/init2");
	assert_null(ward_config_get(&cfg, "nope"));

	ward_config_fini(&cfg);
	assert_int_equal(cfg.n, 0);
	assert_null(cfg.kv);
	ward_config_fini(&cfg); /* twice is harmless */
}

static void test_unset(void **state)
{
	struct ward_config cfg = { 0 };
	struct ward_err *err = NULL;

	(void)state;
	assert_int_equal(ward_config_set(&cfg, "hostname", "h1", &err), 0);
	assert_int_equal(ward_config_set(&cfg, "class", "gold", &err), 0);
	assert_int_equal(ward_config_set(&cfg, "env.A", "1", &err), 0);

	assert_int_equal(ward_config_unset(&cfg, "init", &err), -ENOENT);
	assert_non_null(err);
	assert_int_equal(err->code, ENOENT);
	assert_non_null(strstr(err->msg, "'init' is not set"));
	ward_err_freep(&err);

	assert_int_equal(ward_config_unset(&cfg, "env.B", &err), -ENOENT);
	ward_err_freep(&err);

	assert_int_equal(ward_config_unset(&cfg, "nope", &err), -EINVAL);
	assert_non_null(err);
	assert_int_equal(err->code, EINVAL);
	assert_non_null(strstr(err->msg, "unknown config key 'nope'"));
	ward_err_freep(&err);

	/* removing the middle key keeps the others in order */
	assert_int_equal(ward_config_unset(&cfg, "class", &err), 0);
	assert_null(err);
	assert_int_equal(cfg.n, 2);
	assert_string_equal(cfg.kv[0].key, "hostname");
	assert_string_equal(cfg.kv[1].key, "env.A");
	assert_string_equal(cfg.kv[1].value, "1");
	assert_null(ward_config_get(&cfg, "class"));
	assert_string_equal(ward_config_value(&cfg, "class"), "default");
	assert_int_equal(ward_config_unset(&cfg, "class", &err), -ENOENT);
	ward_err_freep(&err);

	assert_int_equal(ward_config_unset(&cfg, "env.A", &err), 0);
	assert_int_equal(ward_config_unset(&cfg, "hostname", &err), 0);
	assert_int_equal(cfg.n, 0);
	ward_config_fini(&cfg);
}

static void test_parse_ok(void **state)
{
	static const char text[] =
		"# ward container config\n"
		"; another comment\n"
		"\n"
		"hostname = web1\n"
		"init=/bin/sh\n"
		"stop.signal   =   USR2   \n"
		"stop.timeout = 30\n"
		"autostart = true\n"
		"class = gold\n"
		"env.FOO = bar baz\n"
		"env.EMPTY =\n"
		"hostname = web2\n";
	struct ward_config cfg = { 0 };
	struct ward_err *err = NULL;

	(void)state;
	assert_int_equal(ward_config_parse(text, &cfg, &err), 0);
	assert_null(err);
	assert_int_equal(cfg.n, 8);
	assert_string_equal(ward_config_get(&cfg, "hostname"), "web2"); /* last wins */
	assert_string_equal(ward_config_get(&cfg, "init"), "/bin/sh");
	assert_string_equal(ward_config_get(&cfg, "stop.signal"), "USR2");
	assert_string_equal(ward_config_get(&cfg, "stop.timeout"), "30");
	assert_string_equal(ward_config_get(&cfg, "autostart"), "true");
	assert_string_equal(ward_config_get(&cfg, "class"), "gold");
	assert_string_equal(ward_config_get(&cfg, "env.FOO"), "bar baz");
	assert_string_equal(ward_config_get(&cfg, "env.EMPTY"), "");
	ward_config_fini(&cfg);

	assert_int_equal(ward_config_parse("", &cfg, &err), 0);
	assert_int_equal(cfg.n, 0);
	assert_int_equal(ward_config_parse("# only a comment\n\n", &cfg, &err), 0);
	assert_int_equal(cfg.n, 0);
	assert_null(err);
	ward_config_fini(&cfg);
}

static void expect_parse_fails(const char *text, int line, const char *sub)
{
	struct ward_config cfg = { 0 };
	struct ward_err *err = NULL;
	char where[32];

	assert_int_equal(ward_config_parse(text, &cfg, &err), -EINVAL);
	assert_non_null(err);
	assert_int_equal(err->code, EINVAL);
	snprintf(where, sizeof(where), "config line %d", line);
	if (strncmp(err->msg, where, strlen(where)) || (sub && !strstr(err->msg, sub)))
		fail_msg("message '%s' does not start with '%s' or lacks '%s'", err->msg, where,
			 sub ? sub : "");
	/* nothing of the text is kept */
	assert_int_equal(cfg.n, 0);
	assert_null(cfg.kv);
	ward_err_free(err);
}

static void test_parse_refused(void **state)
{
	(void)state;
	expect_parse_fails("[net]\nhostname = a\n", 2, "section [net]");
	expect_parse_fails("hostname = a\n[x]\nclass = b\n", 3, "section [x]");
	expect_parse_fails("hostname = web1\n# note\nstop.timeout = 10s\nclass = gold\n", 3,
			   "bad value for stop.timeout");
	expect_parse_fails("hostname = web1\nclass = gold\nautostart = maybe\n", 3,
			   "bad value for autostart");
	expect_parse_fails("colour = blue\n", 1, "unknown config key 'colour'");
	expect_parse_fails("hostname = web1\nenv.1A = x\n", 2, "unknown config key 'env.1A'");
	expect_parse_fails("hostname = web1\njust words\n", 2, "cannot parse");
	/* the first error is the one reported, and only its key is named */
	expect_parse_fails("class = A\ninit = x\n", 1, "bad value for class");
	{
		struct ward_config cfg = { 0 };
		struct ward_err *err = NULL;

		assert_int_equal(ward_config_parse("stop.timeout = 99999\nstop.signal = NOPE\n"
						   "autostart = maybe\n", &cfg, &err), -EINVAL);
		assert_non_null(strstr(err->msg, "config line 1: bad value for stop.timeout: "));
		assert_null(strstr(err->msg, "stop.signal"));
		assert_null(strstr(err->msg, "autostart"));
		ward_err_free(err);
	}
}

/* A refused text empties a config that already held keys. */
static void test_parse_refused_empties(void **state)
{
	struct ward_config cfg = { 0 };
	struct ward_err *err = NULL;

	(void)state;
	assert_int_equal(ward_config_set(&cfg, "hostname", "h1", &err), 0);
	assert_int_equal(ward_config_parse("init = /a\nclass = ..\n", &cfg, &err), -EINVAL);
	assert_int_equal(cfg.n, 0);
	assert_non_null(strstr(err->msg, "config line 2"));
	ward_err_freep(&err);
	/* without an err the code still comes back */
	assert_int_equal(ward_config_parse("init = x\n", &cfg, NULL), -EINVAL);
	assert_int_equal(ward_config_parse("words\n", &cfg, NULL), -EINVAL);
	assert_int_equal(cfg.n, 0);
	ward_config_fini(&cfg);
}

static void assert_same_config(const struct ward_config *a, const struct ward_config *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_string_equal(a->kv[i].key, b->kv[i].key);
		assert_string_equal(a->kv[i].value, b->kv[i].value);
	}
}

/* format -> parse gives back the same keys, values and order, and
 * formatting that again gives the same text. */
static void round_trip(const struct ward_config *cfg)
{
	struct ward_config back = { 0 };
	struct ward_err *err = NULL;
	char *text = ward_config_format(cfg), *again;

	assert_non_null(text);
	if (ward_config_parse(text, &back, &err) != 0)
		fail_msg("cannot parse formatted config: %s\n%s", err ? err->msg : "?", text);
	assert_same_config(cfg, &back);
	again = ward_config_format(&back);
	assert_string_equal(text, again);
	free(text);
	free(again);
	ward_config_fini(&back);
}

static void test_format_round_trip(void **state)
{
	struct ward_config cfg = { 0 };
	struct ward_err *err = NULL;
	char *text;

	(void)state;
	round_trip(&cfg);
	text = ward_config_format(&cfg);
	assert_non_null(strstr(text, "# ward container config"));
	free(text);

	assert_int_equal(ward_config_set(&cfg, "hostname", "web1.example", &err), 0);
	assert_int_equal(ward_config_set(&cfg, "init", "/usr/lib/systemd/systemd", &err), 0);
	assert_int_equal(ward_config_set(&cfg, "stop.signal", "RTMIN", &err), -EINVAL);
	ward_err_freep(&err);
	assert_int_equal(ward_config_set(&cfg, "stop.signal", "SIGPWR", &err), 0);
	assert_int_equal(ward_config_set(&cfg, "stop.timeout", "3600", &err), 0);
	assert_int_equal(ward_config_set(&cfg, "autostart", "true", &err), 0);
	assert_int_equal(ward_config_set(&cfg, "class", "gold.web", &err), 0);
	assert_int_equal(ward_config_set(&cfg, "env.FOO", "a = b", &err), 0);
	assert_int_equal(ward_config_set(&cfg, "env.EMPTY", "", &err), 0);
	assert_int_equal(ward_config_set(&cfg, "env.HASH", "#not a comment", &err), 0);
	assert_int_equal(ward_config_set(&cfg, "env.URL", "http://x:8080/a?b=c", &err), 0);
	assert_null(err);
	round_trip(&cfg);

	text = ward_config_format(&cfg);
	assert_non_null(strstr(text, "\nhostname = web1.example\n"));
	assert_non_null(strstr(text, "\nenv.FOO = a = b\n"));
	free(text);

	/* many keys: the buffer grows */
	for (int i = 0; i < 200; i++) {
		char key[32], val[64];

		snprintf(key, sizeof(key), "env.V%d", i);
		snprintf(val, sizeof(val), "value number %d of many", i);
		assert_int_equal(ward_config_set(&cfg, key, val, &err), 0);
	}
	round_trip(&cfg);
	ward_config_fini(&cfg);
}

/* Whether a config holding key = value survives format -> parse. */
static bool survives(const char *key, const char *value)
{
	struct ward_config cfg = { 0 }, back = { 0 };
	struct ward_err *err = NULL;
	char *text;
	bool ok;

	assert_int_equal(ward_config_set(&cfg, key, value, &err), 0);
	text = ward_config_format(&cfg);
	ok = ward_config_parse(text, &back, &err) == 0 && back.n == 1 &&
	     !strcmp(back.kv[0].value, value);
	ward_err_free(err);
	free(text);
	ward_config_fini(&cfg);
	ward_config_fini(&back);
	return ok;
}

/* Whether a value is refused by ward_config_set with -EINVAL and a message
 * holding sub, leaving the config empty. */
static void expect_set_refused(const char *key, const char *value, const char *sub)
{
	struct ward_config cfg = { 0 };
	struct ward_err *err = NULL;

	assert_int_equal(ward_config_set(&cfg, key, value, &err), -EINVAL);
	assert_non_null(err);
	if (!strstr(err->msg, sub))
		fail_msg("%s = '%s': message '%s' lacks '%s'", key, value, err->msg, sub);
	ward_err_free(err);
	assert_int_equal(cfg.n, 0);
	assert_null(cfg.kv);
}

/* Every value ward_config_set accepts must come back from the saved text;
 * otherwise `ward config set` writes a config that later loads differently
 * or not at all. inih (Debian's build) reads lines of at most 200 bytes, so
 * a longer value is refused up front, and the longest accepted one survives. */
static void test_round_trip_long_init(void **state)
{
	char path[256];

	(void)state;
	abspath(path, 255);
	expect_set_refused("init", path, "must fit in 196 characters");
	abspath(path, 192);
	expect_set_refused("init", path, "must fit in 196 characters");
	abspath(path, 191);
	assert_true(survives("init", path));
}

/* inih treats " ;" as the start of an inline comment, so such a value is
 * refused; a ';' without a blank before it is kept. */
static void test_round_trip_inline_comment(void **state)
{
	(void)state;
	expect_set_refused("env.FOO", "a ;b", "must not hold \" ;\"");
	expect_set_refused("env.FOO", "a\t;b", "control character");
	assert_true(survives("env.FOO", "a;b"));
	assert_true(survives("env.FOO", "a; b"));
	assert_true(survives("env.FOO", "a;"));
}

/* format writes "key = value", so a value that begins with ';' would get a
 * blank before it in the file and read back as an inline comment: refused. */
static void test_round_trip_leading_semicolon(void **state)
{
	struct ward_config cfg = { 0 };
	struct ward_err *err = NULL;

	(void)state;
	assert_int_equal(ward_config_set(&cfg, "env.FOO", ";a", &err), -EINVAL);
	assert_non_null(strstr(err->msg, "comment"));
	ward_err_freep(&err);
	assert_int_equal(ward_config_set(&cfg, "env.FOO", ";", &err), -EINVAL);
	ward_err_freep(&err);
	assert_int_equal(cfg.n, 0);
}

/* inih strips blanks around values, so values with outer blanks are
 * refused; inner blanks are kept. */
static void test_round_trip_blanks(void **state)
{
	(void)state;
	expect_set_refused("env.FOO", " padded ", "must not begin or end with blanks");
	expect_set_refused("env.FOO", " padded", "must not begin or end with blanks");
	expect_set_refused("env.FOO", "padded ", "must not begin or end with blanks");
	assert_true(survives("env.FOO", "inner  blanks kept"));
	assert_true(survives("env.FOO", ""));
}

/* A newline in a value would make format write an extra line, e.g.
 * init = "/bin/sh\nclass = gold" saving and reloading as class = gold:
 * check refuses it, and set keeps nothing. */
static void test_check_init_newline(void **state)
{
	(void)state;
	expect_bad("init", "/bin/sh\nclass = gold", "bad value for init: the value holds a control character");
	expect_bad("env.FOO", "x\nclass = gold", "control character");
	expect_set_refused("init", "/bin/sh\nclass = gold", "control character");
	expect_set_refused("init", "/bin/sh\rclass = gold", "control character");
}

/* inih joins an indented line to the key above it (multi-line values), so
 * an indented key would silently replace the previous env value: the parse
 * refuses it and names the line. Indented comments and blank lines are fine. */
static void test_parse_indented_key(void **state)
{
	struct ward_config cfg = { 0 };
	struct ward_err *err = NULL;

	(void)state;
	expect_parse_fails("env.A = x\n  env.B = y\n", 2,
			   "config line 2: indented line (keys start in column 1)");
	expect_parse_fails("env.A = x\n\tenv.B = y\n", 2, "indented line");
	expect_parse_fails("  hostname = a\n", 1, "indented line");
	expect_parse_fails("env.A = x\n\n# c\n continued\n", 4, "indented line");

	assert_int_equal(ward_config_parse("env.A = x\n  # note\n\t; note\n   \n\t\nenv.B = y\n",
					   &cfg, &err), 0);
	assert_null(err);
	assert_int_equal(cfg.n, 2);
	assert_string_equal(ward_config_get(&cfg, "env.A"), "x");
	assert_string_equal(ward_config_get(&cfg, "env.B"), "y");
	ward_config_fini(&cfg);
}

/* Like every other refused text, an indented line empties a config that
 * already held keys. */
static void test_parse_indented_empties(void **state)
{
	struct ward_config cfg = { 0 };
	struct ward_err *err = NULL;
	size_t n;

	(void)state;
	assert_int_equal(ward_config_set(&cfg, "hostname", "h1", &err), 0);
	assert_int_equal(ward_config_parse("env.A = x\n  env.B = y\n", &cfg, &err), -EINVAL);
	assert_non_null(strstr(err->msg, "config line 2: indented line"));
	ward_err_freep(&err);
	n = cfg.n;
	ward_config_fini(&cfg);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_table),
		cmocka_unit_test(test_known),
		cmocka_unit_test(test_check_unknown_key),
		cmocka_unit_test(test_check_hostname),
		cmocka_unit_test(test_check_init),
		cmocka_unit_test(test_check_init_newline),
		cmocka_unit_test(test_check_stop_signal),
		cmocka_unit_test(test_check_stop_timeout),
		cmocka_unit_test(test_check_stop_timeout_blank_sign),
		cmocka_unit_test(test_check_autostart),
		cmocka_unit_test(test_check_class),
		cmocka_unit_test(test_check_env),
		cmocka_unit_test(test_check_line_length),
		cmocka_unit_test(test_set_get_value),
		cmocka_unit_test(test_unset),
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_refused),
		cmocka_unit_test(test_parse_refused_empties),
		cmocka_unit_test(test_parse_indented_key),
		cmocka_unit_test(test_parse_indented_empties),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_round_trip_long_init),
		cmocka_unit_test(test_round_trip_inline_comment),
		cmocka_unit_test(test_round_trip_leading_semicolon),
		cmocka_unit_test(test_round_trip_blanks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
