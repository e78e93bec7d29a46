#!/bin/bash
# A decision to end a trial stands after kill -9 of sweep (issue 13.2): the
# decision is recorded before the trial is signalled, and the resumed sweep
# records the trial as decided - whether it exited meanwhile (143, as a
# trainer that saves a checkpoint first does), still runs (it ignores
# SIGTERM), or died with the machine - never as a failure, never run again.
. "$(dirname "$0")/lib.sh"

# patience 2 on a loss that only gets worse (-1, -0.5, -0.33): pruned at value 3
spec() { # spec FILE TRAINER-FLAGS...
    local f=$1; shift
    cat > "$f" <<Y
method: grid
metric: {name: loss, goal: minimize}
early_terminate: {type: patience, patience: 2}
parameters:
  i: {values: [1]}
command: [fake_trainer, --fake-loss=-1, --fake-epochs=60, --fake-sleep=0.15, $*]
resources: {gpus: none}
retries: 1
stop_grace: 1s
Y
}
# the moment the decision's event is committed (the trial is signalled after it)
decided() { [ "$(sql $1/sweep.db "select count(*) from events where kind in ('prune_decided', 'stop_decided')" 2> /dev/null)" -gt 0 ] 2> /dev/null; }
run_until_decided() { # run_until_decided FILE DIR: kill -9 sweep once the decision is recorded
    sweep run -q "$1" -d "$2" > /dev/null 2>&1 &
    local p=$!
    wait_for "decided $2" 20
    kill -9 $p
    wait $p 2> /dev/null
}
expect_decided() { # expect_decided DIR STATE WHAT
    check_eq "$3: $2" "$(sql $1/sweep.db 'select state from trials where id = 0')" "$2"
    check_eq "$3: launched once" "$(wc -l < $1/trials/0000/launches)" 1
    check "$3: no second attempt" test ! -e $1/trials/0000/stdout.log.attempt1
}

# 1. the trainer exits 1 s after SIGTERM: exit.json (143) is there at resume
spec a.yaml --fake-term-delay=1
run_until_decided a.yaml a
check_eq "the decision is recorded: pruned" "$(sql a/sweep.db 'select stop_state from trials where id = 0')" pruned
wait_for "[ -e a/trials/0000/exit.json ]" 10
sweep run -q a.yaml -d a > /dev/null 2> a.err
check_eq "resume: exit 0" "$?" 0
expect_decided a pruned "exited meanwhile"
check "the reason is the decision's" grep -q 'pruned: no improvement' <(sql a/sweep.db 'select reason from trials where id = 0')

# 2. the trainer ignores SIGTERM: still running at resume, stopped again
spec b.yaml --fake-ignore-term
run_until_decided b.yaml b
sweep run -q b.yaml -d b > /dev/null 2> b.err
expect_decided b pruned "still running"
check "stopped again, not run to its end" test "$(sql b/sweep.db 'select count(*) from metrics')" -lt 60

# 3. everything died with the machine: no record, no process
spec c.yaml --fake-ignore-term
run_until_decided c.yaml c
kill -9 -- -"$(cut -d' ' -f1 c/trials/0000/trainer.pid)" "$(sql c/sweep.db 'select pid from trials where id = 0')"
sleep 0.3
sweep run -q c.yaml -d c > /dev/null 2> c.err
expect_decided c pruned "gone"

# 4. a `sweep stop` decision stands the same way
cat > d.yaml <<'Y'
method: grid
parameters:
  i: {values: [1]}
command: [fake_trainer, --fake-epochs=60, --fake-sleep=0.15, --fake-term-delay=1]
resources: {gpus: none}
retries: 1
Y
sweep run -q d.yaml -d d > /dev/null 2>&1 &
p=$!
wait_for "[ -e d/trials/0000/trainer.pid ]" 10
sweep stop d 0 > /dev/null
wait_for "decided d" 3 || sleep 0.3 # (a sweep that keeps no such event: soon after the request)
kill -9 $p
wait $p 2> /dev/null
wait_for "[ -e d/trials/0000/exit.json ]" 10
sweep run -q d.yaml -d d > /dev/null 2> d.err
expect_decided d stopped "sweep stop"
finish
