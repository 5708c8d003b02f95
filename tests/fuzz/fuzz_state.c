/* Fuzzes the JSON records of lib/container (state.c, intent.c, spec.c): every
 * input goes to ward_state_parse, ward_intent_parse, ward_exit_parse and
 * ward_spec_parse. Invariants: a failure carries a message; a success
 * formats to text that parses back to the same record, and formatting that
 * gives the same text again (state, intent, spec); the exit record is marked
 * valid and has a reason. Everything is freed (LeakSanitizer checks). */
#include "container/container.h"
#include "fuzz.h"

static void check_fail(struct ward_err *err, const char *what)
{
	FUZZ_CHECK(err && err->code > 0 && err->msg[0], "%s failed without a message", what);
	ward_err_free(err);
}

static void fuzz_state(const char *text)
{
	struct ward_state a, b;
	struct ward_err *err = NULL;

	if (ward_state_parse(text, &a, &err) < 0) {
		check_fail(err, "state");
		return;
	}
	FUZZ_CHECK(a.phase >= WARD_PHASE_CREATING && a.phase <= WARD_PHASE_DESTROYING,
		   "phase %d", (int)a.phase);
	char *f1 = ward_state_format(&a);

	FUZZ_CHECK(ward_state_parse(f1, &b, &err) == 0, "state reparse: %s\n%s",
		   err ? err->msg : "?", f1);
	FUZZ_CHECK(a.phase == b.phase && !strcmp(a.template, b.template) &&
			   a.created == b.created && a.ephemeral == b.ephemeral &&
			   !strcmp(a.lower, b.lower),
		   "state changed in a round trip:\n%s", f1);
	char *f2 = ward_state_format(&b);

	FUZZ_CHECK(!strcmp(f1, f2), "state format is not stable:\n%s\n---\n%s", f1, f2);
	free(f1);
	free(f2);
}

static void fuzz_intent(const char *text)
{
	struct ward_intent a, b;
	struct ward_err *err = NULL;

	if (ward_intent_parse(text, &a, &err) < 0) {
		check_fail(err, "intent");
		return;
	}
	FUZZ_CHECK(a.cgroup[0] && a.cgroup[0] != '/' && !strstr(a.cgroup, ".."),
		   "intent accepted cgroup '%s'", a.cgroup);
	FUZZ_CHECK(a.moving_from[0] != '/' && !strstr(a.moving_from, ".."),
		   "intent accepted moving_from '%s'", a.moving_from);
	char *f1 = ward_intent_format(&a);

	FUZZ_CHECK(ward_intent_parse(f1, &b, &err) == 0, "intent reparse: %s\n%s",
		   err ? err->msg : "?", f1);
	FUZZ_CHECK(!strcmp(a.cgroup, b.cgroup) && a.monitor_pid == b.monitor_pid &&
			   a.monitor_start == b.monitor_start && a.init_pid == b.init_pid &&
			   a.started == b.started && !strcmp(a.moving_from, b.moving_from),
		   "intent changed in a round trip:\n%s", f1);
	char *f2 = ward_intent_format(&b);

	FUZZ_CHECK(!strcmp(f1, f2), "intent format is not stable:\n%s\n---\n%s", f1, f2);
	free(f1);
	free(f2);
}

static void fuzz_exit(const char *text)
{
	struct ward_exit ex = { 0 };
	struct ward_err *err = NULL;

	if (ward_exit_parse(text, &ex, &err) < 0) {
		check_fail(err, "exit");
		return;
	}
	FUZZ_CHECK(ex.valid, "exit record not marked valid");
	FUZZ_CHECK(ward_exit_reason(&ex) != NULL, "no exit reason");
}

static bool strv_eq(char **a, char **b)
{
	size_t i = 0;

	for (; a[i] && b[i]; i++)
		if (strcmp(a[i], b[i]))
			return false;
	return !a[i] && !b[i];
}

static void fuzz_spec(const char *text)
{
	struct ward_spec a, b;
	struct ward_err *err = NULL;

	if (ward_spec_parse(text, &a, &err) < 0) {
		check_fail(err, "spec");
		return;
	}
	FUZZ_CHECK(a.name && a.rootfs && a.hostname && a.cgroup && a.argv && a.argv[0] && a.envp &&
			   (!a.lower || a.upper),
		   "spec accepted without a required field");
	{
		char *f1 = ward_spec_format(&a);

		FUZZ_CHECK(ward_spec_parse(f1, &b, &err) == 0, "spec reparse: %s\n%s",
			   err ? err->msg : "?", f1);
		FUZZ_CHECK(!strcmp(a.name, b.name) && !strcmp(a.rootfs, b.rootfs) &&
				   fuzz_streq(a.lower, b.lower) &&
				   fuzz_streq(a.lower ? a.upper : NULL, b.upper) &&
				   fuzz_streq(a.hostname, b.hostname) && !strcmp(a.cgroup, b.cgroup) &&
				   strv_eq(a.argv, b.argv) && strv_eq(a.envp, b.envp) &&
				   a.stop_signal == b.stop_signal && a.stop_timeout == b.stop_timeout &&
				   a.console == b.console,
			   "spec changed in a round trip:\n%s", f1);
		char *f2 = ward_spec_format(&b);

		FUZZ_CHECK(!strcmp(f1, f2), "spec format is not stable:\n%s\n---\n%s", f1, f2);
		free(f1);
		free(f2);
		ward_spec_fini(&b);
	}
	ward_spec_fini(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);

	fuzz_state(text);
	fuzz_intent(text);
	fuzz_exit(text);
	fuzz_spec(text);
	free(text);
	return 0;
}
