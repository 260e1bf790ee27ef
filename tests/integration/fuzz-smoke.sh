#!/bin/sh
# The fuzzing harnesses (tests/fuzz/) build with clang, and each runs once
# over every input of its seed corpus without a finding: no fuzzing here,
# scripts/fuzz does that.
. "$top_srcdir/tests/lib.sh"

FUZZ="$top_srcdir/scripts/fuzz"
: "${LOADTOP_FUZZ_BUILD:=$top_builddir/build-fuzz}"
export LOADTOP_FUZZ_BUILD
HARNESSES="scenario threshold template prom response sse ws-frame"

built=$("$FUZZ" --build 2>&1)
case $built in
*"clang with libFuzzer not found"*)
	echo "1..0 # SKIP clang with libFuzzer not found (scripts/bootstrap installs it)"
	exit 0
	;;
esac
is "$built" "fuzz: built in $LOADTOP_FUZZ_BUILD" "the harnesses build"

for n in $HARNESSES; do
	seeds=$(find "$top_srcdir/tests/fuzz/corpus/$n" -type f | wc -l)
	like "$seeds" '^ *([3-9]|[1-9][0-9]+)$' "$n: a seed corpus of a few inputs"
	# Given files, a libFuzzer harness runs each once and stops.
	"$LOADTOP_FUZZ_BUILD/fuzz-$n" "$top_srcdir/tests/fuzz/corpus/$n"/* \
		>"$T_TMP/$n.log" 2>&1
	is "$?" 0 "$n: every seed runs clean"
	ran=$(grep -c '^Executed ' "$T_TMP/$n.log")
	is "$ran" "$seeds" "$n: each seed was run"
	[ "$ran" = "$seeds" ] || sed 's/^/# /' "$T_TMP/$n.log" | tail -20
done

# The entry point's own answers: an unknown harness is refused.
out=$("$FUZZ" --seconds 1 nosuch 2>&1)
is "$?" 2 "an unknown harness: exit 2"
like "$out" "no harness 'nosuch'" "an unknown harness: named"

done_testing
