#!/bin/bash
# prior: guards (issue 22, point 3): the sweep's own directory is refused
# (its results would be learnt twice after a resume); a prior whose
# sweep.db is a FIFO (any open that would block) is left out with a
# warning instead of hanging `sweep run` with the lock held.
. "$(dirname "$0")/lib.sh"

cat > self.yaml <<'Y'
method: bayes
run_cap: 3
metric: {name: loss, goal: minimize}
parameters:
  x: {min: 0.1, max: 1.0}
command: [fake_trainer, "--fake-loss=${x}", --fake-epochs=1]
prior: [runs/me]
resources: {gpus: none}
Y
sweep run self.yaml -d runs/me > self.out 2> self.err
check_eq "prior: its own directory: exit 2" "$?" 2
check_eq "said where" "$(cat self.err)" \
    "self.yaml:7:9: prior runs/me is this sweep's own directory: its results are learnt as they come; name earlier sweeps only"
check "nothing written" test ! -e runs/me
# the same through another spelling of the path, once it exists
sed 's|prior: \[runs/me\]|prior: [./runs/../runs/me/]|' self.yaml > self2.yaml
sed '/^prior:/d' self.yaml > plain.yaml
sweep run -q plain.yaml -d runs/me > /dev/null 2>&1
sweep run self2.yaml -d runs/me > /dev/null 2> self2.err
check_eq "another spelling of it: exit 2" "$?" 2

# a FIFO where the prior's sweep.db should be: warned, left out, the sweep runs
mkdir -p fifo && mkfifo fifo/sweep.db
sed 's|prior: \[runs/me\]|prior: [fifo]|' self.yaml > f.yaml
timeout 30 sweep run f.yaml -d f > f.out 2> f.err
check_eq "a FIFO prior: the sweep runs, exit 0" "$?" 0
check "it says why it was left out" grep -q "prior fifo: .*fifo/sweep.db is not a regular file; left out" f.err
check_eq "its trials ran" "$(sql f/sweep.db "select count(*) from trials where state = 'completed'")" 3
# and a FIFO as the sweep's own store: refused, not a hang
mkdir -p g && mkfifo g/sweep.db
timeout 30 sweep status g > /dev/null 2> g.err
check "status on a FIFO store: an error, not a hang" test "$?" -ne 124
finish
