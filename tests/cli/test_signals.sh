#!/bin/bash
# Real signals to the real binary: Ctrl-C, a second Ctrl-C, kill -9 and
# resume, the one-writer lock.
. "$(dirname "$0")/lib.sh"

cat > s.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  i: {min: 1, max: 6}
command: [fake_trainer, "--fake-loss=${i}", --fake-epochs=6, --fake-sleep=0.25]
resources: {gpus: none, max_parallel: 2}
Y
running() { [ "$(sql "$1/sweep.db" "select count(*) from trials where state = 'running'" 2>/dev/null)" = "$2" ]; }

# 1. Ctrl-C: running trials are stopped and recorded as interrupted
#    (pending: the next resume runs them again), exit 130
sweep run s.yaml -d int > int.log 2>&1 &
pid=$!
check "two trials start" wait_for 'running int 2' 10
kill -INT $pid
wait $pid
check_eq "exit status after Ctrl-C" "$?" 130
check_eq "running trials recorded as interrupted, pending" \
    "$(sql int/sweep.db "select count(*) from trials where state = 'pending' and reason = 'interrupted with the sweep (SIGINT); runs again on resume'")" 2
check_eq "each with its event" "$(sql int/sweep.db "select count(*) from events where kind = 'interrupted'")" 2
check_eq "nothing else launched" "$(sql int/sweep.db 'select count(*) from trials')" 2
check "the summary says how to go on" grep -q "sweep resume .*int.* runs the 2 interrupted trials" int.log
for p in $(cat int/trials/*/launches); do
    check "trainer $p was stopped" sh -c "! grep -q '^State:.*[RSD]' /proc/$p/status 2>/dev/null"
done
sweep resume int > int2.log 2>&1
check_eq "resume after Ctrl-C: exit 0" "$?" 0
check_eq "resume after Ctrl-C: all 6 completed, no hole" \
    "$(sql int/sweep.db "select count(*) from trials where state = 'completed'")" 6
check_eq "the interrupted ones ran again" "$(sql int/sweep.db 'select group_concat(attempts) from trials order by id')" "2,2,1,1,1,1"
check "their interrupted attempt's log is kept" test -e int/trials/0000/stdout.log.attempt1

# 2. one writer: a second run on the same directory is refused, exit 2
sweep run s.yaml -d lock > lock.log 2>&1 &
pid=$!
check "first run starts" wait_for 'running lock 2' 10
sweep run s.yaml -d lock > second.out 2> second.err
check_eq "second run refused" "$?" 2
check "it says who holds the lock" grep -q "lock is in use by another sweep (pid $pid on " second.err
kill -9 $pid; wait $pid 2>/dev/null

# 3. kill -9 of sweep: the trials live on, resume re-adopts them, nothing
#    runs twice, no metric row is duplicated
sweep run s.yaml -d lock > resume.log 2>&1
check_eq "resume after kill -9 exits 0" "$?" 0
check "it followed the surviving trials again" grep -q "is still running (pid" resume.log
check_eq "all 6 completed" "$(sql lock/sweep.db "select count(*) from trials where state = 'completed'")" 6
for d in lock/trials/*; do
    check_eq "$d launched once" "$(wc -l < $d/launches)" 1
done
check_eq "6 loss rows per trial, each once" \
    "$(sql lock/sweep.db 'select group_concat(n) from (select count(*) as n from metrics group by trial order by trial)')" "6,6,6,6,6,6"
check_eq "stored values match the logs" "$(sql lock/sweep.db "select printf('%.6f', value) from metrics where trial = 0 and step = 6")" \
    "$(grep 'epoch=6 ' lock/trials/0000/stdout.log | sed 's/.*loss=//')"

# 4. kill -9 while no trial survives: a trial that died with sweep runs again
sweep run s.yaml -d dead > dead.log 2>&1 &
pid=$!
check "trials start" wait_for 'running dead 2' 10
kill -9 $pid; wait $pid 2>/dev/null
# a reboot: supervisors and trainers die too, before anything is recorded
for sup in $(sql dead/sweep.db "select pid from trials where state = 'running'"); do kill -9 $sup; done
for d in dead/trials/*; do kill -9 -"$(cut -d" " -f1 $d/trainer.pid)" 2>/dev/null; done
check "no exit was recorded" sh -c '! ls dead/trials/*/exit.json 2>/dev/null'
sweep run s.yaml -d dead > dead2.log 2>&1
check_eq "resume exit" "$?" 0
check "it requeued them" grep -q "died with an earlier sweep process: queued again" dead2.log
# (issue 22, point 16) the resume line counts what was running, before the
# lines on each of those trials
check_eq "the resume line first, with what was running" \
    "$(grep -m1 -n 'resuming:\|died with an earlier' dead2.log | cut -d: -f2-)" "resuming: 0 trials done, 2 were running, 0 pending"
check_eq "all completed" "$(sql dead/sweep.db "select count(*) from trials where state = 'completed'")" 6
check_eq "requeued trials ran twice, with the same trial number" \
    "$(sql dead/sweep.db 'select count(*) from trials where attempts = 2')" 2
check_eq "each metric row once" \
    "$(sql dead/sweep.db 'select count(*) from (select 1 from metrics group by trial, name, step having count(*) > 1)')" 0

# 5. a second Ctrl-C leaves at once; the trials keep running and resume follows them
sed -e 's/--fake-sleep=0.25]/--fake-sleep=0.25, --fake-ignore-term]/' s.yaml > slow.yaml
echo 'stop_grace: 60s' >> slow.yaml
sweep run slow.yaml -d twice > twice.log 2>&1 &
pid=$!
check "trials start" wait_for 'running twice 2 && [ -s twice/trials/0000/launches ] && [ -s twice/trials/0001/launches ]' 10
kill -INT $pid
check "first Ctrl-C seen" wait_for 'grep -q "again to exit at once" twice.log' 5
kill -INT $pid
wait $pid
check_eq "second Ctrl-C exit" "$?" 130
check "it says the trials keep running" grep -q "2 trials keep running" twice.log
check_eq "they are still running" "$(sql twice/sweep.db "select count(*) from trials where state = 'running'")" 2
sweep resume twice > twice2.log 2>&1
check_eq "resume exit" "$?" 0
check_eq "all 6 completed" "$(sql twice/sweep.db "select count(*) from trials where state = 'completed'")" 6
for d in twice/trials/*; do
    check_eq "$d launched once" "$(wc -l < $d/launches)" 1
done

# 6. sweep stop DIR TRIAL: that trial is stopped, the sweep goes on
sweep run s.yaml -d one > one.log 2>&1 &
pid=$!
check "trials start" wait_for 'running one 2' 10
sweep stop one 1 > stop.out
check_eq "stop exit" "$?" 0
check "stop says so" grep -q "trial 1: stop requested" stop.out
wait $pid
check_eq "the sweep ran on" "$?" 0
check_eq "trial 1 stopped, the others completed" \
    "$(sql one/sweep.db "select group_concat(x, ',') from (select state || ':' || coalesce(reason, '') as x from trials order by id)")" \
    "completed:,stopped:stopped by the user (sweep stop),completed:,completed:,completed:,completed:"
check "the request is gone" test ! -e one/stop/0001
sweep stop one 99 2> err.txt; check_eq "no such trial: exit 2" "$?" 2
# (issue 22, point 15) a grid trial not started yet: stopped without running
sweep run s.yaml -d later > later.log 2>&1 &
pid=$!
check "trials start" wait_for 'running later 2' 10
sweep stop later 4 > later.out
check_eq "a trial not started yet: exit 0" "$?" 0
check "it says what happens" grep -q "trial 4 has not started: it is recorded as stopped without running" later.out
wait $pid
check_eq "it was stopped, never run; the others completed" \
    "$(sql later/sweep.db "select group_concat(state || ':' || attempts, ',') from (select state, attempts from trials order by id)")" \
    "completed:1,completed:1,completed:1,completed:1,stopped:0,completed:1"
check "its directory was never made" test ! -e later/trials/0004
sweep stop one 0 > again.out; check "a finished trial" grep -q "trial 0 is already completed" again.out

# 7. sweep stop DIR: the whole sweep, as Ctrl-C
sweep run s.yaml -d all > all.log 2>&1 &
pid=$!
check "trials start" wait_for 'running all 2' 10
sweep stop all > /dev/null
wait $pid
check_eq "the sweep exits as after Ctrl-C" "$?" 130
check_eq "its trials are interrupted (pending)" "$(sql all/sweep.db "select count(*) from trials where state = 'pending' and reason like 'interrupted with the sweep (SIGTERM)%'")" 2

# 8. no sweep running (a second Ctrl-C left the trials): stop them directly
#    (SIGTERM, ignored here, then SIGKILL after stop_grace); the next resume
#    records them as stopped and goes on with the others
cat > orph.yaml <<'Y'
method: grid
parameters:
  e: {values: [40, 41, 1, 2]}
command: [fake_trainer, "--fake-epochs=${e}", --fake-sleep=0.25, --fake-ignore-term]
resources: {gpus: none, max_parallel: 2}
stop_grace: 1s
Y
sweep run orph.yaml -d orphan > orphan.log 2>&1 &
pid=$!
check "trials start" wait_for 'running orphan 2 && [ -s orphan/trials/0000/launches ] && [ -s orphan/trials/0001/launches ]' 10
kill -INT $pid
check "first Ctrl-C seen" wait_for 'grep -q "again to exit at once" orphan.log' 5
kill -INT $pid
wait $pid
sweep stop orphan > orphan.out
check_eq "stop without a sweep: exit 0" "$?" 0
check "it stopped them" grep -q "no sweep is running; 2 trials stopped" orphan.out
for p in $(cat orphan/trials/000[01]/launches); do
    check "trainer $p is gone" sh -c "! grep -q '^State:.*[RSD]' /proc/$p/status 2>/dev/null"
done
sweep resume orphan > orphan2.log 2>&1
check_eq "resume exit" "$?" 0
# (sweep stop's decision stands over the Ctrl-C's interruption)
check_eq "stopped ones stay stopped, the rest completed" \
    "$(sql orphan/sweep.db "select group_concat(x, ',') from (select state || ':' || coalesce(reason, '') as x from trials order by id)")" \
    "stopped:stopped by the user (sweep stop); killed by signal 9 (SIGKILL),stopped:stopped by the user (sweep stop); killed by signal 9 (SIGKILL),completed:,completed:"
# 2b. a stale lock file from a dead process does not hold anything back
mkdir -p stale && printf '99999 otherhost 1700000000\n' > stale/lock
sweep run -q s.yaml -d stale > /dev/null 2>&1
check_eq "stale lock taken over" "$?" 0

# 2c. SIGHUP (the terminal closed) neither stops sweep nor its trials
sweep run -q s.yaml -d hup > /dev/null 2>&1 &
pid=$!
check "trials start" wait_for 'running hup 2' 10
kill -HUP $pid
wait $pid
check_eq "SIGHUP: the sweep ran to its end" "$?" 0
check_eq "SIGHUP: all completed" "$(sql hup/sweep.db "select count(*) from trials where state = 'completed'")" 6

finish
