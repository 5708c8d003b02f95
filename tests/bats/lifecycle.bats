#!/usr/bin/env bats
# create, start, exec, stop, restart, destroy; ls and info; exec semantics.

load helpers

@test "version, help and verb help" {
	run "$W" --version
	assert_success
	assert_output --regexp '^ward [0-9]'
	run "$W" help
	assert_success
	for verb in create start stop restart exec console ls info config run destroy gc; do
		assert_output --partial "$verb"
		run "$W" "$verb" --help
		assert_success
		assert_output --partial "usage: ward"
		run "$W" help
	done
}

@test "create, start, exec, stop, restart, destroy" {
	run "$W" create c1
	assert_success
	[ "$(ct_state c1)" = stopped ]
	assert_dir_exists "$WARD_ROOT/containers/c1/rootfs"
	run ! ct_cgroup_exists c1

	run "$W" start c1
	assert_success
	[ "$(ct_state c1)" = running ]
	pid=$(ct_pid c1)
	[ "$pid" -gt 1 ]
	kill -0 "$pid"
	ct_cgroup_exists c1
	# init's host pid sits in the container's cgroup in every hierarchy
	for h in $(cg_hierarchies); do
		grep -qx "$pid" "$h/$(ct_cgroup c1)/cgroup.procs"
	done

	run "$W" exec c1 -- /bin/echo hello
	assert_success
	assert_output hello

	run "$W" stop c1
	assert_success
	[ "$(ct_state c1)" = stopped ]
	[ -z "$(proc_start "$pid")" ]
	run ! ct_cgroup_exists c1

	run "$W" restart c1 # restart of a stopped container starts it
	assert_success
	[ "$(ct_state c1)" = running ]
	pid1=$(ct_pid c1)
	run "$W" restart c1 --force
	assert_success
	[ "$(ct_state c1)" = running ]
	pid2=$(ct_pid c1)
	[ "$pid1" != "$pid2" ]
	run "$W" exec c1 -- /bin/true
	assert_success

	run "$W" stop c1 --force
	assert_success
	run "$W" destroy c1
	assert_success
	assert_dir_not_exists "$WARD_ROOT/containers/c1"
	run "$W" info c1
	assert_failure 3
	assert_output --partial "c1"
}

@test "ls and info: table and json" {
	"$W" create a1
	ct_up b1
	run "$W" ls
	assert_success
	assert_line --index 0 --regexp '^NAME +STATE +PID +CLASS +IPV4'
	assert_line --regexp '^a1 +stopped +- +default +-'
	assert_line --regexp "^b1 +running +$(ct_pid b1) +default +-"

	run "$W" ls --format json
	assert_success
	echo "$output" | json_ok
	[ "$(echo "$output" | jget '#')" = 2 ]
	[ "$(echo "$output" | jget 0 name)" = a1 ]
	[ "$(echo "$output" | jget 0 state)" = stopped ]
	[ "$(echo "$output" | jget 0 pid)" = null ]
	[ "$(echo "$output" | jget 1 name)" = b1 ]
	[ "$(echo "$output" | jget 1 state)" = running ]
	[ "$(echo "$output" | jget 1 class)" = default ]

	run "$W" info b1
	assert_success
	assert_line --regexp '^name: +b1$'
	assert_line --regexp '^state: +running$'
	assert_line --regexp "^pid: +$(ct_pid b1)$"
	assert_line --regexp '^hostname: +b1$'
	assert_line --regexp '^template: +busybox$'

	run "$W" info b1 --format json
	assert_success
	echo "$output" | json_ok
	[ "$(echo "$output" | jget name)" = b1 ]
	[ "$(echo "$output" | jget hostname)" = b1 ]
	[ "$(echo "$output" | jget template)" = busybox ]
	[ "$(echo "$output" | jget config stop.signal)" = USR2 ]
	[ "$(echo "$output" | jget config init)" = /sbin/init ]

	run "$W" ls --format yaml
	assert_failure 2
	run "$W" ls --format json extra
	assert_failure 2
	run "$W" info nosuch
	assert_failure 3
	run "$W" info nosuch --format json
	assert_failure 3
}

@test "ls of an empty root is a header only; json is []" {
	run "$W" ls
	assert_success
	assert_output --regexp '^NAME +STATE'
	[ "${#lines[@]}" -eq 1 ]
	run "$W" ls --format json
	assert_success
	[ "$(echo "$output" | tr -d ' \n')" = "[]" ]
}

