#!/bin/bash
# sweep metrics on verbatim logs (tests/fixtures/SOURCES.md): exactly the
# rows written by hand in NAME.expected.
. "$(dirname "$0")/lib.sh"
F="$SRC/tests/fixtures"

check_eq "yolo-sim (keyvalue)" "$(sweep metrics --parser keyvalue "$F/yolo-sim.log")" "$(cat "$F/yolo-sim.expected")"
check_eq "MXNet train_mnist (keyvalue)" "$(sweep metrics --parser keyvalue "$F/mxnet-train-mnist.log")" "$(cat "$F/mxnet-train-mnist.expected")"
# PyTorch prints as people mean them (issue 22, point 12): names with their
# phase ("Val Loss", a "train"/"val" line's "Acc"), the epoch of a step line
# or an "Epoch [k/N]" marker as the step, a closing summary at the last
# step, Hugging Face's Trainer's dicts with their fractional epochs
for f in pytorch-transfer-learning pytorch-epoch-bracket hf-trainer-4.40-console; do
    check_eq "$f (keyvalue)" "$(sweep metrics --parser keyvalue "$F/$f.log")" "$(cat "$F/$f.expected")"
done
printf 'train loss: 0.5 loss: 0.4\n' > twice.log
sweep metrics --parser keyvalue twice.log > /dev/null 2> twice.err
check "a name given twice on one line is warned of" grep -q "^twice.log: warning: a line gives train loss twice" twice.err
check_eq "Katib JSON (jsonl)" "$(sweep metrics --parser jsonl "$F/katib-good.json")" "$(cat "$F/katib-good.expected")"
for f in darknet-train darknet-nan darknet-no-data; do
    check_eq "darknet: $f" "$(sweep metrics --parser darknet "$F/$f.log")" "$(cat "$F/$f.expected")"
done
katib='=\{metricName: (?<name>[\w|-]+), metricValue: (?<value>-?\d+(\.\d+)?)\}'
check_eq "Katib TEXT (regex)" "$(sweep metrics --parser regex --pattern "$katib" "$F/katib-text.log")" "$(cat "$F/katib-text.expected")"

# the same through a sweep file's metrics section
cat > k.yaml <<Y
method: grid
parameters: {a: {values: [1]}}
command: [x]
metrics:
  parser: regex
  patterns:
    - regex: '\{metricName: (?<name>[\w|-]+), metricValue: (?<value>-?\d+(\.\d+)?)\}'
Y
check_eq "--config" "$(sweep metrics --config k.yaml "$F/katib-text.log")" "$(cat "$F/katib-text.expected")"

# --json, in file order; NaN is null
printf 'loss=nan acc=0.5\n' > nan.log
check_eq "--json" "$(sweep metrics --parser keyvalue --json nan.log)" '[
  {"step": 1, "name": "loss", "value": null},
  {"step": 1, "name": "acc", "value": 0.5}
]'
check_eq "several files name theirs" "$(sweep metrics -p keyvalue nan.log nan.log | head -1)" "nan.log,1,loss,nan"
check_eq "standard input" "$(printf 'x=2\n' | sweep metrics -p keyvalue -)" "1,x,2.0"
# what the run stores is what metrics prints
mkdir -p r && cp "$F/yolo-sim.log" r/
cat > cat.yaml <<'Y'
method: grid
parameters: {f: {values: [yolo-sim.log]}}
command: [cat, "${f}"]
Y
(cd r && sweep run -q ../cat.yaml -d ../run > /dev/null)
check_eq "stored rows = printed rows" \
    "$(sql run/sweep.db "select step || ',' || name || ',' || value from metrics" | sort)" \
    "$(sweep metrics -p keyvalue "$F/yolo-sim.log" | sort)"

# a step beyond 10^15 is not a step (found by fuzz_metrics: undefined before)
check_eq "jsonl: a huge step" "$(printf '{"step": 1e300, "loss": 1}\n' | sweep metrics -p jsonl -)" "1,loss,1.0"
check_eq "csv: a huge step" "$(printf 'epoch,loss\n1e300,0.5\n' | sweep metrics -p csv -)" "1,loss,0.5"
sweep metrics --parser nosuch nan.log 2> err.txt; check_eq "unknown parser: exit 2" "$?" 2
sweep metrics --parser regex --pattern 'x=y=(' nan.log 2> err.txt; check_eq "bad regex: exit 2" "$?" 2
check "bad regex message" grep -q "invalid regex 'y=(': missing closing parenthesis" err.txt
sweep metrics --parser keyvalue missing.log 2> err.txt; check_eq "missing file: exit 1" "$?" 1
# csv from a file of the trial (metrics.file), padded like Ultralytics'
# results.csv; sweep killed mid-trial and resumed: the resumed reader learns
# the header again from the file's first line, and no row is lost or doubled.
cat > csvtrain.sh <<'SH'
#!/bin/bash
f="$SWEEP_TRIAL_DIR/run/results.csv"
mkdir -p "$(dirname "$f")"
printf '%16s,%16s,%24s\n' epoch train/loss 'metrics/mAP50-95(B)' > "$f"
for e in 1 2 3 4 5 6; do
    sleep 0.4
    printf '%16s,%16s,%24s\n' $e "0.$((10 - e))" "0.0$e" >> "$f"
done
SH
chmod +x csvtrain.sh
cat > csv.yaml <<'Y'
method: grid
metric: {name: metrics/mAP50-95(B), goal: maximize}
parameters: {a: {values: [1]}}
command: [./csvtrain.sh]
metrics: {parser: csv, file: run/results.csv}
Y
sweep run -q csv.yaml -d c > /dev/null 2>&1 &
pid=$!
check "csv: rows arrive" wait_for '[ "$(sql c/sweep.db "select count(*) from metrics" 2>/dev/null)" -ge 2 ]' 10
kill -9 $pid
wait $pid 2>/dev/null
sweep run -q csv.yaml -d c > /dev/null
check_eq "csv: resumed, every row once, under the header's names" \
    "$(sql c/sweep.db "select group_concat(name || '@' || step || '=' || value, ' ') from (select * from metrics order by name, step)")" \
    "metrics/mAP50-95(B)@1=0.01 metrics/mAP50-95(B)@2=0.02 metrics/mAP50-95(B)@3=0.03 metrics/mAP50-95(B)@4=0.04 metrics/mAP50-95(B)@5=0.05 metrics/mAP50-95(B)@6=0.06 train/loss@1=0.9 train/loss@2=0.8 train/loss@3=0.7 train/loss@4=0.6 train/loss@5=0.5 train/loss@6=0.4"
check_eq "csv: the objective" "$(sql c/sweep.db "select objective from trials")" 0.06
finish
