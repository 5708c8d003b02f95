#!/usr/bin/env bats
# Resource classes (ward-classes(5)): CPU shares, CPU hardmax, tiers, memory
# hardmax, pids.max, live class changes and moves, bad input, the class file
# and rules. Every figure is measured from the outside, in cgroupfs.

load helpers

# Each test removes its classes (subclasses first, rules before) so that the
# leak check of ward_teardown finds only the default class's directories.
teardown() {
	local c n h d names leaks=()

	if [ -n "${WARD_ROOT:-}" ] && [ -f "$WARD_ROOT/classes.conf" ]; then
		n=$("$W" class rule ls 2>/dev/null | wc -l)
		while [ "$n" -gt 0 ]; do
			"$W" class rule rm 1 >/dev/null 2>&1 || leaks+=("class rule rm 1 failed")
			n=$((n - 1))
		done
		names=$(class_names) || leaks+=("class ls failed: the class file is broken")
		for c in $names; do
			[ "$c" = default ] && continue
			"$W" class rm "$c" --force >/dev/null 2>&1 || leaks+=("class rm $c --force failed")
		done
		# every class directory but default's is gone
		for h in $(cg_hierarchies); do
			[ -d "$h/$WARD_CGROUP_ROOT" ] || continue
			for d in $(find "$h/$WARD_CGROUP_ROOT" -mindepth 1 -maxdepth 1 -type d ! -name default); do
				leaks+=("class cgroup $d left after class rm")
			done
		done
	fi
	ward_teardown || leaks+=("ward_teardown")
	if [ ${#leaks[@]} -gt 0 ]; then
		printf 'LEAK: %s\n' "${leaks[@]}" >&2
		return 1
	fi
}

# Class names, subclasses before their superclass.
class_names() {
	"$W" class ls --format json | python3 -c 'import json,sys
for n in sorted((c["name"] for c in json.load(sys.stdin)), key=lambda n: -n.count(".")): print(n)'
}

# cgpath CONTROLLER CLASS [CONTAINER]: directory of a class or of a
# container in it, in that v1 hierarchy.
cgpath() { echo "$CGFS/$1/$WARD_CGROUP_ROOT/${2//.//}${3:+/$3}"; }

ncpus() { getconf _NPROCESSORS_ONLN; }

# busy NAME: a CPU-bound loop inside the running container, in the background.
busy() {
	bg "$W" exec "$1" -- sh -c 'while :; do :; done'
}

# pin CLASS NAME: the container's processes on CPU 0 only.
pin() { echo 0 >"$(cgpath cpuset "$1" "$2")/cpuset.cpus"; }

# Number of processes in a container's cgroup.
nprocs() { wc -l <"$(cgpath cpuacct "$1" "$2")/cgroup.procs"; }
has_procs() { [ "$(nprocs "$1" "$2")" -ge "$3" ]; }

usage_ns() { cat "$(cgpath cpuacct "$1" "$2")/cpuacct.usage"; }

# measure SECONDS CLASS/NAME...: CPU time each container used over SECONDS,
# in per mille of one CPU, into M[]; MEASURED_MS is the wall time.
measure() {
	local secs=$1 i t0 t1 a=() b=()
	shift
	for i in "$@"; do a+=("$(usage_ns "${i%/*}" "${i#*/}")"); done
	t0=$(date +%s%N)
	sleep "$secs"
	for i in "$@"; do b+=("$(usage_ns "${i%/*}" "${i#*/}")"); done
	t1=$(date +%s%N)
	M=()
	for i in "${!a[@]}"; do M+=($(((b[i] - a[i]) * 1000 / (t1 - t0)))); done
	MEASURED_MS=$(((t1 - t0) / 1000000))
}

# A stat row (class or container) as JSON field FIELD.
stat_field() { # NAME FIELD
	"$W" stat --format json | python3 -c 'import json,sys
for r in json.load(sys.stdin):
    if r["name"] == sys.argv[1]: print(r[sys.argv[2]])' "$1" "$2"
}

@test "cpu shares 2:1 on one CPU: measured CPU time ratio 2.0 +- 0.3" {
	"$W" class create hi --cpu-shares 2
	"$W" class create lo --cpu-shares 1
	[ "$(cat "$(cgpath cpu hi)/cpu.shares")" -eq $((2 * $(cat "$(cgpath cpu lo)/cpu.shares"))) ]
	ct_up h1 --class hi
	ct_up l1 --class lo
	pin hi h1
	pin lo l1
	bh=$(nprocs hi h1) bl=$(nprocs lo l1)
	busy h1
	busy l1
	wait_for 10 has_procs hi h1 $((bh + 2))
	wait_for 10 has_procs lo l1 $((bl + 2))
	sleep 0.5
	measure 6 hi/h1 lo/l1
	h=${M[0]} l=${M[1]}
	echo "over $MEASURED_MS ms: hi ${h}‰ lo ${l}‰ of CPU 0" >&3
	[ "$l" -gt 0 ]
	ratio=$((h * 100 / l))
	echo "ratio hi:lo = $((ratio / 100)).$(printf %02d $((ratio % 100)))" >&3
	# both together fill CPU 0
	[ $((h + l)) -ge 900 ]
	[ "$ratio" -ge 170 ] && [ "$ratio" -le 230 ]
}

@test "cpu hardmax 25%: measured use at most 30% of the machine, throttling counted" {
	"$W" class create capped --cpu-hardmax 25%
	n=$(ncpus)
	run "$W" class show capped
	assert_success
	assert_line "knob             cpu.cfs_quota_us = $((25 * n * 1000)) (now $((25 * n * 1000)))"
	[ "$(cat "$(cgpath cpu capped)/cpu.cfs_quota_us")" -eq $((25 * n * 1000)) ]
	[ "$(cat "$(cgpath cpu capped)/cpu.cfs_period_us")" -eq 100000 ]
	ct_up c1 --class capped
	b=$(nprocs capped c1)
	# a loop per CPU: without the cap it would take the whole machine
	for i in $(seq "$n"); do busy c1; done
	wait_for 10 has_procs capped c1 $((b + 2 * n))
	sleep 0.5
	measure 6 capped/c1
	u=${M[0]}
	pct=$((u / n))
	echo "over $MEASURED_MS ms: $((u / 10)).$((u % 10))% of one CPU = $((pct / 10)).$((pct % 10))% of the $n-CPU machine (cap 25%)" >&3
	[ "$pct" -le 300 ]
	# the cap is what held it: it did get close to it
	[ "$pct" -ge 200 ]
	thr=$(stat_field capped cpu_throttled)
	echo "ward stat: cpu_throttled class $thr, container $(stat_field c1 cpu_throttled); cpu.stat: $(grep nr_throttled "$(cgpath cpu capped)/cpu.stat")" >&3
	[ "$thr" -gt 0 ]
}

@test "tiers: a tier-1 class gets under 5% of a CPU a busy tier-0 class shares" {
	"$W" class create fore
	"$W" class create back --tier 1
	[ "$(cat "$(cgpath cpu back)/cpu.idle")" = 1 ]
	[ "$(cat "$(cgpath cpu fore)/cpu.idle")" = 0 ]
	run "$W" class show back
	assert_output --partial 'cpu.idle = 1'
	ct_up f1 --class fore
	ct_up b1 --class back
	pin fore f1
	pin back b1
	bf=$(nprocs fore f1) bb=$(nprocs back b1)
	busy f1
	busy b1
	wait_for 10 has_procs fore f1 $((bf + 2))
	wait_for 10 has_procs back b1 $((bb + 2))
	sleep 0.5
	measure 6 fore/f1 back/b1
	f=${M[0]} b=${M[1]}
	echo "over $MEASURED_MS ms: tier 0 $((f / 10)).$((f % 10))%, tier 1 $((b / 10)).$((b % 10))% of CPU 0" >&3
	[ "$f" -gt "$b" ]
	[ "$b" -lt 50 ] || fail "tier-1 class got $((b / 10)).$((b % 10))% of CPU 0 (want < 5%)"
}

@test "memory hardmax 64M: a hog is OOM-killed inside its container only, ward stat counts it" {
	"$W" class create small --memory-hardmax 64M
	[ "$(cat "$(cgpath memory small)/memory.limit_in_bytes")" -eq $((64 << 20)) ]
	ct_up m1 --class small
	ct_up other
	pid=$(ct_pid m1)
	opid=$(ct_pid other)
	# dd's buffer of 200M is filled from /dev/zero: more than the class holds
	run "$W" exec m1 -- busybox dd if=/dev/zero of=/dev/null bs=200M count=1
	[ "$status" -eq 137 ]
	# init and the container survive, and so do the other container and the host
	[ "$(ct_state m1)" = running ]
	[ "$(ct_pid m1)" = "$pid" ]
	[ "$(ct_pid other)" = "$opid" ]
	run "$W" exec m1 -- /bin/true
	assert_success
	run "$W" exec other -- busybox dd if=/dev/zero of=/dev/null bs=100M count=1
	assert_success
	run "$W" ls
	assert_line --regexp '^m1 +running +[0-9]+ +small '
	assert_line --regexp '^other +running +[0-9]+ +default '
	oom=$(stat_field m1 oom_kills)
	hits=$(stat_field small memory_max_hits)
	echo "ward stat: m1 oom_kills $oom, small memory_max_hits $hits" >&3
	[ "$oom" -ge 1 ]
	[ "$hits" -gt 0 ]
	# the other container saw nothing
	[ "$(stat_field other oom_kills)" -eq 0 ]
}

@test "pids.max 100: a fork bomb is contained and the container still stops" {
	"$W" class create few --pids-max 100
	[ "$(cat "$(cgpath pids few)/pids.max")" = 100 ]
	ct_up p1 --class few
	bg "$W" exec p1 -- sh -c 'f() { f | f & }; f; sleep 30' 2>/dev/null
	# the bomb has met the limit once a fork was refused (v1 counts that in
	# the forking cgroup, v2 in the limiting one) or the class is nearly full
	full() {
		[ "$(cat "$(cgpath pids few)/pids.current")" -ge 95 ] ||
			[ "$(awk '/^max/ {print $2}' "$(cgpath pids few p1)/pids.events")" -gt 0 ]
	}
	wait_for 30 full
	max=0
	for i in $(seq 20); do
		cur=$(cat "$(cgpath pids few)/pids.current")
		[ "$cur" -gt "$max" ] && max=$cur
		sleep 0.1
	done
	echo "pids.current of the class peaked at $max; pids.events: class $(cat "$(cgpath pids few)/pids.events"), container $(cat "$(cgpath pids few p1)/pids.events")" >&3
	echo "ward stat pids_max_hits: class $(stat_field few pids_max_hits), container $(stat_field p1 pids_max_hits)" >&3
	[ "$max" -le 100 ]
	# the host forks as usual
	run sh -c 'for i in $(seq 50); do /bin/true || exit 1; done'
	assert_success
	# v1 counts a refused fork in the forking cgroup (pids.events is local)
	[ "$(stat_field p1 pids_max_hits)" -gt 0 ]
	run timeout 60 "$W" stop --force p1
	assert_success
	[ "$(ct_state p1)" = stopped ]
	! ct_cgroup_exists p1 few
	[ "$(cat "$(cgpath pids few)/pids.current")" -eq 0 ]
}

@test "class set applies live to a running member; class assign moves it live" {
	"$W" class create live --cpu-hardmax 50%
	"$W" class create other
	ct_up c1 --class live
	pid=$(ct_pid c1)
	n=$(ncpus)
	run "$W" class set live --cpu-hardmax 10%
	assert_success
	[ "$(cat "$(cgpath cpu live)/cpu.cfs_quota_us")" -eq $((10 * n * 1000)) ]
	run "$W" class set live --pids-max 42
	assert_success
	[ "$(cat "$(cgpath pids live)/pids.max")" = 42 ]
	run "$W" class set live --memory-hardmax 32M
	assert_success
	[ "$(cat "$(cgpath memory live)/memory.limit_in_bytes")" -eq $((32 << 20)) ]
	# unsetting takes effect too
	run "$W" class set live --pids-max none
	assert_success
	[ "$(cat "$(cgpath pids live)/pids.max")" = max ]
	# no restart
	[ "$(ct_pid c1)" = "$pid" ]
	grep -qx "$pid" "$(cgpath pids live c1)/cgroup.procs"

	# assign: init is now in other's cgroup in every hierarchy it was in
	hs=()
	for h in $(cg_hierarchies); do
		[ -d "$h/$WARD_CGROUP_ROOT/live/c1" ] && hs+=("$h")
	done
	[ ${#hs[@]} -ge 8 ]
	run "$W" class assign c1 other
	assert_success
	[ "$(ct_pid c1)" = "$pid" ]
	[ "$(ct_state c1)" = running ]
	for h in "${hs[@]}"; do
		grep -qx "$pid" "$h/$WARD_CGROUP_ROOT/other/c1/cgroup.procs" || fail "init $pid not in $h/.../other/c1"
		[ ! -d "$h/$WARD_CGROUP_ROOT/live/c1" ] || fail "$h/.../live/c1 left after assign"
	done
	run "$W" ls
	assert_line --regexp '^c1 +running +[0-9]+ +other '
	run "$W" exec c1 -- cat /proc/self/cgroup
	assert_success
	# (its cgroup namespace was rooted at live/c1 when it started)
	assert_output --partial "/other/c1"
	# config set class= is a live assign as well
	run "$W" config set c1 class=live
	assert_success
	grep -qx "$pid" "$(cgpath cpu live c1)/cgroup.procs"
	[ ! -d "$(cgpath cpu other c1)" ]
	run "$W" stop c1
	assert_success
	! ct_cgroup_exists c1 live
	! ct_cgroup_exists c1 other
}

@test "bad input is refused with a message, nothing applied" {
	"$W" class create gold --memory-hardmax 1G
	cp "$WARD_ROOT/classes.conf" "$BATS_TEST_TMPDIR/before"
	refused() { # STATUS MESSAGE-PART ARGS...
		local want=$1 msg=$2
		shift 2
		run "$W" "$@"
		[ "$status" -eq "$want" ] || fail "ward $*: exit $status, want $want: $output"
		assert_output --partial "$msg"
		cmp "$WARD_ROOT/classes.conf" "$BATS_TEST_TMPDIR/before" || fail "ward $* changed the class file"
	}
	refused 3 'no class named nosuch' create x1 --class nosuch
	[ ! -e "$WARD_ROOT/containers/x1" ]
	refused 2 'cpu.shares 0 is out of range' class create a --cpu-shares 0
	refused 2 'cpu.shares 65536 is out of range' class create a --cpu-shares 65536
	refused 2 'cpu.hardmax 101% is over 100%' class create a --cpu-hardmax 101%
	refused 2 'cpu.min 50% is above cpu.hardmax 40%' class create a --cpu-min 50% --cpu-hardmax 40%
	refused 2 'a third level' class create a.b.c
	refused 2 "unknown key 'bogus'" class create a --bogus 1
	refused 2 "gold.web: memory.hardmax 2G exceeds gold's memory.hardmax 1G" class create gold.web --memory-hardmax 2G
	refused 2 'cpu.shares 0 is out of range' class set gold --cpu-shares 0
	# a missing class is "no such class" (3) for the class verbs, per ward(1)
	refused 3 'nosuch' class rule add nosuch --name 'x*'
	refused 3 'nosuch' class set nosuch --cpu-shares 2
	refused 2 'the default class cannot be removed' class rm default
	for h in $(cg_hierarchies); do
		[ ! -e "$h/$WARD_CGROUP_ROOT/a" ] && [ ! -e "$h/$WARD_CGROUP_ROOT/gold/web" ] ||
			fail "a refused class has a cgroup in $h"
	done
	[ "$(cat "$(cgpath memory gold)/memory.limit_in_bytes")" -eq $((1 << 30)) ]
	run "$W" class rule ls
	assert_output ''
	# within its superclass's limit, the subclass is a cgroup inside gold's
	run "$W" class create gold.web --memory-hardmax 512M
	assert_success
	[ "$(cat "$(cgpath memory gold.web)/memory.limit_in_bytes")" -eq $((512 << 20)) ]
	refused_after=$(cat "$WARD_ROOT/classes.conf")
	run "$W" class set gold --memory-hardmax 256M
	[ "$status" -eq 2 ]
	assert_output --partial 'gold.web'
	[ "$(cat "$WARD_ROOT/classes.conf")" = "$refused_after" ]
	[ "$(cat "$(cgpath memory gold)/memory.limit_in_bytes")" -eq $((1 << 30)) ]
}

@test "class rm: refused with members (exit 4, members untouched); --force moves them to default live" {
	"$W" class create busy
	ct_up c1 --class busy
	"$W" create c2 --class busy
	pid=$(ct_pid c1)
	run "$W" class rm busy
	[ "$status" -eq 4 ]
	assert_output --partial 'use --force'
	[ "$(ct_state c1)" = running ]
	grep -qx "$pid" "$(cgpath cpu busy c1)/cgroup.procs"
	run "$W" class show busy
	assert_line 'member           c1'
	assert_line 'member           c2'
	run "$W" class rm busy --force
	assert_success
	[ "$(ct_pid c1)" = "$pid" ]
	for h in $(cg_hierarchies); do
		[ ! -e "$h/$WARD_CGROUP_ROOT/busy" ] || fail "class cgroup $h/.../busy left"
	done
	grep -qx "$pid" "$(cgpath cpu default c1)/cgroup.procs"
	grep -qx "$pid" "$(cgpath memory default c1)/cgroup.procs"
	run "$W" ls
	assert_line --regexp '^c1 +running +[0-9]+ +default '
	assert_line --regexp '^c2 +stopped +- +default '
	run "$W" exec c1 -- /bin/true
	assert_success
	run "$W" class show busy
	[ "$status" -eq 3 ]
}

@test "class check and class apply of a hand-edited file" {
	f="$WARD_ROOT/classes.conf"
	"$W" class create gold --cpu-shares 3
	run "$W" class check
	assert_success
	assert_output --partial ': ok'
	# a good hand-edited file: check says ok and changes nothing, apply applies
	printf '[default]\n\n[gold]\ncpu.shares = 5\npids.max = 33\n\n[silver]\ncpu.shares = 7\n' >"$f"
	run "$W" class check
	assert_success
	assert_output --partial '3 classes, 0 rules: ok'
	[ "$(cat "$(cgpath cpu gold)/cpu.shares")" -eq 3072 ]
	[ ! -e "$(cgpath cpu silver)" ]
	run "$W" class apply
	assert_success
	[ "$(cat "$(cgpath cpu gold)/cpu.shares")" -eq 5120 ]
	[ "$(cat "$(cgpath pids gold)/pids.max")" = 33 ]
	[ "$(cat "$(cgpath cpu silver)/cpu.shares")" -eq 7168 ]
	# a bad one: check names the line, apply refuses it whole
	cp "$f" "$BATS_TEST_TMPDIR/good"
	printf '[default]\n\n[gold]\ncpu.shares = 9\npids.max = 44\n\n[silver]\ncpu.shares = 0\n' >"$f"
	run "$W" class check
	[ "$status" -eq 2 ]
	assert_output --partial 'line 8'
	assert_output --partial 'cpu.shares 0'
	run "$W" class check "$BATS_TEST_TMPDIR/good"
	assert_success
	assert_output --partial ': ok'
	run "$W" class apply
	[ "$status" -eq 2 ]
	assert_output --partial 'line 8'
	[ "$(cat "$(cgpath cpu gold)/cpu.shares")" -eq 5120 ]
	[ "$(cat "$(cgpath pids gold)/pids.max")" = 33 ]
	# an unknown key is a bad line too
	printf '[default]\n[gold]\nfoo = 1\n' >"$f"
	run "$W" class check
	[ "$status" -eq 2 ]
	assert_output --partial 'line 3'
	assert_output --partial "unknown key 'foo'"
	cp "$BATS_TEST_TMPDIR/good" "$f"
	run "$W" class check
	assert_success
}

@test "rules: a rule places new containers; no match lands in default" {
	"$W" class create gold
	run "$W" class rule add gold --name 'web*'
	assert_success
	run "$W" class rule ls
	assert_output --regexp '^1 gold .*name=web\*'
	run "$W" create web9
	assert_success
	run "$W" create db1
	assert_success
	[ "$("$W" info web9 --format json | jget class)" = gold ]
	[ "$("$W" info db1 --format json | jget class)" = default ]
	# an explicit --class wins over the rules
	"$W" create web8 --class default
	[ "$("$W" info web8 --format json | jget class)" = default ]
	"$W" start web9
	grep -qx "$(ct_pid web9)" "$(cgpath cpu gold web9)/cgroup.procs"
	# a class a rule names cannot go
	run "$W" class rm gold --force
	assert_failure
	[ -d "$(cgpath cpu gold)" ]
}
