#!/usr/bin/env bats
# The per-container monitor: it notices init's end by itself, records how it
# ended and releases every kernel object within a second; stop's timeout and
# --force.

load helpers

# An init script inside the container's rootfs.
put_init() { # NAME PATH BODY
	local f="$WARD_ROOT/containers/$1/rootfs$2"
	printf '#!/bin/sh\n%s\n' "$3" >"$f"
	chmod 755 "$f"
}

# Everything of NAME released: state stopped, no cgroup, no run-dir intent.
released() {
	[ "$(ct_state "$1")" = stopped ] && ! ct_cgroup_exists "$1" &&
		[ ! -e "$WARD_RUN/$1/intent.json" ]
}

gone() { [ -z "$(proc_start "$1")" ]; }

now_ms() { echo $(($(date +%s%N) / 1000000)); }

@test "an init that exits by itself: stopped, exit code recorded, released within 1 s" {
	"$W" create c1
	put_init c1 /sbin/exit3 'sleep 0.2; exit 3'
	"$W" config set c1 init=/sbin/exit3
	run "$W" start c1
	assert_success
	pid=$(ct_pid c1)
	wait_for 1 gone "$pid"
	t0=$(now_ms)
	wait_for 1 released c1
	echo "released $(($(now_ms) - t0)) ms after init's exit"
	run "$W" info c1 --format json
	[ "$(echo "$output" | jget last_exit code)" = 3 ]
	[ "$(echo "$output" | jget last_exit signal)" = null ]
	run "$W" info c1
	assert_line --regexp '^last exit: .*code 3\b'
	# nothing is left running for it
	run "$W" ls
	assert_line --regexp '^c1 +stopped +- '
}

@test "init=/bin/true: stopped with code 0, no command needed" {
	"$W" create c1 --config init=/bin/true
	run "$W" start c1
	assert_success
	wait_for 1 released c1
	run "$W" info c1 --format json
	[ "$(echo "$output" | jget last_exit code)" = 0 ]
	# and it starts again
	"$W" config set c1 init=/bin/false
	run "$W" start c1
	assert_success
	wait_for 1 released c1
	[ "$("$W" info c1 --format json | jget last_exit code)" = 1 ]
}

@test "init killed with kill -9 from the host: signal recorded, released within 1 s" {
	ct_up c1
	pid=$(ct_pid c1)
	monitor=$(jget monitor_pid <"$WARD_RUN/c1/intent.json")
	kill -9 "$pid"
	wait_for 1 released c1
	run "$W" info c1 --format json
	[ "$(echo "$output" | jget last_exit signal)" = KILL ]
	[ "$(echo "$output" | jget last_exit code)" = null ]
	run "$W" info c1
	assert_line --regexp '^last exit: .*SIGKILL'
	# the monitor is gone too
	wait_for 1 gone "$monitor"
	# and the container starts again
	run "$W" start c1
	assert_success
	run "$W" exec c1 -- /bin/true
	assert_success
}

@test "every process of the container goes when init dies" {
	ct_up c1
	"$W" exec c1 -- /bin/sh -c 'sleep 1000 >/dev/null 2>&1 </dev/null &'
	pids=$(cat "$CGFS/pids/$(ct_cgroup c1)/cgroup.procs" 2>/dev/null || cat "$CGFS/$(ct_cgroup c1)/cgroup.procs")
	[ "$(echo "$pids" | wc -w)" -ge 2 ]
	kill -9 "$(ct_pid c1)"
	wait_for 1 released c1
	for p in $pids; do
		[ -z "$(proc_start "$p")" ] || fail "process $p survived its container"
	done
}

@test "the default stop: init obeys stop.signal and the exit is recorded" {
	ct_up c1
	pid=$(ct_pid c1)
	t0=$(now_ms)
	run "$W" stop c1
	assert_success
	el=$(($(now_ms) - t0))
	echo "stop took $el ms"
	released c1
	[ -z "$(proc_start "$pid")" ]
	[ "$el" -lt 8000 ] # busybox init halts in ~1-2 s, well before the 10 s timeout
	run "$W" info c1 --format json
	[ "$(echo "$output" | jget last_exit)" != null ]
}

@test "stop --timeout: an init ignoring the stop signal is killed after the timeout" {
	"$W" create c1 --config stop.timeout=60
	put_init c1 /sbin/stubborn 'trap "" USR2 TERM INT HUP; while :; do sleep 1; done'
	"$W" config set c1 init=/sbin/stubborn
	"$W" start c1
	pid=$(ct_pid c1)
	t0=$(now_ms)
	run "$W" stop c1 --timeout 1
	assert_success
	el=$(($(now_ms) - t0))
	echo "stop --timeout 1 took $el ms"
	[ "$el" -ge 900 ] || fail "killed after $el ms, before the timeout"
	[ "$el" -lt 3000 ] || fail "stop took $el ms"
	released c1
	[ -z "$(proc_start "$pid")" ]
	[ "$("$W" info c1 --format json | jget last_exit signal)" = KILL ]
}

@test "stop.timeout from the config applies" {
	"$W" create c1 --config stop.timeout=1 --config stop.signal=TERM
	put_init c1 /sbin/stubborn 'trap "" USR2 TERM INT HUP; while :; do sleep 1; done'
	"$W" config set c1 init=/sbin/stubborn
	"$W" start c1
	t0=$(now_ms)
	run "$W" stop c1
	assert_success
	el=$(($(now_ms) - t0))
	[ "$el" -ge 900 ]
	[ "$el" -lt 3000 ]
	released c1
}

@test "stop --force kills at once" {
	"$W" create c1 --config stop.timeout=60
	put_init c1 /sbin/stubborn 'trap "" USR2 TERM INT HUP; while :; do sleep 1; done'
	"$W" config set c1 init=/sbin/stubborn
	"$W" start c1
	t0=$(now_ms)
	run "$W" stop c1 --force
	assert_success
	el=$(($(now_ms) - t0))
	echo "stop --force took $el ms"
	[ "$el" -lt 1000 ]
	released c1
	[ "$("$W" info c1 --format json | jget last_exit signal)" = KILL ]
}

@test "stop --timeout 0 kills at once" {
	"$W" create c1
	put_init c1 /sbin/stubborn 'trap "" USR2 TERM INT HUP; while :; do sleep 1; done'
	"$W" config set c1 init=/sbin/stubborn
	"$W" start c1
	t0=$(now_ms)
	run "$W" stop c1 --timeout 0
	assert_success
	[ "$(($(now_ms) - t0))" -lt 1000 ]
	released c1
}

@test "an init that cannot be executed: start fails and leaves nothing" {
	"$W" create c1 --config init=/nonexistent
	run "$W" start c1
	assert_failure
	assert_output --partial nonexistent
	released c1
	"$W" create c2
	chmod 644 "$WARD_ROOT/containers/c2/rootfs/bin/busybox"
	run "$W" start c2
	assert_failure
	released c2
}
