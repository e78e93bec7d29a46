#!/bin/bash
# What a person reads in a report (issue 14, points 6, 11, 12, 13): a
# halving sweep's leaderboard has one row per configuration, with its rung
# and its rungs named, and a continued configuration is one curve; a
# diverged trial's huge values do not set the objective's axis (the caption
# says so); the log axis says it is one; which parameters matter is a table
# and a figure; and the page, in a real browser (headless Chromium), loads
# every image without an error. The screenshot stays in the build tree
# (Testing/report-screenshot.png).
. "$(dirname "$0")/lib.sh"
command -v gnuplot > /dev/null || { fail "gnuplot is not installed (apt-get install gnuplot-nox)"; finish; exit 1; }

# halving with checkpoints: 9 configurations, rungs 1, 3, 9 epochs
cat > h.yaml <<'Y'
method: halving
metric: {name: loss, goal: minimize}
metrics: {summary: last}
budget: {parameter: epochs, min: 1, max: 9, eta: 3, sampler: grid}
parameters:
  l: {values: [5, 2, 9, 1, 7, 3, 8, 4, 6]}
command: [fake_trainer, "--fake-epochs=${epochs}", "--fake-loss=${l}", "--fake-ckpt=${trial_dir}/ckpt"]
promote_args: ["--fake-resume=${prev_trial_dir}/ckpt"]
resources: {gpus: none, max_parallel: 3}
Y
sweep run -q h.yaml -d h > /dev/null
sweep report h > /dev/null 2> h.err
check_eq "halving: report exit" "$?" 0
P=h/report/index.html
lb=$(sed -n '/<h2>Leaderboard/,/<\/table>/p' $P)
check_eq "halving: one leaderboard row per configuration" "$(grep -c '<tr class=' <<< "$lb")" 9
check "halving: a rung column" grep -q '<th>at step</th><th>rung</th>' <<< "$lb"
check "halving: no two columns with one name" bash -c "! grep -q '<th>epochs</th>.*<th>epochs</th>' $P"
# the winner, L = 1: trial 3 at rung 0, 10 at rung 1, 12 at rung 2
check "halving: the winner's rungs named" grep -q 'rungs: trials 3 &#8594; 10 &#8594; 12\.' <<< "$lb"
check "halving: early stopping named" grep -q '<td>successive halving at each rung</td>' $P
# its curve: steps 1..9 as one block (continued from the checkpoints)
check "halving: one curve across the rungs" \
    awk 'BEGIN { RS = "\n\n\n" } { s = ""; n = split($0, l, "\n"); for (i = 1; i <= n; i++) { split(l[i], f, " "); if (f[1] != "") s = s f[1] "," } if (s == "1,2,3,4,5,6,7,8,9,") found = 1 } END { exit !found }' h/report/data/objective.dat
check "halving: the caption says so" grep -q 'one line across its rungs' $P

# a diverging trial (loss 1e+35, then nan) among ordinary ones
cat > div.sh <<'S'
#!/bin/bash
if [ "$1" = 3 ]; then echo "epoch=1 loss=2.5"; echo "epoch=2 loss=1e+35"; echo "epoch=3 loss=-nan"; exit 0; fi
for e in 1 2 3 4; do echo "epoch=$e loss=$(awk -v l="$1" -v e=$e 'BEGIN { print l / e + 0.1 }')"; done
S
chmod +x div.sh
cat > d.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
metrics: {summary: last}
parameters:
  lr: {values: [1, 2, 3, 4, 5, 6, 7, 8]}
command: ["./div.sh", "${lr}"]
resources: {gpus: none, max_parallel: 2}
Y
sweep run -q d.yaml -d d > /dev/null
sweep report d > /dev/null 2>&1
check "diverged: the axis is set by the others" grep -qE '^set yrange \[[0-9.e+-]+:[0-9.]+\]$' d/report/objective.gp
check "diverged: the axis ends near the ordinary values, not at 1e+35" \
    awk '/^set yrange/ { found = 1; split($3, a, ":"); sub(/\]/, "", a[2]); if (a[2] + 0 > 100) bad = 1 } END { exit !(found && !bad) }' d/report/objective.gp
check "the log axis says so" grep -q "set ylabel 'loss (log scale)'" d/report/objective.gp
check "diverged: the caption counts it" grep -q '1 value outside the usual range (1e+35) are off the chart' d/report/index.html
check "diverged: failed in the leaderboard" grep -q 'diverged: loss nan at step 3' d/report/index.html

# which parameters matter: lr sets the loss, the other does nothing
cat > imp.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
metrics: {summary: last}
parameters:
  lr: {values: [1, 2, 3, 4, 5, 6]}
  seed: {values: [1, 2]}
command: [fake_trainer, "--fake-loss=${lr}", --fake-epochs=2]
resources: {gpus: none, max_parallel: 2}
Y
sweep run -q imp.yaml -d imp > /dev/null
sweep report imp > /dev/null 2>&1
I=$(sed -n '/<h2>Which parameters matter/,/<\/table>/p' imp/report/index.html)
check "importance: a table" grep -q '<th>variance explained</th><th>rank correlation</th>' <<< "$I"
check "importance: lr first, all its variance, rank correlation +1" \
    grep -qE '<tr><td>lr</td><td class="n">(9[0-9]|100)% <span class="dim">\(6 categories\)</span></td><td class="n">\+1\.00</td><td class="n">12</td><td>a larger lr goes with a worse objective</td></tr>' <<< "$I"
