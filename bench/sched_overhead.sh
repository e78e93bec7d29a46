#!/bin/bash
# Benchmark: scheduler overhead. N trials (default 1000) of a trainer that
# sleeps 0.2 s in all and prints 5 metric lines (bench/sleeper.c), with
# max_parallel 16. Ideal wall
# time: ceil(N / 16) * 0.2 s (12.6 s for 1000). Reports wall time against
# the ideal, and sweep's own CPU per trial (from its sweep_finished event:
# cpu_self is sweep, cpu_children the supervisors and trainers it reaped).
# Usage: bench/sched_overhead.sh [BUILD_DIR] [N]
set -eu
B=$(cd "${1:-build}" && pwd)
N=${2:-1000}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cat > "$T/s.yaml" <<Y
method: grid
run_cap: $N
metric: {name: loss, goal: minimize}
parameters:
  i: {min: 1, max: $N}
command: [$B/sleeper, "--trial=\${i}"]
resources: {gpus: none, max_parallel: 16}
Y
"$B/runstat" "$B/sweep" run -q "$T/s.yaml" -d "$T/run" 2> "$T/stat" > /dev/null
cat "$T/stat"
wall=$(sed -n 's/.*wall_s=\([0-9.]*\).*/\1/p' "$T/stat")
ideal=$(awk -v n="$N" 'BEGIN { printf "%.2f", int((n + 15) / 16) * 0.2 }')
detail=$(sqlite3 "$T/run/sweep.db" "select detail from events where kind = 'sweep_finished'")
done=$(sqlite3 "$T/run/sweep.db" "select count(*) from trials where state = 'completed'")
rows=$(sqlite3 "$T/run/sweep.db" "select count(*) from metrics")
self=$(echo "$detail" | sed -n 's/.*cpu_self=\([0-9.]*\).*/\1/p')
kids=$(echo "$detail" | sed -n 's/.*cpu_children=\([0-9.]*\).*/\1/p')
# the floor on this machine: the same processes, started and reaped bare
bare=$("$B/bare_spawn" "$N" 16 "$B/sleeper")
awk -v w="$wall" -v i="$ideal" -v n="$N" -v s="$self" -v k="$kids" -v d="$done" -v r="$rows" -v b="$bare" 'BEGIN {
    printf "trials completed: %d, metric rows: %d\n", d, r
    printf "wall: %.2f s, ideal %.2f s, overhead %.1f%%\n", w, i, (w / i - 1) * 100
    printf "bare posix_spawn+wait of the same processes: %.2f s (%.1f%% over ideal); sweep over bare: %.1f%%\n", b, (b / i - 1) * 100, (w / b - 1) * 100
    printf "sweep CPU: %.1f ms per trial; supervisors+trainers: %.1f ms per trial\n", s * 1000 / n, k * 1000 / n
}'
