#!/bin/bash
# How trials end: exit codes, signals, a missing program, retries, timeout,
# stall, a trainer that ignores SIGTERM. The sweep always goes on.
. "$(dirname "$0")/lib.sh"
ulimit -c 0 # no core files: the reasons below say no "core dumped"

cat > a.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  mode: {values: [--fake-exit=0, --fake-exit=3, --fake-signal=9, --fake-signal=11]}
command: [fake_trainer, "${mode}", --fake-epochs=2]
resources: {gpus: none, max_parallel: 4}
Y
sweep run -q a.yaml -d a > /dev/null
check_eq "a: exit status" "$?" 0
st="select state || ' | ' || coalesce(reason, '') from trials order by id"
check_eq "a: states and reasons" "$(sql a/sweep.db "$st")" "completed | 
failed | exit code 3
failed | killed by signal 9 (SIGKILL)
failed | killed by signal 11 (SIGSEGV)"
check_eq "a: exit code stored" "$(sql a/sweep.db 'select exit_code from trials where id = 1')" 3
check_eq "a: signal stored" "$(sql a/sweep.db 'select exit_signal from trials where id = 2')" 9
check_eq "a: a failed trial's metrics are kept" "$(sql a/sweep.db 'select count(*) from metrics where trial = 1')" 2
check_eq "a: completed ranks first" "$(sweep top a --json | grep -m1 -o '"trial": [0-9]*')" '"trial": 0'

cat > b.yaml <<'Y'
method: grid
retries: 1
parameters:
  mode: {values: [--fake-fail-first=5, --fake-exit=4]}
command: [fake_trainer, "${mode}"]
resources: {gpus: none, max_parallel: 2}
Y
sweep run -q b.yaml -d b > /dev/null
check_eq "b: a retry that succeeds, a retry that fails" \
    "$(sql b/sweep.db "select state || ' ' || attempts || ' ' || coalesce(reason, '') from trials order by id")" \
    "completed 2 
failed 2 exit code 4"
check_eq "b: launched twice" "$(wc -l < b/trials/0000/launches)" 2
check "b: the failed attempt's log is kept" test -s b/trials/0000/stdout.log.attempt1
check_eq "b: only the successful attempt's metrics" "$(sql b/sweep.db 'select count(*) from metrics where trial = 0')" 3
check_eq "b: retry event" "$(sql b/sweep.db "select count(*) from events where kind = 'retry'")" 2

# a retry from the checkpoint: the file says how (resume:), the checkpoint is there
cat > r.yaml <<'Y'
method: grid
retries: 1
metric: {name: loss, goal: minimize}
parameters:
  die: {values: [--fake-die-at=2, --fake-die-at=0]}
command: [fake_trainer, "${die}", --fake-epochs=5, "--fake-ckpt=${trial_dir}/ckpt"]
rerun:
  if_exists: ckpt
  command: [fake_trainer, --fake-epochs=5, "--fake-ckpt=${trial_dir}/ckpt", "--fake-resume=${trial_dir}/ckpt"]
resources: {gpus: none, max_parallel: 2}
Y
sweep run -q r.yaml -d r > /dev/null
check_eq "resume: both completed" "$(sql r/sweep.db "select group_concat(x, ',') from (select state || ' ' || attempts as x from trials order by id)")" "completed 2,completed 1"
check_eq "resume: the second attempt went on from epoch 3" "$(grep -o 'epoch=[0-9]' r/trials/0000/stdout.log | tr '\n' ' ')" "epoch=3 epoch=4 epoch=5 "
check_eq "resume: the first attempt's rows are kept" "$(sql r/sweep.db "select group_concat(step, ',') from (select step from metrics where trial = 0 order by step)")" "1,2,3,4,5"
check_eq "resume: recorded" "$(sql r/sweep.db "select count(*) from events where kind = 'resumed'")" 1
check_eq "resume: objective over all epochs" "$(sql r/sweep.db 'select objective from trials where id = 0')" 0.2
# without a checkpoint, a retry starts from scratch and the failed attempt's rows go
# (written with the older key of rerun, resume as a map: it still works)
cat > r2.yaml <<'Y'
method: grid
retries: 1
parameters:
  x: {values: [1]}
command: [fake_trainer, --fake-die-at=2, --fake-epochs=3]
resume:
  if_exists: ckpt
  command: [fake_trainer, --fake-resume=ckpt]
Y
sweep run -q r2.yaml -d r2 > /dev/null
check_eq "no checkpoint: from scratch" "$(grep -o 'epoch=[0-9]' r2/trials/0000/stdout.log | tr '\n' ' ')" "epoch=1 epoch=2 epoch=3 "
check_eq "no checkpoint: only the new attempt's rows" "$(sql r2/sweep.db "select group_concat(step, ',') from (select step from metrics order by step)")" "1,2,3"

# CUDA out of memory is named (the simulated trainer's PyTorch wording)
cat > oom.yaml <<'Y'
method: grid
parameters:
  batch: {values: [8, 64]}
command: [yolo-sim, "${args_no_hyphens}", model=s, epochs=2, gpu-mem-limit=4]
Y
sweep run -q oom.yaml -d oom > /dev/null
check_eq "out of memory: named" "$(sql oom/sweep.db "$st")" 'completed | 
failed | CUDA out of memory ("CUDA out of memory" in its log); exit code 3'

cat > c.yaml <<'Y'
method: grid
retries: 3
parameters:
  x: {values: [1]}
  prog: {value: no-such-trainer-anywhere}
command: ["${prog}", "${x}"]
Y
sweep run -q c.yaml -d c > /dev/null 2> c.err
check_eq "c: every trial failed: exit 3" "$?" 3
check_eq "c: a missing program" "$(sql c/sweep.db "$st")" "failed | cannot run 'no-such-trainer-anywhere': No such file or directory"
check "c: the log says why" grep -q "cannot run 'no-such-trainer-anywhere'" c/trials/0000/stdout.log
check_eq "c: not retried (it cannot start)" "$(sql c/sweep.db 'select attempts from trials')" 1

cat > d.yaml <<'Y'
method: grid
timeout: 1s
stop_grace: 1s
parameters:
  term: {values: [--fake-nothing, --fake-ignore-term]}
command: [fake_trainer, "${term}", --fake-epochs=100, --fake-sleep=0.1]
resources: {gpus: none, max_parallel: 2}
Y
start=$(date +%s%N)
sweep run -q d.yaml -d d > /dev/null
took=$(( ($(date +%s%N) - start) / 1000000 ))
check_eq "d: timeout, then SIGKILL for a trainer that ignores SIGTERM" "$(sql d/sweep.db "$st")" \
    "failed | timeout after 1.0s
failed | timeout after 1.0s; killed by signal 9 (SIGKILL)"
check "d: stopped within timeout + grace (${took} ms)" test "$took" -lt 4000
for p in $(cat d/trials/*/launches); do
    # gone, or a zombie waiting for a parent that does not reap (in containers)
    check "d: trainer $p is gone" sh -c "! grep -q '^State:.*[RSD]' /proc/$p/status 2>/dev/null"
done

cat > e.yaml <<'Y'
method: grid
stall_timeout: 1
parameters:
  x: {values: [1]}
command: [fake_trainer, --fake-epochs=2, --fake-sleep=30]
Y
sweep run -q e.yaml -d e > /dev/null
check_eq "e: stalled" "$(sql e/sweep.db "$st")" "failed | stalled: no output for 1.0s"
check "integrity" test "$(sql d/sweep.db 'pragma integrity_check')" = ok
finish
