/* Unit tests for lib/common/names.c: ward_name_check (container, class and
 * network names) and the signal names ward_signal_parse/ward_signal_name.
 * Pure functions: no files, no root. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/common.h"

/* Checks that ward_name_check refuses name with -EINVAL and an error whose
 * code is EINVAL and whose message holds each of the given substrings. */
static void expect_bad_name(const char *name, const char *what, const char *sub1,
			    const char *sub2)
{
	struct ward_err *err = NULL;

	assert_int_equal(ward_name_check(name, what, &err), -EINVAL);
	assert_non_null(err);
	assert_int_equal(err->code, EINVAL);
	if (!strstr(err->msg, what) || (sub1 && !strstr(err->msg, sub1)) ||
	    (sub2 && !strstr(err->msg, sub2)))
		fail_msg("message for name '%s' is '%s'; wanted '%s', '%s' and '%s'",
			 name ? name : "(null)", err->msg, what, sub1 ? sub1 : "",
			 sub2 ? sub2 : "");
	ward_err_free(err);
}

static void expect_good_name(const char *name)
{
	struct ward_err *err = NULL;

	if (ward_name_check(name, "container name", &err) != 0)
		fail_msg("name '%s' refused: %s", name, err ? err->msg : "(no message)");
	assert_null(err);
}

static void test_name_valid(void **state)
{
	char max[WARD_NAME_MAX + 1];

	(void)state;
	memset(max, 'a', WARD_NAME_MAX);
	max[WARD_NAME_MAX] = '\0';
	expect_good_name("a");
	expect_good_name("web1");
	expect_good_name("a.b-c_d");
	expect_good_name("0");
	expect_bad_name("...", "container name", "must start with", NULL);
	expect_bad_name(".hidden", "container name", "must start with a letter, digit or '_'", NULL);
	expect_bad_name("-x", "container name", "must start with a letter, digit or '_'", NULL);
	expect_good_name(max);
}

static void test_name_empty(void **state)
{
	(void)state;
	expect_bad_name(NULL, "container name", "must not be empty", NULL);
	expect_bad_name("", "class name", "must not be empty", NULL);
}

static void test_name_dots(void **state)
{
	(void)state;
	expect_bad_name(".", "container name", "must not be '.'", NULL);
	expect_bad_name("..", "network name", "must not be '..'", NULL);
}

static void test_name_too_long(void **state)
{
	char over[WARD_NAME_MAX + 2];

	(void)state;
	memset(over, 'a', WARD_NAME_MAX + 1);
	over[WARD_NAME_MAX + 1] = '\0';
	expect_bad_name(over, "container name", "longer than 64 characters", NULL);
}

static void test_name_bad_chars(void **state)
{
	(void)state;
	expect_bad_name("a/b", "container name", "'a/b'", "outside [a-z0-9_.-] at position 2");
	expect_bad_name("/", "container name", "at position 1", NULL);
	expect_bad_name("../x", "container name", "must start with", NULL);
	expect_bad_name("Web", "class name", "outside [a-z0-9_.-]", "at position 1");
	expect_bad_name("web server", "container name", "at position 4", NULL);
	expect_bad_name("caf\xc3\xa9", "container name", "at position 4", NULL);
	expect_bad_name("web*", "container name", "at position 4", NULL);
	expect_bad_name("a\n", "container name", "at position 2", NULL);
	expect_bad_name("a:b", "container name", "at position 2", NULL);
}

/* A NULL err is allowed: the code comes back, nothing is recorded. */
static void test_name_null_err(void **state)
{
	(void)state;
	assert_int_equal(ward_name_check("..", "container name", NULL), -EINVAL);
	assert_int_equal(ward_name_check("ok", "container name", NULL), 0);
}

/* The first error is kept: a second failure does not overwrite it. */
static void test_name_keeps_first_error(void **state)
{
	struct ward_err *err = NULL;

	(void)state;
	assert_int_equal(ward_name_check("", "container name", &err), -EINVAL);
	assert_int_equal(ward_name_check("A", "class name", &err), -EINVAL);
	assert_non_null(err);
	assert_non_null(strstr(err->msg, "container name must not be empty"));
	ward_err_free(err);
}

