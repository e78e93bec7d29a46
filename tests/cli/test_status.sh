#!/bin/bash
# status and top while a sweep runs, from another process: they read the
# store without blocking the writer.
. "$(dirname "$0")/lib.sh"

cat > s.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  i: {min: 1, max: 4}
command: [fake_trainer, "--fake-loss=${i}", --fake-epochs=8, --fake-sleep=0.25]
resources: {gpus: none, max_parallel: 2}
Y
sweep run -q s.yaml -d live &
pid=$!
check "trials run" wait_for '[ "$(sql live/sweep.db "select count(*) from metrics" 2>/dev/null)" -ge 4 ]' 10
sweep status live > st.txt
check_eq "status exit while running" "$?" 0
check "says it is running" grep -q "sweep is running" st.txt
check "names the writer" grep -q "(pid $pid on " st.txt
check "lists running trials" grep -qE '^ +0 +[0-9]+ +- +1 ' st.txt
sweep status live --json > st.json
check "json: running" grep -q '"running": true' st.json
check "json: two trials running" grep -q '"running": 2' st.json
check "json: steps of running trials" grep -q '"step": [1-8]' st.json
check "top while running" sh -c 'sweep top live -n 2 | grep -q running'
# --watch on a terminal (a pseudo-terminal from script): refreshes until the sweep ends
timeout 30 script -qfec "sweep status live --watch=0.2" /dev/null > watch.txt 2>&1
check_eq "--watch ends with the sweep" "$?" 0
check "--watch clears and redraws" sh -c "[ \$(grep -o \"$(printf '\033')\[2J\" watch.txt | wc -l) -ge 2 ]"
check "--watch saw it running" grep -q "sweep is running" watch.txt
check "--watch ends on the finished sweep" sh -c 'tail -5 watch.txt | grep -q "sweep is not running"'
sweep status live --watch > /dev/null 2>&1; check_eq "--watch off a terminal: exit 2" "$?" 2
wait $pid
check_eq "run exit" "$?" 0
sweep status live > st2.txt
check "not running any more" grep -q "sweep is not running" st2.txt
check "best trial" grep -q "best: trial 0, loss 0.125" st2.txt
check_eq "top --json best first" "$(sweep top live --json | grep -o '"trial": [0-9]' | tr -d '\n')" '"trial": 0"trial": 1"trial": 2"trial": 3'
finish
