#!/bin/bash
# Benchmark: sweep status and sweep top on a store of 5 million metric rows
# (10,000 trials x 50 epochs x 10 metrics), made directly in SQL with the
# schema of docs/schema.md. Target: each answers in under 200 ms. Also the
# time and memory of exporting all of it.
# Usage: bench/store_scale.sh [BUILD_DIR] [TRIALS]
set -eu
B=$(cd "${1:-build}" && pwd)
N=${2:-10000}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
cat > s.yaml <<Y
method: random
seed: 1
run_cap: $N
metric: {name: m0, goal: maximize}
parameters:
  lr: {distribution: log_uniform_values, min: 1e-5, max: 1e-1}
  batch: {values: [8, 16, 32, 64]}
command: [true]
resources: {gpus: none, max_parallel: 16}
Y
# a real store with one trial, then 10,000 trials and 5M rows in SQL
"$B/sweep" run -q s.yaml -d big > /dev/null 2>&1 &
pid=$!
sleep 0.5; kill -INT $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
start=$(date +%s.%N)
sqlite3 big/sweep.db > /dev/null <<SQL
PRAGMA journal_mode = WAL;
DELETE FROM metrics; DELETE FROM trials; DELETE FROM events;
WITH RECURSIVE t(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM t WHERE i + 1 < $N)
INSERT INTO trials (id, params, state, attempts, queued, started, ended, log_offset,
                    objective, objective_step, last_step, last_output)
SELECT i, json_object('lr', 0.001 * (1 + i % 97), 'batch', 8 << (i % 4)),
       CASE WHEN i % 50 = 0 THEN 'running' WHEN i % 23 = 0 THEN 'failed' ELSE 'completed' END,
       1, 1.0, 2.0 + i, 3.0 + i, 1000, (i * 7919 % 10007) / 10007.0, 50, 50, 3.0 + i FROM t;
WITH RECURSIVE t(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM t WHERE i + 1 < $N),
     e(s) AS (SELECT 1 UNION ALL SELECT s + 1 FROM e WHERE s < 50),
     m(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM m WHERE k < 9)
INSERT INTO metrics (trial, name, step, value, time)
SELECT i, 'm' || k, s, (i * 31 + s * 7 + k) % 1000 / 1000.0, 4.0 + i FROM t, e, m;
SQL
echo "store: $(sqlite3 big/sweep.db 'select count(*) from trials') trials, $(sqlite3 big/sweep.db 'select count(*) from metrics') metric rows, $(du -m big/sweep.db | cut -f1) MB, built in $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.0f", b - a}') s"
for cmd in "status big" "status big --json" "top big -n 10" "top big --json -n 10" "top big --csv" "export big --csv" "export big --json"; do
    for i in 1 2 3; do
        "$B/runstat" "$B/sweep" $cmd 2>&1 > /dev/null | sed "s|^|sweep $cmd: |"
    done
done
