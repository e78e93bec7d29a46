#!/bin/bash
# A stored sweep loads the same from anywhere: the template texts and the
# interpreter it found are stored with it (schema v4, spec_inputs), and its
# relative paths resolve against the file's directory when it began. After
# kill -9, `sweep resume /abs/DIR` from another directory, with the template
# edited on disk meanwhile, finishes with the stored text; `sweep run FILE`
# with the edited template is a different sweep, refused with the template's
# diff; status and stop load it too.
. "$(dirname "$0")/lib.sh"

mkdir -p proj elsewhere
cat > proj/s.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  i: {values: [1, 2, 3, 4, 5, 6]}
templates:
  - {from: ./t.txt, to: 'cfg.txt'}
command: [fake_trainer, "--fake-loss=${i}", --fake-epochs=4, --fake-sleep=0.1]
resources: {gpus: none, max_parallel: 2}
Y
printf 'version A ${i}\n' > proj/t.txt

# 1. start it from the file's directory, kill -9 once two trials have ended
(cd proj && exec sweep run -q s.yaml -d "$T/runs/s" > /dev/null 2> "$T/run1.err") &
pid=$!
wait_for '[ "$(sql runs/s/sweep.db "select count(*) from trials where state = '"'completed'"'" 2>/dev/null)" -ge 2 ]' 20
check "two trials ended before the kill" kill -0 $pid
kill -9 $pid
wait $pid 2>/dev/null
check "some trials were left to do" test "$(sql runs/s/sweep.db "select count(*) from trials where state = 'completed'")" -lt 6
check_eq "stored inputs: the interpreter and the template" \
    "$(sql runs/s/sweep.db 'select name from spec_inputs order by name' | tr '\n' ' ')" "interpreter template:./t.txt "

# 2. the template changes on disk; resume from elsewhere uses the stored text
printf 'version B ${i}\n' > proj/t.txt
(cd elsewhere && sweep resume -q "$T/runs/s" > /dev/null 2> "$T/resume.err")
check_eq "resume from another directory: exit 0" "$?" 0
check_eq "every trial completed" "$(sql runs/s/sweep.db "select count(*) from trials where state = 'completed'")" 6
check_eq "every trial rendered the stored template" "$(cat runs/s/trials/*/cfg.txt | cut -d' ' -f2 | sort -u)" A
check_eq "trial 5 got its own value" "$(cat runs/s/trials/0005/cfg.txt)" "version A 6"

# 3. the edited template makes the file another sweep: refused, with the diff
(cd proj && sweep run -q s.yaml -d "$T/runs/s" > /dev/null 2> "$T/changed.err")
check_eq "an edited template is a different sweep: exit 2" "$?" 2
check "the refusal names the template" grep -q 'template ./t.txt (as stored -> now):' changed.err
check "and shows the old line" grep -qF -- '- 1: version A ${i}' changed.err
check "and the new one" grep -qF -- '+ 1: version B ${i}' changed.err
printf 'version A ${i}\n' > proj/t.txt
(cd proj && sweep run -q s.yaml -d "$T/runs/s" > /dev/null 2> "$T/same.err")
check_eq "the template as it was: the same sweep, nothing to do" "$?" 0

# 4. the file's directory gone: the stored sweep still loads everywhere
mv proj proj.gone
(cd elsewhere && sweep status "$T/runs/s" > status.out 2> status.err)
check_eq "status without the file's directory: exit 0" "$?" 0
check "status says nothing about an unloadable file" test ! -s elsewhere/status.err
(cd elsewhere && sweep resume -q "$T/runs/s" > /dev/null 2> resume2.err)
check_eq "resume without the file's directory: exit 0" "$?" 0
(cd elsewhere && sweep report "$T/runs/s" -o "$T/rep" > /dev/null 2> report.err)
check_eq "report without the file's directory: exit 0" "$?" 0

# 5. a store whose spec_inputs is empty (a sweep stored before schema 4)
#    reads its templates under the file's directory, found from the stored cwd
mv proj.gone proj
sql runs/s/sweep.db 'delete from spec_inputs'
(cd elsewhere && sweep resume -q "$T/runs/s" > /dev/null 2> legacy.err)
check_eq "an older store: resume from elsewhere reads the template from the file's directory" "$?" 0
finish
