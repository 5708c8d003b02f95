#!/usr/bin/env bats
# ward run: create + start + wait (+ destroy with --rm); the command's status.

load helpers

@test "run --rm -- /bin/true: exit 0, nothing left" {
	run "$W" run --rm -- /bin/true
	assert_success
	run "$W" ls
	[ "${#lines[@]}" -eq 1 ]
	[ -z "$(ls -A "$WARD_ROOT/containers")" ]
	[ -z "$(ls -A "$WARD_RUN")" ]
}

@test "run --rm: the command's exit status and signal" {
	run "$W" run --rm -- /bin/sh -c 'exit 7'
	assert_failure 7
	run "$W" run --rm -- /bin/false
	assert_failure 1
	# (a signal cannot show here: PID 1 ignores even SIGKILL from its own namespace)
	run "$W" run --rm -- /bin/sh -c 'exit 124'
	assert_failure 124
	[ -z "$(ls -A "$WARD_ROOT/containers")" ]
}

@test "run: stdio is ward's; the command is PID 1 in a fresh container" {
	run bash -c "echo in-$$ | '$W' run --rm -- /bin/sh -c 'read x; echo \"got \$x pid \$\$\"; echo err >&2'"
	assert_success
	assert_line "got in-$$ pid 1"
	assert_line err
	run "$W" run --rm --name r1 -- /bin/hostname
	assert_output r1
	run "$W" run --rm --config hostname=rh-$$ -- /bin/cat /etc/hostname
	assert_output "rh-$$"
}

@test "run of a missing command: 127, nothing left" {
	run "$W" run --rm -- /no/such/command
	assert_failure 127
	assert_output --partial /no/such/command
	[ -z "$(ls -A "$WARD_ROOT/containers")" ]
	[ -z "$(ls -A "$WARD_RUN")" ]
}

@test "run of a command that is not executable: 126, nothing left" {
	run "$W" run --rm -- /etc/inittab
	assert_failure 126
	assert_output --partial /etc/inittab
	[ -z "$(ls -A "$WARD_ROOT/containers")" ]
	[ -z "$(ls -A "$WARD_RUN")" ]
	run "$W" run --rm -- /etc
	assert_failure 126
	[ -z "$(ls -A "$WARD_ROOT/containers")" ]
}

@test "run without --rm leaves a stopped container with its exit recorded" {
	run "$W" run --name keep -- /bin/sh -c 'exit 5'
	assert_failure 5
	run "$W" info keep --format json
	assert_success
	[ "$(echo "$output" | jget state)" = stopped ]
	[ "$(echo "$output" | jget last_exit code)" = 5 ]
	run ct_cgroup_exists keep
	assert_failure
	# it is an ordinary container now: it boots its init
	run "$W" start keep
	assert_success
	run "$W" exec keep -- /bin/true
	assert_success
}

@test "run with an existing name is refused and leaves it alone" {
	"$W" create c1
	run "$W" run --rm --name c1 -- /bin/true
	[ "$status" -eq 4 ] || [ "$status" -eq 125 ] || fail "exit $status ($output)"
	assert_output --partial exists
	run "$W" info c1
	assert_success
}

@test "run: a long-running command is in its own cgroup while it runs" {
	"$W" run --rm --name r1 -- /bin/sleep 2 &
	BG_PIDS="$BG_PIDS $!"
	wait_for 2 ct_cgroup_exists r1
	state_is() { [ "$(ct_state "$1")" = "$2" ]; }
	wait_for 1 state_is r1 running
	run "$W" ls
	assert_line --regexp '^r1 +running '
	wait
	BG_PIDS=
	run ct_cgroup_exists r1
	assert_failure
}
