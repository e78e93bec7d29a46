#!/bin/bash
# sweep serve's API with curl (docs/api.md): every document against the
# CLI's --json, paths that try to leave the served sweeps, injection in
# names and values, the token, a submission with its diagnostics, stop and
# resume, and kill -9 of the server while a sweep runs.
. "$SRC/tests/cli/lib.sh"
. "$SRC/tests/cli/serve_lib.sh"
trap 'serve_stop; [ "$FAILED" -eq 0 ] && rm -rf "$T" || echo "kept $T" >&2' EXIT

export PATH="$SRC/tests/cli/bin:$PATH" # a fake nvidia-smi: one GPU, for /api/gpus
mkdir root
cat > done.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  lr: {values: [0.1, 0.2, 0.3]}
  tag: {values: ["<script>alert(1)</script>", "a\"b"]}
command: [fake_trainer, "--fake-loss=${lr}", --fake-epochs=3]
resources: {gpus: none, max_parallel: 3}
Y
sweep run -q done.yaml -d root/done > /dev/null 2>&1
check_eq "the finished sweep ran" "$(sql root/done/sweep.db "select count(*) from trials where state = 'completed'")" 6
cat > slow.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  lr: {values: [0.1, 0.2, 0.3, 0.4]}
command: [fake_trainer, "--fake-loss=${lr}", --fake-epochs=40, --fake-sleep=0.25]
resources: {gpus: none, max_parallel: 2}
Y
sweep run -q slow.yaml -d root/slow > slow.out 2>&1 &
RUN_PID=$!
wait_for '[ "$(sql root/slow/sweep.db "select count(*) from trials where state = '"'running'"'" 2> /dev/null)" = 2 ]' 20
ln -s "$T/root/done" root/link      # a link under the root: not served
mkdir -p elsewhere && cp -r root/done elsewhere/secret

serve_start --root root --token-file "$T/token"
check "the token file is the owner's only" test "$(stat -c %a token)" = 600
TOKEN=$(cat token)

# the list: the two sweeps under the root, not the link, not elsewhere
get /api/sweeps > list.json
check_eq "GET /api/sweeps: 200" "$CODE" 200
check_eq "the sweeps under the root, not a link" "$(/usr/bin/python3 -c 'import json,sys; print(" ".join(s["name"] for s in json.load(open("list.json"))))')" "done slow"

# every document the CLI has a --json for is the CLI's own
get /api/sweeps/done/status > a.json; sweep status --json root/done > b.json
check "status is sweep status --json" same_json a.json b.json dir throughput
get "/api/sweeps/done/top" > a.json; sweep top --json root/done > b.json
check "top is sweep top --json" same_json a.json b.json
get "/api/sweeps/done/top?n=2" > a.json; sweep top --json -n 2 root/done > b.json
check "top?n=2 is sweep top --json -n 2" same_json a.json b.json
get /api/machine > a.json; sweep ps --json > b.json
check "machine is sweep ps --json" same_json a.json b.json use_gib_hours
get /api/gpus > a.json; sweep gpus --json > b.json
check "gpus is sweep gpus --json" same_json a.json b.json

