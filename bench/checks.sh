#!/bin/bash
# The cost of inspecting responses: instructions per request, under
# callgrind, of the same requests with no inspection, a JSON check, an
# outcome, and both with a header check, against nginx serving a
# 100-byte JSON body.
#
#   bench/checks.sh [--conns N] [--requests N] [--transports "raw curl"]
#       [--loadtop PATH]
#
# As bench/instructions.sh: two runs of each (N and 3N requests), the
# difference in instructions over the difference in requests nginx
# counted.  Prints one line per case and transport, and the extra
# instructions against the case without inspection.
set -u

. "$(dirname "$0")/lib.sh"

conns=50
requests=20000
transports="raw curl"
loadtop_arg=

while [ $# -gt 0 ]; do
	case $1 in
	--conns) conns=$2; shift ;;
	--requests) requests=$2; shift ;;
	--transports) transports=$2; shift ;;
	--loadtop) loadtop_arg=$2; shift ;;
	-h|--help) sed -n '2,12s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) bench_die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
case "$conns$requests" in
*[!0-9]*) bench_die "numbers only, please (see --help)" ;;
esac

bench_init
bench_need valgrind:valgrind curl:curl
LOADTOP=$(bench_find_loadtop "$loadtop_arg")
bench_nginx_start
body='{"status":"dry_run","id":"6f1c0c4e-8d7a-4b8e-9a51-3c2f0e9b7d11","n":1}'
printf '%s\n' "$body" >"$BENCH_TMP/nginx/www/status.json"
chmod 644 "$BENCH_TMP/nginx/www/status.json"
ROOT=${NGINX_URL%/index.html}

# scenario CASE N: a scenario of N requests with CASE's inspection.
scenario() {
	local what
	case $1 in
	none) what= ;;
	json) what="checks: [{json: /status, in: [dry_run, ignored]}]" ;;
	outcome) what="outcome: {json: /status}" ;;
	all) what="checks: [{json: /status, in: [dry_run, ignored]}, {header: Content-Type, matches: json}]
    outcome: {json: /status}" ;;
	esac
	cat <<EOF
version: 1
name: checks-$1
target: {base_url: "$ROOT"}
requests:
  - name: r
    path: /status.json
    $what
phases: [{kind: burst, requests: $2, concurrency: $conns}]
EOF
}

bench_machine
echo "# $conns connections; $requests and $((requests * 3)) requests a run;" \
    "body: ${#body} bytes of JSON"
printf '%-10s %-8s %14s %10s\n' transport case instr/request extra
for t in $transports; do
	base=
	for c in none json outcome all; do
		scenario "$c" "$requests" >"$BENCH_TMP/$c-s.yaml"
		scenario "$c" "$((requests * 3))" >"$BENCH_TMP/$c-l.yaml"
		a=$(bench_callgrind "$t-$c-s" "$LOADTOP" --headless --quiet \
		    --no-report -t 1 --transport "$t" "$BENCH_TMP/$c-s.yaml")
		b=$(bench_callgrind "$t-$c-l" "$LOADTOP" --headless --quiet \
		    --no-report -t 1 --transport "$t" "$BENCH_TMP/$c-l.yaml")
		ipr=$(bench_per_request "$a" "$b")
		[ -z "$base" ] && base=$ipr
		printf '%-10s %-8s %14s %10s\n' "$t" "$c" "$ipr" \
		    "$(awk -v a="$ipr" -v b="$base" 'BEGIN {
			if (a + 0 > 0 && b + 0 > 0) printf "%+.0f", a - b;
			else print "n/a" }')"
	done
done
