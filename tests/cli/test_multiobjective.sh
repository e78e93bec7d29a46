#!/bin/bash
# Several objectives (issue 28, docs/config.md): metric as a list and
# constraints in the sweep file, with FILE:LINE:COL for their mistakes;
# a grid on yolo-sim (model x image size: mAP50-95 against inference time,
# inference_ms <= 5) ranked by Pareto front in top, the front in best, its
# size and hypervolume in status (checked against a computation of their
# own here); kill -9 before a commit and resume: the same fronts; bayes
# and evolve search both objectives and learn the constraint.
. "$(dirname "$0")/lib.sh"
cat > s.yaml <<'Y'
method: grid
metric:
  - {name: mAP50-95, goal: maximize}
  - {name: inference_ms, goal: minimize}
constraints: ["inference_ms <= 5"]
parameters:
  model: {values: [n, s, m, l, x]}
  imgsz: {values: [320, 480, 640, 960]}
command: [yolo-sim, "--model=${model}", "--imgsz=${imgsz}", --epochs=4, --seed=3]
resources: {gpus: none, max_parallel: 2}
Y
sweep plan s.yaml > plan.txt
check "plan: both objectives" grep -q "^objectives: maximize mAP50-95, minimize inference_ms" plan.txt
check "plan: the constraint" grep -q "^constraint: inference_ms <= 5" plan.txt

# mistakes, at their line and column
bad() { # bad TEXT EXPECTED: sweep plan says EXPECTED (a grep pattern), exit 2
    printf '%s\n' "$1" > b.yaml
    sweep plan b.yaml > /dev/null 2> b.err
    local rc=$?
    check_eq "refused ($2): exit 2" "$rc" 2
    check "said: $2" grep -q "$2" b.err
}
bad 'method: grid
metric:
  - {name: a, goal: maximize}
  - {name: b, goal: up}
parameters: {x: {values: [1]}}
command: [x]' "b.yaml:4:21: objective b needs a 'goal': minimize or maximize"
bad 'method: grid
metric:
  - {name: a, goal: maximize}
  - {name: a, goal: minimize}
parameters: {x: {values: [1]}}
command: [x]' "b.yaml:4:12: objective a is named twice"
bad 'method: grid
metric: [{name: a, goal: maximize}, {name: b, goal: minimize}]
constraints: ["lat <= 5ms"]
parameters: {x: {values: [1]}}
command: [x]' "b.yaml:3:24: unexpected text after the number"
bad 'method: grid
metric: [{name: a, goal: maximize}, {name: b, goal: minimize}]
constraints: ["lat ~ 5"]
parameters: {x: {values: [1]}}
command: [x]' "b.yaml:3:20: expected <=, <, >= or > after the metric's name"
bad 'method: hyperband
metric: [{name: a, goal: maximize}, {name: b, goal: minimize}]
budget: {parameter: epochs, min: 1, max: 9, eta: 3}
parameters: {x: {min: 0.0, max: 1.0}}
command: [x]' "b.yaml:1:9: method hyperband does not search several objectives: random, grid, bayes and evolve do"
bad 'method: bayes
metric: [{name: a, goal: maximize}, {name: b, goal: minimize}]
budget: {parameter: epochs, min: 1, max: 9, eta: 3}
parameters: {x: {min: 0.0, max: 1.0}}
command: [x]' "b.yaml:3:9: bayes with a budget (BOHB) does not search several objectives"
bad 'method: random
metric: {name: a, goal: maximize}
constraints: ["lat <= 5"]
parameters: {x: {min: 0.0, max: 1.0}}
command: [x]' "b.yaml:3:14: constraints go with several objectives"
bad 'method: random
metric: [{name: a, goal: maximize}, {name: b, goal: minimize}]
early_terminate: {type: hyperband, min_iter: 1}
parameters: {x: {min: 0.0, max: 1.0}}
command: [x]' "b.yaml:3:18: early_terminate with several objectives is refused"

sweep run s.yaml -d r > run.out 2> r.err
check_eq "the sweep ran: exit 0" "$?" 0
check "its closing leaderboard is by front" grep -q "^rank  trial  state      front  mAP50-95  inference_ms  feasible" run.out
sweep top r --json > top.json
sweep status r --json > status.json
sweep best r --json > best.json
check "top ranks by front (the first front: feasible, non-dominated; every other feasible trial beaten by one of it; infeasible last), status's front and hypervolume" \
    /usr/bin/python3 - <<'PY'
