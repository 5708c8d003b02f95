# Common setup and the leak check for every ward bats suite.
#
# Each test gets its own WARD_ROOT, WARD_RUN and WARD_CGROUP_ROOT, so suites
# can run side by side and never touch host objects they did not create.
# ward_teardown (called from every test's teardown) destroys whatever the test
# created, runs `ward gc`, then fails the test if anything is left: cgroup
# directories in any hierarchy, mounts, processes inside the rootfs, monitors,
# or entries in the run dir.

bats_require_minimum_version 1.5.0

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'
load '/usr/lib/bats/bats-file/load'

W="${WARD_BIN:-$BATS_TEST_DIRNAME/../../build/cmd/ward/ward}"
CGFS=/sys/fs/cgroup

# JSON validation: jq if installed, else python3.
json_ok() {
	if command -v jq >/dev/null; then
		jq -e . >/dev/null
	else
		python3 -m json.tool >/dev/null
	fi
}

# jget KEY...: reads JSON on stdin, prints the value at that path (list
# indexes are numbers; "length" of the last value with #); null if absent.
jget() {
	python3 -c 'import json,sys
v=json.load(sys.stdin)
for k in sys.argv[1:]:
    if k == "#": v=len(v); break
    if isinstance(v,list): v=v[int(k)] if int(k) < len(v) else None
    elif isinstance(v,dict): v=v.get(k)
    else: v=None
print("null" if v is None else v)' "$@"
}

ward_setup() {
	SUITE=$(basename "$BATS_TEST_FILENAME" .bats)
	export WARD_CGROUP_ROOT="ward-bats-$$-$SUITE-$BATS_TEST_NUMBER"
	export WARD_ROOT="$BATS_TEST_TMPDIR/root"
	# short: the monitor's unix socket lives under it (108-byte limit)
	WB_TMP="/tmp/wb-$$-$BATS_TEST_NUMBER"
	export WARD_RUN="$WB_TMP/run"
	mkdir -p "$WARD_ROOT" "$WARD_RUN"
	wait_for 30 test -x "$W" || fail "ward binary not found at $W (set WARD_BIN)"
	[ "$(id -u)" -eq 0 ] || skip "integration tests run as root"
}

# Hierarchy mount points of this host: v1 controllers, named v1, and v2.
cg_hierarchies() {
	if [ "$(stat -f -c %T "$CGFS")" = cgroup2fs ]; then
		echo "$CGFS"
		return
	fi
	local d
	for d in "$CGFS"/*/; do
		d=${d%/}
		[ -L "$d" ] && continue
		case "$(stat -f -c %T "$d" 2>/dev/null)" in
		cgroupfs | cgroup2fs) echo "$d" ;;
		esac
	done
}

# Cgroup path (relative to a hierarchy root) of a container in class default.
ct_cgroup() { echo "$WARD_CGROUP_ROOT/${2:-default}/$1"; }

# Does the container's cgroup exist in any hierarchy?
ct_cgroup_exists() {
	local h
	for h in $(cg_hierarchies); do
		[ -d "$h/$(ct_cgroup "$@")" ] && return 0
	done
	return 1
}

# Processes started for this test: environment holds our WARD_ROOT (ward
# commands, monitors) or root/cwd inside WARD_ROOT (container processes).
# The /proc list is taken before grep and find run, so they never see
# themselves (they carry the variable too).
test_pids() {
	local envs=(/proc/[0-9]*/environ)
	(
		cd /
		find /proc -mindepth 2 -maxdepth 2 \( -name root -o -name cwd \) \
			\( -lname "$WARD_ROOT/*" -o -lname "$WARD_ROOT" \) 2>/dev/null
		grep -lzxF -- "WARD_ROOT=$WARD_ROOT" "${envs[@]}" 2>/dev/null
	) | cut -d/ -f3 | sort -u | grep -vx -e $$ -e "$BASHPID" || true
}

