#!/bin/bash
# sweep gpus against a fake nvidia-smi (tests/cli/bin) that prints canned
# output, odd cases included: the real parsing code, end to end.
. "$(dirname "$0")/lib.sh"
export PATH="$SRC/tests/cli/bin:$PATH"
unset CUDA_VISIBLE_DEVICES

sweep gpus > out.txt
check_eq "normal: exit 0" "$?" 0
check "normal: both GPUs" grep -q "^    1  NVIDIA GeForce RTX 3090  24576 MiB     3 MiB  24573 MiB    0%          0" out.txt
check "normal: used, free, util, a process" grep -q "^    0  NVIDIA GeForce RTX 3090  24576 MiB  1530 MiB  23046 MiB   37%          1" out.txt
check_eq "normal: --json" "$(sweep gpus --json | head -2 | tail -1)" \
    '  {"index": 0, "uuid": "GPU-5f8a3c2e-1b7d-4e6f-9a0b-3c4d5e6f7a8b", "name": "NVIDIA GeForce RTX 3090", "memory_total_mib": 24576, "memory_used_mib": 1530, "memory_free_mib": 23046, "utilization": 37, "processes": [{"pid": 4242, "used_memory_mib": 1520}]},'

# CUDA_VISIBLE_DEVICES: only those are ours, in its order; by index or UUID prefix
check_eq "visible 1" "$(CUDA_VISIBLE_DEVICES=1 sweep gpus --json | grep -o '"index": [0-9]' | tr '\n' ' ')" '"index": 1 '
check_eq "visible by UUID, reordered" "$(CUDA_VISIBLE_DEVICES=GPU-0a1b,0 sweep gpus --json | grep -o '"index": [0-9]' | tr '\n' ' ')" '"index": 1 "index": 0 '
check_eq "visible: CUDA stops at an unknown entry" "$(CUDA_VISIBLE_DEVICES=0,7,1 sweep gpus --json | grep -o '"index": [0-9]' | tr '\n' ' ')" '"index": 0 '
check_eq "visible empty: none" "$(CUDA_VISIBLE_DEVICES= sweep gpus)" "no GPU (CUDA_VISIBLE_DEVICES names none)"

# [N/A], [Not Supported], [Insufficient Permissions], CRLF, a MIG process
FAKE_SMI=na sweep gpus --json > na.json
check_eq "N/A: exit 0" "$?" 0
check "N/A: unknown utilisation is null" grep -q '"name": "Tesla K80", "memory_total_mib": 11441, "memory_used_mib": 0, "memory_free_mib": 11441, "utilization": null' na.json
check "N/A: unknown memory is null" grep -q '"memory_total_mib": null, "memory_used_mib": null, "memory_free_mib": null, "utilization": null, "processes": \[{"pid": 31337, "used_memory_mib": null}\]' na.json
FAKE_SMI=na sweep gpus > na.txt
check "N/A: dashes in the table" grep -q "A100-SXM4-40GB  *-  *-  *-  *-" na.txt

FAKE_SMI=driver sweep gpus > /dev/null 2> err.txt
check_eq "driver failure: exit 1" "$?" 1
check_eq "driver failure: message" "$(cat err.txt)" "sweep: nvidia-smi failed (exit status 9): NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running."
FAKE_SMI=mismatch sweep gpus > /dev/null 2> err.txt
check_eq "version mismatch: message" "$(cat err.txt)" "sweep: nvidia-smi failed (exit status 18): Failed to initialize NVML: Driver/library version mismatch"
check_eq "no devices: no GPU, exit 0" "$(FAKE_SMI=nodev sweep gpus)" "no GPU"
FAKE_SMI=malformed sweep gpus 2> err.txt
check_eq "malformed: exit 1" "$?" 1
check_eq "malformed: message" "$(cat err.txt)" "sweep: nvidia-smi: unexpected output, line 1: 0, GPU-x, Foo"
PATH=/nonexistent "$SWEEP_BIN" gpus 2> err.txt
check_eq "no nvidia-smi: exit 1" "$?" 1
check "no nvidia-smi: message" grep -q "nvidia-smi not found: no NVIDIA driver on this machine" err.txt
finish
