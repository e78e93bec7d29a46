#!/bin/bash
# Checks the size limits of docs/design.md: no source file in the code
# folders over 800 lines, no function over 120 lines (from its opening
# brace at column 0 to its closing one).
# Usage: scripts/check-size.sh [SOURCE_DIR]   Exit 1 on any file or function over.
set -eu
cd "${1:-$(dirname "$0")/..}"
MAX_FILE=800
MAX_FN=120
bad=0
for f in $(find base search store sweep plots -name '*.[ch]' | sort); do
    n=$(wc -l < "$f")
    if [ "$n" -gt "$MAX_FILE" ]; then
        echo "$f: $n lines (at most $MAX_FILE)"
        bad=1
    fi
    awk -v f="$f" -v max="$MAX_FN" '
        /^[A-Za-z_].*\(/ && !/;[ \t]*$/ { sig = $0; sigline = NR }
        /^\{/ { start = NR; name = sig }
        /^\}/ && start { len = NR - start + 1
            if (len > max) { sub(/\(.*/, "", name); printf "%s:%d: %s is %d lines (at most %d)\n", f, sigline, name, len, max; bad = 1 }
            start = 0 }
        END { exit bad }' "$f" || bad=1
done
[ "$bad" = 0 ] && echo "check-size: every file <= $MAX_FILE lines, every function <= $MAX_FN"
exit "$bad"
