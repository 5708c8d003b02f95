/* Fuzzes the class file (policy/classes-file.c), the rule parser
 * (ward_classes_rule_add) and everything computed from a parsed set
 * (ward_class_knobs, ward_classes_share_target, ward_classes_match).
 * Invariants:
 *   - a failed parse carries a message and leaves the set untouched;
 *   - a parsed set formats to text that parses, and formatting that again
 *     gives the same text (format(parse(format(parse(t)))) == format(parse(t)));
 *   - every line of the input, tried as a rule (whole, and as the value
 *     after '='), either is refused with a message and the set unchanged,
 *     or is appended, formats back to a rule that parses to the same text,
 *     and the set still goes round the trip;
 *   - knobs for every class on a v2 host and two v1 hosts either fail with a
 *     message or give non-empty values and a NULL-terminated note list;
 *   - share targets lie in 0..100 %.
 * Everything is freed (LeakSanitizer checks). */
#include <math.h>

#include "fuzz.h"
#include "policy/classes.h"

#define MAX_LINES 32

static void check_roundtrip(const struct ward_classes *cs, const char *what)
{
	struct ward_classes b;
	struct ward_err *err = NULL;
	char *f1 = ward_classes_format(cs), *f2;

	ward_classes_init(&b);
	FUZZ_CHECK(ward_classes_parse(f1, &b, &err) == 0, "%s: formatted set does not parse: %s\n%s",
		   what, err ? err->msg : "?", f1);
	FUZZ_CHECK(b.n == cs->n && b.nrules == cs->nrules, "%s: %zu classes/%zu rules became %zu/%zu",
		   what, cs->n, cs->nrules, b.n, b.nrules);
	f2 = ward_classes_format(&b);
	FUZZ_CHECK(!strcmp(f1, f2), "%s: format is not stable:\n%s---\n%s", what, f1, f2);
	free(f1);
	free(f2);
	ward_classes_fini(&b);
}

static void check_knobs(const struct ward_classes *cs)
{
	static const struct ward_class_host hosts[] = {
		{ WARD_CLASS_V2, 16ULL << 30, 4, false, false, false },
		{ WARD_CLASS_V1, 1ULL << 30, 1, true, true, true },
		{ WARD_CLASS_V1, 64ULL << 30, 64, false, false, false },
	};
	const char *active[64];
	size_t nactive = 0;

	for (size_t i = 0; i < cs->n; i++) {
		const char *name = cs->v[i].name;

		FUZZ_CHECK(ward_classes_find(cs, name) == &cs->v[i], "find %s", name);
		if (nactive < sizeof(active) / sizeof(active[0]))
			active[nactive++] = name;
		for (size_t h = 0; h < sizeof(hosts) / sizeof(hosts[0]); h++) {
			struct ward_class_knobs k;
			struct ward_err *err = NULL;

			if (ward_class_knobs(cs, name, &hosts[h], &k, &err) < 0) {
				FUZZ_CHECK(err && err->msg[0], "knobs of %s failed without a message", name);
				ward_err_free(err);
				continue;
			}
			for (size_t j = 0; j < k.n; j++) {
				FUZZ_CHECK(k.v[j].controller && k.v[j].file && k.v[j].file[0],
					   "knob %zu of %s unnamed", j, name);
				FUZZ_CHECK(memchr(k.v[j].value, '\0', sizeof(k.v[j].value)) &&
						   k.v[j].value[0],
					   "%s of %s has no value", k.v[j].file, name);
				FUZZ_CHECK(ward_class_knobs_get(&k, k.v[j].file) != NULL, "get %s",
					   k.v[j].file);
			}
			FUZZ_CHECK(k.nnotes == 0 || k.notes, "notes of %s", name);
			for (size_t j = 0; j < k.nnotes; j++)
				FUZZ_CHECK(k.notes[j] && k.notes[j][0], "note %zu of %s is empty", j, name);
			FUZZ_CHECK(!k.notes || !k.notes[k.nnotes], "notes of %s not NULL-terminated", name);
			ward_class_knobs_fini(&k);
		}
	}
	for (size_t i = 0; i < cs->n; i++)
		for (int res = 0; res < WARD_CLASS_NRES; res++) {
			struct ward_err *err = NULL;
			double pct = -1;

			if (ward_classes_share_target(cs, cs->v[i].name, (enum ward_class_res)res, active,
						      nactive, &pct, &err) < 0) {
				FUZZ_CHECK(err && err->msg[0], "share target failed without a message");
				ward_err_free(err);
				continue;
			}
			FUZZ_CHECK(!isnan(pct) && pct >= 0 && pct <= 100.0 + 1e-6,
				   "share target of %s is %g %%", cs->v[i].name, pct);
		}
}

