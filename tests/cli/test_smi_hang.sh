#!/bin/bash
# nvidia-smi is asked without blocking (docs/design.md, "GPU packing"): when
# the driver stops answering, sweep goes on reading logs, handles Ctrl-C at
# once, and leaves no hung nvidia-smi behind. The fake nvidia-smi answers the
# inventory sweep takes when it starts, then hangs on every later call.
. "$(dirname "$0")/lib.sh"
export PATH="$SRC/tests/cli/bin:$PATH"

cat > s.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  i: {values: [1, 2]}
command: [fake_trainer, "--fake-loss=${i}", --fake-epochs=200, --fake-sleep=0.1]
resources: {gpus: auto, memory: 1GiB}
stop_grace: 2s
Y
: > calls
FAKE_SMI=hang FAKE_SMI_ANSWERS=4 FAKE_SMI_CALLS=$T/calls sweep run -q s.yaml -d run > /dev/null 2> run.err &
pid=$!
# the first refresh after the start (5 s) hangs
wait_for '[ "$(wc -l < calls)" -ge 5 ]' 15
check "a refresh was asked and hangs" pgrep -f '^sleep 600$' > /dev/null
rows1=$(sql run/sweep.db 'select count(*) from metrics')
sleep 1.5
rows2=$(sql run/sweep.db 'select count(*) from metrics')
check "logs are read while nvidia-smi hangs ($rows1 -> $rows2 rows)" test "$rows2" -gt "$rows1"
t0=$(date +%s.%N)
kill -INT $pid
wait $pid
rc=$?
t1=$(date +%s.%N)
check_eq "Ctrl-C during the hang: exit 130" "$rc" 130
check "it stopped within the grace period, not after nvidia-smi's timeout ($(awk -v a=$t0 -v b=$t1 'BEGIN{print b-a}') s)" \
    awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 5) }'
check_eq "both trials recorded as interrupted" "$(sql run/sweep.db "select count(*) from trials where state = 'pending' and reason like 'interrupted with the sweep (SIGINT)%'")" 2
check "no hung nvidia-smi left" bash -c '! pgrep -f "^sleep 600$" > /dev/null'
finish
