# bash completion for sweep(1): commands, their options, sweep files and
# sweep directories (a directory that holds sweep.db, and those under
# runs/). Installed by cmake --install into
# share/bash-completion/completions/sweep; tests/cli/test_manpage.sh
# checks it against the program's --help texts.

# Sweep directories: the directories the word completes to (to go down
# into), and for a word without '/' the sweeps under runs/ whose name starts
# with it (where sweep run puts them: "sweep top qu" gives runs/quickstart).
_sweep_dirs()
{
    local cur=$1 d
    compgen -d -- "$cur"
    if [[ $cur != */* ]]; then
        for d in $(compgen -d -- "runs/$cur"); do
            [ -e "$d/sweep.db" ] && printf '%s\n' "$d"
        done
    fi
}

_sweep()
{
    local cur prev cmd opts
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "run resume plan status top best stop metrics gpus ps serve export import report --help" -- "$cur"))
        return
    fi
    cmd=${COMP_WORDS[1]}
    case $cmd in
    run) opts="--dir --jobs --quiet --help" ;;
    resume) opts="--jobs --quiet --help" ;;
    plan) opts="--json --limit --dir --help" ;;
    status) opts="--json --watch --help" ;;
    top) opts="-n --limit --all-rungs --json --csv --plot --help" ;;
    best) opts="--yaml --json --command --by --help" ;;
    stop) opts="--help" ;;
    metrics) opts="--parser --pattern --config --json --help" ;;
    gpus) opts="--json --help" ;;
    ps) opts="--json --help" ;;
    serve) opts="--listen --root --machine --read-only --token-file --web-dir --help" ;;
    export) opts="--csv --json --help" ;;
    import) opts="--dir --help" ;;
    report) opts="--output --format --help" ;;
    *) return ;;
    esac
    case $prev in
    -p | --parser)
        COMPREPLY=($(compgen -W "keyvalue jsonl regex csv darknet ultralytics yolov5 mmdet detectron2" -- "$cur"))
        return ;;
    --format)
        COMPREPLY=($(compgen -W "png svg" -- "$cur"))
        return ;;
    -c | --config)
        COMPREPLY=($(compgen -f -X '!*.@(yaml|yml)' -- "$cur") $(compgen -d -- "$cur"))
        return ;;
    -d | --dir | -o | --output)
        COMPREPLY=($(compgen -d -- "$cur"))
        return ;;
    -n | --limit | -e | --pattern | -j | --jobs)
        return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi
    case $cmd in
    run | plan)
        COMPREPLY=($(compgen -f -X '!*.@(yaml|yml)' -- "$cur") $(compgen -d -- "$cur")) ;;
    resume | status | top | best | stop | export | report)
        COMPREPLY=($(_sweep_dirs "$cur")) ;;
    metrics)
        COMPREPLY=($(compgen -f -- "$cur")) ;;
    import)
        COMPREPLY=($(compgen -f -X '!*.@(csv|yaml|yml)' -- "$cur") $(compgen -d -- "$cur")) ;;
    esac
}
complete -o filenames -F _sweep sweep
