#!/bin/bash
# sweep signals only processes proven to be the trial's (docs/contract.md §9): after
# the trial's processes died with the machine (here: kill -9), its
# trainer.pid and the stored supervisor pid name processes that now belong
# to someone else (what pid reuse looks like). `sweep stop` must leave them
# alone - and still stop a trial whose trainer outlived sweep and its
# supervisor.
. "$(dirname "$0")/lib.sh"

cat > s.yaml <<'Y'
method: grid
parameters:
  i: {values: [1]}
command: [fake_trainer, --fake-epochs=600, --fake-sleep=0.1]
resources: {gpus: none}
stop_grace: 1s
Y
start_and_kill() { # start_and_kill DIR: a sweep whose trial runs, then sweep killed -9
    sweep run -q s.yaml -d "$1" > /dev/null 2>&1 &
    local p=$!
    wait_for "[ -s $1/trials/0000/trainer.pid ] && [ -n \"\$(sql $1/sweep.db 'select pid from trials where id = 0')\" ]" 10
    kill -9 $p
    wait $p 2> /dev/null
}

# 1. the trial's processes are gone; their pids now name two unrelated processes
start_and_kill a
tpid=$(cut -d' ' -f1 a/trials/0000/trainer.pid)
tstart=$(cut -d' ' -f2 a/trials/0000/trainer.pid)
spid=$(sql a/sweep.db 'select pid from trials where id = 0')
check "trainer.pid records the trainer's start time" test -n "$tstart"
kill -9 -- -"$tpid" "$spid"
wait_for "! alive $tpid && ! alive $spid" 5
# the victims are not our children (setsid -f): a killed one is reaped at
# once and `kill -0` cannot mistake a zombie for a survivor
setsid -f sleep 301
setsid -f sleep 302
wait_for "pgrep -f '^sleep 301\$' > /dev/null && pgrep -f '^sleep 302\$' > /dev/null" 5
v1=$(pgrep -f '^sleep 301$')
v2=$(pgrep -f '^sleep 302$')
echo "$v1 $tstart" > a/trials/0000/trainer.pid
sql a/sweep.db "update trials set pid = $v2 where id = 0"
sweep stop a > stop.out 2> stop.err
check "the process now at the trainer's pid (its own group) was not signalled" alive $v1
check "the process now at the supervisor's pid was not signalled" alive $v2
kill $v1 $v2 2> /dev/null

# 2. control: what the trainer started, left running after sweep and its
#    supervisor died (the trainer itself dies with its supervisor), is still
#    stopped: its group's leader is gone, and a member carries the trial's
#    environment
cat > b.yaml <<'Y'
method: grid
parameters:
  i: {values: [1]}
command: [sh, -c, 'fake_trainer --fake-epochs=600 --fake-sleep=0.1 & wait']
resources: {gpus: none}
stop_grace: 1s
Y
sweep run -q b.yaml -d b > /dev/null 2>&1 &
p=$!
wait_for "[ -s b/trials/0000/launches ] && [ -n \"\$(sql b/sweep.db 'select pid from trials where id = 0')\" ]" 10
kill -9 $p
wait $p 2> /dev/null
orphan=$(head -1 b/trials/0000/launches)
kill -9 "$(sql b/sweep.db 'select pid from trials where id = 0')"
sleep 0.3
check "the orphaned training process runs" alive "$orphan"
sweep stop b > stop2.out 2> stop2.err
check_eq "sweep stop: exit 0" "$?" 0
wait_for "! alive $orphan" 5
check "the orphaned training process was stopped" dead "$orphan"

# 3. a process that escaped the trial's group (setsid) is a leftover when its
#    environment carries the trial's SWEEP_TRIAL_DIR, however much comes before
#    it (the environment is read whole: here 100 KB)
cat > d.yaml <<'Y'
method: grid
parameters:
  i: {values: [1]}
command: [sh, -c, 'env -i BIG=$(head -c 100000 /dev/zero | tr "\\0" x) SWEEP_TRIAL_DIR="$SWEEP_TRIAL_DIR" setsid -f sleep 303; echo loss=1']
resources: {gpus: none}
Y
sweep run -q d.yaml -d d > /dev/null 2> d.err
check_eq "the trial with a daemon: exit 0" "$?" 0
check "the daemon was stopped with its trial" bash -c '! pgrep -f "^sleep 303$" > /dev/null'
check "and counted as a leftover" grep -q '"leftovers": 1' d/trials/0000/exit.json
pkill -f '^sleep 303$'
finish
