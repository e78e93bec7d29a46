#!/bin/bash
# Benchmark: the time from `sweep resume` to the first metric row of a
# re-adopted trial. Four trials print a metric every 0.1 s; sweep is killed
# with SIGKILL while they run, they go on for a second, then `sweep resume`
# starts. The latency is the time of the first metric row stored by the
# resumed sweep, less the moment it was started. 5 rounds.
# Usage: bench/resume_latency.sh [BUILD_DIR]
set -eu
B=$(cd "${1:-build}" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
export PATH="$B:$B/tests:$PATH"
cat > s.yaml <<'Y'
method: grid
parameters:
  i: {min: 1, max: 4}
command: [fake_trainer, "--fake-loss=${i}", --fake-epochs=60, --fake-sleep=0.1]
resources: {gpus: none, max_parallel: 4}
Y
for round in 1 2 3 4 5; do
    rm -rf run
    sweep run -q s.yaml -d run > /dev/null 2>&1 &
    pid=$!
    until [ "$(sqlite3 run/sweep.db 'select count(*) from metrics' 2>/dev/null || echo 0)" -ge 8 ]; do sleep 0.05; done
    kill -9 $pid; wait $pid 2>/dev/null || true
    sleep 1
    t0=$(date +%s.%N)
    sweep resume -q run > /dev/null 2>&1 &
    rpid=$!
    sleep 1
    kill -INT $rpid; sleep 0.2; kill -INT $rpid 2>/dev/null || true; wait $rpid 2>/dev/null || true
    first=$(sqlite3 run/sweep.db "select min(time) from metrics where time >= $t0")
    adopted=$(sqlite3 run/sweep.db "select count(*) from events where kind = 'adopted'")
    awk -v a="$first" -v b="$t0" -v n="$adopted" 'BEGIN { printf "round: first re-adopted metric row %.1f ms after sweep resume started (%d trials re-adopted)\n", (a - b) * 1000, n }'
    for d in run/trials/*; do kill -9 -"$(cat $d/trainer.pid)" 2>/dev/null || true; done
done
