#!/bin/bash
# executor: srun (issue 27, point 2) inside real allocations of a real
# Slurm of two nodes (scripts/slurm-cluster.sh, SLURM_CI_NODES=2): trials
# are job steps placed on both nodes by their cores, or packed on each
# node's declared GPUs by memory (CUDA_VISIBLE_DEVICES as sweep chose); a
# stop reaches the trainer as SIGTERM; after kill -9 of sweep the steps go
# on, `sweep stop` without a sweep still reaches a trainer, and the resume
# follows the others again without running any twice. Outside an
# allocation: refused, nothing run.
export SLURM_CI_NODES=2
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/slurm_lib.sh"

check_eq "two nodes up" "$(sinfo -h -o %D)" 2
cat > train.sh <<'SH'
#!/bin/bash
# train.sh X STEPS DIR: where it runs, then STEPS steps of 0.4 s; SIGTERM
# said; X = 3 on a GPU runs out of its memory the first time
echo "start node=${SLURMD_NODENAME:-none} step=${SLURM_JOB_ID:-}.${SLURM_STEP_ID:-} cvd=${CUDA_VISIBLE_DEVICES-unset}"
if [ "$1" = 3 ] && [ -n "${CUDA_VISIBLE_DEVICES:-}" ] && [ ! -e "$3/oom.once" ]; then
    touch "$3/oom.once"
    echo "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 6.00 GiB." >&2
    exit 1
fi
trap 'echo "got TERM"; exit 143' TERM
for i in $(seq 1 "$2"); do
    sleep 0.4 & wait
    echo "step=$i loss=0.$((9 - $1 % 9))$i"
done
SH
chmod +x train.sh
sweep_file() { # sweep_file NAME VALUES STEPS RESOURCES [SRUN]
    cat > "$1.yaml" <<Y
method: grid
metric: {name: loss, goal: minimize}
parameters:
  x: {values: [$2]}
command: [$T/train.sh, "\${x}", "$3", "\${trial_dir}"]
executor: srun
resources: $4
${5:-}
Y
}
# the most trials of DIR at once on one place (the column's value: node, or GPU)
most_at_once() {
    sql "$1/sweep.db" "select max(n) from (select (select count(*) from trials b where b.$2 = a.$2
        and b.started <= a.started and b.ended > a.started) as n from trials a)"
}

# outside an allocation: refused, nothing ran
sweep_file cpu "1, 2, 3, 4, 5, 6, 7, 8" 4 "{cpus: 1}"
(unset SLURM_JOB_ID SLURM_JOBID; sweep run cpu.yaml -d outside > outside.out 2>&1)
check_eq "outside an allocation: exit status" "$?" 2
check "outside an allocation: said" grep -q "executor srun runs inside a Slurm allocation (salloc" outside.out
check_eq "outside an allocation: no trial" "$(sql outside/sweep.db "select count(*) from trials where state != 'pending'" 2> /dev/null || echo 0)" 0

# an allocation whose nodes and cores disagree (a wrapper's mistake): said, nothing run
salloc -N2 --cpus-per-task=2 env SLURM_JOB_CPUS_PER_NODE=2 sweep run cpu.yaml -d odd > odd.out 2>&1
check "odd allocation: refused" test $? -ne 0
check "odd allocation: said" grep -q "the allocation's nodes (.*) and their cores (2) do not match" odd.out
check_eq "odd allocation: no trial ran" "$(ls odd/trials 2> /dev/null | wc -l)" 0

sweep plan cpu.yaml > plan.out 2>&1
check "plan shows each trial's step" grep -q "srun --jobid=JOB --nodes=1 --ntasks=1 --nodelist=NODE --exact --cpus-per-task=1 --job-name=sweep-XXXXXXXX-0 --quiet --gres=none -- $T/train.sh 1 4 DIR/trials/0000" plan.out

