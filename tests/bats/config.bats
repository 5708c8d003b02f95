#!/usr/bin/env bats
# ward config get|set|unset|keys; bad keys and values change nothing.

load helpers

# The whole config as ward shows it, to compare before and after.
config_dump() { "$W" info "$1" --format json | jget config; }

@test "config keys lists every key with its default" {
	run "$W" config keys
	assert_success
	assert_line --index 0 --regexp '^KEY +DEFAULT +MEANING'
	for k in hostname init stop.signal stop.timeout autostart class env.NAME; do
		assert_line --regexp "^$k "
	done
	assert_line --regexp '^stop.timeout +10 '
	assert_line --regexp '^autostart +false '
	run "$W" config keys extra
	assert_failure 2
}

@test "config get, set, unset" {
	"$W" create c1
	run "$W" config get c1 hostname
	assert_success
	assert_output c1 # default: the name
	run "$W" config get c1 init
	assert_output /sbin/init
	run "$W" config get c1 stop.signal
	assert_output USR2

	run "$W" config set c1 hostname=web-$$ stop.timeout=3 autostart=true env.FOO=bar stop.signal=TERM
	assert_success
	[ "$("$W" config get c1 hostname)" = "web-$$" ]
	[ "$("$W" config get c1 stop.timeout)" = 3 ]
	[ "$("$W" config get c1 autostart)" = true ]
	[ "$("$W" config get c1 env.FOO)" = bar ]
	[ "$("$W" config get c1 stop.signal)" = TERM ]
	run "$W" info c1
	assert_line --regexp "^hostname: +web-$$"

	run "$W" config unset c1 hostname env.FOO
	assert_success
	[ "$("$W" config get c1 hostname)" = c1 ]
	run "$W" config get c1 env.FOO
	assert_success
	assert_output ""

	# values with '=' and spaces survive
	run "$W" config set c1 "env.OPTS=a=b c d"
	assert_success
	[ "$("$W" config get c1 env.OPTS)" = "a=b c d" ]
	# the persistent config is a file people may edit: it is INI-like text
	run grep -r "a=b c d" "$WARD_ROOT/containers/c1"
	assert_success
}

@test "config of a missing container" {
	run "$W" config get nosuch hostname
	assert_failure 3
	run "$W" config set nosuch hostname=x
	assert_failure 3
	run "$W" config unset nosuch hostname
	assert_failure 3
	assert_dir_not_exists "$WARD_ROOT/containers/nosuch"
}

@test "unknown keys are refused and change nothing" {
	"$W" create c1
	before=$(config_dump c1)
	for k in nosuch Hostname env. env.1X env.A-B "" stop; do
		run "$W" config set c1 "$k=1"
		assert_failure 2
		assert_output --partial "ward: "
		run "$W" config get c1 "$k"
		assert_failure 2
	done
	run "$W" config set c1 nosuch=1
	assert_output --partial "unknown config key 'nosuch'"
	run "$W" config unset c1 nosuch
	assert_failure 2
	run "$W" create c2 --config nosuch=1
	assert_failure 2
	assert_dir_not_exists "$WARD_ROOT/containers/c2"
	[ "$(config_dump c1)" = "$before" ]
}

@test "bad values are refused and change nothing" {
	"$W" create c1
	before=$(config_dump c1)
	bad=(
		hostname= "hostname=-lead" "hostname=.dot" "hostname=has space" "hostname=under_score"
		"hostname=$(printf 'a%.0s' {1..64})"
		init=relative/init init= stop.signal=NOSUCH stop.signal=KILL stop.signal=STOP stop.signal=0 stop.signal=999
		stop.timeout=-1 stop.timeout=3601 stop.timeout=abc stop.timeout= stop.timeout=1.5 stop.timeout=+3
		autostart=yes autostart=1 autostart=
		class=Bad class=a/b class=.. class=
		"env.X=$(printf 'two\nlines')"
	)
	for kv in "${bad[@]}"; do
		run "$W" config set c1 "$kv"
		[ "$status" -eq 2 ] || fail "config set '$kv': exit $status, expected 2 ($output)"
		[ -n "$output" ] || fail "config set '$kv': no message"
	done
	run "$W" config set c1 stop.timeout=-1
	assert_output --partial "stop.timeout"
	# one bad pair among good ones: none is written
	run "$W" config set c1 hostname=fine autostart=maybe
	assert_failure 2
	[ "$(config_dump c1)" = "$before" ]
	# not KEY=VALUE at all
	run "$W" config set c1 hostname
	assert_failure 2
	[ "$(config_dump c1)" = "$before" ]
	# the same checks at create
	run "$W" create c2 --config stop.timeout=99999
	assert_failure 2
	assert_dir_not_exists "$WARD_ROOT/containers/c2"
}

@test "edge values are accepted" {
	"$W" create c1
	"$W" class create web
	run "$W" config set c1 stop.timeout=0 stop.signal=15 "hostname=$(printf 'a%.0s' {1..63})" init=/bin/sh
	assert_success
	run "$W" config set c1 stop.timeout=3600 stop.signal=SIGUSR1 autostart=false class=web
	assert_success
	# a class must exist: nothing changes otherwise
	run "$W" config set c1 class=nosuch
	assert_failure 3
	assert_output --partial "no class named nosuch"
	[ "$("$W" config get c1 class)" = web ]
}

@test "config usage errors" {
	run "$W" config
	assert_failure 2
	run "$W" config frob c1 x
	assert_failure 2
	run "$W" config get c1
	assert_failure 2
	run "$W" config get BAD hostname
	assert_failure 2
}

@test "env.NAME reaches init" {
	run "$W" run --rm --config env.GREETING=hello-$$ --config env.OTHER=2 -- /bin/sh -c 'echo "$GREETING $OTHER"'
	assert_success
	assert_output "hello-$$ 2"
	# run keeps a container when not --rm; its env is in its config
	run "$W" run --name c2 --config env.X=y -- /bin/sh -c 'echo $X'
	assert_output y
	[ "$("$W" config get c2 env.X)" = y ]
	# set on a container, seen by its init
	"$W" create c1
	"$W" config set c1 env.FROMCFG=cfg-$$
	"$W" start c1
	run "$W" exec c1 -- /bin/sh -c 'tr "\0" "\n" < /proc/1/environ'
	assert_success
	assert_line "FROMCFG=cfg-$$"
}

@test "hostname set in config is what the container sees" {
	"$W" create c1 --config hostname=h-$$
	"$W" start c1
	run "$W" exec c1 -- /bin/hostname
	assert_output "h-$$"
	run "$W" exec c1 -- /bin/cat /etc/hostname
	assert_output "h-$$"
}

@test "a running container's config can change; it applies at the next start" {
	ct_up c1
	run "$W" config set c1 hostname=next-$$
	assert_success
	run "$W" exec c1 -- /bin/hostname
	assert_output c1
	"$W" stop c1 --force
	"$W" start c1
	run "$W" exec c1 -- /bin/hostname
	assert_output "next-$$"
}

@test "class places the container in its cgroup class" {
	"$W" class create web
	"$W" create c1 --class web
	[ "$("$W" config get c1 class)" = web ]
	"$W" start c1
	run "$W" ls
	assert_line --regexp '^c1 +running +[0-9]+ +web '
	ct_cgroup_exists c1 web
	run ct_cgroup_exists c1 default
	assert_failure
}
