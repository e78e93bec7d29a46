#!/bin/bash
# executor: slurm against a real Slurm (issue 16): scripts/slurm-cluster.sh
# starts munged + slurmctld + slurmd in a private directory with 4 fake
# GPUs. Covered: 4 GPU trials at once and a 5th pending (Resources); exit 3;
# sweep's timeout and Slurm's TIMEOUT; scancel from outside; a job sbatch
# rejects; early termination and sweep stop through scancel; kill -9 of
# sweep with jobs pending and running, then resume (each trial submitted
# once, no metric row lost or doubled); an sbatch answer lost in a crash
# (the job found by its name); a node failure (the trial requeued); GPUs
# shared by memory through gres/shard.
# Skipped (exit 77, loudly) only where Slurm cannot be installed.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/slurm_lib.sh"

# Slurm's own time limit (1 minute, enforced ~90 s late): started first, in
# the background, checked before the node failure
cat > tl.yaml <<'Y'
method: grid
parameters:
  x: {value: 1}
command: [sleep, "300"]
executor: slurm
slurm: {time: 1m, mem: 50M, poll: 1s}
Y
sweep run -q tl.yaml -d tl > tl.out 2> tl.err &
TL=$!

# 4 GPUs, 5 trials of one GPU each: 4 at once, the 5th waits for a GPU;
# its timeout (5 s, for 3 s of work) runs from its start, not its submission
cat > g.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  L: {values: [1, 2, 3, 4, 5]}
command: [sh, -c, 'echo "cuda=$CUDA_VISIBLE_DEVICES job=$SLURM_JOB_ID trial=$SWEEP_TRIAL_ID"; exec fake_trainer "$@"', x, "--fake-loss=${L}", --fake-epochs=3, --fake-sleep=1]
executor: slurm
slurm: {gpus: 1, mem: 100M, poll: 0.5s}
resources: {max_parallel: 5}
timeout: 5s
Y
sweep run g.yaml -d g > g.out 2> g.err &
G=$!
check "the 5th job waits for a GPU, and status says why" \
    wait_for "sweep status g 2> /dev/null | grep -q 'PENDING (Resources)'" 20
wait $G
check_eq "gpus: exit" "$?" 0
check_eq "gpus: all completed (the 5th's timeout from its start)" "$(states g)" "completed,completed,completed,completed,completed"
check "gpus: the 5th was submitted more than 5 s before it ended" test \
    "$(sql g/sweep.db "select (select ended from trials where id = 4) - min(time) > 5 from events where trial = 4 and kind = 'submitted'")" = 1
check_eq "gpus: the first four on four GPUs" \
    "$(for i in 0 1 2 3; do grep -o 'cuda=[0-9]' g/trials/000$i/stdout.log; done | sort -u | wc -l)" 4
check "gpus: each trial says its job" grep -q "trial 4 submitted (job [0-9]*)" g.err
check_eq "gpus: job ids in the store" "$(sql g/sweep.db "select count(distinct exec_ref) from trials")" 5
check_eq "gpus: metrics rows" "$(sql g/sweep.db "select count(*) from metrics where name = 'loss'")" 15
check_eq "gpus: the 5th started after one of the first ended" \
    "$(sql g/sweep.db "select started >= (select min(ended) from trials where id < 4) from trials where id = 4")" 1
sql g/sweep.db "select detail from events where kind = 'slurm_commands'" > g.commands
check "gpus: the commands are counted" grep -q 'sbatch=5 squeue=[0-9]* scontrol=0 sacct=0 scancel=0' g.commands
check "gpus: top as locally" sh -c 'sweep top g | grep -q "1  *0  *completed  *0.33333"'

# exit 3, a job sbatch rejects (5 GPUs on a 4-GPU node), a job cancelled
# from outside, sweep's own timeout: each with its reason
cat > f.yaml <<'Y'
method: grid
parameters:
  case: {values: [exit, cancel, timeout]}
