#!/bin/bash
# An error of the sweep's own directory is never a trial's failure (issue
# 13.7): trials/ (a small tmpfs) fills up while a trial runs, so the trial's
# end cannot be recorded (exit.json): the sweep stops, exit 1, saying why;
# no queued trial is marked failed. A resume while it is read-only (remounted
# so) stops at once the same way; once it can be written, a resume finishes
# the sweep. Skipped (77) where this machine cannot mount.
. "$(dirname "$0")/lib.sh"

spec() { # spec RUN_CAP
    cat > s.yaml <<Y
method: grid
run_cap: $1
parameters:
  i: {values: [1, 2, 3, 4]}
command: [fake_trainer, --fake-epochs=6, --fake-sleep=0.2]
resources: {gpus: none}
Y
}
spec 1
sweep run -q s.yaml -d r > /dev/null 2>&1
check_eq "the first part completes" "$(sql r/sweep.db "select count(*) from trials where state = 'completed'")" 1
mkdir -p "$T/ro"
if ! mount -t tmpfs -o size=4m tmpfs r/trials 2> /dev/null; then
    echo "skipped: cannot mount a tmpfs here"
    exit 77
fi
trap 'umount "$T/r/trials" 2> /dev/null; [ "$FAILED" -eq 0 ] && rm -rf "$T" || echo "kept $T" >&2' EXIT
spec 4
sweep run -q s.yaml -d r > run2.out 2> run2.err &
p=$!
wait_for '[ -s r/trials/0001/launches ]' 10
dd if=/dev/zero of=r/trials/fill bs=64k 2> /dev/null # until the disk is full
wait $p
check_eq "a full trials/: exit 1" "$?" 1
# (the loop refills the slot before it records the end: either meets the full disk first)
check "it says the directory is the trouble" grep -qE 'trial 1 ended, but its end could not be recorded|the sweep directory cannot be written; stopping' run2.err
check "with the cause" grep -q 'No space left on device' run2.err
check_eq "no trial was marked failed" "$(sql r/sweep.db "select count(*) from trials where state = 'failed'")" 0
rm -f r/trials/fill
mount -o remount,ro r/trials
sweep resume -q r > run3.out 2> run3.err
check_eq "a resume while still read-only: exit 1" "$?" 1
check "it says the sweep directory cannot be written" grep -q 'the sweep directory cannot be written; stopping' run3.err
check "with the cause" grep -q 'Read-only file system' run3.err
check_eq "still no trial failed" "$(sql r/sweep.db "select count(*) from trials where state = 'failed'")" 0
mount -o remount,rw r/trials
sweep resume -q r > /dev/null 2> run4.err
check_eq "once writable, the resume finishes: exit 0" "$?" 0
check_eq "every trial completed" "$(sql r/sweep.db "select count(*) from trials where state = 'completed'")" 4
finish
