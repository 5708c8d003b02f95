# classes.sh: ward's resource classes on a pure cgroup-v2 host.
# Runs inside the VM with busybox sh:
#   WARD_BIN=build/cmd/ward/ward tests/vm/run-vm tests/vm/classes.sh \
#       build/cmd/ward/ward-monitor:/usr/bin/ward-monitor
# Proves what issue 3 asks of cgroup v2, reading everything back from cgroupfs:
#   - class keys become the v2 files of ward-classes(5): cpu.weight (ratio kept),
#     cpu.max, cpu.idle, memory.min/high/max, io.weight, pids.max; `ward class
#     show` reports the kernel's values equal to the wanted ones;
#   - containers are leaves ward/<class>[/<sub>]/<name>, class nodes hold no process;
#   - CPU: shares 2:1 on one CPU give a 2.0 +- 0.3 CPU-time ratio, a 25% hardmax
#     holds use <= 30% of the machine, a tier-1 class gets < 5% of a CPU that
#     tier-0 work keeps busy;
#   - memory hardmax 64M: a hog is OOM-killed in its container only, ward stat
#     counts it; pids.max 100: a fork bomb is contained and the container stops;
#   - live: class set and class assign on a running container.
# Measurement windows: CPU_WINDOW seconds (default 5; the VM's 2 vCPUs are TCG).

export WARD_ROOT=/tmp/ward-classes-root WARD_RUN=/tmp/ward-classes-run
cgroot=/sys/fs/cgroup/${WARD_CGROUP_ROOT:-ward}
window=${CPU_WINDOW:-5}
containers="cweb chi clo cbatch ccap cmem cpid"
classes="gold.web gold hi lo batch cap mem pids silver"

. /vm/tap.sh
# file_is FILE VALUE: the first line of FILE is VALUE (prints both when not).
file_is() {
	got=$(head -n1 "$1" 2>/dev/null)
	[ "$got" = "$2" ] && return 0
	echo "#   $1: want '$2', got '$got'"
	return 1
}
# class_dir CLASS: gold.web -> $cgroot/gold/web
class_dir() { echo "$cgroot/$(echo "$1" | tr . /)"; }
# info_field NAME FIELD: a field of `ward info NAME`.
info_field() { w info "$1" 2>/dev/null | sed -n "s/^$2: *//p" | head -n1; }
init_pid() { info_field "$1" pid; }
alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }
running() { [ "$(info_field "$1" state)" = running ]; }
in_cgroup() { grep -qx "0::/${2#/sys/fs/cgroup/}" "/proc/$1/cgroup" 2>/dev/null; }
no_procs() { [ -z "$(cat "$1/cgroup.procs" 2>/dev/null)" ]; }
has_procs() { [ -n "$(cat "$1/cgroup.procs" 2>/dev/null)" ]; }
gone_dir() { [ ! -d "$1" ]; }
usage() { sed -n 's/^usage_usec //p' "$1/cpu.stat"; }
stat_key() { sed -n "s/^$2 //p" "$1/$3" 2>/dev/null | head -n1; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }
# fcmp EXPR: awk float comparison.
fcmp() { awk "BEGIN { exit !($1) }"; }

# show_matches CLASS: every knob `ward class show` lists has now == wanted.
# show_matches CLASS [FILE-TO-SKIP]
show_matches() {
	w class show "$1" >/tmp/show.$$ 2>&1 || { echo "#   ward class show $1 failed"; return 1; }
	bad=$(sed -n 's/^knob *\([^ ]*\) = \(.*\) (now \(.*\))$/\1|\2|\3/p' /tmp/show.$$ |
		awk -F'|' -v skip="${2:-}" '$1 != skip && $2 != $3 { print "#   " $1 ": wanted \"" $2 "\", now \"" $3 "\"" }')
	n=$(grep -c '^knob' /tmp/show.$$)
	rm -f /tmp/show.$$
	[ "$n" -gt 0 ] || { echo "#   no knobs shown for $1"; return 1; }
	[ -z "$bad" ] && return 0
	echo "$bad"
	return 1
}

cleanup() {
	for c in $containers; do
		timeout 60 ward stop "$c" >/dev/null 2>&1
		timeout 60 ward destroy --force "$c" >/dev/null 2>&1
	done
	for k in $classes; do timeout 60 ward class rm --force "$k" >/dev/null 2>&1; done
}

if ! command -v ward >/dev/null; then
	echo "not ok - ward binary in the VM (set WARD_BIN)"
	exit 1
