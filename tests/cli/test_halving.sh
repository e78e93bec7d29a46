#!/bin/bash
# method: halving and hyperband, end to end with real processes. The test
# trainer logs loss = L / epoch, so each rung's order is known in advance
# from L: the promoted and pruned trials below follow by hand from the
# rule "the best floor(n / eta) of a finished rung go on".
. "$(dirname "$0")/lib.sh"

# 9 configurations L = 1..9 (grid order), budget levels 1, 3, 9 (eta 3);
# promoted trials continue from the checkpoint of the rung before.
cat > h.yaml <<'Y'
method: halving
metric: {name: loss, goal: minimize}
metrics: {summary: last}
budget: {parameter: epochs, min: 1, max: 9, eta: 3, sampler: grid}
parameters:
  l: {values: [5, 2, 9, 1, 7, 3, 8, 4, 6]}
command: [fake_trainer, "--fake-epochs=${epochs}", "--fake-loss=${l}", "--fake-ckpt=${trial_dir}/ckpt", --fake-sleep=0.02]
resume: ["--fake-resume=${prev_trial_dir}/ckpt"]
resources: {max_parallel: 4}
Y
sweep plan h.yaml > plan.txt
check "plan: the rungs" grep -qE '^ +0 +2 +9 +1 +the best 1 of rung 1$' plan.txt
check "plan: the cost of both ways" grep -q "budget spent: 27 when a promoted trial starts again, 21 when it continues" plan.txt
sweep run -q h.yaml -d h > /dev/null
check_eq "halving: exit" "$?" 0
# rung 0 is trials 0-8 in grid order (L = 5 2 9 1 7 3 8 4 6): L = 2, 1, 3
# (trials 1, 3, 5) go on as trials 9, 10, 11, in the order of their numbers;
# of those, L = 1 (trial 10) goes on as trial 12.
check_eq "halving: states, rungs and parents" \
    "$(sql h/sweep.db "select id || ' ' || state || ' ' || rung || ' ' || coalesce(parent, '-') from trials order by id")" \
"0 pruned 0 -
1 completed 0 -
2 pruned 0 -
3 completed 0 -
4 pruned 0 -
5 completed 0 -
6 pruned 0 -
7 pruned 0 -
8 pruned 0 -
9 pruned 1 1
10 completed 1 3
11 pruned 1 5
12 completed 2 10"
check_eq "halving: the budget reaches the trainer" \
    "$(sql h/sweep.db "select group_concat(json_extract(params, '$.epochs'), ' ') from (select params from trials order by id)")" \
    "1 1 1 1 1 1 1 1 1 3 3 3 9"
check "halving: a promoted trial continues from the checkpoint of the rung before" \
    grep -qF "\"--fake-resume=$T/h/trials/0003/ckpt\"" h/trials/0010/argv.json
check "halving: rung-0 trials get no resume argument" bash -c '! grep -q fake-resume h/trials/0003/argv.json'
check_eq "halving: epochs logged (9 x 1, then 3 x 2 and 6 more: continued, not restarted)" \
    "$(sql h/sweep.db "select count(*) from metrics where name = 'loss'")" 21
check_eq "halving: the winner's steps continue" \
    "$(sql h/sweep.db "select group_concat(step, ' ') from (select step from metrics where trial = 12 and name = 'loss' order by step)")" \
    "4 5 6 7 8 9"
check_eq "halving: why a configuration stopped" \
    "$(sql h/sweep.db "select reason from trials where id = 0")" \
    "not promoted at rung 0 (budget 1): loss 5 is not in the best 3 of 9 (threshold 3)"
check_eq "halving: where a promoted one went" \
    "$(sql h/sweep.db "select reason from trials where id = 10")" \
    "promoted to rung 2 (budget 9) as trial 12"
check_eq "top --all-rungs: the winner at the full budget first, then by rung and loss" \
    "$(sweep top h --all-rungs --csv | tr -d '\r' | cut -d, -f1-3 | sed -n 2,6p | tr '\n' ' ')" \
    "1,12,completed 2,10,completed 3,3,completed 4,1,completed 5,5,completed "
# one row per configuration, at the furthest rung it reached: L = 1 at rung
# 2; L = 2, 3 pruned at rung 1; then rung 0 by loss (L = 4 5 6 7 8 9)
check_eq "top: one row per configuration, by rung reached, then loss" \
    "$(sweep top h --csv | tr -d '\r' | cut -d, -f2,6 | sed 1d | tr '\n' ' ')" \
    "12,2 9,1 11,1 7,0 0,0 8,0 4,0 6,0 2,0 "
check "top: a rung column" bash -c "sweep top h | head -1 | grep -q '^rank  trial  state  *loss  step  rung  l  *epochs  reason$'"
check_eq "top --json: one per configuration, with rung and parent" \
    "$(sweep top h --json | grep -c '"trial"')" 9
check "top --json: rung and parent" bash -c "sweep top h --json | grep -q '\"rung\": 2, \"parent\": 10'"

# promote_args: the same as resume as a list
sed 's/^resume:/promote_args:/' h.yaml > pa.yaml
sweep run -q pa.yaml -d pa > /dev/null
check "promote_args: a promoted trial gets them" \
    grep -qF "\"--fake-resume=$T/pa/trials/0003/ckpt\"" pa/trials/0010/argv.json
check_eq "promote_args: the same decisions" \
    "$(sql pa/sweep.db "select group_concat(id || state, ' ') from (select * from trials order by id)")" \
    "$(sql h/sweep.db "select group_concat(id || state, ' ') from (select * from trials order by id)")"

