#!/bin/bash
# The manual page and the bash completion (issue 14, point 14): both name
# every command and every long option of the program's own --help texts;
# groff reads the page without a warning; completion gives commands,
# options, parser names and sweep directories; both are installed.
. "$(dirname "$0")/lib.sh"
MAN="$SRC/docs/man/sweep.1"
COMP="$SRC/scripts/completion/sweep.bash"
cmds=$(sweep --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }')
check "the program lists its commands" test "$(echo $cmds | wc -w)" -ge 10
man_text=$(groff -man -Tutf8 -P-c -ww "$MAN" 2> groff.err | col -b)
check "groff reads the page without a warning" test ! -s groff.err
[ -s groff.err ] && cat groff.err >&2
for c in $cmds; do
    check "man: command $c" grep -q "sweep $c" <<< "$man_text"
    for o in $(sweep "$c" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
        check "man: $c $o" grep -qF -- "$o" <<< "$man_text"
        check "completion: $c $o" grep -qE -- "^    $c\) opts=\"[^\"]*$o( |\")" "$COMP"
    done
done
for s in 0 1 2 130; do
    check "man: exit status $s" grep -qE "^ +$s +[A-Z]" <<< "$man_text"
done

# completion, as bash runs it
mkdir -p runs/a runs/b notasweep
touch runs/a/sweep.db runs/b/sweep.db s.yaml other.txt
comp() { # comp WORD... : what completing the last word gives
    bash -c 'shopt -s extglob; . "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _sweep; printf "%s\n" "${COMPREPLY[@]}"' _ "$COMP" "$@" | sort | tr '\n' ' '
}
check_eq "completion: commands" "$(comp sweep st)" "status stop "
check_eq "completion: options" "$(comp sweep top --a)" "--all-rungs "
check_eq "completion: parsers" "$(comp sweep metrics --parser ul)" "ultralytics "
check_eq "completion: sweep files" "$(comp sweep run s)" "s.yaml "
check_eq "completion: into runs/" "$(comp sweep status r)" "runs "
check_eq "completion: the sweeps there" "$(comp sweep status runs/)" "runs/a runs/b "
check_eq "completion: a sweep by its name" "$(comp sweep top b)" "runs/b "
check_eq "completion: not the sweeps for a path" "$(comp sweep top n)" "notasweep "

# installed with the program
B=$(dirname "$SWEEP_BIN")
if [ -f "$B/cmake_install.cmake" ]; then
    cmake --install "$B" --prefix "$T/inst" > /dev/null
    check "installed: the man page" test -s "$T/inst/share/man/man1/sweep.1"
    check "installed: completion" test -s "$T/inst/share/bash-completion/completions/sweep"
    check "installed: the darknet example" test -x "$T/inst/share/sweep/examples/darknet/run.sh"
    check "installed: shapes-data" test -x "$T/inst/libexec/sweep/shapes-data"
fi
finish
