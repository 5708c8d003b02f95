#!/usr/bin/env bats
# Bad input gets a clear error, the documented exit code, and changes nothing.

load helpers

BAD_NAMES=("" "." ".." "a/b" "/abs" "../up" "Upper" "sp ace" "semi;colon" "star*" "tab	x"
	"uni-é" "new
line")

# Nothing under the roots but what ward always makes.
assert_nothing_created() {
	local n
	n=$(find "$WARD_ROOT/containers" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
	[ "$n" -eq 0 ] || fail "containers dir holds: $(ls -A "$WARD_ROOT/containers")"
	n=$(find "$WARD_RUN" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
	[ "$n" -eq 0 ] || fail "run dir holds: $(ls -A "$WARD_RUN")"
	[ -z "$(find "$CGFS" -maxdepth 3 -path "*/$WARD_CGROUP_ROOT/*" 2>/dev/null)" ] ||
		fail "cgroups made: $(find "$CGFS" -maxdepth 3 -path "*/$WARD_CGROUP_ROOT/*")"
}

@test "bad container names are refused by every verb" {
	long=$(printf 'a%.0s' {1..65})
	for name in "${BAD_NAMES[@]}" "$long"; do
		run "$W" create "$name"
		[ "$status" -eq 2 ] || fail "create '$name': exit $status, expected 2 ($output)"
		[[ $output == "ward: create: "* ]] || fail "create '$name': message '$output'"
		for verb in start stop destroy info; do
			run "$W" "$verb" "$name"
			[ "$status" -eq 2 ] || fail "$verb '$name': exit $status, expected 2 ($output)"
		done
		run "$W" exec "$name" -- /bin/true
		[ "$status" -eq 2 ] || fail "exec '$name': exit $status, expected 2 ($output)"
		run "$W" console "$name"
		[ "$status" -eq 2 ] || fail "console '$name': exit $status ($output)"
		run "$W" config get "$name" hostname
		[ "$status" -eq 2 ] || fail "config get '$name': exit $status ($output)"
		run "$W" run --rm --name "$name" -- /bin/true
		[ "$status" -eq 2 ] || fail "run --name '$name': exit $status ($output)"
	done
	assert_nothing_created
	# no directory was made outside the containers dir either
	assert_dir_not_exists "$WARD_ROOT/b"
	assert_dir_not_exists "/abs"
	assert_dir_not_exists "$WARD_ROOT/up"
}

@test "bad name messages say what is wrong" {
	run "$W" create ""
	assert_failure 2
	assert_output --regexp 'name'
	run "$W" create "Upper"
	assert_output --partial "Upper"
	run "$W" create "$(printf 'a%.0s' {1..65})"
	assert_output --regexp '64|long'
}

@test "good edge names are accepted and listed by ls" {
	for name in a "$(printf 'b%.0s' {1..64})" 0 a.b a_b a-b _u 9x.. z-; do
		run "$W" create -- "$name"
		[ "$status" -eq 0 ] || fail "create '$name': exit $status ($output)"
		run "$W" info -- "$name"
		assert_success
		run "$W" ls
		grep -q "^$name " <<<"$output" || fail "'$name' not listed by ward ls: $output"
	done
	run "$W" info a
	assert_success
	run "$W" info "$(printf 'b%.0s' {1..64})"
	assert_success
}

@test "usage errors exit 2" {
	run "$W"
	assert_failure 2
	run "$W" frobnicate
	assert_failure 2
	assert_output --partial "unknown verb"
	run "$W" create
	assert_failure 2
	run "$W" create a b
	assert_failure 2
	run "$W" create a --bogus
	assert_failure 2
	run "$W" create a --config noequals
	assert_failure 2
	run "$W" start
	assert_failure 2
	run "$W" start --autostart extra
	assert_failure 2
	run "$W" exec
	assert_failure 2
	run "$W" exec c1
	assert_failure 2
	run "$W" exec -e =x c1 -- /bin/true
	assert_failure 2
	run "$W" run --rm
	assert_failure 2
	run "$W" gc extra
	assert_failure 2
	run "$W" destroy
	assert_failure 2
	assert_nothing_created
}

@test "unknown config keys and bad values at create" {
	run "$W" create c1 --config nosuch=1
	assert_failure 2
	assert_output --partial nosuch
	run "$W" create c1 --config autostart=perhaps
	assert_failure 2
	run "$W" create c1 --class "Bad/Class"
	assert_failure 2
	run "$W" run --rm --config stop.timeout=x -- /bin/true
	assert_failure 2
	assert_nothing_created
}

@test "missing rootfs template dir" {
	run "$W" create c1 --template "dir:$BATS_TEST_TMPDIR/missing"
	assert_failure
	refute_output --partial "ward: create: failed"
	assert_output --partial missing
	assert_nothing_created
}

@test "missing container: exit 3" {
	for args in "start nosuch" "info nosuch" "restart nosuch" "exec nosuch -- /bin/true" \
		"console nosuch" "config get nosuch hostname" "config set nosuch autostart=true"; do
		# shellcheck disable=SC2086
		run "$W" $args
		[ "$status" -eq 3 ] || fail "ward $args: exit $status, expected 3 ($output)"
		[[ $output == *nosuch* ]] || fail "ward $args: message '$output' does not name it"
	done
	assert_nothing_created
	run "$W" stop nosuch
	assert_failure 3
	assert_output --partial nosuch
	run "$W" destroy nosuch
	assert_failure 3
	assert_output --partial nosuch
}

@test "creating an existing name: exit 4, the first is untouched" {
	"$W" create c1 --config hostname=first
	echo keep >"$WARD_ROOT/containers/c1/rootfs/root/keep"
	run "$W" create c1 --config hostname=second
	assert_failure 4
	assert_output --partial "already exists"
	[ "$("$W" config get c1 hostname)" = first ]
	assert_file_exists "$WARD_ROOT/containers/c1/rootfs/root/keep"
	# also while it runs
	"$W" start c1
	run "$W" create c1
	assert_failure 4
	assert_output --partial "already exists"
	[ "$(ct_state c1)" = running ]
}

@test "destroying a running container without --force: exit 4, it keeps running" {
	ct_up c1
	pid=$(ct_pid c1)
	run "$W" destroy c1
	assert_failure 4
	assert_output --partial running
	[ "$(ct_state c1)" = running ]
	[ "$(ct_pid c1)" = "$pid" ]
	[ -n "$(proc_start "$pid")" ]
	ct_cgroup_exists c1
	assert_dir_exists "$WARD_ROOT/containers/c1/rootfs"
	run "$W" exec c1 -- /bin/true
	assert_success
}

@test "a user other than root is told ward needs root: exit 5" {
	command -v setpriv >/dev/null || fail "setpriv (util-linux, installed by scripts/setup) is missing"
	cp "$W" "$BATS_TEST_TMPDIR/ward"
	chmod 755 "$BATS_TEST_TMPDIR" "$BATS_TEST_TMPDIR/ward"
	for args in "ls" "create c1" "start c1" "info c1" "run --rm -- /bin/true" "gc" "config get c1 hostname" "destroy c1"; do
		# shellcheck disable=SC2086
		run setpriv --reuid=65534 --regid=65534 --clear-groups "$BATS_TEST_TMPDIR/ward" $args
		[ "$status" -eq 5 ] || fail "ward $args as nobody: exit $status, expected 5 ($output)"
		[[ $output == *"needs root"* ]] || fail "ward $args as nobody: '$output'"
	done
	# help still works without root
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$BATS_TEST_TMPDIR/ward" ls --help
	assert_success
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$BATS_TEST_TMPDIR/ward" --version
	assert_success
	assert_nothing_created
}

@test "names starting with '.' or '-' are refused: exit 2, nothing created" {
	for name in .hidden ...x .a.b -lead --x -; do
		run "$W" create -- "$name"
		[ "$status" -eq 2 ] || fail "create '$name': exit $status, expected 2 ($output)"
		[[ $output == *"must start with a letter, digit or '_'"* ]] ||
			fail "create '$name': message '$output'"
		[[ $output == *"'$name'"* ]] || fail "create '$name': message does not name it: '$output'"
		run "$W" run --rm --name "$name" -- /bin/true
		[ "$status" -eq 2 ] || fail "run --name '$name': exit $status, expected 2 ($output)"
	done
	assert_nothing_created
}
