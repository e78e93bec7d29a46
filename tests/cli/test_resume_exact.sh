#!/bin/bash
# Exact resume of the methods that learn (issue 22, point 1): with
# max_parallel 1 and a seed, bayes and evolve are deterministic, so after a
# series of kill -9 of sweep at random moments the resumed sweep must equal
# the uninterrupted one trial by trial: parameters, states, objectives and
# metric rows. (Before the fix the first launch after a resume came before
# the trials that ended while sweep was down were recorded, so the model
# counted them as running and proposed elsewhere.)
. "$(dirname "$0")/lib.sh"

trials="select id || ' ' || params || ' ' || state || ' ' || coalesce(objective, '') from trials order by id"
rows="select trial || ' ' || name || ' ' || step || ' ' || value from metrics order by trial, name, step"

for m in bayes evolve; do
    cat > $m.yaml <<Y
method: $m
seed: 3
run_cap: 18
metric: {name: loss, goal: minimize}
parameters:
  x: {min: 0.5, max: 10.0}
  k: {values: [a, b, c, d]}
command: [fake_trainer, "--fake-loss=\${x}", "--tag=\${k}", --fake-epochs=3, --fake-sleep=0.08]
resources: {gpus: none, max_parallel: 1}
Y
    sweep run -q $m.yaml -d ref-$m > /dev/null 2> ref-$m.err
    check_eq "$m: the uninterrupted run: exit 0" "$?" 0
    want_trials=$(sql ref-$m/sweep.db "$trials")
    want_rows=$(sql ref-$m/sweep.db "$rows")
    check_eq "$m: 18 trials completed" "$(sql ref-$m/sweep.db "select count(*) from trials where state = 'completed'")" 18
    # kills land while a trial runs and while none does (a trial that ended
    # while sweep was down is what the first proposal must learn)
    kills=0 ended_down=0
    while [ $kills -lt 14 ]; do
        sweep run $m.yaml -d k-$m > /dev/null 2>> k-$m.err &
        pid=$!
        sleep "$(printf '0.%02d' $((RANDOM % 50 + 10)))"
        if dead $pid; then wait $pid; break; fi
        kill -9 $pid
        wait $pid 2> /dev/null
        kills=$((kills + 1))
        # now and then let the running trial end while no sweep is there
        if [ $((kills % 2)) -eq 0 ]; then sleep 0.4; fi
    done
    sweep run -q $m.yaml -d k-$m > /dev/null 2>> k-$m.err
    check_eq "$m: after $kills kills, the last run: exit 0" "$?" 0
    check "$m: at least 4 kills landed ($kills)" test "$kills" -ge 4
    ended_down=$(grep -c 'ended while no sweep was running' k-$m.err)
    got=$(sql k-$m/sweep.db "$trials")
    check_eq "$m: trial by trial as the uninterrupted run" "$got" "$want_trials"
    if [ "$got" != "$want_trials" ]; then diff <(echo "$want_trials") <(echo "$got") >&2; fi
    check_eq "$m: metric rows as the uninterrupted run" "$(sql k-$m/sweep.db "$rows")" "$want_rows"
    check "$m: some trials ended while sweep was down ($ended_down)" test "$ended_down" -ge 1
    echo "$m: $kills kills, $ended_down trials ended while sweep was down"
done
finish
