#!/usr/bin/python3
"""Optuna's side of bench/search_quality.sh: the same problems, the same
number of trials, 4 pending at a time (ask until 4 run, tell the oldest,
ask again: what an asynchronous pool of 4 workers does).

  search_quality.py run PROBLEM SAMPLER SEED TRIALS YOLO_SIM
      prints one line: the objective of each trial, in the order asked
  search_quality.py time SAMPLER N
      prints the seconds one suggestion takes with N finished trials
PROBLEM: branin, hartmann6, surrogate. SAMPLER: tpe-mv-cl (multivariate,
constant_liar), tpe (the default TPESampler), random.
Needs Debian's python3-optuna (3.1)."""
import math, subprocess, sys, time, warnings
warnings.filterwarnings("ignore", category=Warning)
import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)


def branin(t):
    x = t.suggest_float("x", -5.0, 10.0)
    y = t.suggest_float("y", 0.0, 15.0)
    b, c, s = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (y - b * x * x + c * x - 6) ** 2 + 10 * (1 - s) * math.cos(x) + 10


ALPHA = [1.0, 1.2, 3.0, 3.2]
A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
     [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]


def hartmann6(t):
    x = [t.suggest_float("x%d" % (j + 1), 0.0, 1.0) for j in range(6)]
    return -sum(ALPHA[i] * math.exp(-sum(A[i][j] * (x[j] - P[i][j] * 1e-4) ** 2 for j in range(6)))
                for i in range(4))


def surrogate_params(t):
    return {"lr0": t.suggest_float("lr0", 1e-4, 1e-1, log=True),
            "momentum": t.suggest_float("momentum", 0.6, 0.98),
            "weight_decay": t.suggest_float("weight_decay", 1e-5, 1e-2, log=True),
            "batch": t.suggest_categorical("batch", [8, 16, 32, 64]),
            "model": t.suggest_categorical("model", ["n", "s", "m", "l", "x"])}


def surrogate(t, yolo_sim):
    p = surrogate_params(t)
    out = subprocess.run([yolo_sim] + ["%s=%r" % (k, v) if not isinstance(v, str) else "%s=%s" % (k, v)
                                       for k, v in p.items()] + ["epochs=50", "seed=0"],
                         capture_output=True, text=True, check=True).stdout
    last = [l for l in out.splitlines() if l.startswith("epoch ")][-1]
    return -float(last.split("mAP50-95=")[1].split()[0])  # minimized: -mAP


def sampler(name, seed):
    if name == "tpe-mv-cl":
        return optuna.samplers.TPESampler(multivariate=True, constant_liar=True, seed=seed)
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed)
    return optuna.samplers.RandomSampler(seed=seed)


def run(problem, name, seed, n, yolo_sim):
    study = optuna.create_study(sampler=sampler(name, seed))
    f = {"branin": branin, "hartmann6": hartmann6,
         "surrogate": lambda t: surrogate(t, yolo_sim)}[problem]
    pending, values = [], {}
    asked = 0
    while asked < n or pending:
        while asked < n and len(pending) < 4:
            pending.append(study.ask())
            asked += 1
        t = pending.pop(0)
        v = f(t)
        study.tell(t, v)
        values[t.number] = v
    print(" ".join("%.10g" % values[i] for i in range(n)))


def timing(name, n):
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(hartmann6, n_trials=n)
    study.sampler = sampler(name, 1)
    for _ in range(3):  # pending ones, as in the sweep
        study.ask()
    t0 = time.perf_counter()
    k = 5
    for _ in range(k):
        t = study.ask()
        hartmann6(t)
    print("%.6f" % ((time.perf_counter() - t0) / k))


if __name__ == "__main__":
    if sys.argv[1] == "run":
        run(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
    else:
        timing(sys.argv[2], int(sys.argv[3]))