command: [sh, -c, 'case "$0" in exit) echo "RuntimeError: bad"; exit 3;; *) sleep 60;; esac', "${case}"]
executor: slurm
timeout: 6s
slurm: {mem: 50M, poll: 0.5s}
resources: {max_parallel: 3}
Y
sweep run -q f.yaml -d f > f.out 2> f.err &
F=$!
wait_for "[ -n \"\$(sql f/sweep.db 'select exec_ref from trials where id = 1 and exec_state = \"RUNNING\"' 2> /dev/null)\" ]" 20
# Slurm says RUNNING before the batch step has started the supervisor: a
# SIGTERM before its handlers are set kills it without a record (the reason
# then rightly lacks the trainer's signal); the test scancels a trainer
wait_for "[ -s f/trials/0001/trainer.pid ]" 20
scancel "$(sql f/sweep.db 'select exec_ref from trials where id = 1')"
wait $F
check_eq "failures: exit (every trial failed)" "$?" 3
check_eq "failures: states" "$(states f)" "failed,failed,failed"
check_eq "exit 3: the reason" "$(reason f 0)" "exit code 3: RuntimeError: bad"
# scancel signals every process of the step: sh is killed by SIGTERM, or
# its sleep is first and sh exits 143 (128 + 15): both are SIGTERM's end
r1=$(reason f 1 | sed 's/job [0-9]*/job N/')
case $r1 in
"its job N was cancelled in Slurm, not by sweep (scancel); killed by signal 15 (SIGTERM)" | \
    "its job N was cancelled in Slurm, not by sweep (scancel); exit code 143") ok=1 ;;
*) ok=0; echo "scancel from outside: got [$r1]" >&2 ;;
esac
check_eq "scancel from outside: the reason (SIGTERM's end)" "$ok" 1
check_eq "sweep's timeout: the reason" "$(reason f 2)" "timeout after 6.0s"

# the supervisor killed (kill -9) in its job: Slurm's FAILED with the exit
# code scontrol tells (squeue has none), after the wait for a late exit.json
cat > sk.yaml <<'Y'
method: grid
parameters:
  x: {value: 1}
command: [fake_trainer, --fake-epochs=100, --fake-sleep=0.5]
executor: slurm
slurm: {mem: 50M, poll: 0.5s}
Y
sweep run -q sk.yaml -d sk > /dev/null 2> sk.err &
SK=$!
wait_for "[ \"\$(sql sk/sweep.db \"select exec_state from trials where id = 0\" 2> /dev/null)\" = RUNNING ]" 20
wait_for "pgrep -f \"sweep-supervisor --batch-job .* $T/sk/trials/0000 \" > /dev/null" 10
pkill -9 -f "sweep-supervisor --batch-job .* $T/sk/trials/0000 "
wait $SK
check_eq "supervisor killed: the reason" "$(reason sk 0 | sed 's/job [0-9]*/job N/')" \
    "job N FAILED in Slurm (JobLaunchFailure, exit code 0:9), and its supervisor left no record"

# a --signal=B:USR1@T warning (here sent with scancel --signal) reaches the
# trainer, which can save and stop; in a job the supervisor passes USR1 on
cat > us.yaml <<'Y'
method: grid
parameters:
  x: {value: 1}
command: [sh, -c, 'trap "echo warned; exit 0" USR1; i=0; while [ $i -lt 150 ]; do sleep 0.2; i=$((i+1)); done']
executor: slurm
slurm: {mem: 50M, poll: 0.5s}
Y
sweep run -q us.yaml -d us > /dev/null 2> us.err &
US=$!
wait_for "[ \"\$(sql us/sweep.db \"select exec_state from trials where id = 0\" 2> /dev/null)\" = RUNNING ]" 20
wait_for "[ -s us/trials/0000/trainer.pid ]" 10
scancel --batch --signal=USR1 "$(sql us/sweep.db 'select exec_ref from trials where id = 0')"
wait $US
check_eq "USR1 in a job: the trainer's own end" "$(states us)" completed
check "USR1 in a job: it was warned" grep -q warned us/trials/0000/stdout.log

