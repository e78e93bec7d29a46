#!/bin/bash
# resources.share: mps (sweep/run/mps.c, docs/config.md "GPUs") with a
# stand-in for NVIDIA's control program (tests/cli/bin): the sweep starts
# its own control daemon (pipe and log under DIR/mps) before its trials,
# each trial is told to use it with its active-thread percentage, and the
# daemon is told to quit when the sweep ends; after kill -9 of the sweep the
# daemon runs on, and the resume takes it over (proven by identity) and
# stops it at the end; where MPS cannot run (no control program, MIG, a
# compute mode without MPS, a daemon that does not start) the sweep does
# not start, saying why.
. "$(dirname "$0")/lib.sh"
export PATH="$SRC/tests/cli/bin:$PATH"
cat > train.sh <<'SH'
#!/bin/sh
# what an MPS client is told, and whether the daemon is there
echo "pipe=$CUDA_MPS_PIPE_DIRECTORY pct=$CUDA_MPS_ACTIVE_THREAD_PERCENTAGE gpu=$CUDA_VISIBLE_DEVICES"
[ -p "$CUDA_MPS_PIPE_DIRECTORY/control" ] && echo "daemon=up"
sleep "$1"
echo "loss=0.5"
SH
chmod +x train.sh
cat > s.yaml <<Y
method: grid
metric: {name: loss, goal: minimize}
parameters:
  x: {values: [1, 2, 3, 4]}
command: [$T/train.sh, "1", "\${x}"]
resources: {gpus: [{id: 0, memory: 24GiB}], memory: 6GiB, share: mps}
Y
sweep run s.yaml -d s > /dev/null 2> s.err
check_eq "completed" "$(sql s/sweep.db "select count(*) from trials where state = 'completed'")" 4
check "each trial was told the sweep's daemon" grep -q "^pipe=$T/s/mps/pipe pct=25 gpu=0\$" s/trials/0000/stdout.log
check "which was running" grep -q "^daemon=up" s/trials/0003/stdout.log
check "started, said" grep -q "MPS: control daemon started (pid [0-9]*; pipe $T/s/mps/pipe)" s.err
check "stopped at the end" grep -q "got: quit" s/mps/log/control.log
check "said" grep -q "MPS: control daemon stopped" s.err
check "no daemon left" test ! -e s/mps/pipe/control -a ! -e s/mps/control.pid
check_eq "events" "$(sql s/sweep.db "select group_concat(kind) from events where kind like 'mps%'")" "mps_started,mps_stopped"

# kill -9 of the sweep: the daemon runs on; the resume takes it over
sed -e 's/"1", "\${x}"/"3", "${x}"/' s.yaml > k.yaml
sweep run -q k.yaml -d k > /dev/null 2> k.err &
P=$!
wait_for "[ -s k/trials/0000/trainer.pid ]" 10
read -r dpid dstart < k/mps/control.pid
kill -9 $P
wait $P 2> /dev/null
sleep 0.5
check "the daemon outlives the killed sweep" alive "$dpid"
sweep resume k > /dev/null 2> k2.err
check "the resume took it over" grep -q "MPS: the control daemon of the sweep before still runs (pid $dpid): used again" k2.err
check_eq "every trial completed" "$(sql k/sweep.db "select count(*) from trials where state = 'completed'")" 4
check "and stopped it" dead "$dpid"
# a pid file that names another process: not taken over, not signalled
sleep 60 &
other=$!
echo "$other $(awk '{print $22}' /proc/$other/stat)" > k/mps/control.pid
sweep resume k > /dev/null 2> k4.err
check "a recorded pid of another program is not the daemon" grep -q "MPS: control daemon started" k4.err
check "nor signalled" alive "$other"
kill $other

# where MPS cannot run: the sweep does not start, saying why
FAKE_SMI_MODE=mig sweep run -q s.yaml -d mig > /dev/null 2> mig.err
check "MIG: refused" grep -q "resources.share: mps: GPU 0 is in MIG mode" mig.err
check "MIG: no trial ran" test ! -e mig/trials/0000/stdout.log
FAKE_SMI_MODE=prohibited sweep run -q s.yaml -d pro > /dev/null 2> pro.err
check "compute mode: refused" grep -q "GPU 0's compute mode is Prohibited, where MPS cannot run" pro.err
FAKE_MPS=fail sweep run -q s.yaml -d fail > /dev/null 2> fail.err
check "a daemon that does not start: said" grep -q "the MPS control daemon did not start" fail.err
mkdir nobin && ln -s "$(command -v nvidia-smi)" nobin/nvidia-smi
PATH="$T/nobin:$(dirname "$SWEEP_BIN"):/usr/bin:/bin" sweep run -q s.yaml -d nobin-s > /dev/null 2> nobin.err
check "no control program: refused" grep -q "nvidia-cuda-mps-control is not on PATH" nobin.err
printf 'method: grid\nparameters:\n  x: {value: 1}\ncommand: [true]\nresources: {share: mps}\n' > bad.yaml
sweep plan bad.yaml > /dev/null 2> bad.err
check_eq "without GPU packing: a file error" "$?" 2
check "where" grep -q "bad.yaml:5:20: share: mps is for GPU packing" bad.err

finish
