#!/bin/bash
# Benchmark (issue 27): how many Slurm commands a sweep sends while its
# jobs run long, on the test cluster (scripts/slurm-cluster.sh), with the
# clock compressed: every wait is a tenth of its default (slurm.poll 0.2 s
# for 2 s, slurm.poll_max 6 s for 60 s) and each trial sleeps LONG seconds
# (a tenth of a trial ten times as long). Side by side in one run: the
# adaptive wait (poll_max 6 s) and the fixed one of earlier versions
# (poll_max = poll: one squeue every poll). Reports each one's commands,
# those of its steady state (after the last submission has settled: the
# second half of the run), and that rate projected to a day at full scale
# (x10): the issue's target is under 2,000 a day for 16 long trials.
# Needs root (the test cluster).
# Usage: bench/slurm_polite.sh [BUILD_DIR] [JOBS] [LONG]
set -eu
B=$(cd "${1:-build}" && pwd)
P=${2:-16}
LONG=${3:-120}
SRC=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d /tmp/sweep-bench.XXXXXX)
chmod 755 "$T"
export SLURM_CI_CTLD_PORT=${SLURM_CI_CTLD_PORT:-26817} SLURM_CI_SLURMD_PORT=${SLURM_CI_SLURMD_PORT:-26818}
trap 'bash "$SRC/scripts/slurm-cluster.sh" stop "$T/c" > /dev/null 2>&1; [ -n "${KEEP:-}" ] && echo "kept $T" || rm -rf "$T"' EXIT
cd "$T"
SLURM_CI_CPUS=$((P * 2 + 2)) bash "$SRC/scripts/slurm-cluster.sh" start "$T/c" > /dev/null
. "$T/c/env.sh"
sleep 3
# each Slurm command is counted by a wrapper first on the sweep's PATH
for mode in adaptive fixed; do
    mkdir -p wrap-$mode
    for c in sbatch squeue sacct scancel scontrol; do
        real=$(command -v $c)
        printf '#!/bin/sh\necho "$(date +%%s.%%N) %s" >> %s/%s.log\nexec %s "$@"\n' $c "$T" $mode "$real" > wrap-$mode/$c
        chmod +x wrap-$mode/$c
    done
done
for mode in adaptive fixed; do
    max=6s; [ $mode = fixed ] && max=0.2s
    cat > $mode.yaml <<Y
method: random
seed: 1
run_cap: $P
metric: {name: loss, goal: minimize}
parameters: {x: {min: 0.0, max: 1.0}}
command: [sh, -c, "echo loss=\$0; sleep $LONG", "\${x}"]
executor: slurm
slurm: {mem: 50M, poll: 0.2s, poll_max: $max}
resources: {max_parallel: $P}
Y
    PATH="$T/wrap-$mode:$PATH" "$B/sweep" run -q $mode.yaml -d $mode > /dev/null 2> $mode.err &
done
wait
/usr/bin/python3 - "$P" "$LONG" <<'PY'
import sys
p, long_s = int(sys.argv[1]), float(sys.argv[2])
for mode in ("adaptive", "fixed"):
    rows = [l.split() for l in open(f"{mode}.log")]
    t = sorted(float(a) for a, _ in rows)
    last_sbatch = max(float(a) for a, c in rows if c == "sbatch")
    # the steady state: from 30 s after the last submission (the waits have grown) to
    # 5 s before the end (the jobs end)
    lo, hi = last_sbatch + 30, t[-1] - 5
    steady = [float(a) for a, c in rows if lo <= float(a) <= hi]
    by = {}
    for _, c in rows:
        by[c] = by.get(c, 0) + 1
    rate = len(steady) / (hi - lo) if hi > lo else float("nan")
    print(f"{mode}: {p} jobs of {long_s:.0f} s, {t[-1] - t[0]:.0f} s from the first command to the last: "
          f"{len(rows)} commands ({', '.join(f'{c} {n}' for c, n in sorted(by.items()))}); "
          f"steady state {len(steady)} in {hi - lo:.0f} s: at full scale (x10) {rate / 10 * 86400:.0f} a day")
PY
