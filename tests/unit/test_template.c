/* Unit tests for templates (lib/container/template*.c) and ward_copy_tree:
 * the busybox data template, safe tar extraction (including the entries it
 * must refuse) and dir: copies. Each test works in its own mkdtemp directory
 * holding "root" (the rootfs) and its inputs, and removes it afterwards. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/common.h"
#include "container/container.h"

struct fx {
	char dir[64];  /* the test's scratch directory */
	int dirfd;
	int root;      /* dir/root, the rootfs being filled */
};

static int setup(void **state)
{
	struct fx *f = ward_xcalloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/ward-tpl-test-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->dirfd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(f->dirfd >= 0);
	assert_int_equal(mkdirat(f->dirfd, "root", 0755), 0);
	f->root = openat(f->dirfd, "root", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(f->root >= 0);
	*state = f;
	return 0;
}

/* read-only directories a test made must not stop an unprivileged removal */
static void unlock_dirs(int at, const char *rel)
{
	struct stat st;
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int fd;

	if (fstatat(at, rel, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
		return;
	if (fchmodat(at, rel, 0700, 0) < 0)
		return;
	fd = openat(at, rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || !(d = fdopendir(fd)))
		return;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			unlock_dirs(dirfd(d), de->d_name);
}

static int teardown(void **state)
{
	struct fx *f = *state;
	_cleanup_err_ struct ward_err *err = NULL;

	close(f->root);
	unlock_dirs(f->dirfd, ".");
	close(f->dirfd);
	assert_int_equal(ward_rm_rf_at(AT_FDCWD, f->dir, &err), 0);
	assert_int_equal(access(f->dir, F_OK), -1);
	free(f);
	return 0;
}

/* ---- helpers -------------------------------------------------------------- */

static char *read_text(int dirfd, const char *path)
{
	_cleanup_err_ struct ward_err *err = NULL;
	char *s = NULL;

	assert_int_equal(ward_file_read(dirfd, path, &s, NULL, &err), 0);
	return s;
}

static void assert_link(int dirfd, const char *path, const char *target)
{
	char buf[PATH_MAX];
	ssize_t n = readlinkat(dirfd, path, buf, sizeof(buf) - 1);

	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, target);
}

static mode_t mode_of(int dirfd, const char *path)
{
	struct stat st;

	assert_int_equal(fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW), 0);
	return st.st_mode;
}

/* the scratch directory holds only what the test put there: nothing was
 * written beside the rootfs by an escaping entry */
static void assert_dir_has_only(int dirfd, const char *a, const char *b)
{
	_cleanup_closedir_ DIR *d = fdopendir(openat(dirfd, ".", O_RDONLY | O_DIRECTORY));
	struct dirent *de;

	assert_non_null(d);
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (strcmp(de->d_name, a) && (!b || strcmp(de->d_name, b)))
			fail_msg("unexpected %s beside the rootfs", de->d_name);
	}
}

static void put(int at, const char *path, const char *text)
{
	_cleanup_close_ int fd = openat(at, path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
					0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
}

static int install(const char *spec, int root, struct ward_template_info *info,
		   struct ward_err **err)
{
	struct ward_template_info dummy;

	return ward_template_install(spec, root, info ? info : &dummy, err);
}

/* ---- tarballs built with libarchive's write API ------------------------- */

enum { T_FILE, T_DIR, T_LINK, T_HARD, T_FIFO };

struct tentry {
	int type;
	const char *path;
	const char *arg; /* content, symlink target or hard link target */
	mode_t mode;
};

static bool write_tar(const char *path, int filter, const struct tentry *ents, size_t n)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	int r = ARCHIVE_OK;

	archive_write_set_format_pax_restricted(a);
	if (filter == ARCHIVE_FILTER_GZIP)
		r = archive_write_add_filter_gzip(a);
	else if (filter == ARCHIVE_FILTER_ZSTD)
		r = archive_write_add_filter_zstd(a);
	if (r != ARCHIVE_OK) {
		archive_entry_free(e);
		archive_write_free(a);
		return false; /* this libarchive cannot write that filter */
	}
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		const struct tentry *t = &ents[i];
		size_t len = t->type == T_FILE ? strlen(t->arg) : 0;

		archive_entry_clear(e);
		archive_entry_set_pathname(e, t->path);
		archive_entry_set_mtime(e, 1000000000, 0);
		archive_entry_set_uid(e, getuid());
		archive_entry_set_gid(e, getgid());
		archive_entry_set_perm(e, t->mode ? t->mode : 0644);
		archive_entry_set_filetype(e, t->type == T_DIR ? AE_IFDIR
					   : t->type == T_LINK ? AE_IFLNK
					   : t->type == T_FIFO ? AE_IFIFO : AE_IFREG);
		if (t->type == T_LINK)
			archive_entry_set_symlink(e, t->arg);
		if (t->type == T_HARD)
			archive_entry_set_hardlink(e, t->arg);
		archive_entry_set_size(e, (la_int64_t)len);
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		if (len)
			assert_int_equal(archive_write_data(a, t->arg, len), (la_ssize_t)len);
	}
	archive_entry_free(e);
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	return true;
}

