#!/bin/bash
# The GPU check of issue 3, for a machine with an NVIDIA GPU, nvidia-smi,
# CUDA and PyTorch: builds sweep, shows `sweep gpus` against the real
# nvidia-smi, then runs examples/pytorch/sweep.yaml (6 short PyTorch
# trainings packed onto the GPUs by memory) and checks that the trials
# overlapped in time, that each saw only its GPU and got its memory
# fraction, and that measured memory reached the store. Then the
# throughput half (issue 25): the same sweep one trial per GPU, packed by
# memory, with max_per_gpu: auto and with share: mps (when
# nvidia-cuda-mps-control is there), trainings per hour each and estimated
# against measured memory. Under 9 minutes.
# Usage: scripts/gpu-check.sh   (from anywhere; exit 0 when every check passed)
set -u
cd "$(dirname "$0")/.."
B=build-gpu
cmake -S . -B $B -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF > /dev/null &&
    cmake --build $B -j"$(nproc)" > /dev/null || { echo "FAIL: build"; exit 1; }
echo "== sweep gpus"
$B/sweep gpus || { echo "FAIL: sweep gpus"; exit 1; }
rm -rf runs/pytorch-packing
echo "== sweep plan"
$B/sweep plan examples/pytorch/sweep.yaml | sed -n '/^GPUs/,/^$/p'
echo "== sweep run (at most 200 s)"
start=$(date +%s)
timeout 200 $B/sweep run -q examples/pytorch/sweep.yaml -d runs/pytorch-packing
echo "exit $? after $(( $(date +%s) - start )) s"
$B/sweep top runs/pytorch-packing
python3 - <<'PY'
import json, re, sqlite3, sys
db = sqlite3.connect("runs/pytorch-packing/sweep.db")
rows = db.execute("select id, state, gpu, mem_est, mem_peak, started, ended from trials order by id").fetchall()
ok = True
def check(what, cond):
    global ok
    print(("PASS: " if cond else "FAIL: ") + what)
    ok = ok and cond
print("trial state gpu est_MiB peak_MiB start end")
t0 = min(r[5] for r in rows if r[5])
for r in rows:
    print(r[0], r[1], r[2], r[3], r[4], round(r[5] - t0, 1) if r[5] else None, round(r[6] - t0, 1) if r[6] else None)
check("all 6 trials completed", len(rows) == 6 and all(r[1] == "completed" for r in rows))
overlap = max(sum(1 for b in rows if b[5] <= a[5] < b[6]) for a in rows if a[5] and a[6])
check("trials overlapped in time (%d at once at most)" % overlap, overlap >= 2)
for r in rows:
    log = open("runs/pytorch-packing/trials/%04d/stdout.log" % r[0]).read()
    m = re.search(r"CUDA_VISIBLE_DEVICES=(\S+) fraction=(\S+)", log)
    check("trial %d saw CUDA_VISIBLE_DEVICES=%s (its GPU %s) and fraction %s" % (
        r[0], m and m.group(1), r[2], m and m.group(2)),
        bool(m) and m.group(1) == r[2] and m.group(2) != "none")
check("measured memory in the store (mem_peak)", all(r[4] and r[4] > 0 for r in rows))
sys.exit(0 if ok else 1)
PY
first=$?
echo "== throughput: the same sweep four ways (each at most 100 s)"
variant() { # variant NAME SED-EXPRESSION
    sed -e "$2" examples/pytorch/sweep.yaml > "runs/tp-$1.yaml"
    rm -rf "runs/tp-$1"
    local t0=$(date +%s.%N)
    timeout 100 $B/sweep run -q "runs/tp-$1.yaml" -d "runs/tp-$1" > /dev/null 2> "runs/tp-$1.err"
    local rc=$? t1=$(date +%s.%N)
    python3 - "$1" "$rc" "$t0" "$t1" <<'PY'
import json, sqlite3, subprocess, sys
name, rc, t0, t1 = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
d = "runs/tp-" + name
db = sqlite3.connect(d + "/sweep.db")
rows = db.execute("select mem_est, mem_peak from trials where state = 'completed'").fetchall()
st = json.loads(subprocess.run(["build-gpu/sweep", "status", "--json", d], capture_output=True, text=True).stdout)
tp = st.get("throughput") or {}
est = [r[0] for r in rows if r[0]]
peak = [r[1] for r in rows if r[1]]
print("%-14s exit %d, %d completed in %.1f s: %.1f trainings/h (status: %s), packing gain %s; memory estimated %s MiB, measured %s MiB" % (
    name, rc, len(rows), t1 - t0, len(rows) * 3600 / (t1 - t0), tp.get("trainings_per_hour"),
    tp.get("packing_gain"), [round(x) for x in est], [round(x) for x in peak]))
for line in db.execute("select detail from events where kind in ('concurrency', 'mps_started', 'mps_stopped')"):
    print("   ", line[0])
PY
}
variant one-per-gpu 's/^  stagger: 3s/  stagger: 3s\n  max_per_gpu: 1/'
variant packed 's/^  stagger: 3s/  stagger: 3s/'
variant auto 's/^  stagger: 3s/  stagger: 3s\n  max_per_gpu: auto/'
if command -v nvidia-cuda-mps-control > /dev/null; then
    variant mps 's/^  stagger: 3s/  stagger: 3s\n  share: mps/'
    grep -h "mps" runs/tp-mps.err
else
    echo "mps: not run (no nvidia-cuda-mps-control on PATH)"
fi
exit $first
