/* Unit tests for policy/classes: the AIX share arithmetic, validation of a
 * class set (every refusal and its message), the class file both ways, the
 * changes verbs make, rule matching, and knob values for both cgroup
 * layouts. Pure functions: no files, no root. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/common.h"
#include "policy/classes.h"

#define GiB (1024ULL * 1024 * 1024)

static void parse_ok(const char *text, struct ward_classes *cs)
{
	struct ward_err *err = NULL;

	ward_classes_init(cs);
	if (ward_classes_parse(text, cs, &err) != 0)
		fail_msg("refused: %s\n%s", err ? err->msg : "(no message)", text);
	assert_null(err);
}

/* Refused with a message holding sub; the set it was parsed into is kept. */
static void parse_bad(const char *text, const char *sub)
{
	struct ward_classes cs;
	struct ward_err *err = NULL;
	int r;

	ward_classes_init(&cs);
	assert_int_equal(ward_classes_add(&cs, "keep", NULL, 0, &err), 0);
	r = ward_classes_parse(text, &cs, &err);
	if (r >= 0)
		fail_msg("accepted:\n%s", text);
	assert_non_null(err);
	if (!strstr(err->msg, sub))
		fail_msg("message '%s' lacks '%s'", err->msg, sub);
	assert_non_null(ward_classes_find(&cs, "keep"));
	assert_int_equal(cs.n, 2);
	ward_err_free(err);
	ward_classes_fini(&cs);
}

static double target(const struct ward_classes *cs, const char *name, const char *const *active,
		     size_t n)
{
	struct ward_err *err = NULL;
	double t = -1;

	assert_int_equal(ward_classes_share_target(cs, name, WARD_CLASS_CPU, active, n, &t, &err), 0);
	return t;
}

#define assert_pct(got, want) assert_true(fabs((got) - (want)) < 0.05)

static const char aix[] = "[a]\ncpu.shares = 3\n[b]\ncpu.shares = 2\n"
			  "[c]\ncpu.shares = 1\n[d]\ncpu.shares = 1\n";

static void test_aix_example(void **state)
{
	const char *all[] = { "a", "b", "c", "d" }, *b_idle[] = { "a", "c", "d" },
		   *d_idle[] = { "a", "b", "c" };
	struct ward_classes cs;

	(void)state;
	parse_ok(aix, &cs);
	assert_pct(target(&cs, "a", all, 4), 42.9);
	assert_pct(target(&cs, "b", all, 4), 28.6);
	assert_pct(target(&cs, "c", all, 4), 14.3);
	assert_pct(target(&cs, "d", all, 4), 14.3);
	/* the "60/20/20 % when one class is idle": the 2-share class */
	assert_pct(target(&cs, "a", b_idle, 3), 60.0);
	assert_pct(target(&cs, "b", b_idle, 3), 0.0);
	assert_pct(target(&cs, "c", b_idle, 3), 20.0);
	assert_pct(target(&cs, "d", b_idle, 3), 20.0);
	/* the last one idle: 3/2/1 */
	assert_pct(target(&cs, "a", d_idle, 3), 50.0);
	assert_pct(target(&cs, "b", d_idle, 3), 33.3);
	assert_pct(target(&cs, "c", d_idle, 3), 16.7);
	ward_classes_fini(&cs);
}

static void test_subclass_division(void **state)
{
	const char *active[] = { "gold.web", "gold.db", "gold.batch", "silver" };
	struct ward_classes cs;

	(void)state;
	parse_ok("[gold]\ncpu.shares = 3\n[gold.batch]\ntier = 1\n[gold.db]\ncpu.shares = 3\n"
		 "[gold.web]\n[silver]\ntier = 0\n",
		 &cs);
	assert_pct(target(&cs, "gold", active, 4), 75.0); /* active through its subclasses */
	assert_pct(target(&cs, "gold.db", active, 4), 56.25);
	assert_pct(target(&cs, "gold.web", active, 4), 18.75);
	assert_pct(target(&cs, "gold.batch", active, 4), 75.0); /* alone in its tier */
	assert_pct(target(&cs, "silver", active, 4), 25.0);
	assert_pct(target(&cs, "default", active, 4), 0.0);
	ward_classes_fini(&cs);
}

