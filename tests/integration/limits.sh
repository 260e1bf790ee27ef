#!/bin/sh
# Sizes that once met fixed engine arrays: a phase over 200 requests,
# a ramp of 100 stages.  Both run in full and reconcile with the server.
. "$top_srcdir/tests/lib.sh"

cd "$T_TMP" || exit 1

# jq EXPR: a value of the last run's report.json, d being the document.
jq() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[2]+"/report.json")); print(eval(sys.argv[1]))' \
	    "$1" "$T_TMP/report"
}
server() {
	curl -s "$TARGET_URL/stats" |
	    python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}
run() {
	rm -rf "$T_TMP/report"
	timeout 120 "$LOADTOP" --quiet --headless --report "$T_TMP/report" \
	    "$@" >"$T_TMP/out" 2>"$T_TMP/err"
	RC=$?
}

start_target --threads 2

# --- 200 requests in one phase --------------------------------------------
# Even ones ask /ok, odd ones /health; equal weights share a burst of
# 2000 exactly: 10 each.
{
	echo "name: many-requests"
	echo "target: {base_url: \"$TARGET_URL\"}"
	echo "requests:"
	i=0
	while [ $i -lt 200 ]; do
		if [ $((i % 2)) -eq 0 ]; then p=/ok; else p=/health; fi
		echo "  - {name: r$i, path: $p}"
		i=$((i + 1))
	done
	echo "phases: [{kind: burst, requests: 2000, concurrency: 20}]"
} >"$T_TMP/many.yaml"
curl -s -X DELETE "$TARGET_URL/stats" >/dev/null
run "$T_TMP/many.yaml"
is "$RC" 0 "200 requests: exit 0"
is "$(jq 'd["totals"]["requests"]')" 2000 "200 requests: 2000 completed"
is "$(jq 'len(d["requests"])')" 200 "200 requests: each in the report"
is "$(jq 'sorted(set(r["requests"] for r in d["requests"]))')" "[10]" \
    "200 requests: 10 each, by weight"
is "$(jq 'sum(r["requests"] for r in d["requests"][0::2])')" \
    "$(server 'd["paths"]["/ok"]["requests"]')" \
    "200 requests: /ok, ours equal the server's"
is "$(jq 'sum(r["requests"] for r in d["requests"][1::2])')" \
    "$(server 'd["paths"]["/health"]["requests"]')" \
    "200 requests: /health, ours equal the server's"
is "$(server 'd["requests"]')" 2000 "200 requests: the server saw 2000"

# --- a ramp of 100 stages of 50 ms ----------------------------------------
# From 100/s, each stage goes to 300/s or back to 100/s: 10 requests a
# stage, 1000 in 5 s.
{
	echo "name: many-stages"
	echo "target: {base_url: \"$TARGET_URL\"}"
	echo "requests: [{path: /ok}]"
	echo "phases:"
	echo "  - kind: ramp"
	echo "    start_rate: 100/s"
	echo "    stages:"
	i=0
	while [ $i -lt 100 ]; do
		if [ $((i % 2)) -eq 0 ]; then r=300; else r=100; fi
		echo "      - {duration: 50ms, rate: $r/s}"
		i=$((i + 1))
	done
} >"$T_TMP/stages.yaml"
curl -s -X DELETE "$TARGET_URL/stats" >/dev/null
run "$T_TMP/stages.yaml"
is "$RC" 0 "100 stages: exit 0"
n=$(jq 'd["totals"]["requests"]')
ok "100 stages: 1000 (+-2) requests, what the stages integrate to ($n)" \
    test "$n" -ge 998 -a "$n" -le 1002
is "$(server 'd["paths"]["/ok"]["requests"]')" "$n" \
    "100 stages: ours equal the server's"
len=$(jq 'round(d["phases"][0]["ended_s"] - d["phases"][0]["started_s"], 1)')
ok "100 stages: the phase lasts 5 s ($len s)" \
    python3 -c "import sys; sys.exit(not 4.9 <= $len <= 5.3)"

done_testing
