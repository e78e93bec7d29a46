#!/bin/bash
# The machine ledger (issue 24, docs/machine.md): several sweeps on one GPU
# server. Three sweeps started together on one 24 GiB GPU (a fake nvidia-smi
# whose used memory is what the live trainers allocated; each trainer
# allocates its 10 GiB 3 s after it starts, as CUDA initialisation does, and
# dies of out-of-memory when the GPU has no room then): with the ledger, no
# trial runs out of memory and the memory held never exceeds the GPU less
# its headroom; without one (no machine directory), the same sweeps collide.
# Then: sweep ps and sweep gpus show every sweep; a sweep killed with -9
# keeps its running trials' holds and its resume takes them over; the ledger
# deleted mid-run is written again; the machine configuration's errors
# (FILE:LINE:COL, nothing written), a user's max_memory and max_gpus, and
# priority: among one user's sweeps.
. "$(dirname "$0")/lib.sh"
export PATH="$SRC/tests/cli/bin:$PATH"
export FAKE_SMI=alloc FAKE_SMI_DIR="$T/gpu"
mkdir -p gpu

# The trainer: 3 s of "CUDA initialisation", then it allocates $1 GiB if the
# GPU has room (all allocations under one lock), trains $2 s, frees it.
cat > train.sh <<'SH'
#!/bin/bash
sleep 3
need=$(($1 * 1024))
exec 9> "$FAKE_SMI_DIR/lock"
flock 9
used=0
for f in "$FAKE_SMI_DIR"/[0-9]*; do
    [ -e "$f" ] && kill -0 "${f##*/}" 2> /dev/null && used=$((used + $(cat "$f")))
done
if [ $((used + need)) -gt 24576 ]; then
    echo "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate $1.00 GiB. GPU 0 has a total capacity of 24.00 GiB of which $(( (24576 - used) / 1024 )).00 GiB is free." >&2
    exit 1
fi
echo "$need" > "$FAKE_SMI_DIR/$$"
peak=$(cat "$FAKE_SMI_DIR/peak" 2> /dev/null || echo 0)
[ $((used + need)) -gt "$peak" ] && echo $((used + need)) > "$FAKE_SMI_DIR/peak"
flock -u 9
echo "gpu_mem=$1"
sleep "$2"
rm -f "$FAKE_SMI_DIR/$$"
echo "loss=0.$RANDOM"
SH
chmod +x train.sh
for s in a b c; do
    cat > $s.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  x: {values: [1, 2]}
command: [./train.sh, "10", "1", "${x}"]
resources:
  gpus: auto
  memory: 10GiB
Y
done
ooms() { for s in "$@"; do sql $s/sweep.db "select count(*) from events where kind = 'oom_requeued'"; done | awk '{ n += $1 } END { print n }'; }

# without a machine directory: each sweep packs as if alone
SWEEP_MACHINE_DIR=$T/no/such/dir sweep run -q a.yaml -d na > na.out 2> na.err &
SWEEP_MACHINE_DIR=$T/no/such/dir sweep run -q b.yaml -d nb > nb.out 2> nb.err &
SWEEP_MACHINE_DIR=$T/no/such/dir sweep run -q c.yaml -d nc > nc.out 2> nc.err &
wait
check "no ledger: said once, as a warning" grep -q "machine ledger: no machine directory $T/no/such/dir.*not coordinated" na.err
alone=$(ooms na nb nc)
echo "without the ledger: $alone out-of-memory requeues of 6 trials, peak $(cat gpu/peak) MiB" >&2
check "no ledger: the sweeps collide" test "$alone" -gt 0
rm -f gpu/peak

# with the ledger
sweep run -q a.yaml -d a > a.out 2> a.err &
A=$!
sweep run -q b.yaml -d b > b.out 2> b.err &
sweep run -q c.yaml -d c > c.out 2> c.err &
wait_for "[ \"\$(sweep ps 2> /dev/null | grep -c ' grid ')\" = 3 ]" 10
sweep ps > ps.out
sweep gpus > gpus.out 2>&1
wait
check_eq "ledger: every trial completed once" \
    "$(for s in a b c; do sql $s/sweep.db "select group_concat(state || attempts) from trials"; done | tr '\n' ' ')" \
    "completed1,completed1 completed1,completed1 completed1,completed1 "
