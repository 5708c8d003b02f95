# cgroups-knobs.sh: lib/cgroups' own test (tests/cgroups/test_cgroups) on a pure
# cgroup-v2 host, where the knobs, stats, OOM, pids and move tests meet the
# cpu/memory/io/pids controllers that the host's hybrid unified mount lacks.
#   tests/vm/run-vm tests/vm/cgroups-knobs.sh build/tests/cgroups/test_cgroups
# The binary comes in as an extra file (/vm/test_cgroups, with its libraries).

bin=/vm/test_cgroups
if [ ! -x $bin ]; then
	echo "not ok - $bin missing: pass build/tests/cgroups/test_cgroups to run-vm"
	exit 1
fi
# Controllers for ward's subtree come from the root, as systemd would enable them;
# lib/cgroups enables what is missing itself, so this only checks it sees them.
echo "# cgroup.controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
if WARD_CGROUP_MOUNT=/sys/fs/cgroup $bin; then
	echo "ok - test_cgroups on pure cgroup v2"
else
	echo "not ok - test_cgroups on pure cgroup v2"
	exit 1
fi
