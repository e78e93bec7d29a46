#!/bin/bash
# The trainers' parsers (ultralytics, yolov5, mmdet, detectron2, darknet's
# AlexeyAB lines) on the fixtures of tests/fixtures (SOURCES.md): the rows
# written by hand in NAME.expected, or checked one by one below; then what
# `sweep run` stores when a trainer writes a console log and a results.csv,
# and a resumed reader that re-learns a console log's state.
. "$(dirname "$0")/lib.sh"
F="$SRC/tests/fixtures"

m() { sweep metrics "$@"; }
for f in ultralytics-8.1-console ultralytics-narrow-docker ultralytics-8.3.200-console \
         ultralytics-8.2-segment-console ultralytics-8.1-docker-t; do
    check_eq "ultralytics: $f" "$(m -p ultralytics "$F/$f.log")" "$(cat "$F/$f.expected")"
done
check_eq "yolov5: 7.0 console" "$(m -p yolov5 "$F/yolov5-7.0-console.log")" "$(cat "$F/yolov5-7.0-console.expected")"
check_eq "yolov5: 7.0 val.py, with its Speed line" "$(m -p yolov5 "$F/yolov5-7.0-val.log")" "$(cat "$F/yolov5-7.0-val.expected")"
check_eq "yolov5: results.txt" "$(m -p yolov5 "$F/yolov5-2020-results.txt")" "$(cat "$F/yolov5-2020-results.expected")"
# the 2020 console has what results.txt has, less the validation losses
check_eq "yolov5: 2020 console" "$(m -p yolov5 "$F/yolov5-2020-console.log")" \
    "$(grep -v '^[01],val/' "$F/yolov5-2020-results.expected")"
check_eq "mmdet: MMEngine log" "$(m -p mmdet "$F/mmdet-3.3-console.log")" "$(cat "$F/mmdet-3.3-console.expected")"
check_eq "mmdet: scalars.json, the same values" "$(m -p mmdet "$F/mmdet-3.3-scalars.json" | sort)" \
    "$(sort "$F/mmdet-3.3-console.expected")"
check_eq "mmdet: 2.x log (tabs)" "$(m -p mmdet "$F/mmdet-2.25-train.log")" "$(cat "$F/mmdet-2.25.expected")"
check_eq "mmdet: 2.x through syslog (#011)" "$(m -p mmdet "$F/mmdet-2.25-syslog.log")" "$(cat "$F/mmdet-2.25.expected")"
check_eq "detectron2: console" "$(m -p detectron2 "$F/detectron2-0.6-console.log")" "$(cat "$F/detectron2-0.6-console.expected")"
check_eq "darknet: AlexeyAB with -map" "$(m -p darknet "$F/darknet-alexeyab-map.log")" "$(cat "$F/darknet-alexeyab-map.expected")"
# docker logs -t: the same values as the plain console, stdout's rows late
check_eq "ultralytics: docker logs -t, the values of the plain log" \
    "$(m -p ultralytics "$F/ultralytics-8.1-docker-t.log" | sort)" "$(sort "$F/ultralytics-8.1-console.expected")"
# the other stamp form (docker compose logs -t, log collectors), and an offset
check_eq "ultralytics: 'YYYY-MM-DD HH:MM:SS ' stamps" \
    "$(sed -E 's/^([0-9-]{10})T([0-9:]{8})\.[0-9]+Z /\1 \2 /' "$F/ultralytics-8.1-docker-t.log" | m -p ultralytics - | sort)" \
    "$(sort "$F/ultralytics-8.1-console.expected")"
# (issue 22, point 19) stdout later still: the first epochs' stderr (train
# and validation bars) before any stdout line, stdout a block behind, and
# stderr without timestamps: every epoch's values all the same
D=$F/ultralytics-8.1-docker-t.log
bad=0
for order in "1 9 2 3 4 5 6 7 8" "1 9 10 2 3 4 5 6 7 8" "1 9 10 14 15 2 3 4 5 6 7 8 11 12 13" \
             "1 9 10 14 15 19 20 2 3 4 5 6 7 8 11 12 13 16 17 18"; do
    last=0
    { for n in $order; do sed -n "${n}p" "$D"; [ "$n" -gt "$last" ] && last=$n; done; sed -n "$((last + 1)),\$p" "$D"; } > split.log
    [ "$(m -p ultralytics split.log | sort)" = "$(sort "$F/ultralytics-8.1-console.expected")" ] || { bad=$((bad + 1)); echo "order $order differs" >&2; }