static const struct tentry good_tar[] = {
	{ T_DIR, "./", NULL, 0755 },
	{ T_DIR, "./etc", NULL, 0755 },
	{ T_FILE, "./etc/hello", "hello world\n", 0640 },
	{ T_HARD, "etc/hello2", "./etc/hello", 0 },
	{ T_LINK, "bin/sh", "busybox", 0 },          /* parent not in the archive */
	{ T_LINK, "sbin/init", "/bin/busybox", 0 },  /* absolute: inside the root */
	{ T_LINK, "usr/lib/up", "../../etc", 0 },    /* climbs, but stays inside */
	{ T_DIR, "ro", NULL, 0555 },                 /* mode applied after children */
	{ T_FILE, "ro/f", "x", 0600 },
	{ T_FILE, "etc/hello", "replaced\n", 0644 }, /* a later entry wins */
	{ T_FIFO, "run/initctl", NULL, 0600 },
	{ T_DIR, "etc/ward", NULL, 0755 },
	{ T_FILE, "etc/ward/template.ini", "[template]\nstop_signal = PWR\n", 0644 },
};

static void check_tar(void **state, int filter)
{
	struct fx *f = *state;
	_cleanup_err_ struct ward_err *err = NULL;
	_cleanup_free_ char *spec = ward_xasprintf("tar:%s/rootfs.tar", f->dir);
	_cleanup_free_ char *hello = NULL;
	struct ward_template_info info;
	struct stat a, b;

	if (!write_tar(spec + 4, filter, good_tar, sizeof(good_tar) / sizeof(good_tar[0])))
		skip();
	assert_int_equal(install(spec, f->root, &info, &err), 0);
	assert_null(err);
	hello = read_text(f->root, "etc/hello");
	assert_string_equal(hello, "replaced\n");
	assert_int_equal(mode_of(f->root, "etc/hello") & 07777, 0644);
	/* the hard link was made to the first etc/hello, since replaced */
	assert_int_equal(fstatat(f->root, "etc/hello2", &a, 0), 0);
	assert_int_equal(a.st_size, 12);
	assert_link(f->root, "bin/sh", "busybox");
	assert_link(f->root, "sbin/init", "/bin/busybox");
	assert_link(f->root, "usr/lib/up", "../../etc");
	assert_int_equal(mode_of(f->root, "ro") & 07777, 0555);
	assert_int_equal(fstatat(f->root, "ro", &b, 0), 0);
	assert_int_equal(b.st_mtim.tv_sec, 1000000000);
	assert_true(S_ISFIFO(mode_of(f->root, "run/initctl")));
	assert_int_equal(mode_of(f->root, "run/initctl") & 07777, 0600);
	assert_int_equal(info.stop_signal, SIGPWR); /* the rootfs hint */
	assert_string_equal(info.init, "");
}

static void test_tar_plain(void **state)
{
	check_tar(state, ARCHIVE_FILTER_NONE);
}

static void test_tar_gzip(void **state)
{
	check_tar(state, ARCHIVE_FILTER_GZIP);
}

static void test_tar_zstd(void **state)
{
	check_tar(state, ARCHIVE_FILTER_ZSTD);
}

/* one bad entry after a good one: the install fails naming the entry, and
 * nothing lands outside the rootfs */
