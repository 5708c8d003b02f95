#!/usr/bin/env bats
# Templates: the embedded busybox, dir:PATH, tar:FILE (plain, gz, xz, zst),
# and hostile tarballs that must be refused without leaving anything.

load helpers

# A rootfs to pack: the busybox template's, from a container made for it.
make_src() {
	"$W" create src >/dev/null
	SRC="$WARD_ROOT/containers/src/rootfs"
	echo "payload-$$" >"$SRC/root/payload"
}

# Nothing of NAME may be left: not listed, no directory, no run dir.
# Keeps $status and $output of the command checked before.
assert_no_trace() {
	local rc=0
	"$W" info "$1" >/dev/null 2>&1 || rc=$?
	[ "$rc" -eq 3 ] || fail "ward info $1: exit $rc, expected 3 (no such container)"
	if "$W" ls | grep -q "^$1 "; then
		fail "$1 is listed by ward ls"
	fi
	assert_dir_not_exists "$WARD_ROOT/containers/$1"
	assert_dir_not_exists "$WARD_RUN/$1"
}

# mktar FILE SPEC...: a tarball made with python's tarfile, which writes any
# member name verbatim. SPEC: file:NAME[:DATA] dir:NAME sym:NAME:TARGET
# hard:NAME:TARGET
mktar() {
	python3 - "$@" <<'EOF'
import io, sys, tarfile
out = sys.argv[1]
with tarfile.open(out, "w") as t:
    for spec in sys.argv[2:]:
        kind, name, *rest = spec.split(":", 2)
        ti = tarfile.TarInfo(name)
        data = b""
        if kind == "file":
            data = (rest[0] if rest else "x").encode() + b"\n"
            ti.size = len(data)
        elif kind == "dir":
            ti.type = tarfile.DIRTYPE; ti.mode = 0o755
        elif kind == "sym":
            ti.type = tarfile.SYMTYPE; ti.linkname = rest[0]
        elif kind == "hard":
            ti.type = tarfile.LNKTYPE; ti.linkname = rest[0]
        t.addfile(ti, io.BytesIO(data) if kind == "file" else None)
EOF
}

@test "busybox is the default template" {
	run "$W" create c1
	assert_success
	R="$WARD_ROOT/containers/c1/rootfs"
	assert_file_executable "$R/bin/busybox"
	assert_file_exists "$R/etc/inittab"
	# a static busybox: the rootfs needs no host libraries
	run file -L "$R/bin/busybox"
	[ "$status" -ne 0 ] || [[ $output != *dynamically* ]]
	[ "$("$W" config get c1 stop.signal)" = USR2 ]
	run "$W" info c1 --format json
	[ "$(echo "$output" | jget template)" = busybox ]
	run "$W" create c2 --template busybox
	assert_success
	"$W" start c2
	run "$W" exec c2 -- /bin/sh -c 'echo ok'
	assert_output ok
}

@test "dir: copies a directory" {
	make_src
	run "$W" create d1 --template "dir:$SRC"
	assert_success
	R="$WARD_ROOT/containers/d1/rootfs"
	[ "$(cat "$R/root/payload")" = "payload-$$" ]
	# a copy: later changes to the source do not reach it
	echo changed >"$SRC/root/payload"
	[ "$(cat "$R/root/payload")" = "payload-$$" ]
	"$W" start d1
	run "$W" exec d1 -- /bin/cat /root/payload
	assert_output "payload-$$"
	run "$W" exec d1 -- /bin/cat /etc/hostname
	assert_output d1
}

@test "tar: plain, gz, xz and zst tarballs" {
	make_src
	T="$BATS_TEST_TMPDIR"
	tar -C "$SRC" -cf "$T/r.tar" .
	tar -C "$SRC" -cf - . | gzip -c >"$T/r.tar.gz"
	tar -C "$SRC" -cf - . | xz -c >"$T/r.tar.xz"
	tar -C "$SRC" -cf - . | zstd -q -c >"$T/r.tar.zst"
	i=0
	for f in r.tar r.tar.gz r.tar.xz r.tar.zst; do
		i=$((i + 1))
		run "$W" create "t$i" --template "tar:$T/$f"
		assert_success
		R="$WARD_ROOT/containers/t$i/rootfs"
		[ "$(cat "$R/root/payload")" = "payload-$$" ] || fail "$f: payload missing"
		[ -x "$R/bin/busybox" ] || fail "$f: busybox missing"
		# links survive
		[ -L "$R/bin/sh" ] || [ -f "$R/bin/sh" ] || fail "$f: /bin/sh missing"
	done
	# one of them boots
	"$W" start t4
	run "$W" exec t4 -- /bin/cat /root/payload
	assert_output "payload-$$"
}

