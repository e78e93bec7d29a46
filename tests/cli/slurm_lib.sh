# Sourced by the Slurm tests after lib.sh: installs Slurm (or skips the
# test, exit 77, where it cannot be installed), starts a real single-node
# cluster (scripts/slurm-cluster.sh) on ports of its own, stops it on exit,
# and defines states DIR and reason DIR TRIAL.
if ! bash "$SRC/scripts/slurm-cluster.sh" install > install.log 2>&1; then
    echo "SKIPPED: Slurm cannot be installed here (slurm-wlm, munge): $(tail -1 install.log)" >&2
    exit 77
fi
# ports of its own, so that another cluster on this machine does not matter
base=$((20000 + ($$ % 4000) * 2))
export SLURM_CI_CTLD_PORT=$base SLURM_CI_SLURMD_PORT=$((base + 1))
C=$(mktemp -d /tmp/sweep-slurm.XXXXXX) # munged wants every directory above its socket searchable
chmod 755 "$C"
trap 'bash "$SRC/scripts/slurm-cluster.sh" stop "$C" > /dev/null 2>&1; [ "$FAILED" -eq 0 ] && rm -rf "$T" || echo "kept $T" >&2' EXIT
if ! SLURM_CI_SHARDS=8 bash "$SRC/scripts/slurm-cluster.sh" start "$C" > start.log 2>&1; then
    fail "the test cluster starts: $(cat start.log)"
    finish
    exit 1
fi
. "$C/env.sh"
HOST=$(hostname -s)

states() { sql "$1/sweep.db" "select group_concat(state, ',') from (select state from trials order by id)"; }
reason() { sql "$1/sweep.db" "select reason from trials where id = $2"; }

