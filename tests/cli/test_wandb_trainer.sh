#!/bin/bash
# W&B trainers (issue 22, point 11): a W&B file whose command passes no
# parameter (wandb-style trainers read wandb.config) gets a warning from
# plan and run, and each trial gets what W&B's agent gives it: its
# parameters in W&B's config file format, named by WANDB_SWEEP_PARAM_PATH
# (what wandb.init() reads into wandb.config).
. "$(dirname "$0")/lib.sh"

# a trainer as W&B users write them: no arguments, the values from the
# config file the agent names (read here with PyYAML, as wandb does)
cat > train.py <<'P'
import os, yaml
with open(os.environ["WANDB_SWEEP_PARAM_PATH"]) as f:
    cfg = yaml.safe_load(f)
cfg = {k: v["value"] for k, v in cfg.items() if k != "wandb_version"}
print("val_loss=%.6f opt=%s" % (cfg["lr"] * 10 + cfg["opt"]["momentum"], cfg["opt"]["name"]))
P
cat > w.yaml <<'Y'
program: train.py
method: grid
metric: {name: val_loss, goal: minimize}
parameters:
  lr: {values: [0.01, 0.1]}
  opt:
    parameters:
      name: {values: [sgd, "yes"]}
      momentum: {value: 0.5}
command: ["${env}", "${interpreter}", "${program}"]
interpreter: /usr/bin/python3
resources: {gpus: none}
Y
sweep plan w.yaml > plan.out 2> plan.err
check_eq "plan: exit 0" "$?" 0
check "plan warns that no parameter is passed" grep -q "^w.yaml: warning: the command passes none of the parameters" plan.err
sweep run w.yaml -d w > run.out 2> run.err
check_eq "run: exit 0" "$?" 0
check "run warns too" grep -q "^w.yaml: warning: the command passes none of the parameters.*WANDB_SWEEP_PARAM_PATH" run.err
check_eq "the config file, in W&B's format" "$(cat w/trials/0000/wandb-config.yaml)" 'wandb_version: 1

"lr":
  value: 0.01
"opt":
  value: {"name": "sgd", "momentum": 0.5}'
check_eq "each trial read its own values" \
    "$(sql w/sweep.db "select group_concat(printf('%.2f', objective)) from (select objective from trials order by id)")" "0.60,0.60,1.50,1.50"
check "a string that YAML would read as a boolean stays a string" grep -q 'opt=yes' w/trials/0001/stdout.log
# a command that passes them: no warning
sed 's/command: .*/command: ["${env}", "${interpreter}", "${program}", "${args}"]/' w.yaml > a.yaml
sweep plan a.yaml > /dev/null 2> a.err
check_eq "passing \${args}: no warning" "$(cat a.err)" ""
finish
