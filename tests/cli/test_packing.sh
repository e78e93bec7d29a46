#!/bin/bash
# GPU packing with real processes on declared (virtual) GPUs and on GPUs a
# fake nvidia-smi shows: placement by memory (best fit, biggest first),
# what each trial is told (CUDA_VISIBLE_DEVICES, SWEEP_GPU_MEM_MB/FRACTION),
# max_per_gpu, per-GPU stagger, requeue on CUDA out-of-memory with a larger
# estimate, learning from measured use, and trials that can never fit.
. "$(dirname "$0")/lib.sh"

# The trainer: writes what it was given, "uses" $2 GiB (or all of its budget
# when $2 is "budget"; prints gpu_mem), and dies with PyTorch's
# out-of-memory message when its budget is below that.
cat > train.sh <<'SH'
#!/bin/bash
echo "$CUDA_VISIBLE_DEVICES $SWEEP_GPU_MEM_MB $SWEEP_GPU_MEM_FRACTION $CUDA_DEVICE_ORDER" > "$SWEEP_TRIAL_DIR/gpu.txt"
need=$(awk -v g="$2" -v b="$SWEEP_GPU_MEM_MB" 'BEGIN { printf "%d", g == "budget" ? b : g * 1024 }')
if [ "$need" -gt "$SWEEP_GPU_MEM_MB" ]; then
    echo "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 9.50 GiB" >&2
    exit 1
fi
awk -v n="$need" 'BEGIN { printf "gpu_mem=%g\n", n / 1024 }'
sleep "$3"
echo "loss=$1"
SH
chmod +x train.sh
gpu_of() { cut -d' ' -f1 "$1/trials/$(printf %04d "$2")/gpu.txt"; }

# 1. Biggest first, each to the GPU with the fewest of our trials, then the
# tightest fit: 4, 4, 4, 2, 2 GiB on GPUs of 10 and 6 GiB (no headroom).
# 4 -> GPU 1 (2 left, tighter than 6); 4 -> GPU 0 (none of ours yet);
# 4 -> GPU 0 (one each; it does not fit on GPU 1); 2 -> GPU 1 (one there,
# two on GPU 0); 2 -> GPU 0 (GPU 1 is full). All five run at once.
cat > p.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  x: {values: [a, b, c, d, e]}
command: [./train.sh, "1", budget, "1.5"]
resources:
  gpus: [{id: 0, memory: 10GiB}, {id: 1, memory: 6GiB}]
  memory: {by: x, values: {a: 4GiB, b: 4GiB, c: 4GiB, d: 2GiB, e: 2GiB}}
  headroom: 0%
Y
sweep run -q p.yaml -d p > /dev/null
check_eq "packing: exit" "$?" 0
check_eq "packing: GPUs by trial" "$(for i in 0 1 2 3 4; do gpu_of p $i; done | tr '\n' ' ')" "1 0 0 1 0 "
check_eq "packing: all five ran at once" \
    "$(sql p/sweep.db "select count(*) from trials where started < (select min(ended) from trials)")" 5
check_eq "packing: the budget and fraction each trial is told" "$(cat p/trials/0000/gpu.txt)" "1 4096 0.6667 PCI_BUS_ID"
check_eq "packing: on GPU 0" "$(cat p/trials/0004/gpu.txt)" "0 2048 0.2000 PCI_BUS_ID"
check_eq "packing: the store says where and how much" \
    "$(sql p/sweep.db "select gpu || ':' || cast(mem_est as int) || ':' || cast(mem_peak as int) from trials where id = 1")" "0:4096:4096"

# durations from what a stored sweep completed (no resources.duration)
sweep plan p.yaml -d p > pp.txt
check "plan: durations from the finished trials" grep -q "^durations: 5 trials completed in p (their mean, by memory kind)" pp.txt
# all five at once: the makespan is the longest of them (1.5 s of sleep, more on a loaded machine)
ms=$(sed -n 's/^makespan \([0-9.]*\)s;.*/\1/p' pp.txt)
longest=$(sql p/sweep.db "select max(ended - started) from trials")
check "plan: a makespan from them ($ms s; the longest trial took $longest s)" \
    awk -v m="$ms" -v l="$longest" 'BEGIN { exit !(m >= 1.5 && m <= l + 0.1) }'

# 2. max_per_gpu 1 and a per-GPU stagger: two at a time, one per GPU; a
# GPU's next launch waits for its stagger.
cat > s.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  m: {values: [1, 2, 3, 4]}
command: [./train.sh, "${m}", budget, "0.1"]
resources:
  gpus: [{id: 0, memory: 10GiB}, {id: 1, memory: 10GiB}]
  memory: 1GiB
  max_per_gpu: 1
  stagger: 1s
Y
sweep run -q s.yaml -d s > /dev/null
check_eq "max_per_gpu: never two on one GPU" \
    "$(sql s/sweep.db "select count(*) from trials a join trials b on a.gpu = b.gpu and a.id < b.id and a.started < b.ended and b.started < a.ended")" 0
check "stagger: a GPU's launches are >= 1 s apart" test "$(sql s/sweep.db "select min(b.started - a.started) >= 0.99 from trials a join trials b on a.gpu = b.gpu and b.started > a.started")" = 1
check_eq "stagger: the two GPUs start together" \
    "$(sql s/sweep.db "select (max(started) - min(started)) < 0.5 from (select started from trials order by started limit 2)")" 1

# 3. Out of memory: estimated 2 GiB; trial 0 needs 3 (requeued with 3 GiB,
# then completes, not a failure although retries is 0); trial 1 needs 20
# (3, 4.5, 6.75, then the whole 9.5 GiB usable: fails, saying so).
cat > o.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  m: {values: [3, 20]}
command: [./train.sh, "${m}", "${m}", "0.1"]
resources:
  gpus: [{id: 0, memory: 10GiB}]
  headroom: 512MiB
  memory: 2GiB
