#!/bin/bash
# Benchmark (issue 5): ingest throughput of an Ultralytics console log with
# progress bars (bench/ultralog: the shapes of the fixtures, '\r' rewrites of
# every train and validation row), through the code path of `sweep run`
# (tail_read, the ultralytics parser, store_ingest into SQLite; bench/ingest.c),
# one core. In the same run and on the same file (in the page cache): `grep -c
# all` and `wc -l`. Target: >= 300 MB/s. 3 runs each.
# Usage: bench/ingest.sh [BUILD_DIR] [SIZE_MB]
set -eu
B=$(cd "${1:-build}" && pwd)
MB=${2:-1000}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$B/ultralog" $((MB * 1085 / 1000)) > "$T/train.log" # it writes ~8 % short of its argument
size=$(stat -c %s "$T/train.log")
echo "log: $((size / 1000000)) MB, $(tr -cd '\r' < "$T/train.log" | wc -c) carriage returns, $(wc -l < "$T/train.log") newlines"
cat "$T/train.log" > /dev/null # into the page cache
secs() { # secs COMMAND...: wall seconds
    local t0 t1
    t0=$(date +%s.%N)
    "$@" > /dev/null
    t1=$(date +%s.%N)
    echo "$t0 $t1" | awk '{printf "%.3f", $2 - $1}'
}
for run in 1 2 3; do
    echo "run $run:"
    echo "  sweep (ingest ultralytics): $(taskset -c 0 "$B/ingest" ultralytics "$T/train.log" "$T/i.db")"
    s=$(secs taskset -c 0 "$B/sweep" metrics -p ultralytics "$T/train.log")
    echo "  sweep metrics -p ultralytics: $s s, $(echo "$size $s" | awk '{printf "%.0f", $1 / 1e6 / $2}') MB/s"
    s=$(secs taskset -c 0 sh -c 'grep -c all "$1" > "$1.out"' sh "$T/train.log") # not to /dev/null: GNU grep stops at the first match there
    echo "  grep -c all: $s s, $(echo "$size $s" | awk '{printf "%.0f", $1 / 1e6 / $2}') MB/s"
    s=$(secs taskset -c 0 wc -l "$T/train.log")
    echo "  wc -l: $s s, $(echo "$size $s" | awk '{printf "%.0f", $1 / 1e6 / $2}') MB/s"
done
echo "rows stored: $(sqlite3 "$T/i.db" 'select count(*) from metrics'), epochs: $(sqlite3 "$T/i.db" 'select max(step) from metrics')"
