#!/bin/bash
# Benchmark: early termination over real training processes. The simulated
# YOLO trainer (yolo-sim, ../shared/reference/surrogate-trainer.md) over its
# documented space, 50 epochs, 0.02 s per epoch, 200 random configurations
# per seed, max_parallel 16, run through `sweep run` itself. Per seed and
# method: epochs consumed (values of mAP50-95 logged), the best final
# mAP50-95 of a completed trial, whether it is within 1 % of the full
# search's best, and how many epochs pruned trials logged after the value
# that decided their fate.
# Usage: bench/early_stop.sh [BUILD_DIR] [SEEDS]   (default 5 seeds)
set -eu
B=$(cd "${1:-build}" && pwd)
SEEDS=${2:-5}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
export PATH="$B:$PATH"
spec() { # spec SEED EARLY_TERMINATE
    cat <<Y
method: random
seed: $1
run_cap: 200
metric: {name: mAP50-95, goal: maximize}
metrics: {parser: keyvalue, summary: last}
parameters:
  lr0: {distribution: log_uniform_values, min: 1e-4, max: 1e-1}
  momentum: {min: 0.6, max: 0.98}
  weight_decay: {distribution: log_uniform_values, min: 1e-5, max: 1e-2}
  batch: {values: [8, 16, 32, 64]}
  model: {values: [n, s, m, l, x]}
command: [yolo-sim, "\${args_no_hyphens}", epochs=50, seed=0, epoch-seconds=0.02]
resources: {gpus: none, max_parallel: 16}
$2
Y
}
printf '%-5s %-10s %8s %7s %10s %7s %8s %s\n' seed method epochs "%full" best "within" pruned "epochs past decision (mean/max)"
for seed in $(seq 1 "$SEEDS"); do
    full_best=
    full_epochs=
    for m in full asha hyperband median; do
        case $m in
            full) et= ;;
            asha) et='early_terminate: {type: asha, min_iter: 5, eta: 3}' ;;
            hyperband) et='early_terminate: {type: hyperband, min_iter: 5, eta: 3}' ;;
            median) et='early_terminate: {type: median, min_iter: 5, min_trials: 5}' ;;
        esac
        spec "$seed" "$et" > s.yaml
        rm -rf run
        sweep run -q s.yaml -d run > /dev/null 2>&1
        db=run/sweep.db
        epochs=$(sqlite3 $db "select count(*) from metrics where name = 'mAP50-95'")
        best=$(sqlite3 $db "select max(objective) from trials where state = 'completed'")
        pruned=$(sqlite3 $db "select count(*) from trials where state = 'pruned'")
        past=$(sqlite3 $db "select coalesce(printf('%.1f/%d', avg(n - v), max(n - v)), '-') from (select (select count(*) from metrics m where m.trial = t.id and m.name = 'mAP50-95') as n, cast(substr(reason, instr(reason, 'value ') + 6) as integer) as v from trials t where state = 'pruned')")
        if [ $m = full ]; then full_best=$best; full_epochs=$epochs; fi
        awk -v s="$seed" -v m="$m" -v e="$epochs" -v fe="$full_epochs" -v b="$best" -v fb="$full_best" -v p="$pruned" -v past="$past" 'BEGIN {
            printf "%-5s %-10s %8d %6.1f%% %10.4f %7s %8d %s\n", s, m, e, 100 * e / fe, b, (b >= 0.99 * fb ? "yes" : "no"), p, past }'
    done
done