@test "tar: a member with .. is refused and leaves nothing" {
	T="$BATS_TEST_TMPDIR"
	mktar "$T/dotdot.tar" dir:etc file:etc/ok "file:etc/../../escape-$$"
	run "$W" create bad --template "tar:$T/dotdot.tar"
	assert_failure 2
	assert_no_trace bad
	assert_file_not_exists "$WARD_ROOT/containers/escape-$$"
	assert_file_not_exists "$WARD_ROOT/escape-$$"
	run "$W" create bad --template "tar:$T/dotdot.tar"
	assert_failure 2
	assert_output --partial "refusing entry"
	assert_output --partial ".."
	assert_no_trace bad
}

@test "tar: an absolute member path is refused and leaves nothing" {
	T="$BATS_TEST_TMPDIR"
	mktar "$T/abs.tar" dir:etc "file:$T/abs-victim-$$"
	run "$W" create bad --template "tar:$T/abs.tar"
	assert_failure 2
	assert_no_trace bad
	assert_file_not_exists "$T/abs-victim-$$"
	assert_output --partial "refusing entry"
	assert_output --partial "$T/abs-victim-$$"
}

@test "tar: a symlink escaping the rootfs is refused and leaves nothing" {
	T="$BATS_TEST_TMPDIR"
	mktar "$T/esc.tar" dir:etc "sym:etc/escape:../../../../../../etc"
	run "$W" create bad --template "tar:$T/esc.tar"
	assert_failure 2
	assert_output --partial "refusing entry"
	assert_output --partial "escape"
	assert_no_trace bad
}

@test "tar: writing through a symlink to a host path is refused or stays inside" {
	T="$BATS_TEST_TMPDIR"
	mkdir "$T/victim"
	# an absolute link is legitimate in a rootfs (it resolves inside it), but
	# extraction must never follow it to the host
	mktar "$T/thru.tar" "sym:lnk:$T/victim" "file:lnk/pwned-$$"
	run "$W" create t1 --template "tar:$T/thru.tar"
	assert_file_not_exists "$T/victim/pwned-$$"
	if [ "$status" -ne 0 ]; then
		assert_no_trace t1
	fi
	# a relative link that leaves the rootfs, then a member through it
	mktar "$T/thru2.tar" "sym:up:../../../../../../../../$T/victim" "file:up/pwned2-$$"
	run "$W" create t2 --template "tar:$T/thru2.tar"
	assert_failure 2
	assert_output --partial "refusing entry"
	assert_file_not_exists "$T/victim/pwned2-$$"
	assert_no_trace t2
}

@test "tar: a hard link to a path outside the rootfs is refused" {
	T="$BATS_TEST_TMPDIR"
	echo secret >"$T/secret-$$"
	mktar "$T/hard.tar" dir:etc "hard:etc/h:../../../../../../../../$T/secret-$$"
	run "$W" create bad --template "tar:$T/hard.tar"
	assert_failure 2
	assert_output --partial "refusing entry"
	assert_no_trace bad
	[ "$(stat -c %h "$T/secret-$$")" -eq 1 ]
	mktar "$T/hard2.tar" dir:etc "hard:etc/h:$T/secret-$$"
	run "$W" create bad2 --template "tar:$T/hard2.tar"
	[ "$(stat -c %h "$T/secret-$$")" -eq 1 ]
	if [ "$status" -ne 0 ]; then
		assert_no_trace bad2
	fi
}

@test "tar: a corrupt or missing tarball is refused and leaves nothing" {
	T="$BATS_TEST_TMPDIR"
	head -c 10000 /dev/urandom >"$T/junk.tar.gz"
	run "$W" create bad --template "tar:$T/junk.tar.gz"
	assert_failure
	assert_no_trace bad
	run "$W" create bad --template "tar:$T/nonexistent.tar"
	assert_failure 2
	refute_output --partial "ward: create: failed"
	assert_output --partial "nonexistent.tar"
	assert_no_trace bad
}

@test "dir: a missing directory and unknown templates are refused (bad input: exit 2)" {
	run "$W" create bad --template "dir:$BATS_TEST_TMPDIR/nonexistent"
	assert_failure 2
	assert_no_trace bad
	run "$W" create bad --template nosuchtemplate
	assert_failure 2
	assert_output --partial "unknown template 'nosuchtemplate'"
	assert_no_trace bad
	run "$W" create bad --template "dir:"
	assert_failure 2
	assert_no_trace bad
	run "$W" create bad --template "dir:$BATS_TEST_TMPDIR/nonexistent"
	assert_failure
	refute_output --partial "ward: create: failed"
	assert_output --partial nonexistent
	assert_no_trace bad
}
