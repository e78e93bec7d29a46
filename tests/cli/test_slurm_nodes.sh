#!/bin/bash
# Slurm with two nodes (issue 27, point 4), against a real Slurm of two
# slurmd (scripts/slurm-cluster.sh, SLURM_CI_NODES=2): a job lost with its
# node is requeued as a new job that excludes that node (--exclude), so it
# runs on the other; the trial completes, its reason names the node; the
# failed nodes outlive a kill -9 of sweep. A job purged from the queue
# without a record: the resume asks accounting.
export SLURM_CI_NODES=2
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/slurm_lib.sh"

check_eq "two nodes up" "$(sinfo -h -o %D)" 2
one_job() { # one_job FILE EPOCHS: one trial of EPOCHS half-second epochs, a job
    cat > "$1" <<Y
method: grid
metric: {name: loss, goal: minimize}
parameters:
  x: {value: 1}
command: [fake_trainer, --fake-loss=1, --fake-epochs=$2, --fake-sleep=0.5]
executor: slurm
slurm: {mem: 50M, poll: 0.3s, poll_max: 1s}
Y
}
mkdir -p wrap
real=$(command -v sbatch)
printf '#!/bin/sh\necho "$*" >> %s/sbatch.calls\nexec %s "$@"\n' "$T" "$real" > wrap/sbatch
chmod +x wrap/sbatch

cat > n.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  x: {value: 1}
command: [fake_trainer, --fake-loss=1, --fake-epochs=8, --fake-sleep=0.5]
executor: slurm
slurm: {mem: 50M, poll: 0.3s, poll_max: 1s}
Y
PATH="$T/wrap:$PATH" sweep run n.yaml -d n > n.out 2> n.err &
N=$!
wait_for "[ \"\$(sql n/sweep.db \"select exec_state from trials where id = 0\" 2> /dev/null)\" = RUNNING ]" 20
job1=$(sql n/sweep.db "select exec_ref from trials where id = 0")
node=$(squeue -h -j "$job1" -o %N)
check "the first job runs on a node ($node)" test -n "$node"
sleep 1
scontrol update nodename="$node" state=down reason=sweep-test
check "node failure: the trial is requeued" wait_for "grep -q 'NODE_FAIL.*requeued' n.err" 30
check "node failure: the reason names the node" grep -q "ended NODE_FAIL in Slurm on $node (its node failed)" n.err
wait $N
check_eq "node failure: exit" "$?" 0
check_eq "node failure: completed" "$(states n)" completed
check_eq "node failure: two jobs" "$(wc -l < sbatch.calls)" 2
check "node failure: the second job excludes the failed node" grep -q -- "--exclude=$node " <(sed -n 2p sbatch.calls)
job2=$(sql n/sweep.db "select exec_ref from trials where id = 0")
other=$(scontrol -o show job "$job2" | sed -n 's/.* NodeList=\([^ ]*\) .*/\1/p')
check "node failure: the second job ran on the other node ($other)" test -n "$other" -a "$other" != "$node"
scontrol update nodename="$node" state=resume 2> /dev/null

# accounting as the record of last resort: kill -9 of sweep, then its
# job's supervisor killed (no exit.json) and the job purged from the queue (squeue here hides
# it, as after MinJobAge); the resume asks sacct by the recorded id (this
# cluster has no slurmdbd: sacct here answers as accounting would, in
# sacct -X -n -P's form) and records what it says, instead of running the
# trial again from scratch
one_job a.yaml 60
: > sbatch.calls
PATH="$T/wrap:$PATH" sweep run a.yaml -d a > a.out 2> a.err &
A=$!
wait_for "[ -s a/trials/0000/trainer.pid ] && [ -n \"\$(sql a/sweep.db 'select exec_ref from trials where id = 0' 2> /dev/null)\" ]" 20
kill -9 $A
wait $A 2> /dev/null
ajob=$(sql a/sweep.db "select exec_ref from trials where id = 0")
pkill -9 -f "sweep-supervisor --batch-job .* $T/a/trials/0000 "
wait_for "[ -z \"\$(squeue -h -j $ajob -t running,completing -o %i 2> /dev/null)\" ]" 20
check "purged: the killed job left no record" test ! -e a/trials/0000/exit.json
name=$(squeue -h -j "$ajob" -t all -o %j)
mkdir -p acct
real_squeue=$(command -v squeue)
printf '#!/bin/sh\n%s "$@" | grep -v "^%s|"\nexit 0\n' "$real_squeue" "$ajob" > acct/squeue
printf '#!/bin/sh\necho "$*" >> %s/sacct.calls\necho "%s|FAILED|0:9|%s"\n' "$T" "$ajob" "$name" > acct/sacct
chmod +x acct/squeue acct/sacct
PATH="$T/acct:$T/wrap:$PATH" sweep resume a > a.resume.out 2> a.resume.err
check_eq "purged: the resume ends" "$?" 3
check "purged: sacct asked by the recorded job id" grep -q -- "--jobs=$ajob" sacct.calls
check_eq "purged: the trial ends as accounting says" "$(reason a 0 | sed 's/job [0-9]*/job N/')" \
    "job N FAILED in Slurm (exit code 0:9), and its supervisor left no record"
check_eq "purged: not submitted again" "$(wc -l < sbatch.calls)" 1
# the failed nodes outlive sweep: learned before a kill -9 (kept in the
# trial's directory), they still keep the next job off them after the resume
one_job c.yaml 40
: > sbatch.calls
PATH="$T/wrap:$PATH" sweep run c.yaml -d c > c.out 2> c.err &
CS=$!
wait_for "[ \"\$(sql c/sweep.db \"select exec_state from trials where id = 0\" 2> /dev/null)\" = RUNNING ]" 20
n1=$(squeue -h -j "$(sql c/sweep.db "select exec_ref from trials where id = 0")" -o %N)
scontrol update nodename="$n1" state=down reason=sweep-test
wait_for "grep -q 'NODE_FAIL.*requeued' c.err" 30
check "kept: the failed node is written beside the trial" grep -qx "$n1" c/trials/0000/excluded_nodes
wait_for "[ \"\$(sql c/sweep.db \"select exec_state from trials where id = 0\" 2> /dev/null)\" = RUNNING ]" 20
kill -9 $CS
wait $CS 2> /dev/null
job2=$(sql c/sweep.db "select exec_ref from trials where id = 0")
n2=$(squeue -h -j "$job2" -o %N)
scontrol update nodename="$n1" state=resume
scontrol update nodename="$n2" state=down reason=sweep-test
wait_for "[ -z \"\$(squeue -h -j $job2 -t running -o %i 2> /dev/null)\" ]" 20
PATH="$T/wrap:$PATH" sweep resume c > c2.out 2> c2.err
check_eq "kept: the resume ends" "$?" 0
check "kept: after the resume the next job excludes both failed nodes" grep -q -- "--exclude=$n1,$n2 " sbatch.calls
check_eq "kept: the trial completed" "$(states c)" completed
scontrol update nodename="$n2" state=resume 2> /dev/null
finish
