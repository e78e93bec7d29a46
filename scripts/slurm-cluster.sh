#!/bin/bash
# slurm-cluster.sh - a real single-node Slurm (munged + slurmctld + slurmd)
# in a private directory, with 4 fake GPUs, for tests and benchmarks.
#
#   scripts/slurm-cluster.sh start DIR    # prints DIR/env.sh's line; rc 0 once a job can run
#   scripts/slurm-cluster.sh stop DIR     # cancels jobs, stops the daemons by PID, removes DIR
#   scripts/slurm-cluster.sh install      # apt-get install slurm-wlm munge (root)
#   scripts/slurm-cluster.sh ctld-stop DIR   # the controller down (an outage), jobs go on
#   scripts/slurm-cluster.sh ctld-start DIR  # and up again, with its saved state
#
# Every file of the cluster lives under DIR; clients need SLURM_CONF (source
# DIR/env.sh). Ports: SLURM_CI_CTLD_PORT (6817) and SLURM_CI_SLURMD_PORT
# (6818). SLURM_CI_SHARDS=N adds gres/shard, N shards per GPU. Facts behind each setting: ../shared/reference/slurm-test-cluster.md
# and docs/slurm.md. SLURM_CI_NODES=2: two nodes, each a slurmd of its own
# with 4 fake GPUs ($host and $host-2; DIR/nodes lists them). Needs root
# (mknod for the fake GPUs, daemons as root).
set -euo pipefail

die() { echo "slurm-cluster: $*" >&2; exit 1; }

alive() { # pid is there and not a zombie (PID 1 here reaps lazily)
    local pid=$1
    [[ -r /proc/$pid/stat ]] || return 1
    local st
    st=$(sed 's/^.*) //' "/proc/$pid/stat" | cut -d' ' -f1)
    [[ $st != Z ]]
}

install_packages() {
    command -v slurmctld >/dev/null && command -v munged >/dev/null && return 0
    [[ $(id -u) == 0 ]] || die "slurm-wlm and munge are not installed (and this is not root)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        slurm-wlm munge >/dev/null
}

wait_for() { # seconds, then a command
    local limit=$1
    shift
    local end=$((SECONDS + limit))
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < end)) || return 1
        sleep 0.05
    done
}

start() {
    local dir=$1
    [[ $(id -u) == 0 ]] || die "the test cluster needs root (daemons and mknod)"
    install_packages
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [[ ! -e $dir/run/slurmctld.pid ]] || die "$dir already holds a cluster (stop it first)"
    local host ctld=${SLURM_CI_CTLD_PORT:-6817} slurmd_port=${SLURM_CI_SLURMD_PORT:-6818}
    host=$(hostname -s)
    local up=$dir
    while [[ $up != / ]]; do # munged wants its socket's directories searchable by all
        [[ $(stat -c %A "$up") == ?????????[xt] ]] ||
            die "$up is not searchable by all (munged refuses its socket under it): chmod o+x, or another DIR"
        up=$(dirname "$up")
    done
    mkdir -p "$dir"/{etc,state,spool,log,run,jobs,dev,munge}
    chmod 755 "$dir" "$dir/munge"
    local nodes=${SLURM_CI_NODES:-1}
    for ((i = 0; i < 4 * nodes; i++)); do
        [[ -e $dir/dev/nvidia$i ]] || mknod "$dir/dev/nvidia$i" c 195 "$i"
    done
    dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
    chmod 400 "$dir/munge/munge.key"
    cat >"$dir/etc/slurm.conf" <<EOF
ClusterName=ci
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket.2
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/run/slurmctld.daemon.pid
SlurmdPidFile=$dir/run/slurmd.%n.daemon.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.%n.log
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=100
SlurmdParameters=config_overrides
GresTypes=gpu${SLURM_CI_SHARDS:+,shard}
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.txt
MinJobAge=3600
KillWait=2
ReturnToService=2
InactiveLimit=0
EOF
    # one node named as this host; SLURM_CI_NODES=2 adds a second, $host-2,
    # with a slurmd of its own on the next port (both on this machine)
    local names=("$host") n
    for ((n = 1; n < nodes; n++)); do names+=("$host-$((n + 1))"); done
    echo "AutoDetect=off" >"$dir/etc/gres.conf"
    for ((n = 0; n < nodes; n++)); do
        local port=$((slurmd_port + 2 * n)) g0=$((4 * n))
        echo "NodeName=${names[n]} NodeHostname=$host NodeAddr=127.0.0.1 Port=$port CPUs=${SLURM_CI_CPUS:-32} RealMemory=8000 Gres=gpu:4${SLURM_CI_SHARDS:+,shard:$((4 * SLURM_CI_SHARDS))} State=UNKNOWN" >>"$dir/etc/slurm.conf"
        echo "NodeName=${names[n]} Name=gpu File=$dir/dev/nvidia[$g0-$((g0 + 3))]" >>"$dir/etc/gres.conf"
        if [[ -n ${SLURM_CI_SHARDS:-} ]]; then # one line per GPU: Count shards of that device
            for ((i = g0; i < g0 + 4; i++)); do
                echo "NodeName=${names[n]} Name=shard Count=$SLURM_CI_SHARDS File=$dir/dev/nvidia$i"
            done >>"$dir/etc/gres.conf"
        fi
    done
    echo "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP" >>"$dir/etc/slurm.conf"
    printf '%s\n' "${names[@]}" >"$dir/nodes"
    cat >"$dir/env.sh" <<EOF
export SLURM_CONF=$dir/etc/slurm.conf
EOF
    export SLURM_CONF=$dir/etc/slurm.conf
    export SLURM_CI_CLUSTER_DIR=$dir
    munged -F --socket="$dir/munge/munge.socket.2" --key-file="$dir/munge/munge.key" \
        --pid-file="$dir/munge/munged.pid" --seed-file="$dir/munge/munge.seed" \
        >"$dir/log/munged.log" 2>&1 </dev/null &
    echo $! >"$dir/run/munged.pid"
    wait_for 10 bash -c "munge -S '$dir/munge/munge.socket.2' -n | unmunge -S '$dir/munge/munge.socket.2'" ||
        die "munged did not start ($dir/log/munged.log)"
    ctld_start "$dir"
    for ((n = 0; n < nodes; n++)); do
        local name=${names[n]} pidf=slurmd
        ((n == 0)) || pidf=slurmd-$((n + 1))
        mkdir -p "$dir/spool/$name"
        slurmd -D -N "$name" -f "$dir/etc/slurm.conf" >"$dir/log/$pidf.out" 2>&1 </dev/null &
        echo $! >"$dir/run/$pidf.pid"
    done
    for name in "${names[@]}"; do
        wait_for 20 bash -c "sinfo -h -n '$name' -o %T | grep -qx idle" ||
            die "slurmd of $name did not come up idle ($dir/log/slurmd.$name.log)"
    done
    echo "source $dir/env.sh"
}