fi
if ! command -v ward-monitor >/dev/null && [ ! -x /usr/bin/ward-monitor ]; then
	echo "not ok - ward-monitor in the VM (pass it as FILE:/usr/bin/ward-monitor)"
	exit 1
fi
mkdir -p "$WARD_ROOT" "$WARD_RUN"
ncpu=$(nproc)
echo "# $(ward --version 2>&1 | head -n1); $ncpu CPUs; $(grep MemTotal /proc/meminfo | tr -s ' ')"
echo "# cgroup.controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
if [ "$ncpu" -lt 2 ]; then
	echo "not ok - the class tests need 2 CPUs (WARD_VM_SMP)"
	exit 1
fi
t_start=$(uptime_s)

# ---- classes and their cgroup files --------------------------------------------
check "class create gold" w class create gold --cpu-shares 3 --memory-min 16M \
	--memory-softmax 48M --memory-hardmax 128M --pids-max 300 --io-shares 200
check "class create gold.web" w class create gold.web --cpu-shares 2 --cpu-hardmax 25% \
	--memory-hardmax 50% --pids-max 100 --io-shares 50
check "class create hi (cpu-shares 2)" w class create hi --cpu-shares 2
check "class create lo (cpu-shares 1)" w class create lo --cpu-shares 1
check "class create batch (tier 1)" w class create batch --tier 1
check "class create cap (cpu-hardmax 25%)" w class create cap --cpu-hardmax 25%
check "class create mem (memory-hardmax 64M)" w class create mem --memory-hardmax 64M
check "class create pids (pids-max 100)" w class create pids --pids-max 100
check "class create silver" w class create silver

g=$cgroot/gold gw=$cgroot/gold/web
check "gold: cpu.weight 300 (shares x 100 while siblings fit)" file_is $g/cpu.weight 300
check "gold: cpu.max unlimited" file_is $g/cpu.max "max 100000"
check "gold: cpu.idle 0 (tier 0)" file_is $g/cpu.idle 0
check "gold: memory.min 16M" file_is $g/memory.min 16777216
check "gold: memory.high 48M (softmax)" file_is $g/memory.high 50331648
check "gold: memory.max 128M" file_is $g/memory.max 134217728
check "gold: pids.max 300" file_is $g/pids.max 300
if [ -f $g/io.weight ]; then
	check "gold: io.weight default 10000" file_is $g/io.weight "default 10000"
	check "gold.web: io.weight default 5000" file_is $gw/io.weight "default 5000"
else
	echo "# no io.weight in $g: io.shares not checked"
fi
check "gold.web: cpu.weight 200" file_is $gw/cpu.weight 200
check "gold.web: cpu.max 25% of $ncpu CPUs" file_is $gw/cpu.max "$((ncpu * 25000)) 100000"
check "gold.web: memory.max 50% of gold's 128M" file_is $gw/memory.max 67108864
check "gold.web: memory.min 0, memory.high max" \
	sh -c "[ \$(cat $gw/memory.min) = 0 ] && [ \$(cat $gw/memory.high) = max ]"
check "gold.web: pids.max 100" file_is $gw/pids.max 100
check "hi: cpu.weight 200 (shares 2)" file_is $cgroot/hi/cpu.weight 200
check "lo: cpu.weight 100 (shares 1, ratio 2:1 kept)" file_is $cgroot/lo/cpu.weight 100
check "default: cpu.weight 100 (unset shares count as 1: the kernel default)" file_is $cgroot/default/cpu.weight 100
check "cap: cpu.max 25% of $ncpu CPUs" file_is $cgroot/cap/cpu.max "$((ncpu * 25000)) 100000"
check "batch: cpu.idle 1 (tier 1)" file_is $cgroot/batch/cpu.idle 1
check "mem: memory.max 64M" file_is $cgroot/mem/memory.max 67108864
check "pids: pids.max 100" file_is $cgroot/pids/pids.max 100
for k in gold gold.web hi lo cap mem pids silver default; do
	check "class show $k: every knob now = wanted" show_matches $k
done
# An idle group (tier >= 1) reads cpu.weight 0 from the kernel, whatever was
# written before cpu.idle was set: every other knob must agree.
check "class show batch: every knob but cpu.weight now = wanted" show_matches batch cpu.weight
check "batch: the kernel reports the idle group's cpu.weight as 0" file_is $cgroot/batch/cpu.weight 0
for d in "$cgroot" "$g"; do
	check "${d#/sys/fs/cgroup/} subtree_control enables cpuset cpu memory pids" \
		sh -c "for c in cpuset cpu memory pids; do grep -qw \$c $d/cgroup.subtree_control || exit 1; done"
