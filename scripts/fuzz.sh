#!/bin/bash
# Runs every libFuzzer target for SECONDS each (default 60), from the seed
# corpora in the repository, with inputs up to 1 MiB (deep nesting needs
# large ones), and fails if any finds a crash, a leak, undefined behaviour
# or a timeout. The fuzz build: CC=clang cmake -S . -B build-fuzz -DSWEEP_FUZZ=ON
# Usage: scripts/fuzz.sh BUILD_DIR [SECONDS]
set -eu
B=$(cd "$1" && pwd)
S=${2:-60}
cd "$(dirname "$0")/.."
run() { # run TARGET CORPUS...: a scratch corpus seeded from the repository's
    local t=$1; shift
    local work
    work=$(mktemp -d)
    mkdir -p "$work/corpus"
    echo "== $t for $S s"
    if ! "$B/$t" -max_len=1048576 -timeout=10 -rss_limit_mb=2048 -max_total_time="$S" \
            -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" "$@" > "$work/log" 2>&1; then
        tail -40 "$work/log"
        echo "fuzz: $t failed; the input is in $work" >&2
        return 1
    fi
    grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb|cov: [0-9]+' "$work/log" | tail -3
    rm -rf "$work"
}
run fuzz_space tests/config/good tests/config/bad
run fuzz_metrics tests/fixtures
