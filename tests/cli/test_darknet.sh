#!/bin/bash
# examples/darknet, smaller: Debian's darknet trains the example's network
# on 16 generated images for 12 iterations, 2 trials, through the real
# template, parser and sweep; a trial whose data is missing (darknet exits 0
# after "Couldn't open file") is failed, not completed.
. "$(dirname "$0")/lib.sh"
command -v darknet > /dev/null || { fail "darknet is not installed (apt-get install darknet)"; finish; exit 1; }
DATA_BIN=$(dirname "$SWEEP_BIN")/shapes-data
mkdir -p ex runs
cp "$SRC"/examples/darknet/{net.cfg.in,data.data.in,backup.keep.in} ex/
"$DATA_BIN" runs/shapes-data 16 64 > /dev/null
check "dataset: 16 images and labels" test "$(ls runs/shapes-data/images | wc -l)" = 16 -a "$(ls runs/shapes-data/labels | wc -l)" = 16
sed -e 's/^run_cap: 8/run_cap: 2/' -e 's/max_batches: {value: 150}/max_batches: {value: 12}/' \
    -e 's/batch: {values: \[8, 16\]}/batch: {values: [4]}/' "$SRC/examples/darknet/sweep.yaml" > ex/sweep.yaml
sweep run -q ex/sweep.yaml -d d > /dev/null
check_eq "darknet: exit" "$?" 0
check_eq "darknet: both trials completed" "$(sql d/sweep.db "select group_concat(state) from trials")" "completed,completed"
check_eq "darknet: 12 iterations each, 5 metrics each" "$(sql d/sweep.db "select count(*) from metrics")" 120
check_eq "darknet: the objective is the last avg loss" \
    "$(sql d/sweep.db "select count(*) from trials t where objective = (select value from metrics m where m.trial = t.id and m.name = 'avg_loss' and m.step = 12)")" 2
lr=$(grep -o '"learning_rate": [0-9.e-]*' d/trials/0000/params.json | cut -d' ' -f2)
check "darknet: the .cfg rendered with the trial's parameters (lr $lr)" grep -q "^learning_rate=$lr\$" d/trials/0000/net.cfg
check "darknet: weights written into the trial directory" test -s d/trials/0000/backup/net_final.weights
# the data gone: darknet prints "Couldn't open file" and exits 0
rm -rf runs/shapes-data
sed -e 's/^run_cap: 2/run_cap: 1/' ex/sweep.yaml > ex/gone.yaml
sweep run -q ex/gone.yaml -d g > /dev/null
check_eq "no data: failed, not completed" "$(sql g/sweep.db "select state || ': ' || reason from trials")" \
    "failed: exit code 0, but no iteration line in its log: the trainer did not train"
check "no data: darknet's own words are in the log" grep -q "Couldn't open file: runs/shapes-data/train.txt" g/trials/0000/stdout.log
finish