done
awk '{ if (index($0, "%|") > 0) sub(/^[0-9TZ:.-]+ /, ""); print }' "$D" > nots.log
[ "$(m -p ultralytics nots.log | sort)" = "$(sort "$F/ultralytics-8.1-console.expected")" ] || bad=$((bad + 1))
check_eq "docker split: stderr epochs ahead of stdout, stderr unstamped: every value" "$bad" 0
check_eq "keyvalue: a stamp with an offset is not a metric" \
    "$(printf '2024-12-22T13:11:04+01:00 epoch=2 loss=0.5\n' | m -p keyvalue -)" "2,loss,0.5"
# AlexeyAB's "Last accuracy" belongs to the iteration printed after it: read
# from the middle of the log it lands there, not on step 1; "mAP@0.50" too
check_eq "darknet: Last accuracy read from the middle of a log" \
    "$(sed -n '/Total Detection Time/,$p' "$F/darknet-alexeyab-map.log" | sed 's/mAP@0.5 /mAP@0.50 /' | m -p darknet - | grep mAP)" \
    "101,mAP50,0.4567
101,best_mAP50,0.4567"
check_eq "darknet: AlexeyAB of 2018, detector map" "$(m -p darknet "$F/darknet-alexeyab-2018.log")" "$(cat "$F/darknet-alexeyab-2018.expected")"

# results.csv: 13 columns a row, 1-based epochs in every generation
out=$(m -p ultralytics "$F/ultralytics-8.1-results.csv")
check_eq "results.csv 8.1: 3 x 13 rows" "$(echo "$out" | wc -l)" 39
check "results.csv 8.1: epoch 1 mAP50-95(B)" grep -qx '1,metrics/mAP50-95(B),0.37104' <<< "$out"
check "results.csv 8.1: epoch 3 lr/pg2" grep -qx '3,lr/pg2,0.0098' <<< "$out"
check_eq "results.csv of 8.0.0 (epochs from 0) reads as 1, 2, 3" \
    "$(m -p ultralytics "$F/ultralytics-8.0.0-results.csv")" "$out"
out=$(m -p ultralytics "$F/ultralytics-8.3.40-results-restarted.csv")
check_eq "restarted results.csv: 3 epochs x 14 names, each once" "$(echo "$out" | wc -l)" 42
check_eq "restarted results.csv: unique (step, name)" "$(echo "$out" | cut -d, -f1,2 | sort -u | wc -l)" 42
check "restarted: the rerun's epoch 1 wins" grep -qx '1,metrics/mAP50-95(B),0.18552' <<< "$out"
check "restarted: its time column" grep -qx '2,time,80.0' <<< "$out"
check "restarted: epoch 3 of the first run stays" grep -qx '3,metrics/mAP50-95(B),0.41812' <<< "$out"
out=$(m -p yolov5 "$F/yolov5-7.0-results.csv")
check_eq "yolov5 results.csv: 2 x 13 rows" "$(echo "$out" | wc -l)" 26
check "yolov5 results.csv: 0-based epochs, the unpadded column" grep -qx '1,metrics/mAP_0.5:0.95,0.30123' <<< "$out"
out=$(m -p detectron2 "$F/detectron2-0.6-metrics.json")
check_eq "metrics.json: 2 x 8 + 4 rows" "$(echo "$out" | wc -l)" 20
check "metrics.json: NaN" grep -qx '39,bbox/AP-person,nan' <<< "$out"
check "metrics.json: iteration is the step" grep -qx '19,total_loss,2.155' <<< "$out"

# one parser, any of its files; told apart by content
out=$(m -p ultralytics "$F/ultralytics-8.1-console.log" "$F/ultralytics-8.1-results.csv")
check_eq "two files: 32 + 39 rows" "$(echo "$out" | wc -l)" 71
check "two files: named" grep -q "ultralytics-8.1-results.csv,1,val/dfl_loss,1.3311" <<< "$out"
check "--json" grep -q '"name": "best/metrics/mAP50-95(B)", "value": 0.419' <<< "$(m -p ultralytics --json "$F/ultralytics-8.1-console.log")"