# no Slurm configuration at all (SLURM_CONF unset on a machine without
# /etc/slurm): the sweep stops at the first sbatch, nothing failed
cat > nc.yaml <<'Y'
method: grid
parameters:
  x: {values: [1, 2]}
command: [true]
executor: slurm
Y
if [ ! -e /etc/slurm/slurm.conf ]; then # a machine that is a submit host has one
    env -u SLURM_CONF sweep run nc.yaml -d nc > /dev/null 2> nc.err
    check_eq "no configuration: exit 1" "$?" 1
    check "no configuration: said" grep -q "sbatch finds no Slurm configuration here (\"Could not establish a configuration source\"): set SLURM_CONF, or run sweep on a submit host; stopping" nc.err
    check_eq "no configuration: nothing failed" "$(sql nc/sweep.db "select count(*) from trials where state = 'failed'")" 0
fi

# a job Slurm can never run (a dependency on a job that failed): cancelled,
# failed with Slurm's words
cat > dep.yaml <<Y
method: grid
parameters:
  x: {value: 1}
command: [true]
executor: slurm
slurm: {mem: 50M, poll: 0.5s, args: ["--dependency=afterok:$(sql f/sweep.db 'select exec_ref from trials where id = 0')"]}
Y
sweep run -q dep.yaml -d dep > /dev/null 2> dep.err
check_eq "never runs: exit (every trial failed)" "$?" 3
check_eq "never runs: the reason" "$(reason dep 0 | sed 's/job [0-9]*/job N/')" \
    "Slurm can never run its job N as submitted: PENDING (DependencyNeverSatisfied); cancelled"
check_eq "never runs: not left in the queue" \
    "$(squeue -h -t pending -j "$(sql dep/sweep.db 'select exec_ref from trials')" -o %i 2> /dev/null | wc -l)" 0

cat > r.yaml <<'Y'
method: grid
parameters:
  x: {value: 1}
command: [true]
executor: slurm
slurm: {gpus: 5}
Y
sweep run r.yaml -d r > /dev/null 2> r.err
check_eq "rejected: exit (every trial failed)" "$?" 3
check_eq "rejected: failed with Slurm's words" "$(reason r 0)" "sbatch: Requested node configuration is not available"
check "rejected: said at once" grep -q "trial 0 failed to start: sbatch: Requested node configuration is not available" r.err

# early termination (hyperband, as test_early.sh: trials 2 and 3 pruned)
# and sweep stop both cancel jobs: SIGTERM through scancel first; the
# job's comment, set before the cancel, says why (issue 27)
early_termination h "{mem: 50M, poll: 0.5s}"
check_eq "early termination: no third value" "$(sql h/sweep.db "select count(*) from metrics where trial in (2, 3)")" 4
check "early termination: a completed job's comment is sweep's own" \
    sh -c "scontrol -o show job $(sql h/sweep.db "select exec_ref from trials where id = 0") | grep -q 'Comment=sweep trial 0 of sweep-'"

cat > st.yaml <<'Y'
method: grid
parameters:
  x: {values: [1, 2]}
command: [fake_trainer, --fake-epochs=40, --fake-sleep=0.5]
executor: slurm
slurm: {mem: 50M, poll: 0.5s}
resources: {max_parallel: 2}
Y
sweep run -q st.yaml -d st > /dev/null 2> st.err &
S=$!
wait_for "[ \"\$(sql st/sweep.db \"select count(*) from trials where exec_state = 'RUNNING'\" 2> /dev/null)\" = 2 ]" 20
sweep stop st 1 > /dev/null 2>&1
check "sweep stop: trial 1 stopped" wait_for "[ \"\$(sql st/sweep.db 'select state from trials where id = 1')\" = stopped ]" 20
kill -INT $S
wait $S
check_eq "Ctrl-C: the other interrupted (pending: resume runs it)" "$(states st)" "pending,stopped"
check_eq "no job of it left in the queue" \
    "$(squeue -h -t pending,running -j "$(sql st/sweep.db "select group_concat(exec_ref) from trials")" -o %i | wc -l)" 0

