#!/bin/bash
# method bayes (TPE) and evolve end to end (issue 15): every W&B bayes file
# of tests/config/good plans and runs a few trials of a fake trainer; on a
# smooth function bayes beats random for a fixed set of seeds, evolve too;
# plan says what decides the trials; kill -9 in a bayes sweep and resume:
# no trial lost or run twice, and the suggestions go on from every result;
# a bad method is a FILE:LINE:COL error.
. "$(dirname "$0")/lib.sh"

# the W&B files as they are, run by a trainer that prints the metric each
# file asks for (train.py stands in for the user's program)
cat > train.py <<'S'
h=$(printf '%s' "$*" | cksum | cut -d' ' -f1)
v=$(awk -v h="$h" 'BEGIN { printf "%.4f", (h % 1000) / 1000 }')
for e in 1 2 3 4; do
    echo "epoch=$e val_loss=$v val_accuracy=$v metrics/mAP50-95(B)=$v"
    sleep 0.1
done
S
for f in "$SRC"/tests/config/good/wandb-bayes-*.yaml; do
    n=$(basename "$f" .yaml)
    sweep plan "$f" > "$n.plan" 2> "$n.err"
    check_eq "$n: plans" "$?" 0
    check "$n: plan says TPE decides after the start-up" grep -q 'after them each trial is suggested by a multivariate TPE' "$n.plan"
    # the same file, run here: 12 trials (past the 10 random ones) of train.py
    { cat "$f"; printf 'run_cap: 12\ninterpreter: sh\nresources: {gpus: none, max_parallel: 3}\n'; } > "$n.yaml"
    if grep -q '^command:' "$f"; then # its own command: train.py in its place
        awk '/^command:/ { skip = 1; print "command: [sh, train.py, \"${args_no_hyphens}\"]"; next } skip && /^  - / { next } { skip = 0; print }' "$n.yaml" > "$n.tmp" && mv "$n.tmp" "$n.yaml"
        sed -i 's/  target: 0.9/  target: 2/' "$n.yaml"
    fi
    sweep run -q "$n.yaml" -d "$n" > /dev/null 2> "$n.run.err"
    check_eq "$n: runs" "$?" 0
    check_eq "$n: 12 trials ended" "$(sql "$n/sweep.db" "select count(*) from trials where state in ('completed','pruned')")" 12
done
check "hyperband with bayes: trials pruned and learnt from" \
    test "$(sql wandb-bayes-hyperband/sweep.db "select count(*) from trials where state = 'pruned'")" -ge 1

# Branin, 40 trials, 4 at a time: bayes, evolve and random over five seeds
cat > branin.sh <<'S'
#!/bin/sh
awk -v x="$1" -v y="$2" 'BEGIN { pi = atan2(0, -1); b = 5.1 / (4 * pi * pi); c = 5 / pi; t = 1 / (8 * pi);
  printf "loss=%.6f\n", (y - b * x * x + c * x - 6) ^ 2 + 10 * (1 - t) * cos(x) + 10 }'
S
chmod +x branin.sh
best() { sql "$1/sweep.db" "select min(objective) from trials"; }
for m in bayes evolve random; do
    : > "$m.best"
    for seed in 1 2 3 4 5; do
        cat > "$m-$seed.yaml" <<Y
method: $m
run_cap: 40
seed: $seed
metric: {name: loss, goal: minimize}
parameters:
  x: {min: -5.0, max: 10.0}
  y: {min: 0.0, max: 15.0}
command: ["./branin.sh", "\${x}", "\${y}"]
resources: {gpus: none, max_parallel: 4}
Y
        sweep run -q "$m-$seed.yaml" -d "$m-$seed" > /dev/null 2>&1
        best "$m-$seed" >> "$m.best"
    done