# a bar that never reached its end (the trainer died): the row counts at the end
hdr=$(printf '%11s' Epoch GPU_mem box_loss cls_loss dfl_loss Instances Size)
check_eq "unfinished bar, no final newline" \
    "$(printf '%s\n\r%11s%11s%11.4g%11.4g%11.4g%11d%11d:  25%%|##5    | 1/4' "$hdr" 1/3 2.61G 1.2214 2.9871 1.3102 17 640 | m -p ultralytics -)" \
    "$(printf '1,gpu_mem,2.61\n1,train/box_loss,1.221\n1,train/cls_loss,2.987\n1,train/dfl_loss,1.31')"
# a run started again, appending to the same log: the same epochs again
# (last value wins, stored once), not the best model's validation
check_eq "restart appended to the log" \
    "$(cat "$F/ultralytics-8.1-console.log" "$F/ultralytics-8.1-console.log" | m -p ultralytics -)" \
    "$(cat "$F/ultralytics-8.1-console.expected")"
# a row whose bar never ended, then the next epoch's: both count
check_eq "next epoch's row flushes a waiting one" \
    "$(printf '%s\n%11s%11s%11.4g%11.4g%11.4g%11d%11d\n%11s%11s%11.4g%11.4g%11.4g%11d%11d\n' "$hdr" \
        1/3 2.61G 1.2214 2.9871 1.3102 17 640 2/3 2.61G 1.1 2.8 1.2 17 640 | m -p ultralytics - | grep box_loss)" \
    "$(printf '1,train/box_loss,1.221\n2,train/box_loss,1.1')"
# classification: one loss, top-1 and top-5 accuracy
check_eq "classification" "$(printf '%11s%11s%11s%11s%11s\n%11s%11s%11.4g%11d%11d: 100%%|##########| 8/8\n%22s%11s%11s: 100%%|##########| 2/2\n%22s%11.3g%11.3g\n' \
        Epoch GPU_mem loss Instances Size 1/5 0.4G 2.3012 16 224 classes top1_acc top5_acc all 0.712 0.951 | m -p ultralytics -)" \
    "$(printf '1,gpu_mem,0.4\n1,train/loss,2.301\n1,metrics/accuracy_top1,0.712\n1,metrics/accuracy_top5,0.951')"
# a token a narrow terminal cut is not read
check_eq "a cut value is not read" \
    "$(printf '%s\n%11s%11s%11.4g%8s\n' "$hdr" 1/3 2.61G 1.2214 '    2.98' | m -p ultralytics -)" \
    "$(printf '1,gpu_mem,2.61\n1,train/box_loss,1.221')"

# sizes with a unit are stored in MiB; eta (1:23:45) is not a number
check_eq "units" "$(printf '[d2.utils.events]:  eta: 0:01:00  iter: 5  max_mem: 24.6Gb  lr: 1e-3  peak: 512KiB\n' | m -p detectron2 -)" \
    "$(printf '5,max_mem,25190.4\n5,lr,0.001\n5,peak,0.5')"

# sweep run: the console log and run/detect/train/results.csv, found under
# the trial's directory; the file's values win, the console adds gpu_mem
# and the best model's validation.
cat > ultra.sh <<SH
#!/bin/bash
cat "$F/ultralytics-8.1-console.log"
mkdir -p runs/detect/train
cp "$F/ultralytics-8.1-results.csv" runs/detect/train/results.csv
SH
chmod +x ultra.sh
cat > u.yaml <<Y
method: grid
metric: {name: metrics/mAP50-95(B), goal: maximize}
parameters: {a: {values: [1]}}
command: [bash, -c, 'cd "\$SWEEP_TRIAL_DIR" && exec $T/ultra.sh']
metrics: {parser: ultralytics}
Y
sweep run -q u.yaml -d u > /dev/null 2> u.err
check_eq "run: exit 0" "$?" 0
val() { sql u/sweep.db "select value from metrics where name = '$1' and step = $2"; }
check_eq "run: results.csv's mAP50-95(B) wins" "$(val 'metrics/mAP50-95(B)' 1)" 0.37104
check_eq "run: results.csv's val loss" "$(val 'val/box_loss' 3)" 1.2213
check_eq "run: results.csv's train loss" "$(val 'train/box_loss' 3)" 1.0398
check_eq "run: console's gpu_mem" "$(val gpu_mem 2)" 2.73
check_eq "run: the best model's validation" "$(val 'best/metrics/mAP50-95(B)' 3)" 0.419
check_eq "run: each (name, step) once" "$(sql u/sweep.db 'select count(*) from metrics')" \
    "$(sql u/sweep.db 'select count(*) from (select distinct name, step from metrics)')"
