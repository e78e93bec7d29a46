#!/bin/bash
# sweep report and top --plot: a finished sweep of the simulated trainer
# gives a well-formed page whose every image exists and is a real PNG/SVG of
# sensible size; text that tries to run gnuplot commands is drawn, never
# run; two sweeps compare; without gnuplot the tables still come.
. "$(dirname "$0")/lib.sh"

command -v gnuplot > /dev/null || { fail "gnuplot is not installed (apt-get install gnuplot-nox)"; finish; exit 1; }
command -v xmllint > /dev/null || { fail "xmllint is not installed (apt-get install libxml2-utils)"; finish; exit 1; }

# A categorical parameter whose values are attacks on gnuplot, HTML and the
# shell; the trainer does not see it.
cat > r.yaml <<Y
name: rep
method: grid
metric: {name: mAP50-95, goal: maximize}
parameters:
  lr0: {values: [0.0003, 0.003, 0.03]}
  model: {values: [n, s]}
  note:
    values:
      - '"; system("touch pwned1"); "'
      - "\`touch pwned2\`\\nset out 'pwned3'"
  epochs: {value: 6}
command: [yolo-sim, "lr0=\${lr0}", momentum=0.9, weight_decay=0.0005, batch=16, "model=\${model}",
          "epochs=\${epochs}", "seed=\${trial_id}", epoch-seconds=0.02, --mem-report]
metrics:
  parser: regex
  patterns:
    - {name: mAP50-95, regex: ' mAP50-95=(?<value>[0-9.]+)'}
    - {name: box_loss, regex: 'box_loss=(?<value>[0-9.]+)'}
    - {name: gpu_mem, regex: 'gpu_mem=(?<value>[0-9.]+)G'}
early_terminate: {type: asha, min_iter: 2, eta: 2}
resources: {max_parallel: 3}
Y
sweep run -q r.yaml -d r > /dev/null
check_eq "the sweep ran" "$(sql r/sweep.db "select count(*) from trials where state in ('completed','pruned')")" 12

