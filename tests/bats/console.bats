#!/usr/bin/env bats
# ward console: stdin to the console, output back; refused when stopped.

load helpers

@test "console without a terminal: input goes to the console, output comes back" {
	ct_up c1
	# busybox init asks for Enter first; the marker is computed inside, so
	# the echo of the typed line does not contain it
	run bash -c "printf '\necho hi-\$((6*7))-$$\n' | '$W' console c1"
	assert_success
	assert_output --partial "hi-42-$$"
	# the container still runs after the console ends
	[ "$(ct_state c1)" = running ]
	# and a second console attaches again
	run bash -c "printf 'echo again-\$((2+3))\n' | '$W' console c1"
	assert_success
	assert_output --partial "again-5"
}

@test "console of a stopped or missing container is refused" {
	"$W" create c1
	run "$W" console c1
	assert_failure 4
	assert_output --partial "not running"
	run "$W" console nosuch
	assert_failure 3
	run "$W" console
	assert_failure 2
}

@test "console on a real terminal: Ctrl-] detaches" {
	command -v script >/dev/null || fail "script (util-linux, installed by scripts/setup) is missing"
	ct_up c1
	# script gives ward a pty; input: Enter, a command, then Ctrl-] (0x1d)
	run timeout 10 script -qec "'$W' console c1" /dev/null < <(
		sleep 0.3
		printf '\r'
		sleep 0.3
		printf 'echo tty-$((7*6))\r'
		sleep 0.5
		printf '\035'
		sleep 0.5
	)
	[ "$status" -ne 124 ] || fail "console did not detach on Ctrl-]: $output"
	assert_output --partial "tty-42"
	assert_output --partial "Ctrl-]"
	[ "$(ct_state c1)" = running ]
}

@test "only one console at a time" {
	ct_up c1
	( sleep 1 | "$W" console c1 >/dev/null 2>&1 ) &
	sleep 0.5
	run "$W" console c1 </dev/null
	wait
	assert_failure
	assert_output --partial "already attached"
}