check_eq "run: rows" "$(sql u/sweep.db 'select count(*) from metrics')" $((39 + 3 + 4 + 4))
check_eq "run: the console's Speed line, the latency of best.pt" "$(val 'speed/inference_ms' 3)" 1.5
check "run: status ranks it by results.csv's best" grep -q 0.41812 <<< "$(sweep status u)"

# metrics.file names the results file explicitly; the log is still read
sed 's/parser: ultralytics}/parser: ultralytics, file: runs\/detect\/train\/results.csv}/' u.yaml > u2.yaml
sweep run -q u2.yaml -d u2 > /dev/null 2>&1
check_eq "metrics.file: the results file's value" \
    "$(sql u2/sweep.db "select value from metrics where name = 'metrics/mAP50-95(B)' and step = 1")" 0.37104
check_eq "metrics.file: and the log's gpu_mem" \
    "$(sql u2/sweep.db "select value from metrics where name = 'gpu_mem' and step = 1")" 2.61

# detectron2: metrics.json (JSON lines) is authoritative too, once it has
# given a name, even when the console prints the same step later
cat > d2.yaml <<'Y'
method: grid
parameters: {a: {values: [1]}}
command:
  - bash
  - -c
  - |
    cd "$SWEEP_TRIAL_DIR" && mkdir -p output
    echo '{"iteration": 19, "total_loss": 2.1}' > output/metrics.json
    sleep 1.5
    echo '[d2.utils.events]:  eta: 0:01:00  iter: 19  total_loss: 2.5  max_mem: 100M'
metrics: {parser: detectron2}
Y
sweep run -q d2.yaml -d d2 > /dev/null 2>&1
check_eq "detectron2 run: metrics.json's value, the console's max_mem" \
    "$(sql d2/sweep.db "select group_concat(name || '@' || step || '=' || value, ' ') from (select * from metrics order by name)")" \
    "max_mem@19=100.0 total_loss@19=2.1"
check_eq "copypaste: an empty field gives no row" \
    "$(printf 'copypaste: Task: bbox\ncopypaste: AP,AP50,AP75\ncopypaste: 40.1,,43.2\n' | m -p detectron2 -)" \
    "$(printf '1,bbox/AP,40.1\n1,bbox/AP75,43.2')"

# kill -9 of sweep while a train row waits for its bar's end; the resumed
# reader re-reads the log up to its offset, so the row still counts.
cat > slow.sh <<SH
#!/bin/bash
printf '%s\n' "$hdr"
printf '\r%11s%11s%11.4g%11.4g%11.4g%11d%11d:  25%%|##5    | 1/4 [00:01<00:03]\r' 1/2 2.61G 1.2214 2.9871 1.3102 17 640
while [ ! -e "$T/go" ]; do sleep 0.05; done
printf '%22s%11s%11s%11s%11s%11s%11s: 100%%|##########| 2/2\n' Class Images Instances 'Box(P' R mAP50 'mAP50-95)'
printf '%22s%11i%11i%11.3g%11.3g%11.3g%11.3g\n' all 128 929 0.613 0.501 0.552 0.371
SH
chmod +x slow.sh
cat > s.yaml <<Y
method: grid
parameters: {a: {values: [1]}}
command: [$T/slow.sh]
metrics: {parser: ultralytics}
Y
sweep run -q s.yaml -d s > /dev/null 2>&1 &
pid=$!
check "resume: the row's line is read" wait_for '[ "$(sql s/sweep.db "select log_offset from trials" 2>/dev/null)" -gt 80 ]' 10
kill -9 $pid
wait $pid 2>/dev/null
sweep run -q s.yaml -d s > /dev/null 2>&1 &
pid=$!
sleep 0.5
touch go
wait $pid
check_eq "resume: exit 0" "$?" 0
check_eq "resume: the waiting row and the validation, at epoch 1" \
    "$(sql s/sweep.db "select group_concat(step || ' ' || name || '=' || value, ', ') from (select * from metrics order by name)")" \
    "1 gpu_mem=2.61, 1 metrics/mAP50(B)=0.552, 1 metrics/mAP50-95(B)=0.371, 1 metrics/precision(B)=0.613, 1 metrics/recall(B)=0.501, 1 train/box_loss=1.221, 1 train/cls_loss=2.987, 1 train/dfl_loss=1.31"

finish
