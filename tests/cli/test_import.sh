#!/bin/bash
# sweep import (issue 15, warm start): Ultralytics' tune_results.csv and
# YOLOv5's evolve.csv (tests/fixtures, written with the tuners' own write
# statements: tests/fixtures/gen/tune_results.py) become completed trials
# of a bayes sweep; another sweep learns them as a prior; resume goes on
# from them; malformed files and missing columns are FILE:LINE:COL errors,
# exit 2, nothing written.
. "$(dirname "$0")/lib.sh"

F=$SRC/tests/fixtures
cat > tune.yaml <<'Y'
method: bayes
metric: {name: map, goal: maximize}
parameters:
  lr0: {distribution: log_uniform_values, min: 1e-5, max: 1e-1}
  momentum: {min: 0.6, max: 0.98}
  mosaic: {min: 0.0, max: 1.0}
  epochs: {value: 3}
command: [sh, -c, 'echo "map=0.5"', "${args}"]
resources: {gpus: none, max_parallel: 2}
run_cap: 15
Y
sweep import "$F/ultralytics-tune_results.csv" tune.yaml -d u > u.out 2> u.err
check_eq "ultralytics: exit" "$?" 0
check "ultralytics: says what it did" grep -q "u: 12 trials of tune.yaml imported from .*ultralytics-tune_results.csv (Ultralytics tune_results.csv); objective map from fitness (0.1 mAP50 + 0.9 mAP50-95)" u.out
check_eq "ultralytics: states" "$(sql u/sweep.db "select state, count(*) from trials group by state order by state" | tr '\n' ' ')" "completed|11 failed|1 "
check_eq "ultralytics: fitness 0 is a failed iteration" "$(sql u/sweep.db "select reason from trials where id = 5" | sed 's|.*line|line|')" \
    "line 7: fitness 0.0, the tuner's mark of a failed training"
check_eq "ultralytics: the first row" "$(sql u/sweep.db "select objective, params from trials where id = 0")" \
    '0.38673|{"lr0": 0.01, "momentum": 0.937, "mosaic": 0.0375, "epochs": 3}'
check "ultralytics: top ranks them" sh -c 'sweep top u -n 1 | grep -q "^   1      9  completed  *0.49155"'

sweep import "$F/yolov5-evolve.csv" tune.yaml -d v > v.out 2> v.err
check_eq "yolov5: exit" "$?" 0
check "yolov5: fitness from its mAP columns" grep -q "objective map from fitness computed from its columns (0.1 mAP_0.5 + 0.9 mAP_0.5:0.95)" v.out
# row 1: 0.1 * mAP_0.5 + 0.9 * mAP_0.5:0.95, as YOLOv5's fitness()
want=$(awk -F, 'NR == 2 { printf "%.5f", 0.1 * $3 + 0.9 * $4 }' "$F/yolov5-evolve.csv")
check_eq "yolov5: the first row's objective" "$(sql v/sweep.db "select printf('%.5f', objective) from trials where id = 0")" "$want"
check_eq "yolov5: 10 completed" "$(sql v/sweep.db "select count(*) from trials where state = 'completed'")" 10
# a column named as the metric is taken as it is
sed 's/name: map, goal: maximize/name: "metrics\/mAP_0.5:0.95", goal: maximize/' tune.yaml > m.yaml
sweep import "$F/yolov5-evolve.csv" m.yaml -d vm > /dev/null 2>&1
check_eq "yolov5: the metric's own column" "$(sql vm/sweep.db "select printf('%.5f', objective) from trials where id = 0")" \
    "$(awk -F, 'NR == 2 { printf "%.5f", $4 }' "$F/yolov5-evolve.csv")"

# a narrower range: the rows outside it are left out, and counted
sed 's/momentum: {min: 0.6, max: 0.98}/momentum: {min: 0.9, max: 0.98}/' tune.yaml > narrow.yaml
sweep import "$F/ultralytics-tune_results.csv" narrow.yaml -d n > n.out 2>&1
check_eq "narrow: exit" "$?" 0
left=$(awk -F, 'NR > 1 && ($4 < 0.9 || $4 > 0.98)' "$F/ultralytics-tune_results.csv" | wc -l)
check "narrow: left out and counted" grep -q "^$left rows left out: a value outside narrow.yaml's range or values" n.out
check_eq "narrow: the rest imported" "$(sql n/sweep.db "select count(*) from trials")" $((12 - left))

# a sweep learns them as a prior; resume goes on after them
sed 's/run_cap: 15/run_cap: 3\nprior: [u, v]/' tune.yaml > p.yaml
sweep run p.yaml -d p > /dev/null 2> p.err
# (issue 22, point 15) plan reads the priors: no start-up draws listed that
# will not run
sweep plan p.yaml > p.plan
check "plan: the priors' results" grep -q "^prior u: 12 results, learnt before the first suggestion" p.plan
check "plan: the start-up is complete" grep -q "^search: the priors' results complete the start-up" p.plan
check "plan: no random draws listed" sh -c '! grep -q "^trial " p.plan'
sed 's/prior: \[u, v\]/prior: [u, nosuch]/' p.yaml > p1.yaml
sweep plan p1.yaml > p1.plan 2>&1
check "plan: a prior that is not there is said" grep -q "^prior nosuch: .*; left out" p1.plan
check "prior: 12 results learnt" grep -q "prior u: 12 results learnt" p.err
check "prior: 10 results learnt" grep -q "prior v: 10 results learnt" p.err
sweep resume u > /dev/null 2> u.resume
check_eq "resume: goes on to run_cap" "$(sql u/sweep.db "select count(*) from trials")" 15
check_eq "resume: the new ones ran" "$(sql u/sweep.db "select count(*) from trials where id >= 12 and state = 'completed'")" 3

