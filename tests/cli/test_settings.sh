#!/bin/bash
# Run settings change on resume (issue 22, point 10): max_parallel,
# timeout, stall_timeout, retries, stop_grace, fail_fast, stagger and a
# larger run_cap are how to run, not what to search: `sweep run FILE -d
# DIR` with them changed takes them, says what changed and records it;
# `sweep resume DIR -j N` runs N at a time; a change of what is searched is
# still refused.
. "$(dirname "$0")/lib.sh"

cat > s.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  i: {values: [1, 2, 3, 4, 5, 6, 7, 8]}
command: [fake_trainer, "--fake-loss=${i}", --fake-epochs=4, --fake-sleep=0.1]
resources: {gpus: none, max_parallel: 2}
Y
sweep run s.yaml -d s > s.out 2> s.err &
pid=$!
check "two trials start" wait_for '[ "$(sql s/sweep.db "select count(*) from trials" 2>/dev/null)" -ge 2 ]' 10
kill -INT $pid
wait $pid
# 4 at a time, a timeout, retries, a stagger: the same sweep
sed -e 's/max_parallel: 2}/max_parallel: 4, stagger: 0.1s}/' s.yaml > s2.yaml
printf 'timeout: 1h\nretries: 2\nstall_timeout: 10m\nfail_fast: false\n' >> s2.yaml
sweep run s2.yaml -d s > s2.out 2> s2.err
check_eq "changed run settings: resumed, exit 0" "$?" 0
check "it says what changed" grep -q "the file changes how the stored sweep runs: retries (default) -> 2, timeout (default) -> 1h, stall_timeout (default) -> 10m, fail_fast (default) -> false, max_parallel 2 -> 4, stagger (default) -> 0.1s" s2.err
check_eq "recorded in the events" "$(sql s/sweep.db "select count(*) from events where kind = 'settings_changed' and detail like 'retries (default) -> 2, %max_parallel 2 -> 4%'")" 1
check_eq "all 8 completed" "$(sql s/sweep.db "select count(*) from trials where state = 'completed'")" 8
check "it ran 4 at a time" grep -q "4 at a time" s2.err
# the stored file is now the new one: running it again is the same sweep
sweep run -q s2.yaml -d s > /dev/null 2> s3.err
check_eq "the changed file is the stored one now" "$?" 0
# what is searched: still refused
sed -e 's/7, 8\]/7, 9]/' s2.yaml > s4.yaml
sweep run s4.yaml -d s > /dev/null 2> s4.err
check_eq "another search space: refused" "$?" 2
check "it names what may change" grep -q "only how it runs may change" s4.err
sed -e 's/--fake-epochs=4/--fake-epochs=5/' s2.yaml > s5.yaml
sweep run s5.yaml -d s > /dev/null 2> s5.err
check_eq "another command: refused" "$?" 2

# sweep resume DIR -j N: N at a time for this run, recorded
sed -e 's/max_parallel: 2/max_parallel: 1/' s.yaml > j.yaml
sweep run j.yaml -d j > /dev/null 2>&1 &
pid=$!
check "a trial starts" wait_for '[ "$(sql j/sweep.db "select count(*) from trials" 2>/dev/null)" -ge 1 ]' 10
kill -INT $pid
wait $pid
sweep resume j -j 3 > /dev/null 2> j.err
check_eq "resume -j 3: exit 0" "$?" 0
check "it says so" grep -q "max_parallel 1 -> 3 for this run (-j)" j.err
check "3 at a time" grep -q ", 3 at a time" j.err
check_eq "recorded" "$(sql j/sweep.db "select count(*) from events where kind = 'settings_changed' and detail = 'max_parallel 1 -> 3 for this run (-j)'")" 1
# at each start, how many were running
most=$(sql j/sweep.db "select max(n) from (select a.id, count(*) as n from trials a join trials b on b.started <= a.started and b.ended > a.started group by a.id)")
check "up to 3 ran together ($most)" test "$most" -ge 2 -a "$most" -le 3
sweep resume j -j 0 2> j0.err
check_eq "-j 0: usage error" "$?" 2
finish