# CPU trials: two cores per node, one per trial - both nodes, two at once each
salloc -N2 --cpus-per-task=2 sweep run cpu.yaml -d cpu > cpu.out 2>&1
check_eq "cpu: exit status" "$?" 0
check_eq "cpu: all completed" "$(states cpu)" "completed,completed,completed,completed,completed,completed,completed,completed"
check_eq "cpu: on both nodes" "$(sql cpu/sweep.db "select count(distinct exec_ref) from trials")" 2
check_eq "cpu: two at once on a node (its cores), not more" "$(most_at_once cpu exec_ref)" 2
bad=0
for i in 0 1 2 3 4 5 6 7; do
    node=$(sql cpu/sweep.db "select exec_ref from trials where id = $i")
    head -1 "cpu/trials/000$i/stdout.log" | grep -q "^start node=$node step=[0-9]*\.[0-9]* cvd=unset$" || bad=$((bad + 1))
done
check_eq "cpu: each ran as a step on the node recorded" "$bad" 0
check "cpu: the output names the node" grep -q "trial 0 started (node $HOST" cpu.out
check "cpu: as many at once as the cores hold" grep -q "8 trials, as many at a time as the cores of the allocation's nodes hold" cpu.out
check_eq "cpu: four at once in all" "$(sql cpu/sweep.db "select max(n) from (select (select count(*) from trials b
    where b.started <= a.started and b.ended > a.started) as n from trials a)")" 4

# in a batch script (sweep in the batch step of the first node)
sweep_file batch "1, 2, 3, 4" 3 "{cpus: 1}"
printf '#!/bin/sh\nsweep run batch.yaml -d batch\n' > batch.sh
sbatch --wait -N2 --cpus-per-task=1 -o batch.out batch.sh > /dev/null 2>&1
check_eq "sbatch: all completed" "$(states batch)" "completed,completed,completed,completed"
check_eq "sbatch: on both nodes" "$(sql batch/sweep.db "select count(distinct exec_ref) from trials")" 2
check_eq "cpu: one started event a trial, and where it went" \
    "$(sql cpu/sweep.db "select count(*) from events where kind = 'started'") $(sql cpu/sweep.db "select count(*) from events where kind = 'placed' and detail like 'node %'")" "8 8"
check "cpu: what it cost, recorded" test "$(sql cpu/sweep.db "select detail from events where kind = 'srun_steps'")" = "steps=8 signals=0"

# GPU trials: each node has the two GPUs the file declares, 10 GiB of 24
# per trial - two per GPU, eight at once, each told its GPU
sweep_file gpu "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12" 4 \
    "{cpus: 1, gpus: [{id: 0, memory: 24GiB}, {id: 1, memory: 24GiB}], memory: 10GiB}" "srun: {gres: \"gpu:2\"}"
sweep plan gpu.yaml > gplan.out 2>&1
check "plan: the declared GPUs are each node's" grep -q "^GPUs (each of the allocation's nodes has them): 0 (24.0 GiB" gplan.out
check "plan: the first wave is one node's" grep -q "^the first wave (.*), on one of the allocation's nodes:" gplan.out
check "plan: the cores are each step's" grep -q "^cpus: 1 core per trial, from its node (--cpus-per-task)" gplan.out
salloc -N2 --gres=gpu:2 --cpus-per-task=4 sweep run gpu.yaml -d gpu > gpu.out 2>&1
check_eq "gpu: exit status" "$?" 0
check_eq "gpu: all completed" "$(sql gpu/sweep.db "select count(*) from trials where state = 'completed'")" 12
check_eq "gpu: the four GPUs of two nodes used" "$(sql gpu/sweep.db "select count(distinct gpu) from trials")" 4
check_eq "gpu: two at once on a GPU (its memory), not more" "$(most_at_once gpu gpu)" 2
bad=0
for i in $(seq 0 11); do
    g=$(sql gpu/sweep.db "select gpu from trials where id = $i")
    head -1 "gpu/trials/$(printf %04d "$i")/stdout.log" | grep -q "^start node=${g%:*} step=.* cvd=${g#*:}$" || bad=$((bad + 1))
