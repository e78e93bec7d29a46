#!/bin/bash
# Text for people never carries control characters (issue 13.10): a value
# with an ESC sequence, \r, \b or a newline reaches the terminal from plan,
# run and top as \xNN, one line stays one line, and a diagnostic is one line;
# machine output (--csv, --json) keeps the value exact.
. "$(dirname "$0")/lib.sh"

cat > s.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  tag: {values: ["t\e]0;pwned\a\e[2J", "a\rb\bc", "two\nlines"]}
command: [fake_trainer, --fake-epochs=1, "--x=${tag}"]
resources: {gpus: none}
Y
raw() { LC_ALL=C grep -c $'[\x1b\r\b\x07]' "$1"; }
sweep plan s.yaml > plan.out 2> plan.err
check_eq "plan: exit 0" "$?" 0
check_eq "plan prints no control character" "$(raw plan.out)" 0
check "plan shows the ESC as \\x1b" grep -qF 't\x1b]0;pwned\x07\x1b[2J' plan.out
check "a newline in a value stays in its row" grep -qF 'two\x0alines' plan.out
sweep run s.yaml -d r > run.out 2> run.err
check_eq "run: exit 0" "$?" 0
check_eq "run prints no control character (stdout)" "$(raw run.out)" 0
check_eq "run prints no control character (stderr)" "$(raw run.err)" 0
sweep top r > top.out
check_eq "top prints no control character" "$(raw top.out)" 0
check_eq "top: a header and three rows" "$(wc -l < top.out)" 4
sweep top r --csv > top.csv
check "--csv keeps the value exact" grep -qF "$(printf 'a\rb\bc')" top.csv
sweep top r --json > top.json
check "--json escapes it as JSON does" grep -qF '"t\u001b]0;pwned\u0007\u001b[2J"' top.json
printf 'method: grid\nparameters: {a: {values: [1]}}\ncommand: [x]\n"bad\\nkey": 1\n' > bad.yaml
sweep plan bad.yaml > /dev/null 2> bad.err
check_eq "a bad key: exit 2" "$?" 2
check_eq "its diagnostic is one line" "$(wc -l < bad.err)" 1
check "with the newline shown" grep -qF "bad\\x0akey" bad.err
finish
