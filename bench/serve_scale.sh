#!/bin/bash
# Benchmark: sweep serve at scale. A store of 10,000 trials and 5 million
# metric rows (2 metrics x 250 steps; made with sqlite3 from a real sweep's
# store, 4 trials left running), served; then the time of each request a
# sweep page makes when it opens (median of 5), and of the requests of one
# tick (/tick and /curves since 10 s ago) while the running trials log.
# Then bench/sched_overhead.sh's figure alone and with 50 pollers that each
# ask a tick every 1.5 s, as 50 open pages do. With puppeteer-core installed
# (README, second command), also the page in Chromium (bench/serve_page.js).
# Usage: bench/serve_scale.sh [BUILD_DIR] [TRIALS] [STEPS]
# (SERVE_SCALE_KEEP=DIR keeps the store there, to look at it afterwards)
set -eu
B=$(cd "${1:-build}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
N=${2:-10000}
S=${3:-250}
T=$(mktemp -d)
trap 'kill $(jobs -p) 2> /dev/null; [ -n "${SERVE_SCALE_KEEP:-}" ] && mv "$T/big" "$SERVE_SCALE_KEEP"; rm -rf "$T"' EXIT
cd "$T"
cat > s.yaml <<Y
method: random
run_cap: 2
metric: {name: loss, goal: minimize}
parameters:
  lr: {min: 0.0001, max: 0.1, distribution: log_uniform_values}
  model: {values: [n, s, m]}
command: [$B/sleeper, "--trial=\${lr}"]
resources: {gpus: none}
Y
"$B/sweep" run -q s.yaml -d big > /dev/null 2>&1
now=$(date +%s)
sqlite3 big/sweep.db <<SQL
PRAGMA journal_mode=WAL;
DELETE FROM metrics; DELETE FROM events; DELETE FROM trials;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $N - 1)
INSERT INTO trials (id, params, argv, state, attempts, queued, started, ended, objective, objective_step, last_step, last_output)
SELECT i, json_object('lr', 0.0001 * (1 + (i * 7919 % 1000)), 'model', CASE i % 3 WHEN 0 THEN 'n' WHEN 1 THEN 's' ELSE 'm' END),
       '["sleeper"]', CASE WHEN i >= $N - 4 THEN 'running' ELSE 'completed' END, 1,
       $now - 86400 + i * 8, $now - 86400 + i * 8, CASE WHEN i >= $N - 4 THEN NULL ELSE $now - 86400 + i * 8 + 30 END,
       1.0 / (1 + (i * 7919 % 1000)), $S, $S, $now - 86400 + i * 8 + 30 FROM n;
WITH RECURSIVE s(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM s WHERE k < $S)
INSERT INTO metrics (trial, name, step, value, time)
SELECT t.id, m.name, s.k, CASE m.name WHEN 'loss' THEN 1.0 / (s.k + t.id % 97) ELSE 0.01 END, $now - 86400 + t.id * 8 + s.k * 0.1
FROM trials t, s, (SELECT 'loss' AS name UNION ALL SELECT 'lr') m;
SQL
echo "store: $(sqlite3 big/sweep.db 'select count(*) from trials') trials, $(sqlite3 big/sweep.db 'select count(*) from metrics') metric rows, $(du -m big/sweep.db | cut -f1) MB"
"$B/sweep" serve big --read-only --listen 127.0.0.1:0 > serve.out 2>&1 &
for i in $(seq 50); do grep -q ^serving serve.out && break; sleep 0.1; done
URL=http://127.0.0.1:$(sed -n 's|^serving .*:\([0-9]*\)/$|\1|p' serve.out)
med() { # med PATH: median seconds of 5 requests, and the answer's size
    local ts=() size
    for k in 1 2 3 4 5; do
        ts+=($(curl -s -o body -w '%{time_total}' "$URL$1"))
        size=$(stat -c %s body)
    done
    printf '%s\n' "${ts[@]}" | sort -n | sed -n 3p | tr '\n' ' '
    echo "s  ($size bytes)  $1"
}
echo "opening the page (each request; the page makes them at once):"
ids=$(seq -s, $((N - 150)) $((N - 1)))
for p in / /app.js /api/sweeps/big/status "/api/sweeps/big/top?n=500" /api/sweeps/big/trials \
         "/api/sweeps/big/curves?trials=$ids" /api/sweeps/big/events?n=30 /api/sweeps/big/curves; do med "$p"; done
echo "(the page asks the curves of the 150 it draws: ?trials=; the last line is every curve, thinned)"
# 4 running trials log a step each 0.5 s meanwhile
( k=$S; while true; do k=$((k + 1)); t=$(date +%s.%N)
  sqlite3 big/sweep.db "insert into metrics values ($N - 1, 'loss', $k, 0.01, $t), ($N - 2, 'loss', $k, 0.01, $t), ($N - 3, 'loss', $k, 0.01, $t), ($N - 4, 'loss', $k, 0.01, $t); update trials set last_output = $t, last_step = $k where state = 'running'" 2> /dev/null
  sleep 0.5; done ) &
sleep 2
since=$(( $(date +%s) - 10 ))
echo "one tick:"
med "/api/sweeps/big/tick?since=$since"
med "/api/sweeps/big/curves?since=$since"
if [ -d "${SWEEP_TEST_NODE:-/usr/local/share/sweep/test-node}/node_modules/puppeteer-core" ]; then
    echo "in Chromium (bench/serve_page.js):"
    NODE_PATH="${SWEEP_TEST_NODE:-/usr/local/share/sweep/test-node}/node_modules" node "$HERE/serve_page.js" "$URL" big 3
fi
kill %2 2> /dev/null || true
echo "bench/sched_overhead.sh alone, then with 50 pages polling:"
bash "$HERE/sched_overhead.sh" "$B" 500 | tail -1
# 50 pages, from one process (50 threads): a browser's polls cost its own
# machine, not this one, so the pollers should not cost 33 process starts a
# second here
/usr/bin/python3 - "$URL" <<'PY' &
import sys, threading, time, urllib.request
url = sys.argv[1]
def page():
    while True:
        since = time.time() - 10
        for doc in ("tick", "curves"):
            urllib.request.urlopen(f"{url}/api/sweeps/big/{doc}?since={since}").read()
        time.sleep(1.5)
for _ in range(50):
    threading.Thread(target=page, daemon=True).start()
time.sleep(3600)
PY
bash "$HERE/sched_overhead.sh" "$B" 500 | tail -1
