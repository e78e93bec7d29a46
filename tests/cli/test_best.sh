#!/bin/bash
# sweep best (issue 22, point 14): the best configuration as YAML (what a
# trainer or the next sweep takes), as JSON, or as the command line that
# trial ran; nested groups stay nested; nothing completed: exit 1 and why.
. "$(dirname "$0")/lib.sh"

cat > b.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  loss: {values: [3, 0.5, 2]}
  opt:
    parameters:
      name: {values: ["sgd", "no"]}
      momentum: {value: 0.9}
command: [fake_trainer, "--fake-loss=${loss}", "--opt=${opt.name}", "--note=a b", --fake-epochs=2]
resources: {gpus: none, max_parallel: 2}
Y
sweep run -q b.yaml -d b > /dev/null 2>&1
sweep best b > best.yaml
check_eq "best: exit 0" "$?" 0
check_eq "best: YAML of the best trial" "$(cat best.yaml)" '# sweep best b: trial 2, loss 0.25 (minimize) at step 2
"loss": 0.5
"opt":
  "name": "sgd"
  "momentum": 0.9'
check_eq "YAML reads back as the trial's parameters" \
    "$(/usr/bin/python3 -c 'import json, sys, yaml; print(json.dumps(yaml.safe_load(open("best.yaml")), sort_keys=True))')" \
    "$(sql b/sweep.db "select params from trials where id = 2" | /usr/bin/python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))')"
sweep best b --json > best.json
check_eq "--json" "$(/usr/bin/python3 -c 'import json; d = json.load(open("best.json")); print(d["trial"], d["metric"], d["goal"], d["objective"], d["step"], d["params"]["opt"]["name"], d["argv"][3])')" \
    "2 loss minimize 0.25 2 sgd --note=a b"
cmd=$(sweep best b --command)
check_eq "--command: the exact argv, shell-quoted" "$cmd" "fake_trainer --fake-loss=0.5 --opt=sgd '--note=a b' --fake-epochs=2"
check_eq "--command runs as the trial ran" "$(eval "$cmd" | tail -1)" "$(tail -1 b/trials/0002/stdout.log)"
sweep best b --json --yaml 2> two.err
check_eq "two forms: exit 2" "$?" 2

# nothing completed yet
cat > f.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  x: {values: [1]}
command: [fake_trainer, --fake-exit=3]
resources: {gpus: none}
Y
sweep run -q f.yaml -d f > /dev/null 2>&1
sweep best f > f.out 2> f.err
check_eq "no completed trial: exit 1" "$?" 1
check "it says so" grep -q "no trial of f has completed with a value of loss yet" f.err
check_eq "nothing on stdout" "$(cat f.out)" ""
finish