import json
top = json.load(open("top.json")); st = json.load(open("status.json")); best = json.load(open("best.json"))
assert len(top) == 20, len(top)
pts = [(t["objectives"]["mAP50-95"], t["objectives"]["inference_ms"], t) for t in top]
feas = [p for p in pts if p[1] <= 5]
def dom(a, b): return a[0] >= b[0] and a[1] <= b[1] and (a[0] > b[0] or a[1] < b[1])
front = [p for p in feas if not any(dom(q, p) for q in feas)]
ids = sorted(p[2]["trial"] for p in front)
assert sorted(t["trial"] for t in top if t["front"] == 1) == ids, (ids, top)
assert all(t["feasible"] == (t["objectives"]["inference_ms"] <= 5) for t in top)
fronts = [t["front"] for t in top]
assert fronts == sorted(fronts), fronts
assert all(not t["feasible"] for t in top[len(feas):]), "infeasible after feasible"
assert sorted(b["trial"] for b in best) == ids, best
assert st["front_size"] == len(ids)
# the hypervolume against status's reference point, computed here
ref = st["hypervolume_reference"]; rm, rl = ref["mAP50-95"], ref["inference_ms"]
f = sorted((p for p in front if p[0] > rm and p[1] < rl), key=lambda p: p[1])
hv, best_map = 0.0, rm
for k, p in enumerate(f):
    nxt = f[k + 1][1] if k + 1 < len(f) else rl
    best_map = max(best_map, p[0])
    hv += (nxt - p[1]) * (best_map - rm)
assert abs(hv - st["hypervolume"]) < 1e-9, (hv, st["hypervolume"])
PY
sweep best r > best.txt
check "best without --by: the front as a table" grep -q "^rank  trial  state      front  mAP50-95  inference_ms" best.txt
fast=$(sweep best r --by inference_ms --json | sed -n 's/^{"trial": \([0-9]*\),.*/\1/p')
check_eq "best --by inference_ms: the fastest trial" "$fast" \
    "$(/usr/bin/python3 -c 'import json; t = json.load(open("top.json")); print(min((x for x in t if x["feasible"]), key=lambda x: (x["objectives"]["inference_ms"], x["trial"]))["trial"])')"
sweep best r --by inference_ms > by.yaml
check "best --by: its comment gives the objective it was chosen by" \
    grep -q "^# sweep best r: trial $fast, inference_ms [0-9.]* (minimize; the best of the trials that meet the constraints)" by.yaml
sweep best r --by nope > /dev/null 2> by.err
check_eq "best --by an unknown objective: exit 2" "$?" 2
check "said which there are" grep -q "nope is not an objective of this sweep (mAP50-95, inference_ms)" by.err
sweep status r > status.txt
check "status: every objective's goal, no 'best' by the first alone" \
    sh -c 'grep -q "^r: grid search, maximize mAP50-95, minimize inference_ms$" status.txt && ! grep -q "^best:" status.txt'
check "status: the front's size and hypervolume" grep -q "^front: [0-9]* trials of 20 completed meet the constraints" status.txt

# the report's Pareto plot: every completed trial, the front joined
sweep report r > /dev/null 2> rep.err
check "report: pareto.png drawn" test -s r/report/pareto.png
check "report: on the page" grep -q 'pareto.png' r/report/index.html
check "report: the page says the first front's size, as status" \
    grep -q "<h2>The first front</h2>\$" r/report/index.html
check_eq "report: the page's front size" \
    "$(sed -n 's/^<p>\([0-9]*\) of 20 completed trials meet the constraints.*/\1/p' r/report/index.html)" \
    "$(/usr/bin/python3 -c 'import json; print(json.load(open("status.json"))["front_size"])')"
check_eq "report: the front's points, as top's front 1" \
    "$(awk 'BEGIN { b = 0 } /^$/ { if (++blank % 2 == 0) b++; next } { blank = 0 } b == 2 { n++ } END { print n + 0 }' r/report/data/pareto.dat)" \
    "$(/usr/bin/python3 -c 'import json; print(sum(1 for t in json.load(open("top.json")) if t["front"] == 1))')"

