#!/bin/bash
# sweep plan: the trials in order, as JSON, without launching anything.
. "$(dirname "$0")/lib.sh"

cat > grid.yaml <<'Y'
method: grid
program: train.py
parameters:
  opt:
    values: [sgd, adam]
  lr:
    values: [0.1, 0.01, 0.1]
  wd:
    value: 1e-5
  sched:
    parameters:
      warm: {values: [true, false]}
Y
sweep plan grid.yaml --json > out.json
check_eq "plan --json exit" "$?" 0
# sorted names: lr, opt, sched.warm (wd is a constant); the last varies fastest
expect='{"count": 8, "method": "grid", "trials": [{"index": 0, "params": {"opt": "sgd", "lr": 0.1, "wd": 1e-05, "sched": {"warm": true}}}, {"index": 1, "params": {"opt": "sgd", "lr": 0.1, "wd": 1e-05, "sched": {"warm": false}}}, {"index": 2, "params": {"opt": "adam", "lr": 0.1, "wd": 1e-05, "sched": {"warm": true}}}, {"index": 3, "params": {"opt": "adam", "lr": 0.1, "wd": 1e-05, "sched": {"warm": false}}}, {"index": 4, "params": {"opt": "sgd", "lr": 0.01, "wd": 1e-05, "sched": {"warm": true}}}, {"index": 5, "params": {"opt": "sgd", "lr": 0.01, "wd": 1e-05, "sched": {"warm": false}}}, {"index": 6, "params": {"opt": "adam", "lr": 0.01, "wd": 1e-05, "sched": {"warm": true}}}, {"index": 7, "params": {"opt": "adam", "lr": 0.01, "wd": 1e-05, "sched": {"warm": false}}}]}'
check_eq "grid plan in W&B order" "$(cat out.json)" "$expect"
check_eq "--limit" "$(sweep plan grid.yaml --json --limit 1)" '{"count": 8, "method": "grid", "trials": [{"index": 0, "params": {"opt": "sgd", "lr": 0.1, "wd": 1e-05, "sched": {"warm": true}}}]}'
sweep plan grid.yaml > out.txt
check "text plan shows the command" grep -qF "train.py --opt=sgd --lr=0.1 --wd=1e-05 '--sched={'\\''warm'\\'': True}'" out.txt
check "plan creates nothing" test ! -e runs

cat > rnd.yaml <<'Y'
method: random
command: [x, "${args}"]
parameters:
  a: {min: 0.0, max: 1.0}
Y
check_eq "random without run_cap: count null" "$(sweep plan rnd.yaml --json --limit 0)" '{"count": null, "method": "random", "trials": []}'
n=$(sweep plan rnd.yaml --json | grep -o '"index"' | wc -l)
check_eq "random without run_cap prints 10 by default" "$n" 10
# the same seed plans the same trials
check_eq "plans are reproducible" "$(sweep plan rnd.yaml --json)" "$(sweep plan rnd.yaml --json)"

# a 10^6-point grid is planned from the index
cat > big.yaml <<'Y'
method: grid
command: [x, "${args}"]
parameters:
  a: {min: 1, max: 100}
  b: {min: 1, max: 100}
  c: {min: 1, max: 100}
Y
check_eq "10^6 grid" "$(sweep plan big.yaml --json --limit 1)" '{"count": 1000000, "method": "grid", "trials": [{"index": 0, "params": {"a": 1, "b": 1, "c": 1}}]}'
# valid files plan cleanly, warnings aside
for f in "$SRC"/tests/config/good/*.yaml; do
    sweep plan "$f" --json > good.json 2> good.err
    check_eq "$(basename $f) plans" "$?" 0
done
check_eq "W&B nested grid: 2 x 2 x 3 x 2 x 2 = 48 points" \
    "$(sweep plan "$SRC/tests/config/good/wandb-nested.yaml" --json --limit 1 | grep -o '"count": [0-9]*')" '"count": 48'
check "yes/no are booleans" sh -c "sweep plan '$SRC/tests/config/good/wandb-nested.yaml' --json --limit 1 | grep -q '\"use_bn\": true'"
check "help" sh -c 'sweep plan --help | grep -q "usage: sweep plan"'
# executor: slurm - the sbatch line of the first trials, user data as argv
# elements (a quote in a value stays one word)
cat > sl.yaml <<'Y'
method: grid
parameters:
  lr: {values: [0.1, "it's"]}
command: [python3, train.py, "--lr=${lr}"]
executor: slurm
timeout: 1h
slurm: {partition: gpu, account: lab, gpus: 2, mem: 16G, cpus: 8, args: [--exclusive]}
Y
sweep plan sl.yaml > sl.out 2> sl.err
check_eq "slurm: plans" "$?" 0
check "slurm: 8 jobs at once by default" grep -q "executor: slurm, 8 jobs in the queue at once" sl.out
check "slurm: the sbatch line" grep -qF -- "sbatch --parsable --job-name=sweep-XXXXXXXX-0 '--comment=sweep trial 0 of sweep-XXXXXXXX' --output=DIR/trials/0000/stdout.log --open-mode=append --chdir=$PWD --no-requeue --partition=gpu --account=lab --time=0-01:03:00 --gres=gpu:2 --mem=16G --cpus-per-task=8 --exclusive DIR/trials/0000/job.sh DIR/trials/0000 $PWD -- python3 train.py --lr=0.1" sl.out
check "slurm: a quote stays in its word" grep -qF -- "-- python3 train.py '--lr=it'\\''s'" sl.out
sed -i 's/executor: slurm/executor: slurm\nresources: {max_parallel: 3}/' sl.yaml
check "slurm: max_parallel is the jobs in the queue" sh -c "sweep plan sl.yaml | grep -q 'executor: slurm, 3 jobs in the queue at once'"

sweep plan "$SRC/examples/slurm/sweep.yaml" > ex-slurm.out 2> ex-slurm.err
check_eq "examples/slurm plans" "$?" 0
check "examples/slurm: its trials under shared_dir" grep -qF -- "--output=/shared/sweeps/sweep-XXXXXXXX/0000/stdout.log" ex-slurm.out
(unset SLURM_JOB_ID; sweep plan "$SRC/examples/slurm/allocation.yaml" > ex-alloc.out 2> ex-alloc.err)
check_eq "examples/slurm/allocation plans" "$?" 0
check "examples/slurm/allocation: each trial a step, its cores" \
    grep -qF -- "srun --jobid=JOB --nodes=1 --ntasks=1 --nodelist=NODE --exact --cpus-per-task=8 --job-name=sweep-XXXXXXXX-0 --quiet --overlap --gres=gpu:8 -- /usr/bin/env CUDA_VISIBLE_DEVICES=K yolo train" ex-alloc.out
check "examples/slurm/allocation: \${cpus} is the step's" grep -q "workers=8$" ex-alloc.out
sweep plan "$SRC/examples/slurm/array.yaml" > ex-array.out 2> ex-array.err
check_eq "examples/slurm/array plans" "$?" 0
check "examples/slurm/array: one array, 6 at once, its files under shared_dir" \
    grep -qF -- "--job-name=sweep-XXXXXXXX-a0 --array=0-17%6 '--comment=sweep job array 0 of sweep-XXXXXXXX' --output=/shared/sweeps/sweep-XXXXXXXX/arrays/0/%a.log" ex-array.out

sweep plan; check_eq "no file: exit 2" "$?" 2
sweep plan nosuch.yaml 2> err.txt; check_eq "missing file: exit 2" "$?" 2
check_eq "missing file message" "$(cat err.txt)" "nosuch.yaml: cannot read: No such file or directory"
finish
