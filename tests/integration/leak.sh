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

done_testing
