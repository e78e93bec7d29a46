#!/bin/bash
# Slurm in its second week (issue 22, points 4-6), against a real Slurm:
# an sbatch that queues the job but answers "Socket timed out" is not
# submitted twice; a refusal of every job of the sweep (a wrong partition)
# stops the sweep at once with Slurm's words, the trial not counted as an
# attempt; a '%' in the trial's path reaches --output as a literal; sweep
# stop with no sweep running cancels the sweep's jobs its store does not
# know; inside an allocation the local executor's trials get the
# allocation's environment, not sweep's job step's (their srun works).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/slurm_lib.sh"

# 1. sbatch queues the job, then says it timed out: the job is found by its
#    name (once the controller shows it), never submitted again
REAL_SBATCH=$(command -v sbatch)
mkdir -p wrap
cat > wrap/sbatch <<S
#!/bin/bash
echo "\$*" >> "$T/sbatch.calls"
if [ ! -e "$T/timed-out" ]; then
    touch "$T/timed-out"
    # the controller takes it a moment later; the answer is lost
    (sleep 1; "$REAL_SBATCH" "\$@" > /dev/null 2>&1) < /dev/null > /dev/null 2>&1 &
    echo "sbatch: error: Batch job submission failed: Socket timed out on send/recv operation" >&2
    exit 1
fi
exec "$REAL_SBATCH" "\$@"
S
chmod +x wrap/sbatch
cat > t.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  L: {values: [1, 2]}
command: [fake_trainer, "--fake-loss=${L}", --fake-epochs=3, --fake-sleep=0.3]
executor: slurm
slurm: {mem: 50M, poll: 0.5s}
resources: {max_parallel: 1}
Y
PATH="$T/wrap:$PATH" sweep run t.yaml -d t > t.out 2> t.err
check_eq "timed-out sbatch: exit 0" "$?" 0
check_eq "timed-out sbatch: both completed" "$(states t)" "completed,completed"
check_eq "timed-out sbatch: trial 0 submitted once (the timed-out call only)" \
    "$(grep -c 'job-name=sweep-[0-9a-f]*-0 ' sbatch.calls)" 1
name0=$(grep -o 'job-name=sweep-[0-9a-f]*-0' sbatch.calls | head -1 | cut -d= -f2)
check_eq "timed-out sbatch: one job in Slurm under its name" \
    "$(squeue -h -t all --name="$name0" -o %i | wc -l)" 1
check "timed-out sbatch: it waited, then found the job" grep -q "trial 0 submitted (job [0-9]*)" t.err
check_eq "timed-out sbatch: its log once" "$(grep -c '^epoch=1 ' t/trials/0000/stdout.log)" 1
check_eq "timed-out sbatch: 3 rows" "$(sql t/sweep.db "select count(*) from metrics where trial = 0")" 3

# 2. a partition the cluster does not have: every job would be refused;
#    the sweep stops at the first with Slurm's words, non-zero; the trial
#    stays pending with no attempt used (a rerun: command is not its first run)
cat > p.yaml <<'Y'
method: grid
parameters:
  x: {values: [1, 2, 3]}
command: ["true"]
rerun: {command: ["false"]}
executor: slurm
slurm: {partition: nosuchpart, mem: 50M, poll: 0.5s}
Y
sweep run p.yaml -d p > p.out 2> p.err
check_eq "wrong partition: exit 1" "$?" 1
check "wrong partition: Slurm's words and what to do" \
    grep -q "sbatch: Invalid partition name specified: every job of this sweep would be refused; change slurm: in the sweep file" p.err
check_eq "wrong partition: one trial tried, pending, no attempt" \
    "$(sql p/sweep.db "select group_concat(state || ':' || attempts) from trials")" "pending:0"
sed 's/nosuchpart/debug/' p.yaml > p2.yaml
sweep run -q p2.yaml -d p2 > /dev/null 2>&1
check_eq "the same sweep on a real partition: completed, the command not the rerun one" "$(states p2)" "completed,completed,completed"