# The same without resume: promoted trials start again from epoch 1.
grep -v '^resume' h.yaml > r.yaml
sweep run -q r.yaml -d r > /dev/null
check_eq "restart: the same decisions" \
    "$(sql r/sweep.db "select group_concat(id || state, ' ') from (select * from trials order by id)")" \
    "$(sql h/sweep.db "select group_concat(id || state, ' ') from (select * from trials order by id)")"
check_eq "restart: epochs logged (9 x 1 + 3 x 3 + 9)" \
    "$(sql r/sweep.db "select count(*) from metrics where name = 'loss'")" 27

# Hyperband, eta 3, levels 1, 3, 9: brackets of ceil(3/(s+1) * 3^s) = 9, 5
# and 3 configurations, scaled to run_cap 17 (no change): configurations
# 0-8 from level 1, 9-13 from level 3, 14-16 at level 9.
cat > hb.yaml <<'Y'
method: hyperband
run_cap: 17
metric: {name: loss, goal: minimize}
metrics: {summary: last}
budget: {parameter: epochs, min: 1, max: 9, eta: 3, sampler: grid}
parameters:
  l: {values: [5, 2, 9, 1, 7, 3, 8, 4, 6, 15, 11, 14, 12, 13, 18, 16, 17]}
command: [fake_trainer, "--fake-epochs=${epochs}", "--fake-loss=${l}"]
resources: {max_parallel: 4}
Y
sweep run -q hb.yaml -d hb > /dev/null
check_eq "hyperband: exit" "$?" 0
# bracket 0: as above, configurations 1, 3, 5 go on to level 1, then 3
# (L = 1) to level 2; bracket 1 (L = 15 11 14 12 13 at budget 3): the best
# 1 (L = 11, configuration 10) goes on to level 2; bracket 2: 14-16 at
# budget 9, final. Brackets run side by side, so promoted trials are
# numbered in the order their rungs finish: compare configurations.
check_eq "hyperband: promotions (configuration @ level)" \
    "$(sql hb/sweep.db "with recursive c(id, cfg) as (select id, id from trials where parent is null union all select t.id, c.cfg from trials t join c on t.parent = c.id) select group_concat(x, ' ') from (select c.cfg || '@' || t.rung as x from trials t join c using (id) where t.parent is not null order by t.rung, c.cfg)")" \
    "1@1 3@1 5@1 3@2 10@2"
check_eq "hyperband: trials at each level" \
    "$(sql hb/sweep.db "select group_concat(n, ' ') from (select count(*) as n from trials group by rung order by rung)")" \
    "9 8 5"
check_eq "hyperband: budgets" \
    "$(sql hb/sweep.db "select group_concat(json_extract(params, '$.epochs'), ' ') from (select params from trials order by id)")" \
    "1 1 1 1 1 1 1 1 1 3 3 3 3 3 9 9 9 3 3 3 9 9"

# A larger run_cap changes the brackets: not an extension of a stored hyperband
sed 's/run_cap: 17/run_cap: 18/' hb.yaml > hb2.yaml
sweep run -q hb2.yaml -d hb > /dev/null 2> hb2.err
check_eq "hyperband: another run_cap is another sweep (exit 2)" "$?" 2
check "hyperband: says so" grep -q "holds a different sweep" hb2.err

# Killed and resumed: the decisions are made again from the store, no
# trial is launched twice, and the result is the one above.
sed 's/--fake-sleep=0.02/--fake-sleep=0.15/' h.yaml > k.yaml
sweep run -q k.yaml -d k > /dev/null 2>&1 &
pid=$!
check "killed run: rung 1 started" wait_for '[ "$(sql k/sweep.db "select count(*) from trials where rung = 1 and state = '"'running'"'" 2>/dev/null)" -ge 1 ]' 20
kill -9 $pid
wait $pid 2>/dev/null
sweep run -q k.yaml -d k > /dev/null
check_eq "resumed: exit" "$?" 0
check_eq "resumed: the same trials, states, rungs and parents" \
    "$(sql k/sweep.db "select group_concat(id || state || rung || coalesce(parent, '-'), ' ') from (select * from trials order by id)")" \
    "$(sql h/sweep.db "select group_concat(id || state || rung || coalesce(parent, '-'), ' ') from (select * from trials order by id)")"
# (a kill between recording a trial and starting its supervisor leaves a
# trial that never started: the resume starts it, with a second attempt
# number, so count the starts, not the attempts)
check_eq "resumed: no trial started twice" \
    "$(sql k/sweep.db "select max(n) from (select count(*) as n from events where kind = 'started' group by trial)")" 1

# Configurations that fail at rung 0 stay failed and count in the rung's
# size: 6 configurations (L x exit code), keep floor(6 / 3) = 2 of the 3
# that logged a value; the last level (budget 3) promotes no further.
cat > f.yaml <<'Y'
method: halving
metric: {name: loss, goal: minimize}
metrics: {summary: last}
budget: {parameter: epochs, min: 1, max: 3, eta: 3, sampler: grid}
parameters:
  l: {values: [1, 2, 3]}
  x: {values: [3, 0]}
command: [fake_trainer, "--fake-epochs=${epochs}", "--fake-loss=${l}", "--fake-exit=${x}"]
Y
sweep run -q f.yaml -d f > /dev/null
check_eq "failure: failed configurations stay failed; the best 2 others go on" \
    "$(sql f/sweep.db "select group_concat(id || state || json_extract(params, '$.l') || json_extract(params, '$.x'), ' ') from (select * from trials order by id)")" \
    "0failed13 1completed10 2failed23 3completed20 4failed33 5pruned30 6completed10 7completed20"
finish