done
median() { sort -g "$1" | sed -n 3p; }
echo "Branin, best of 40 (median of 5 seeds): bayes $(median bayes.best), evolve $(median evolve.best), random $(median random.best) (optimum 0.398)"
check "bayes beats random (median of 5 seeds)" awk -v b="$(median bayes.best)" -v r="$(median random.best)" 'BEGIN { exit !(b < r) }'
check "evolve beats random (median of 5 seeds)" awk -v b="$(median evolve.best)" -v r="$(median random.best)" 'BEGIN { exit !(b < r) }'
check "bayes: well ahead of random (median at most 0.7 of random's)" awk -v b="$(median bayes.best)" -v r="$(median random.best)" 'BEGIN { exit !(b <= 0.7 * r) }'
# the same results in the same order (one at a time): the same suggestions
sed 's/max_parallel: 4/max_parallel: 1/' bayes-1.yaml > one.yaml
sweep run -q one.yaml -d one > /dev/null 2>&1
sweep run -q one.yaml -d again > /dev/null 2>&1
check_eq "the same seed and results, the same suggestions" \
    "$(sql again/sweep.db 'select group_concat(params, " ") from trials')" \
    "$(sql one/sweep.db 'select group_concat(params, " ") from trials')"
sed 's/seed: 1/seed: 2/' one.yaml > two.yaml
sweep run -q two.yaml -d two > /dev/null 2>&1
check "another seed, other suggestions" test "$(sql two/sweep.db 'select params from trials where id = 15')" != "$(sql one/sweep.db 'select params from trials where id = 15')"

# kill -9 mid-sweep, then resume
cat > slow.sh <<'S'
#!/bin/sh
echo "$$ $1 $2" >> launches
sleep 0.3
exec ./branin.sh "$1" "$2"
S
chmod +x slow.sh
sed -e 's/run_cap: 40/run_cap: 24/' -e 's|"./branin.sh"|"./slow.sh"|' bayes-2.yaml > k.yaml
sweep run -q k.yaml -d k > /dev/null 2>&1 &
p=$!
wait_for "[ \$(sql k/sweep.db \"select count(*) from trials where state = 'completed'\" 2> /dev/null || echo 0) -ge 13 ]" 30
kill -9 $p
wait $p 2> /dev/null
before=$(sql k/sweep.db "select count(*) from trials where state = 'completed'")
sleep 0.5 # the trials running at the kill end on their own
sweep resume k > /dev/null 2> k.err
check_eq "resume: exit 0" "$?" 0
check_eq "resume: 24 trials, each once" "$(sql k/sweep.db "select count(*) || ' ' || count(distinct id) from trials where state = 'completed'")" "24 24"
check_eq "resume: no trial ran twice" "$(wc -l < launches)" 24
check "resume: suggestions after the kill (from $before results) are TPE's, not random draws" \
    test "$(sql k/sweep.db "select params from trials where id = 23")" != "$(sweep plan k.yaml --json --limit 24 2> /dev/null | grep -o '"index": 23, "params": {[^}]*}' | sed 's/.*"params": //')"

# bayes packed on (declared) GPUs: runs, and asks no queue ahead of its results
sed -e 's/resources: {gpus: none, max_parallel: 4}/resources: {gpus: [{id: 0, memory: 8GiB}], memory: 2GiB, headroom: 0%}/' \
    -e 's/run_cap: 40/run_cap: 16/' bayes-3.yaml > g.yaml
sweep run -q g.yaml -d g > /dev/null 2> g.err
check_eq "on GPUs: exit 0" "$?" 0
check_eq "on GPUs: 16 completed" "$(sql g/sweep.db "select count(*) from trials where state = 'completed'")" 16
check "on GPUs: never more trials recorded ahead than could run (4)" \
    test "$(sql g/sweep.db "select max(n) from (select (select count(*) from trials t2 where t2.queued <= t.started and (t2.started is null or t2.started >= t.started)) as n from trials t)")" -le 5
check "on GPUs: suggestions after the start-up" test "$(sql g/sweep.db "select params from trials where id = 15")" != "$(sweep plan g.yaml --json --limit 16 2> /dev/null | grep -o '"index": 15, "params": {[^}]*}' | sed 's/.*"params": //')"

