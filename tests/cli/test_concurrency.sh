#!/bin/bash
# max_per_gpu: auto (sweep/gpu/concur.h, docs/config.md "GPUs"): trials on
# a fake GPU whose speed depends on how many share it, three models - the
# aggregate rate grows up to 3 trials at once, is flat after 2, falls after
# 1. For each, sweep must settle on the best number (within one), say each
# decision with its figures (an event, the output, sweep status), and finish
# within 10 % of the best fixed max_per_gpu, measured side by side. The
# three models run at once, each with its own GPU and machine directory;
# the test runs alone (RUN_SERIAL: its times).
. "$(dirname "$0")/lib.sh"
cat > train.sh <<'SH'
#!/bin/bash
# train.sh GPU_DIR MODEL: 10 steps; a step takes 0.1 s alone, and with k
# trials on the GPU 0.1 x k / (the model's aggregate rate at k). Steps keep
# to a schedule (bash's EPOCHREALTIME), so that the time a step's own work
# takes on a loaded machine does not bend the model (it weighed more on
# short steps: once it made 2 at once look 13 % slower than modelled)
d=$1 m=$2
touch "$d/$$"
trap 'rm -f "$d/$$"' EXIT
i=0
due=${EPOCHREALTIME/./}
while [ $i -lt 10 ]; do
    set -- "$d"/*
    case "$m$#" in # microseconds
        gain3[123] | flat2[12] | lose11) t=100000 ;;
        gain34) t=133000 ;; gain35) t=167000 ;; gain3*) t=200000 ;;
        flat23) t=150000 ;; flat24) t=200000 ;; flat2*) t=250000 ;;
        lose12) t=260000 ;; lose13) t=480000 ;; *) t=760000 ;;
    esac
    due=$((due + t))
    now=${EPOCHREALTIME/./}
    if [ $now -lt $due ]; then
        rest=$((due - now))
        sleep "$((rest / 1000000)).$(printf %06d $((rest % 1000000)))"
    else
        due=$now
    fi
    i=$((i + 1))
    echo "step=$i loss=0.5"
done
SH
chmod +x train.sh
sweep_for() { # sweep_for MODEL MAX_PER_GPU FILE TRIALS
    cat > "$3" <<Y
method: grid
metric: {name: loss, goal: minimize}
parameters:
  x: {min: 1, max: $4}
command: [$T/train.sh, $T/gpu-$1, $1, "\${x}"]
resources: {gpus: [{id: 0, memory: 24GiB}], memory: 5GiB, max_per_gpu: $2}
Y
}
model() { # model NAME TRIALS FIXED...: the makespans of each fixed setting, then auto
    local m=$1 n=$2
    shift 2
    mkdir -p "gpu-$m" "machine-$m"
    for k in "$@" auto; do
        sweep_for "$m" "$k" "$m-$k.yaml" "$n"
        local t0 t1
        t0=$(date +%s.%N)
        SWEEP_MACHINE_DIR=$T/machine-$m sweep run "$m-$k.yaml" -d "$m-$k" > /dev/null 2> "$m-$k.err"
        t1=$(date +%s.%N)
        echo "$k $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')" >> "$m.times"
    done
}
# the fixed settings around the best (one at a time is 2-3 times slower
# for the first two: not measured)
model gain3 40 2 3 4 &
model flat2 40 2 3 4 &
model lose1 16 1 2 &
wait
for m in gain3 flat2 lose1; do
    echo "$m: $(tr '\n' ' ' < "$m.times")" >&2
    grep "max_per_gpu auto" "$m-auto.err" >&2
    check_eq "$m: every trial completed" "$(sql "$m-auto/sweep.db" "select count(*) from trials where state != 'completed'")" 0
    best=$(grep -v auto "$m.times" | sort -k2 -n | head -1)
    auto=$(sed -n 's/^auto //p' "$m.times")
    check "$m: within 10 % of the best fixed setting (${best% *}: ${best#* } s; auto: $auto s)" \
        awk -v a="$auto" -v b="${best#* }" 'BEGIN { exit !(a <= 1.10 * b) }'
    chose=$(sql "$m-auto/sweep.db" "select detail from events where kind = 'concurrency' order by id desc limit 1" | sed -n 's/^trials: \([0-9]*\) at once.*/\1/p')
    case $m in # the best, within one (the issue's rule)
        gain3) ok_n="2 3 4" ;;
        flat2) ok_n="1 2 3" ;;
        lose1) ok_n="1 2" ;;
    esac
    check "$m: settled on $chose (the best, within one: $ok_n)" grep -qw "${chose:-none}" <<< "$ok_n"
    check "$m: said with its figures" grep -Eq "max_per_gpu auto: trials: [0-9]+ at once: .* \(aggregate rate 1: [0-9]+, 2: [0-9]+" "$m-auto.err"
done
sweep status gain3-auto > status.out
check "status explains it" grep -Eq "^concurrency \(max_per_gpu: auto\): trials: [234] at once: .*aggregate rate 1: " status.out

finish