static void test_signal_parse_names(void **state)
{
	(void)state;
	assert_int_equal(ward_signal_parse("TERM"), SIGTERM);
	assert_int_equal(ward_signal_parse("SIGTERM"), SIGTERM);
	assert_int_equal(ward_signal_parse("sigterm"), SIGTERM);
	assert_int_equal(ward_signal_parse("term"), SIGTERM);
	assert_int_equal(ward_signal_parse("USR2"), SIGUSR2);
	assert_int_equal(ward_signal_parse("SIGUSR1"), SIGUSR1);
	assert_int_equal(ward_signal_parse("KILL"), SIGKILL);
	assert_int_equal(ward_signal_parse("PWR"), SIGPWR);
	assert_int_equal(ward_signal_parse("WINCH"), SIGWINCH);
}

static void test_signal_parse_numbers(void **state)
{
	(void)state;
	assert_int_equal(ward_signal_parse("15"), 15);
	assert_int_equal(ward_signal_parse("1"), 1);
	assert_int_equal(ward_signal_parse("9"), 9);
	assert_int_equal(ward_signal_parse("0"), -EINVAL);
	assert_int_equal(ward_signal_parse("-1"), -EINVAL);
	assert_int_equal(ward_signal_parse("65"), -EINVAL);
	assert_int_equal(ward_signal_parse("99999999999999999999"), -EINVAL);
	assert_int_equal(ward_signal_parse("15x"), -EINVAL);
	assert_int_equal(ward_signal_parse("1.5"), -EINVAL);
}

static void test_signal_parse_bad(void **state)
{
	(void)state;
	assert_int_equal(ward_signal_parse(NULL), -EINVAL);
	assert_int_equal(ward_signal_parse(""), -EINVAL);
	assert_int_equal(ward_signal_parse("FOO"), -EINVAL);
	assert_int_equal(ward_signal_parse("SIG"), -EINVAL);
	assert_int_equal(ward_signal_parse("SIGSIGTERM"), -EINVAL);
	assert_int_equal(ward_signal_parse("TERM "), -EINVAL);
	assert_int_equal(ward_signal_parse(" TERM"), -EINVAL);
}

static void test_signal_name(void **state)
{
	(void)state;
	assert_string_equal(ward_signal_name(SIGTERM), "TERM");
	assert_string_equal(ward_signal_name(SIGKILL), "KILL");
	assert_string_equal(ward_signal_name(SIGUSR2), "USR2");
	assert_null(ward_signal_name(0));
	assert_null(ward_signal_name(-1));
	assert_null(ward_signal_name(65));
}

/* Every name ward_signal_name gives parses back to its number, bare and
 * with SIG, and KILL survives the round trip in both directions. */
static void test_signal_round_trip(void **state)
{
	char buf[32];
	int named = 0;

	(void)state;
	assert_string_equal(ward_signal_name(ward_signal_parse("KILL")), "KILL");
	assert_int_equal(ward_signal_parse(ward_signal_name(SIGKILL)), SIGKILL);
	for (int sig = 1; sig < 32; sig++) {
		const char *name = ward_signal_name(sig);

		if (!name)
			continue;
		named++;
		assert_int_equal(ward_signal_parse(name), sig);
		snprintf(buf, sizeof(buf), "SIG%s", name);
		assert_int_equal(ward_signal_parse(buf), sig);
	}
	assert_true(named >= 28);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_valid),
		cmocka_unit_test(test_name_empty),
		cmocka_unit_test(test_name_dots),
		cmocka_unit_test(test_name_too_long),
		cmocka_unit_test(test_name_bad_chars),
		cmocka_unit_test(test_name_null_err),
		cmocka_unit_test(test_name_keeps_first_error),
		cmocka_unit_test(test_signal_parse_names),
		cmocka_unit_test(test_signal_parse_numbers),
		cmocka_unit_test(test_signal_parse_bad),
		cmocka_unit_test(test_signal_name),
		cmocka_unit_test(test_signal_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
