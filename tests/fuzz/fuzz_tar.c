/* Fuzzes tarball extraction (ward_template_tar_install, template-tar.c): the
 * input is written to a temp file and extracted into a fresh mkdtemp
 * directory; both are removed after each input. Files are capped at 64 MiB
 * (RLIMIT_FSIZE, SIGXFSZ ignored) so a compressed bomb cannot fill the disk.
 * Invariants: a failure carries a message; nothing appears next to the
 * scratch rootfs (no entry escapes it). */
#include <signal.h>
#include <sys/resource.h>

#include "container/templates/template-internal.h"
#include "fuzz.h"

static void limit_once(void)
{
	static int done;
	struct rlimit rl = { 64 << 20, 64 << 20 };

	if (done++)
		return;
	signal(SIGXFSZ, SIG_IGN);
	setrlimit(RLIMIT_FSIZE, &rl);
}

static int count_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int n = 0;

	FUZZ_CHECK(d, "cannot open %s", path);
	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char outer[4096], tarball[4200], rootfs[4200];
	struct ward_err *err = NULL;
	int ofd, tfd, rfd;

	limit_once();
	/* outer/input.tar and outer/rootfs: a stray entry would show in outer */
	ofd = fuzz_tmpdir(outer, sizeof(outer));
	snprintf(tarball, sizeof(tarball), "%s/input.tar", outer);
	snprintf(rootfs, sizeof(rootfs), "%s/rootfs", outer);
	tfd = open(tarball, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	FUZZ_CHECK(tfd >= 0 && (size == 0 || write(tfd, data, size) == (ssize_t)size),
		   "cannot write %s", tarball);
	close(tfd);
	FUZZ_CHECK(mkdir(rootfs, 0755) == 0, "cannot create %s", rootfs);
	rfd = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	FUZZ_CHECK(rfd >= 0, "cannot open %s", rootfs);
	if (ward_template_tar_install(tarball, rfd, &err) < 0) {
		FUZZ_CHECK(err && err->code > 0 && err->msg[0], "failure without a message");
		ward_err_free(err);
	} else {
		FUZZ_CHECK(!err, "success with an error: %s", err->msg);
	}
	close(rfd);
	FUZZ_CHECK(count_entries(outer) == 2, "an entry escaped the rootfs into %s", outer);
	close(ofd);
	fuzz_tmpdir_remove(outer);
	return 0;
}
