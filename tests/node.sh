# What the tests that load Node services share (tests/fixtures/
# leak-service.js); sourced after tests/lib.sh.  Without node, the test
# is skipped as a whole.
NODE=$(command -v node || command -v nodejs || :)
if [ -z "$NODE" ]; then
	echo "1..0 # SKIP node is not installed (scripts/bootstrap installs nodejs)"
	exit 0
fi

# start_node MODE [VAR=VALUE]...: the service on a free loopback port,
# with those variables in its environment.  Sets NODE_PID and NODE_URL.
start_node() {
	_mode=$1
	shift
	_out="$T_TMP/node.$_mode.$T_N.out"
	env "$@" "$NODE" "$TESTDATA/fixtures/leak-service.js" "$_mode" \
	    >"$_out" 2>&1 &
	NODE_PID=$!
	T_PIDS="$T_PIDS $NODE_PID"
	_i=0
	NODE_URL=""
	while [ $_i -lt 100 ] && [ -z "$NODE_URL" ]; do
		NODE_URL=$(sed -n 's|^listening on \(http://127\.0\.0\.1:[0-9]*\).*|\1|p' "$_out")
		[ -z "$NODE_URL" ] && sleep 0.1
		_i=$((_i + 1))
	done
	if [ -z "$NODE_URL" ]; then
		sed 's/^/#   /' "$_out"
		echo "Bail out! the Node service did not start"
		exit 1
	fi
}

stop_node() {
	kill "$NODE_PID" 2>/dev/null
	wait "$NODE_PID" 2>/dev/null
}

# run_node [DURATION] ARGS...: loadtop watching the service, its summary
# in $OUT, its report in $T_TMP/report.  A first argument that looks
# like a duration is the -d of an ad hoc run.
run_node() {
	case $1 in
	[0-9]*s) set -- -d "$@" ;;
	esac
	rm -rf "$T_TMP/report"
	timeout 90 "$LOADTOP" --quiet --report "$T_TMP/report" \
	    --pid "$NODE_PID" "$@" >"$T_TMP/out" 2>"$T_TMP/err"
	RC=$?
	OUT=$(cat "$T_TMP/out")
}

# json EXPR: a Python expression on r, the report's report.json.
json() {
	python3 -c 'import json, sys
r = json.load(open(sys.argv[2]))
print(eval(sys.argv[1]))' "$1" "$T_TMP/report/report.json" 2>&1
}
