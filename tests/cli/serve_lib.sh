# Sourced by the sweep serve tests after lib.sh: starts `sweep serve` on a
# free loopback port and says where (PORT, URL), stops it at the end.
# serve_start ARGS...: sets SERVE_PID, PORT, URL; the server's output in serve.out
serve_start() {
    : > serve.out
    sweep serve --listen 127.0.0.1:0 "$@" > serve.out 2>&1 &
    SERVE_PID=$!
    wait_for 'grep -q "^serving" serve.out' 10 || { cat serve.out >&2; return 1; }
    PORT=$(sed -n 's|^serving .* on http://127.0.0.1:\([0-9]*\)/$|\1|p' serve.out)
    URL="http://127.0.0.1:$PORT"
}
serve_stop() {
    [ -n "${SERVE_PID:-}" ] && kill "$SERVE_PID" 2> /dev/null && wait "$SERVE_PID" 2> /dev/null
    SERVE_PID=
}
# get PATH [CURL ARGS...]: the body; the status in $CODE
get() {
    local p=$1; shift
    CODE=$(curl -s -o body.json -w '%{http_code}' "$@" "$URL$p")
    cat body.json
}
# same JSON? (parsed, keys sorted; fields named after -x dropped)
same_json() {
    /usr/bin/python3 - "$@" <<'PY'
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
drop = set(sys.argv[3:])
def clean(v):
    if isinstance(v, dict): return {k: clean(x) for k, x in v.items() if k not in drop}
    if isinstance(v, list): return [clean(x) for x in v]
    return v
sys.exit(0 if clean(a) == clean(b) else 1)
PY
}
