#!/bin/bash
# slurm.array: true (issue 27, point 3) against a real Slurm
# (scripts/slurm-cluster.sh): a grid goes as one job array with
# resources.max_parallel as its throttle; each task runs its own trial
# (its environment, argv and log); early termination and sweep stop reach
# single tasks, running or pending; kill -9 of sweep, then resume: the
# tasks are followed again and none runs twice; a trial run again goes in
# a second array that keeps the sweep's throttle; an array Slurm refuses
# fails its trials with Slurm's words.
# Skipped (exit 77, loudly) only where Slurm cannot be installed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/slurm_lib.sh"

mkdir -p wrap
real=$(command -v sbatch)
printf '#!/bin/sh\necho "$*" >> %s/sbatch.calls\nexec %s "$@"\n' "$T" "$real" > wrap/sbatch
real=$(command -v scancel)
printf '#!/bin/sh\necho "$*" >> %s/scancel.calls\nexec %s "$@"\n' "$T" "$real" > wrap/scancel
chmod +x wrap/sbatch wrap/scancel
# the most trials of sweep DIR that ran at once (from their start and end)
most_at_once() {
    sql "$1/sweep.db" "select max(c) from (select (select count(*) from trials b where
        b.started <= a.started and b.ended > a.started) c from trials a)"
}

# a grid of 10, 3 at a time: one sbatch, one array
cat > g.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  L: {values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}
command: [sh, -c, 'echo "trial=$SWEEP_TRIAL_ID task=$SLURM_ARRAY_TASK_ID"; exec fake_trainer "$@"', x, "--fake-loss=${L}", --fake-epochs=4, --fake-sleep=0.4]
executor: slurm
slurm: {mem: 50M, poll: 0.3s, poll_max: 1s, array: true}
resources: {max_parallel: 3}
Y
sweep plan g.yaml > g.plan 2>&1
check "plan: the array's sbatch" grep -q -- "--job-name=sweep-XXXXXXXX-a0 --array=0-9%3 " g.plan
check "plan: the throttle said" grep -q "10 trials, 3 at a time, up to 10 queued as a job array" g.plan
PATH="$T/wrap:$PATH" sweep run g.yaml -d g > g.out 2> g.err
check_eq "grid: exit" "$?" 0
check_eq "grid: all completed" "$(states g)" "$(printf 'completed,%.0s' {1..9})completed"
check_eq "grid: one sbatch" "$(wc -l < sbatch.calls)" 1
check "grid: said once for all" grep -q "10 trials submitted: job [0-9]*_0 (trial 0) to [0-9]*_9 (trial 9)" g.err
check_eq "grid: each trial a task of one array" \
    "$(sql g/sweep.db "select count(distinct substr(exec_ref, 1, instr(exec_ref, '_'))) || ' ' ||
        count(distinct exec_ref) from trials where exec_ref like '%\_%' escape '\\'")" "1 10"
check "grid: never more than 3 at once" test "$(most_at_once g)" -le 3
check_eq "grid: 3 at once at some point" "$(most_at_once g)" 3
bad=0
for i in $(seq 0 9); do
    d=g/trials/000$i
    grep -q "^trial=$i task=$i$" "$d/stdout.log" || bad=$((bad + 1))
    [ "$(grep -c '^epoch=1 ' "$d/stdout.log")" = 1 ] || bad=$((bad + 1))
done
check_eq "grid: each task ran its own trial, once, its output in the trial's log" "$bad" 0
check_eq "grid: every metric row once" "$(sql g/sweep.db "select count(*) from metrics where name = 'loss'")" 40
check "grid: no process of another trial stopped" sh -c '! grep -q leftover g.err'
check "grid: top as locally" sh -c 'sweep top g | grep -q "1  *0  *completed  *0.25"'
sql g/sweep.db "select detail from events where kind = 'slurm_commands'" > g.commands
check "grid: the commands are counted" grep -q 'sbatch=1 squeue=' g.commands

# early termination reaches single tasks, and accounting says why
early_termination h "{mem: 50M, poll: 0.3s, array: true}"

