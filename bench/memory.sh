#!/bin/bash
# loadtop's memory: peak RSS by connection count, whether RSS stays
# flat over millions of requests, and what a scenario's requests cost.
#
#   bench/memory.sh [--conns-list "50 1000"] [--duration S]
#       [--requests N | --full] [--scenario-requests "1 64"]
#       [--scenario-threads "1 16"] [--parts "1 2 3"] [--loadtop PATH]
#       [--no-wait]
#
# Part 1 runs loadtop -t 1 for S seconds (default 10) at each connection
# count against nginx and prints its peak RSS.  Part 2 runs one closed-
# model test of N requests (default 4000000; --full: 10000000) over 50
# connections and samples loadtop's VmRSS from /proc four times a second,
# with nginx's own request count (stub_status) as the clock; it prints
# RSS at 1M, N/2 and N requests and the growth between the first and the
# last.  Part 3 writes a scenario of R requests (each a GET of the same
# file, every request kept apart in the statistics) with one soak phase
# of 32 users for S seconds, runs it at each thread count and prints the
# peak RSS.  --parts picks the parts to run.
set -u

. "$(dirname "$0")/lib.sh"

conns_list="50 1000"
duration=10
total=4000000
scn_requests="1 64"
scn_threads="1 16"
parts="1 2 3"
loadtop_arg=
wait_quiet=1

while [ $# -gt 0 ]; do
	case $1 in
	--conns-list) conns_list=$2; shift ;;
	--duration) duration=${2%s}; shift ;;
	--requests) total=$2; shift ;;
	--full) total=10000000 ;;
	--scenario-requests) scn_requests=$2; shift ;;
	--scenario-threads) scn_threads=$2; shift ;;
	--parts) parts=$2; shift ;;
	--loadtop) loadtop_arg=$2; shift ;;
	--no-wait) wait_quiet=0 ;;
	-h|--help) sed -n '2,21s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) bench_die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
case "$conns_list$duration$total$scn_requests$scn_threads$parts" in
*[!0-9\ ]*) bench_die "numbers only, please (see --help)" ;;
esac
has_part()
{
	case " $parts " in *" $1 "*) return 0 ;; esac
	return 1
}
[ "$total" -gt 1000000 ] || bench_die "--requests must be more than 1000000"

bench_init
bench_need /usr/bin/time:time taskset:util-linux curl:curl
LT=$(bench_find_loadtop "$loadtop_arg")

[ "$wait_quiet" = 1 ] && bench_wait_quiet
bench_machine
bench_nginx_start

# Part 1: peak RSS by connection count.
part1()
{
	echo "# part 1: loadtop -c N -d ${duration}s -t 1 against nginx"
	printf '%8s %11s %10s %12s\n' conns "req/s" "peak RSS" "KB per conn"
	first_c=
	first_rss=
	for c in $conns_list; do
		o=$BENCH_TMP/conns.$c
		bench_timed "$o" "$LT" "$NGINX_URL" -c "$c" -d "${duration}s" -t 1 \
		    --quiet
		read -r wall user sys rss <"$o.time"
		rps=$(awk '/^  throughput /{ print $2 }' "$o.out")
		per=-
		if [ -n "$first_c" ] && [ "$c" -gt "$first_c" ]; then
			per=$(awk -v a="$first_rss" -v b="$rss" -v ca="$first_c" \
			    -v cb="$c" 'BEGIN { printf "%.1f", (b - a) / (cb - ca) }')
		fi
		printf '%8d %11s %7.1f MB %12s\n' "$c" "${rps:-failed}" \
		    "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$per"
		if [ -z "$first_c" ]; then
			first_c=$c
			first_rss=$rss
		fi
	done
}

# Part 3: a scenario of R requests: each keeps its own statistics in
# every worker thread and in the engine.
scenario_of()
{
	local n=$1 i

	printf 'version: 1\nname: requests-%d\ntarget:\n  base_url: %s\nrequests:\n' \
	    "$n" "${NGINX_URL%/*}"
	for i in $(seq 1 "$n"); do
		printf '  - {name: r%d, path: /%s}\n' "$i" "${NGINX_URL##*/}"
	done
	printf 'phases:\n  - {kind: soak, duration: %ds, users: 32, think_time: 0}\n' \
	    "$duration"
}

