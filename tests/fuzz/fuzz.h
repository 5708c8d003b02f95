/* Shared by the fuzz harnesses: a NUL-terminated copy of the input, an
 * invariant check that aborts (so libFuzzer and the corpus driver both report
 * it with the input), and a scratch directory that is removed afterwards. */
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond, ...)                                                  \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: invariant failed: %s: ",       \
				__FILE__, __LINE__, #cond);                    \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			abort();                                               \
		}                                                              \
	} while (0)

/* The input as a C string (it ends at its first NUL, as a file read as
 * text would for ward's parsers). */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

static inline int fuzz_streq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Removes everything below dirfd, making each directory writable and
 * searchable first (a fuzzed template may create a directory with mode 0). */
static inline void fuzz_empty_dir(int dirfd)
{
	DIR *d = fdopendir(dirfd);
	struct dirent *de;

	if (!d) {
		close(dirfd);
		return;
	}
	while ((de = readdir(d))) {
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			int sub, rc = fchmodat(dirfd, de->d_name, 0700, 0);

			(void)rc; /* a failure shows in rmdir below */
			sub = openat(dirfd, de->d_name,
				     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				fuzz_empty_dir(sub);
			unlinkat(dirfd, de->d_name, AT_REMOVEDIR);
		} else {
			unlinkat(dirfd, de->d_name, 0);
		}
	}
	closedir(d); /* closes dirfd */
}

/* A new empty directory under $TMPDIR (or /tmp); its path goes to buf. */
static inline int fuzz_tmpdir(char *buf, size_t len)
{
	const char *t = getenv("TMPDIR");
	int fd;

	snprintf(buf, len, "%s/ward-fuzz-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(buf))
		abort();
	fd = open(buf, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		abort();
	return fd;
}

/* Removes the directory fuzz_tmpdir made and everything in it. */
static inline void fuzz_tmpdir_remove(const char *path)
{
	int fd, rc = chmod(path, 0700);

	(void)rc; /* a failure shows in rmdir below */
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0)
		fuzz_empty_dir(fd);
	FUZZ_CHECK(rmdir(path) == 0, "cannot remove %s", path);
}