static void test_validation(void **state)
{
	(void)state;
	parse_bad("[gold]\ncpu.shares = 0\n", "gold: cpu.shares 0 is out of range 1..65535");
	parse_bad("[gold]\nio.shares = 65536\n", "gold: io.shares 65536 is out of range 1..65535");
	parse_bad("[gold]\nmemory.hardmax = 150%\n", "gold: memory.hardmax 150% is over 100%");
	parse_bad("[gold]\ncpu.hardmax = 100.1%\n", "gold: cpu.hardmax 100.1% is over 100%");
	parse_bad("[gold]\ncpu.hardmax = 50\n", "gold: cpu.hardmax '50' is not a percentage");
	parse_bad("[gold]\nmemory.min = 2X\n", "gold: memory.min '2X' is not a percentage (40%) or a size");
	parse_bad("[gold]\ncpu.min = 50%\ncpu.softmax = 40%\n",
		  "gold: cpu.min 50% is above cpu.softmax 40% (min <= softmax <= hardmax)");
	parse_bad("[gold]\nio.softmax = 60%\nio.hardmax = 50%\n", "gold: io.softmax 60% is above io.hardmax 50%");
	parse_bad("[gold]\nmemory.min = 2G\nmemory.hardmax = 1G\n", "gold: memory.min 2G is above memory.hardmax 1G");
	parse_bad("[gold]\ncpu.hardmax = 0%\n", "gold: cpu.hardmax 0 would stop the class");
	parse_bad("[gold]\n[gold.web]\n[gold.web.x]\n", "class 'gold.web.x': a third level is not allowed");
	parse_bad("[gold.web]\ncpu.shares = 2\n", "class gold.web: superclass gold does not exist");
	parse_bad("[default.x]\n", "the default class has no subclasses");
	parse_bad("[gold]\nmemory.hardmax = 1G\n[gold.web]\nmemory.hardmax = 2G\n",
		  "gold.web: memory.hardmax 2G exceeds gold's memory.hardmax 1G");
	parse_bad("[gold]\nmemory.min = 512M\nmemory.hardmax = 2G\n[gold.web]\nmemory.min = 50%\n",
		  "gold.web: memory.min 50% (1G) exceeds gold's memory.min 512M");
	parse_bad("[gold]\nmemory.hardmax = 1G\n[gold.web]\nmemory.softmax = 2G\n",
		  "gold.web: memory.softmax 2G exceeds gold's memory.hardmax 1G");
	parse_bad("[gold]\npids.max = 500\n[gold.web]\npids.max = 1000\n",
		  "gold.web: pids.max 1000 exceeds gold's pids.max 500");
	parse_bad("[a]\ncpu.min = 60%\n[b]\ncpu.min = 50.5%\n",
		  "cpu.min of the superclasses adds up to 110.5%, more than 100%");
	parse_bad("[gold]\n[gold.a]\nio.min = 70%\n[gold.b]\nio.min = 40%\n",
		  "io.min of gold's subclasses adds up to 110%, more than 100%");
	parse_bad("[gold]\nmemory.hardmax = 2G\n[gold.a]\nmemory.min = 1G\n[gold.b]\nmemory.min = 75%\n",
		  "memory.min of gold's subclasses adds up to 2560M, more than 2G");
	parse_bad("[gold]\ncpu.max = 50%\n", "gold: unknown key 'cpu.max'");
	parse_bad("[gold]\ncolour = red\n", "gold: unknown key 'colour'");
	parse_bad("[gold]\ndisk.min = 5%\n", "gold: unknown resource 'disk' in 'disk.min'");
	parse_bad("[gold]\ntier = 10\n", "gold: tier 10 is out of range 0..9");
	parse_bad("[gold]\npids.max = 0\n", "gold: pids.max 0 is out of range 1..4194304");
	parse_bad("[gold]\n[rules]\nrule = nope owner=alice\n", "rule 1 names class nope, which does not exist");
	parse_bad("[gold]\n[rules]\nrule = gold colour=red\n", "unknown criterion 'colour'");
	parse_bad("[rules]\nmatch = gold\n", "[rules]: unknown key 'match'");
	parse_bad("[gold]\n[gold]\n", "line 2: class gold is defined twice");
	parse_bad("[Gold]\n", "class name 'Gold' has a character outside");
	parse_bad("[gold]\n  cpu.shares = 2\n", "line 2: indented line");
	parse_bad("cpu.shares = 2\n", "cpu.shares is outside a [class] section");
}

