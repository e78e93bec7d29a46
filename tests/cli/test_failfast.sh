#!/bin/bash
# Fail fast (issue 22, point 8): a command that cannot run is one error
# before anything starts; a sweep whose first trials all fail, or whose
# trials fail too often in a row, stops with the failures' reason and a
# non-zero exit instead of failing trial after trial forever; a sweep in
# which every trial failed exits non-zero.
. "$(dirname "$0")/lib.sh"

# 1. the program is not there: FILE:LINE:COL, exit 2, nothing written
cat > typo.yaml <<'Y'
method: random
metric: {name: loss, goal: minimize}
parameters:
  x: {min: 0.1, max: 1.0}
command: [fake_trainr, "--x=${x}"]
Y
sweep run typo.yaml -d typo > typo.out 2> typo.err
check_eq "a mistyped program: exit 2" "$?" 2
check_eq "it says where and what" "$(cat typo.err)" \
    "typo.yaml:5:11: the command's program fake_trainr is not found on PATH (nor executable there); no trial was started"
check "nothing was written" test ! -e typo
printf 'method: grid\nprogram: train.py\nparameters:\n  x: {values: [1]}\n' > prog.yaml
sweep run prog.yaml -d prog 2> prog.err
check_eq "a missing program: file: exit 2" "$?" 2
check "it says which" grep -q "^prog.yaml:2:10: program: train.py does not exist in " prog.err
printf 'method: grid\nprogram: train.py\ninterpreter: pythn9\nparameters:\n  x: {values: [1]}\n' > interp.yaml
touch train.py
sweep run interp.yaml -d interp 2> interp.err
check_eq "a missing interpreter: exit 2" "$?" 2
check "it names the key" grep -q "^interp.yaml:3:14: the command's program pythn9 is not found on PATH.*set interpreter:" interp.err

# 2. random search with no run_cap, every trial fails: the first three end
#    it (default), with the reason, exit 3; the rest is interrupted
cat > broken.yaml <<'Y'
method: random
metric: {name: loss, goal: minimize}
parameters:
  x: {min: 0.1, max: 1.0}
command: [fake_trainer, "--x=${x}", --fake-epochs=1, --fake-exit=4]
resources: {gpus: none, max_parallel: 2}
Y
timeout 60 sweep run broken.yaml -d broken > broken.out 2> broken.err
check_eq "first trials all failed: exit 3" "$?" 3
# the first three failed; a trial started when one of them ended may fail
# too before the last of them ends (its end then is what stops the sweep)
check_eq "the first three failed" "$(sql broken/sweep.db "select count(*) from trials where state = 'failed' and id < 3")" 3
check_eq "the others were interrupted (pending) or failed" "$(sql broken/sweep.db "select count(*) from trials where state not in ('failed', 'pending')")" 0
check "no more than the first three and the slots' worth after them were started" \
    test "$(sql broken/sweep.db "select count(*) from trials")" -le 7
check "it says why" grep -q "^sweep: stopped early: the first 3 trials all failed (the last, trial [0-9]*: exit code 4)" broken.err
check "and how to change it" grep -q "fail_fast in the sweep file" broken.err

# 2b. the first rule counts the first trials started, not the first to end:
#     configurations that crash at once do not stop a sweep whose first
#     trial, slower, trains (4 at a time: trials 1-3 fail before 0 ends)
cat > mixed.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  mode: {values: ["--fake-sleep=0.3", --fake-exit=5, --fake-exit=6, --fake-exit=7, "--fake-sleep=0.01"]}
command: [fake_trainer, "${mode}", --fake-epochs=3]
resources: {gpus: none, max_parallel: 4}
Y
sweep run -q mixed.yaml -d mixed > /dev/null 2> mixed.err
check_eq "quick failures while the first trial trains: not stopped" "$(sql mixed/sweep.db "select group_concat(state) from (select state from trials order by id)")" \
    "completed,failed,failed,failed,completed"
check "they ended before it" test "$(sql mixed/sweep.db "select count(*) from trials where id between 1 and 3 and ended < (select ended from trials where id = 0)")" = 3

# 3. consecutive failures after successes: {consecutive: 4}
cat > later.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  code: {values: [0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]}
command: [fake_trainer, "--fake-exit=${code}", --fake-epochs=1]
resources: {gpus: none, max_parallel: 1}
fail_fast: {first: 3, consecutive: 4}
Y
sweep run -q later.yaml -d later > /dev/null 2> later.err
check_eq "four failures in a row: exit 3" "$?" 3
check_eq "it stopped at the fourth (the next one, started, interrupted)" "$(sql later/sweep.db "select group_concat(state) from trials")" "completed,failed,failed,failed,failed,pending"
check "it says why, even with -q" grep -q "stopped early: 4 trials failed in a row (the last, trial 4: exit code 6)" later.err

# 4. fail_fast: false runs them all; every trial failed: exit 3 all the same
sed 's/fail_fast: .*/fail_fast: false/; s/\[0, 3,/[2, 3,/' later.yaml > off.yaml
sweep run -q off.yaml -d off > /dev/null 2> off.err
check_eq "fail_fast off, every trial failed: exit 3" "$?" 3
check_eq "all twelve ran" "$(sql off/sweep.db "select count(*) from trials where state = 'failed'")" 12
check "it says so" grep -q "every trial failed" off.err

# 5. a bad value is a FILE:LINE:COL error
printf 'method: grid\nparameters:\n  x: {values: [1]}\ncommand: [fake_trainer]\nfail_fast: {frist: 2}\n' > bad.yaml
sweep run bad.yaml -d bad 2> bad.err
check_eq "a misspelt fail_fast key: exit 2" "$?" 2
check "with did you mean" grep -q "^bad.yaml:5:13: .*frist.*first" bad.err
printf 'method: grid\nparameters:\n  x: {values: [1]}\ncommand: [fake_trainer]\nfail_fast: 3\n' > bad2.yaml
sweep run bad2.yaml -d bad2 2> bad2.err
check_eq "fail_fast: 3: exit 2" "$?" 2
check "it says what it takes" grep -q "^bad2.yaml:5:12: fail_fast must be true, false or {first: N, consecutive: N}" bad2.err
finish
