#!/bin/bash
# early_terminate: hyperband, end to end. The pruned trials follow by hand
# from W&B's rule (search/stop_hyperband.h): loss = L / epoch, trials one at a
# time with L = 1, 2, 3, 4, 0.5; min_iter 1, eta 2 judge the 2nd, 3rd, 5th
# value. At the 2nd value: trial 1 sees [0.5, 1] -> threshold 1, 1 is not
# worse; trial 2 sees [0.5, 1, 1.5] -> threshold 1, 1.5 is pruned; trial 3
# sees [0.5, 1, 1.5, 2] -> threshold 1.5, 2 is pruned; trial 4 (0.25) is
# never worse. Later bands prune no one.
. "$(dirname "$0")/lib.sh"

cat > h.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  L: {values: [1, 2, 3, 4, 0.5]}
command: [fake_trainer, "--fake-loss=${L}", --fake-epochs=4, --fake-sleep=0.5]
early_terminate: {type: hyperband, min_iter: 1, eta: 2}
resources: {gpus: none, max_parallel: 1}
Y
sweep run -q h.yaml -d h > /dev/null 2> h.err
check_eq "exit" "$?" 0
check_eq "states" "$(sql h/sweep.db "select group_concat(state, ',') from (select state from trials order by id)")" \
    "completed,completed,pruned,pruned,completed"
check_eq "the reason names the band and the values" \
    "$(sql h/sweep.db "select reason from trials where id = 2")" \
    "pruned by hyperband at value 2 of loss: 1.5 is worse than the band's threshold 1.0"
check_eq "pruned at once: no third value" "$(sql h/sweep.db "select count(*) from metrics where trial in (2, 3)")" 4
check_eq "pruned trials rank after completed ones" "$(sweep top h --json | grep -o '"trial": [0-9]' | tr -d '"trial: ' | tr '\n' ' ')" "4 0 1 2 3 "
check "plan shows the bands" sh -c 'sweep plan h.yaml | grep -q "early_terminate: hyperband, eta 2, judged at values 2 3 5 9"'

# maximize: values are negated, the same decisions mirrored
sed -e 's/goal: minimize/goal: maximize/' -e 's/values: \[1, 2, 3, 4, 0.5\]/values: [1, 0.5, 0.3333, 0.25, 2]/' h.yaml > m.yaml
sweep run -q m.yaml -d m > /dev/null 2>&1
check_eq "maximize: states" "$(sql m/sweep.db "select group_concat(state, ',') from (select state from trials order by id)")" \
    "completed,completed,pruned,pruned,completed"

states() { sql "$1/sweep.db" "select group_concat(state, ',') from (select state from trials order by id)"; }

# asha: min_iter 1, eta 2 -> rungs at 1, 2, 4 values, each trial judged once
# when it reaches a rung; the best max(1, floor(n / 2)) of the n values at a
# rung go on. Trials one at a time, L = 1, 2, 3, 0.5: at rung 1 trial 1
# sees [1, 2] -> the best 1 go on, threshold 1: pruned; trial 2 sees
# [1, 2, 3] -> the best 1: pruned; trial 3 (0.5) is the best at every rung.
cat > a.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  L: {values: [1, 2, 3, 0.5]}
command: [fake_trainer, "--fake-loss=${L}", --fake-epochs=4, --fake-sleep=0.5]
early_terminate: {type: asha, min_iter: 1, eta: 2}
resources: {gpus: none, max_parallel: 1}
Y
sweep run -q a.yaml -d a > /dev/null 2>&1
check_eq "asha: states" "$(states a)" "completed,pruned,pruned,completed"
check_eq "asha: reason" "$(sql a/sweep.db "select reason from trials where id = 2")" \
    "pruned by asha at rung 1 (value 1 of loss): 3.0 is not in the best 1 of 3 (threshold 1.0)"

# median: min_trials 2. Trial 2 (L=3) at its 1st value: the others' running
# averages [1, 2] have median 1.5 < 3: pruned. Trial 3 (L=0.5) stays below.
cat > md.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  L: {values: [1, 2, 3, 0.5]}
command: [fake_trainer, "--fake-loss=${L}", --fake-epochs=3, --fake-sleep=0.5]
early_terminate: {type: median, min_trials: 2}
resources: {gpus: none, max_parallel: 1}
Y
sweep run -q md.yaml -d md > /dev/null 2>&1
check_eq "median: states" "$(states md)" "completed,completed,pruned,completed"
check_eq "median: reason" "$(sql md/sweep.db "select reason from trials where id = 2")" \
    "pruned by the median rule at value 1 of loss: its best 3.0 is worse than the median of the others' running averages 1.5"

# patience 2: 1, 0.5, 0.6, 0.7 - the last two do not beat 0.5: pruned at the 4th value
cat > p.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  v: {values: ['1 0.5 0.6 0.7 0.8 0.9', '1 0.5 0.4 0.3']}
command: [bash, -c, 'for x in ${v}; do echo loss=$x; sleep 0.4; done']
early_terminate: {type: patience, patience: 2}
resources: {gpus: none, max_parallel: 1}
Y
sweep run -q p.yaml -d p > /dev/null 2>&1
check_eq "patience: states" "$(states p)" "pruned,completed"
check_eq "patience: reason" "$(sql p/sweep.db "select reason from trials where id = 0")" \
    "pruned: no improvement of loss on 0.5 in its last 2 values"
check_eq "patience: stopped at its 4th value" "$(sql p/sweep.db "select count(*) from metrics where trial = 0")" 4
# Pruning stops the whole process group: a trainer that ignores SIGTERM is
# SIGKILLed after stop_grace; a trainer's child goes with it. Patience 2
# over 1, 2, 3, ...: pruned at the 3rd value.
cat > g.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
stop_grace: 0.5s
parameters:
  v: {values: [ignore, fork]}
command: [bash, -c, 'if [ "$0" = ignore ]; then trap "" TERM; else sleep 3077 & fi; for x in 1 2 3 3 3 3 3 3 3 3 3 3; do echo loss=$x; sleep 0.3; done', "${v}"]
early_terminate: {type: patience, patience: 2}
resources: {gpus: none, max_parallel: 2}
Y
sweep run -q g.yaml -d g > /dev/null 2>&1
check_eq "group: both pruned" "$(states g)" "pruned,pruned"
check "group: SIGTERM ignored -> SIGKILL after the grace" \
    sh -c "sqlite3 g/sweep.db 'select reason from trials where id = 0' | grep -q 'killed by signal 9 (SIGKILL)\$'"
check "group: the trainer's child is gone too" sh -c '! pgrep -f "^sleep 3077" > /dev/null'
check "group: stopped at its 3rd value (one more at most, on a loaded machine)" \
    test "$(sql g/sweep.db "select max(step) from metrics where trial = 1")" -le 4
check "plan shows asha's rungs" sh -c 'sweep plan a.yaml | grep -q "early_terminate: asha, eta 2, rungs at values 1 2 4 8"'
finish
