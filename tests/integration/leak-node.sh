#!/bin/sh
# The leak verdict on a collected runtime, live: Node services under
# load, watched by loadtop.  A heap whose collector saw-tooths it is no
# leak (leak-sawtooth.sh); a service that keeps 64 KiB a request is one,
# at its rate, in the run's verdict and in a leak phase's own.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/node.sh"

cd "$T_TMP" || exit 1

start_node leak
run_node 12s -r 100/s "$NODE_URL/"
is "$RC" 0 "a leaking service: exit 0"
like "$OUT" '^  leak       leak: ' "the summary says leak"
like "$OUT" '^  leak       leak: .*/min, .*/request' \
    "with the rates per minute and per request"
bpr=$(json 'round(r["target"]["leak"]["bytes_per_request"])')
ok "about 65536 bytes per request in report.json ($bpr)" \
    awk -v v="$bpr" \
	'BEGIN { exit !(v + 0 >= 0.85 * 65536 && v + 0 <= 1.15 * 65536) }'
is "$(json 'r["target"]["leak"]["cycles"]["count"]')" 0 \
    "no collection gave the kept memory back"
stop_node

# A leak phase after a warm-up (a fresh runtime's first requests cost
# it more than they keep): 300 requests in 10 batches, judged on its own
# points.
start_node leak
cat >"$T_TMP/hunt.yaml" <<YAML
name: node-hunt
target: {base_url: "$NODE_URL"}
requests: [{name: keep, path: /}]
phases:
  - {name: warm, kind: sustained, rate: 100/s, duration: 3s}
  - {name: hunt, kind: leak, requests: 300, batches: 10, settle: 200ms,
     concurrency: 4}
YAML
run_node "$T_TMP/hunt.yaml"
is "$RC" 0 "a leak phase: exit 0"
like "$OUT" "^  leak       phase 'hunt': leak: .* bytes/request" \
    "the summary gives the phase's own verdict"
like "$OUT" '^  leak       (stable|leak|inconclusive): ' "beside the whole run's"
bpr=$(json '[round(p["fit"]["bytes_per_request"]) for p in r["phases"] if p["name"] == "hunt"][0]')
ok "the phase's fit: about 65536 bytes per request ($bpr)" \
    awk -v v="$bpr" \
	'BEGIN { exit !(v + 0 >= 0.85 * 65536 && v + 0 <= 1.15 * 65536) }'
is "$(json '[p["fit"]["verdict"] for p in r["phases"] if p["name"] == "hunt"][0]')" leak \
    "report.json: the phase's verdict"
md=$(cat "$T_TMP/report/report.md")
like "$md" '^\| Leak check, phase hunt \| leak: .* B/request' \
    "report.md: the phase's row"
like "$md" '^\| Leak check \| ' "report.md: the run's row"
like "$md" 'leak check [a-z]+ for the run, leak in phase hunt' \
    "report.md: both in the summary"
stop_node

done_testing