# one at a time: sweep stop of a pending task, then kill -9 of sweep with
# a task running and others pending; the resume follows them, none twice
cat > k.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  L: {values: [1, 2, 3, 4]}
command: [fake_trainer, "--fake-loss=${L}", --fake-epochs=4, --fake-sleep=0.5]
executor: slurm
slurm: {mem: 50M, poll: 0.3s, poll_max: 1s, array: true}
resources: {max_parallel: 1}
Y
: > sbatch.calls
PATH="$T/wrap:$PATH" sweep run k.yaml -d k > k.out 2> k.err &
K=$!
check "pending tasks wait for the throttle, and status says so" \
    wait_for "sweep status k 2> /dev/null | grep -q 'PENDING (JobArrayTaskLimit)'" 20
sweep status k > k.status 2>&1
check "status: a pending task has no running time yet" grep -Eq "PENDING \(JobArrayTaskLimit\) +1 +- *$" k.status
sweep stop k 3 > k.stop 2>&1
check "sweep stop: the pending task stopped" \
    wait_for "[ \"\$(sql k/sweep.db 'select state from trials where id = 3')\" = stopped ]" 20
wait_for "[ -s k/trials/0001/trainer.pid ]" 30
kill -9 $K
wait $K 2> /dev/null
PATH="$T/wrap:$PATH" sweep resume k > k.resume.out 2> k.resume.err
check_eq "kill -9: resume exits 0" "$?" 0
check "kill -9: tasks followed again" grep -q "is still in Slurm (job [0-9]*_[12], " k.resume.err
check_eq "kill -9: states" "$(states k)" "completed,completed,completed,stopped"
check_eq "kill -9: one sbatch in all" "$(wc -l < sbatch.calls)" 1
check_eq "kill -9: each trial ran once" \
    "$(cat k/trials/000[012]/stdout.log | grep -c '^epoch=1 ')" 3
check "kill -9: the stopped one never ran" test ! -s k/trials/0003/stdout.log
check_eq "kill -9: every metric row once" "$(sql k/sweep.db "select count(*) from metrics where name = 'loss'")" 12
check_eq "kill -9: no task left in the queue" "$(squeue -h -r -t pending,running -o %j | grep -c -- '-a[0-9]*$')" 0

# sweep stop with no sweep running: the tasks are cancelled, each proven
# the trial's by its array's name and the task its directory records; the
# resume records them stopped
cat > o.yaml <<'Y'
method: grid
parameters:
  x: {values: [1, 2, 3]}
command: [fake_trainer, --fake-epochs=100, --fake-sleep=0.5]
executor: slurm
slurm: {mem: 50M, poll: 0.3s, array: true}
resources: {max_parallel: 2}
Y
sweep run -q o.yaml -d o > /dev/null 2> o.err &
O=$!
wait_for "[ -s o/trials/0000/trainer.pid ] && [ -s o/trials/0001/trainer.pid ]" 30
kill -9 $O
wait $O 2> /dev/null
sweep stop o > o.stop 2>&1
check "stop without a sweep: the tasks cancelled" \
    wait_for "[ \"\$(squeue -h -r -t pending,running -o %j | grep -c -- '-a0$')\" = 0 ]" 20
sweep resume -q o > /dev/null 2> o.resume.err
check_eq "stop without a sweep: the resume records them stopped" "$(states o)" "stopped,stopped,stopped"
# (the pending task may start as the running ones are cancelled: then it gets SIGTERM too)
check "stop without a sweep: the running ones got SIGTERM" \
    test "$(sql o/sweep.db "select count(*) from trials where exit_signal = 15")" -ge 2

# Ctrl-C with two tasks running and eight pending: the running ones get
# SIGTERM, the pending ones go in one scancel; resume runs them all
cat > c.yaml <<'Y'
method: grid
parameters:
  x: {values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}