check "importance: a short list of numbers is drawn as categories in order" \
    grep -q "set xtics ('1' 0, '2' 1, '3' 2, '4' 3, '5' 4, '6' 5)" imp/report/param-1.gp
check "importance: seed explains nothing" grep -qE '<tr><td>seed</td><td class="n">0% .*little effect seen' <<< "$I"
check "importance: a figure" test -s imp/report/importance.png
check "importance: documented" grep -q 'Which parameters matter' "$SRC/docs/reports.md"
# (issue 22, point 13) 5 trials: nothing said, not "explains 100%"
sed 's/lr: {values: \[1, 2, 3, 4, 5, 6\]}/lr: {values: [1, 2, 3, 4, 5]}/; s/seed: {values: \[1, 2\]}/seed: {value: 1}/' imp.yaml > few.yaml
sweep run -q few.yaml -d few > /dev/null
sweep report few > /dev/null 2>&1
check "importance: 5 trials are too few to tell" \
    grep -q 'Too few trials to tell (5; it takes 10 completed or pruned trials' few/report/index.html
check "importance: no percentage from 5 trials" sh -c '! grep -q "100% <span" few/report/index.html'
# pruned trials count, at the value they were stopped with
cat > pr.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
early_terminate: {type: patience, patience: 2}
parameters:
  lr: {values: [-1, -2, -3, -4, -5, -6, 1, 2, 3, 4, 5, 6]}
command: [fake_trainer, "--fake-loss=${lr}", --fake-epochs=6, --fake-sleep=0.02]
resources: {gpus: none, max_parallel: 3}
Y
sweep run -q pr.yaml -d pr > /dev/null
sweep report pr > /dev/null 2>&1
check_eq "pruned: six of them" "$(sql pr/sweep.db "select count(*) from trials where state = 'pruned'")" 6
check "importance: pruned trials are counted (12 trials)" \
    grep -qE '<tr><td>lr</td><td class="n">[0-9]+% <span class="dim">\([0-9]+ bins\)</span></td><td class="n">[+-][0-9.]+</td><td class="n">12</td>' pr/report/index.html

# (issue 22, point 18) what the report says of a sweep whose trials logged
# no value of the objective: the hint run and status give
cat > noobj.yaml <<'Y'
method: grid
metric: {name: val_los, goal: minimize}
parameters:
  x: {values: [1, 2]}
command: [sh, -c, 'echo "epoch=1 val_loss=0.5"', "${x}"]
resources: {gpus: none}
Y
sweep run -q noobj.yaml -d noobj > /dev/null 2>&1
sweep report noobj > /dev/null 2>&1
check "no objective: the report says why, as run and status do" \
    grep -q '<p class="warn">No completed trial logged a value of <b>val_los</b>: the parser keyvalue read val_loss (is metric.name val_loss meant?). <code>sweep metrics --parser keyvalue .*/trials/0000/stdout.log</code>' noobj/report/index.html
# the losses' panels on a log axis when they fall by orders of magnitude
# (imp's loss is lr / epoch: 1 to 0.5; few's trains over 40 epochs)
cat > lg.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  lr: {values: [1, 2]}
  opt: {values: [sgd, adam]}
command: [fake_trainer, "--fake-loss=${lr}", --fake-epochs=40]
resources: {gpus: none, max_parallel: 2}
Y
sweep run -q lg.yaml -d lg > /dev/null 2>&1
sweep report lg > /dev/null 2>&1
check "losses: a log axis for a loss that falls 40-fold" grep -q "^set logscale y 10" lg/report/losses.gp
check "losses: the panel says so" grep -q "loss (log scale)" lg/report/losses.gp
check "cost: a CPU sweep's axis is trial time, not GPU time" sh -c '! grep -q "GPU-" lg/report/cost.gp'
check "categories: a band behind each" grep -q "set object 2 rect from 0.64,graph 0 to 1.36,graph 1" lg/report/param-2.gp

# the page in a real browser: every image loads, no error
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
    fail "chromium is not installed (apt-get install chromium)"
    finish; exit 1
fi
for R in h/report imp/report; do
    # a copy of the page with a check that writes what it found into the DOM
    sed 's|</body>|<script>addEventListener("load", function () { var b = 0, n = document.images.length; for (var i = 0; i < n; i++) if (!(document.images[i].complete \&\& document.images[i].naturalWidth > 0)) b++; document.body.setAttribute("data-check", "images=" + n + " broken=" + b); });</script></body>|' \
        $R/index.html > $R/check.html
    timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --user-data-dir="$T/chrome" \
        --enable-logging=stderr --v=0 --virtual-time-budget=5000 --dump-dom "file://$T/$R/check.html" \
        > $R/dom.html 2> $R/chrome.err
    n=$(grep -c '<img' $R/index.html)
    check "browser ($R): $n images, all load" grep -q "data-check=\"images=$n broken=0\"" $R/dom.html
    check "browser ($R): no console error, no missing file" \
        bash -c "! grep -E 'Uncaught|ERR_FILE_NOT_FOUND|Failed to load resource' $R/chrome.err"
done
timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$T/chrome" \
    --screenshot="$T/shot.png" --window-size=1400,3000 "file://$T/imp/report/index.html" > /dev/null 2>&1
check "browser: a screenshot" bash -c "[ \$(stat -c %s '$T/shot.png') -gt 20000 ]"
mkdir -p "$(dirname "$SWEEP_BIN")/Testing" && cp "$T/shot.png" "$(dirname "$SWEEP_BIN")/Testing/report-screenshot.png"
finish
