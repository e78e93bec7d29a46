#!/bin/bash
# A trainer never runs on beside the retry of its trial (issue 13.3): when a
# trial's supervisor is killed, the trainer dies with it (PR_SET_PDEATHSIG),
# and what the trainer started (here: the real training, a child of a shell)
# is stopped by sweep, proven the trial's, before the trial runs again.
. "$(dirname "$0")/lib.sh"

cat > s.yaml <<'Y'
method: grid
parameters:
  i: {values: [1]}
command: [sh, -c, 'fake_trainer --fake-epochs=30 --fake-sleep=0.2 & wait']
resources: {gpus: none}
retries: 1
Y
sweep run -q s.yaml -d r > /dev/null 2> r.err &
p=$!
wait_for '[ -s r/trials/0000/launches ] && [ -n "$(sql r/sweep.db "select pid from trials where id = 0")" ]' 10
first=$(head -1 r/trials/0000/launches)
shell=$(cut -d' ' -f1 r/trials/0000/trainer.pid)
kill -9 "$(sql r/sweep.db 'select pid from trials where id = 0')"
wait_for "dead $shell" 2
check "the trainer (the shell) died with its supervisor" dead "$shell"
wait_for "dead $first" 2
check "what it started was stopped before the retry" dead "$first"
wait $p
check_eq "the retry ran the trial to its end: exit 0" "$?" 0
check_eq "completed on the second attempt" "$(sql r/sweep.db "select state || ' ' || attempts from trials")" "completed 2"
check_eq "two launches in all" "$(wc -l < r/trials/0000/launches)" 2
rows=$(grep -c '^epoch=' r/trials/0000/stdout.log.attempt1)
sleep 0.6
check_eq "the first attempt's log no longer grows" "$(grep -c '^epoch=' r/trials/0000/stdout.log.attempt1)" "$rows"
finish
