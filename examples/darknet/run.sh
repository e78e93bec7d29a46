#!/bin/bash
# examples/darknet: installs Debian's darknet when it is missing (as root),
# makes the dataset (64 images of 96 x 96), and runs the sweep; then the
# leaderboard and the report. From the repository root, after the build:
#   examples/darknet/run.sh [BUILD_DIR]     (default build)
set -eu
cd "$(dirname "$0")/../.."
B=${1:-build}
if ! command -v darknet > /dev/null; then
    [ "$(id -u)" = 0 ] || { echo "darknet is not installed: apt-get install darknet" >&2; exit 1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y darknet
fi
cmake --build "$B" --target shapes-data > /dev/null
[ -s examples/darknet/data/train.txt ] || "$B/shapes-data" examples/darknet/data 64 96
"$B/sweep" run examples/darknet/sweep.yaml
"$B/sweep" report runs/darknet
