#!/bin/bash
# The machine ledger between two Unix users (issue 24, docs/machine.md): a
# machine directory set up for a group as docs/machine.md says; alice's
# long sweep fills the GPU; bob's sweep, started later, waits for her
# trials to end instead of running out of memory, gets the room her first
# trial frees (fair share: bob has held less of the machine) and about half
# the GPU after that; each sees the other's sweep in sweep ps; bob cannot
# stop alice's sweep. The test makes the users and the group when run as
# root (and removes them); otherwise exit 77.
. "$(dirname "$0")/lib.sh"
USERS_TAG=fair MACHINE_YAML='window: 1h
default: {share: 1}'
. "$(dirname "$0")/users_lib.sh"

cat > "$T/train.sh" <<'SH'
#!/bin/sh
sleep "$1"
echo "loss=0.5"
SH
chmod 755 "$T/train.sh"
for u in alice bob; do
    n=4; [ $u = alice ] && n=8
    cat > "$T/$u/s.yaml" <<Y
method: grid
metric: {name: loss, goal: minimize}
parameters:
  x: {min: 1, max: $n}
command: [$T/train.sh, "3", "\${x}"]
resources:
  gpus: [{id: 0, memory: 24GiB}]
  memory: 10GiB
Y
done
chmod 644 "$T"/*/s.yaml

cd "$T/alice" && as $A sweep run -q s.yaml -d a > a.out 2> a.err &
PA=$!
wait_for "[ \"\$(sqlite3 -readonly $T/machine/machine.db 'select count(*) from holds' 2> /dev/null)\" = 2 ]" 10
check "the ledger is the group's" test "$(stat -c '%a %G' "$T/machine/machine.db")" = "664 $G"
cd "$T/bob" && as $B sweep run -q s.yaml -d b > b.out 2> b.err &
PB=$!
cd "$T"
wait_for "[ \"\$(as $B sweep ps | grep -c ' grid ')\" = 2 ]" 10
as $B sweep ps > ps.bob 2>&1
as $A sweep ps > ps.alice 2>&1
check "bob sees alice's sweep" grep -q "^$A .*/alice/a .* grid " ps.bob
check "alice sees bob's, waiting" grep -Eq "^$B .*/bob/b +grid +0 +[1-9] " ps.alice
check "why bob waits" grep -q "b waits to place 10.0 GiB: GPU 0: 20.0 GiB held by 2 trials of $A" ps.alice
(cd "$T/bob" && as $B sweep status b) > status.bob 2>&1
check "bob's status says it waits for alice" grep -A1 -q "waiting for other sweeps on this machine" status.bob
as $B sweep stop "$T/alice/a" > stop.out 2> stop.err
check "bob cannot stop alice's sweep" test $? -ne 0
check "said why" grep -Eq "Operation not permitted|cannot read it" stop.err
wait $PA $PB
check_eq "alice's trials completed" "$(sql alice/a/sweep.db "select count(*) from trials where state = 'completed'")" 8
check_eq "bob's trials completed" "$(sql bob/b/sweep.db "select count(*) from trials where state = 'completed'")" 4
check "bob's trials started after alice's first ended" test \
    "$(sql bob/b/sweep.db "select min(started) from trials")" \> "$(sql alice/a/sweep.db "select min(ended) from trials")"
# fair share: bob gets the room alice's first trial frees, not the end of
# her queue; then about half the GPU while both have trials to run
late=$(awk -v b="$(sql bob/b/sweep.db "select min(started) from trials")" \
            -v a="$(sql alice/a/sweep.db "select min(ended) from trials")" 'BEGIN { print b - a }')
check "fair: bob's first trial within 2 s of alice's first end ($late s)" \
    awk -v d="$late" 'BEGIN { exit !(d < 2) }'
from=$(sql bob/b/sweep.db "select min(started) from trials")
to=$(sql bob/b/sweep.db "select max(ended) from trials")
gpu_time() { sql "$1" "select sum(max(0, min(ended, $to) - max(started, $from))) from trials"; }
ta=$(gpu_time alice/a/sweep.db) tb=$(gpu_time bob/b/sweep.db)
share=$(awk -v a="$ta" -v b="$tb" 'BEGIN { printf "%.3f", b / (a + b) }')
echo "fair share while both ran: alice $(printf %.2f "$ta") s, bob $(printf %.2f "$tb") s of GPU time (10 GiB each): bob's share $(printf %.2f "$share")" >&2
check "fair: bob's share of the GPU while both ran is about half ($share)" \
    awk -v s="$share" 'BEGIN { exit !(s > 0.35 && s < 0.65) }'
check "bob's directory is his" test "$(stat -c %U bob/b/sweep.db)" = $B

finish
