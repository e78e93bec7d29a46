# Sourced by tests/cli/test_*.sh: a private temp dir, the built binaries on
# PATH, and small assertions. Each script ends with `finish`, which prints
# "N passed, M failed" and exits non-zero on any failure.
set -u
PASSED=0
FAILED=0
: "${SWEEP_BIN:?run through ctest}"
SRC=${SRC:?}
T=$(mktemp -d /tmp/sweep-cli.XXXXXX)
# the temp dir stays when a check failed, for a look at what happened
trap '[ "$FAILED" -eq 0 ] && rm -rf "$T" || echo "kept $T" >&2' EXIT
cd "$T"
export PATH="$(dirname "$SWEEP_BIN"):$(dirname "$YOLO_SIM"):$(dirname "$FAKE_TRAINER"):$PATH"
export NO_COLOR=1
# this test's own machine ledger (docs/machine.md): tests running at once do
# not see each other's sweeps
export SWEEP_MACHINE_DIR="$T/machine"
mkdir -p "$SWEEP_MACHINE_DIR"

ok() { PASSED=$((PASSED + 1)); }
fail() { FAILED=$((FAILED + 1)); echo "FAILED: $*" >&2; }
check() { # check DESCRIPTION COMMAND...
    local what=$1; shift
    if "$@"; then ok; else fail "$what"; fi
}
check_eq() { # check_eq DESCRIPTION ACTUAL EXPECTED
    if [ "$2" = "$3" ]; then ok; else fail "$1: got [$2], expected [$3]"; fi
}
sql() { sqlite3 -batch -noheader "$1" "$2"; }
finish() {
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
}
# waits up to $2 seconds for the command in $1 to succeed
wait_for() {
    local i=0
    while ! eval "$1"; do
        i=$((i + 1))
        [ $i -gt $(( $2 * 20 )) ] && return 1
        sleep 0.05
    done
}
# alive PID: running, not a zombie (kill -0 succeeds on a zombie, and the
# reaper of this machine's orphans may not reap at once); dead PID: not so
alive() {
    local st
    st=$(awk '{ print $3 }' "/proc/$1/stat" 2> /dev/null)
    [ -n "$st" ] && [ "$st" != Z ]
}
dead() { ! alive "$1"; }
