#!/bin/sh
# The leak verdict through a real run: loadtop-target's /leak keeps what
# it is asked for, /ok keeps nothing; loadtop watching the target must
# tell them apart and measure the bytes per request.
. "$top_srcdir/tests/lib.sh"

cd "$T_TMP" || exit 1

# verdict URL: run 7 s at 100/s against URL watching the target.
verdict() {
	timeout 60 "$LOADTOP" --quiet --no-report -r 100/s -d 7s \
	    --pid "$TARGET_PID" "$1" >"$T_TMP/out" 2>"$T_TMP/err"
	RC=$?
	OUT=$(cat "$T_TMP/out")
}

start_target
verdict "$TARGET_URL/leak?kb=64"
is "$RC" 0 "/leak: exit 0"
like "$OUT" '^  leak       leak: ' "/leak: the verdict is leak"
bpr=$(printf '%s\n' "$OUT" |
    sed -n 's/^  leak .* \([0-9][0-9]*\) bytes\/request.*/\1/p')
if ldd "$TARGET" 2>/dev/null | grep -q libasan; then
	# AddressSanitizer pads every allocation the target makes.
	T_N=$((T_N + 2))
	echo "ok $((T_N - 1)) # SKIP bytes per request under AddressSanitizer"
	echo "ok $T_N # SKIP growth under AddressSanitizer"
else
	ok "/leak?kb=64: about 65536 bytes per request ($bpr)" \
	    awk -v v="$bpr" \
	    'BEGIN { exit !(v >= 0.85 * 65536 && v <= 1.15 * 65536) }'
	like "$OUT" 'memory     rss .*growth \+[3-5][0-9]\.[0-9]MB' \
	    "/leak: 700 requests of 64 KB grow the RSS by about 44 MB"
fi
stop_target

start_target
verdict "$TARGET_URL/ok"
is "$RC" 0 "/ok: exit 0"
like "$OUT" '^  leak       stable: ' "/ok: the verdict is stable"
stop_target

# A leak phase has its own verdict, on its batches, beside the run's.
start_target
cat >"$T_TMP/hunt.yaml" <<YAML
name: hunt
target: {base_url: "$TARGET_URL"}
requests: [{name: ok, path: /ok}, {name: keep, path: "/leak?kb=64"}]
phases:
  - {name: calm, kind: sustained, rate: 50/s, duration: 2s, use: ok}
  - {name: hunt, kind: leak, requests: 200, batches: 8, settle: 100ms,
     concurrency: 4, use: keep}
YAML
timeout 60 "$LOADTOP" --quiet --report "$T_TMP/rep" --pid "$TARGET_PID" \
    "$T_TMP/hunt.yaml" >"$T_TMP/out" 2>"$T_TMP/err"
is "$?" 0 "a leak phase: exit 0"
OUT=$(cat "$T_TMP/out")
like "$OUT" "^  leak       phase 'hunt': leak: .* bytes/request, R2 " \
    "the summary gives the phase's verdict"
like "$OUT" '^  leak       (stable|leak|inconclusive): ' "and the run's"
fit=$(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
f = [p["fit"] for p in r["phases"] if p["name"] == "hunt"][0]
print(f["verdict"], round(f["bytes_per_request"]), f["floor"])' \
    "$T_TMP/rep/report.json")
like "$fit" '^leak [0-9]+ samples$' "report.json: the phase's fit"
if ldd "$TARGET" 2>/dev/null | grep -q libasan; then
	T_N=$((T_N + 1))
	echo "ok $T_N # SKIP bytes per request under AddressSanitizer"
else
	bpr=$(echo "$fit" | cut -d' ' -f2)
	ok "the phase: about 65536 bytes per request ($bpr)" \
	    awk -v v="$bpr" \
	    'BEGIN { v += 0; exit !(v >= 0.85 * 65536 && v <= 1.15 * 65536) }'
fi
like "$(cat "$T_TMP/rep/report.md")" '^\| Leak check, phase hunt \| leak: ' \
    "report.md: the phase's row"
stop_target

done_testing
