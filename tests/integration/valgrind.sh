#!/bin/sh
# loadtop under valgrind's memcheck, with tests/valgrind.supp: a short
# headless run against loadtop-target over each transport (raw and
# libcurl), watching the target and writing the report, and loadtop
# --check of every example scenario.  Any invalid access, use of
# uninitialised memory or leak (definite or possible) fails it.
. "$top_srcdir/tests/lib.sh"

if ! command -v valgrind >/dev/null 2>&1; then
	echo "1..0 # SKIP valgrind is not installed (scripts/bootstrap installs it)"
	exit 0
fi
# Under AddressSanitizer valgrind cannot run the program at all.
if grep -q 'fsanitize=address' "$top_builddir/Makefile" 2>/dev/null; then
	echo "1..0 # SKIP an AddressSanitizer build"
	exit 0
fi

VG="valgrind -q --leak-check=full --error-exitcode=1 --track-origins=no
--suppressions=$top_srcdir/tests/valgrind.supp"

# vg NAME ARGS...: loadtop ARGS under memcheck; its stderr in
# $T_TMP/NAME.err, the errors it found shown when it fails.
vg() {
	_name=$1
	shift
	# shellcheck disable=SC2086
	timeout 120 $VG "$LOADTOP" "$@" >"$T_TMP/$_name.out" 2>"$T_TMP/$_name.err"
	_rc=$?
	is "$_rc" 0 "$_name: no memcheck error, exit 0"
	[ "$_rc" -eq 0 ] || grep '^==' "$T_TMP/$_name.err" | head -40 |
		sed 's/^/# /'
}

start_target
for tr in raw curl; do
	vg "run --transport $tr" --headless --quiet -t 1 -c 4 -n 300 \
	    --transport "$tr" --pid "$TARGET_PID" --report "$T_TMP/r-$tr" \
	    "$TARGET_URL/jitter?ms=1"
	like "$(cat "$T_TMP/r-$tr/report.json" 2>&1)" '"responses": 300,' \
	    "run --transport $tr: 300 answers in its report"
done
stop_target

# Every example, as check.sh takes them: without WebSocket in libcurl,
# the streams example is refused, so it is left out here.
examples=$(cd "$top_srcdir" && ls scenarios/*.yaml)
grep -q '^#define HAVE_CURL_WS 1' "$top_builddir/config.h" ||
	examples=$(printf '%s\n' "$examples" | grep -v '^scenarios/streams.yaml$')
cd "$top_srcdir" || exit 1
# shellcheck disable=SC2086
vg "--check of every example" --check $examples
is "$(grep -c ': ok$' "$T_TMP/--check of every example.out")" \
    "$(printf '%s\n' $examples | wc -l | tr -d ' ')" "--check: every example ok"

done_testing
exit $((T_FAILED > 0))
