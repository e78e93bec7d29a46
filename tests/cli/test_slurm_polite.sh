#!/bin/bash
# Slurm in production (issue 27, point 1), against a real Slurm: the queue
# is asked by one squeue at a time for this user's jobs of the sweep (by id),
# more often after a submission and less while nothing changes (doubling
# from slurm.poll up to slurm.poll_max); a job's start is seen by its
# trainer.pid, its end by its exit.json, not by a query; with the
# controller down, the trials that end are recorded at once (the loop
# never waits on a Slurm command), no sbatch is tried until squeue answers
# again, and the sweep then finishes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/slurm_lib.sh"

# every Slurm command counted, with its time and arguments
mkdir -p wrap
for c in sbatch squeue sacct scancel scontrol; do
    real=$(command -v $c)
    printf '#!/bin/sh\necho "$(date +%%s.%%N) %s $*" >> %s/calls.log\nexec %s "$@"\n' $c "$T" "$real" > wrap/$c
    chmod +x wrap/$c
done

# 1. four trials of 6 s, all at once, poll 0.2 s up to 1.6 s
cat > p.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters: {x: {values: [1, 2, 3, 4]}}
command: [sh, -c, "echo loss=$0; sleep 6", "${x}"]
executor: slurm
slurm: {mem: 50M, poll: 0.2s, poll_max: 1.6s}
resources: {max_parallel: 4}
Y
PATH="$T/wrap:$PATH" sweep run -q p.yaml -d p > /dev/null 2> p.err
check_eq "polite: the sweep ran" "$?" 0
check_eq "polite: all completed" "$(states p)" "completed,completed,completed,completed"
squeues=$(grep -c " squeue -h " calls.log)
check "polite: squeue asked by id, for this user only" \
    sh -c "grep ' squeue -h ' calls.log | grep -v -- '--version' | grep -qv -- '--user=$(id -u) --jobs='; test \$? -ne 0"
# a fixed 0.2 s would be ~30 in 6 s; doubling to 1.6 s: 0.2+0.4+0.8+1.6+1.6+1.6 covers it in ~6
check "polite: the waits grow while nothing changes ($squeues squeue for 6 s of running jobs)" test "$squeues" -le 12
check "polite: the version asked once" test "$(grep -c ' squeue --version' calls.log)" -eq 1
# the trials' ends recorded from their exit.json, not when a squeue came
late=$(/usr/bin/python3 - <<'PY'
import json, sqlite3
db = sqlite3.connect("p/sweep.db")
worst = 0
for (tid,) in db.execute("select id from trials"):
    ended = json.load(open(f"p/trials/{tid:04d}/exit.json"))["ended"]
    rec = db.execute("select max(time) from events where trial = ? and kind = 'completed'", (tid,)).fetchone()[0]
    worst = max(worst, rec - ended)
print(f"{worst:.2f}")
PY
)
check "polite: each end recorded within a second of its exit.json (worst ${late} s)" \
    /usr/bin/python3 -c "import sys; sys.exit(0 if $late < 1.0 else 1)"

# 2. the controller goes down while two trials run and four wait: the ends
#    are recorded at once, no sbatch is tried while squeue fails, and once
#    the controller is back the sweep finishes
: > calls.log
cat > o.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters: {x: {values: [1, 2, 3, 4, 5, 6]}}
command: [sh, -c, "echo loss=$0; sleep 4", "${x}"]
executor: slurm
slurm: {mem: 50M, poll: 0.2s, poll_max: 1s}
resources: {max_parallel: 2}
Y
PATH="$T/wrap:$PATH" sweep run o.yaml -d o > o.out 2> o.err &
S=$!
wait_for "test -e o/trials/0001/trainer.pid" 20
bash "$SRC/scripts/slurm-cluster.sh" ctld-stop "$C"
down=$(date +%s.%N)
wait_for "test -e o/trials/0001/exit.json" 20
sleep 6 # the ends are recorded; squeue fails meanwhile
check_eq "outage: the two trials' ends recorded while the controller is down" \
    "$(sql o/sweep.db "select count(*) from trials where state = 'completed'")" 2
tried=$(awk -v d="$down" '$2 == "sbatch" && $1 > d + 2 { n++ } END { print n + 0 }' calls.log)
check "outage: at most one sbatch tried once squeue failed ($tried)" test "$tried" -le 1
check "outage: said that Slurm does not answer" grep -q "Slurm does not answer\|squeue" o.err
check "outage: not said to answer again while it is down" sh -c '! grep -q "Slurm answers again" o.err'
bash "$SRC/scripts/slurm-cluster.sh" ctld-start "$C" > /dev/null
wait $S
# (a squeue that was on its way when slurmctld stopped may just wait and
# answer once it is back: then no failure, and nothing to take back)
check "outage: a failure said is taken back once Slurm answers" \
    sh -c 'if grep -q "(asking again)" o.err; then grep -q "Slurm answers again" o.err; fi'
check_eq "outage: the sweep finishes once the controller is back" "$?" 0
check_eq "outage: all six completed" "$(states o)" "completed,completed,completed,completed,completed,completed"
finish
