#!/bin/bash
# Benchmark: co-located trainings with and without CPU isolation
# (resources.cpus). N real PyTorch CPU trainings (bench/colocate_cnn.py: a
# small CNN, a DataLoader with worker processes) run by sweep N at a time,
# twice, side by side in one run: as a user's script runs them (threads and
# loader workers sized by the machine's cores), and with `cpus: auto`
# (each pinned to its cores, OMP_NUM_THREADS and workers=${cpus} set to
# their number). Reports each mode's wall time and aggregate epochs per
# hour, and the ratio. Needs Debian's python3-torch (/usr/bin/python3).
# Usage: bench/colocate.sh [BUILD_DIR] [N] [EPOCHS] [BATCHES] [ROUNDS]
set -eu
B=$(cd "${1:-build}" && pwd)
N=${2:-4}
EPOCHS=${3:-3}
BATCHES=${4:-40}
ROUNDS=${5:-2}
PY=/usr/bin/python3
SRC=$(cd "$(dirname "$0")" && pwd)
"$PY" -c "import torch" 2> /dev/null || { echo "needs python3-torch (apt-get install python3-torch)" >&2; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export SWEEP_MACHINE_DIR=$T/machine
mkdir -p "$SWEEP_MACHINE_DIR"
CORES=$(nproc)
write() { # write FILE CPUS WORKERS
    cat > "$1" <<Y
method: grid
metric: {name: loss, goal: minimize}
parameters:
  seed: {min: 1, max: $N}
command: [$PY, $SRC/colocate_cnn.py, "$EPOCHS", "$BATCHES", "$3", "\${seed}"]
resources: {max_parallel: $N$2}
Y
}
write "$T/plain.yaml" "" "$CORES"
write "$T/pinned.yaml" ", cpus: auto" '${cpus}'
sed -i "s|\"\${seed}\"]|]|" "$T"/*.yaml # the seed only names the trial
run() { # run MODE ROUND: wall seconds
    local t0 t1
    t0=$(date +%s.%N)
    "$B/sweep" run -q "$T/$1.yaml" -d "$T/$1-$2" > /dev/null 2> "$T/$1-$2.err"
    t1=$(date +%s.%N)
    local done
    done=$(sqlite3 "$T/$1-$2/sweep.db" "select count(*) from trials where state = 'completed'")
    [ "$done" = "$N" ] || { echo "$1: $done of $N completed" >&2; cat "$T/$1-$2.err" >&2; exit 1; }
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }'
}
echo "$N trainings at once on $CORES cores, $EPOCHS epochs of $BATCHES batches each"
for r in $(seq 1 "$ROUNDS"); do
    p=$(run plain "$r")
    q=$(run pinned "$r")
    awk -v p="$p" -v q="$q" -v n="$N" -v e="$EPOCHS" -v r="$r" 'BEGIN {
        printf "round %d: as a script runs them %.1f s (%.0f epochs/h), cpus: auto %.1f s (%.0f epochs/h): %.2fx\n",
            r, p, n * e * 3600 / p, q, n * e * 3600 / q, p / q }'
done
sqlite3 "$T/pinned-1/sweep.db" "select 'pinned trial ' || id || ': cpus ' || cpus from trials order by id"