/* One input line as a rule, on a copy of cs. */
static void try_rule(const struct ward_classes *cs, const char *line)
{
	struct ward_classes c;
	struct ward_err *err = NULL;

	ward_classes_copy(&c, cs);
	if (ward_classes_rule_add(&c, line, &err) < 0) {
		FUZZ_CHECK(err && err->msg[0], "rule '%s' refused without a message", line);
		FUZZ_CHECK(c.nrules == cs->nrules, "refused rule '%s' changed the set", line);
		ward_err_free(err);
	} else {
		struct ward_classes d;
		char *f1, *f2;

		FUZZ_CHECK(!err, "rule added with an error");
		FUZZ_CHECK(c.nrules == cs->nrules + 1, "rule '%s' not appended", line);
		f1 = ward_class_rule_format(&c.rules[c.nrules - 1]);
		ward_classes_copy(&d, cs);
		FUZZ_CHECK(ward_classes_rule_add(&d, f1, &err) == 0, "rule '%s' formats to '%s': %s",
			   line, f1, err ? err->msg : "?");
		f2 = ward_class_rule_format(&d.rules[d.nrules - 1]);
		FUZZ_CHECK(!strcmp(f1, f2), "rule format is not stable: '%s' -> '%s'", f1, f2);
		free(f1);
		free(f2);
		ward_classes_fini(&d);
		check_roundtrip(&c, "after a rule");
		(void)ward_classes_match(&c, &(struct ward_class_subject){ "root", "root", "web1", "busybox" });
	}
	ward_classes_fini(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), *save = NULL, *line;
	struct ward_classes cs;
	struct ward_err *err = NULL;
	size_t n = 0;

	ward_classes_init(&cs);
	if (ward_classes_parse(text, &cs, &err) < 0) {
		FUZZ_CHECK(err && err->msg[0], "failure without a message");
		FUZZ_CHECK(cs.n == 1 && !strcmp(cs.v[0].name, WARD_CLASS_DEFAULT) && cs.nrules == 0,
			   "a failed parse changed the set");
		ward_err_free(err);
	} else {
		FUZZ_CHECK(!err, "success with an error: %s", err->msg);
		FUZZ_CHECK(ward_classes_find(&cs, WARD_CLASS_DEFAULT), "no default class");
		FUZZ_CHECK(ward_classes_check(&cs, 0, NULL) == 0, "parsed set fails its check");
		check_roundtrip(&cs, "parsed");
		check_knobs(&cs);
		(void)ward_classes_match(&cs, &(struct ward_class_subject){ "root", "wheel", "web1", "busybox" });
		(void)ward_classes_match(&cs, &(struct ward_class_subject){ NULL, NULL, NULL, NULL });
	}
	for (line = strtok_r(text, "\n", &save); line && n < MAX_LINES;
	     line = strtok_r(NULL, "\n", &save), n++) {
		char *eq = strchr(line, '=');

		try_rule(&cs, line);
		if (eq)
			try_rule(&cs, eq + 1 + strspn(eq + 1, " \t"));
	}
	ward_classes_fini(&cs);
	free(text);
	return 0;
}
