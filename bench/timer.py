#!/usr/bin/env python3
"""Interleaved wall-clock timer for bench/run.

Reads a JSON list of tools from the file named by argv[1]:
    [{"name": "ward", "argv": ["ward", "run", "--rm", "--", "/bin/true"]}, ...]
Any "{n}" in an argument is replaced by a number unique to that run (runc and
crun need a fresh container id per run).

Every run of every tool is measured the same way: time.perf_counter_ns()
(CLOCK_MONOTONIC) immediately before and after subprocess.run(), stdin and
stdout on /dev/null, stderr captured. Runs are interleaved: round r runs each
tool once, starting with tool (r mod T), so no tool always follows the same
neighbour. A non-zero exit status fails the whole benchmark (exit 1) with the
command and its stderr. WARMUP unmeasured rounds come first.

Writes raw samples (ms) as JSON to argv[2] and prints the summary table.
"""
import json
import os
import statistics
import subprocess
import sys
import time


def run_once(argv, n):
    args = [a.replace("{n}", str(n)) for a in argv]
    t0 = time.perf_counter_ns()
    p = subprocess.run(args, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    t1 = time.perf_counter_ns()
    if p.returncode != 0:
        sys.stderr.write("bench: FAILED (exit %d): %s\n%s\n" % (
            p.returncode, " ".join(args),
            p.stderr.decode(errors="replace")))
        sys.exit(1)
    return (t1 - t0) / 1e6


def summarize(samples):
    s = sorted(samples)
    dec = statistics.quantiles(s, n=10, method="inclusive")
    return {"median": statistics.median(s), "p10": dec[0], "p90": dec[8],
            "min": s[0], "max": s[-1], "n": len(s)}


def main():
    tools = json.load(open(sys.argv[1]))
    runs = int(os.environ.get("BENCH_RUNS", "40"))
    warmup = int(os.environ.get("BENCH_WARMUP", "2"))
    samples = {t["name"]: [] for t in tools}
    n = 0
    for r in range(warmup + runs):
        k = r % len(tools)
        for t in tools[k:] + tools[:k]:
            n += 1
            ms = run_once(t["argv"], n)
            if r >= warmup:
                samples[t["name"]].append(ms)
    json.dump(samples, open(sys.argv[2], "w"))

    stats = {name: summarize(v) for name, v in samples.items()}
    print("%-34s %8s %8s %8s %8s %8s %5s" % (
        "tool", "median", "p10", "p90", "min", "max", "runs"))
    for t in tools:
        st = stats[t["name"]]
        print("%-34s %8.2f %8.2f %8.2f %8.2f %8.2f %5d" % (
            t["name"], st["median"], st["p10"], st["p90"],
            st["min"], st["max"], st["n"]))
    print()
    base = tools[0]["name"]
    for t in tools[1:]:
        if t.get("baseline"):
            continue
        print("%s/%s = %.2fx  (median %.2f ms / %.2f ms)" % (
            base, t["name"], stats[base]["median"] / stats[t["name"]]["median"],
            stats[base]["median"], stats[t["name"]]["median"]))


if __name__ == "__main__":
    main()
