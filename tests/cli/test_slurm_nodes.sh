#!/bin/bash
# Slurm with two nodes (issue 27, point 4), against a real Slurm of two
# slurmd (scripts/slurm-cluster.sh, SLURM_CI_NODES=2): a job lost with its
# node is requeued as a new job that excludes that node (--exclude), so it
# runs on the other; the trial completes, its reason names the node.
export SLURM_CI_NODES=2
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/slurm_lib.sh"

check_eq "two nodes up" "$(sinfo -h -o %D)" 2
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
finish
