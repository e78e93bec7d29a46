#!/bin/bash
# Parameter values reach the trainer byte for byte as one argv element, are
# never run by a shell, and never name a directory.
. "$(dirname "$0")/lib.sh"

cat > sweep.yaml <<'Y'
method: grid
parameters:
  evil:
    values:
      - "; $(touch x) ' \" \n ../"
      - "../../../tmp/escape `touch y` | rm -rf z & $HOME"
      - "--fake-exit=7"
command: [fake_trainer, "${evil}", "--v=${evil}", "${args}"]
resources: {gpus: none, max_parallel: 2}
Y
sweep run sweep.yaml -d out > run.log 2>&1
check_eq "run exit" "$?" 0
v0=$'; $(touch x) \' " \n ../'
v1='../../../tmp/escape `touch y` | rm -rf z & $HOME'
for i in 0 1; do
    d=out/trials/000$i
    eval "want=\$v$i"
    printf '%s' "$want" > want.$i
    check "trial $i: the value is argv[1] exactly" cmp -s "$d/arg.1" want.$i
    printf -- '--v=%s' "$want" > want.$i
    check "trial $i: inside an element" cmp -s "$d/arg.2" want.$i
    printf -- '--evil=%s' "$want" > want.$i
    check "trial $i: \${args}" cmp -s "$d/arg.3" want.$i
    check_eq "trial $i: exactly 4 argv elements" "$(ls $d | grep -c '^arg\.')" 4
done
# a value that looks like an option is a value: the trainer saw one argument
check_eq "an option-like value stays one element" "$(cat out/trials/0002/arg.1)" "--fake-exit=7"
check "nothing was run by a shell" test ! -e x -a ! -e y -a ! -e out/x -a ! -e /tmp/escape
check_eq "trial directories are numbered" "$(ls out/trials | tr '\n' ' ')" "0000 0001 0002 "
check "params.json escapes the newline" grep -qF '"evil": "; $(touch x) '"'"' \" \n ../"' out/trials/0000/params.json
check_eq "store keeps the value" "$(sqlite3 out/sweep.db "select json_extract(params, '\$.evil') from trials where id = 1")" "$v1"

# shell: true quotes every substituted value
cat > shell.yaml <<'Y'
method: grid
shell: true
parameters:
  evil: {values: ["it's; touch q"]}
command: 'fake_trainer ${evil} > ${trial_dir}/redirected.txt'
Y
sweep run shell.yaml -d sh > /dev/null 2>&1
check_eq "shell run exit" "$?" 0
printf '%s' "it's; touch q" > want.s
check "shell: the value is one quoted word" cmp -s sh/trials/0000/arg.1 want.s
check "shell: redirection in the file's own text works" test -s sh/trials/0000/redirected.txt
check "shell: nothing injected" test ! -e q
finish
