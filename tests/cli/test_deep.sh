#!/bin/bash
# Deep nesting is a clear error of the file, not a crash (issue 13.5): lists
# and maps nest at most 64 levels, checked while parsing (a 150,000-deep
# block sequence, 100,000 levels of '[', an alias that would nest deeper),
# and nothing is written before the file is fully checked.
. "$(dirname "$0")/lib.sh"

deep_block() { # a parameter's value nested $1 deep (block style, one line)
    printf 'method: grid\ncommand: [x, "${a}"]\nparameters:\n  a:\n    value:\n      '
    awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "- "; print "x" }'
}
deep_block 150000 > block.yaml
{ printf 'method: grid\ncommand: [x]\nparameters:\n  a: {value: '
  awk 'BEGIN { for (i = 0; i < 100000; i++) printf "["; for (i = 0; i < 100000; i++) printf "]"; print "}" }'; } > flow.yaml
{ printf 'method: grid\ncommand: [x]\nparameters:\n  a: {value: &d '
  awk 'BEGIN { for (i = 0; i < 55; i++) printf "["; printf "x"; for (i = 0; i < 55; i++) printf "]"; print "}" }'
  printf '  b: {value: [[[[[[[[*d]]]]]]]]}\n'; } > alias.yaml

for f in block flow; do
    sweep run "$f.yaml" -d "run-$f" > "$f.out" 2> "$f.err"
    check_eq "$f: exit 2" "$?" 2
    check "$f: one FILE:LINE:COL error" grep -qE "^$f.yaml:[0-9]+:[0-9]+: lists and maps nest deeper than 64 levels$" "$f.err"
    check "$f: nothing written" test ! -e "run-$f"
    sweep plan "$f.yaml" > /dev/null 2>&1
    check_eq "$f: plan exit 2" "$?" 2
done
sweep plan alias.yaml > /dev/null 2> alias.err
check_eq "an alias that nests too deep: exit 2" "$?" 2
check "the alias is named" grep -q 'alias \*d nests deeper than 64 levels' alias.err
deep_block 40 > ok.yaml
sweep plan ok.yaml > /dev/null 2> ok.err
check_eq "40 levels are fine" "$?" 0
finish