# kill -9 of sweep with jobs running and pending, then resume: each trial
# submitted once, every metric row once
cat > k.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  L: {values: [1, 2, 3, 4, 5, 6, 7, 8]}
command: [fake_trainer, "--fake-loss=${L}", --fake-epochs=6, --fake-sleep=0.5]
executor: slurm
slurm: {gpus: 1, mem: 50M, poll: 0.5s}
resources: {max_parallel: 6}
Y
sweep run -q k.yaml -d k > /dev/null 2> k.err &
K=$!
wait_for "[ \"\$(sql k/sweep.db \"select count(*) from trials where exec_state like 'PENDING%'\" 2> /dev/null)\" -ge 1 ] 2> /dev/null && [ \"\$(sql k/sweep.db \"select count(*) from trials where exec_state = 'RUNNING'\" 2> /dev/null)\" = 4 ]" 30
kill -9 $K
wait $K 2> /dev/null
sleep 1
sweep resume k > k.resume.out 2> k.resume.err
check_eq "kill -9: resume exits 0" "$?" 0
check "kill -9: jobs followed again" grep -q "is still in Slurm (job [0-9]*, " k.resume.err
check_eq "kill -9: all completed" "$(states k)" "completed,completed,completed,completed,completed,completed,completed,completed"
ktag=$(squeue -h -t all -j "$(sql k/sweep.db "select exec_ref from trials where id = 0")" -o %j | sed 's/-0$//')
check_eq "kill -9: each trial submitted once" "$(squeue -h -t all -o %j | grep -c "^$ktag-[0-7]$")" 8
check_eq "kill -9: no name twice" "$(squeue -h -t all -o %j | grep "^$ktag-" | sort | uniq -d | wc -l)" 0
check_eq "kill -9: every metric row once" "$(sql k/sweep.db "select count(*) from metrics where name = 'loss'")" 48

# sweep stop with no sweep running: the jobs are cancelled (proven the
# trials' by their names), and resume records them stopped
cat > o.yaml <<'Y'
method: grid
parameters:
  x: {values: [1, 2]}
command: [fake_trainer, --fake-epochs=100, --fake-sleep=0.5]
executor: slurm
slurm: {mem: 50M, poll: 0.5s}
stop_grace: 3s
Y
sweep run -q o.yaml -d o > /dev/null 2> o.err &
O=$!
wait_for "[ \"\$(sql o/sweep.db \"select count(*) from trials where exec_state = 'RUNNING'\" 2> /dev/null)\" = 2 ]" 20
kill -9 $O
wait $O 2> /dev/null
sweep stop o > o.stop 2>&1
check_eq "stop, no sweep: exit" "$?" 0
check_eq "stop, no sweep: the jobs ended" \
    "$(squeue -h -t pending,running -j "$(sql o/sweep.db "select group_concat(exec_ref) from trials")" -o %i | wc -l)" 0
sweep resume o > /dev/null 2> o.resume
check_eq "stop, no sweep: resume records them stopped" "$(states o)" "stopped,stopped"

# an sbatch answer lost: sweep killed after sbatch, before the job id was
# committed. The commit to kill at is found by trying (the first few are
# the sweep's creation).
cat > l.yaml <<'Y'
method: grid
parameters:
  x: {values: [1, 2]}
