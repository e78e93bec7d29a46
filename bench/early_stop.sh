#!/bin/bash
# Benchmark: early stopping and successive halving over real training
# processes, with Optuna's pruners beside them. The simulated YOLO trainer
# (yolo-sim, ../shared/reference/surrogate-trainer.md) over its documented
# space, 50 epochs, 0.02 s per epoch, 200 random configurations per seed,
# run through `sweep run` itself (max_parallel trials at a time). Per seed
# and method: epochs consumed (values of mAP50-95 logged), the best final
# mAP50-95 of a trial that reached epoch 50, whether it is within 1 % of the
# full search's best, trials pruned, and how many epochs pruned trials
# logged after the decision to stop them was taken (values stored after the
# trial's prune_decided event).
#
# Methods: full (no stopping); early_terminate asha, hyperband (W&B's rule)
# and median; method halving and hyperband (budget: epochs 5 -> 15 -> 50,
# eta 3; promoted trials continue from the rung before's checkpoint with
# yolo-sim --resume); Optuna's SuccessiveHalvingPruner(min_resource=5,
# reduction_factor=3) and HyperbandPruner(min_resource=5, max_resource=50,
# reduction_factor=3) on the same 200 configurations (bench/optuna_prune.py,
# n_jobs = max_parallel; skipped when /usr/bin/python3 has no optuna:
# apt-get install python3-optuna).
#
# Usage: bench/early_stop.sh [BUILD_DIR] [SEEDS] [MAX_PARALLEL]   (5 seeds, 16)
set -eu
B=$(cd "${1:-build}" && pwd)
SEEDS=${2:-5}
PAR=${3:-16}
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
export PATH="$B:$PATH"
spec() { # spec SEED METHOD EXTRA
    cat <<Y
method: $2
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
resources: {gpus: none, max_parallel: $PAR}
$3
Y
}
PLAIN='command: [yolo-sim, "${args_no_hyphens}", epochs=50, seed=0, epoch-seconds=0.02]'
RUNGS='budget: {parameter: epochs, min: 5, max: 50, eta: 3}
command: [yolo-sim, "${args_no_hyphens}", seed=0, epoch-seconds=0.02, "ckpt=${trial_dir}/ckpt"]
resume: ["resume=${prev_trial_dir}/ckpt"]'
optuna=1
/usr/bin/python3 -c 'import optuna' 2> /dev/null || optuna=0
printf '%-5s %-16s %8s %7s %8s %7s %7s %s\n' seed method epochs "%full" best within pruned "epochs past decision (mean/max)"
for seed in $(seq 1 "$SEEDS"); do
    full_best=
    full_epochs=
    methods="full asha hyperband median halving method-hyperband"
    [ $optuna = 1 ] && methods="$methods optuna-sha optuna-hyperband"
    for m in $methods; do
        case $m in
            full) spec "$seed" random "$PLAIN" ;;
            asha) spec "$seed" random "$PLAIN
early_terminate: {type: asha, min_iter: 5, eta: 3}" ;;
            hyperband) spec "$seed" random "$PLAIN
early_terminate: {type: hyperband, min_iter: 5, eta: 3}" ;;
            median) spec "$seed" random "$PLAIN
early_terminate: {type: median, min_iter: 5, min_trials: 5}" ;;
            halving) spec "$seed" halving "$RUNGS" ;;
            method-hyperband) spec "$seed" hyperband "$RUNGS" ;;
            optuna-*) spec "$seed" random "$PLAIN" ;;
        esac > s.yaml
        rm -rf run
        case $m in
        optuna-*)
            sweep plan s.yaml --json --limit 200 > configs.json
            read -r epochs best pruned past < <(/usr/bin/python3 "$HERE/optuna_prune.py" "${m#optuna-}" configs.json "$B/yolo-sim" "$PAR" 0.02 |
                sed 's/epochs=\([0-9]*\) best=\([0-9.]*\) pruned=\([0-9]*\) past_mean=\([0-9.]*\) past_max=\([0-9]*\)/\1 \2 \3 \4\/\5/')
            ;;
        *)
            sweep run -q s.yaml -d run > /dev/null 2>&1
            db=run/sweep.db
            epochs=$(sqlite3 $db "select count(*) from metrics where name = 'mAP50-95'")
            best=$(sqlite3 $db "select max(objective) from trials where state = 'completed' and objective_step = 50")
            pruned=$(sqlite3 $db "select count(*) from trials where state = 'pruned'")
            case $m in
            full|halving|method-hyperband) past=- ;; # none pruned, or trials end at their rung's budget
            # values stored after the decision was taken (its event)
            *) past=$(sqlite3 $db "select coalesce(printf('%.1f/%d', avg(n), max(n)), '-') from (select (select count(*) from metrics m where m.trial = ev.trial and m.name = 'mAP50-95' and m.time > ev.time) as n from events ev where ev.kind = 'prune_decided')") ;;
            esac
            ;;
        esac
        if [ $m = full ]; then full_best=$best; full_epochs=$epochs; fi
        awk -v s="$seed" -v m="$m" -v e="$epochs" -v fe="$full_epochs" -v b="$best" -v fb="$full_best" -v p="$pruned" -v past="$past" 'BEGIN {
            printf "%-5s %-16s %8d %6.1f%% %8.4f %7s %7d %s\n", s, m, e, 100 * e / fe, b, (b >= 0.99 * fb ? "yes" : "no"), p, past }'
    done
done
