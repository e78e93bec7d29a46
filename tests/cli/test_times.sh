#!/bin/bash
# What a person reads after a resume (issue 14, points 2, 7 and 8): a trial
# that ended while no sweep was there is recorded with its own end and
# duration (from exit.json), not the resume's time, and status does not
# show it running meanwhile; status counts every state, pruned trials too;
# one trial is "1 trial".
. "$(dirname "$0")/lib.sh"

cat > s.yaml <<'Y'
method: grid
parameters:
  i: {values: [1]}
command: [fake_trainer, --fake-epochs=6, --fake-sleep=0.25]
resources: {gpus: none}
Y
sweep run -q s.yaml -d r > /dev/null 2>&1 &
p=$!
wait_for '[ -s r/trials/0000/trainer.pid ]' 10
kill -9 $p
wait $p 2> /dev/null
wait_for '[ -e r/trials/0000/exit.json ]' 10
sweep status r > gone.out
check "status: a trial whose supervisor is gone is not running" \
    grep -q '0 running, 0 pending, 1 ended while no sweep ran (`sweep resume` records how)$' gone.out
sweep status --json r > gone.json
check "status --json: nor there" grep -q '"running": 0, .*"ended_unrecorded": 1,' gone.json
sleep 1.5 # the resume comes well after the trial's end
sweep resume r > resume.out 2> resume.err
check_eq "resume: exit 0" "$?" 0
ran=$(sql r/sweep.db 'select ended - started from trials where id = 0')
check "its stored duration is its own (~1.5 s), not until the resume ($ran s)" \
    awk -v d="$ran" 'BEGIN { exit !(d > 1.2 && d < 2.4) }'
check "the line says so" grep -qE 'trial 0 completed in 1\.[0-9]s' resume.err
check "a trial is one" grep -q 'grid search, 1 trial, 1 at a time' resume.err

cat > h.yaml <<'Y'
method: halving
metric: {name: loss, goal: minimize}
budget: {parameter: epochs, min: 1, max: 9, eta: 3, sampler: grid}
parameters:
  i: {values: [1, 2, 3, 4, 5, 6, 7, 8, 9]}
  epochs: {value: 1}
command: [fake_trainer, "--fake-loss=${i}", "--fake-epochs=${epochs}"]
resources: {gpus: none, max_parallel: 3}
Y
sweep run -q h.yaml -d h > /dev/null 2>&1
sweep status h > status.out
check "status counts the pruned trials" grep -q '^trials: 13 in all; 5 completed, 8 pruned, 0 failed, 0 stopped, 0 running, 0 pending$' status.out
finish
