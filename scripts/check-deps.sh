#!/bin/bash
# Checks the code against the module map of docs/design.md: every
# `#include "dir/x.h"` in a module's folder must name its own folder or one
# the map lets it use, and each module's CMakeLists.txt must link exactly
# the libraries the map names (so the link checks enforce the same edges).
# The map is the table under "## Module map": | `folder/` | library | owns |
# may use (modules: the library names without sweep_, comma-separated, or
# "libc") |.
# Inside each module, no more than three files may call each other in a
# cycle (scripts/code.awk), and an executor's name appears in code
# only in its folder and its table line (scripts/code.awk).
# Usage: scripts/check-deps.sh [SOURCE_DIR]   Exit 1 on any violation.
set -eu
cd "${1:-$(dirname "$0")/..}"
map=$(awk '/^## Module map/ { on = 1; next } on && /^## / { exit } on && /^\| `/' docs/design.md)
[ -n "$map" ] || { echo "check-deps: no module map in docs/design.md" >&2; exit 1; }

declare -A lib uses name
folders=()
while IFS='|' read -r _ folder library _ may _; do
    folder=$(echo "$folder" | tr -d '` ')
    library=$(echo "$library" | tr -d '` ')
    lib[$folder]=$library
    name[$folder]=${library#sweep_}
    uses[$folder]=" $(echo "$may" | tr -d '`' | tr ',' ' ' | sed 's/libc//') "
    folders+=("$folder")
done <<< "$map"

# The module a path belongs to: the longest folder of the map it is under.
module_of() {
    local best="" f
    for f in "${folders[@]}"; do
        case "$1" in "$f"*) [ ${#f} -gt ${#best} ] && best=$f ;; esac
    done
    echo "$best"
}

bad=0
for f in "${folders[@]}"; do
    for src in $(find "$f" -name '*.[ch]' | sort); do
        [ "$(module_of "$src")" = "$f" ] || continue # a module of its own
        while IFS=: read -r line inc; do
            inc=${inc#*\"}
            inc=${inc%\"*}
            [ -e "$inc" ] || continue # a system header spelled with quotes: not ours
            to=$(module_of "$inc")
            [ -z "$to" ] || [ "$to" = "$f" ] && continue
            case "${uses[$f]}" in
            *" ${name[$to]} "*) ;;
            *) echo "$src:$line: includes $inc: ${name[$f]} ($f) may not use ${name[$to]} ($to)"
               bad=1 ;;
            esac
        done < <(grep -n '^#include "' "$src" || true)
    done
    # CMake: DEPS of sweep_module(...) are exactly the map's (plus external ones).
    want=$(for u in ${uses[$f]}; do echo "sweep_$u"; done | sort | tr '\n' ' ')
    have=$(awk '/^sweep_module\(/ { on = 1 } on { print } on && /\)/ { exit }' "$f/CMakeLists.txt" \
           | tr ' ' '\n' | grep -E '^sweep_[a-z]+\)?$' | tr -d ')' | sort | tr '\n' ' ')
    if [ "$want" != "$have" ]; then
        echo "$f/CMakeLists.txt: links [ $have] but the map says [ $want]"
        bad=1
    fi
done
# Inside a module, files call each other in layers: no cycle of more than
# three files (docs/design.md, "Module map").
for f in "${folders[@]}"; do
    cyc=$(awk -v MODE=cycles -v MAX=3 -f scripts/code.awk \
          $(for c in $(find "$f" -name '*.c' | sort); do
                [ "$(module_of "$c")" = "$f" ] && echo "$c"; done))
    if [ -n "$cyc" ]; then
        echo "$f: $cyc"
        bad=1
    fi
done
# An executor lives in its folder: outside it only its line of the table
# (sweep/exec/executors.c) names it (docs/design.md, "The seams"). Both of
# Slurm's (batch jobs, job steps in an allocation) live in slurm/.
for ex in slurm:slurm srun:slurm; do
    dir=${ex#*:} ex=${ex%:*}
    names=$(find "${folders[@]}" -name '*.[ch]' ! -path "sweep/exec/$dir/*" \
            ! -path sweep/exec/executors.c | sort -u | xargs awk -v MODE=names -v WORD="$ex" -f scripts/code.awk)
    if [ -n "$names" ]; then
        echo "$names" | sed "s/\$/  <- $ex named outside sweep\/exec\/$dir\//"
        bad=1
    fi
done
[ "$bad" = 0 ] && echo "check-deps: ${#folders[@]} modules, every include and link follows the map, no cycle of more than 3 files in one, each executor in its folder"
exit "$bad"
