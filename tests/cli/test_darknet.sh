#!/bin/bash
# examples/darknet, smaller: Debian's darknet trains the example's network
# on 32 generated images for 12 iterations, 2 trials, through the real
# template, parser and sweep, then writes its detections on the 4
# validation images (detector valid needs as many as its 4 loader threads)
# and shapes-map scores them: the trials are ranked by mAP@0.5; a trial
# whose data is missing (darknet exits 0 after "Couldn't open file") is
# failed, not completed.
. "$(dirname "$0")/lib.sh"
command -v darknet > /dev/null || { fail "darknet is not installed (apt-get install darknet)"; finish; exit 1; }
DATA_BIN=$(dirname "$SWEEP_BIN")/shapes-data
mkdir -p ex runs
cp "$SRC"/examples/darknet/{net.cfg.in,data.data.in,backup.keep.in,results.keep.in} ex/
"$DATA_BIN" runs/shapes-data 32 64 > /dev/null
check "dataset: 32 images and labels" test "$(ls runs/shapes-data/images | wc -l)" = 32 -a "$(ls runs/shapes-data/labels | wc -l)" = 32
sed -e 's/^run_cap: 8/run_cap: 2/' -e 's/max_batches: {value: 150}/max_batches: {value: 12}/' \
    -e 's/batch: {values: \[8, 16\]}/batch: {values: [4]}/' "$SRC/examples/darknet/sweep.yaml" > ex/sweep.yaml
sweep run -q ex/sweep.yaml -d d > /dev/null
check_eq "darknet: exit" "$?" 0
check_eq "darknet: both trials completed" "$(sql d/sweep.db "select group_concat(state) from trials")" "completed,completed"
check_eq "darknet: 12 iterations each, 5 metrics each, and the mAP" "$(sql d/sweep.db "select count(*) from metrics")" 122
check "darknet: shapes-map scored the detections" grep -q "^ mean average precision (mAP@0.50) = [0-9.]*, or [0-9.]* %" d/trials/0000/stdout.log
check_eq "darknet: the objective is mAP@0.5, at the last iteration" \
    "$(sql d/sweep.db "select count(*) from trials t where objective = (select value from metrics m where m.trial = t.id and m.name = 'mAP50' and m.step = 12)")" 2
check "darknet: detections written into the trial directory" test -e d/trials/0000/results/comp4_det_test_disc.txt
lr=$(grep -o '"learning_rate": [0-9.e-]*' d/trials/0000/params.json | cut -d' ' -f2)
check "darknet: the .cfg rendered with the trial's parameters (lr $lr)" grep -q "^learning_rate=$lr\$" d/trials/0000/net.cfg
check "darknet: weights written into the trial directory" test -s d/trials/0000/backup/net_final.weights
# the data gone: darknet prints "Couldn't open file" and exits 0
rm -rf runs/shapes-data
sed -e 's/^run_cap: 2/run_cap: 1/' ex/sweep.yaml > ex/gone.yaml
sweep run -q ex/gone.yaml -d g > /dev/null
check_eq "no data: failed, not completed (the scoring after it finds no validation list)" \
    "$(sql g/sweep.db "select state || ': ' || reason from trials")" \
    "failed: exit code 1: shapes-map: runs/shapes-data/valid.txt: No such file or directory"
# darknet alone (its own command): exit 0 after "Couldn't open file" is no success
sed -e '/^  - |$/,/^  - sh$/d' -e 's/^  - -c$/  - -c\n  - stdbuf -oL darknet detector train "$1\/data.data" "$1\/net.cfg"\n  - sh/' \
    -e 's/^metric: .*/metric: {name: avg_loss, goal: minimize}/' ex/gone.yaml > ex/alone.yaml
sweep run -q ex/alone.yaml -d a > /dev/null
check_eq "darknet alone, no data: failed, not completed" "$(sql a/sweep.db "select state || ': ' || reason from trials")" \
    "failed: exit code 0, but no iteration line in its log: the trainer did not train"
check "no data: darknet's own words are in the log" grep -q "Couldn't open file: runs/shapes-data/train.txt" g/trials/0000/stdout.log
finish