# the hypervolume against trials: its last value is status's (one sweep:
# the same reference point), and it never falls
check "report: hypervolume.png drawn" test -s r/report/hypervolume.png
check_eq "report: the hypervolume after the last trial, as status says it" \
    "$(awk 'NF { v = $3 } END { printf "%.6g", v }' r/report/data/hypervolume.dat)" \
    "$(/usr/bin/python3 -c 'import json; print("%.6g" % json.load(open("status.json"))["hypervolume"])')"
check "report: the hypervolume never falls as trials end" \
    awk 'NF { if ($3 < last - 1e-12) exit 1; last = $3 }' r/report/data/hypervolume.dat

# three objectives: parallel coordinates by front, the first front's lines
# those of top's front 1
cat > s3.yaml <<'Y'
method: random
run_cap: 16
metric:
  - {name: acc, goal: maximize}
  - {name: lat, goal: minimize}
  - {name: mem, goal: minimize}
constraints: ["mem <= 8"]
parameters:
  x: {min: 0.0, max: 1.0}
  y: {min: 0.0, max: 1.0}
  z: {min: 1.0, max: 10.0}
command: [printf, "acc=%s lat=%s mem=%s\n", "${x}", "${y}", "${z}"]
resources: {gpus: none, max_parallel: 2}
Y
sweep run -q s3.yaml -d r3 > /dev/null 2>&1
sweep report r3 > /dev/null 2>&1
check "report, three objectives: front_parallel.png drawn" test -s r3/report/front_parallel.png
check "report, three objectives: no Pareto plot of two" test ! -e r3/report/pareto.png
check_eq "report, three objectives: the first front's lines are top's front 1" \
    "$(awk '$4 == 13 { n++ } END { print n + 0 }' r3/report/data/front_parallel.dat)" \
    "$(sweep top r3 --json | /usr/bin/python3 -c 'import json, sys; print(sum(1 for t in json.load(sys.stdin) if t["front"] == 1))')"

# kill -9 just before a commit, resumed: the same fronts as the whole run
want=$(sweep top r --json)
bad=0
for k in 5 17 40; do
    rm -rf c
    SWEEP_TEST_CRASH_BEFORE_COMMIT=$k sweep run -q s.yaml -d c > /dev/null 2>> c.err
    sweep run -q s.yaml -d c > /dev/null 2>> c.err || bad=$((bad + 1))
    [ "$(sweep top c --json)" = "$want" ] || { bad=$((bad + 1)); echo "k=$k: other fronts" >&2; }
done
check_eq "after kill -9 and resume, the same ranking" "$bad" 0

# bayes and evolve learn both objectives and the constraint: after their
# random start-up (10 and 4 trials) most trials meet inference_ms <= 5,
# against a third or so of the random draws; every trial says both values
for m in bayes evolve; do
    cat > $m.yaml <<Y
method: $m
run_cap: 30
seed: 2
metric:
  - {name: mAP50-95, goal: maximize}
  - {name: inference_ms, goal: minimize}
constraints: ["inference_ms <= 5"]
parameters:
  model: {values: [n, s, m, l, x]}
  imgsz: {min: 320, max: 1280}
  lr0: {distribution: log_uniform_values, min: 1e-4, max: 1e-1}
command: [yolo-sim, "--model=\${model}", "--imgsz=\${imgsz}", "--lr0=\${lr0}", --epochs=3, --seed=3]
resources: {gpus: none, max_parallel: 2}
Y
    sweep plan $m.yaml > $m.plan
    check "$m: plan says how it searches several objectives" grep -q "Pareto front (those that meet the constraints first)" $m.plan
    sweep run $m.yaml -d $m > $m.out 2> $m.err
    check_eq "$m: the sweep ran: exit 0" "$?" 0
    check "$m: each trial's line has both objectives" grep -q "^trial [0-9]* completed in [0-9.]*s: mAP50-95 [0-9.]*, inference_ms [0-9.]*" $m.err
    start=$( [ $m = bayes ] && echo 10 || echo 4 )
    feas=$(sql $m/sweep.db "select count(*) from trials t where id >= $start and (select value from metrics m where m.trial = t.id and m.name = 'inference_ms') <= 5")
    all=$(sql $m/sweep.db "select count(*) from trials where id >= $start")
    check "$m: most trials after the start-up meet the constraint ($feas of $all)" test $((feas * 3)) -ge $((all * 2))
done
finish