Y
sweep run -q o.yaml -d o > /dev/null
check_eq "oom: requeued with more, then completed" "$(sql o/sweep.db "select state || ' ' || attempts || ' ' || cast(mem_est as int) from trials where id = 0")" "completed 2 3072"
check_eq "oom: recorded as such" "$(sql o/sweep.db "select detail from events where trial = 0 and kind = 'oom_requeued'")" \
    "CUDA out of memory with 2.0 GiB reserved; requeued with 3.0 GiB"
check_eq "oom: grows to a whole GPU, then fails" "$(sql o/sweep.db "select state || ' ' || attempts from trials where id = 1")" "failed 5"
check "oom: the reason says it had a whole GPU" sh -c "sqlite3 o/sweep.db 'select reason from trials where id = 1' | grep -q 'CUDA out of memory.*it had a whole GPU (9.5 GiB usable)'"

# 4. Learning: estimated 4 GiB, they use 1: two fit on 9 GiB at first;
# once one has completed, the others are estimated at 1.1 x 1 GiB.
cat > l.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  x: {values: [1, 2, 3, 4, 5, 6]}
command: [./train.sh, "${x}", "1", "0.6"]
resources:
  gpus: [{id: 0, memory: 9GiB}]
  headroom: 0%
  memory: 4GiB
Y
sweep run -q l.yaml -d l > /dev/null
check_eq "learning: the first two at 4 GiB, the rest at 1.1 GiB" \
    "$(sql l/sweep.db "select group_concat(cast(mem_est as int), ' ') from (select mem_est from trials order by started)")" \
    "4096 4096 1126 1126 1126 1126"
check_eq "learning: the peak is stored" "$(sql l/sweep.db "select min(mem_peak) || ' ' || max(mem_peak) from trials")" "1024.0 1024.0"

# 5. A trial that fits on no GPU fails at once, with the numbers.
sed -e 's/values: \[3, 20\]/values: [1, 40]/' -e 's/memory: 2GiB/memory: m * 1/' o.yaml > n.yaml
sweep run -q n.yaml -d n > /dev/null
check_eq "never fits: failed at once" "$(sql n/sweep.db "select state || ' ' || attempts || ' ' || reason from trials where id = 1")" \
    "failed 0 needs 40.0 GiB of GPU memory; the largest GPU holds 9.5 GiB (after headroom)"
check_eq "never fits: the other ran" "$(sql n/sweep.db "select state from trials where id = 0")" completed

# 5b. plan: the simulated schedule with durations: 2, 4 and 6 hours, a GPU
# each (no memory estimate), on two GPUs: the longest first, 6 h in all; a
# 40 GiB trial fits on none.
cat > pl.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  h: {values: [2, 4, 6]}
command: [./train.sh, "${h}", budget, "0"]
resources:
  gpus: [{id: 0, memory: 24GiB}, {id: 1, memory: 24GiB}]
  duration: h * 60
Y
sweep plan pl.yaml > pl.txt
check "plan: makespan" grep -q "^makespan 6h00m" pl.txt
check "plan: the 2 h trial after the 4 h one, on its GPU" grep -qE "^ +0 +a whole GPU +1 +4h00m +6h00m" pl.txt
sed -e 's/h \* 60/h * 60\n  memory: h * 10/' pl.yaml > pl2.yaml
sweep plan pl2.yaml > pl2.txt
check "plan: trials that fit nowhere" grep -q "^2 trials fit on no GPU" pl2.txt

# 6. gpus: auto - GPU 0 is nearly full with someone else's process (fake
# nvidia-smi): its memory counts as taken, so 6 GiB trials go to GPU 1, three
# at a time (24 GiB less 10 % headroom).
export PATH="$SRC/tests/cli/bin:$PATH"
cat > a.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  x: {values: [1, 2, 3, 4]}
command: [./train.sh, "${x}", budget, "1"]
resources:
  gpus: auto
  memory: 6GiB
Y
FAKE_SMI=busy sweep run -q a.yaml -d a > /dev/null
check_eq "auto: exit" "$?" 0
check_eq "auto: all on GPU 1" "$(sql a/sweep.db "select group_concat(distinct gpu) from trials")" 1
check_eq "auto: three at a time" \
    "$(sql a/sweep.db "select max(n) from (select (select count(*) from trials b where b.started <= a.started and b.ended > a.started) as n from trials a)")" 3
# A trial's GPU memory is free for the next one only once nvidia-smi shows it
# freed: here the first trial's 15 GiB stay "used" after it ended, until
# the test says otherwise; the second waits for that.
echo 3 > used
cat > r.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  x: {values: [1, 2]}
command: [./train.sh, "${x}", budget, "0.2"]
resources:
  gpus: auto
  memory: 15GiB
  max_per_gpu: 1
Y
( sleep 0.1; echo 15400 > used; sleep 2; date +%s.%N > freed; echo 3 > used ) &
FAKE_SMI=file FAKE_SMI_USED=$T/used sweep run -q r.yaml -d rr > /dev/null
wait
check_eq "release: both ran" "$(sql rr/sweep.db "select group_concat(state) from trials")" "completed,completed"
check "release: the second started after the memory was seen freed" \
    test "$(sql rr/sweep.db "select started >= $(cat freed) from trials where id = 1")" = 1
FAKE_SMI=driver sweep run -q a.yaml -d a2 > /dev/null 2> a2.err
check_eq "auto without a driver: exit 1" "$?" 1
check "auto without a driver: says why" grep -q "gpus: auto: .*couldn't communicate with the NVIDIA driver" a2.err
check "auto without a driver: nothing created" test ! -e a2
finish
