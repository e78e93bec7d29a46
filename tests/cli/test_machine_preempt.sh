#!/bin/bash
# The opt-in preemption of the machine configuration (issue 24,
# docs/machine.md), between two Unix users: alice's sweep of long trials
# that checkpoint every step fills the GPU; bob's sweep, started later,
# would wait for her trials to end. With `preempt: {after: 3s}` alice's own
# sweep stops one of her trials once bob has waited 3 s, requeues it, and
# bob's trial takes the room; alice's trial continues from its checkpoint
# later, losing at most the step it was in, and completes with every step
# logged once. bob is never preempted (he holds less than his share). Run as
# root (it makes the users); otherwise exit 77.
. "$(dirname "$0")/lib.sh"
USERS_TAG=pre MACHINE_YAML='window: 1h
preempt: {after: 3s}'
. "$(dirname "$0")/users_lib.sh"

# a trainer that saves a checkpoint after every step and continues from it
cat > "$T/ckpt.sh" <<'SH'
#!/bin/sh
i=0
if [ "$2" = resume ] && [ -f "$SWEEP_TRIAL_DIR/ckpt" ]; then i=$(cat "$SWEEP_TRIAL_DIR/ckpt"); fi
echo "continuing at step $i"
while [ "$i" -lt "$1" ]; do
    sleep 0.5
    i=$((i + 1))
    echo "step=$i loss=$(awk -v i=$i 'BEGIN { print 1 / i }')"
    echo $i > "$SWEEP_TRIAL_DIR/ckpt.new" && mv "$SWEEP_TRIAL_DIR/ckpt.new" "$SWEEP_TRIAL_DIR/ckpt"
done
SH
cat > "$T/train.sh" <<'SH'
#!/bin/sh
sleep "$1"
echo "loss=0.5"
SH
chmod 755 "$T/ckpt.sh" "$T/train.sh"
cat > "$T/alice/s.yaml" <<Y
method: grid
metric: {name: loss, goal: minimize}
parameters:
  x: {values: [1, 2]}
command: [$T/ckpt.sh, "24", "\${x}"]
rerun: {command: [$T/ckpt.sh, "24", resume], if_exists: ckpt}
resources:
  gpus: [{id: 0, memory: 24GiB}]
  memory: 10GiB
Y
cat > "$T/bob/s.yaml" <<Y
method: grid
metric: {name: loss, goal: minimize}
parameters:
  x: {values: [1, 2]}
command: [$T/train.sh, "2", "\${x}"]
rerun: {command: [$T/train.sh, "2", "\${x}"]}
resources:
  gpus: [{id: 0, memory: 24GiB}]
  memory: 10GiB
Y
chmod 644 "$T"/*/s.yaml

cd "$T/alice" && as $A sweep run s.yaml -d a > a.out 2> a.err &
PA=$!
wait_for "[ \"\$(sqlite3 -readonly $T/machine/machine.db 'select count(*) from holds' 2> /dev/null)\" = 2 ]" 10
sleep 1 # both of alice's trials have a checkpoint
t0=$(date +%s.%N)
cd "$T/bob" && as $B sweep run s.yaml -d b > b.out 2> b.err &
PB=$!
cd "$T"
wait $PA $PB
check_eq "alice's trials completed" "$(sql alice/a/sweep.db "select count(*) from trials where state = 'completed'")" 2
check_eq "bob's trials completed" "$(sql bob/b/sweep.db "select count(*) from trials where state = 'completed'")" 2
check_eq "one of alice's trials was preempted" \
    "$(sql alice/a/sweep.db "select count(*) from events where kind = 'preempted'")" 1
check_eq "bob's never" "$(sql bob/b/sweep.db "select count(*) from events where kind like 'preempt%'")" 0
v=$(sql alice/a/sweep.db "select trial from events where kind = 'preempted'")
check "said why, with the figures" grep -q "trial $v: preempted for $B's sweep $T/bob/b, waiting [0-9]*s for 10.0 GiB (preempt.after 3s): $A holds 20.0 GiB of the GPUs (due 1[01].[0-9] GiB), $B 0.0 GiB; continues from its checkpoint ([0-9]*s old)" alice/a.err
wait_s=$(awk -v b="$(sql bob/b/sweep.db "select min(started) from trials")" -v t="$t0" 'BEGIN { printf "%.1f", b - t }')
echo "bob's first trial started ${wait_s} s after his sweep (preempt.after 3 s; alice's trials run 12 s)" >&2
check "bob's first trial started within the wait and a few seconds (${wait_s} s)" \
    awk -v d="$wait_s" 'BEGIN { exit !(d >= 3 && d < 8) }'
check "before alice's first trial would have ended" test \
    "$(sql bob/b/sweep.db "select min(started) from trials")" \< "$(sql alice/a/sweep.db "select min(ended) from trials")"
# alice's trial continued from its checkpoint: every step once, at most one lost
d=alice/a/trials/$(printf %04d "$v")
check_eq "it continued with the rerun command" \
    "$(sql alice/a/sweep.db "select count(*) from events where trial = $v and kind = 'resumed'")" 1
check_eq "its steps, each once" "$(sql alice/a/sweep.db "select count(distinct step) || ' ' || count(*) || ' ' || max(step) from metrics where trial = $v and name = 'loss'")" "24 24 24"
at=$(sed -n 's/^continuing at step //p' "$d/stdout.log")
last=$(grep -o "^step=[0-9]*" "$d"/stdout.log.attempt1 2> /dev/null | tail -1 | cut -d= -f2)
echo "preempted at step ${last:-?}, continued at step ${at:-?}" >&2
check "continued from its checkpoint (step $at), losing at most one step (last logged $last)" \
    test -n "$at" -a -n "$last" -a "$at" -gt 0 -a "$((last - at))" -le 1
check_eq "not a failure, no retry" "$(sql alice/a/sweep.db "select count(*) from events where kind in ('retry', 'failed')")" 0
check "the ledger is empty at the end" test "$(sqlite3 -readonly machine/machine.db 'select count(*) from holds')" = 0

finish
