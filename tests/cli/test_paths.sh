#!/bin/bash
# Nothing is written outside the sweep directory because of a value or a
# path in the file (docs/contract.md §9; issue 13.4, 13.8): a template's rendered 'to'
# that leaves the trial directory fails that trial with a reason; a static
# one is a FILE:LINE:COL error (tests/config/bad/51-template-escape.yaml);
# a symbolic link planted at DIR/trials/NNNN is not followed.
. "$(dirname "$0")/lib.sh"

mkdir -p outside
printf 'v=${name}\n' > t.in
cat > s.yaml <<'Y'
method: grid
parameters:
  name: {values: ["../../../outside/pwned", ok, "sub/../../../../outside/pwned2"]}
templates:
  - {from: t.in, to: '${name}.cfg'}
command: [fake_trainer, --fake-epochs=1]
resources: {gpus: none}
Y
sweep run -q s.yaml -d run > /dev/null 2> run.err
check_eq "the sweep runs: exit 0" "$?" 0
check "nothing was written outside the sweep directory" test -z "$(ls outside)"
check_eq "the escaping trials failed" "$(sql run/sweep.db "select group_concat(state, ' ') from (select state from trials order by id)")" "failed completed failed"
check "with the reason" grep -q "template t.in: ../../../outside/pwned.cfg: outside the trial directory ('..')" \
    <(sql run/sweep.db 'select reason from trials where id = 0')
check_eq "the good one wrote its file" "$(cat run/trials/0001/ok.cfg)" "v=ok"
check "no trainer ran for an escaping trial" test ! -e run/trials/0000/launches

# a link planted where a trial directory goes (while trial 0 runs) is not followed
cat > l.yaml <<'Y'
method: grid
parameters:
  i: {values: [1, 2]}
command: [fake_trainer, --fake-epochs=4, --fake-sleep=0.2]
resources: {gpus: none}
Y
mkdir -p target
sweep run -q l.yaml -d links > /dev/null 2> links.err &
p=$!
wait_for '[ -d links/trials/0000 ]' 10
ln -s "$T/target" links/trials/0001
wait $p
check "nothing was written through the link" test -z "$(ls target)"
check_eq "trial 1 failed, naming the link" "$(sql links/sweep.db "select state from trials where id = 1")" failed
check "the reason says it is not followed" grep -q 'not followed' <(sql links/sweep.db 'select reason from trials where id = 1')
check_eq "trial 0 ran" "$(sql links/sweep.db "select state from trials where id = 0")" completed
finish