check_eq "ledger: no out-of-memory" "$(ooms a b c)" 0
check "ledger: peak held memory within the GPU less headroom (22118 MiB)" test "$(cat gpu/peak)" -le 22118
echo "with the ledger: $(ooms a b c) out-of-memory requeues of 6 trials, peak $(cat gpu/peak) MiB" >&2
check "ps: three sweeps, with their user" test "$(grep -c "^$(id -un) .* grid " ps.out)" = 3
check "gpus: the holds by user and sweep" grep -q "$(id -un)" gpus.out
check_eq "ledger: nothing held once they ended" \
    "$(sqlite3 -readonly machine/machine.db 'select count(*) from holds')" 0
check_eq "ledger: no sweep listed once they ended" \
    "$(sqlite3 -readonly machine/machine.db 'select count(*) from sweeps')" 0

# kill -9 of a sweep while its trials run: their holds stay (their
# supervisors live), so another sweep does not take the GPU; when they end
# while no sweep follows them, the holds are reclaimed (holder and
# supervisor both gone) and the other sweep goes on; the killed sweep's
# resume records them
cat > long.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  x: {values: [1, 2]}
command: [./train.sh, "10", "6", "${x}"]
resources:
  gpus: auto
  memory: 10GiB
Y
rm -f gpu/peak
sweep run -q long.yaml -d k > /dev/null 2> k.err &
K=$!
wait_for "[ \"\$(sqlite3 -readonly machine/machine.db \"select count(*) from holds where dir = '$T/k' and sup_pid > 0\" 2> /dev/null)\" = 2 ]" 10
kill -9 $K
wait $K 2> /dev/null
sweep run -q a.yaml -d after > /dev/null 2> after.err
check_eq "kill -9: the other sweep completed" "$(sql after/sweep.db "select group_concat(state) from trials")" "completed,completed"
check_eq "kill -9: no out-of-memory" "$(ooms after)" 0
check "kill -9: it started only after the killed sweep's trials ended" test \
    "$(sql after/sweep.db "select min(started) from trials")" \> "$(stat -c %Y k/trials/0000/exit.json)"
sweep run -q long.yaml -d k > /dev/null 2> k2.err
check_eq "kill -9: its resume records them" "$(sql k/sweep.db "select group_concat(state) from trials")" "completed,completed"

# kill -9, then resume at once: the resumed sweep takes the holds over
sweep run -q long.yaml -d r > /dev/null 2> r.err &
R=$!
wait_for "[ \"\$(sqlite3 -readonly machine/machine.db \"select count(*) from holds where dir = '$T/r' and sup_pid > 0\" 2> /dev/null)\" = 2 ]" 10
kill -9 $R
wait $R 2> /dev/null
sweep run -q long.yaml -d r > /dev/null 2> r2.err &
R2=$!
wait_for "[ \"\$(sqlite3 -readonly machine/machine.db \"select count(*) from holds where dir = '$T/r' and holder_pid = $R2\" 2> /dev/null)\" = 2 ]" 10
check_eq "resume: the holds are the resumed sweep's" \
    "$(sqlite3 -readonly machine/machine.db "select count(*) from holds where dir = '$T/r' and holder_pid = $R2")" 2
wait $R2
check_eq "resume: completed once each" "$(sql r/sweep.db "select group_concat(state || attempts) from trials")" "completed1,completed1"

# the ledger deleted while a sweep runs: it writes its holds again, and a
# sweep started then does not overcommit the GPU
sweep run -q long.yaml -d del > /dev/null 2> del.err &
D=$!
wait_for "[ \"\$(sqlite3 -readonly machine/machine.db \"select count(*) from holds where dir = '$T/del'\" 2> /dev/null)\" = 2 ]" 10
rm -f machine/machine.db machine/machine.db-wal machine/machine.db-shm
wait_for "[ \"\$(sqlite3 -readonly machine/machine.db \"select count(*) from holds where dir = '$T/del'\" 2> /dev/null)\" = 2 ]" 10
check "deleted: the running sweep's holds are written again" \
    test "$(sqlite3 -readonly machine/machine.db "select count(*) from holds where dir = '$T/del'")" = 2
sweep run -q a.yaml -d del2 > /dev/null 2> del2.err
wait $D
check_eq "deleted: no out-of-memory" "$(ooms del del2)" 0
check "deleted: said" grep -q "machine.db was replaced" del.err

