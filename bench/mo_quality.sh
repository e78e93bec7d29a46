#!/bin/bash
# Benchmark (issue 28): how much of the Pareto front each search finds,
# side by side in one run. Two objectives: ZDT1, ZDT2, ZDT3 (5 variables)
# and the simulated YOLO trainer (model size x image size x learning rate x
# momentum: -mAP50-95 against inference milliseconds; yolo-c adds the
# constraint inference_ms <= 5). sweep's random, bayes (multi-objective TPE)
# and evolve (NSGA-II's selection) run in one process through the searcher
# seam (bench/mo_sim.c: 4 pending, the oldest told first); Optuna 3.1's
# NSGAIISampler (its defaults), TPESampler (multivariate, constant liar:
# its multi-objective TPE) and RandomSampler are asked the same way
# (bench/mo_quality.py). Prints the hypervolume (fixed reference point per
# problem, mo_quality.py's REF) of runs of 60 and of 100 trials (each its
# own run: evolve's step shrinks over run_cap): median and quartiles over
# SEEDS seeds.
# Usage: bench/mo_quality.sh [BUILD_DIR] [SEEDS] [TRIALS...]
# (PROBLEMS="zdt1 ..." runs some; OUT=FILE keeps the runs)
set -eu
B=$(cd "${1:-build}" && pwd)
SEEDS=${2:-20}
shift 2 2> /dev/null || shift $#
SIZES=${*:-60 100}
SRC=$(cd "$(dirname "$0")/.." && pwd)
PY=/usr/bin/python3
$PY -c 'import optuna' 2> /dev/null || { echo "needs python3-optuna (apt-get install python3-optuna)" >&2; exit 1; }
RUNS=${OUT:-$(mktemp)}
: > "$RUNS"
for p in ${PROBLEMS:-zdt1 zdt2 zdt3 yolo yolo-c}; do
    for N in $SIZES; do
        for s in $(seq 1 "$SEEDS"); do
            for m in random bayes evolve; do
                echo "$p sweep-$m $s $("$B/mo_sim" $m $p "$s" "$N")" >> "$RUNS"
            done
            for m in nsga2 motpe random; do
                echo "$p optuna-$m $s $($PY "$SRC/bench/mo_quality.py" run $p $m "$s" "$N" "$B/yolo-sim")" >> "$RUNS"
            done
        done
    done
done
echo "hypervolume (median [quartiles]); $SEEDS seeds, 4 pending at a time; larger is better"
$PY "$SRC/bench/mo_quality.py" summary "$RUNS" $SIZES
[ -n "${OUT:-}" ] || rm -f "$RUNS"