command: [fake_trainer, --fake-epochs=3, --fake-sleep=0.3]
executor: slurm
slurm: {mem: 50M, poll: 0.5s}
Y
lost=0
newest() { squeue -h -t all -o %i | sort -n | tail -1; }
for n in 2 3 4 5 6 7 8 9 10; do
    rm -rf l
    before=$(newest)
    SWEEP_TEST_CRASH_BEFORE_COMMIT=$n sweep run -q l.yaml -d l > /dev/null 2>&1
    job0=$(newest)
    if [ "$(sql l/sweep.db "select count(*) from trials where state = 'running' and exec_ref is null" 2> /dev/null)" = 1 ] &&
        [ "$job0" != "$before" ]; then
        lost=1
        break
    fi
done
check "lost answer: a crash between sbatch and its record was made" test $lost = 1
name0=$(squeue -h -t all -j "$job0" -o %j)
sweep resume l > /dev/null 2> l.err
check_eq "lost answer: resume exits 0" "$?" 0
check_eq "lost answer: trial 0 completed" "$(states l)" "completed,completed"
check_eq "lost answer: its job was found, not submitted again" "$(squeue -h -t all -o '%j' | grep -c "^${name0}$")" 1
check "lost answer: found by its name" \
    grep -q 'found again by its name' <<< "$(sql l/sweep.db "select detail from events where trial = 0 and kind = 'submitted'")"

# Slurm's time limit, before the node failure below (which would take its
# job's node down with it)
wait $TL
check_eq "Slurm's time limit: failed" "$(states tl)" failed
check_eq "Slurm's time limit: the reason" "$(reason tl 0 | sed 's/job [0-9]*/job N/')" \
    "Slurm's time limit --time=0-00:01:00 reached (job N TIMEOUT); killed by signal 15 (SIGTERM)"

# a node failure while a job runs: the trial is requeued as a new job (not
# a failure, not a retry) and completes once the node is back
cat > n.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  x: {value: 1}
command: [fake_trainer, --fake-loss=1, --fake-epochs=8, --fake-sleep=0.5]
executor: slurm
slurm: {mem: 50M, poll: 0.5s}
Y
sweep run n.yaml -d n > n.out 2> n.err &
N=$!
wait_for "[ \"\$(sql n/sweep.db \"select exec_state from trials where id = 0\" 2> /dev/null)\" = RUNNING ]" 20
sleep 1
scontrol update nodename="$HOST" state=down reason=sweep-test
check "node failure: the trial is requeued" wait_for "grep -q 'NODE_FAIL.*requeued' n.err" 30
scontrol update nodename="$HOST" state=resume 2> /dev/null # back already, or now
wait $N
check_eq "node failure: exit" "$?" 0
check_eq "node failure: completed" "$(states n)" completed
check_eq "node failure: attempts" "$(sql n/sweep.db "select attempts from trials where id = 0")" 2
check_eq "node failure: not a retry" "$(sql n/sweep.db "select count(*) from events where kind = 'retry'")" 0
check_eq "node failure: metric rows of the second run only" "$(sql n/sweep.db "select count(*) from metrics where name = 'loss'")" 8

# a submit limit (MaxSubmitJobs: the words of Slurm's
# ESLURM_ACCOUNTING_POLICY) is "not now", not a failure: an sbatch before
# the real one refuses the first two submissions
mkdir -p limit
REAL_SBATCH=$(command -v sbatch)
cat > limit/sbatch <<S
#!/bin/sh
n=\$(cat "$T/limit/count" 2> /dev/null || echo 0)
echo \$((n + 1)) > "$T/limit/count"
if [ "\$n" -lt 2 ]; then
    echo "sbatch: error: Batch job submission failed: Job violates accounting/QOS policy (job submit limit, user's size and/or time limits)" >&2
    exit 1
fi
exec "$REAL_SBATCH" "\$@"
S
chmod +x limit/sbatch
cat > lim.yaml <<'Y'
method: grid
parameters:
  x: {values: [1, 2]}
