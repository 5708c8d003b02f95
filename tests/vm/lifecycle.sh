# lifecycle.sh: ward's container lifecycle on a pure cgroup-v2 host.
# Runs inside the VM with busybox sh:
#   WARD_BIN=build/cmd/ward/ward tests/vm/run-vm tests/vm/lifecycle.sh
# create -> start -> exec -> ls -> stop -> start -> stop -> destroy, checking the
# container's cgroup under /sys/fs/cgroup/<WARD_CGROUP_ROOT>/default from outside.

export WARD_ROOT=/tmp/ward-root WARD_RUN=/tmp/ward-run
cgroot=/sys/fs/cgroup/${WARD_CGROUP_ROOT:-ward}
class=$cgroot/default
name=c1
ccg=$class/$name

. /vm/tap.sh
has_procs() { [ -n "$(cat "$1/cgroup.procs" 2>/dev/null)" ]; }
# No cgroup directory at all below the class (the class itself may stay).
class_empty() { [ -z "$(find "$class" -mindepth 1 -type d 2>/dev/null)" ]; }
gone() { for p in $1; do kill -0 "$p" 2>/dev/null && return 1; done; return 0; }
no_mounts_under() { ! grep -q " $1" /proc/mounts; }

if ! command -v ward >/dev/null; then
	echo "not ok - ward binary in the VM (set WARD_BIN)"
	exit 1
fi
mkdir -p "$WARD_ROOT" "$WARD_RUN"
echo "# $(ward --version 2>&1 | head -1)"
echo "# cgroup.controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"

# create
check "ward create $name" w create $name
check "no cgroup for a created container" [ ! -d "$ccg" ]
check "ward ls lists $name" sh -c "timeout 60 ward ls | grep -qw $name"

# start
check "ward start $name" w start $name
check "cgroup $ccg exists" [ -d "$ccg" ]
check "cgroup.procs of $name is not empty" wait_for 10 has_procs "$ccg"
pids=$(cat "$ccg/cgroup.procs" 2>/dev/null)
echo "# container pids: $(echo $pids)"
first=$(echo $pids | cut -d' ' -f1)
check "container init is in 0::/${ccg#/sys/fs/cgroup/}" \
	grep -qx "0::/${ccg#/sys/fs/cgroup/}" "/proc/$first/cgroup"
check "$class is an inner node with no processes" [ -z "$(cat "$class/cgroup.procs" 2>/dev/null)" ]
check "memory and pids controllers reach the container" \
	sh -c "grep -qw memory '$ccg/cgroup.controllers' && grep -qw pids '$ccg/cgroup.controllers'"
check "ward ls shows $name running" sh -c "timeout 60 ward ls | grep -w $name | grep -qi running"

# exec
check "ward exec $name -- /bin/true" w exec $name -- /bin/true
w exec $name -- /bin/false
rc=$?
check "ward exec returns the command's status (got $rc)" [ $rc -eq 1 ]
before=$(wc -l <"$ccg/cgroup.procs")
w exec $name -- /bin/busybox sleep 5 &
execpid=$!
check "an exec'd process joins $ccg" \
	wait_for 4 sh -c "[ \$(wc -l <'$ccg/cgroup.procs') -gt $before ]"
wait $execpid
check "exec'd process left the cgroup when done" \
	wait_for 5 sh -c "[ \$(wc -l <'$ccg/cgroup.procs') -eq $before ]"

# stop
check "ward stop $name" w stop $name
check "container processes are gone" wait_for 10 gone "$pids"
check "nothing left under $class after stop" wait_for 5 class_empty
check "ward ls shows $name stopped" sh -c "timeout 60 ward ls | grep -w $name | grep -qi stopped"

# a second start and stop reuse the same container
check "ward start $name again" w start $name
check "cgroup.procs of $name is not empty again" wait_for 10 has_procs "$ccg"
check "ward stop $name again" w stop $name
check "nothing left under $class after the second stop" wait_for 5 class_empty

# destroy
check "ward destroy $name" w destroy $name
check "ward ls no longer lists $name" sh -c "! timeout 60 ward ls | grep -qw $name"
check "nothing left under $class after destroy" class_empty
check "no mounts left under $WARD_ROOT" no_mounts_under "$WARD_ROOT"
check "no mounts left under $WARD_RUN" no_mounts_under "$WARD_RUN"

if [ $failures -ne 0 ]; then
	echo "# $failures check(s) failed; cleaning up"
	timeout 60 ward destroy --force $name >/dev/null 2>&1
	find "$cgroot" -type d 2>/dev/null | sed 's/^/# left: /'
	exit 1
fi
echo "# all checks passed"
exit 0