# Monitor pids named by intent records, with their start time (pid:start).
intent_monitors() {
	local f pid start
	for f in "$WARD_RUN"/*/intent.json; do
		[ -f "$f" ] || continue
		pid=$(jget monitor_pid <"$f" 2>/dev/null) || continue
		start=$(jget monitor_start <"$f" 2>/dev/null) || continue
		[ "$pid" -gt 0 ] 2>/dev/null && echo "$pid:$start"
	done
}

# Start time (field 22 of /proc/PID/stat) of a live process; nothing for a
# zombie (this host's PID 1 may reap orphans late).
proc_start() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	s=${s##*) }
	set -- $s
	[ "$1" != Z ] && echo "${20}"
}

ward_teardown() {
	local leaks=() monitors m pid n h d

	[ -n "${WARD_ROOT:-}" ] || return 0
	cd /
	# a rebuild may be replacing the binary right now: wait for it, the
	# cleanup below needs it
	wait_for 30 test -x "$W" || leaks+=("ward binary $W missing at teardown")
	monitors=$(intent_monitors)
	# background jobs a test left (console, parallel starts) end first
	for pid in ${BG_PIDS:-}; do
		kill -9 "$pid" 2>/dev/null || true
	done
	wait 2>/dev/null || true

	# every entry, dot names too (ward ls hides them)
	for n in $(ls -A "$WARD_ROOT/containers" 2>/dev/null); do
		"$W" destroy --force -- "$n" >/dev/null 2>&1 || leaks+=("destroy --force $n failed")
	done
	"$W" gc >/dev/null 2>&1 || leaks+=("ward gc failed")

	# monitors named in intent records must be gone
	for m in $monitors; do
		pid=${m%%:*}
		if [ "$(proc_start "$pid")" = "${m#*:}" ]; then
			leaks+=("monitor $pid still running")
			kill -9 "$pid" 2>/dev/null || true
		fi
	done
	# processes of this test (never anything else)
	for pid in $(test_pids); do
		leaks+=("process $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)) left")
		kill -9 "$pid" 2>/dev/null || true
	done

	# mounts under our roots
	if grep -qF -e "$WARD_ROOT" -e "$WARD_RUN" /proc/self/mountinfo; then
		leaks+=("mounts left: $(grep -F -e "$WARD_ROOT" -e "$WARD_RUN" /proc/self/mountinfo | awk '{print $5}' | tr '\n' ' ')")
		grep -F -e "$WARD_ROOT" -e "$WARD_RUN" /proc/self/mountinfo | awk '{print $5}' | sort -r |
			while read -r d; do umount -l "$d" 2>/dev/null; done
	fi

	# cgroups: nothing at container level, and the class and root dirs go
	for h in $(cg_hierarchies); do
		[ -d "$h/$WARD_CGROUP_ROOT" ] || continue
		for d in $(find "$h/$WARD_CGROUP_ROOT" -mindepth 2 -maxdepth 2 -type d); do
			leaks+=("cgroup $d left")
			# release it: kill what is in it (ours: it is under our cgroup root)
			for pid in $(find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null); do
				kill -9 "$pid" 2>/dev/null || true
			done
			sleep 0.2
		done
		for d in $(find "$h/$WARD_CGROUP_ROOT" -mindepth 1 -depth -type d); do
			rmdir "$d" 2>/dev/null || leaks+=("cannot rmdir $d: $(rmdir "$d" 2>&1)")
		done
		rmdir "$h/$WARD_CGROUP_ROOT" 2>/dev/null ||
			leaks+=("cannot rmdir $h/$WARD_CGROUP_ROOT: $(rmdir "$h/$WARD_CGROUP_ROOT" 2>&1)")
	done
	if [ -n "$(find "$CGFS" -maxdepth 2 -name "$WARD_CGROUP_ROOT" 2>/dev/null)" ]; then
		leaks+=("cgroup root $WARD_CGROUP_ROOT still present")
	fi

	# the run dir holds no container entry, the root no container
	if [ -d "$WARD_RUN" ] && [ -n "$(ls -A "$WARD_RUN")" ]; then
		leaks+=("run dir entries left: $(ls -A "$WARD_RUN" | tr '\n' ' ')")
	fi
	if [ -d "$WARD_ROOT/containers" ] && [ -n "$(ls -A "$WARD_ROOT/containers")" ]; then
		leaks+=("containers left: $(ls -A "$WARD_ROOT/containers" | tr '\n' ' ')")
	fi
	rm -rf "$WB_TMP"

	if [ ${#leaks[@]} -gt 0 ]; then
		printf 'LEAK: %s\n' "${leaks[@]}" >&2
		return 1
	fi
}

setup() { ward_setup; }
teardown() { ward_teardown; }

# ---- helpers for tests ---------------------------------------------------

# Init pid of a running container, from `ward info --format json`.
ct_pid() { "$W" info "$1" --format json | jget pid; }
ct_state() { "$W" info "$1" --format json | jget state; }

# wait_for SECONDS CMD...: polls CMD every 50 ms until it succeeds.
wait_for() {
	local deadline=$(($(date +%s%N) + ${1%.*} * 1000000000)) t=$1
	shift
	[[ $t == *.* ]] && deadline=$((deadline + ${t#*.} * 100000000))
	while ! "$@"; do
		[ "$(date +%s%N)" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}

# Background a command, remembering its pid for teardown.
bg() {
	"$@" &
	BG_PIDS="${BG_PIDS:-} $!"
}

# Create and start a busybox container.
ct_up() {
	"$W" create "$1" "${@:2}" || return 1
	"$W" start "$1"
}