command: [fake_trainer, --fake-epochs=1, --fake-sleep=0.1]
executor: slurm
slurm: {mem: 50M, poll: 0.5s}
Y
# a job of this user in the queue: a submit limit that frees up when it
# ends (with none, sweep rightly says the limit is not one that waits)
HOLD=$(sbatch --parsable --job-name=hold --mem=10M --output=/dev/null --wrap "sleep 60")
PATH="$T/limit:$PATH" sweep run lim.yaml -d lim > /dev/null 2> lim.err
scancel "$HOLD"
check_eq "submit limit: both completed" "$(states lim)" "completed,completed"
check "submit limit: said, with Slurm's words" grep -q "trial 0 waits to be submitted: sbatch: Job violates accounting/QOS policy (job submit limit, user's size and/or time limits); again every 10s" lim.err
check_eq "submit limit: said once" "$(grep -c "waits to be submitted" lim.err)" 1
check_eq "submit limit: no failure recorded" "$(sql lim/sweep.db "select count(*) from events where kind = 'failed'")" 0

# slurm.shared_dir: sweep.db stays in the sweep directory, the trial
# directories go where the nodes see them; every command finds them
cat > sd.yaml <<Y
method: grid
metric: {name: loss, goal: minimize}
parameters:
  L: {values: [1, 2]}
command: [fake_trainer, "--fake-loss=\${L}", --fake-epochs=2, --fake-sleep=0.2]
executor: slurm
slurm: {mem: 50M, poll: 0.5s, shared_dir: $T/shared}
Y
sweep plan sd.yaml > sd.plan
check "shared_dir: plan shows where" grep -q -- "--output=$T/shared/sweep-XXXXXXXX/0000/stdout.log" sd.plan
sweep run -q sd.yaml -d sd > /dev/null 2> sd.err
check_eq "shared_dir: completed" "$(states sd)" "completed,completed"
check "shared_dir: no trials in the sweep directory" test ! -e sd/trials
check_eq "shared_dir: the trial directories under it" "$(ls "$T"/shared/sweep-*/ | tr '\n' ' ')" "0000 0001 "
check "shared_dir: the logs there" grep -q "loss" "$T"/shared/sweep-*/0001/stdout.log
sweep report sd -o sd-report > /dev/null 2>&1
check "shared_dir: the report links the trial's log there" grep -q "shared/sweep-[0-9a-f]*/0000/stdout.log" sd-report/index.html
check "shared_dir: status reads the trials there" sh -c 'sweep status sd | grep -q "2 completed"'

# share: shard - 8 shards per GPU; 10, 30 and 80 GiB of 80: 1, 3 and 8
# shards; more trials than GPUs run at once, Slurm keeping the count
cat > sh.yaml <<'Y'
method: grid
parameters:
  model: {values: [n, m, x]}
  seed: {values: [1, 2, 3, 4]}
command: [sh, -c, 'echo "cuda=$CUDA_VISIBLE_DEVICES shards=$SLURM_SHARDS_ON_NODE"; sleep 3']
executor: slurm
slurm: {share: shard, shards_per_gpu: 8, gpu_memory: 80GiB, mem: 50M, poll: 0.5s}
resources:
  max_parallel: 12
  memory: {by: model, values: {n: 10GiB, m: 30GiB, x: 80GiB}}
Y
sweep run -q sh.yaml -d sh > /dev/null 2> sh.err
check_eq "shards: all completed" "$(sql sh/sweep.db "select count(*) from trials where state = 'completed'")" 12
check_eq "shards: by the memory estimate" \
    "$(for m in 0 4 8; do sed -n 's/.*shards=//p' sh/trials/000$m/stdout.log; done | tr '\n' ' ')" "1 3 8 "
check "shards: more trials at once than the 4 GPUs" test \
    "$(sql sh/sweep.db "select max((select count(*) from trials b where b.started <= a.started and b.ended > a.started)) from trials a")" -ge 8

finish