part3()
{
	local n t o

	echo "# part 3: a scenario of R requests, 32 users for ${duration}s, loadtop -t T against nginx"
	printf '%9s %8s %11s %10s\n' requests threads "req/s" "peak RSS"
	for n in $scn_requests; do
		scenario_of "$n" >"$BENCH_TMP/requests-$n.yaml"
		for t in $scn_threads; do
			o=$BENCH_TMP/scn.$n.$t
			bench_timed "$o" "$LT" "$BENCH_TMP/requests-$n.yaml" \
			    -t "$t" --quiet --no-report
			read -r wall user sys rss <"$o.time"
			rps=$(awk '/^  throughput /{ print $2 }' "$o.out")
			printf '%9d %8d %11s %7.1f MB\n' "$n" "$t" \
			    "${rps:-failed}" \
			    "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')"
		done
	done
}

has_part 1 && part1
if has_part 3; then
	has_part 1 && echo
	part3
fi
has_part 2 || exit 0
echo

# Part 2: RSS against requests served.
half=$((total / 2))
echo "# part 2: loadtop -n $total -c 50 -t 1 against nginx, VmRSS sampled every 0.25s"
base=$(bench_nginx_served)
polls=1
taskset -c "$BENCH_LOAD_CPU" "$LT" "$NGINX_URL" -n "$total" -c 50 -t 1 \
    --quiet >"$BENCH_TMP/flat.out" 2>"$BENCH_TMP/flat.err" </dev/null &
lpid=$!
BENCH_PIDS="$BENCH_PIDS $lpid"
: >"$BENCH_TMP/flat.samples"
start=$(date +%s.%N)
limit=$((total / 5000 + 60))
while kill -0 "$lpid" 2>/dev/null; do
	rss=$(awk '/^VmRSS:/{ print $2 }' "/proc/$lpid/status" 2>/dev/null)
	n=$(bench_nginx_served)
	polls=$((polls + 1))
	[ -n "$rss" ] && [ -n "$n" ] &&
	    echo "$((n - base - polls)) $rss $(date +%s.%N)" \
	    >>"$BENCH_TMP/flat.samples"
	if awk -v s="$start" -v l="$limit" -v now="$(date +%s.%N)" \
	    'BEGIN { exit !(now - s > l) }'; then
		bench_note "loadtop still running after ${limit}s; stopping it"
		kill "$lpid"
		break
	fi
	sleep 0.25
done
wait "$lpid"
rc=$?
[ "$rc" -eq 0 ] || bench_note "loadtop exited $rc: $(tail -3 "$BENCH_TMP/flat.err")"
grep -E '^  (requests|throughput) ' "$BENCH_TMP/flat.out"

printf '%12s %12s %9s %10s\n' checkpoint "at request" "elapsed" "VmRSS"
awk -v start="$start" -v c1=1000000 -v c2="$half" -v c3="$total" '
	BEGIN {
		cp[n = 1] = c1
		if (c2 > c1)
			cp[++n] = c2
		if (c3 > cp[n])
			cp[++n] = c3
		k = 1
	}
	{
		last = $0
		while (k <= n && $1 >= cp[k]) {
			printf "%12d %12d %8.1fs %7d KB\n", cp[k], $1,
			    $3 - start, $2
			rss[k++] = $2
		}
	}
	END {
		if (k <= n) {
			split(last, l, " ")
			printf "%12d %12d %8.1fs %7d KB  (last sample)\n",
			    cp[k], l[1], l[3] - start, l[2]
			rss[k] = l[2]; k++
		}
		if (k > 2)
			printf "RSS change from 1M to %d requests: %+d KB (%+.1f KB per million)\n",
			    c3, rss[k - 1] - rss[1],
			    (rss[k - 1] - rss[1]) / ((c3 - c1) / 1e6)
	}' "$BENCH_TMP/flat.samples"