@test "exec: exit status, signals, stdin, env, not found" {
	ct_up c1
	run "$W" exec c1 -- /bin/sh -c 'exit 7'
	assert_failure 7
	run "$W" exec c1 -- /bin/sh -c 'exit 0'
	assert_success
	run "$W" exec c1 -- /bin/sh -c 'kill -9 $$'
	assert_failure 137
	run -127 "$W" exec c1 -- /nonexistent
	run "$W" exec -e FOO=bar-$$ c1 -- /bin/sh -c 'echo "$FOO"'
	assert_success
	assert_output "bar-$$"
	run bash -c "echo piped-$$ | '$W' exec c1 -- /bin/cat"
	assert_success
	assert_output "piped-$$"
	# stderr of the command comes back on ward's stderr
	run bash -c "'$W' exec c1 -- /bin/sh -c 'echo err >&2' 2>&1 >/dev/null"
	assert_output err
	run "$W" exec nosuch -- /bin/true
	assert_failure 3
}

@test "exec runs inside the container: its pid namespace and cgroup" {
	ct_up c1
	run "$W" exec c1 -- /bin/sh -c 'echo $$'
	assert_success
	[ "$output" -gt 1 ]
	[ "$output" -lt 100 ]
	run "$W" exec c1 -- /bin/cat /proc/1/cmdline
	assert_output --partial init
	run "$W" exec c1 -- /bin/cat /proc/self/cgroup
	assert_success
	# a cgroup-namespaced view: no host path of ours is visible
	refute_output --partial "$WARD_CGROUP_ROOT/default/c1/"
	# and from the host, the exec'd process is in the container's cgroup
	"$W" exec c1 -- /bin/sleep 5 &
	BG_PIDS="$BG_PIDS $!"
	wait_for 3 bash -c "[ \$(grep -c . '$CGFS/pids/$(ct_cgroup c1)/cgroup.procs' 2>/dev/null || grep -c . '$CGFS/$(ct_cgroup c1)/cgroup.procs') -ge 2 ]"
}

@test "exec holds only fds 0-2" {
	ct_up c1
	# ls opens /proc/self/fd itself: that directory is its fd 3, nothing else.
	# Extra fds open in the caller must not leak in.
	run "$W" exec c1 -- /bin/ls /proc/self/fd 5</etc/hostname 7>/dev/null
	assert_success
	[ "$(echo $output)" = "0 1 2 3" ]
	# probing fd numbers opens no directory (a glob or ls would): 0-2 only
	run "$W" exec c1 -- /bin/sh -c 'n=0; while [ $n -lt 256 ]; do [ -e /proc/$$/fd/$n ] && echo $n; n=$((n+1)); done' 5</etc/hostname 9</etc/hostname
	assert_success
	[ "$(echo $output)" = "0 1 2" ]
}

@test "exec -t allocates a terminal" {
	ct_up c1
	run "$W" exec c1 -- /bin/sh -c 'test -t 0 && echo tty || echo notty'
	assert_output notty
	run script -qec "'$W' exec -t c1 -- /bin/sh -c 'test -t 0 && tty'" /dev/null
	assert_success
	assert_output --regexp '/dev/pts/[0-9]+'
}

@test "exec of a stopped container is refused" {
	"$W" create c1
	run "$W" exec c1 -- /bin/true
	assert_failure 4
	assert_output --partial "not running"
	run ! ct_cgroup_exists c1
}

@test "start of a running container, stop of a stopped one" {
	ct_up c1
	run "$W" start c1
	assert_failure 4
	assert_output --partial "already running"
	"$W" stop c1 --force
	run "$W" stop c1
	assert_failure 4
	assert_output --partial "not running"
}

@test "stop --timeout is validated" {
	"$W" create c1
	run "$W" stop c1 --timeout -1
	assert_failure 2
	run "$W" stop c1 --timeout 3601
	assert_failure 2
	run "$W" stop c1 --timeout abc
	assert_failure 2
}

@test "several names to start" {
	"$W" create c1
	"$W" create c2
	run "$W" start c1 c2
	assert_success
	[ "$(ct_state c1)" = running ]
	[ "$(ct_state c2)" = running ]
}