# the machine configuration: read like the sweep file; a user's limit holds
cat > bad.yaml <<'Y'
window: 1h
users:
  root: {share: 0, mxa_gpus: 2}
preempt: {after: 0s}
Y
SWEEP_MACHINE_CONFIG=$T/bad.yaml sweep run -q a.yaml -d bad > /dev/null 2> bad.err
check_eq "config: exit 2" "$?" 2
check "config: FILE:LINE:COL, every error" grep -q "bad.yaml:3:17: root: share must be a number > 0" bad.err
check "config: the other one" grep -q "bad.yaml:3:20: unknown key 'mxa_gpus' in root (did you mean 'max_gpus'?)" bad.err
check "config: preempt.after" grep -q "bad.yaml:4:18: preempt.after: a duration > 0" bad.err
check "config: nothing written" test ! -e bad
cat > lim.yaml <<'Y'
users:
  root: {max_memory: 12GiB}
Y
SWEEP_MACHINE_CONFIG=$T/lim.yaml sweep run -q a.yaml -d lim > /dev/null 2> lim.err
check_eq "limit: completed" "$(sql lim/sweep.db "select group_concat(state) from trials")" "completed,completed"
check_eq "limit: one 10 GiB trial at a time" \
    "$(sql lim/sweep.db "select count(*) from trials a join trials b on a.id < b.id and a.started < b.ended and b.started < a.ended")" 0
cat > tiny.yaml <<'Y'
users:
  root: {max_memory: 4GiB}
Y
SWEEP_MACHINE_CONFIG=$T/tiny.yaml sweep run -q a.yaml -d tiny > /dev/null 2> tiny.err
check "limit: a trial over it fails, saying so" sh -c "sqlite3 tiny/sweep.db 'select reason from trials where id = 0' | grep -q 'lets this user.s trials hold 4.0 GiB at once (max_memory)'"

# max_gpus: two 10 GiB trials on two declared GPUs with room for both on
# either; at most one GPU for the user: both on the same one, at once
cat > two.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  x: {values: [1, 2]}
command: [./sleep.sh, "2", "${x}"]
resources:
  gpus: [{id: 0, memory: 48GiB}, {id: 1, memory: 48GiB}]
  memory: 10GiB
Y
cat > sleep.sh <<'SH'
#!/bin/sh
sleep "$1"
echo "loss=0.$2"
SH
chmod +x sleep.sh
cat > onegpu.yaml <<'Y'
users:
  root: {max_gpus: 1}
Y
SWEEP_MACHINE_CONFIG=$T/onegpu.yaml sweep run -q two.yaml -d one > /dev/null 2> one.err
check_eq "max_gpus: one GPU" "$(sql one/sweep.db "select count(distinct gpu) from trials")" 1
check_eq "max_gpus: both at once" \
    "$(sql one/sweep.db "select count(*) from trials a join trials b on a.id < b.id and a.started < b.ended and b.started < a.ended")" 1
sweep run -q two.yaml -d spread > /dev/null 2> spread.err
check_eq "without it: spread over both" "$(sql spread/sweep.db "select count(distinct gpu) from trials")" 2

# priority: among one user's sweeps waiting for the same room, the higher
# first, though the other waits longer
cat > fill.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  x: {values: [1, 2]}
command: [./sleep.sh, "3", "${x}"]
resources:
  gpus: [{id: 0, memory: 24GiB}]
  memory: 10GiB
Y
sed 's/"3"/"1"/' fill.yaml > low.yaml
{ cat low.yaml; echo "priority: 5"; } > high.yaml
sweep run -q fill.yaml -d fill > /dev/null 2>&1 &
wait_for "[ \"\$(sqlite3 -readonly machine/machine.db \"select count(*) from holds where dir = '$T/fill'\" 2> /dev/null)\" = 2 ]" 10
sweep run -q low.yaml -d low > /dev/null 2>&1 &
sleep 0.5
sweep run -q high.yaml -d high > /dev/null 2>&1 &
wait
check "priority: the higher started first" test \
    "$(sql high/sweep.db "select min(started) from trials")" \< "$(sql low/sweep.db "select min(started) from trials")"
check_eq "priority: all completed" \
    "$(for s in fill low high; do sql $s/sweep.db "select count(*) from trials where state = 'completed'"; done | tr '\n' ' ')" "2 2 2 "

finish
