/* Fuzzes the container config parser (INI, lib/container/config.c).
 * Invariants: a failed parse reports an error and leaves the config empty;
 * a successful one holds only keys and values the keys table accepts, and
 * its text reparses to the same config, so format is a fixed point after
 * one round: format(parse(format(parse(t)))) == format(parse(t)). */
#include "container/container.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct ward_config a = { 0 }, b = { 0 };
	struct ward_err *err = NULL;
	size_t nkeys;
	const struct ward_config_key *keys = ward_config_keys(&nkeys);

	if (ward_config_parse(text, &a, &err) < 0) {
		FUZZ_CHECK(err && err->code > 0 && err->msg[0], "failure without a message");
		FUZZ_CHECK(a.n == 0 && !a.kv, "failed parse left %zu keys", a.n);
		ward_err_free(err);
		free(text);
		return 0;
	}
	FUZZ_CHECK(!err, "success with an error: %s", err->msg);
	for (size_t i = 0; i < a.n; i++) {
		FUZZ_CHECK(ward_config_known(a.kv[i].key), "unknown key %s kept", a.kv[i].key);
		FUZZ_CHECK(ward_config_check(a.kv[i].key, a.kv[i].value, NULL) == 0,
			   "%s = %s kept but refused by check", a.kv[i].key, a.kv[i].value);
		FUZZ_CHECK(fuzz_streq(ward_config_get(&a, a.kv[i].key), a.kv[i].value),
			   "get %s", a.kv[i].key);
		for (size_t j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(a.kv[i].key, a.kv[j].key), "key %s twice", a.kv[i].key);
	}
	for (size_t k = 0; k < nkeys; k++)
		(void)ward_config_value(&a, keys[k].key);

	char *f1 = ward_config_format(&a);
	int r = ward_config_parse(f1, &b, &err);

	FUZZ_CHECK(r == 0, "formatted config does not parse: %s\n%s", err ? err->msg : "?", f1);
	FUZZ_CHECK(a.n == b.n, "%zu keys became %zu", a.n, b.n);
	for (size_t i = 0; i < a.n; i++)
		FUZZ_CHECK(!strcmp(a.kv[i].key, b.kv[i].key) && !strcmp(a.kv[i].value, b.kv[i].value),
			   "'%s = %s' became '%s = %s'", a.kv[i].key, a.kv[i].value,
			   b.kv[i].key, b.kv[i].value);
	char *f2 = ward_config_format(&b);

	FUZZ_CHECK(!strcmp(f1, f2), "format is not stable:\n%s---\n%s", f1, f2);
	free(f1);
	free(f2);
	ward_config_fini(&a);
	ward_config_fini(&b);
	free(text);
	return 0;
}
