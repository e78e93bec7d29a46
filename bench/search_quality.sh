#!/bin/bash
# Benchmark (issue 15): how near the optimum each search gets, side by side
# in one run. Branin (2-D, optimum 0.397887), Hartmann-6 (-3.32237), and the
# surrogate YOLO trainer (yolo-sim, 50 epochs, mAP50-95; the grid search's
# optimum 0.511) over a mixed space with a categorical model; SEEDS seeds,
# TRIALS trials, 4 pending at a time. sweep's random, bayes and evolve run
# through `sweep run` (a trainer process per trial), and again in one
# process (bench/search_sim.c: the same suggestions, told one at a time
# exactly as Optuna's pool is; `sweep run` tells two trials that end
# within a tick together, so its rows move a little from run to run);
# Optuna 3.1's
# multivariate TPE with constant liar, its default TPE and its random
# sampler are asked 4 at a time (bench/search_quality.py). Each sweep trial
# takes about 30 ms (testfn's sleep, yolo-sim's epoch-seconds) so that its
# trials end in the order they started, as Optuna's simulated pool tells
# them. Prints the median
# and quartiles of the regret (best found minus the optimum; for the
# surrogate, optimum minus best) after 25, 50 and 100 trials, and the time
# of one suggestion at 100 and 1,000 recorded trials.
# Usage: bench/search_quality.sh [BUILD_DIR] [SEEDS] [TRIALS]
# (PROBLEMS="branin ..." runs some; OUT=FILE keeps the runs; TIMING=0 leaves
# the timing out, for instances run side by side)
set -eu
B=$(cd "${1:-build}" && pwd)
SEEDS=${2:-20}
N=${3:-100}
SRC=$(cd "$(dirname "$0")/.." && pwd)
PY=/usr/bin/python3
$PY -c 'import optuna' 2> /dev/null || { echo "needs python3-optuna (apt-get install python3-optuna)" >&2; exit 1; }
T=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] && echo "kept $T" || rm -rf "$T"' EXIT
cd "$T"
export PATH="$B:$PATH"

space() { # the parameters and command of a problem
    case $1 in
    branin) printf 'metric: {name: loss, goal: minimize}\nparameters:\n  x: {min: -5.0, max: 10.0}\n  y: {min: 0.0, max: 15.0}\ncommand: [testfn, branin, "${x}", "${y}"]\n' ;;
    hartmann6) printf 'metric: {name: loss, goal: minimize}\nparameters:\n'
        for j in 1 2 3 4 5 6; do printf '  x%d: {min: 0.0, max: 1.0}\n' $j; done
        printf 'command: [testfn, hartmann6'; for j in 1 2 3 4 5 6; do printf ', "${x%d}"' $j; done; printf ']\n' ;;
    surrogate) printf 'metric: {name: mAP50-95, goal: maximize}\nmetrics: {summary: last}\nparameters:\n'
        printf '  lr0: {distribution: log_uniform_values, min: 1e-4, max: 1e-1}\n  momentum: {min: 0.6, max: 0.98}\n'
        printf '  weight_decay: {distribution: log_uniform_values, min: 1e-5, max: 1e-2}\n'
        printf '  batch: {values: [8, 16, 32, 64]}\n  model: {values: [n, s, m, l, x]}\n'
        printf 'command: [yolo-sim, "${args_no_hyphens}", epochs=50, seed=0, epoch-seconds=0.0006]\n' ;;
    esac
}
optimum() { case $1 in branin) echo 0.397887 ;; hartmann6) echo -3.32237 ;; surrogate) echo -0.511 ;; esac; }

# one line per run: PROBLEM METHOD SEED v1 v2 ... (minimized values, in the order asked)
: > runs.txt
PROBLEMS=${PROBLEMS:-branin hartmann6 surrogate}
for p in $PROBLEMS; do
    for m in random bayes evolve; do
        for s in $(seq 1 "$SEEDS"); do
            { printf 'method: %s\nrun_cap: %d\nseed: %d\nresources: {gpus: none, max_parallel: 4}\n' $m "$N" "$s"; space $p; } > s.yaml
            rm -rf d
            sweep run -q s.yaml -d d > /dev/null 2>&1
            sign=1; [ $p = surrogate ] && sign=-1
            echo "$p sweep-$m $s $(sqlite3 d/sweep.db "select group_concat(coalesce($sign * objective, 1e9), ' ') from (select objective from trials order by id)")" >> runs.txt
            # the same search in one process, told exactly as Optuna's pool
            # is (bench/search_sim.c): no two trials ending together
            echo "$p sim-$m $s $(search_sim $m $p "$s" "$N")" >> runs.txt
        done
    done
    for m in tpe-mv-cl tpe random; do
        for s in $(seq 1 "$SEEDS"); do
            echo "$p optuna-$m $s $($PY "$SRC/bench/search_quality.py" run $p $m "$s" "$N" "$B/yolo-sim")" >> runs.txt
        done
    done
done

echo "regret (median [quartiles]) after 25, 50, 100 trials; $SEEDS seeds, 4 pending at a time"
for p in $PROBLEMS; do
    echo "== $p"
    # METHOD WINDOW REGRET per run, then the quartiles of each (method, window)
    awk -v p=$p -v opt="$(optimum $p)" -v n="$N" '$1 == p { best = 1e300
        for (i = 4; i <= NF; i++) { if ($i < best) best = $i
            if (i - 3 == 25 || i - 3 == 50 || i - 3 == n) print $2, i - 3, best - opt } }' runs.txt |
        sort -k1,1 -k2,2n -k3,3g |
        awk 'function flush() { if (!k) return; line[m] = line[m] sprintf("  %7.4g [%.3g, %.3g]", v[int(0.5 * (k - 1) + 0.5) + 1], v[int(0.25 * (k - 1) + 0.5) + 1], v[int(0.75 * (k - 1) + 0.5) + 1]); k = 0 }
             { if ($1 != m || $2 != w) { flush(); m = $1; w = $2; seen[m] = 1 } v[++k] = $3 }
             END { flush(); for (x in seen) printf "%-18s%s\n", x, line[x] }' | sort
    # the target: bayes at 50 trials at least as near as Optuna's multivariate TPE
    awk -v p=$p -v opt="$(optimum $p)" '$1 == p { best = 1e300
        for (i = 4; i <= NF && i <= 53; i++) if ($i < best) best = $i
        print $2, best - opt }' runs.txt | sort -k1,1 -k2,2g |
        awk '{ if ($1 != m) { if (m != "") med[m] = v[int(0.5 * (k - 1) + 0.5) + 1]; m = $1; k = 0 } v[++k] = $2 }
             END { med[m] = v[int(0.5 * (k - 1) + 0.5) + 1]; o = med["optuna-tpe-mv-cl"]
                   if (o > 0) printf "median regret at 50, bayes / Optuna TPE mv+cl: sweep run %.2f, in one process %.2f\n", med["sweep-bayes"] / o, med["sim-bayes"] / o }'
done
cp runs.txt "${OUT:-/dev/null}" 2> /dev/null || true
[ "${TIMING:-1}" = 0 ] && exit 0
echo "== seconds per suggestion (Hartmann-6's space, 3 running)"
for n in 100 1000; do
    printf 'at %4d recorded: sweep bayes %s, sweep evolve %s, optuna tpe-mv-cl %s, optuna tpe %s\n' $n \
        "$(suggest_time bayes $n)" "$(suggest_time evolve $n)" \
        "$($PY "$SRC/bench/search_quality.py" time tpe-mv-cl $n)" "$($PY "$SRC/bench/search_quality.py" time tpe $n)"
done
