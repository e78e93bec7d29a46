#!/bin/bash
# sweep serve --machine between two Unix users (docs/api.md): alice's sweep
# fills the GPU, bob's waits; bob serves the machine and his page's API shows
# both sweeps, whose user and why his waits, the GPU's reservations beside
# nvidia-smi's view; bob's token cannot stop alice's sweep (her store is not
# his to write, nor her processes his to signal), and his server reads her
# store without blocking it.
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/cli/serve_lib.sh"
USERS_TAG=serve
. "$(dirname "$0")/users_lib.sh"
trap 'serve_stop; users_cleanup; [ "$FAILED" -eq 0 ] && rm -rf "$T" || echo "kept $T" >&2' EXIT
export PATH="$SRC/tests/cli/bin:$PATH" # the fake nvidia-smi: one 24 GiB GPU

cat > "$T/train.sh" <<'SH'
#!/bin/sh
for i in 1 2 3 4 5 6; do sleep 0.5; echo "loss=0.$i"; done
SH
chmod 755 "$T/train.sh"
for u in alice bob; do
    cat > "$T/$u/s.yaml" <<Y
method: grid
metric: {name: loss, goal: minimize}
parameters:
  x: {min: 1, max: 4}
command: [$T/train.sh, "\${x}"]
resources:
  gpus: [{id: 0, memory: 24GiB}]
  memory: 10GiB
Y
done
chmod 644 "$T"/*/s.yaml
cd "$T/alice" && as $A sweep run -q s.yaml -d a > a.out 2> a.err &
PA=$!
wait_for "[ \"\$(sqlite3 -readonly $T/machine/machine.db 'select count(*) from holds' 2> /dev/null)\" = 2 ]" 10
cd "$T/bob" && as $B sweep run -q s.yaml -d b > b.out 2> b.err &
PB=$!
cd "$T"
wait_for "[ \"\$(as $B sweep ps | grep -c ' grid ')\" = 2 ]" 10

# bob serves the machine, with his own token
install -d -o $B "$T/bobhome"
: > serve.out
chown $B serve.out
as $B sweep serve --machine --listen 127.0.0.1:0 --token-file "$T/bobhome/token" > serve.out 2>&1 &
SERVE_PID=$!
wait_for 'grep -q "^serving" serve.out' 10
PORT=$(sed -n 's|^serving .* on http://127.0.0.1:\([0-9]*\)/$|\1|p' serve.out)
URL="http://127.0.0.1:$PORT"
check "bob's token is his alone" test "$(stat -c '%U %a' bobhome/token)" = "$B 600"
get /api/machine > m.json
check_eq "GET /api/machine" "$CODE" 200
check "both users' sweeps, and why bob's waits" /usr/bin/python3 - "$A" "$B" <<'PY'
import json, sys
a, b = sys.argv[1], sys.argv[2]
m = json.load(open("m.json"))["sweeps"]
users = {w["user"]: w for w in m}
assert set(users) == {a, b}, users
assert users[b]["waiting"] > 0 and "held by 2 trials of " + a in users[b]["why"], users[b]
assert users[a]["held"][0]["gpu"] == 0 and users[a]["held"][0]["mib"] == 20480, users[a]
PY
get /api/sweeps > s.json
check "the ledger's sweeps are served, alice's too" /usr/bin/python3 -c '
import json; n = sorted(s["name"] for s in json.load(open("s.json"))); assert n == ["a", "b"], n'
get /api/gpus > g.json
check "nvidia-smi's view of the GPU" grep -q '"memory_total_mib": 24' g.json
get /api/sweeps/a/stop -X POST -H "Authorization: Bearer $(cat bobhome/token)" > stop.json
check_eq "bob's token does not stop alice's sweep" "$CODE" 403
check "the refusal says why" grep -q "$B cannot change this sweep (its store is not writable by this user): only its owner can" stop.json
check "alice's sweep runs on" kill -0 $PA
if [ -n "${SWEEP_TEST_SHOTS:-}" ]; then
    timeout 60 chromium --headless --no-sandbox --disable-gpu --virtual-time-budget=5000 \
        --screenshot="$SWEEP_TEST_SHOTS/machine-users.png" --window-size=1400,900 "$URL/machine" 2> /dev/null
fi
wait $PA $PB
check_eq "alice's trials completed" "$(sql alice/a/sweep.db "select count(*) from trials where state = 'completed'")" 4
check_eq "bob's trials completed" "$(sql bob/b/sweep.db "select count(*) from trials where state = 'completed'")" 4
finish