done
check_eq "gpu: each ran on its GPU's node, told that GPU" "$bad" 0
check "gpu: out of memory on a node: requeued with a larger estimate" \
    grep -q "trial 2: CUDA out of memory with 10.0 GiB reserved; requeued with" gpu.out
check_eq "gpu: and then completed, once more" "$(sql gpu/sweep.db "select state || ' ' || attempts from trials where id = 2")" "completed 2"

# a stop reaches the trainer; kill -9 of sweep; a stop without a sweep; the resume
sweep_file long "1, 2, 3, 4, 5, 6" 14 "{cpus: 1, max_parallel: 4}"
cat > crash.sh <<'SH'
sweep run long.yaml -d long > long1.out 2>&1 &
p=$!
n=0
until [ "$(sqlite3 long/sweep.db "select count(*) from trials where state = 'running'" 2> /dev/null)" = 4 ]; do
    n=$((n + 1)); [ $n -gt 200 ] && break; sleep 0.1
done
sleep 1
sweep stop long 1 > stop1.out 2>&1
sleep 1.5
kill -9 $p
squeue --steps -h -o '%j' > steps.after-kill
sweep stop long 2 > stop2.out 2>&1
sleep 1
sweep resume long > long2.out 2>&1
echo "resume: $?" > resume.rc
SH
salloc -N2 --cpus-per-task=2 bash crash.sh > crash.out 2>&1
check "stop: the trainer got SIGTERM" grep -q "^got TERM" long/trials/0001/stdout.log
check_eq "stop: recorded" "$(reason long 1)" "stopped by the user (sweep stop)"
check "kill -9: the steps went on" grep -q -- "-3$" steps.after-kill
check "stop without a sweep: the trainer got SIGTERM" grep -q "^got TERM" long/trials/0002/stdout.log
check_eq "resume: exit status" "$(cat resume.rc)" "resume: 0"
check "resume: followed again" grep -q "trial 3 is still in the allocation (node $HOST" long2.out
check_eq "resume: every trial ended" "$(states long)" "completed,stopped,stopped,completed,completed,completed"
bad=0
for i in 0 1 2 3 4 5; do [ "$(grep -c '^start ' "long/trials/000$i/stdout.log")" = 1 ] || bad=$((bad + 1)); done
check_eq "resume: none ran twice" "$bad" 0
check_eq "no step left" "$(squeue --steps -h | wc -l)" 0

# sweep killed between a step's start and the record of its node: the
# resume finds the supervisor by its trial directory and the node in the
# srun it runs, and counts the trial on that node again
sweep_file one "1" 8 "{cpus: 1}"
cat > lost.sh <<'SH'
for n in 2 3 4 5 6 7 8 9 10; do
    rm -rf one
    SWEEP_TEST_CRASH_BEFORE_COMMIT=$n sweep run one.yaml -d one > /dev/null 2>&1
    if [ "$(sqlite3 one/sweep.db "select count(*) from trials where state = 'running' and exec_ref is null" 2> /dev/null)" = 1 ] &&
        pgrep -f "sweep-supervisor $PWD/one/trials/0000 " > /dev/null; then
        echo "crashed at $n" > lost.at
        break
    fi
    pkill -f "sweep-supervisor $PWD/one/trials/0000 "; sleep 0.5
done
sweep resume one > one.out 2>&1
echo "resume: $?" > lost.rc
SH
salloc -N2 --cpus-per-task=2 bash lost.sh > lost.out 2>&1
check "lost node: a crash between a step's start and its record was made" test -s lost.at
check_eq "lost node: resume exit status" "$(cat lost.rc)" "resume: 0"
check "lost node: followed again on its node" grep -q "trial 0 is still in the allocation (node " one.out
check "lost node: its node recorded" test -n "$(sql one/sweep.db "select exec_ref from trials where id = 0")"
check_eq "lost node: completed, once" "$(states one) $(grep -c '^start ' one/trials/0000/stdout.log)" "completed 1"
finish
