#!/bin/bash
# Trainers that misbehave: each trial ends in a named state with its reason,
# the sweep goes on, and the store stays consistent.
. "$(dirname "$0")/lib.sh"

cat > f.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  script:
    values:
      # 0: leaves a child in its group and a double-forked daemon (setsid)
      - 'sleep 3001 & setsid sleep 3002 & exec fake_trainer --fake-epochs=2'
      # 1: a 16 MB line without a newline, then a metric
      - 'head -c 16777216 /dev/zero | tr "\0" a; echo; echo loss=0.5'
      # 2: binary garbage and invalid UTF-8 around a metric
      - 'head -c 100000 /dev/urandom | tr "\000-\177" "\200-\377"; printf "\nloss=0.25\n\377\376 x\377=1\n"'
      # 3: its log deleted while it runs: what comes later is lost
      - 'echo loss=1; sleep 1.2; rm "$SWEEP_TRIAL_DIR/stdout.log"; echo loss=2'
      # 4: its log replaced by another file
      - 'echo loss=1; sleep 1.2; echo loss=9 > "$SWEEP_TRIAL_DIR/new"; mv "$SWEEP_TRIAL_DIR/new" "$SWEEP_TRIAL_DIR/stdout.log"; sleep 0.4'
      # 5: its log truncated, then written again
      - 'echo loss=1; sleep 1.2; : > "$SWEEP_TRIAL_DIR/stdout.log"; echo loss=7; sleep 0.4'
      # 6: a file size limit (a full disk for the trainer)
      - 'ulimit -f 64; exec fake_trainer --fake-epochs=100000'
      # 7: its log unreadable for a while (a directory in its place)
      - 'cd "$SWEEP_TRIAL_DIR"; echo loss=1; sleep 1.2; mv stdout.log keep; mkdir stdout.log; sleep 0.6; rmdir stdout.log; mv keep stdout.log; echo loss=2'
      # 8: its log moved away for a while, then back: reading goes on where it was
      - 'cd "$SWEEP_TRIAL_DIR"; echo loss=1; sleep 1.2; mv stdout.log away; sleep 0.8; mv away stdout.log; echo loss=2'
command: [bash, -c, "${script}"]
resources: {gpus: none, max_parallel: 4}
Y
sweep run -q f.yaml -d f > /dev/null 2> f.err
check_eq "the sweep ran to its end" "$?" 0
st() { sql f/sweep.db "select state || ' | ' || coalesce(reason, '') from trials where id = $1"; }
check_eq "0: leftovers stopped" "$(st 0)" "completed | 2 leftover processes stopped"
check "0: the group's child is gone" sh -c '! pgrep -f "^sleep 3001" > /dev/null'
check "0: the double-forked daemon is gone" sh -c '! pgrep -f "^sleep 3002" > /dev/null'
check_eq "1: 16 MB line" "$(st 1)" "completed | "
check_eq "1: the metric after it" "$(sql f/sweep.db 'select value from metrics where trial = 1')" 0.5
check_eq "2: garbage" "$(st 2)" "completed | "
check_eq "2: the metric inside it" "$(sql f/sweep.db "select value from metrics where trial = 2 and name = 'loss'")" 0.25
check_eq "3: log deleted" "$(st 3)" "completed | "
check_eq "3: reported" "$(sql f/sweep.db "select count(*) from events where trial = 3 and kind = 'log_missing'")" 1
check_eq "3: what came before is kept" "$(sql f/sweep.db 'select value from metrics where trial = 3')" 1.0
check_eq "4: log replaced: reported" "$(sql f/sweep.db "select count(*) from events where trial = 4 and kind = 'log_replaced'")" 1
check_eq "4: the new file is read" "$(sql f/sweep.db "select group_concat(value, ',') from (select value from metrics where trial = 4 order by step)")" "1.0,9.0"
check_eq "5: log truncated: reported" "$(sql f/sweep.db "select count(*) from events where trial = 5 and kind = 'log_truncated'")" 1
check_eq "5: read again from its start" "$(sql f/sweep.db "select group_concat(value, ',') from (select value from metrics where trial = 5 order by step)")" "1.0,7.0"
check_eq "6: file size limit" "$(st 6)" "failed | killed by signal 25 (SIGXFSZ: a file size limit, or the disk is full)"
check_eq "7: unreadable log reported once" "$(sql f/sweep.db "select count(*) from events where trial = 7 and kind = 'log_unreadable'")" 1
check_eq "7: the sweep went on, the rows came later" "$(sql f/sweep.db "select state || ' ' || (select group_concat(value, ',') from (select value from metrics where trial = 7 order by step)) from trials where id = 7")" "completed 1.0,2.0"
check_eq "8: moved away and back: nothing read twice" "$(sql f/sweep.db "select group_concat(value, ',') from (select value from metrics where trial = 8 order by step)")" "1.0,2.0"
check_eq "8: its absence reported once" "$(sql f/sweep.db "select count(*) from events where trial = 8 and kind = 'log_missing'")" 1
check_eq "integrity" "$(sql f/sweep.db 'pragma integrity_check')" ok
check "top --json is still JSON-clean" sh -c "sweep top f --json | grep -q '\"trial\": 2'"

# a full disk for sweep itself: its store cannot grow; it says so, exits 1,
# loses nothing, and a later run finishes the sweep
cat > d.yaml <<'Y'
method: grid
parameters:
  i: {min: 1, max: 200}
command: [fake_trainer, "--fake-loss=${i}", --fake-epochs=3]
resources: {gpus: none, max_parallel: 4}
Y
(ulimit -f 48; sweep run -q d.yaml -d full > /dev/null 2> full.err)
check_eq "full disk: exit 1" "$?" 1
check "full disk: the message says so" grep -q "disk I/O error while writing the store: is the disk full" full.err
check_eq "full disk: integrity" "$(sql full/sweep.db 'pragma integrity_check')" ok
sweep run -q d.yaml -d full > /dev/null 2>> full.err
check_eq "full disk: a later run finishes" "$?" 0
check_eq "full disk: all 200 completed" "$(sql full/sweep.db "select count(*) from trials where state = 'completed'")" 200
check_eq "full disk: 3 rows per trial, each once" "$(sql full/sweep.db 'select count(*) from metrics')" 600
twice=0
for d in full/trials/*; do [ "$(wc -l < $d/launches)" -eq 1 ] || twice=$((twice + 1)); done
check_eq "full disk: no trial launched twice" "$twice" 0
finish
