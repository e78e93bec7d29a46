#!/bin/bash
# Random trials depend only on (seed, index): the same with 1 or 4 slots,
# the same as `sweep plan`, different with another seed.
. "$(dirname "$0")/lib.sh"

cat > s.yaml <<'Y'
method: random
seed: 11
run_cap: 12
parameters:
  lr: {distribution: log_uniform_values, min: 1e-5, max: 1e-1}
  bs: {values: [8, 16, 32]}
  wd: {distribution: normal, mu: 0, sigma: 1}
  e: {min: 1, max: 3}
command: [fake_trainer, "${args}", --fake-epochs=2]
resources: {gpus: none, max_parallel: 1}
Y
sed 's/max_parallel: 1/max_parallel: 4/' s.yaml > s4.yaml
sed 's/seed: 11/seed: 12/' s.yaml > s12.yaml
sweep run -q s.yaml -d one > /dev/null
sweep run -q s4.yaml -d four > /dev/null
sweep run -q s12.yaml -d other > /dev/null
q="select id || ' ' || params from trials order by id"
check_eq "12 trials" "$(sql one/sweep.db 'select count(*) from trials')" 12
check_eq "independent of max_parallel" "$(sql one/sweep.db "$q")" "$(sql four/sweep.db "$q")"
check "another seed draws other trials" test "$(sql one/sweep.db "$q")" != "$(sql other/sweep.db "$q")"
plan=$(sweep plan s.yaml --json | grep -o '"params": {[^}]*}' | sed 's/"params": //')
check_eq "the same as sweep plan" "$(sql one/sweep.db 'select params from trials order by id')" "$plan"
# the argv the trainer got is the one stored
check_eq "argv stored" "$(sql one/sweep.db "select json_extract(argv, '\$[1]') from trials where id = 3")" "$(cat one/trials/0003/arg.1)"
finish
