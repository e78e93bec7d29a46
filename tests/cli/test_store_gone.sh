#!/bin/bash
# The store's file is the sweep's memory (issue 13.6): deleted while the
# sweep runs, it is noticed at once (exit 1 saying so; nothing more is
# launched; the running trials keep running); an emptied or foreign store
# beside existing trials is refused, never taken as a new sweep.
. "$(dirname "$0")/lib.sh"

cat > s.yaml <<'Y'
method: grid
parameters:
  i: {values: [1, 2, 3, 4, 5, 6]}
command: [fake_trainer, --fake-epochs=10, --fake-sleep=0.2]
resources: {gpus: none, max_parallel: 2}
Y
sweep run -q s.yaml -d r > r.out 2> r.err &
p=$!
wait_for '[ -s r/trials/0000/launches ] && [ -s r/trials/0001/launches ]' 10
rm -f r/sweep.db r/sweep.db-wal r/sweep.db-shm
wait $p
check_eq "a deleted store: exit 1" "$?" 1
check "it says what happened" grep -q 'sweep.db was deleted while the sweep ran: stopping' r.err
check "and that the trials keep running" grep -q 'running trials keep running' r.err
check_eq "nothing more was launched" "$(ls r/trials | wc -l)" 2
check "a trial still runs" kill -0 "$(head -1 r/trials/0000/launches)"
sweep stop r > /dev/null 2>&1; pkill -f 'fake_trainer --fake-epochs=10' 2> /dev/null

# an emptied store beside finished trials
sweep run -q s.yaml -d e > /dev/null 2>&1
check_eq "a first run completes" "$(sql e/sweep.db "select count(*) from trials where state = 'completed'")" 6
: > e/sweep.db
rm -f e/sweep.db-wal e/sweep.db-shm
sweep run -q s.yaml -d e > /dev/null 2> e.err
check_eq "an emptied store with trials: exit 2" "$?" 2
check "it says why" grep -q 'sweep.db is empty, but e/trials/ holds trials' e.err
check_eq "no trial ran again" "$(cat e/trials/*/launches | wc -l)" 6
check_eq "the emptied file was not written" "$(stat -c %s e/sweep.db)" 0
# a foreign SQLite file is nobody's store to write into
rm -rf f && mkdir f && sqlite3 f/sweep.db 'create table notes (x)'
sweep run -q s.yaml -d f > /dev/null 2> f.err
check_eq "a foreign database: exit 2" "$?" 2
check "it says so" grep -q 'is an SQLite database of something else' f.err
check_eq "its tables are untouched" "$(sql f/sweep.db 'select group_concat(name) from sqlite_master')" notes
finish
