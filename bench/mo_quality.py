#!/usr/bin/python3
"""Optuna's side of bench/mo_quality.sh, and its summary.

  mo_quality.py run PROBLEM SAMPLER SEED TRIALS YOLO_SIM
      prints one line: each trial's two minimized objectives "f1,f2" (a
      trailing "!" when it breaks the constraint), in the order asked, 4
      pending at a time (ask until 4 run, tell the oldest, ask again)
  mo_quality.py summary RUNS_FILE N1 N2 ...
      the hypervolume of every run of N1, N2... trials in RUNS_FILE
      (lines: PROBLEM METHOD SEED pairs...), median and quartiles by
      problem and method
PROBLEM: zdt1, zdt2, zdt3 (5 variables, as bench/mo_sim.c), yolo, yolo-c
(yolo-sim: model x imgsz x lr0 x momentum, 20 epochs; -mAP50-95 against
inference_ms; yolo-c with inference_ms <= 5). SAMPLER: nsga2 (Optuna's
NSGAIISampler, its defaults), motpe (TPESampler multivariate, constant
liar: multi-objective TPE), random. Needs Debian's python3-optuna (3.1)."""
import math, subprocess, sys, warnings
warnings.filterwarnings("ignore", category=Warning)
import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)
ZDT_DIM = 5
# the hypervolume's reference point of each problem (objectives minimized);
# with a constraint only the trials that meet it count
REF = {"zdt1": (1.1, 11.0), "zdt2": (1.1, 11.0), "zdt3": (1.1, 11.0), "yolo": (0.0, 55.0),
       "yolo-c": (0.0, 5.5)}


def zdt(kind, t):
    x = [t.suggest_float("x%d" % (k + 1), 0.0, 1.0) for k in range(ZDT_DIM)]
    g = 1 + 9 * sum(x[1:]) / (ZDT_DIM - 1)
    r = x[0] / g
    h = {"1": lambda: 1 - math.sqrt(r), "2": lambda: 1 - r * r,
         "3": lambda: 1 - math.sqrt(r) - r * math.sin(10 * math.pi * x[0])}[kind]()
    return (x[0], g * h), 0.0


def yolo(t, yolo_sim, constrained):
    p = {"model": t.suggest_categorical("model", ["n", "s", "m", "l", "x"]),
         "imgsz": t.suggest_int("imgsz", 320, 1280),
         "lr0": t.suggest_float("lr0", 1e-4, 1e-1, log=True),
         "momentum": t.suggest_float("momentum", 0.6, 0.98)}
    args = ["%s=%s" % (k, v if isinstance(v, str) else repr(v)) for k, v in p.items()]
    out = subprocess.run([yolo_sim] + args + ["weight_decay=0.0005", "batch=16", "epochs=20",
                                              "seed=0"],
                         capture_output=True, text=True, check=True).stdout
    best = float(out.split("best_mAP50-95=")[1].split()[0])
    inf = float(out.split("inference_ms=")[1].split()[0])
    return (-best, inf), (max(0.0, inf - 5) if constrained else 0.0)


def sampler(name, seed, constrained):
    cf = (lambda ft: [ft.user_attrs["violation"]]) if constrained else None
    if name == "nsga2":
        return optuna.samplers.NSGAIISampler(seed=seed, constraints_func=cf)
    if name == "motpe":
        return optuna.samplers.TPESampler(multivariate=True, constant_liar=True, seed=seed,
                                          constraints_func=cf)
    return optuna.samplers.RandomSampler(seed=seed)


def run(problem, name, seed, n, yolo_sim):
    constrained = problem == "yolo-c"
    study = optuna.create_study(directions=["minimize", "minimize"],
                                sampler=sampler(name, seed, constrained))
    pending, out, asked = [], [], 0
    while asked < n or pending:
        while asked < n and len(pending) < 4:
            pending.append(study.ask())
            asked += 1
        t = pending.pop(0)
        if problem.startswith("zdt"):
            f, viol = zdt(problem[3], t)
        else:
            f, viol = yolo(t, yolo_sim, constrained)
        t.set_user_attr("violation", viol)
        study.tell(t, list(f))
        out.append((t.number, "%.10g,%.10g%s" % (f[0], f[1], "!" if viol > 0 else "")))
    print(" ".join(s for _, s in sorted(out)))


def hypervolume(points, ref):
    """Two objectives: the area the points dominate up to ref."""
    pts = sorted(p for p in points if p[0] < ref[0] and p[1] < ref[1])
    area, best2 = 0.0, ref[1]
    for f1, f2 in pts:  # by f1; each point adds its strip below the best f2 so far
        if f2 < best2:
            area += (ref[0] - f1) * (best2 - f2)
            best2 = f2
    return area


def quartiles(v):
    v = sorted(v)
    q = lambda p: v[min(len(v) - 1, max(0, int(round(p * (len(v) - 1)))))]
    return q(0.25), q(0.5), q(0.75)


def summary(path, windows):
    runs = {}
    for line in open(path):
        w = line.split()
        if len(w) < 4:
            continue
        pts = [(float(a), float(b.rstrip("!")), b.endswith("!"))
               for a, b in (s.split(",") for s in w[3:])]
        runs.setdefault(w[0], {}).setdefault(w[1], []).append(pts)
    for problem, by in runs.items():
        ref = REF[problem]
        print("== %s (reference point %g, %g)" % (problem, ref[0], ref[1]))
        print("%-16s" % "method" + "".join("%28s" % ("%d trials" % n) for n in windows))
        for method in sorted(by):
            cells = []
            for n in windows:
                hv = [hypervolume([(a, b) for a, b, bad in pts[:n] if not bad], ref)
                      for pts in by[method] if len(pts) == n]
                if not hv:
                    cells.append("%28s" % "-")
                    continue
                lo, med, hi = quartiles(hv)
                cells.append("%28s" % ("%.4f [%.4f, %.4f]" % (med, lo, hi)))
            seeds = max(sum(1 for pts in by[method] if len(pts) == n) for n in windows)
            print("%-16s" % method + "".join(cells) + "   (%d seeds)" % seeds)


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "run":
        run(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
    elif len(sys.argv) >= 4 and sys.argv[1] == "summary":
        summary(sys.argv[2], [int(x) for x in sys.argv[3:]])
    else:
        sys.exit(__doc__)
