#!/bin/bash
# What a new user meets (issue 14): a trainer printing "name number" pairs
# is read by the default parser; a trial without a value of the objective
# is said at once and in status; a diverged trial fails at once, not
# retried; a failure's reason carries the log's error line; numbers for
# people are short, CSV stays exact; the closing hint works from anywhere.
. "$(dirname "$0")/lib.sh"

# a trainer of the kind the issue saw: a PyTorch script's epoch lines
cat > pairs.sh <<'S'
#!/bin/bash
for e in 1 2 3; do
    echo "epoch $e/3 train_loss 0.7$e val_loss 0.4$e val_acc 0.8$e lr $1 time 0.13s"
done
S
cat > diverge.sh <<'S'
#!/bin/bash
echo "epoch=1 loss=0.5"
echo "epoch=2 loss=-nan"
sleep 30
echo "epoch=3 loss=0.1"
S
cat > broken.sh <<'S'
#!/bin/bash
echo "epoch=1 loss=0.5"
echo 'Traceback (most recent call last):' >&2
echo '  File "/w/train.py", line 3, in <module>' >&2
echo '    import torch' >&2
echo "ModuleNotFoundError: No module named 'torch'" >&2
exit 1
S
chmod +x pairs.sh diverge.sh broken.sh

cat > p.yaml <<'Y'
method: grid
metric: {name: val_acc, goal: maximize}
parameters:
  lr: {values: [0.08278235406320576, 0.001]}
command: ["./pairs.sh", "${lr}"]
resources: {gpus: none}
Y
sweep run p.yaml -d p > p.out 2> p.err
check_eq "pairs: exit 0" "$?" 0
check_eq "pairs: the objective is read" \
    "$(sql p/sweep.db "select count(*) from metrics where name = 'val_acc'")" 6
check "the run has no no-objective warning" bash -c '! grep -q "gave no value" p.err'
check "the closing hint is absolute" grep -qF "top trials (sweep top $T/p):" p.out
check "top: 5 digits for people" grep -qE '^ +1 +0 +completed +0\.83 +3 +0\.082782$' p.out
sweep top --csv p > p.csv
check "top --csv: exact" grep -qF '1,0,completed,0.83,3,0.08278235406320576,' p.csv
sweep status p > p.status
check "status: the best's parameters for people" grep -qF 'best: trial 0, val_acc 0.83: lr=0.082782' p.status
sweep plan p.yaml > p.plan
check "plan: its table for people" grep -qE '^ +0 +0\.082782$' p.plan
check "plan: the argv stays exact" grep -qF '0.08278235406320576' p.plan

# a parameter named like a column of top's: never two columns with one name
cat > c.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  step: {values: [1]}
command: [echo, "loss=${step}"]
resources: {gpus: none}
Y
sweep run -q c.yaml -d c > /dev/null 2>&1
check "top: a parameter called step is not a second step column" \
    bash -c "sweep top c | head -1 | grep -qE '^rank  trial  state +loss  step  step \(parameter\)  reason$'"

# the objective named as the trainer does not print it
sed 's/name: val_acc,/name: val_accuracy,/' p.yaml > q.yaml
sweep run -q q.yaml -d q > q.out 2> q.err
check_eq "no objective: exit 0" "$?" 0
check "no objective: said at once, even with -q" \
    grep -qF "trial 0 completed, but its log gave no value of val_accuracy: parser keyvalue read lr, train_loss, val_acc, val_loss (is metric.name val_acc meant?); \`sweep metrics --parser keyvalue $T/q/trials/0000/stdout.log\` shows what it reads" q.err
sweep status q > q.status
check "no objective: status says so" \
    grep -qF "note: 2 completed trials gave no value of val_accuracy (parser keyvalue); \`sweep metrics --parser keyvalue q/trials/0000/stdout.log\` shows what it reads" q.status

cat > d.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  i: {values: [1]}
command: ["./diverge.sh"]
retries: 2
resources: {gpus: none}
Y
start=$(date +%s)
sweep run d.yaml -d d > /dev/null 2> d.err
took=$(( $(date +%s) - start ))
check "diverged: stopped at once (took ${took}s)" test "$took" -lt 15
check_eq "diverged: failed with the reason" \
    "$(sql d/sweep.db 'select state, attempts, reason from trials')" \
    "failed|1|diverged: loss nan at step 2"
check "diverged: said" grep -q 'trial 0 diverged: loss nan at step 2; stopping it' d.err

cat > b.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  i: {values: [1]}
command: ["./broken.sh"]
resources: {gpus: none}
Y
sweep run -q b.yaml -d b > /dev/null 2>&1
check_eq "failure: the log's error line in the reason" \
    "$(sql b/sweep.db 'select reason from trials')" \
    "exit code 1: ModuleNotFoundError: No module named 'torch'"
sweep status b > b.status
check "failure: status shows it" grep -qF "  trial 0: exit code 1: ModuleNotFoundError: No module named 'torch'" b.status
sweep top b > b.top
check "failure: top shows it" grep -qF "exit code 1: ModuleNotFoundError: No module named 'torch'" b.top
# W&B's default command, ${env} ${interpreter} ${program} ${args}: argv.json
# says which interpreter ran; a missing one is named in the reason
printf 'echo "epoch=1 loss=0.5"\n' > train.sh
cat > i.yaml <<'Y'
program: train.sh
interpreter: sh
method: grid
parameters:
  lr: {values: [0.1]}
resources: {gpus: none}
Y
sweep run -q i.yaml -d i > /dev/null 2>&1
check_eq "interpreter: argv.json" "$(cat i/trials/0000/argv.json)" \
    "{\"argv\": [\"/usr/bin/env\", \"sh\", \"train.sh\", \"--lr=0.1\"], \"executable\": \"/usr/bin/env\", \"interpreter\": \"sh\", \"interpreter_path\": \"$(command -v sh)\"}"
sed 's/^interpreter: sh/interpreter: python9/' i.yaml > i9.yaml
sweep run -q i9.yaml -d i9 > /dev/null 2> i9.err
check_eq "interpreter missing: refused before anything runs, exit 2" "$?" 2
check "interpreter missing: FILE:LINE:COL names it" \
    grep -q "^i9.yaml:2:14: the command's program python9 is not found on PATH (nor executable there) (\${interpreter}; set interpreter: to the python to use); no trial was started$" i9.err
check "interpreter missing: nothing written" test ! -e i9

# a W&B file for a function agent: no command, no program
cat > w.yaml <<'Y'
method: random
run_cap: 2
metric: {name: loss, goal: minimize}
parameters:
  lr: {min: 0.001, max: 0.1}
Y
sweep plan w.yaml > w.plan 2> w.err
check_eq "no command: plan works" "$?" 0
check "no command: plan shows the trials" grep -qE '^ +1 +0\.[0-9]+$' w.plan
check "no command: plan says run refuses" grep -qF "no command: \`sweep run\` refuses this file: the sweep file needs 'command' or 'program' to run" w.plan
sweep run w.yaml -d w > /dev/null 2> w.err
check_eq "no command: run refuses (exit 2)" "$?" 2
check "no command: FILE:LINE:COL" grep -qF "w.yaml:1:1: the sweep file needs 'command' or 'program' to run" w.err
check "no command: nothing written" test ! -e w
finish
