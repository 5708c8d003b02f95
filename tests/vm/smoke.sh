# smoke.sh: proves the pure cgroup-v2 lane works, before ward uses it.
# Runs inside the VM (tests/vm/run-vm tests/vm/smoke.sh) with busybox sh.
# Checks: cgroup2 alone at /sys/fs/cgroup with cpu memory pids io; a child
# cgroup can be created, given controllers, entered, killed and removed.

cg=/sys/fs/cgroup
failures=0
ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; failures=$((failures + 1)); }
check() { desc=$1; shift; if "$@"; then ok "$desc"; else not_ok "$desc"; fi; }

# Layout: cgroup2 at /sys/fs/cgroup, and no v1 hierarchy mounted anywhere.
magic=$(stat -f -c %t $cg)
check "cgroup2 mounted at $cg (statfs magic $magic)" [ "$magic" = 63677270 ]
check "no cgroup v1 hierarchy mounted" sh -c '! grep -q " cgroup " /proc/mounts'
check "init in the root cgroup" [ "$(cat /proc/self/cgroup)" = "0::/" ]

ctrls=$(cat $cg/cgroup.controllers)
echo "# cgroup.controllers: $ctrls"
for c in cpu memory pids io cpuset; do
	check "controller $c available" sh -c "echo ' $ctrls ' | grep -q ' $c '"
done

# Enable the controllers for children of the root (systemd would do this).
for c in cpu memory pids io; do
	echo "+$c" >$cg/cgroup.subtree_control || not_ok "enable +$c at the root"
done
check "root subtree_control has cpu memory pids io" \
	sh -c "for c in cpu memory pids io; do grep -qw \$c $cg/cgroup.subtree_control || exit 1; done"

# An inner node with a leaf below it, as ward builds ward/<class>/<container>.
parent=$cg/smoke.$$
leaf=$parent/leaf
check "mkdir $parent" mkdir $parent
check "mkdir $leaf" mkdir $leaf
for c in cpu memory pids io; do
	echo "+$c" >$parent/cgroup.subtree_control || not_ok "enable +$c in $parent"
done
check "leaf sees cpu memory pids io" \
	sh -c "for c in cpu memory pids io; do grep -qw \$c $leaf/cgroup.controllers || exit 1; done"
check "leaf has memory.max" [ -f $leaf/memory.max ]
check "leaf has pids.max" [ -f $leaf/pids.max ]
check "leaf has cpu.weight" [ -f $leaf/cpu.weight ]
check "leaf has io.weight or io.stat" sh -c "[ -f $leaf/io.stat ]"
check "set memory.max" sh -c "echo 64M >$leaf/memory.max && [ \$(cat $leaf/memory.max) = 67108864 ]"
check "set pids.max" sh -c "echo 16 >$leaf/pids.max && [ \$(cat $leaf/pids.max) = 16 ]"
check "set cpu.max" sh -c "echo '50000 100000' >$leaf/cpu.max && [ \"\$(cat $leaf/cpu.max)\" = '50000 100000' ]"
check "set cpu.weight" sh -c "echo 200 >$leaf/cpu.weight && [ \$(cat $leaf/cpu.weight) = 200 ]"

# No internal processes: the inner node with controllers must refuse a process.
sleep 300 &
pid=$!
if echo $pid >$parent/cgroup.procs 2>/dev/null; then
	not_ok "inner node with subtree controllers refuses processes"
else
	ok "inner node with subtree controllers refuses processes"
fi

# Move a process into the leaf, then check where it is.
check "move pid $pid into the leaf" sh -c "echo $pid >$leaf/cgroup.procs"
check "cgroup.procs lists $pid" grep -qx $pid $leaf/cgroup.procs
check "/proc/$pid/cgroup names the leaf" \
	grep -qx "0::/smoke.$$/leaf" /proc/$pid/cgroup
check "pids.current is 1" [ "$(cat $leaf/pids.current)" = 1 ]
check "memory.current is readable" sh -c "[ \$(cat $leaf/memory.current) -ge 0 ]"

# Freeze and thaw.
check "freeze" sh -c "echo 1 >$leaf/cgroup.freeze"
i=0; while ! grep -qx 'frozen 1' $leaf/cgroup.events && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "cgroup.events says frozen" grep -qx 'frozen 1' $leaf/cgroup.events
check "thaw" sh -c "echo 0 >$leaf/cgroup.freeze"

# cgroup.kill empties the leaf; wait reaps our child.
check "cgroup.kill" sh -c "echo 1 >$leaf/cgroup.kill"
wait $pid 2>/dev/null
i=0; while [ -n "$(cat $leaf/cgroup.procs)" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "leaf empty after cgroup.kill" [ -z "$(cat $leaf/cgroup.procs)" ]
check "cgroup.events says unpopulated" grep -qx 'populated 0' $leaf/cgroup.events
check "process $pid is gone" sh -c "! kill -0 $pid 2>/dev/null"

check "rmdir the leaf" rmdir $leaf
check "rmdir the parent" rmdir $parent
check "nothing left" [ ! -e $parent ]

# Namespaces ward relies on, and the modules the lane loads.
check "unshare of mount, uts, ipc, net, pid, user namespaces" \
	unshare -m -u -i -n -p -f /bin/true
check "unshare of a user namespace mapped to root" unshare -r /bin/true
check "cgroup namespaces supported" [ -e /proc/self/ns/cgroup ]
for fs in overlay tmpfs cgroup2; do
	check "filesystem $fs known" grep -qw $fs /proc/filesystems
done
check "veth pair can be created" sh -c "ip link add smk0 type veth peer name smk1 && ip link del smk0"
check "bridge can be created" sh -c "ip link add smkbr type bridge && ip link del smkbr"

if [ $failures -ne 0 ]; then
	echo "# $failures check(s) failed"
	exit 1
fi
echo "# all checks passed"
exit 0
