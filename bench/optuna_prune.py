#!/usr/bin/python3
"""Optuna's pruners over the same trials as bench/early_stop.sh, for a side
by side comparison: each of the given configurations runs as a yolo-sim
subprocess (50 epochs), every epoch's mAP50-95 is reported to Optuna, and
when Optuna says prune, the process is sent SIGTERM. Prints one line:
epochs=N best=V pruned=K past_mean=M past_max=X

Usage: optuna_prune.py PRUNER CONFIGS.json YOLO_SIM N_JOBS [EPOCH_SECONDS]
PRUNER: sha (SuccessiveHalvingPruner(min_resource=5, reduction_factor=3))
        or hyperband (HyperbandPruner(min_resource=5, max_resource=50,
        reduction_factor=3)). CONFIGS.json: `sweep plan --json` output.
Needs Debian's python3-optuna (run with /usr/bin/python3)."""
import json
import re
import subprocess
import sys
import threading

import optuna

EPOCHS = 50
LINE = re.compile(r"^epoch (\d+)/\d+ .*mAP50-95=([0-9.]+)")


def main():
    pruner_name, configs_path, yolo_sim, n_jobs = sys.argv[1:5]
    epoch_seconds = sys.argv[5] if len(sys.argv) > 5 else "0.02"
    configs = [t["params"] for t in json.load(open(configs_path))["trials"]]
    if pruner_name == "sha":
        pruner = optuna.pruners.SuccessiveHalvingPruner(min_resource=5, reduction_factor=3)
    else:
        pruner = optuna.pruners.HyperbandPruner(min_resource=5, max_resource=EPOCHS,
                                                reduction_factor=3)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize", pruner=pruner,
                                sampler=optuna.samplers.RandomSampler(seed=0))
    for p in configs:
        study.enqueue_trial(p)
    lock = threading.Lock()
    stats = {"epochs": 0, "past": [], "best": None}

    def objective(trial):
        # the space of bench/early_stop.sh; enqueue_trial fixes the values
        p = {"lr0": trial.suggest_float("lr0", 1e-4, 1e-1, log=True),
             "momentum": trial.suggest_float("momentum", 0.6, 0.98),
             "weight_decay": trial.suggest_float("weight_decay", 1e-5, 1e-2, log=True),
             "batch": trial.suggest_categorical("batch", [8, 16, 32, 64]),
             "model": trial.suggest_categorical("model", ["n", "s", "m", "l", "x"])}
        argv = [yolo_sim] + ["%s=%s" % (k, v) for k, v in p.items()] + \
               ["epochs=%d" % EPOCHS, "seed=0", "epoch-seconds=" + epoch_seconds]
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, bufsize=1)
        decided, value, seen = None, None, 0
        for line in proc.stdout:
            m = LINE.match(line)
            if not m:
                continue
            seen += 1
            if decided is not None:
                continue  # ran past the decision
            epoch, value = int(m.group(1)), float(m.group(2))
            trial.report(value, epoch)
            if trial.should_prune():
                decided = seen
                proc.terminate()
        proc.wait()
        with lock:
            stats["epochs"] += seen
            if decided is not None:
                stats["past"].append(seen - decided)
        if decided is not None:
            raise optuna.TrialPruned()
        with lock:
            if stats["best"] is None or value > stats["best"]:
                stats["best"] = value
        return value

    study.optimize(objective, n_trials=len(configs), n_jobs=int(n_jobs))
    past = stats["past"]
    print("epochs=%d best=%.4f pruned=%d past_mean=%.1f past_max=%d" % (
        stats["epochs"], stats["best"] or 0, len(past),
        sum(past) / len(past) if past else 0, max(past) if past else 0))


if __name__ == "__main__":
    main()