# warm start: a second sweep over the same parameters learns the first's
# results; its first trial is already a suggestion, not a random draw
{ sed -e 's/run_cap: 40/run_cap: 4/' -e 's/seed: 1/seed: 7/' bayes-1.yaml; printf 'prior: [bayes-1, bayes-2]\n'; } > warm.yaml
sweep run warm.yaml -d warm > /dev/null 2> warm.err
check_eq "prior: exit 0" "$?" 0
check "prior: said" grep -q 'prior bayes-1: 40 results learnt' warm.err
check "prior: both" grep -q 'prior bayes-2: 40 results learnt' warm.err
check "prior: the first trial is not the random draw" \
    test "$(sql warm/sweep.db 'select params from trials where id = 0')" != "$(sweep plan warm.yaml --json --limit 1 | grep -o '"params": {[^}]*}' | sed 's/"params": //')"
check "prior: a good first result already" awk -v b="$(sql warm/sweep.db 'select min(objective) from trials')" 'BEGIN { exit !(b < 3) }'
{ sed -e 's/run_cap: 40/run_cap: 1/' -e 's/goal: minimize/goal: maximize/' bayes-1.yaml; printf 'prior: bayes-1\nrun_cap: 1\n'; } | grep -v '^run_cap: 1$' > other.yaml
printf 'run_cap: 1\n' >> other.yaml
sweep run -q other.yaml -d other > /dev/null 2> other.err
check "prior of another goal: left out, said" grep -q 'prior bayes-1: it minimized loss, this sweep maximizes loss; left out' other.err
printf 'method: random\nrun_cap: 1\nprior: [a]\nparameters: {x: {min: 0.0, max: 1.0}}\ncommand: [t]\n' > pr.yaml
sweep plan pr.yaml > /dev/null 2> pr.err
check "prior with random: FILE:LINE:COL" grep -q '^pr.yaml:3:8: prior (earlier sweeps' pr.err

# bad input
printf 'method: bayse\nmetric: {name: loss}\nparameters: {x: {min: 0.0, max: 1.0}}\ncommand: [t]\n' > bad.yaml
sweep plan bad.yaml > /dev/null 2> bad.err
check_eq "a misspelt method: exit 2" "$?" 2
check "a misspelt method: FILE:LINE:COL and a suggestion" grep -q "^bad.yaml:1:9: unknown method 'bayse' (did you mean 'bayes'?)" bad.err
# (issue 22, point 15) evolve's first population holds every category of a
# categorical parameter (4 draws, 4 optimizers), for every seed; plan lists
# what runs
bad=0
for seed in 1 2 3 4 5 6 7 8; do
    cat > cov-$seed.yaml <<Y
method: evolve
seed: $seed
run_cap: 4
metric: {name: loss, goal: minimize}
parameters:
  opt: {values: [sgd, adam, adamw, rmsprop]}
  lr: {min: 0.1, max: 1.0}
  wd: {min: 0.0, max: 0.1}
command: [fake_trainer, "--fake-loss=\${lr}", "--o=\${opt}", --fake-epochs=1]
resources: {gpus: none, max_parallel: 1}
Y
    sweep run -q cov-$seed.yaml -d cov-$seed > /dev/null 2>&1
    n=$(sql cov-$seed/sweep.db "select count(distinct json_extract(params, '$.opt')) from trials where id < 4")
    [ "$n" = 4 ] || bad=$((bad + 1))
    [ "$(sweep plan cov-$seed.yaml | awk '/^trial/ { on = 1; next } on { print $2 }' | tr '\n' ' ')" = \
      "$(sql cov-$seed/sweep.db "select json_extract(params, '$.opt') from trials order by id" | tr '\n' ' ')" ] || bad=$((bad + 1))
done
check_eq "evolve: every optimizer in the first population, as plan lists it, for 8 seeds" "$bad" 0
finish