static void check_refused(struct fx *f, const struct tentry *bad, const char *name)
{
	_cleanup_err_ struct ward_err *err = NULL;
	_cleanup_free_ char *spec = ward_xasprintf("tar:%s/bad.tar", f->dir);
	struct tentry ents[] = {
		{ T_FILE, "etc/passwd", "root:x:0:0::/root:/bin/sh\n", 0644 },
		*bad,
	};
	struct stat st;

	assert_true(write_tar(spec + 4, ARCHIVE_FILTER_NONE, ents, 2));
	assert_true(install(spec, f->root, NULL, &err) < 0);
	assert_non_null(err);
	if (!strstr(err->msg, name))
		fail_msg("message '%s' does not name '%s'", err->msg, name);
	assert_dir_has_only(f->dirfd, "root", "bad.tar");
	assert_int_equal(fstatat(f->dirfd, "../x", &st, AT_SYMLINK_NOFOLLOW), -1);
	assert_int_equal(fstatat(f->root, "a", &st, AT_SYMLINK_NOFOLLOW), -1);
	assert_int_equal(fstatat(f->root, "h", &st, AT_SYMLINK_NOFOLLOW), -1);
	assert_int_equal(fstatat(f->root, "d/l", &st, AT_SYMLINK_NOFOLLOW), -1);
}

static void test_tar_refuses(void **state)
{
	struct fx *f = *state;
	char abs[64];
	struct {
		struct tentry e;
		const char *name;
	} cases[] = {
		{ { T_FILE, "../x", "evil", 0644 }, "../x" },
		{ { T_FILE, abs, "evil", 0644 }, abs },
		{ { T_FILE, "a/../../x", "evil", 0644 }, "a/../../x" },
		{ { T_HARD, "h", "../../etc/passwd", 0 }, "'h'" },
		{ { T_HARD, "h", "/etc/passwd", 0 }, "'h'" },
		{ { T_LINK, "a", "../../etc", 0 }, "'a'" },
		{ { T_LINK, "d/l", "../../x", 0 }, "'d/l'" },
	};

	snprintf(abs, sizeof(abs), "/ward-tpl-test-abs-%d", (int)getpid());
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		check_refused(f, &cases[i].e, cases[i].name);
		assert_int_equal(access(abs, F_OK), -1);
	}
}

static void test_tar_errors(void **state)
{
	struct fx *f = *state;
	_cleanup_err_ struct ward_err *e1 = NULL, *e2 = NULL;
	_cleanup_free_ char *missing = ward_xasprintf("tar:%s/nope.tar", f->dir);
	_cleanup_free_ char *junk = ward_xasprintf("tar:%s/junk.tar", f->dir);
	_cleanup_free_ char *want = ward_xasprintf("template tarball %s/nope.tar: %s",
						   f->dir, strerror(ENOENT));

	assert_true(install(missing, f->root, NULL, &e1) < 0);
	assert_string_equal(e1->msg, want);
	put(f->dirfd, "junk.tar", "not a tarball\n");
	assert_true(install(junk, f->root, NULL, &e2) < 0);
	assert_non_null(strstr(e2->msg, "junk.tar"));
}

/* ---- busybox and other data templates ----------------------------------- */