static const char canonical[] =
	"# ward resource classes: see ward-classes(5)\n"
	"\n[default]\ncpu.shares = 1\n"
	"\n[gold]\ntier = 0\ncpu.shares = 60\ncpu.min = 12.5%\ncpu.hardmax = 80%\n"
	"memory.min = 1G\nmemory.softmax = 40%\nmemory.hardmax = 60%\nio.shares = 100\n"
	"\n[gold.db]\nmemory.hardmax = 1536M\n"
	"\n[gold.web]\ntier = 1\ncpu.shares = 2\ncpu.hardmax = 50%\nio.shares = 100\npids.max = 500\n"
	"\n[gold-x]\n"
	"\n[silver]\ncpu.softmax = 30%\nmemory.hardmax = 1000\n"
	"\n[rules]\nrule = gold.web owner=alice name=web*\nrule = silver group=staff template=deb*\n";

static void test_round_trip(void **state)
{
	struct ward_classes cs, again;
	char *text, *text2;

	(void)state;
	parse_ok(canonical, &cs);
	text = ward_classes_format(&cs);
	assert_string_equal(text, canonical);
	parse_ok(text, &again);
	text2 = ward_classes_format(&again);
	assert_string_equal(text2, canonical);
	free(text);
	free(text2);
	ward_classes_fini(&again);
	ward_classes_fini(&cs);

	/* sections in any order come out sorted, values in canonical form */
	parse_ok("[silver]\nmemory.hardmax=1073741824\n[gold.web]\n[gold]\ncpu.min=5.0%\n", &cs);
	text = ward_classes_format(&cs);
	assert_string_equal(text, "# ward resource classes: see ward-classes(5)\n\n[default]\n"
				  "\n[gold]\ncpu.min = 5%\n\n[gold.web]\n\n[silver]\nmemory.hardmax = 1G\n");
	free(text);
	ward_classes_fini(&cs);
}

static void test_set_and_remove(void **state)
{
	struct ward_classes cs;
	struct ward_err *err = NULL;
	struct ward_class_kv two_g = { "memory.hardmax", "2G" }, half = { "memory.hardmax", "512M" };
	struct ward_class_kv unset = { "memory.hardmax", NULL };
	struct ward_class_kv swap[] = { { "cpu.min", "30%" }, { "cpu.softmax", "40%" } };
	_cleanup_free_ char *v = NULL;

	(void)state;
	parse_ok("[gold]\nmemory.hardmax = 1G\ncpu.min = 10%\ncpu.softmax = 20%\n[gold.web]\n", &cs);
	assert_int_equal(ward_classes_set(&cs, "gold.web", &two_g, 1, &err), -EINVAL);
	assert_string_equal(err->msg, "gold.web: memory.hardmax 2G exceeds gold's memory.hardmax 1G");
	ward_err_freep(&err);
	assert_int_equal(ward_classes_find(&cs, "gold.web")->res[WARD_CLASS_MEMORY].lim[WARD_CLASS_HARDMAX].unit,
			 WARD_CLASS_UNSET);
	assert_int_equal(ward_classes_set(&cs, "gold.web", &half, 1, &err), 0);
	v = ward_class_value(ward_classes_find(&cs, "gold.web"), "memory.hardmax");
	assert_string_equal(v, "512M");
	assert_int_equal(ward_classes_set(&cs, "gold.web", &unset, 1, &err), 0);
	assert_null(ward_class_value(ward_classes_find(&cs, "gold.web"), "memory.hardmax"));
	/* one at a time min 30% > softmax 20% would be refused; together they fit */
	assert_int_equal(ward_classes_set(&cs, "gold", swap, 1, &err), -EINVAL);
	ward_err_freep(&err);
	assert_int_equal(ward_classes_set(&cs, "gold", swap, 2, &err), 0);
	assert_int_equal(ward_classes_set(&cs, "nope", swap, 2, &err), -ENOENT);
	ward_err_freep(&err);

	assert_int_equal(ward_classes_add(&cs, "gold", NULL, 0, &err), -EEXIST);
	ward_err_freep(&err);
	assert_int_equal(ward_classes_add(&cs, "gold.web.x", NULL, 0, &err), -EINVAL);
	assert_non_null(strstr(err->msg, "third level"));
	ward_err_freep(&err);
	assert_int_equal(ward_classes_add(&cs, "bronze.web", NULL, 0, &err), -ENOENT);
	ward_err_freep(&err);
	assert_int_equal(ward_classes_add(&cs, "silver", &half, 1, &err), 0);
	assert_int_equal(ward_classes_rule_add(&cs, "silver owner=bob", &err), 0);
	assert_int_equal(ward_classes_remove(&cs, "gold", &err), -ENOTEMPTY);
	ward_err_freep(&err);
	assert_int_equal(ward_classes_remove(&cs, "default", &err), -EINVAL);
	ward_err_freep(&err);
	assert_int_equal(ward_classes_remove(&cs, "silver", &err), -EBUSY);
	assert_string_equal(err->msg, "rule 1 names class silver; remove the rule first");
	ward_err_freep(&err);
	assert_int_equal(ward_classes_rule_remove(&cs, 0, &err), 0);
	assert_int_equal(ward_classes_remove(&cs, "silver", &err), 0);
	assert_int_equal(ward_classes_remove(&cs, "gold.web", &err), 0);
	assert_int_equal(ward_classes_remove(&cs, "gold", &err), 0);
	assert_int_equal(cs.n, 1);
	ward_classes_fini(&cs);
}

