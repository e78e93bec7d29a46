#!/bin/bash
# Odd bytes in logs are defined (issue 13.11, docs/parsers.md): a NUL ends
# a line, as a newline does; a byte that is not UTF-8 in a metric's name
# becomes U+FFFD, so that every output is valid UTF-8. The run's closing
# hint quotes a directory a shell would split.
. "$(dirname "$0")/lib.sh"

printf 'l\0ss=7\nok=1\n' > nul.log
sweep metrics --parser keyvalue nul.log > m.out
check_eq "sweep metrics: exit 0" "$?" 0
check "a NUL ended the line: ss=7, not lss" grep -qx '1,ss,7.0' m.out
check "no metric lss" bash -c '! grep -q lss m.out'
printf '{"lo\377ss": 3}\n{"ok": 1}\n' > odd.log
sweep metrics --parser jsonl odd.log > m2.out
check "the invalid byte became U+FFFD" grep -qF "lo$(printf '\357\277\275')ss" m2.out
sweep metrics --parser jsonl --json odd.log > m.json
check "--json is valid UTF-8" iconv -f UTF-8 -t UTF-8 m.json -o /dev/null
check "--json names it with U+FFFD" grep -qF "\"lo$(printf '\357\277\275')ss\"" m.json

cat > s.yaml <<'Y'
method: grid
parameters:
  i: {values: [1]}
command: [sh, -c, 'printf ''{"a\377b": 1}\n''']
metrics: {parser: jsonl}
resources: {gpus: none}
Y
sweep run s.yaml -d "my runs/odd" > run.out 2> run.err
check_eq "a run into a directory with a space: exit 0" "$?" 0
check "its closing hint quotes the directory, absolute" grep -qF "top trials (sweep top '$T/my runs/odd'):" run.out
sweep export "my runs/odd" --csv > e.csv
check "export --csv is valid UTF-8" iconv -f UTF-8 -t UTF-8 e.csv -o /dev/null
check "with the name repaired" grep -qF "a$(printf '\357\277\275')b" e.csv
finish
