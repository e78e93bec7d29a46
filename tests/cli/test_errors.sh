#!/bin/bash
# The malformed-config corpus: every file gives its exact FILE:LINE:COL
# message(s) and exit status 2, and nothing is created. Messages are in
# tests/config/bad/NAME.expected, written by hand from reading the file.
. "$(dirname "$0")/lib.sh"

cp -r "$SRC/tests/config/bad" bad
n=0
for f in bad/*.yaml; do
    n=$((n + 1))
    want="${f%.yaml}.expected"
    for cmd in run plan; do
        sweep $cmd "$f" > out.txt 2> err.txt
        rc=$?
        check_eq "$f: sweep $cmd exit status" "$rc" 2
        check_eq "$f: sweep $cmd message" "$(cat err.txt)" "$(cat "$want")"
        check_eq "$f: sweep $cmd prints nothing on stdout" "$(cat out.txt)" ""
    done
    check "$f: nothing created" test ! -e runs
done
check "at least 30 malformed files" test "$n" -ge 30

# usage errors are exit 2 as well
sweep run > /dev/null 2>&1; check_eq "run without a file" "$?" 2
sweep run a.yaml b.yaml > /dev/null 2>&1; check_eq "run with two files" "$?" 2
sweep top --bogus > /dev/null 2>&1; check_eq "unknown option" "$?" 2
sweep bogus 2> err.txt; check_eq "unknown command" "$?" 2
sweep sttaus 2> err.txt
check "command suggestion" grep -q "did you mean 'status'" err.txt
sweep status nowhere 2> err.txt; check_eq "status on a missing dir" "$?" 2
sweep resume nowhere 2> /dev/null; check_eq "resume on a missing dir" "$?" 2
check "--help exits 0" sweep --help
for c in run resume plan status top metrics; do
    check "$c --help" sh -c "sweep $c --help | grep -q 'usage: sweep $c'"
done
finish