static void test_rules(void **state)
{
	struct ward_classes cs;
	struct ward_err *err = NULL;
	struct ward_class_subject alice_web = { "alice", "staff", "web1", "debian" };
	struct ward_class_subject alice_db = { "alice", "staff", "db1", NULL };
	struct ward_class_subject bob = { "bob", "users", "web2", "alpine" };
	struct ward_class_subject carol = { "carol", "users", "x", "debian12" };
	_cleanup_free_ char *line = NULL;

	(void)state;
	parse_ok("[gold]\n[gold.web]\n[silver]\n[rules]\n"
		 "rule = gold.web owner=alice name=web*\n"
		 "rule = silver group=staff\n"
		 "rule = gold template=deb*\n"
		 "rule = silver name=web*\n",
		 &cs);
	assert_string_equal(ward_classes_match(&cs, &alice_web), "gold.web"); /* first match wins */
	assert_string_equal(ward_classes_match(&cs, &alice_db), "silver");
	assert_string_equal(ward_classes_match(&cs, &bob), "silver");
	assert_string_equal(ward_classes_match(&cs, &carol), "gold");
	carol.tmpl = NULL; /* no template: a template= rule does not match */
	assert_string_equal(ward_classes_match(&cs, &carol), "default");
	assert_int_equal(ward_classes_rule_add(&cs, "bronze owner=x", &err), -ENOENT);
	assert_string_equal(err->msg, "rule names class bronze, which does not exist");
	ward_err_freep(&err);
	assert_int_equal(ward_classes_rule_add(&cs, "gold owner=a owner=b", &err), -EINVAL);
	ward_err_freep(&err);
	assert_int_equal(ward_classes_rule_add(&cs, "gold  template=x\tname=y", &err), 0);
	line = ward_class_rule_format(&cs.rules[4]);
	assert_string_equal(line, "gold name=y template=x");
	ward_classes_fini(&cs);
}

static const struct ward_class_host v1_host = {
	.layout = WARD_CLASS_V1, .mem_total = 8 * GiB, .ncpus = 2, .v1_blkio_weight = true,
};
static const struct ward_class_host v2_host = { .layout = WARD_CLASS_V2, .mem_total = 8 * GiB, .ncpus = 2 };

static void knobs_ok(const struct ward_classes *cs, const char *name, const struct ward_class_host *h,
		     struct ward_class_knobs *k)
{
	struct ward_err *err = NULL;

	if (ward_class_knobs(cs, name, h, k, &err) != 0)
		fail_msg("knobs of %s: %s", name, err ? err->msg : "(no message)");
}

static void assert_knob(const struct ward_class_knobs *k, const char *file, const char *want)
{
	const char *v = ward_class_knobs_get(k, file);

	if (!v || strcmp(v, want))
		fail_msg("%s is '%s', not '%s'", file, v ? v : "(absent)", want);
}

static void assert_note(const struct ward_class_knobs *k, const char *sub)
{
	for (size_t i = 0; i < k->nnotes; i++)
		if (strstr(k->notes[i], sub))
			return;
	fail_msg("no note holds '%s'", sub);
}

static void assert_no_note(const struct ward_class_knobs *k, const char *sub)
{
	for (size_t i = 0; i < k->nnotes; i++)
		if (strstr(k->notes[i], sub))
			fail_msg("note '%s' holds '%s'", k->notes[i], sub);
}