png_size() { # prints WIDTH HEIGHT of a PNG, or nothing if it is not one
    [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || return 1
    od -An -tu1 -j16 -N8 "$1" | awk '{print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8}'
}
images_ok() { # every <img src> of $1/index.html exists and is a sizeable image of type $2
    local dir=$1 n=0 src
    for src in $(grep -o '<img src="[^"]*"' "$dir/index.html" | sed 's/<img src="//; s/"$//'); do
        n=$((n + 1))
        [ -s "$dir/$src" ] || { echo "missing $src" >&2; return 1; }
        if [ "$2" = png ]; then
            read -r w h < <(png_size "$dir/$src") || { echo "$src: not a PNG" >&2; return 1; }
            [ "$w" -ge 400 ] && [ "$h" -ge 250 ] && [ "$w" -le 4000 ] && [ "$h" -le 4000 ] ||
                { echo "$src: $w x $h" >&2; return 1; }
        else
            xmllint --noout "$dir/$src" && grep -q '<svg' "$dir/$src" || { echo "$src: not SVG" >&2; return 1; }
        fi
    done
    [ "$n" -ge 7 ] || { echo "only $n images" >&2; return 1; }
}

out=$(sweep report r)
check_eq "report: exit and path" "$?:$out" "0:r/report/index.html"
check "report: well-formed XHTML" xmllint --noout r/report/index.html
check "report: images are PNGs of sensible size" images_ok r/report png
for f in objective losses param-1 param-2 param-3 parallel timeline cost; do
    check "report: $f.png referenced" grep -q "<img src=\"$f.png\"" r/report/index.html
    check "report: $f.gp kept" test -s r/report/$f.gp
done
no_attack() { [ -z "$(find . -name "pwned*")" ]; }
check "report: no attack ran" no_attack
check "html: parameter text escaped" grep -q '<td>&quot;; system(&quot;touch pwned1&quot;); &quot;</td>' r/report/index.html
check "html: quote and backquote as text" grep -qF "\`touch pwned2\`" r/report/index.html
check "gnuplot: the value is one single-quoted string" \
    grep -qF "'\"; system(\"touch pwned1\"); \"' 0" r/report/param-3.gp
check "gnuplot: quotes doubled, the newline shown as text" \
    grep -qF "'\`touch pwned2\`\\nset out ''pwned3''' 1" r/report/param-3.gp
check "data files hold numbers only" bash -c '! grep -qv "^[-0-9.e+ ]*\$" r/report/data/*.dat'
# the best curve is the best trial's values, step by step, from the store
best=$(sql r/sweep.db "select id from trials where state='completed' order by objective desc limit 1")
want=$(sql r/sweep.db "select step || ' ' || value from metrics where trial=$best and name='mAP50-95' order by step")
blk=$(grep -o "index [0-9]* with lines lw 2.5 lc rgb '#1f77b4'" r/report/objective.gp | awk '{print $2}')
got=$(awk -v b="$blk" 'BEGIN{RS="\n\n\n"} NR==b+1' r/report/data/objective.dat | awk '{printf "%s %g\n", $1, $2}')
check_eq "objective: the top curve is the best trial's" "$got" "$(echo "$want" | awk '{printf "%s %g\n", $1, $2}')"
check_eq "objective: one curve per trial with values" "$(grep -c '^$' r/report/data/objective.dat)" $(( ( $(sql r/sweep.db "select count(distinct trial) from metrics where name='mAP50-95'") - 1) * 2 ))
check_eq "objective: a cross per pruned trial" "$(wc -l < r/report/data/objective-pruned.dat)" "$(sql r/sweep.db "select count(*) from trials where state='pruned'")"
check_eq "cost: ends at the best objective" "$(tail -1 r/report/data/cost.dat | awk '{printf "%g", $2}')" \
    "$(sql r/sweep.db "select objective from trials where id=$best" | awk '{printf "%g", $1}')"
check "timeline: peak memory from gpu_mem" grep -q "^[0-9.e+-]* [0-9] [0-9.e+-]* 0.38 [0-9]* $best [1-9]" r/report/data/timeline.dat
check "leaderboard: one row per trial" test "$(grep -c '<tr class=' r/report/index.html)" -eq 12
check "leaderboard: links to the trial's log" grep -q "<a href=\"../trials/$(printf %04d "$best")/stdout.log\">log</a>" r/report/index.html
check "leaderboard: pruned trials say why" grep -q '<td class="note">pruned by asha at rung [0-9]' r/report/index.html
check "a short list of numbers: categories in their order (equally spaced, as a log axis would)" grep -q "set xtics ('0.0003' 0, '0.003' 1, '0.03' 2)" r/report/param-1.gp

# lanes per GPU when the store records GPUs (GPU packing fills the column)
cp -r r rg && sql rg/sweep.db "update trials set gpu = case when id % 2 = 0 then '0' else '1' end"
sweep report rg > /dev/null
check_eq "gpu lanes: exit" "$?" 0
check "gpu lanes: labelled by GPU" grep -Eq "^set ytics \('GPU 0( \(1\))?' 1, .*'GPU 1( \(1\))?' " rg/report/timeline.gp
check_eq "gpu lanes: each trial in its GPU's lanes" \
    "$(awk '$6 % 2 == 0 { print $2 }' rg/report/data/timeline.dat | sort -u | tr '\n' ' ')" \
    "$(grep -o "'GPU 0 ([0-9])' [0-9]*" rg/report/timeline.gp | awk '{print $NF}' | sort -u | tr '\n' ' ')"
check "gpu lanes: image" images_ok rg/report png
check "gpu lanes: costs in GPU time" grep -q "<th>GPU time</th>" rg/report/index.html
check "gpu lanes: the cost axis says so" grep -q "GPU-[a-z]* spent (a GPU busy with trials counts once)" rg/report/cost.gp

# SVG
sweep report r -o svg --format svg > /dev/null
check_eq "svg: exit" "$?" 0
check "svg: page" xmllint --noout svg/index.html
check "svg: images are SVG" images_ok svg svg

# two sweeps on shared axes
sed -e 's/^name: rep/name: rep-grid/' -e '/^early_terminate/d' r.yaml > g.yaml
sweep run -q g.yaml -d g > /dev/null
sweep report r g -o cmp > /dev/null
check_eq "compare: exit" "$?" 0
check "compare: page" xmllint --noout cmp/index.html
check "compare: images" images_ok cmp png
check_eq "compare: a summary row per sweep" "$(grep -c '<tr><td>rep' cmp/index.html)" 2
check_eq "compare: a leaderboard per sweep" "$(grep -c '<h2>Leaderboard: ' cmp/index.html)" 2
check "compare: one colour per sweep" grep -q "title 'rep-grid'" cmp/cost.gp
check_eq "compare: a cost curve per sweep" "$(grep -c '^$' cmp/data/cost.dat)" 2

# bad input: exit 2, nothing written
sweep report r g > /dev/null 2>&1; check_eq "two sweeps without -o: exit 2" "$?" 2
sweep report r --format gif > /dev/null 2>&1; check_eq "unknown format: exit 2" "$?" 2
mkdir empty
sweep report empty -o x > /dev/null 2>&1; check_eq "not a sweep: exit 2" "$?" 2
check "not a sweep: nothing written" test ! -e x
sed -e 's/^name: rep/name: other/' -e 's/goal: maximize/goal: minimize/' g.yaml > o.yaml
sweep run -q o.yaml -d o > /dev/null
sweep report r o -o y 2> err.txt > /dev/null; check_eq "different objectives: exit 2" "$?" 2
check "different objectives: says so" grep -q "do not share their objective" err.txt

# without gnuplot: the page and its tables, and a word about gnuplot
PATH=/nonexistent "$SWEEP_BIN" report r -o nogp > /dev/null
check_eq "no gnuplot: exit" "$?" 0
check "no gnuplot: says the plots need it" grep -q "The plots need gnuplot" nogp/index.html
check "no gnuplot: no images" bash -c '! grep -q "<img" nogp/index.html'
check "no gnuplot: the leaderboard" test "$(grep -c '<tr class=' nogp/index.html)" -eq 12

# a gnuplot that fails: named on stderr and on the page, the rest still written
mkdir badgp && printf '#!/bin/sh\necho "line 3: unexpected trouble" >&2\nexit 1\n' > badgp/gnuplot && chmod +x badgp/gnuplot
PATH="$T/badgp:$PATH" sweep report r -o bad > /dev/null 2> err.txt
check_eq "failing gnuplot: exit" "$?" 0
check "failing gnuplot: on stderr" grep -q "objective.png not drawn: gnuplot failed (exit 1): line 3: unexpected trouble" err.txt
check "failing gnuplot: on the page" grep -q "<li>objective.png: gnuplot failed" bad/index.html

# top --plot: the best curves in the terminal
sweep top r --plot -n 3 > plot.txt
check_eq "top --plot: exit" "$?" 0
check "top --plot: the best trial in the key" grep -q "trial $best" plot.txt
check "top --plot: a frame" grep -q -- '+-----' plot.txt
check "report and plot: still no attack ran" no_attack
PATH=/nonexistent "$SWEEP_BIN" top r --plot > /dev/null 2> err.txt
check_eq "top --plot without gnuplot: exit 1" "$?" 1
check "top --plot without gnuplot: says so" grep -q "needs gnuplot" err.txt
finish