ctld_start() { # dir: slurmctld (again: -R recovers its saved state)
    local dir=$1
    SLURM_CI_CLUSTER_DIR=$dir slurmctld -D ${2:-} -f "$dir/etc/slurm.conf" >>"$dir/log/slurmctld.out" 2>&1 </dev/null &
    echo $! >"$dir/run/slurmctld.pid"
    wait_for 15 bash -c "SLURM_CONF='$dir/etc/slurm.conf' scontrol ping | grep -q UP" ||
        die "slurmctld did not start ($dir/log/slurmctld.log)"
}

stop_daemon() { # dir name [binary, when it is not name]
    local dir=$1 name=$2 bin exe=${3:-$2}
    [[ -r $dir/run/$name.pid ]] || return 0
    local pid
    pid=$(cat "$dir/run/$name.pid")
    bin=$(readlink -f "$(command -v "$exe" || echo /usr/sbin/"$exe")")
    if alive "$pid" && [[ $(readlink -f "/proc/$pid/exe" 2>/dev/null) == "$bin" ]]; then
        kill -TERM "$pid" 2>/dev/null || true
        local end=$((SECONDS + 10))
        while alive "$pid" && ((SECONDS < end)); do sleep 0.05; done
        alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/run/$name.pid"
}

stop() {
    local dir=$1
    [[ -d $dir ]] || return 0
    dir=$(cd "$dir" && pwd)
    export SLURM_CONF=$dir/etc/slurm.conf
    if [[ -r $dir/run/slurmctld.pid ]] && alive "$(cat "$dir/run/slurmctld.pid")"; then
        local ids
        ids=$(timeout 10 squeue -h -o %i 2>/dev/null | tr '\n' ' ' || true)
        [[ -z ${ids// /} ]] || timeout 10 scancel $ids 2>/dev/null || true
        local end=$((SECONDS + 10))
        while ((SECONDS < end)) && [[ -n $(timeout 5 squeue -h -t R,CG,CF -o %i 2>/dev/null) ]]; do
            sleep 0.1
        done
    fi
    stop_daemon "$dir" slurmd
    local f
    for f in "$dir"/run/slurmd-*.pid; do
        [[ -e $f ]] && stop_daemon "$dir" "$(basename "$f" .pid)" slurmd
    done
    stop_daemon "$dir" slurmctld
    stop_daemon "$dir" munged
    # stragglers: the daemons' children (slurmstepd) carry the marker; jobs
    # carry SLURM_CONF and SLURM_JOB_ID. Never this script or its parents.
    local self=$$ p
    local -A keep=()
    p=$self
    while [[ $p -gt 1 ]]; do
        keep[$p]=1
        p=$(awk '/^PPid:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 1)
    done
    for sig in TERM KILL; do
        local found=0
        for env in /proc/[0-9]*/environ; do
            p=${env#/proc/}
            p=${p%/environ}
            [[ -z ${keep[$p]:-} ]] || continue
            if grep -qzxF "SLURM_CI_CLUSTER_DIR=$dir" "$env" 2>/dev/null ||
                { grep -qzxF "SLURM_CONF=$dir/etc/slurm.conf" "$env" 2>/dev/null &&
                    grep -qz '^SLURM_JOB_ID=' "$env" 2>/dev/null; }; then
                alive "$p" && kill -"$sig" "$p" 2>/dev/null && found=1
            fi
        done
        ((found)) || break
        sleep 0.5
    done
    rm -rf "$dir"
}

case ${1:-} in
start) [[ $# == 2 ]] || die "usage: $0 start DIR"; start "$2" ;;
stop) [[ $# == 2 ]] || die "usage: $0 stop DIR"; stop "$2" ;;
install) install_packages ;;
ctld-stop) [[ $# == 2 ]] || die "usage: $0 ctld-stop DIR"; stop_daemon "$(cd "$2" && pwd)" slurmctld ;;
ctld-start) [[ $# == 2 ]] || die "usage: $0 ctld-start DIR"; ctld_start "$(cd "$2" && pwd)" -R ;;
*) die "usage: $0 start DIR | stop DIR | install | ctld-stop DIR | ctld-start DIR" ;;
esac
