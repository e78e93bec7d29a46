#!/bin/bash
# stage: (machine/stage.h, docs/config.md "Staged data"): a dataset copied
# once per machine, real copies: the trials read the copy (${stage}), the
# same contents, times and links; two sweeps started together naming the
# same source copy it once; a changed source is copied anew; on a small
# tmpfs, a copy no running sweep uses goes when its room is wanted, and one
# that cannot fit is refused with the sizes.
. "$(dirname "$0")/lib.sh"
mkdir -p data/images/train data/labels
for i in 1 2 3 4 5; do head -c 200000 /dev/urandom > data/images/train/$i.jpg; echo "0 0.5 0.5 0.1 0.1" > data/labels/$i.txt; done
ln -s images/train data/train-link
touch -d '2024-01-02 03:04:05' data/labels/1.txt
cat > train.sh <<'SH'
#!/bin/sh
# train.sh DATA: what it sees of its dataset
echo "data=$1 files=$(find "$1/images" -type f | wc -l)"
sleep 1
echo "loss=0.5"
SH
chmod +x train.sh
cat > s.yaml <<Y
method: grid
metric: {name: loss, goal: minimize}
parameters:
  x: {values: [1, 2]}
command: [$T/train.sh, "\${stage}", "\${x}"]
stage: [{from: data}]
resources: {max_parallel: 2}
Y
sweep run s.yaml -d a > /dev/null 2> a.err
copy=$(sed -n 's/^data=\([^ ]*\) .*/\1/p' a/trials/0000/stdout.log)
check "the copy is under the machine directory" test "${copy%/*}" = "$T/machine/stage"
check "each trial read it" grep -q "^data=$copy files=5\$" a/trials/0001/stdout.log
check "the same contents" diff -r data "$copy"
check "times kept" test "$(stat -c %Y data/labels/1.txt)" = "$(stat -c %Y "$copy/labels/1.txt")"
check "a link stays a link" test -L "$copy/train-link"
check "said" grep -q "stage: copying $T/data (976.[0-9] KiB, 10 files) to $copy" a.err
check_eq "an event" "$(sql a/sweep.db "select detail from events where kind = 'staged'")" "$copy"

# two sweeps at once, the same unchanged source: no copy, or one between them
sweep run s.yaml -d b > /dev/null 2> b.err &
P1=$!
sweep run s.yaml -d c > /dev/null 2> c.err &
P2=$!
wait $P1 $P2
check_eq "two sweeps: neither copied it again" "$(cat b.err c.err | grep -c 'stage: copying')" 0
check "both used it" test "$(cat b.err c.err | grep -c "stage: $copy is there")" = 2
check_eq "both completed" "$(sql b/sweep.db "select count(*) from trials where state = 'completed'")$(sql c/sweep.db "select count(*) from trials where state = 'completed'")" 22
# a new source, two sweeps at once: copied by one, the other waits for it
cp -a data data2 && sed -i 's/data}/data2}/' s.yaml
sweep run s.yaml -d d > /dev/null 2> d.err &
P1=$!
sweep run s.yaml -d e > /dev/null 2> e.err &
P2=$!
wait $P1 $P2
check_eq "copied once for both" "$(cat d.err e.err | grep -c 'stage: copying')" 1
check_eq "the same copy" "$(sed -n 's/^data=\([^ ]*\) .*/\1/p' d/trials/0000/stdout.log)" "$(sed -n 's/^data=\([^ ]*\) .*/\1/p' e/trials/0000/stdout.log)"
# a changed source: copied anew
sed -i 's/data2}/data}/' s.yaml
echo "0 0.4 0.4 0.2 0.2" >> data/labels/2.txt
sweep run s.yaml -d f > /dev/null 2> f.err
new=$(sed -n 's/^data=\([^ ]*\) .*/\1/p' f/trials/0000/stdout.log)
check "changed: copied anew" test "$new" != "$copy" -a -d "$new"
check "with the change" diff data/labels/2.txt "$new/labels/2.txt"
check "the ledger: nobody uses them now" test "$(sqlite3 -readonly machine/machine.db 'select count(*) from stage_users')" = 0

# a small tmpfs: room made by removing a copy nobody uses; too big: refused
mkdir small
if mount -t tmpfs -o size=3m tmpfs small 2> /dev/null; then
    mkdir one two big
    head -c 1200000 /dev/urandom > one/a.bin
    head -c 2000000 /dev/urandom > two/b.bin
    head -c 4000000 /dev/urandom > big/c.bin
    for d in one two big; do
        sed -e "s|stage: \[{from: data}\]|stage: [{from: $d, to: $T/small}]|" s.yaml | sed 's/data2}/data}/' > $d.yaml
    done
    sweep run -q one.yaml -d r1 > /dev/null 2> r1.err
    check "on the tmpfs" test -n "$(ls small | grep '^one-')"
    sweep run two.yaml -d r2 > /dev/null 2> r2.err
    check "the unused copy went for room" grep -q "stage: $T/small/one-[0-9a-f]* goes (no running sweep uses it; its room is wanted)" r2.err
    check "the new one is there" test -n "$(ls small | grep '^two-')"
    sweep run -q big.yaml -d r3 > /dev/null 2> r3.err
    check "too big: refused with the sizes" grep -Eq "stage: $T/big \(3\.8 MiB in 1 files\) does not fit in $T/small: [0-9.]+ [KM]iB free there" r3.err
    check "nothing half-made" test -z "$(ls small | grep -e '^big-' -e '\.tmp\.')"
    check "no trial ran" test ! -e r3/trials/0000/stdout.log
    umount small
else
    echo "note: cannot mount a tmpfs here; its part skipped" >&2
fi

# bad input: FILE:LINE:COL
printf 'method: grid\nparameters:\n  x: {value: 1}\ncommand: [echo, "${stage_1}"]\nstage: [{from: data}]\n' > bad.yaml
sweep plan bad.yaml > /dev/null 2> bad.err
check_eq "a stage that is not there: exit 2" "$?" 2
check "said where" grep -q "bad.yaml:4:17: \${stage_1}: the file's stage: list has 1 entry" bad.err
printf 'method: grid\nparameters:\n  x: {value: 1}\ncommand: [true]\nstage: [{from: data, to: rel}]\n' > bad2.yaml
sweep plan bad2.yaml > /dev/null 2> bad2.err
check "to: absolute" grep -q "bad2.yaml:5:26: stage: to must be an absolute directory" bad2.err

finish