static void test_busybox(void **state)
{
	struct fx *f = *state;
	_cleanup_err_ struct ward_err *err = NULL;
	_cleanup_free_ char *inittab = NULL, *passwd = NULL;
	struct ward_template_info info;
	struct stat st;

	if (access("/bin/busybox", X_OK) && access("/usr/bin/busybox", X_OK))
		skip();
	unsetenv("WARD_TEMPLATES"); /* the embedded copy */
	if (install("busybox", f->root, &info, &err) < 0)
		fail_msg("%s", err->msg);
	assert_int_equal(fstatat(f->root, "bin/busybox", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISREG(st.st_mode) && (st.st_mode & 0111) == 0111);
	assert_true(st.st_size > 100000);
	assert_link(f->root, "sbin/init", "../bin/busybox");
	assert_link(f->root, "bin/sh", "busybox");
	assert_link(f->root, "bin/ls", "busybox");
	assert_link(f->root, "bin/[", "busybox");
	assert_link(f->root, "sbin/poweroff", "../bin/busybox");
	assert_int_equal(faccessat(f->root, "sbin/init", X_OK, 0), 0);
	inittab = read_text(f->root, "etc/inittab");
	assert_non_null(strstr(inittab, "::askfirst:-/bin/sh\n"));
	assert_non_null(strstr(inittab, "::shutdown:/bin/sync\n"));
	passwd = read_text(f->root, "etc/passwd");
	assert_true(!strncmp(passwd, "root:x:0:0:", 11));
	assert_int_equal(mode_of(f->root, "tmp") & 07777, 01777);
	assert_int_equal(mode_of(f->root, "root") & 07777, 0700);
	assert_int_equal(mode_of(f->root, "etc/shadow") & 07777, 0600);
	assert_int_equal(info.stop_signal, SIGUSR2);
	assert_string_equal(info.init, "/sbin/init");
}

static void test_named(void **state)
{
	struct fx *f = *state;
	_cleanup_err_ struct ward_err *e1 = NULL, *e2 = NULL, *e3 = NULL;
	_cleanup_free_ char *motd = NULL;
	struct ward_template_info info;

	_cleanup_free_ char *tpl = ward_xasprintf("%s/tpl", f->dir);

	assert_int_equal(mkdirat(f->dirfd, "tpl", 0755), 0);
	put(f->dirfd, "tpl/mini.ini",
		  "[template]\ninit = /bin/app\nstop_signal = SIGPWR\n"
		  "[dirs]\nbin = 0711\n[symlinks]\nbin/app = /bin/true\n"
		  "[file etc/motd]\nmode = 0600\nline = hi there\nline =\nline = bye\n");
	put(f->dirfd, "tpl/bad.ini", "[dirs]\nbin = 0755\n../up = 0755\n");
	setenv("WARD_TEMPLATES", tpl, 1);
	assert_int_equal(install("mini", f->root, &info, &e1), 0);
	assert_int_equal(info.stop_signal, SIGPWR);
	assert_string_equal(info.init, "/bin/app");
	assert_int_equal(mode_of(f->root, "bin") & 07777, 0711);
	assert_link(f->root, "bin/app", "/bin/true");
	motd = read_text(f->root, "etc/motd");
	assert_string_equal(motd, "hi there\n\nbye\n");
	assert_int_equal(mode_of(f->root, "etc/motd") & 07777, 0600);

	assert_true(install("bad", f->root, NULL, &e2) < 0);
	assert_non_null(strstr(e2->msg, "template bad, line 3"));
	assert_non_null(strstr(e2->msg, "../up"));
	assert_dir_has_only(f->dirfd, "root", "tpl");

	assert_true(install("nosuch", f->root, NULL, &e3) < 0);
	assert_non_null(strstr(e3->msg, "unknown template 'nosuch'"));
	unsetenv("WARD_TEMPLATES");
}

static void test_bad_specs(void **state)
{
	struct fx *f = *state;
	_cleanup_err_ struct ward_err *e1 = NULL, *e2 = NULL, *e3 = NULL;
	_cleanup_free_ char *want = ward_xasprintf(
		"template directory /nonexistent/ward-tpl: %s", strerror(ENOENT));

	assert_true(install("http://example.com/x", f->root, NULL, &e1) < 0);
	assert_non_null(strstr(e1->msg, "dir:PATH"));
	assert_non_null(strstr(e1->msg, "tar:PATH"));
	assert_true(install("dir:/nonexistent/ward-tpl", f->root, NULL, &e2) < 0);
	assert_string_equal(e2->msg, want);
	assert_true(install("", f->root, NULL, &e3) < 0);
}

/* ---- dir: and ward_copy_tree --------------------------------------------- */

static void make_src(struct fx *f)
{
	struct ward_err *err = NULL;
	struct timespec ts[2] = { { 1234567890, 0 }, { 1234567890, 0 } };

	assert_int_equal(mkdirat(f->dirfd, "src", 0755), 0);
	assert_int_equal(ward_mkdir_p(f->dirfd, "src/sub/deeper", 0755, &err), 0);
	assert_int_equal(ward_mkdir_p(f->dirfd, "src/etc/ward", 0755, &err), 0);
	put(f->dirfd, "src/f", "data\n");
	assert_int_equal(fchmodat(f->dirfd, "src/f", 0640, 0), 0);
	put(f->dirfd, "src/sub/x", "exec\n");
	assert_int_equal(fchmodat(f->dirfd, "src/sub/x", 04750, 0), 0);
	assert_int_equal(linkat(f->dirfd, "src/f", f->dirfd, "src/sub/f2", 0), 0);
	assert_int_equal(symlinkat("f", f->dirfd, "src/l"), 0);
	assert_int_equal(symlinkat("/nonexistent/target", f->dirfd, "src/sub/dangling"), 0);
	assert_int_equal(symlinkat("../..", f->dirfd, "src/sub/up"), 0);
	assert_int_equal(mkfifoat(f->dirfd, "src/fifo", 0620), 0);
	assert_int_equal(fchmodat(f->dirfd, "src/sub/deeper", 0500, 0), 0);
	assert_int_equal(utimensat(f->dirfd, "src/sub/x", ts, 0), 0);
	assert_int_equal(utimensat(f->dirfd, "src/sub/deeper", ts, 0), 0);
	put(f->dirfd, "src/etc/ward/template.ini", "[template]\nstop_signal = USR1\n");
}

static void test_dir(void **state)
{
	struct fx *f = *state;
	_cleanup_err_ struct ward_err *err = NULL;
	_cleanup_free_ char *spec = ward_xasprintf("dir:%s/src", f->dir);
	_cleanup_free_ char *data = NULL;
	struct ward_template_info info;
	struct stat a, b;

	make_src(f);
	if (install(spec, f->root, &info, &err) < 0)
		fail_msg("%s", err->msg);
	data = read_text(f->root, "f");
	assert_string_equal(data, "data\n");
	assert_int_equal(mode_of(f->root, "f") & 07777, 0640);
	assert_int_equal(mode_of(f->root, "sub/x") & 07777, 04750);
	assert_int_equal(mode_of(f->root, "sub/deeper") & 07777, 0500);
	assert_true(S_ISFIFO(mode_of(f->root, "fifo")));
	assert_link(f->root, "l", "f");
	assert_link(f->root, "sub/dangling", "/nonexistent/target");
	assert_link(f->root, "sub/up", "../..");
	assert_int_equal(fstatat(f->root, "f", &a, 0), 0);
	assert_int_equal(fstatat(f->root, "sub/f2", &b, 0), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	assert_int_equal(a.st_nlink, 2);
	assert_int_equal(fstatat(f->root, "sub/x", &b, 0), 0);
	assert_int_equal(b.st_mtim.tv_sec, 1234567890);
	assert_int_equal(fstatat(f->root, "sub/deeper", &b, 0), 0);
	assert_int_equal(b.st_mtim.tv_sec, 1234567890);
	assert_int_equal(b.st_uid, geteuid());
	assert_int_equal(info.stop_signal, SIGUSR1);
	assert_dir_has_only(f->dirfd, "root", "src");
}

/* root only: owners, device nodes, and a mount inside the source that must
 * come out as an empty directory; the mount lives in a private mount
 * namespace of this test process, so nothing leaks if the test fails */
static void test_copy_tree_root(void **state)
{
	struct fx *f = *state;
	_cleanup_err_ struct ward_err *err = NULL;
	_cleanup_free_ char *mnt = ward_xasprintf("%s/src/mnt", f->dir);
	_cleanup_close_ int src = -1;
	struct stat st;

	_cleanup_close_ int d = -1;

	if (geteuid() != 0 || unshare(CLONE_NEWNS) < 0)
		skip();
	assert_int_equal(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	/* fds opened before unshare look paths up in the old namespace */
	d = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_int_equal(mkdirat(d, "src", 0755), 0);
	assert_int_equal(mkdirat(d, "src/mnt", 0755), 0);
	assert_int_equal(mount("tmpfs", mnt, "tmpfs", 0, "mode=0711"), 0);
	put(d, "src/mnt/hidden", "other fs\n");
	put(d, "src/owned", "x");
	assert_int_equal(fchownat(d, "src/owned", 1234, 5678, 0), 0);
	assert_int_equal(mknodat(d, "src/null", S_IFCHR | 0666, makedev(1, 3)), 0);
	src = openat(d, "src", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ward_copy_tree(src, f->root, &err) < 0)
		fail_msg("%s", err->msg);
	assert_int_equal(umount2(mnt, MNT_DETACH), 0);
	assert_int_equal(fstatat(f->root, "mnt", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0711);
	assert_int_equal(fstatat(f->root, "mnt/hidden", &st, AT_SYMLINK_NOFOLLOW), -1);
	assert_int_equal(fstatat(f->root, "owned", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_int_equal(st.st_uid, 1234);
	assert_int_equal(st.st_gid, 5678);
	assert_int_equal(fstatat(f->root, "null", &st, AT_SYMLINK_NOFOLLOW), 0);
	assert_true(S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_busybox, setup, teardown),
		cmocka_unit_test_setup_teardown(test_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_specs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tar_plain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tar_gzip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tar_zstd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tar_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tar_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_tree_root, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
