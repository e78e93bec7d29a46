#!/bin/bash
# CPU isolation (resources.cpus, docs/config.md): each trial's trainer is
# pinned to cores of its own (read from /proc/PID/status of the real
# process, while it runs), its thread pools are capped (its environment,
# from /proc/PID/environ) unless the sweep file sets them, ${cpus} names
# the count; trials running at the same time never share a core, within a
# sweep or between two sweeps (the machine ledger); auto divides the cores;
# bad values are FILE:LINE:COL errors.
. "$(dirname "$0")/lib.sh"
N=$(nproc)

cat > train.sh <<'SH'
#!/bin/sh
# the trainer: what it was given, then a while to be looked at
grep Cpus_allowed_list /proc/self/status
echo "omp=$OMP_NUM_THREADS mkl=$MKL_NUM_THREADS openblas=$OPENBLAS_NUM_THREADS arg=$2"
sleep "$1"
echo "loss=0.5"
SH
chmod +x train.sh
cat > one.yaml <<Y
method: grid
metric: {name: loss, goal: minimize}
parameters:
  x: {values: [1, 2, 3, 4]}
command: [$T/train.sh, "2", "\${cpus}", "\${x}"]
env: {MKL_NUM_THREADS: "7"}
resources: {max_parallel: $N, cpus: 1}
Y
sweep run -q one.yaml -d one > /dev/null 2> one.err &
P=$!
wait_for "[ -s one/trials/0000/trainer.pid ]" 10
pid=$(cut -d' ' -f1 one/trials/0000/trainer.pid)
mine=$(sql one/sweep.db "select cpus from trials where id = 0")
check_eq "the running trainer is pinned to its core" \
    "$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/$pid/status)" "$mine"
env0=$(tr '\0' '\n' < /proc/$pid/environ)
check "its OpenMP threads capped at its cores" grep -qx "OMP_NUM_THREADS=1" <<< "$env0"
check "OpenBLAS too" grep -qx "OPENBLAS_NUM_THREADS=1" <<< "$env0"
check "the file's MKL_NUM_THREADS kept" grep -qx "MKL_NUM_THREADS=7" <<< "$env0"
check "the supervisor is told the cores" grep -qx "SWEEP_TRIAL_CPUS=$mine" <<< "$env0"
wait $P
check_eq "completed" "$(sql one/sweep.db "select group_concat(state) from trials")" "completed,completed,completed,completed"
check "\${cpus} is the count" grep -q "omp=1 mkl=7 openblas=1 arg=1" one/trials/0001/stdout.log
check "each log shows its own core" grep -q "Cpus_allowed_list:.$(sql one/sweep.db "select cpus from trials where id = 1")\$" one/trials/0001/stdout.log
# no two trials of a sweep ran on one core at the same time
overlap() { # overlap DB1 DB2: pairs of trials that ran at once on a shared core
    sqlite3 -batch -noheader "$1" "attach '$2' as b; select count(*) from trials x, b.trials y
        where x.cpus = y.cpus and x.started < y.ended and y.started < x.ended
        and not (x.id = y.id and '$1' = '$2')"
}
check_eq "no core shared at once" "$(overlap one/sweep.db one/sweep.db)" 0
check "sweep plan says it" bash -c "sweep plan one.yaml | grep -q '^cpus: 1 core per trial, its own'"

# two sweeps at once, each wanting every core: never the same core at once
sed -e 's/"2", "\${cpus}"/"1", "${cpus}"/' one.yaml > two.yaml
sweep run -q two.yaml -d a > /dev/null 2> a.err &
PA=$!
sweep run -q two.yaml -d b > /dev/null 2> b.err &
PB=$!
wait $PA $PB
check_eq "a completed" "$(sql a/sweep.db "select count(*) from trials where state = 'completed'")" 4
check_eq "b completed" "$(sql b/sweep.db "select count(*) from trials where state = 'completed'")" 4
check_eq "two sweeps: no core shared at once" "$(overlap a/sweep.db b/sweep.db)" 0
check "the ledger held the cores" test "$(sqlite3 -readonly machine/machine.db "select count(*) from holds")" = 0

# auto: the cores divided by the trials at once; more trials than cores share
cat > auto.yaml <<Y
method: grid
parameters:
  x: {values: [1, 2, 3, 4]}
command: [$T/train.sh, "0", "\${x}"]
resources: {max_parallel: $((2 * N)), cpus: auto}
Y
sweep run auto.yaml -d auto > /dev/null 2> auto.err
check "auto: one core each, shared" grep -q "resources.cpus: auto: 1 core per trial ($N cores, $((2 * N)) trials at once; trials share cores)" auto.err
check_eq "auto: each trial pinned to one core" "$(sql auto/sweep.db "select count(*) from trials where cpus glob '[0-9]*' and cpus not like '%,%' and cpus not like '%-%'")" 4

# bad values: FILE:LINE:COL, exit 2, nothing written
printf 'method: grid\nparameters:\n  x: {value: 1}\ncommand: [true]\nresources: {cpus: 0}\n' > bad.yaml
sweep run -q bad.yaml -d bad > /dev/null 2> bad.err
check_eq "cpus: 0 is refused" "$?" 2
check "where and why" grep -q "bad.yaml:5:19: cpus: a number of CPU cores per trial" bad.err
check "nothing written" test ! -e bad
printf 'method: grid\nparameters:\n  x: {value: 1}\ncommand: [true]\nexecutor: slurm\nresources: {cpus: 2}\n' > bad2.yaml
sweep plan bad2.yaml > /dev/null 2> bad2.err
check "not for slurm" grep -q "bad2.yaml:6:19: cpus is for the local executor" bad2.err

finish
