#!/bin/bash
# examples/darknet: a real YOLO sweep on the CPU. Installs Debian's darknet
# when it is missing (as root), makes the dataset (64 images of 96 x 96),
# runs the sweep, then the leaderboard and the report. From any directory,
# with sweep installed (cmake --install build) or on PATH (a build tree):
#   /usr/local/share/sweep/examples/darknet/run.sh
#   PATH=$PWD/build:$PATH examples/darknet/run.sh        (in a checkout)
# It writes under ./runs/ only: the dataset in runs/shapes-data, the sweep in
# runs/darknet.
set -eu
EX=$(cd "$(dirname "$0")" && pwd)
SWEEP=$(command -v sweep) || {
    echo "run.sh: sweep is not on PATH (cmake --install build, or PATH=\$PWD/build:\$PATH)" >&2
    exit 1
}
BIN=$(dirname "$SWEEP")
DATA_BIN=
for c in "$BIN/../libexec/sweep/shapes-data" "$BIN/shapes-data"; do
    [ -x "$c" ] && { DATA_BIN=$c; break; }
done
[ -n "$DATA_BIN" ] || { echo "run.sh: shapes-data is not installed next to $SWEEP" >&2; exit 1; }
if ! command -v darknet > /dev/null; then
    [ "$(id -u)" = 0 ] || { echo "run.sh: darknet is not installed: apt-get install darknet" >&2; exit 1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y darknet
fi
mkdir -p runs
[ -s runs/shapes-data/train.txt ] || "$DATA_BIN" runs/shapes-data 64 96
# shapes-map (beside shapes-data) scores each trial's detections: on PATH
PATH="$(dirname "$DATA_BIN"):$PATH" sweep run "$EX/sweep.yaml" -d runs/darknet
sweep report runs/darknet