done

# ---- containers are leaves ---------------------------------------------------
for spec in cweb:gold.web chi:hi clo:lo cbatch:batch ccap:cap cmem:mem cpid:pids; do
	c=${spec%%:*} k=${spec#*:}
	w create "$c" --class "$k" >/dev/null && w start "$c" >/dev/null ||
		not_ok "create and start $c in $k"
done
for spec in cweb:gold.web chi:hi clo:lo cbatch:batch ccap:cap cmem:mem cpid:pids; do
	c=${spec%%:*} k=${spec#*:}
	ccg=$(class_dir "$k")/$c
	pid=$(init_pid "$c")
	check "$c: init $pid runs in ${ccg#/sys/fs/cgroup/}" in_cgroup "$pid" "$ccg"
	check "$c: its cgroup is a leaf" sh -c "[ -z \"\$(find $ccg -mindepth 1 -type d)\" ]"
done
for d in "$cgroot" $(for k in $classes default; do class_dir $k; done); do
	check "class node ${d#/sys/fs/cgroup/} holds no process" no_procs "$d"
done
check "memory and pids reach the leaf ward/gold/web/cweb" \
	sh -c "grep -qw memory $gw/cweb/cgroup.controllers && grep -qw pids $gw/cweb/cgroup.controllers"

# ---- CPU: shares, hardmax, tiers ---------------------------------------------
for k in hi lo batch cap; do
	check "$k subtree_control enables cpuset" grep -qw cpuset "$cgroot/$k/cgroup.subtree_control"
done
for c in chi:hi clo:lo cbatch:batch; do
	echo 0 >"$cgroot/${c#*:}/${c%:*}/cpuset.cpus"
done
# the capped class runs two hogs alone on CPU 1: without its cap they would use
# 50% of the machine
echo 1 >"$cgroot/cap/ccap/cpuset.cpus"
check "chi, clo, cbatch confined to CPU 0, ccap to CPU 1" sh -c "
	[ \$(cat $cgroot/hi/chi/cpuset.cpus.effective) = 0 ] &&
	[ \$(cat $cgroot/lo/clo/cpuset.cpus.effective) = 0 ] &&
	[ \$(cat $cgroot/batch/cbatch/cpuset.cpus.effective) = 0 ] &&
	[ \$(cat $cgroot/cap/ccap/cpuset.cpus.effective) = 1 ]"
hogs=
for c in chi clo cbatch ccap ccap; do
	w exec $c -- /bin/sh -c 'while :; do :; done' >/dev/null 2>&1 &
	hogs="$hogs $!"
done
sleep 1
h0=$(usage $cgroot/hi) l0=$(usage $cgroot/lo) b0=$(usage $cgroot/batch) c0=$(usage $cgroot/cap)
thr0=$(stat_key $cgroot/cap nr_throttled cpu.stat) t0=$(uptime_s)
sleep "$window"
h1=$(usage $cgroot/hi) l1=$(usage $cgroot/lo) b1=$(usage $cgroot/batch) c1=$(usage $cgroot/cap)
thr1=$(stat_key $cgroot/cap nr_throttled cpu.stat) t1=$(uptime_s)
wall=$(awk -v a=$t0 -v b=$t1 'BEGIN { printf "%.3f", b - a }')
ratio=$(awk -v h=$((h1 - h0)) -v l=$((l1 - l0)) 'BEGIN { printf "%.3f", (l > 0) ? h / l : 0 }')
hipct=$(awk -v u=$((h1 - h0)) -v w=$wall 'BEGIN { printf "%.1f", u / (w * 1e4) }')
lopct=$(awk -v u=$((l1 - l0)) -v w=$wall 'BEGIN { printf "%.1f", u / (w * 1e4) }')
bpct=$(awk -v u=$((b1 - b0)) -v w=$wall 'BEGIN { printf "%.1f", u / (w * 1e4) }')
cpct=$(awk -v u=$((c1 - c0)) -v w=$wall -v n=$ncpu 'BEGIN { printf "%.1f", u / (w * n * 1e4) }')
echo "# CPU over ${wall}s: CPU 0: hi $hipct%, lo $lopct% (ratio $ratio), batch $bpct% of the CPU;" \
	"cap $cpct% of the machine ($((thr1 - thr0)) throttled periods)"
check "window >= 3 s (${wall}s)" fcmp "$wall >= 3"
check "shares 2:1 on one CPU: CPU-time ratio $ratio within 2.0 +- 0.3" \
	fcmp "$ratio >= 1.7 && $ratio <= 2.3"
check "cpu-hardmax 25%: use $cpct% of the machine <= 30%" fcmp "$cpct <= 30"
check "cpu-hardmax 25%: the cap is what holds it (throttled, use >= 15%)" \
	fcmp "$((thr1 - thr0)) > 0 && $cpct >= 15"
# cpu.idle gives the tier-1 group the kernel's idle weight 3 (in 1024ths of
# cpu.weight 100); tier-0 siblings' weights must dwarf it for this to hold.
check "tier 1: batch gets $bpct% < 5% of a CPU that tier-0 hi and lo keep busy" fcmp "$bpct < 5"
for c in chi clo cbatch ccap; do
	check "ward stop $c with its hogs" w stop $c
done
for p in $hogs; do wait $p 2>/dev/null; done
check "the hogs' ward exec clients ended" sh -c "for p in $hogs; do kill -0 \$p 2>/dev/null && exit 1; done; exit 0"
check "no leaf left in hi lo batch cap" sh -c \
	"[ -z \"\$(find $cgroot/hi $cgroot/lo $cgroot/batch $cgroot/cap -mindepth 1 -type d)\" ]"

# ---- memory hardmax 64M: OOM inside the container only -----------------------
mcg=$cgroot/mem/cmem
mpid=$(init_pid cmem)
webpid=$(init_pid cweb)
w exec cmem -- /bin/busybox dd if=/dev/zero of=/dev/null bs=128M count=1 >/dev/null 2>&1
rc=$?
oomk=$(stat_key $mcg oom_kill memory.events)
echo "# dd of 128M in cmem: exit $rc; cmem memory.events oom_kill ${oomk:-?}," \
	"max $(stat_key $mcg max memory.events); mem class memory.peak $(cat $cgroot/mem/memory.peak 2>/dev/null)"
check "the 128M hog was killed (exit $rc = 137)" [ "$rc" = 137 ]
check "cmem memory.events oom_kill >= 1" [ "${oomk:-0}" -ge 1 ]
check "cmem's init $mpid still runs, in its cgroup" in_cgroup "$mpid" "$mcg"
check "ward info cmem: running" running cmem
check "cweb (another class) still runs" alive "$webpid"
check "ward exec cmem works after the OOM" w exec cmem -- /bin/true
ward stat --format json --count 1 >/tmp/stat.json 2>/dev/null
soom=$(awk '/"name":"cmem"/ { f = 1 } f && /"oom_kills"/ { gsub(/[^0-9]/, ""); print; exit }' /tmp/stat.json)
scoom=$(awk '/"name":"mem"/ { f = 1 } f && /"oom_kills"/ { gsub(/[^0-9]/, ""); print; exit }' /tmp/stat.json)
rm -f /tmp/stat.json
check "ward stat --format json: cmem oom_kills ${soom:-?} >= 1" [ "${soom:-0}" -ge 1 ]
check "ward stat --format json: class mem oom_kills ${scoom:-?} >= 1" [ "${scoom:-0}" -ge 1 ]

# ---- pids-max 100: a fork bomb is contained ----------------------------------
pcg=$cgroot/pids/cpid
ppid=$(init_pid cpid)
w exec cpid -- /bin/sh -c 'b() { b & b & wait; }; b' >/dev/null 2>&1 &
bomb=$!
pidmax() { [ "$(($(stat_key $pcg max pids.events) + $(stat_key $cgroot/pids max pids.events)))" -gt 0 ]; }
check "the fork bomb hits pids.max (pids.events max)" wait_for 20 pidmax
peak=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	n=$(cat $cgroot/pids/pids.current)
	[ "$n" -gt $peak ] && peak=$n
	sleep 0.2
done
echo "# fork bomb: pids class pids.current peak $peak over 2 s, pids.peak $(cat $cgroot/pids/pids.peak 2>/dev/null)," \
	"events max cpid $(stat_key $pcg max pids.events) pids $(stat_key $cgroot/pids max pids.events)"
check "pids stay <= 100 (peak $peak)" [ "$peak" -le 100 ]
check "the host still forks" sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do /bin/true || exit 1; done'
check "cpid's init $ppid still runs" alive "$ppid"
ts=$(uptime_s)
check "ward stop cpid during the fork bomb" w stop cpid
echo "# ward stop cpid took $(awk -v a=$ts -v b=$(uptime_s) 'BEGIN { printf "%.1f", b - a }')s"
check "cpid's cgroup is gone" wait_for 10 gone_dir "$pcg"
check "cpid's init is gone" sh -c "! kill -0 $ppid 2>/dev/null"
wait $bomb 2>/dev/null
check "ward info cpid: stopped" sh -c "[ \"\$(timeout 60 ward info cpid | sed -n 's/^state: *//p')\" = stopped ]"

# ---- live: class set and class assign on a running container -----------------
check "class set gold.web --cpu-hardmax 50% --pids-max 50 --memory-hardmax 96M" \
	w class set gold.web --cpu-hardmax 50% --pids-max 50 --memory-hardmax 96M
check "live: gold.web cpu.max 50%" file_is $gw/cpu.max "$((ncpu * 50000)) 100000"
check "live: gold.web pids.max 50" file_is $gw/pids.max 50
check "live: gold.web memory.max 96M" file_is $gw/memory.max 100663296
check "class show gold.web after set: every knob now = wanted" show_matches gold.web
check "cweb kept running through class set (same init $webpid)" \
	sh -c "[ \"\$(timeout 60 ward info cweb | sed -n 's/^pid: *//p')\" = $webpid ]"
check "class set gold.web --pids-max none" w class set gold.web --pids-max none
check "live: gold.web pids.max back to max" file_is $gw/pids.max max

check "class assign cweb silver (running)" w class assign cweb silver
scg=$cgroot/silver/cweb
check "cweb's init $webpid now in ward/silver/cweb" in_cgroup "$webpid" "$scg"
check "the old leaf ward/gold/web/cweb is gone" gone_dir "$gw/cweb"
check "ward info cweb: class silver, same init" \
	sh -c "[ \"\$(timeout 60 ward info cweb | sed -n 's/^class: *//p')\" = silver ] &&
		[ \"\$(timeout 60 ward info cweb | sed -n 's/^pid: *//p')\" = $webpid ]"
check "ward exec cweb works after the move" w exec cweb -- /bin/true
before=$(wc -l <"$scg/cgroup.procs")
w exec cweb -- /bin/busybox sleep 3 >/dev/null 2>&1 &
execpid=$!
check "an exec'd process joins ward/silver/cweb" \
	wait_for 5 sh -c "[ \$(wc -l <'$scg/cgroup.procs') -gt $before ]"
wait $execpid
check "class show silver lists cweb" sh -c "timeout 60 ward class show silver | grep -q '^member *cweb'"
check "ward stop cweb" w stop cweb
check "ward/silver/cweb is gone after stop" wait_for 10 gone_dir "$scg"
check "cweb's init is gone" sh -c "! kill -0 $webpid 2>/dev/null"
check "ward stop cmem" w stop cmem

# ---- cleanup -------------------------------------------------------------------
for c in $containers; do
	w destroy "$c" >/dev/null 2>&1 || not_ok "ward destroy $c"
done
check "no container cgroup left under ${cgroot#/sys/fs/cgroup/}" sh -c "
	[ -z \"\$(find $cgroot -mindepth 2 -type d ! -path $gw 2>/dev/null)\" ]"
for k in $classes; do
	w class rm "$k" >/dev/null 2>&1 || not_ok "ward class rm $k"
done
check "class rm removed the class cgroups (only ward/default left)" sh -c "
	[ \"\$(find $cgroot -mindepth 1 -type d)\" = $cgroot/default ]"
# What remains is ward's default class and its subtree root: this test made
# them, so it removes them.
for d in $(find "$cgroot" -depth -type d 2>/dev/null); do rmdir "$d" 2>/dev/null; done
check "nothing left under $cgroot" sh -c "[ ! -d $cgroot ] || [ -z \"\$(find $cgroot -mindepth 1 -type d)\" ]"
echo "# classes.sh ran $(awk -v a=$t_start -v b=$(uptime_s) 'BEGIN { printf "%.1f", b - a }')s"

if [ $failures -ne 0 ]; then
	echo "# $failures check(s) failed; cleaning up"
	cleanup
	find "$cgroot" -type d 2>/dev/null | sed 's/^/# left: /'
	exit 1
fi
echo "# all checks passed"
exit 0