# the sweep's own documents
get /api/sweeps/done/trials > trials.json
check_eq "trials: every trial" "$(/usr/bin/python3 -c 'import json; print(len(json.load(open("trials.json"))))')" 6
check "a value with <script> comes back as it is, as JSON text" /usr/bin/python3 -c '
import json; t = json.load(open("trials.json")); assert any(x["params"]["tag"] == "<script>alert(1)</script>" for x in t)'
get /api/sweeps/done/trials/0 > t0.json
check_eq "one trial: 200" "$CODE" 200
check "one trial: argv, log tail, events" /usr/bin/python3 -c '
import json; t = json.load(open("t0.json")); assert t["argv"][0].endswith("fake_trainer"), t["argv"]
assert "loss" in t["log_tail"] and any(e["kind"] == "started" for e in t["events"])'
get /api/sweeps/done/trials/99 > /dev/null
check_eq "a trial that does not exist: 404" "$CODE" 404
get /api/sweeps/done/curves > c.json
check "curves: 3 steps of every trial" /usr/bin/python3 -c '
import json; c = json.load(open("c.json")); assert c["metric"] == "loss" and len(c["trials"]) == 6
assert all(len(p) == 3 for p in c["trials"].values()), c'
NOW=$(/usr/bin/python3 -c 'import json; print(json.load(open("c.json"))["now"])')
get "/api/sweeps/done/curves?since=$NOW" > c2.json
check_eq "curves since now: nothing new in a finished sweep" "$(/usr/bin/python3 -c 'import json; print(len(json.load(open("c2.json"))["trials"]))')" 0
get "/api/sweeps/slow/curves?since=$NOW" > /dev/null
sleep 1
get "/api/sweeps/slow/curves?since=$NOW" > c3.json
check "curves since a time: the running sweep's new points only" /usr/bin/python3 -c '
import json; c = json.load(open("c3.json")); t = c["trials"]; assert t and all(0 < len(p) <= 12 for p in t.values()), c'
get "/api/sweeps/slow/tick?since=$NOW" > tick.json
check "tick: running, and the running trials changed" /usr/bin/python3 -c '
import json; t = json.load(open("tick.json")); assert t["running"] is True
assert sum(1 for x in t["changed"] if x["state"] == "running") == 2, t'
get "/api/sweeps/done/metrics?trial=0" > m.json
check "metric names of a trial" grep -q '"name": "loss"' m.json

# paths that try to leave the served sweeps, and names that are no names
for p in "/api/sweeps/../status" "/api/sweeps/%2e%2e/status" "/api/sweeps/done%2fstatus" \
         "/api/sweeps/done/trials/0%00" "//etc/passwd" "/api/sweeps/<script>/status" \
         "/api/sweeps/done/..%2f..%2fetc" "/api/sweeps/a\\b/status"; do
    get "$p" --path-as-is > /dev/null
    check_eq "refused: $p" "$CODE" 400
done
get /api/sweeps/link/status > /dev/null
check_eq "a link under the root is not a sweep" "$CODE" 404
get /api/sweeps/secret/status > /dev/null
check_eq "a sweep outside the root is not served" "$CODE" 404
get /api/sweeps -H "Host: evil.example:$PORT" > /dev/null
check_eq "a foreign Host (DNS rebinding) is refused" "$CODE" 421
get /app.js > /dev/null
check_eq "the page's script" "$CODE" 200
curl -s -D headers.txt -o /dev/null "$URL/"
check "pages carry a content security policy" grep -qi "^Content-Security-Policy: default-src 'self'" headers.txt
check "and no cookie" bash -c '! grep -qi "^Set-Cookie" headers.txt'

# connections are bounded: 64 per client address (128 in all); idle ones
# held open take the room, and it comes back when they close
fds=()
for i in $(seq 64); do exec {fd}<> "/dev/tcp/127.0.0.1/$PORT" && fds+=($fd); done
get /api > /dev/null --max-time 3
check_eq "a 65th connection from one address is refused" "$CODE" 000
for fd in "${fds[@]}"; do exec {fd}>&-; done
wait_for '[ "$(curl -s -o /dev/null -w "%{http_code}" "$URL/api")" = 200 ]' 10
get /api > /dev/null
check_eq "and served again once they closed" "$CODE" 200

# the token
get /api/sweeps/slow/trials/0/stop -X POST > /dev/null
check_eq "stop without the token: 401" "$CODE" 401
get /api/sweeps/slow/trials/0/stop -X POST -H "Authorization: Bearer ${TOKEN%?}x" > /dev/null
check_eq "stop with a wrong token: 401" "$CODE" 401
check_eq "and nothing stopped" "$(sql root/slow/sweep.db "select state from trials where id = 0")" running
get /api/sweeps/slow/trials/0/stop -X POST -H "Authorization: Bearer $TOKEN" -H "X-Sweep-User: tester" > stop.json
check_eq "stop with the token: 200" "$CODE" 200
wait_for '[ "$(sql root/slow/sweep.db "select state from trials where id = 0")" = stopped ]' 20
check_eq "the trial is stopped" "$(sql root/slow/sweep.db "select state from trials where id = 0")" stopped
check "the request is in the sweep's events, with who and from where" grep -q 'stop of trial 0 asked through sweep serve (run by .*) from 127.0.0.1, as "tester"' \
    <(sql root/slow/sweep.db "select detail from events where kind = 'serve'")
