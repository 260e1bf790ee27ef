#!/bin/bash
# Closed-model throughput and cost of loadtop beside wrk, h2load, ab, hey
# and autocannon, each with one generator core against one nginx worker.
#
#   bench/compare.sh [--conns N] [--duration S] [--runs K]
#       [--tools "loadtop wrk h2load ab hey autocannon"]
#       [--loadtop PATH] [--no-wait]
#
# For each tool: requests/s, generator CPU time (user+sys) per completed
# request, and peak RSS, with each as a ratio to wrk's; the median of K
# runs, the tools taking turns within each run.
set -u

. "$(dirname "$0")/lib.sh"

conns=50
duration=10
runs=1
tools="loadtop wrk h2load ab hey autocannon"
loadtop_arg=
wait_quiet=1

while [ $# -gt 0 ]; do
	case $1 in
	--conns) conns=$2; shift ;;
	--duration) duration=${2%s}; shift ;;
	--runs) runs=$2; shift ;;
	--tools) tools=$2; shift ;;
	--loadtop) loadtop_arg=$2; shift ;;
	--no-wait) wait_quiet=0 ;;
	-h|--help) sed -n '2,12s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) bench_die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
case "$conns$duration$runs" in
*[!0-9]*) bench_die "--conns, --duration and --runs take whole numbers" ;;
esac

bench_init
bench_need /usr/bin/time:time taskset:util-linux
for t in $tools; do
	case $t in
	loadtop) LT=$(bench_find_loadtop "$loadtop_arg") ;;
	wrk) bench_need wrk:wrk ;;
	h2load) bench_need h2load:nghttp2-client ;;
	ab) bench_need ab:apache2-utils ;;
	hey) bench_need hey:hey ;;
	autocannon) AC=$(bench_autocannon) || exit 1 ;;
	*) bench_die "unknown tool '$t'" ;;
	esac
done
bench_nginx_start
url=$NGINX_URL

# ab and hey keep every sample; ab needs a count, set high enough that
# the time limit ends the run.
ab_count=$((duration * 200000))

run_tool()
{
	case $1 in
	loadtop) bench_timed "$2" "$LT" "$url" -c "$conns" -d "${duration}s" \
	    -t 1 --quiet ;;
	wrk) bench_timed "$2" wrk -t1 -c"$conns" -d"${duration}s" "$url" ;;
	h2load) bench_timed "$2" h2load --h1 -t 1 -c "$conns" \
	    -D "$duration" "$url" ;;
	ab) bench_timed "$2" ab -q -k -c "$conns" -t "$duration" \
	    -n "$ab_count" "$url" ;;
	hey) bench_timed "$2" hey -z "${duration}s" -c "$conns" "$url" ;;
	autocannon) bench_timed "$2" "$AC" -c "$conns" -d "$duration" -j \
	    "$url" ;;
	esac
}

# "req/s completed" from a tool's output.
parse_tool()
{
	case $1 in
	loadtop) awk '/^  requests /{ n = $6 } /^  throughput /{ r = $2 }
	    END { print r, n }' "$2.out" ;;
	wrk) awk '/ requests in /{ n = $1 } /^Requests\/sec:/{ r = $2 }
	    /^  Non-2xx/{ bad = $NF }
	    END { print r, n - bad }' "$2.out" ;;
	h2load) awk '/^finished in /{ r = $4 } /^requests: /{ n = $8 }
	    END { print r, n }' "$2.out" ;;
	ab) awk '/^Complete requests:/{ n = $3 } /^Non-2xx/{ bad = $3 }
	    /^Requests per second:/{ r = $4 } END { print r, n - bad }' \
	    "$2.out" ;;
	hey) awk '/Requests\/sec:/{ r = $2 } /\[200\]/{ n = $2 }
	    END { print r, n }' "$2.out" ;;
	autocannon) node -e '
	    const t = require("fs").readFileSync(process.argv[1], "utf8");
	    const r = JSON.parse(t.slice(t.indexOf("{")));
	    const n = r["2xx"];
	    console.log((n / r.duration).toFixed(1), n);' "$2.out" ;;
	esac
}

raw=$BENCH_TMP/raw
: >"$raw"
[ "$wait_quiet" = 1 ] && bench_wait_quiet
bench_machine
echo "# nginx $(nginx -v 2>&1 | sed 's/.*\///'): 1 worker on CPU $BENCH_SERVER_CPU; generators on CPU $BENCH_LOAD_CPU"
echo "# $conns connections, ${duration}s, median of $runs run(s); load $(cut -d' ' -f1-3 /proc/loadavg)"
for k in $(seq 1 "$runs"); do
	for t in $tools; do
		o=$BENCH_TMP/$t.$k
		run_tool "$t" "$o"
		read -r rps n <<<"$(parse_tool "$t" "$o" 2>/dev/null)"
		read -r wall user sys rss <"$o.time"
		if [ -z "${n:-}" ] || [ "${n:-0}" -le 0 ] 2>/dev/null; then
			bench_note "$t run $k completed nothing:"
			tail -5 "$o.out" "$o.err" >&2
			continue
		fi
		cpu=$(awk -v u="$user" -v s="$sys" -v n="$n" \
		    'BEGIN { printf "%.3f", (u + s) * 1e6 / n }')
		echo "$t $rps $cpu $rss" >>"$raw"
		printf '# run %d %-10s %10s req/s %9s requests %6.2fs user %6.2fs sys %7d KB\n' \
		    "$k" "$t" "$rps" "$n" "$user" "$sys" "$rss"
	done
done

median_of()
{
	awk -v t="$1" -v c="$2" '$1 == t { print $c }' "$raw" | bench_median
}

base_rps=$(median_of wrk 2)
base_cpu=$(median_of wrk 3)
base_rss=$(median_of wrk 4)

ratio()
{
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "-" || b == "-" || b == 0) print "-";
		else printf "%.2fx", a / b }'
}

echo
printf '%-11s %11s %7s %11s %7s %11s %7s\n' tool "req/s" "vs wrk" \
    "CPU-us/req" "vs wrk" "peak RSS" "vs wrk"
for t in $tools; do
	rps=$(median_of "$t" 2)
	cpu=$(median_of "$t" 3)
	rss=$(median_of "$t" 4)
	if [ "$rps" = - ]; then
		printf '%-11s %11s\n' "$t" failed
		continue
	fi
	printf '%-11s %11.1f %7s %11.2f %7s %8.1f MB %7s\n' "$t" "$rps" \
	    "$(ratio "$rps" "$base_rps")" "$cpu" "$(ratio "$cpu" "$base_cpu")" \
	    "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" \
	    "$(ratio "$rss" "$base_rss")"
done