# errors: nothing written, exit 2, FILE:LINE:COL
sed 's/mosaic: {min: 0.0, max: 1.0}/mixup: {min: 0.0, max: 1.0}/' tune.yaml > miss.yaml
sweep import "$F/ultralytics-tune_results.csv" miss.yaml -d e1 > /dev/null 2> e1.err
check_eq "missing column: exit 2" "$?" 2
check "missing column: the message" grep -q "ultralytics-tune_results.csv:1:1: no column for parameter 'mixup' of miss.yaml (its columns: fitness, lr0, lrf," e1.err
check "missing column: nothing written" test ! -e e1
printf 'fitness,lr0,momentum,mosaic\n0.3,0.01,0.9,0.5\n0.4,0.01,oops,0.5\n' > bad.csv
sweep import bad.csv tune.yaml -d e2 > /dev/null 2> e2.err
check_eq "not a number: exit 2" "$?" 2
check_eq "not a number: the message" "$(cat e2.err)" "sweep: bad.csv:3:10: 'oops' is not a number (column momentum)"
check "not a number: nothing written" test ! -e e2
printf 'a,b\n1,2\n' > other.csv
sweep import other.csv tune.yaml -d e3 > /dev/null 2> e3.err
check_eq "unknown format: exit 2" "$?" 2
check "unknown format: says which it reads" grep -q "other.csv:1:1: neither an Ultralytics tune_results.csv" e3.err
sed 's/method: bayes/method: random/' tune.yaml > rnd.yaml
sweep import "$F/ultralytics-tune_results.csv" rnd.yaml -d e4 > /dev/null 2> e4.err
check_eq "random: exit 2" "$?" 2
check "random: import is for bayes and evolve" grep -q "import is for bayes and evolve" e4.err
# (issue 22, point 2) a NUL byte inside a row: refused where it is, not the
# end of the file
printf 'fitness,lr0,momentum,mosaic\n0.3,0.01,0.9,0.5\n0.4,0.01,0.9,0.5\0\n0.5,0.02,0.8,0.5\n' > nul.csv
sweep import nul.csv tune.yaml -d e6 > /dev/null 2> e6.err
check_eq "a NUL byte: exit 2" "$?" 2
check_eq "a NUL byte: where" "$(cat e6.err)" "sweep: nul.csv:3:17: a NUL byte: not a CSV file of a tuner"
check "a NUL byte: nothing written" test ! -e e6
# nan, inf, 1e308 for a normal-family parameter: refused, never stored as null
sed 's/momentum: {min: 0.6, max: 0.98}/momentum: {distribution: normal, mu: 0.9, sigma: 0.05}/' tune.yaml > normal.yaml
for v in nan inf -inf 1e308; do
    printf 'fitness,lr0,momentum,mosaic\n0.3,0.01,%s,0.5\n' "$v" > nf.csv
    sweep import nf.csv normal.yaml -d e7 > /dev/null 2> e7.err
    check_eq "momentum $v: exit 2" "$?" 2
    check "momentum $v: why" grep -q "^sweep: nf.csv:2:10: '$v' (column momentum) is not a number a sweep stores" e7.err
    check "momentum $v: nothing written" test ! -e e7
done
# more rows than run_cap: refused (status counted pending trials below 0)
sed 's/run_cap: 15/run_cap: 5/' tune.yaml > cap5.yaml
sweep import "$F/ultralytics-tune_results.csv" cap5.yaml -d e8 > /dev/null 2> e8.err
check_eq "rows beyond run_cap: exit 2" "$?" 2
check "rows beyond run_cap: says how many" grep -q "12 rows to import, but cap5.yaml runs at most 5 trials (run_cap): raise run_cap to at least 12" e8.err
check "rows beyond run_cap: nothing written" test ! -e e8
# bayes with a budget (BOHB): refused, not rewritten as pruned on the next resume
printf 'budget: {parameter: epochs, min: 1, max: 9, eta: 3}\n' | cat tune.yaml - | sed 's/  epochs: {value: 3}/  epochs: {value: 1}/' > bohb.yaml
sweep import "$F/ultralytics-tune_results.csv" bohb.yaml -d e9 > /dev/null 2> e9.err
check_eq "BOHB: exit 2" "$?" 2
check "BOHB: why" grep -q "bayes with a budget (BOHB) learns each budget level from its own trials" e9.err
check "BOHB: nothing written" test ! -e e9
# a million columns: read in linear time (a realloc per field was quadratic)
/usr/bin/python3 -c "
n = 1000000
print('fitness,lr0,momentum,mosaic,' + ','.join('c%d' % i for i in range(n)))
print('0.3,0.01,0.9,0.5,' + ','.join('1' for i in range(n)))" > wide.csv
timeout 120 sweep import wide.csv tune.yaml -d wide > /dev/null 2> wide.err
check_eq "a million columns: imported" "$?" 0
sweep import "$F/ultralytics-tune_results.csv" tune.yaml -d u > /dev/null 2> e5.err
check_eq "existing directory: exit 2" "$?" 2
check_eq "existing directory: kept" "$(sql u/sweep.db "select count(*) from trials")" 15
finish