command: [fake_trainer, --fake-epochs=100, --fake-sleep=0.5]
executor: slurm
slurm: {mem: 50M, poll: 0.3s, array: true}
resources: {max_parallel: 2}
stop_grace: 5s
Y
: > scancel.calls
PATH="$T/wrap:$PATH" sweep run -q c.yaml -d c > /dev/null 2> c.err &
C2=$!
wait_for "[ -s c/trials/0000/trainer.pid ] && [ -s c/trials/0001/trainer.pid ]" 30
kill -INT $C2
wait $C2
check_eq "Ctrl-C: every trial back to pending" "$(states c)" "$(printf 'pending,%.0s' {1..9})pending"
check_eq "Ctrl-C: the running tasks signalled, the pending ones cancelled in one scancel" \
    "$(sed 's/[0-9][0-9]*_/ID_/' scancel.calls | sort | uniq -c | sed 's/^ *//')" \
    "$(printf '1 --batch --signal=TERM ID_0\n1 --batch --signal=TERM ID_1\n1 ID_[2-9]')"
check_eq "Ctrl-C: no task left in the queue" "$(squeue -h -r -t pending,running -o %j | grep -c -- '-a[0-9]*$')" 0

# the array's answer lost: sweep killed after its sbatch, before the
# tasks' ids were committed; the resume finds them by the array's name and
# the task each trial directory records, and submits nothing again
cat > l.yaml <<'Y'
method: grid
parameters:
  x: {values: [1, 2]}
command: [fake_trainer, --fake-epochs=3, --fake-sleep=0.3]
executor: slurm
slurm: {mem: 50M, poll: 0.3s, array: true}
Y
lost=0
for n in 2 3 4 5 6 7 8 9 10; do
    rm -rf l
    : > sbatch.calls
    PATH="$T/wrap:$PATH" SWEEP_TEST_CRASH_BEFORE_COMMIT=$n sweep run -q l.yaml -d l > /dev/null 2>&1
    if [ "$(sql l/sweep.db "select count(*) from trials where state = 'running' and exec_ref is null" 2> /dev/null)" = 2 ] &&
        [ -s sbatch.calls ]; then
        lost=1
        break
    fi
done
check "lost answer: a crash between the array's sbatch and its record was made" test $lost = 1
PATH="$T/wrap:$PATH" sweep resume l > /dev/null 2> l.resume.err
check_eq "lost answer: resume exits 0" "$?" 0
check_eq "lost answer: both completed" "$(states l)" "completed,completed"
check_eq "lost answer: the array submitted once" "$(wc -l < sbatch.calls)" 1
check "lost answer: found by the array's name" grep -q "trial 1 is still in Slurm (job [0-9]*_1, " l.resume.err

# a trial that fails once and runs again (retries): a second array, and
# never more than the sweep's 2 at once across both
cat > r.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  L: {values: [1, 2, 3, 4]}
command: [sh, -c, 'if [ "$0" = 1 ] && [ ! -e "$SWEEP_TRIAL_DIR/../../once" ]; then touch "$SWEEP_TRIAL_DIR/../../once"; exit 3; fi; exec fake_trainer "--fake-loss=$0" --fake-epochs=4 --fake-sleep=0.5', "${L}"]
executor: slurm
retries: 1
slurm: {mem: 50M, poll: 0.3s, poll_max: 1s, array: true}
resources: {max_parallel: 2}
Y
: > sbatch.calls
PATH="$T/wrap:$PATH" sweep run r.yaml -d r > r.out 2> r.err
check_eq "retry: exit" "$?" 0
check_eq "retry: all completed" "$(states r)" "completed,completed,completed,completed"
check_eq "retry: two arrays" "$(wc -l < sbatch.calls)" 2
check "retry: the second is array 1 of one task" grep -q -- "--job-name=sweep-[0-9a-f]*-a1 --array=0%[12] " <(sed -n 2p sbatch.calls)
check "retry: never more than 2 at once" test "$(most_at_once r)" -le 2

# an array Slurm refuses: its trials fail with Slurm's words
cat > x.yaml <<'Y'
method: grid
parameters:
  x: {values: [1, 2]}
command: [fake_trainer]
executor: slurm
slurm: {partition: nosuch, mem: 50M, array: true}
Y
sweep run x.yaml -d x > /dev/null 2> x.err
check_eq "refused: exit (every trial failed)" "$?" 3
check_eq "refused: failed with Slurm's words" "$(reason x 1)" \
    "sbatch: Invalid partition name specified: every job of this sweep would be refused; change slurm: in the sweep file"

finish