head -c 1100000 /dev/zero | tr '\0' a > big.yaml
get "/api/submit?name=big" -X POST -H "Authorization: Bearer $TOKEN" --data-binary @big.yaml > /dev/null
check_eq "a body over 1 MiB: 413" "$CODE" 413

# a submission: its mistakes at their line and column, then one that runs
printf 'method: grid\nparameters:\n  lr: {values: [0.1]\ncommand: [fake_trainer]\n' > bad.yaml
get "/api/submit?name=bad" -X POST -H "Authorization: Bearer $TOKEN" --data-binary @bad.yaml > sub.json
check_eq "a sweep file with an error: 422" "$CODE" 422
check "its diagnostics name FILE:LINE:COL" grep -q 'bad.yaml:[0-9]*:[0-9]*: ' sub.json
check "nothing was created" test ! -e root/bad
get "/api/submit?name=../x" -X POST -H "Authorization: Bearer $TOKEN" --data-binary @done.yaml > /dev/null
check_eq "a name that is a path: 400" "$CODE" 400
cat > sub.yaml <<'Y'
method: grid
metric: {name: loss, goal: minimize}
parameters:
  lr: {values: [0.1, 0.2]}
command: [fake_trainer, "--fake-loss=${lr}", --fake-epochs=30, --fake-sleep=0.2]
resources: {gpus: none, max_parallel: 2}
Y
get "/api/submit?name=new" -X POST -H "Authorization: Bearer $TOKEN" --data-binary @sub.yaml > sub.json
check_eq "a good sweep file: 201" "$CODE" 201
check "it runs under the root" test -s root/new/sweep.db
get /api/sweeps/new/status > st.json
check "it is served at once" grep -q '"running": true' st.json
get /api/sweeps/new/stop -X POST -H "Authorization: Bearer $TOKEN" > /dev/null
check_eq "stop the submitted sweep: 200" "$CODE" 200
wait_for '! grep -q "\"running\": true" <(curl -s "$URL/api/sweeps/new/status")' 30
get /api/sweeps/new/resume -X POST -H "Authorization: Bearer $TOKEN" > res.json
check_eq "resume it: 200" "$CODE" 200
get /api/sweeps/new/resume -X POST -H "Authorization: Bearer $TOKEN" > /dev/null
check_eq "resume while it runs: 409" "$CODE" 409
check "the resume is recorded" grep -q 'resume of the sweep asked' <(sql root/new/sweep.db "select detail from events where kind = 'serve'")
get /api/sweeps/new/stop -X POST -H "Authorization: Bearer $TOKEN" > /dev/null

# kill -9 of the server while a sweep runs: the sweep goes on to its end
kill -9 "$SERVE_PID"; wait "$SERVE_PID" 2> /dev/null; SERVE_PID=
wait "$RUN_PID"
check_eq "the watched sweep ended well after the server's kill -9" "$?" 0
check_eq "its trials: 3 completed, the one stopped through the server" \
    "$(sql root/slow/sweep.db "select group_concat(state, ' ') from (select state from trials order by id)")" "stopped completed completed completed"

# read-only: nothing changes, no token written
serve_start --root root --read-only
get /api/sweeps/done/stop -X POST -H "Authorization: Bearer $TOKEN" > /dev/null
check_eq "read-only: POST refused" "$CODE" 403
serve_stop
check "a listener elsewhere than loopback is said loudly" bash -c \
    'sweep serve root/done --listen 0.0.0.0:0 --read-only > o.txt 2>&1 & p=$!; sleep 1; kill $p; wait $p; grep -q "WARNING: listening on 0.0.0.0" o.txt'
finish