static const char knob_classes[] = "[gold]\ncpu.shares = 60\ncpu.softmax = 20%\ncpu.hardmax = 25%\n"
				   "memory.min = 1G\nmemory.softmax = 40%\nmemory.hardmax = 60%\n"
				   "io.shares = 100\n"
				   "[gold.web]\ncpu.shares = 2\ncpu.hardmax = 50%\nmemory.hardmax = 50%\n"
				   "pids.max = 500\n"
				   "[silver]\ncpu.shares = 30\ncpu.hardmax = 50%\nmemory.hardmax = 2G\n"
				   "[silver.a]\nmemory.hardmax = 25%\n"
				   "[bronze]\ntier = 1\ncpu.shares = 10\n";

static void test_knobs_v1(void **state)
{
	struct ward_classes cs;
	struct ward_class_knobs k;
	struct ward_class_host idle_host = v1_host;

	(void)state;
	parse_ok(knob_classes, &cs);
	knobs_ok(&cs, "gold", &v1_host, &k);
	assert_knob(&k, "cpu.shares", "61440"); /* shares * 1024: 60 * 1024 <= 262144 */
	assert_knob(&k, "cpu.cfs_period_us", "100000");
	assert_knob(&k, "cpu.cfs_quota_us", "50000"); /* 25 % of 2 CPUs */
	assert_knob(&k, "memory.limit_in_bytes", "5153960755"); /* 60 % of 8G */
	assert_knob(&k, "memory.soft_limit_in_bytes", "3435973836");
	assert_knob(&k, "blkio.weight", "1000"); /* 100 * 100 > 1000: 100 * 1000 / 100 */
	assert_knob(&k, "pids.max", "max");
	assert_null(ward_class_knobs_get(&k, "cpu.idle"));
	assert_string_equal(k.v[0].controller, "cpu");
	assert_note(&k, "gold: memory.min 1G has no cgroup v1 equivalent");
	assert_note(&k, "gold: cpu.softmax 20% has no Linux equivalent");
	ward_class_knobs_fini(&k);

	/* a subclass's percentages are of its superclass */
	knobs_ok(&cs, "gold.web", &v1_host, &k);
	assert_knob(&k, "cpu.shares", "2048");
	assert_knob(&k, "cpu.cfs_quota_us", "25000"); /* 50 % of gold's 25 % of 2 CPUs */
	assert_knob(&k, "memory.limit_in_bytes", "2576980377"); /* 50 % of 60 % of 8G */
	assert_knob(&k, "memory.soft_limit_in_bytes", "-1");
	assert_knob(&k, "pids.max", "500");
	ward_class_knobs_fini(&k);

	knobs_ok(&cs, "silver", &v1_host, &k);
	assert_knob(&k, "cpu.cfs_quota_us", "100000"); /* 50 % of 2 CPUs */
	assert_knob(&k, "memory.limit_in_bytes", "2147483648");
	ward_class_knobs_fini(&k);
	knobs_ok(&cs, "silver.a", &v1_host, &k);
	assert_knob(&k, "memory.limit_in_bytes", "536870912"); /* 25 % of 2G */
	assert_knob(&k, "cpu.cfs_quota_us", "-1");
	ward_class_knobs_fini(&k);

	knobs_ok(&cs, "default", &v1_host, &k);
	assert_knob(&k, "cpu.shares", "1024"); /* the kernel's default weight */
	assert_knob(&k, "blkio.weight", "10"); /* 1 * 1000 / 100 */
	assert_knob(&k, "memory.limit_in_bytes", "-1");
	ward_class_knobs_fini(&k);

	/* tier 1: without cpu.idle the weight is divided by 10, with it cpu.idle = 1 */
	knobs_ok(&cs, "bronze", &v1_host, &k);
	assert_knob(&k, "cpu.shares", "1024"); /* 10 / 10 * 1024 */
	assert_knob(&k, "blkio.weight", "10"); /* I/O: 10 / 10 = 1 of gold's 100 */
	assert_note(&k, "tier 1: this kernel has no cpu.idle");
	ward_class_knobs_fini(&k);
	idle_host.v1_cpu_idle = true;
	knobs_ok(&cs, "bronze", &idle_host, &k);
	assert_knob(&k, "cpu.shares", "10240");
	assert_knob(&k, "cpu.idle", "1");
	assert_note(&k, "tier 1: cpu.idle = 1");
	ward_class_knobs_fini(&k);
	knobs_ok(&cs, "gold", &idle_host, &k);
	assert_knob(&k, "cpu.idle", "0");
	ward_class_knobs_fini(&k);
	ward_classes_fini(&cs);
}

