#!/usr/bin/env bats
# ward start --autostart boots exactly the containers marked autostart=true.

load helpers

@test "start --autostart starts autostart=true containers only" {
	"$W" create a1 --config autostart=true
	"$W" create a2
	"$W" config set a2 autostart=true
	"$W" create n1
	"$W" create n2 --config autostart=false
	run "$W" start --autostart
	assert_success
	[ "$(ct_state a1)" = running ]
	[ "$(ct_state a2)" = running ]
	[ "$(ct_state n1)" = stopped ]
	[ "$(ct_state n2)" = stopped ]
	run "$W" exec a1 -- /bin/true
	assert_success
	# again: the running ones are left alone, not an error
	pid=$(ct_pid a1)
	run "$W" start --autostart
	assert_success
	[ "$(ct_pid a1)" = "$pid" ]
	[ "$(ct_state n1)" = stopped ]
}

@test "start --autostart with nothing to start" {
	run "$W" start --autostart
	assert_success
	"$W" create n1
	run "$W" start --autostart
	assert_success
	[ "$(ct_state n1)" = stopped ]
}

@test "unset autostart: no longer started" {
	"$W" create a1 --config autostart=true
	"$W" config unset a1 autostart
	run "$W" start --autostart
	assert_success
	[ "$(ct_state a1)" = stopped ]
}

@test "a run --rm container in flight is not autostarted" {
	"$W" run --rm --name eph --config autostart=true -- /bin/sleep 1 &
	BG_PIDS="$BG_PIDS $!"
	wait_for 2 ct_cgroup_exists eph
	run "$W" start --autostart
	assert_success
	wait
	BG_PIDS=
	run "$W" info eph
	assert_failure 3
}
