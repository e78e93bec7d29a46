#!/bin/bash
# sweep serve in a real browser: Debian's Chromium driven by puppeteer-core
# (tests/browser/serve_check.js) beside a running sweep. Needs what the
# README's second command installs: chromium, and puppeteer-core and uPlot
# from the npm registry (SWEEP_TEST_NODE: where puppeteer-core is).
SHOTS=${SWEEP_TEST_SHOTS:-$PWD/serve-shots} # the screenshots, kept (in the build tree under ctest)
. "$SRC/tests/cli/lib.sh"
. "$SRC/tests/cli/serve_lib.sh"
trap 'serve_stop; [ -n "${RUN_PID:-}" ] && kill $RUN_PID 2> /dev/null; [ "$FAILED" -eq 0 ] && rm -rf "$T" || echo "kept $T" >&2' EXIT
NODE_DIR=${SWEEP_TEST_NODE:-/usr/local/share/sweep/test-node}
export NODE_PATH="$NODE_DIR/node_modules"
check "puppeteer-core is installed in $NODE_DIR (README, second command)" test -d "$NODE_PATH/puppeteer-core"
check "chromium is installed" test -x /usr/bin/chromium
[ "$FAILED" -eq 0 ] || finish

mkdir root
cat > done.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  lr: {values: [0.1, 0.2]}
  tag: {values: ["<script>alert(1)</script>", "<img src=x onerror=alert(2)>"]}
command: [fake_trainer, "--fake-loss=${lr}", --fake-epochs=5]
resources: {gpus: none, max_parallel: 2}
Y
sweep run -q done.yaml -d root/done > /dev/null 2>&1
cat > pareto.yaml <<'Y'
method: grid
metric:
  - {name: mAP50-95, goal: maximize}
  - {name: inference_ms, goal: minimize}
constraints: ["inference_ms <= 5"]
parameters:
  model: {values: [n, s, m, l]}
  imgsz: {values: [320, 640]}
command: [yolo-sim, "--model=${model}", "--imgsz=${imgsz}", --epochs=3]
resources: {gpus: none, max_parallel: 2}
Y
sweep run -q pareto.yaml -d root/pareto > /dev/null 2>&1
# each live trial runs ~9 s: one still runs when the page clicks it, and
# still when the stop button comes back with the token (under ASan, 3.6 s
# trials could end in between)
cat > live.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  lr: {values: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]}
  tag: {values: ["<script>alert(3)</script>"]}
command: [fake_trainer, "--fake-loss=${lr}", --fake-epochs=30, --fake-sleep=0.3]
resources: {gpus: none, max_parallel: 2}
Y
sweep run -q live.yaml -d root/live > live.out 2>&1 &
RUN_PID=$!
wait_for '[ -s root/live/sweep.db ]' 10
serve_start --root root --token-file "$T/token"
check "uPlot is served" curl -sf -o /dev/null "$URL/uplot.js"
mkdir -p shots
node "$SRC/tests/browser/serve_check.js" "$URL" "$(cat token)" "$T/shots" > browser.out 2>&1
rc=$?
cat browser.out
check_eq "the browser's checks" "$rc" 0
check "the stop was recorded with the name the page gave" grep -q 'as "browser test"' \
    <(sql root/live/sweep.db "select detail from events where kind = 'serve'")
mkdir -p "$SHOTS" && cp shots/*.png "$SHOTS/" && echo "screenshots in $SHOTS"
finish
