#!/bin/bash
# Throughput (store/throughput.h, docs/cli.md "sweep status"): trials on a
# fake GPU whose speed depends on how many share it (the aggregate rate of
# two at once is 1.6 times one alone, each runs at 0.8); a sweep packs two
# at a time and its last trial runs alone; status says the trainings per
# hour and the packing gain (1.6), top --json each trial's rate and trials
# at once, the report draws the throughput figure.
. "$(dirname "$0")/lib.sh"
mkdir gpu0
cat > train.sh <<'SH'
#!/bin/sh
# a step takes 0.12 s alone, 0.15 s with another on the GPU (1.6x in all)
touch "$1/$$"
trap 'rm -f "$1/$$"' EXIT
i=0
while [ $i -lt 12 ]; do
    k=$(ls "$1" | wc -l)
    if [ "$k" -ge 2 ]; then sleep 0.15; else sleep 0.12; fi
    i=$((i + 1))
    echo "step=$i loss=$(awk -v i=$i 'BEGIN { print 1 / i }')"
done
SH
chmod +x train.sh
cat > s.yaml <<Y
method: grid
metric: {name: loss, goal: minimize}
parameters:
  x: {values: [1, 2, 3, 4, 5]}
command: [$T/train.sh, $T/gpu0, "\${x}"]
resources: {gpus: [{id: 0, memory: 24GiB}], memory: 10GiB}
Y
sweep run -q s.yaml -d s > /dev/null 2> s.err
check_eq "completed" "$(sql s/sweep.db "select count(*) from trials where state = 'completed'")" 5
sweep status s > status.out
cat status.out >&2
check "trainings per hour" grep -Eq "^throughput: [0-9.]+ trainings per hour" status.out
gain=$(sed -n 's/.* at \([0-9.]*\)x the rate of the 1 of their kind that ran alone.*/\1/p' status.out)
check "the packing gain is about 1.6 ($gain)" awk -v g="$gain" 'BEGIN { exit !(g > 1.35 && g < 1.85) }'
sweep status --json s > status.json
check "status --json has it" grep -q '"packing_gain": 1\.[3-8]' status.json
sweep top --json s > top.json
check "top --json: the last trial ran alone" grep -Eq '"trial": 4, .*"at_once": 1(\.0[0-9]*)?, ' top.json
check "top --json: a rate" grep -Eq '"trial": 0, .*"steps_per_hour": [0-9]' top.json
sweep report s -o rep > /dev/null 2>&1
check "the report draws it" test -s rep/throughput.png
check "and names it" grep -q "throughput.png" rep/index.html

finish
