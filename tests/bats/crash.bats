#!/usr/bin/env bats
# kill -9 of ward in the middle of create, start, stop and destroy, and of a
# monitor: `ward gc` and `ward destroy --force` leave nothing behind.

load helpers

# Nothing of NAME is left in the kernel or the run dir.
assert_clean() {
	local left
	! ct_cgroup_exists "$1" || fail "cgroup of $1 left"
	[ ! -e "$WARD_RUN/$1" ] || fail "run dir $WARD_RUN/$1 left: $(ls -A "$WARD_RUN/$1")"
	left=$(test_pids)
	[ -z "$left" ] || fail "processes left: $left"
	! grep -qF "$WARD_ROOT" /proc/self/mountinfo || fail "mounts left"
}

# Starts `ward ARGS...` in the background and kills it with SIGKILL after
# DELAY seconds.
kill_after() {
	local delay=$1 pid
	shift
	"$W" "$@" >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	sleep 0.1 # a monitor the kill orphaned finishes what it was doing
}

@test "kill -9 of ward start at varying points, then gc and destroy --force" {
	for delay in 0 0.001 0.003 0.005 0.008 0.012 0.016 0.02 0.03 0.05; do
		"$W" create c1
		kill_after "$delay" start c1
		run "$W" gc
		assert_success
		state=$(ct_state c1)
		echo "delay $delay: $state"
		case "$state" in
		running)
			run "$W" exec c1 -- /bin/true
			assert_success
			;;
		stopped)
			! ct_cgroup_exists c1 || fail "delay $delay: stopped but its cgroup is left"
			;;
		*) fail "delay $delay: state '$state' after gc" ;;
		esac
		run "$W" destroy --force c1
		assert_success
		assert_clean c1
	done
}

@test "kill -9 of ward start, then gc, then a clean start" {
	for delay in 0.002 0.01 0.025; do
		"$W" create c1
		kill_after "$delay" start c1
		"$W" gc
		if [ "$(ct_state c1)" != running ]; then
			run "$W" start c1
			assert_success
		fi
		run "$W" exec c1 -- /bin/true
		assert_success
		"$W" destroy --force c1
		assert_clean c1
	done
}

@test "a killed monitor: ls says abandoned, gc releases everything" {
	ct_up c1
	pid=$(ct_pid c1)
	monitor=$(jget monitor_pid <"$WARD_RUN/c1/intent.json")
	[ "$monitor" -gt 1 ]
	kill -9 "$monitor"
	# no waiting for PID 1 to reap it: a zombie monitor counts as dead
	run "$W" ls
	assert_line --regexp '^c1 +abandoned '
	run "$W" info c1
	assert_line --regexp '^state: +abandoned$'
	# abandoned is not running: start and exec refuse, or start replaces it
	run "$W" gc
	assert_success
	assert_output --partial "released 1"
	run "$W" ls
	assert_line --regexp '^c1 +stopped '
	[ -z "$(proc_start "$pid")" ] || fail "init $pid survived gc"
	assert_clean c1
	# and it starts again
	run "$W" start c1
	assert_success
}

@test "a killed monitor: destroy --force releases everything" {
	ct_up c1
	pid=$(ct_pid c1)
	kill -9 "$(jget monitor_pid <"$WARD_RUN/c1/intent.json")"
	run "$W" destroy --force c1
	assert_success
	[ -z "$(proc_start "$pid")" ] || fail "init $pid survived destroy --force"
	assert_clean c1
	run "$W" info c1
	assert_failure 3
}

@test "kill -9 of ward create at varying points, then gc" {
	for delay in 0 0.002 0.005 0.01 0.02 0.04 0.06 0.1; do
		kill_after "$delay" create c1
		run "$W" gc
		assert_success
		if [ -d "$WARD_ROOT/containers/c1" ]; then
			# only a finished create survives gc, and it works
			run "$W" info c1
			assert_success
			assert_line --regexp '^state: +stopped$'
			run "$W" destroy c1
			assert_success
		fi
		assert_dir_not_exists "$WARD_ROOT/containers/c1"
		assert_clean c1
		# the name is free again
		run "$W" create c1
		assert_success
		"$W" destroy c1
	done
}

@test "gc and destroy --force remove a container directory a crashed create left before its state file" {
	# exactly what kill -9 of `ward create` leaves between its mkdir and its
	# first state save
	mkdir -p "$WARD_ROOT/containers/c1"
	run "$W" gc
	assert_success
	assert_dir_not_exists "$WARD_ROOT/containers/c1"
	run "$W" create c1
	assert_success
	"$W" destroy c1
	# destroy --force removes such a directory too
	mkdir -p "$WARD_ROOT/containers/c2"
	run "$W" destroy --force c2
	assert_success
	assert_dir_not_exists "$WARD_ROOT/containers/c2"
	run "$W" create c2
	assert_success
	# without --force it is still no container
	mkdir -p "$WARD_ROOT/containers/c3"
	run "$W" destroy c3
	assert_failure 3
	"$W" destroy --force c3
}

@test "kill -9 of ward destroy at varying points, then gc" {
	for delay in 0 0.001 0.003 0.006 0.01 0.02; do
		ct_up c1
		kill_after "$delay" destroy --force c1
		run "$W" gc
		assert_success
		if [ -d "$WARD_ROOT/containers/c1" ]; then
			state=$(ct_state c1)
			[ "$state" = running ] || [ "$state" = stopped ] || fail "delay $delay: state $state after gc"
			"$W" destroy --force c1
		fi
		assert_clean c1
		assert_dir_not_exists "$WARD_ROOT/containers/c1"
	done
}

@test "kill -9 of ward stop, then gc and destroy --force" {
	for delay in 0.005 0.02 0.3; do
		ct_up c1
		kill_after "$delay" stop c1
		run "$W" gc
		assert_success
		state=$(ct_state c1)
		[ "$state" = running ] || [ "$state" = stopped ] || fail "delay $delay: state $state after gc"
		"$W" destroy --force c1
		assert_clean c1
	done
}