static void test_knobs_v2(void **state)
{
	struct ward_classes cs;
	struct ward_class_knobs k;

	(void)state;
	parse_ok(knob_classes, &cs);
	knobs_ok(&cs, "gold", &v2_host, &k);
	assert_string_equal(k.v[0].controller, "");
	assert_knob(&k, "cpu.weight", "6000"); /* shares * 100: 60 * 100 <= 10000 */
	assert_knob(&k, "cpu.max", "50000 100000");
	assert_knob(&k, "memory.min", "1073741824");
	assert_knob(&k, "memory.high", "3435973836");
	assert_knob(&k, "memory.max", "5153960755");
	assert_knob(&k, "io.weight", "default 10000"); /* the largest sibling */
	assert_knob(&k, "pids.max", "max");
	assert_note(&k, "gold: memory.softmax 40% is written as memory.high");
	assert_note(&k, "gold: cpu.softmax 20% has no Linux equivalent");
	assert_no_note(&k, "memory.min");
	ward_class_knobs_fini(&k);

	knobs_ok(&cs, "silver", &v2_host, &k);
	assert_knob(&k, "cpu.weight", "3000");
	assert_knob(&k, "io.weight", "default 100"); /* 1 * 10000 / 100 */
	assert_knob(&k, "cpu.max", "100000 100000");
	assert_knob(&k, "memory.min", "0");
	assert_knob(&k, "memory.high", "max");
	ward_class_knobs_fini(&k);

	/* an idle tier: cpu.idle cleared, weight written, cpu.idle set */
	knobs_ok(&cs, "bronze", &v2_host, &k);
	assert_string_equal(k.v[0].file, "cpu.idle");
	assert_string_equal(k.v[0].value, "0");
	assert_string_equal(k.v[1].file, "cpu.weight");
	assert_string_equal(k.v[1].value, "1000");
	assert_string_equal(k.v[2].file, "cpu.idle");
	assert_string_equal(k.v[2].value, "1");
	assert_knob(&k, "cpu.max", "max 100000");
	ward_class_knobs_fini(&k);
	ward_classes_fini(&cs);
}

static void test_weight_ratios(void **state)
{
	struct ward_classes cs;
	struct ward_class_knobs k;

	(void)state;
	/* past the maximum the weights are scaled together: v2 20000:10000:30:1 ->
	 * 10000:5000:15:1 (0.5 rounded), v1 -> 262144:131072:393:13 */
	parse_ok("[a]\ncpu.shares = 20000\n[b]\ncpu.shares = 10000\n[c]\ncpu.shares = 30\n", &cs);
	knobs_ok(&cs, "a", &v2_host, &k);
	assert_knob(&k, "cpu.weight", "10000");
	ward_class_knobs_fini(&k);
	knobs_ok(&cs, "b", &v2_host, &k);
	assert_knob(&k, "cpu.weight", "5000");
	ward_class_knobs_fini(&k);
	knobs_ok(&cs, "c", &v2_host, &k);
	assert_knob(&k, "cpu.weight", "15");
	ward_class_knobs_fini(&k);
	knobs_ok(&cs, "default", &v2_host, &k);
	assert_knob(&k, "cpu.weight", "1");
	ward_class_knobs_fini(&k);
	knobs_ok(&cs, "a", &v1_host, &k);
	assert_knob(&k, "cpu.shares", "262144");
	ward_class_knobs_fini(&k);
	knobs_ok(&cs, "b", &v1_host, &k);
	assert_knob(&k, "cpu.shares", "131072");
	ward_class_knobs_fini(&k);
	knobs_ok(&cs, "c", &v1_host, &k);
	assert_knob(&k, "cpu.shares", "393"); /* 30 * 262144 / 20000 = 393.2 */
	ward_class_knobs_fini(&k);
	knobs_ok(&cs, "default", &v1_host, &k);
	assert_knob(&k, "cpu.shares", "13"); /* 13.1 */
	ward_class_knobs_fini(&k);
	ward_classes_fini(&cs);

	/* the bounds: v2 scales from largest 101 on, v1 from 257 on */
	parse_ok("[a]\ncpu.shares = 100\n[b]\ncpu.shares = 3\n", &cs);
	knobs_ok(&cs, "a", &v2_host, &k);
	assert_knob(&k, "cpu.weight", "10000");
	ward_class_knobs_fini(&k);
	knobs_ok(&cs, "b", &v2_host, &k);
	assert_knob(&k, "cpu.weight", "300");
	ward_class_knobs_fini(&k);
	ward_classes_fini(&cs);
	parse_ok("[a]\ncpu.shares = 200\n[b]\ncpu.shares = 3\n", &cs);
	knobs_ok(&cs, "b", &v2_host, &k);
	assert_knob(&k, "cpu.weight", "150"); /* 3 * 10000 / 200 */
	ward_class_knobs_fini(&k);
	knobs_ok(&cs, "default", &v2_host, &k);
	assert_knob(&k, "cpu.weight", "50");
	ward_class_knobs_fini(&k);
	knobs_ok(&cs, "b", &v1_host, &k);
	assert_knob(&k, "cpu.shares", "3072"); /* 200 * 1024 <= 262144 */
	ward_class_knobs_fini(&k);
	ward_classes_fini(&cs);
	parse_ok("[a]\ncpu.shares = 512\n[b]\ncpu.shares = 3\n", &cs);
	knobs_ok(&cs, "a", &v1_host, &k);
	assert_knob(&k, "cpu.shares", "262144");
	ward_class_knobs_fini(&k);
	knobs_ok(&cs, "b", &v1_host, &k);
	assert_knob(&k, "cpu.shares", "1536"); /* 3 * 262144 / 512 */
	ward_class_knobs_fini(&k);
	knobs_ok(&cs, "default", &v1_host, &k);
	assert_knob(&k, "cpu.shares", "512");
	ward_class_knobs_fini(&k);
	ward_classes_fini(&cs);

	/* below the kernel's minimum: raised, with a note */
	parse_ok("[a]\ncpu.shares = 65535\n", &cs);
	knobs_ok(&cs, "default", &v1_host, &k);
	assert_knob(&k, "cpu.shares", "4"); /* 262144 / 65535 = 4.0 */
	assert_no_note(&k, "below the kernel's minimum");
	ward_class_knobs_fini(&k);
	knobs_ok(&cs, "default", &v2_host, &k);
	assert_knob(&k, "cpu.weight", "1"); /* 0.15 */
	assert_note(&k, "default: cpu weight 0.15 is below the kernel's minimum 1");
	ward_class_knobs_fini(&k);
	ward_classes_fini(&cs);
}

