#!/bin/bash
# The README's example, end to end: plan, run, top, status, the store.
. "$(dirname "$0")/lib.sh"

sweep plan "$SRC/examples/quickstart/sweep.yaml" --json > plan.json
check "plan exits 0" test $? -eq 0
check "plan counts 24 trials" grep -q '^{"count": 24, ' plan.json

mkdir -p examples/quickstart
cp "$SRC/examples/quickstart/sweep.yaml" examples/quickstart/
sweep run examples/quickstart/sweep.yaml > run.out 2> run.err
check_eq "run exit status" "$?" 0
DB=runs/quickstart/sweep.db
check "the default directory is runs/quickstart" test -f $DB
check_eq "24 trials completed" "$(sql $DB "select count(*) from trials where state='completed'")" 24
check_eq "10 epochs of mAP50-95 per trial" \
    "$(sql $DB "select count(*) from metrics where name='mAP50-95'")" 240
check_eq "each metric row once" \
    "$(sql $DB "select count(*) from (select trial, name, step from metrics group by 1, 2, 3 having count(*) > 1)")" 0
check_eq "every trial has its objective" \
    "$(sql $DB "select count(*) from trials where objective is null")" 0
# the objective is the best mAP50-95 printed in the trial's own log
t=$(sql $DB "select id from trials order by objective desc limit 1")
best=$(grep -o 'mAP50-95=[0-9.]*' runs/quickstart/trials/$(printf %04d $t)/stdout.log | cut -d= -f2 | sort -g | tail -1)
check_eq "objective = best value in the log" "$(sql $DB "select printf('%.4f', objective) from trials where id=$t")" "$best"
for f in params.json argv.json stdout.log exit.json; do
    check "trial files: $f" test -s runs/quickstart/trials/0000/$f
done
check_eq "exit.json records exit code 0" "$(grep -o '"code": 0' runs/quickstart/trials/0000/exit.json)" '"code": 0'
check "run prints the leaderboard" grep -q '^rank  trial  state' run.out
check "run says it finished" grep -q 'finished: 24 completed, 0 pruned, 0 failed' run.err

# top: best first, as JSON and CSV
sweep top runs/quickstart -n 5 > top.txt
check_eq "top -n 5 prints a header and 5 rows" "$(wc -l < top.txt)" 6
sweep top runs/quickstart --json > top.json
check_eq "top --json has 24 trials" "$(grep -c '"trial": ' top.json)" 24
objs=$(grep -o '"objective": [0-9.]*' top.json | cut -d' ' -f2)
check_eq "top --json is best first" "$objs" "$(echo "$objs" | sort -gr)"
check_eq "top --json's first is the store's best" "$(grep -m1 -o '"trial": [0-9]*' top.json | cut -d' ' -f2)" "$t"
sweep top runs/quickstart --csv -n 2 > top.csv
check "top --csv header" grep -q '^rank,trial,state,mAP50-95,step,lr0,momentum,weight_decay,batch,model,epochs' top.csv
sweep status runs/quickstart > status.txt
check "status counts every state" grep -q '24 completed, 0 pruned, 0 failed, 0 stopped' status.txt
sweep status runs/quickstart --json > status.json
check "status --json" grep -q '"counts": {"pending": 0, "running": 0, "completed": 24' status.json
# without DIR, status and top find the newest sweep under runs/
check "status without DIR" sh -c 'sweep status | grep -q runs/quickstart'

# running it again resumes: nothing is launched twice
sweep run examples/quickstart/sweep.yaml > again.out 2> again.err
check_eq "rerun exit status" "$?" 0
check_eq "rerun launches nothing" "$(sql $DB "select max(attempts) from trials")" 1
check_eq "still 24 trials" "$(sql $DB "select count(*) from trials")" 24
check "integrity" test "$(sql $DB 'pragma integrity_check')" = ok

# a changed file is refused on the same directory, with what changed
sed 's/^seed: 7$/seed: 8/' examples/quickstart/sweep.yaml > examples/quickstart/changed.yaml
sweep run examples/quickstart/changed.yaml -d runs/quickstart > changed.out 2> changed.err
check_eq "changed spec: exit 2" "$?" 2
check "changed spec: says so" grep -q "runs/quickstart holds a different sweep" changed.err
check "changed spec: the old line" grep -q -- "- 6: seed: 7" changed.err
check "changed spec: the new line" grep -q -- "+ 6: seed: 8" changed.err
check_eq "changed spec: nothing ran" "$(sql $DB "select count(*) from trials")" 24
# ... except an extension: more trials (and more retries), comments aside
sed -e 's/^run_cap: 24$/run_cap: 30   # six more/' -e 's/^seed: 7$/seed: 7\nretries: 1/' \
    examples/quickstart/sweep.yaml > examples/quickstart/more.yaml
sweep run -q examples/quickstart/more.yaml -d runs/quickstart > more.out 2> more.err
check_eq "extension: exit 0" "$?" 0
check_eq "extension: 30 trials" "$(sql $DB "select count(*) from trials where state = 'completed'")" 30
check_eq "extension: the first 24 not run again" "$(sql $DB "select max(attempts) from trials")" 1
check_eq "extension: trials 24-29 as a 30-trial sweep plans them" \
    "$(sql $DB "select params from trials where id >= 24 order by id")" \
    "$(sweep plan examples/quickstart/more.yaml --json | grep -o '"params": {[^}]*}' | tail -6 | sed 's/"params": //')"
check_eq "extension: recorded" "$(sql $DB "select detail from events where kind = 'settings_changed'")" "trials 24 -> 30, retries (default) -> 1"
sed 's/^run_cap: 24$/run_cap: 20/' examples/quickstart/sweep.yaml > examples/quickstart/fewer.yaml
sweep run examples/quickstart/fewer.yaml -d runs/quickstart > /dev/null 2>&1
check_eq "fewer trials is not an extension" "$?" 2
# sweep resume uses the stored file
sweep resume runs/quickstart -q > /dev/null
check_eq "resume of a finished sweep: exit 0" "$?" 0
check_eq "resume launches nothing" "$(sql $DB "select max(attempts) from trials")" 1
check_eq "resume uses the extended file" "$(sql $DB "select count(*) from trials")" 30
# no colour off a terminal, even without NO_COLOR
check "no escape codes off a terminal" sh -c '! env -u NO_COLOR sweep top runs/quickstart | grep -q "$(printf "\033")"'
finish
