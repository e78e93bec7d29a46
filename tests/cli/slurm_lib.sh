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


# early termination through Slurm (hyperband, as test_early.sh: trials 2
# and 3 pruned), one at a time; SLURM: the slurm section. Checks the states,
# that SIGTERM reached the trainer and that the pruned job's comment says why.
early_termination() { # early_termination DIR SLURM
    cat > "$1.yaml" <<Y
method: grid
metric: {name: loss, goal: minimize}
parameters:
  L: {values: [1, 2, 3, 4, 0.5]}
command: [fake_trainer, "--fake-loss=\${L}", --fake-epochs=4, --fake-sleep=0.5]
early_terminate: {type: hyperband, min_iter: 1, eta: 2}
executor: slurm
slurm: $2
resources: {max_parallel: 1}
Y
    sweep run -q "$1.yaml" -d "$1" > /dev/null 2> "$1.err"
    check_eq "early termination: states" "$(states "$1")" "completed,completed,pruned,pruned,completed"
    check "early termination: SIGTERM reached the trainer" \
        test "$(sql "$1/sweep.db" "select exit_signal from trials where id = 2")" = 15
    check "early termination: the pruned job's comment says why" \
        sh -c "scontrol -o show job $(sql "$1/sweep.db" "select exec_ref from trials where id = 2") | grep -q 'Comment=sweep sweep-[0-9a-f]* trial 2: pruned: '"
}