# 3. '%' in the trial's path: --output gets %%, the log lands where it should
cat > pc.yaml <<'Y'
method: grid
parameters:
  x: {values: [1]}
command: [fake_trainer, --fake-epochs=2]
executor: slurm
slurm: {mem: 50M, poll: 0.5s}
Y
sweep run -q pc.yaml -d 'pc%j' > /dev/null 2> pc.err
check_eq "a % in the path: completed" "$(states 'pc%j')" completed
check "a % in the path: its log is there" grep -q "^epoch=2 " 'pc%j/trials/0000/stdout.log'

# 4. sweep stop with no sweep running: the jobs of the sweep that its store
#    does not know (submitted just before a crash) are cancelled too
cat > s.yaml <<'Y'
method: grid
parameters:
  x: {values: [1]}
command: [sleep, "60"]
executor: slurm
slurm: {mem: 50M, poll: 0.5s}
stop_grace: 2s
Y
sweep run -q s.yaml -d s > /dev/null 2>&1 &
S=$!
wait_for "[ \"\$(sql s/sweep.db \"select exec_state from trials where id = 0\" 2> /dev/null)\" = RUNNING ]" 20
kill -9 $S
wait $S 2> /dev/null
name=$(squeue -h -t all -j "$(sql s/sweep.db 'select exec_ref from trials where id = 0')" -o %j)
extra=$(sbatch --parsable --mem=50M --job-name="${name%-0}-7" --wrap 'sleep 60' -o /dev/null)
foreign=$(sbatch --parsable --mem=50M --job-name="someone-else-7" --wrap 'sleep 60' -o /dev/null)
sweep stop s > stop.out 2> stop.err
check_eq "stop without a sweep: exit 0" "$?" 0
check "it says it cancelled the unrecorded one" grep -q "1 more job of this sweep cancelled in Slurm" stop.out
check "the unrecorded job is gone from the queue" \
    wait_for "[ -z \"\$(squeue -h -t pending,running -j $extra -o %i 2> /dev/null)\" ]" 10
check "a job of another name is left alone" sh -c "squeue -h -j $foreign -o %T | grep -q 'PENDING\\|RUNNING'"
scancel "$foreign"

# 5. inside an allocation: sweep (local executor) in a batch job whose
#    environment also carries a step's variables; the trial's srun works
cat > a.yaml <<'Y'
method: grid
metric: {name: ok, goal: maximize}
parameters:
  x: {values: [1]}
command: [sh, -c, 'env | grep "^SLURM" | sort > "$SWEEP_TRIAL_DIR/slurm.env"; srun --overlap true && echo "ok=1"']
resources: {gpus: none}
Y
cat > a.sh <<S
#!/bin/bash
# what a job step adds (sweep started with srun, or by a workflow tool)
export SLURM_MEM_PER_NODE=40 SLURM_STEP_ID=0 SLURM_STEPID=0 SLURM_PROCID=0
cd "$T" && exec "$SWEEP_BIN" run -q a.yaml -d a
S
job=$(sbatch --parsable --mem-per-cpu=60M -o a.out a.sh)
check "the allocation's job ended" \
    wait_for "[ -z \"\$(squeue -h -j $job -o %i 2> /dev/null)\" ]" 60
check_eq "inside an allocation: the trial's srun worked" "$(sql a/sweep.db "select objective from trials")" 1.0
check "the trial has the allocation's job id" grep -q "^SLURM_JOB_ID=$job$" a/trials/0000/slurm.env
check "not the step's variables" sh -c '! grep -q "^SLURM_STEP_ID=\|^SLURM_STEPID=\|^SLURM_PROCID=" a/trials/0000/slurm.env'
check "one of the SLURM_MEM_PER_* (the allocation's per-CPU one)" \
    sh -c 'grep -q "^SLURM_MEM_PER_CPU=60$" a/trials/0000/slurm.env && ! grep -q "^SLURM_MEM_PER_NODE=" a/trials/0000/slurm.env'
finish