/* Why the default share sits at the kernel's default weight: an idle group
 * (tier >= 1, cpu.idle = 1) has weight 3, so a tier-0 class with the default
 * share must weigh like an ordinary group (v1 1024, v2 100) for the idle one
 * to get next to nothing against it. With shares * 4 it weighed 4 on v1 and
 * the tier-1 class got 42.7 % of a CPU against a busy tier-0 class. */
static void test_default_share_is_kernel_default(void **state)
{
	struct ward_class_host v1_idle = v1_host;
	const struct {
		const struct ward_class_host *h;
		const char *file;
		unsigned dflt;
	} hosts[] = { { &v1_idle, "cpu.shares", 1024 }, { &v2_host, "cpu.weight", 100 } };
	struct ward_classes cs;
	struct ward_class_knobs k;

	(void)state;
	v1_idle.v1_cpu_idle = true;
	parse_ok("[web]\n[batch]\ntier = 1\n[bulk]\ntier = 2\ncpu.shares = 5\n", &cs);
	for (size_t i = 0; i < sizeof(hosts) / sizeof(*hosts); i++) {
		const char *tier0[] = { "default", "web" }, *idle[] = { "batch", "bulk" };

		for (size_t j = 0; j < 2; j++) {
			knobs_ok(&cs, tier0[j], hosts[i].h, &k);
			if (strtoul(ward_class_knobs_get(&k, hosts[i].file), NULL, 10) < hosts[i].dflt)
				fail_msg("%s: %s %s is below the kernel default %u", tier0[j], hosts[i].file,
					 ward_class_knobs_get(&k, hosts[i].file), hosts[i].dflt);
			assert_knob(&k, "cpu.idle", "0");
			ward_class_knobs_fini(&k);
			knobs_ok(&cs, idle[j], hosts[i].h, &k);
			assert_knob(&k, "cpu.idle", "1");
			assert_note(&k, "cpu.idle = 1");
			ward_class_knobs_fini(&k);
		}
	}
	ward_classes_fini(&cs);
}

