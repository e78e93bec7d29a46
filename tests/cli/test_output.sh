#!/bin/bash
# What people read (issue 22, point 16): NO_COLOR drops colour only (the
# live progress line stays on a terminal); hints to copy are shell-quoted
# when a path has spaces; a pruned trial is said once, without "killed by
# SIGTERM"; export --csv never repeats a column name; plan with GPUs says
# "as many at a time as the GPUs' memory holds", names promote_args, and
# writes integer budgets as integers.
. "$(dirname "$0")/lib.sh"

cat > s.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  loss: {values: [1, 2]}
  state: {values: [a]}
command: [fake_trainer, "--fake-loss=${loss}", --fake-epochs=3, --fake-sleep=0.4]
resources: {gpus: none, max_parallel: 1}
Y
# on a terminal (script gives the sweep one), NO_COLOR set: the progress line is drawn
script -qec "NO_COLOR=1 sweep run s.yaml -d tty" /dev/null > tty.out 2>&1
check "NO_COLOR: the progress line is still drawn" grep -q $'\r\033\[Krunning 1 | completed' tty.out
check "NO_COLOR: no colour in it" sh -c "! grep -q $'\033\\[3[0-9]m' tty.out"

# a hint with a path that has spaces: quoted, to paste as it is (the first
# run holds the lock for a while: the second comes while it runs, however
# loaded the machine)
sed 's/--fake-sleep=0.4/--fake-sleep=1.5/' s.yaml > slow.yaml
sweep run slow.yaml -d "my runs" > /dev/null 2>&1 &
pid=$!
wait_for '[ -e "my runs/sweep.db" ]' 10
sweep run slow.yaml -d "my runs" 2> lock.err
check_eq "second run: refused" "$?" 2
check "its hint quotes the path" grep -q "or \`sweep stop '$T/my runs'\`" lock.err
wait $pid

# export --csv: the parameters named loss and state are not the objective's
# or the state's columns
sweep export "my runs" --csv > e.csv
check_eq "export: one name per column" "$(head -1 e.csv | tr -d '\r')" \
    "trial,state,loss,loss (parameter),state (parameter),name,step,value,time"

# a pruned trial: said once, its reason without our SIGTERM
cat > p.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
early_terminate: {type: patience, patience: 2}
parameters:
  loss: {values: [-1]}
command: [fake_trainer, "--fake-loss=${loss}", --fake-epochs=50, --fake-sleep=0.05]
resources: {gpus: none}
Y
sweep run p.yaml -d p > p.out 2> p.err
check_eq "pruned: said once" "$(grep -c 'no improvement of loss' p.err)" 1
check "pruned: the line says how it ended" grep -q "^trial 0 pruned in [0-9.]*s (pruned: no improvement of loss on -1.0 in its last 2 values)" p.err
check "pruned: no SIGTERM in its reason" sh -c "! grep -q SIGTERM p.err"

# plan with declared GPUs and hyperband
cat > hb.yaml <<'Y'
method: hyperband
metric: {name: loss, goal: minimize}
budget: {parameter: epochs, min: 1, max: 9, eta: 3}
parameters:
  lr: {min: 0.1, max: 1.0}
  epochs: {value: 1}
command: [fake_trainer, "--fake-loss=${lr}", "--fake-epochs=${epochs}"]
resources: {gpus: [{id: 0, memory: 24GiB}], memory: 4GiB}
run_cap: 12
Y
sweep plan hb.yaml > hb.plan
check "plan: with GPUs, no 4096" grep -q "as many at a time as the GPUs' memory holds$" hb.plan
check "plan: the key of today" grep -q "(promote_args: \[...\] with \${prev_trial_dir})" hb.plan
check "plan --json: integer budgets" grep -q '"rung": 1, "budget": 3, "trials": 2' <(sweep plan hb.yaml --json)
finish
