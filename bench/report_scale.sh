#!/bin/bash
# Benchmark: `sweep report` on a sweep of 1,000 trials x 100 epochs (5 metrics
# per epoch: 500,000 metric rows), made directly in SQL with the schema of
# docs/schema.md; a third of the trials pruned at epoch 10 or 30. Target
# (issue 7): the report is written in under 10 s. PNG and SVG, 3 runs each.
# Usage: bench/report_scale.sh [BUILD_DIR] [TRIALS] [EPOCHS]
set -eu
B=$(cd "${1:-build}" && pwd)
N=${2:-1000}
E=${3:-100}
command -v gnuplot > /dev/null || { echo "needs gnuplot (apt-get install gnuplot-nox)" >&2; exit 1; }
T=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] && echo "kept $T" || rm -rf "$T"' EXIT
cd "$T"
cat > s.yaml <<Y
name: scale
method: random
seed: 1
run_cap: $N
metric: {name: mAP50-95, goal: maximize}
parameters:
  lr0: {distribution: log_uniform_values, min: 1e-5, max: 1e-1}
  momentum: {min: 0.6, max: 0.98}
  batch: {values: [8, 16, 32, 64]}
  model: {values: [n, s, m, l, x]}
command: [true]
resources: {gpus: none, max_parallel: 16}
Y
# a real store with one trial, then the trials and rows in SQL
"$B/sweep" run -q s.yaml -d big > /dev/null 2>&1 &
pid=$!
sleep 0.5; kill -INT $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
sqlite3 big/sweep.db > /dev/null <<SQL
PRAGMA journal_mode = WAL;
DELETE FROM metrics; DELETE FROM trials; DELETE FROM events;
WITH RECURSIVE t(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM t WHERE i + 1 < $N)
INSERT INTO trials (id, params, state, reason, attempts, queued, started, ended, log_offset,
                    objective, objective_step, last_step, last_output)
SELECT i, json_object('lr0', pow(10, -5 + 4.0 * (i * 7919 % 1000) / 1000.0),
                      'momentum', 0.6 + 0.38 * (i * 104729 % 1000) / 1000.0,
                      'batch', 8 << (i % 4), 'model', substr('nsmlx', 1 + i % 5, 1)),
       CASE WHEN i % 3 = 1 THEN 'pruned' ELSE 'completed' END,
       CASE WHEN i % 3 = 1 THEN 'pruned by asha at rung 1' END,
       1, 1.0, 1000.0 + (i / 8) * 3600.0, 1000.0 + (i / 8) * 3600.0 + CASE WHEN i % 3 = 1 THEN 900.0 ELSE 3500.0 END,
       1000, NULL, NULL, $E, 0 FROM t;
WITH RECURSIVE t(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM t WHERE i + 1 < $N),
     e(s) AS (SELECT 1 UNION ALL SELECT s + 1 FROM e WHERE s < $E),
     m(k, name) AS (VALUES (0, 'mAP50-95'), (1, 'mAP50'), (2, 'box_loss'), (3, 'cls_loss'), (4, 'gpu_mem'))
INSERT INTO metrics (trial, name, step, value, time)
SELECT i, name, s,
       CASE k WHEN 0 THEN (1 - exp(-s / 30.0)) * (0.2 + 0.5 * (i * 31 % 997) / 997.0)
              WHEN 1 THEN (1 - exp(-s / 25.0)) * (0.3 + 0.6 * (i * 31 % 997) / 997.0)
              WHEN 2 THEN 1.2 + exp(-s / 40.0) WHEN 3 THEN 0.8 + 2 * exp(-s / 20.0)
              ELSE 2.0 + (i % 5) * 3 END,
       1000.0 + i + s FROM t, e, m
WHERE i % 3 != 1 OR s <= CASE WHEN i % 2 = 0 THEN 10 ELSE 30 END;
UPDATE trials SET objective = (SELECT max(value) FROM metrics WHERE trial = trials.id AND name = 'mAP50-95'),
                  objective_step = (SELECT max(step) FROM metrics WHERE trial = trials.id AND name = 'mAP50-95');
SQL
echo "store: $(sqlite3 big/sweep.db 'select count(*) from trials') trials, $(sqlite3 big/sweep.db 'select count(*) from metrics') metric rows"
for i in 1 2 3; do
    PATH=/nonexistent "$B/runstat" "$B/sweep" report big -o out-none 2>&1 > /dev/null | sed "s|^|report without gnuplot (sweep alone): |"
done
for fmt in png svg; do
    for i in 1 2 3; do
        "$B/runstat" "$B/sweep" report big -o "out-$fmt" --format $fmt 2>&1 > /dev/null | sed "s|^|report --format $fmt: |"
    done
    echo "report --format $fmt: $(ls out-$fmt/*.$fmt | wc -l) images, $(du -sk out-$fmt | cut -f1) KB in all"
done
