#!/usr/bin/env bats
# What a container sees from inside. One container serves every test of the
# file: booting takes a few ms, but each test still creates its own.

load helpers

x() { "$W" exec c1 -- "$@"; }

setup() {
	ward_setup
	"$W" create c1 --config hostname=inner-$$
	"$W" start c1
}

@test "PID 1 is the configured init" {
	run x /bin/cat /proc/1/comm
	assert_success
	assert_output init
	run x /bin/sh -c 'readlink /proc/1/exe'
	assert_output --regexp 'busybox'
	# the host pid is a different number
	[ "$(ct_pid c1)" -ne 1 ]
	# PID 1's parent is outside the namespace: ppid 0
	run x /bin/sh -c 'set -- $(cat /proc/1/stat); echo $4'
	assert_output 0
}

@test "hostname and /etc/hostname" {
	run x /bin/hostname
	assert_success
	assert_output "inner-$$"
	run x /bin/cat /etc/hostname
	assert_output "inner-$$"
	run x /bin/cat /proc/sys/kernel/hostname
	assert_output "inner-$$"
	# the host's own name is untouched
	[ "$(hostname)" != "inner-$$" ]
}

@test "/proc is mounted, /sys is read-only" {
	run x /bin/sh -c 'grep -E "^proc /proc proc " /proc/mounts'
	assert_success
	run x /bin/sh -c 'grep -E "^[^ ]+ /sys sysfs ro[ ,]" /proc/mounts'
	assert_success
	run x /bin/touch /sys/ward-test
	assert_failure
	run x /bin/sh -c 'echo 1 > /sys/kernel/uevent_helper'
	assert_failure
	run x /bin/mkdir /sys/ward-dir
	assert_failure
}

@test "/dev is a fresh tmpfs with the standard nodes" {
	run x /bin/sh -c 'grep -E "^[^ ]+ /dev tmpfs " /proc/mounts'
	assert_success
	for n in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
		run x /bin/stat -c '%F %t:%T' "/dev/${n%%:*}"
		assert_success
		maj=$(echo "${n#*:}" | cut -d: -f1)
		min=$(echo "${n#*:}" | cut -d: -f2)
		assert_output "character special file $(printf '%x:%x' "$maj" "$min")"
	done
	run x /bin/sh -c 'test -c /dev/ptmx || test -L /dev/ptmx'
	assert_success
	run x /bin/sh -c 'test -e /dev/console'
	assert_success
	# nothing else from the host: no disks
	run x /bin/sh -c 'ls /dev | grep -E "^(sd|vd|nvme|loop|mem|kmem|port)"'
	assert_failure
	# the nodes work
	run x /bin/sh -c 'echo data > /dev/null && head -c 4 /dev/zero | od -An -tx1'
	assert_output --regexp '00 00 00 00'
	run x /bin/sh -c 'echo x > /dev/full'
	assert_failure
}

@test "/dev/pts is a devpts newinstance" {
	run x /bin/sh -c 'grep -E "^[^ ]+ /dev/pts devpts " /proc/mounts'
	assert_success
	# a new instance: the host's ptys are not there
	host_ptys=$(ls /dev/pts | grep -c '^[0-9]' || true)
	run x /bin/sh -c 'ls /dev/pts | grep -c "^[0-9]" || true'
	[ "$output" -le 1 ] # at most the console's pty
	run x /bin/sh -c 'grep /dev/pts /proc/mounts'
	assert_output --partial ptmxmode=
}

@test "loopback is up; no host interfaces" {
	run x /bin/cat /sys/class/net/lo/operstate
	assert_success
	assert_output --regexp '^(unknown|up)$'
	run x /sbin/ip link show lo
	assert_success
	assert_output --regexp 'UP'
	run x /bin/ls /sys/class/net
	assert_success
	assert_output lo
	run x /bin/ping -c1 -W1 127.0.0.1
	assert_success
	# and the host's interfaces are not visible
	for i in $(ls /sys/class/net); do
		[ "$i" = lo ] && continue
		run x /bin/sh -c "test -e /sys/class/net/$i"
		assert_failure
	done
}

@test "own mount, net, uts, ipc, pid and cgroup namespaces" {
	pid=$(ct_pid c1)
	for ns in mnt net uts ipc pid cgroup; do
		host=$(readlink /proc/self/ns/$ns)
		ct=$(readlink /proc/$pid/ns/$ns)
		[ -n "$ct" ]
		[ "$host" != "$ct" ] || fail "container shares the host's $ns namespace ($ct)"
	done
	# exec joins the same namespaces as init
	run x /bin/sh -c 'for n in net uts ipc mnt; do readlink /proc/self/ns/$n; done'
	assert_success
	[ "$(echo $output)" = "$(echo $(readlink /proc/$pid/ns/net /proc/$pid/ns/uts /proc/$pid/ns/ipc /proc/$pid/ns/mnt))" ]
	# the host's processes are invisible
	run x /bin/sh -c 'ls -d /proc/[0-9]* | wc -l'
	[ "$output" -lt 10 ]
}

@test "the root is the container's rootfs: the host's files are not there" {
	echo "host-$$" >"$BATS_TEST_TMPDIR/marker"
	run x /bin/sh -c "test -e '$BATS_TEST_TMPDIR/marker'"
	assert_failure
	# what is written inside lands in the container's rootfs
	x /bin/sh -c "echo in-$$ > /root/f"
	assert_file_exists "$WARD_ROOT/containers/c1/rootfs/root/f"
	[ "$(cat "$WARD_ROOT/containers/c1/rootfs/root/f")" = "in-$$" ]
	# mounts made inside do not propagate to the host
	x /bin/mount -t tmpfs none /mnt
	run grep -F "$WARD_ROOT/containers/c1/rootfs/mnt" /proc/self/mountinfo
	assert_failure
}

@test "sensitive /proc and /sys paths are masked or read-only" {
	# masked directories are empty read-only tmpfs, wherever this kernel has them
	for d in /proc/acpi /proc/scsi /sys/firmware; do
		[ -d "$d" ] || continue
		run x /bin/sh -c "ls -A $d | wc -l"
		assert_output 0
		run x /bin/sh -c "touch $d/x"
		assert_failure
	done
	# masked files read as empty (/dev/null)
	for f in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug; do
		[ -e "$f" ] || continue
		run x /bin/sh -c "wc -c < $f"
		assert_output 0
	done
	# read-only: /proc/sys and friends refuse writes, the host value is intact
	before=$(cat /proc/sys/kernel/hostname)
	run x /bin/sh -c 'echo pwned > /proc/sys/kernel/hostname'
	assert_failure
	assert_output --partial 'Read-only file system'
	[ "$(cat /proc/sys/kernel/hostname)" = "$before" ]
	if [ -e /proc/sysrq-trigger ]; then
		run x /bin/sh -c 'echo h > /proc/sysrq-trigger'
		assert_failure
	fi
	run x /bin/sh -c 'grep -E " /proc/(sys|bus|fs|irq) " /proc/self/mountinfo | grep -vc " ro,"'
	assert_output 0
	# the rest of /proc works
	run x /bin/cat /proc/self/status
	assert_success
}
