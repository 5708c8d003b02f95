/* Fuzzes the data-template applier (lib/container/template-ini.c) into a
 * fresh mkdtemp directory that is removed after each input. Inputs with a
 * [copy] section are skipped: it copies host files (/dev/zero would fill the
 * disk). Invariants: a failure carries a message; on success the init the
 * template names is absolute, and the rootfs hint it leaves (if any) reads
 * back. Everything it creates stays inside the scratch directory by
 * construction of ward (RESOLVE_IN_ROOT). */
#include "container/templates/template-internal.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), dir[4096];
	struct ward_template_info info = { 0 }, hint = { 0 };
	struct ward_err *err = NULL;
	int fd;

	if (strstr(text, "[copy]")) {
		free(text);
		return 0;
	}
	fd = fuzz_tmpdir(dir, sizeof(dir));
	if (ward_template_ini_apply("fuzz", text, fd, &info, &err) < 0) {
		FUZZ_CHECK(err && err->code > 0 && err->msg[0], "failure without a message");
		ward_err_free(err);
	} else {
		FUZZ_CHECK(!err, "success with an error: %s", err->msg);
		FUZZ_CHECK(!info.init[0] || info.init[0] == '/', "init '%s'", info.init);
		if (ward_template_hint_read(fd, &hint, &err) < 0) {
			FUZZ_CHECK(err && err->msg[0], "hint failure without a message");
			ward_err_free(err);
		}
	}
	close(fd);
	fuzz_tmpdir_remove(dir);
	free(text);
	return 0;
}
