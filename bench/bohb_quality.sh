#!/bin/bash
# Benchmark (issue 15): bayes with a budget (BOHB) against hyperband with the
# same brackets, and against bayes and random without a budget given the
# same epochs, side by side in one run. The surrogate YOLO trainer
# (yolo-sim, mAP50-95 maximized, the grid search's optimum 0.511) over the
# mixed space of bench/search_quality.sh; budget epochs 2..50, eta 3,
# run_cap 60 (79 trials, 1,156-1,230 epochs); bayes and random get 25
# trials of 50 epochs (1,250). 4 at a time, SEEDS seeds, every trial a
# real process through `sweep run`. Prints the median and quartiles of the
# regret of the best trial trained for the full 50 epochs, and the epochs
# each method spent.
# Usage: bench/bohb_quality.sh [BUILD_DIR] [SEEDS]
set -eu
B=$(cd "${1:-build}" && pwd)
SEEDS=${2:-20}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
export PATH="$B:$PATH"

sweep_file() { # METHOD SEED BUDGET(0/1)
    printf 'method: %s\nseed: %d\nmetric: {name: mAP50-95, goal: maximize}\nmetrics: {summary: last}\n' "$1" "$2"
    if [ "$3" = 1 ]; then printf 'budget: {parameter: epochs, min: 2, max: 50, eta: 3}\nrun_cap: 60\n'
    else printf 'run_cap: 25\n'; fi
    printf 'resources: {gpus: none, max_parallel: 4}\nparameters:\n'
    printf '  lr0: {distribution: log_uniform_values, min: 1e-4, max: 1e-1}\n  momentum: {min: 0.6, max: 0.98}\n'
    printf '  weight_decay: {distribution: log_uniform_values, min: 1e-5, max: 1e-2}\n'
    printf '  batch: {values: [8, 16, 32, 64]}\n  model: {values: [n, s, m, l, x]}\n'
    [ "$3" = 1 ] || printf '  epochs: {value: 50}\n'
    printf 'command: [yolo-sim, "${args_no_hyphens}", seed=0, epoch-seconds=0.0004]\n'
}

: > runs.txt
for row in "bohb bayes 1" "hyperband hyperband 1" "bayes-25 bayes 0" "random-25 random 0"; do
    set -- $row
    for s in $(seq 1 "$SEEDS"); do
        sweep_file "$2" "$s" "$3" > s.yaml
        rm -rf d
        sweep run -q s.yaml -d d > /dev/null 2>&1
        # the best trial that ran the full 50 epochs; the epochs all trials ran
        echo "$1 $(sqlite3 d/sweep.db "select max(case when json_extract(params, '$.epochs') = 50 then objective end), sum(json_extract(params, '$.epochs')) from trials" | tr '|' ' ')" >> runs.txt
    done
done
echo "regret of the best 50-epoch trial (median [quartiles]), epochs spent (median); $SEEDS seeds, 4 at a time"
for m in bohb hyperband bayes-25 random-25; do
    ep=$(awk -v m=$m '$1 == m { print $3 }' runs.txt | sort -n | awk '{ e[NR] = $1 } END { print e[int(0.5 * (NR - 1) + 0.5) + 1] }')
    awk -v m=$m '$1 == m { print 0.511 - $2 }' runs.txt | sort -g |
        awk -v m=$m -v ep="$ep" '{ r[NR] = $1 } END {
            printf "%-10s %.4f [%.4f, %.4f]  epochs %d\n", m, r[int(0.5 * (NR - 1) + 0.5) + 1],
                r[int(0.25 * (NR - 1) + 0.5) + 1], r[int(0.75 * (NR - 1) + 0.5) + 1], ep }'
done
