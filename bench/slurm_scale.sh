#!/bin/bash
# Benchmark (issue 16): a sweep of N 1-second trials, P at a time, on the
# test cluster (scripts/slurm-cluster.sh, a real slurmctld + slurmd), and
# the same sweep run locally, side by side. Reports the Slurm commands run
# (counted by the executor: the store's slurm_commands event), per minute;
# the queries one query per job would have made (the job ids named in all
# squeue calls); seconds from a trial's end (its exit.json) to the next
# submission; wall time of both. With MODE array (issue 27, point 3) the
# second sweep is the same on Slurm as job arrays (slurm.array) instead of
# local. Needs root (the test cluster).
# Usage: bench/slurm_scale.sh [BUILD_DIR] [TRIALS] [PARALLEL] [local|array]
set -eu
B=$(cd "${1:-build}" && pwd)
N=${2:-200}
P=${3:-16}
MODE=${4:-local}
SRC=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d /tmp/sweep-bench.XXXXXX)
chmod 755 "$T"
export SLURM_CI_CTLD_PORT=${SLURM_CI_CTLD_PORT:-26817} SLURM_CI_SLURMD_PORT=${SLURM_CI_SLURMD_PORT:-26818}
trap 'bash "$SRC/scripts/slurm-cluster.sh" stop "$T/c" > /dev/null 2>&1; [ -n "${KEEP:-}" ] && echo "kept $T" || rm -rf "$T"' EXIT
cd "$T"
SLURM_CI_CPUS=$((P * 2)) bash "$SRC/scripts/slurm-cluster.sh" start "$T/c" > /dev/null
. "$T/c/env.sh"
sleep 3 # the first scheduling pass comes ~3 s after slurmctld starts
for ex in slurm $MODE; do
    {
        echo "method: random"
        echo "seed: 1"
        echo "run_cap: $N"
        echo "metric: {name: loss, goal: minimize}"
        echo "parameters: {x: {min: 0, max: 1}}"
        echo 'command: [sh, -c, "echo loss=$0; sleep 1", "${x}"]'
        if [ $ex != local ]; then
            echo "executor: slurm"
            [ $ex = array ] && echo "slurm: {mem: 50M, array: true}" || echo "slurm: {mem: 50M}"
            echo "resources: {max_parallel: $P}"
        else
            echo "resources: {gpus: none, max_parallel: $P}"
        fi
    } > $ex.yaml
    start=$(date +%s.%N)
    "$B/sweep" run -q $ex.yaml -d $ex > /dev/null 2> $ex.err
    end=$(date +%s.%N)
    echo "$ex $start $end" >> wall.txt
done
/usr/bin/python3 - "$N" "$P" "$MODE" <<'PY'
import json, os, sqlite3, statistics, sys
n, p, other = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
wall = {l.split()[0]: float(l.split()[2]) - float(l.split()[1]) for l in open("wall.txt")}
def q(db, sql):
    return sqlite3.connect(db).execute(sql).fetchall()
def ends(d, key="ended"):
    out = []
    for t in sorted(os.listdir(f"{d}/trials")):
        if t == "arrays":
            continue
        with open(f"{d}/trials/{t}/exit.json") as f:
            out.append(json.load(f)[key])
    return sorted(out)
det = q("slurm/sweep.db", "select detail from events where kind = 'slurm_commands'")[0][0]
c = dict(kv.split("=") for kv in det.split())
w = float(wall["slurm"])
done = q("slurm/sweep.db", "select count(*) from trials where state = 'completed'")[0][0]
print(f"slurm: {done} of {n} trials completed, {p} at a time, wall {w:.1f} s; {other}: wall {float(wall[other]):.1f} s "
      f"(ratio {w / float(wall[other]):.2f})")
per_min = lambda k: int(c[k]) / (w / 60)
print("commands: " + ", ".join(f"{k} {c[k]} ({per_min(k):.1f}/min)" for k in ("sbatch", "squeue", "scontrol", "sacct", "scancel")))
print(f"one query per job would have been {c['one_query_per_job']} squeue calls "
      f"({int(c['one_query_per_job']) / (w / 60):.0f}/min) for the {c['squeue']} made; "
      f"jobs named per squeue: {int(c['one_query_per_job']) / max(1, int(c['squeue'])):.1f} on average")
sub = sorted(t for (t,) in q("slurm/sweep.db", "select time from events where kind = 'submitted'"))
print(f"sbatch: the first {p} submitted in {sub[p - 1] - sub[0]:.3f} s ({(sub[p - 1] - sub[0]) / (p - 1) * 1000:.1f} ms each, with their records)")
if other == "array":
    det = q("array/sweep.db", "select detail from events where kind = 'slurm_commands'")[0][0]
    c = dict(kv.split("=") for kv in det.split())
    print("array: " + ", ".join(f"{k} {c[k]}" for k in ("sbatch", "squeue", "scontrol", "sacct", "scancel")))
for d in ("slurm", other):
    # a trial's end (its supervisor's record) to the start of the one that took its place
    s, e = ends(d, "started"), ends(d)
    lat = sorted(s[p + k] - e[k] for k in range(len(s) - p))
    print(f"{d}: a trial's end -> the next trial's start (supervisors' records): median "
          f"{statistics.median(lat):.3f} s, p90 {lat[int(0.9 * len(lat))]:.3f} s (n={len(lat)})")
for d in ("slurm", "local") if other == "local" else ():
    # a Slurm trial is submitted, then started when its job runs: its submission counts
    kind = "submitted" if d == "slurm" else "started"
    sub = sorted(t for (t,) in q(f"{d}/sweep.db",
        f"select time from events where kind = '{kind}' order by time"))
    e = ends(d)
    lat = [sub[p + k] - e[k] for k in range(len(sub) - p)]
    lat.sort()
    print(f"{d}: a trial's end -> the next submission: median {statistics.median(lat):.3f} s, "
          f"p90 {lat[int(0.9 * len(lat))]:.3f} s, max {lat[-1]:.3f} s (n={len(lat)})")
PY
