# tap.sh: the TAP helpers every VM suite uses; run-vm ships it as /vm/tap.sh.
failures=0

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; failures=$((failures + 1)); }
check() { desc=$1; shift; if "$@"; then ok "$desc"; else not_ok "$desc"; fi; }
# Every ward command is bounded so a hang fails the test instead of the VM timeout.
w() { timeout 60 ward "$@"; }
# wait_for SECONDS CMD...: poll CMD every 0.1 s.
wait_for() {
	n=$(($1 * 10)); shift
	while ! "$@"; do
		n=$((n - 1)); [ $n -gt 0 ] || return 1
		sleep 0.1
	done
}
