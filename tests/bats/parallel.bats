#!/usr/bin/env bats
# One flock per container: of 20 simultaneous starts exactly one wins.

load helpers

# Runs N copies of `ward ARGS...` at once: each waits for a shared flock on
# a file the test holds exclusively, then all are released together. Each
# writes its exit status and stderr to $OUT/<i>.rc / <i>.err.
race() {
	local n=$1 i fd
	shift
	OUT="$BATS_TEST_TMPDIR/race"
	rm -rf "$OUT"
	mkdir -p "$OUT"
	exec {fd}>"$OUT/go"
	flock -x "$fd"
	for i in $(seq 1 "$n"); do
		(
			exec {fd}>&- # the lock stays the parent's alone
			flock -s "$OUT/go" true
			rc=0
			"$W" "$@" >"$OUT/$i.out" 2>"$OUT/$i.err" || rc=$?
			echo "$rc" >"$OUT/$i.rc"
		) &
		BG_PIDS="${BG_PIDS:-} $!"
	done
	sleep 0.3 # every copy is queued on the lock
	exec {fd}>&-
	wait
	BG_PIDS=
}

count_rc() { grep -lx "$1" "$OUT"/*.rc 2>/dev/null | wc -l; }

@test "20 parallel starts: exactly one wins, 19 say it is running" {
	"$W" create c1
	race 20 start c1
	[ "$(ls "$OUT"/*.rc | wc -l)" -eq 20 ]
	echo "exit codes: $(cat "$OUT"/*.rc | sort | uniq -c | tr '\n' ' ')"
	[ "$(count_rc 0)" -eq 1 ] || fail "$(count_rc 0) starts succeeded"
	[ "$(count_rc 4)" -eq 19 ] || fail "$(count_rc 4) starts said exit 4: $(cat "$OUT"/*.err)"
	for f in "$OUT"/*.rc; do
		[ "$(cat "$f")" = 4 ] || continue
		grep -q "already running" "${f%.rc}.err" || fail "$(cat "${f%.rc}.err")"
	done
	[ "$(ct_state c1)" = running ]
	# exactly one init: one process in the cgroup whose parent is outside it
	procs=$(cat "$CGFS/pids/$(ct_cgroup c1)/cgroup.procs" 2>/dev/null || cat "$CGFS/$(ct_cgroup c1)/cgroup.procs")
	roots=0
	for p in $procs; do
		pp=$(awk '{print $4}' "/proc/$p/stat" 2>/dev/null) || continue
		grep -qx "$pp" <<<"$procs" || roots=$((roots + 1))
	done
	[ "$roots" -eq 1 ] || fail "$roots process trees in the cgroup"
	run "$W" exec c1 -- /bin/true
	assert_success
}

@test "parallel starts of different containers all succeed" {
	for i in $(seq 1 8); do "$W" create "p$i"; done
	OUT="$BATS_TEST_TMPDIR/many"
	mkdir -p "$OUT"
	for i in $(seq 1 8); do
		( rc=0; "$W" start "p$i" 2>"$OUT/$i.err" || rc=$?; echo $rc >"$OUT/$i.rc" ) &
	done
	wait
	[ "$(cat "$OUT"/*.rc | sort -u)" = 0 ] || fail "$(cat "$OUT"/*.err)"
	for i in $(seq 1 8); do
		[ "$(ct_state "p$i")" = running ]
	done
}

@test "parallel creates of one name: exactly one wins" {
	race 10 create c1
	[ "$(count_rc 0)" -eq 1 ] || fail "$(count_rc 0) creates succeeded: $(cat "$OUT"/*.err)"
	[ "$(ls "$WARD_ROOT/containers")" = c1 ]
	run "$W" info c1
	assert_line --regexp '^state: +stopped$'
}

@test "parallel stops and destroys of one container" {
	ct_up c1
	race 6 destroy --force c1
	[ "$(count_rc 0)" -ge 1 ] || fail "no destroy succeeded: $(cat "$OUT"/*.err)"
	# the rest saw no such container (3), or lost the error (1: see helpers)
	for f in "$OUT"/*.rc; do
		case "$(cat "$f")" in 0 | 1 | 3) ;; *) fail "destroy exit $(cat "$f"): $(cat "${f%.rc}.err")" ;; esac
	done
	run "$W" info c1
	assert_failure 3
}