static void test_cpu_min_raises_weight(void **state)
{
	struct ward_classes cs;
	struct ward_class_knobs k;
	const char *all[] = { "a", "b", "default" };

	(void)state;
	/* siblings default 1, a 1 (min 50 %), b 3: a needs 4 of 8 */
	parse_ok("[a]\ncpu.min = 50%\n[b]\ncpu.shares = 3\n", &cs);
	assert_pct(target(&cs, "a", all, 3), 20.0); /* the share target is shares only */
	knobs_ok(&cs, "a", &v2_host, &k);
	assert_knob(&k, "cpu.weight", "400");
	assert_note(&k, "a: cpu.min 50%: Linux has no CPU guarantee");
	ward_class_knobs_fini(&k);
	knobs_ok(&cs, "b", &v2_host, &k);
	assert_knob(&k, "cpu.weight", "300");
	ward_class_knobs_fini(&k);
	knobs_ok(&cs, "a", &v1_host, &k);
	assert_knob(&k, "cpu.shares", "4096");
	ward_class_knobs_fini(&k);
	ward_classes_fini(&cs);
}

static void test_knobs_refusals(void **state)
{
	struct ward_classes cs;
	struct ward_class_knobs k = { 0 };
	struct ward_err *err = NULL;
	struct ward_class_host small = v2_host;

	(void)state;
	/* 50 % of the host against 3G needs the host's RAM to compare */
	parse_ok("[gold]\nmemory.hardmax = 50%\n[gold.web]\nmemory.hardmax = 3G\n", &cs);
	small.mem_total = 4 * GiB;
	assert_int_equal(ward_class_knobs(&cs, "gold.web", &small, &k, &err), -EINVAL);
	assert_string_equal(err->msg, "gold.web: memory.hardmax 3G exceeds gold's memory.hardmax 50% (2G)");
	ward_err_freep(&err);
	small.mem_total = 8 * GiB;
	knobs_ok(&cs, "gold.web", &small, &k);
	ward_class_knobs_fini(&k);
	assert_int_equal(ward_class_knobs(&cs, "nope", &small, &k, &err), -ENOENT);
	ward_err_freep(&err);
	small.ncpus = 0;
	assert_int_equal(ward_class_knobs(&cs, "gold", &small, &k, &err), -EINVAL);
	ward_err_freep(&err);
	ward_classes_fini(&cs);
}

/* The example of ward-classes(5), with the values the page states. */
static void test_man_example(void **state)
{
	struct ward_classes cs;
	struct ward_class_knobs k;
	struct ward_class_subject ci = { "bob", "users", "build7", "ci-debian" };

	(void)state;
	parse_ok("[default]\n\n[gold]\ncpu.shares = 60\nmemory.min = 1G\nmemory.softmax = 40%\n"
		 "memory.hardmax = 60%\n\n[gold.web]\ncpu.shares = 2\ncpu.hardmax = 50%\n"
		 "io.shares = 100\npids.max = 500\n\n[silver]\ncpu.shares = 30\n"
		 "memory.hardmax = 2G\n\n[batch]\ntier = 1\n\n[rules]\n"
		 "rule = gold.web owner=alice name=web*\nrule = batch template=ci-*\n",
		 &cs);
	knobs_ok(&cs, "gold.web", &v2_host, &k);
	assert_knob(&k, "cpu.max", "100000 100000");
	assert_knob(&k, "pids.max", "500");
	ward_class_knobs_fini(&k);
	knobs_ok(&cs, "gold", &v2_host, &k);
	assert_knob(&k, "memory.max", "5153960755");
	assert_knob(&k, "memory.min", "1073741824");
	assert_knob(&k, "cpu.weight", "6000");
	ward_class_knobs_fini(&k);
	knobs_ok(&cs, "silver", &v2_host, &k);
	assert_knob(&k, "cpu.weight", "3000");
	ward_class_knobs_fini(&k);
	knobs_ok(&cs, "default", &v2_host, &k);
	assert_knob(&k, "cpu.weight", "100");
	ward_class_knobs_fini(&k);
	knobs_ok(&cs, "batch", &v2_host, &k);
	assert_knob(&k, "cpu.idle", "1");
	assert_knob(&k, "cpu.weight", "100");
	ward_class_knobs_fini(&k);
	assert_string_equal(ward_classes_match(&cs, &ci), "batch");
	ward_classes_fini(&cs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aix_example),
		cmocka_unit_test(test_subclass_division),
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_set_and_remove),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_knobs_v1),
		cmocka_unit_test(test_knobs_v2),
		cmocka_unit_test(test_weight_ratios),
		cmocka_unit_test(test_default_share_is_kernel_default),
		cmocka_unit_test(test_cpu_min_raises_weight),
		cmocka_unit_test(test_knobs_refusals),
		cmocka_unit_test(test_man_example),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
