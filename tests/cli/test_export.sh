#!/bin/bash
# sweep export: every trial and metric value, as CSV and JSON, in trial order,
# trials without metrics included, fields quoted where needed.
. "$(dirname "$0")/lib.sh"

cat > e.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  m: {values: ['--fake-epochs=2', '--fake-epochs=0', '--fake-epochs=1']}
  o: {parameters: {a: {values: ['x,"y"']}}}
command: [fake_trainer, "${m}"]
Y
sweep run -q e.yaml -d e > /dev/null
sweep export e --csv > out.csv
check_eq "csv: exit" "$?" 0
# the time column varies: compare the rest
check_eq "csv: rows" "$(sed 's/,[0-9.]*\r$//; s/\r$//' out.csv)" 'trial,state,loss,m,o.a,name,step,value,time
0,completed,0.5,--fake-epochs=2,"x,""y""",loss,1,1.0
0,completed,0.5,--fake-epochs=2,"x,""y""",loss,2,0.5
1,completed,,--fake-epochs=0,"x,""y""",,,
2,completed,1.0,--fake-epochs=1,"x,""y""",loss,1,1.0'
sweep export e --json > out.json
check_eq "json: exit" "$?" 0
check_eq "json: one line per trial" "$(grep -c '^  {"trial": ' out.json)" 3
check "json: metrics as [step, value] pairs" grep -q '"params": {"m": "--fake-epochs=2", "o": {"a": "x,\\"y\\""}}, "metrics": {"loss": \[\[1, 1.0\], \[2, 0.5\]\]}},$' out.json
check "json: a trial without metrics" grep -q '"objective": null, "objective_step": null, "params": {"m": "--fake-epochs=0", "o": {"a": "x,\\"y\\""}}, "metrics": {}},$' out.json
check "json: the sweep" grep -q '^{"sweep": {"spec_path": "e.yaml", .*"method": "grid", "objective": "loss", "goal": "minimize", "summary": "best"' out.json
check_eq "json: closed" "$(tail -1 out.json)" "]}"
sweep export e > /dev/null 2>&1; check_eq "no format: exit 2" "$?" 2
sweep export e --csv --json > /dev/null 2>&1; check_eq "two formats: exit 2" "$?" 2
finish
