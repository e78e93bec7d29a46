#!/bin/bash
# Command-line conventions (issue 22, point 17): `sweep help CMD` is CMD's
# help, -V and --version print the version, a mistyped option gets a "did
# you mean", an option without its argument says so; all usage errors exit 2.
. "$(dirname "$0")/lib.sh"

sweep help run > help_run.out
check_eq "sweep help run: exit 0" "$?" 0
check "sweep help run is run's help" grep -q "^usage: sweep run FILE.yaml" help_run.out
check_eq "the same as sweep run --help" "$(sweep run --help)" "$(cat help_run.out)"
sweep help top | grep -q "^usage: sweep top"
check_eq "sweep help top" "$?" 0
sweep -V > v.out
check_eq "-V: exit 0" "$?" 0
check "-V prints the version" grep -Eq "^sweep [0-9]+\.[0-9]+" v.out
check_eq "--version the same" "$(sweep --version)" "$(cat v.out)"

sweep run --jbos 3 x.yaml 2> jbos.err
check_eq "a mistyped long option: exit 2" "$?" 2
check_eq "did you mean" "$(head -1 jbos.err)" "sweep run: unknown option --jbos (did you mean --jobs?)"
sweep top --jsn 2> jsn.err
check_eq "top --jsn: exit 2" "$?" 2
check "top: did you mean --json" grep -q "unknown option --jsn (did you mean --json?)" jsn.err
sweep plan --dri d 2> dri.err
check "plan: --dri, did you mean --dir" grep -q "unknown option --dri (did you mean --dir?)" dri.err
sweep run x.yaml -d 2> d.err
check_eq "an option without its argument: exit 2" "$?" 2
check_eq "it says which" "$(head -1 d.err)" "sweep run: option --dir (-d) needs an argument"
sweep top -z 2> z.err
check_eq "an unknown short option" "$(head -1 z.err)" "sweep top: unknown option -z"
sweep status --zzzzzz 2> zz.err
check_eq "nothing near: no guess" "$(head -1 zz.err)" "sweep status: unknown option --zzzzzz"
finish
