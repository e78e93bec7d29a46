#!/bin/bash
# kill -9 of sweep at random moments, and inside transactions: after each
# resume the final store equals an uninterrupted run's: the same trials with
# the same parameters and states, each metric row exactly once, no trial
# launched twice.
. "$(dirname "$0")/lib.sh"

cat > s.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  i: {min: 1, max: 40}
command: [fake_trainer, "--fake-loss=${i}", --fake-epochs=8, --fake-sleep=0.05]
resources: {gpus: none, max_parallel: 4}
Y
sweep run -q s.yaml -d ref > /dev/null
check_eq "reference run" "$?" 0

trials="select id || ' ' || params || ' ' || state from trials order by id"
rows="select trial || ' ' || name || ' ' || step || ' ' || value from metrics order by trial, name, step"
compare() { # compare DIR WHAT
    check_eq "$2: trials, parameters and states" "$(sql $1/sweep.db "$trials")" "$(sql ref/sweep.db "$trials")"
    check_eq "$2: metric rows" "$(sql $1/sweep.db "$rows")" "$(sql ref/sweep.db "$rows")"
    check_eq "$2: $(sql ref/sweep.db 'select count(*) from metrics') rows, none twice" \
        "$(sql $1/sweep.db 'select count(*) from metrics')" "$(sql ref/sweep.db 'select count(*) from metrics')"
    local twice=0
    for d in $1/trials/*; do
        [ "$(cat $d/launches | wc -l)" -eq 1 ] || twice=$((twice + 1))
    done
    check_eq "$2: no trial launched twice" "$twice" 0
    check_eq "$2: integrity" "$(sql $1/sweep.db 'pragma integrity_check')" ok
}

# 1. SIGKILL at random moments, at least 10 times
kills=0
while :; do
    sweep run -q s.yaml -d crash > /dev/null 2>> crash.err &
    pid=$!
    sleep "$(printf '0.%02d' $((RANDOM % 20 + 5)))"
    if ! kill -0 $pid 2>/dev/null; then wait $pid; break; fi
    kill -9 $pid
    wait $pid 2>/dev/null
    kills=$((kills + 1))
    [ $kills -ge 12 ] && break
done
sweep run -q s.yaml -d crash > /dev/null 2>> crash.err
check_eq "after $kills kills, the last run exits 0" "$?" 0
check "at least 10 kills" test $kills -ge 10
compare crash "random kills"

# 2. SIGKILL inside a transaction, just before a COMMIT (test-only fault point)
kills=0
for n in 3 7 2 11 5 17 4 23 9 6 13 8; do
    SWEEP_TEST_CRASH_BEFORE_COMMIT=$n sweep run -q s.yaml -d txn > /dev/null 2>> txn.err
    [ $? -eq 137 ] && kills=$((kills + 1))
done
sweep run -q s.yaml -d txn > /dev/null 2>> txn.err
check_eq "the last run exits 0" "$?" 0
check "at least 10 kills inside a transaction" test $kills -ge 10
compare txn "kills before COMMIT"
echo "random kills survived: 12 planned; kills inside a transaction: $kills; rows compared: $(sql ref/sweep.db 'select count(*) from metrics')"
finish
