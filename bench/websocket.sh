#!/bin/bash
# WebSocket streams: loadtop beside a Node client built on the ws package,
# against loadtop-target's /ws/echo.
#
#   bench/websocket.sh [--hold N] [--hold-for S] [--conns C] [--rate R]
#       [--duration S] [--parts "1 2 3"] [--target PATH] [--loadtop PATH]
#       [--no-wait]
#
# Part 1 holds N (default 10000) connections for S seconds (default 10)
# with a ping every 5 s, opened at 5000 a second, and prints each
# client's peak RSS (loadtop's to stay under 200 MB).  Part 2 sends R
# messages a second (default 200) on each of C connections (default
# 100) for S seconds (--duration, default 10), echoed, and prints round
# trips per second of the client's CPU time (user + system): loadtop's
# against Node's (the target: at least 2x), Node sending each
# connection's messages on its own timer as loadtop does (node-spread),
# and all that is due every 5 ms (node-tick).  Part 3 opens N
# connections at once and prints how many a second each client opened.
# loadtop runs with one worker thread; the clients run on one CPU, the
# target on the other.  The file limit is raised to the hard one; past
# the ports of one address, more source addresses are used (127.0.0.2
# and on).
set -u

. "$(dirname "$0")/lib.sh"

hold=10000
hold_for=10
conns=100
rate=200
duration=10
parts="1 2 3"
loadtop_arg=
target_arg=
wait_quiet=1

while [ $# -gt 0 ]; do
	case $1 in
	--hold) hold=$2; shift ;;
	--hold-for) hold_for=${2%s}; shift ;;
	--conns) conns=$2; shift ;;
	--rate) rate=${2%/s}; shift ;;
	--duration) duration=${2%s}; shift ;;
	--parts) parts=$2; shift ;;
	--loadtop) loadtop_arg=$2; shift ;;
	--target) target_arg=$2; shift ;;
	--no-wait) wait_quiet=0 ;;
	-h|--help) sed -n '2,24s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) bench_die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
case "$hold$hold_for$conns$rate$duration$parts" in
*[!0-9\ ]*) bench_die "numbers only, please (see --help)" ;;
esac
has_part()
{
	case " $parts " in *" $1 "*) return 0 ;; esac
	return 1
}

bench_init
bench_need /usr/bin/time:time taskset:util-linux curl:curl npm:npm \
    node:nodejs
LT=$(bench_find_loadtop "$loadtop_arg")
TARGET_BIN=${target_arg:-$(dirname "$LT")/loadtop-target}
[ -x "$TARGET_BIN" ] || bench_die "no loadtop-target beside $LT; pass --target PATH"

# A descriptor a connection, on both sides of each.
ulimit -n "$(ulimit -Hn)" 2>/dev/null
[ "$(ulimit -n)" -gt $((hold + 512)) ] ||
    bench_die "$hold connections need $((hold + 512)) open files; the hard limit is $(ulimit -Hn) (raise it: ulimit -Hn, LimitNOFILE=)"

# The ws package, from npm under the bench's prefix.
if [ ! -d "$BENCH_NPM_PREFIX/node_modules/ws" ]; then
	bench_note "installing ws under $BENCH_NPM_PREFIX"
	npm install --prefix "$BENCH_NPM_PREFIX" --no-audit --no-fund ws \
	    >"$BENCH_TMP/npm.log" 2>&1 ||
	    bench_die "npm install ws failed: $(tail -5 "$BENCH_TMP/npm.log")"
fi
WS_VERSION=$(node -e "console.log(require('$BENCH_NPM_PREFIX/node_modules/ws/package.json').version)")

[ "$wait_quiet" = 1 ] && bench_wait_quiet
bench_machine

# Source addresses: a connection needs a port of its address, and one
# address has the ephemeral range's.
read -r port_lo port_hi </proc/sys/net/ipv4/ip_local_port_range
per_addr=$(( (port_hi - port_lo) * 3 / 4 ))
naddr=$(( (hold + per_addr - 1) / per_addr ))
ADDRS=
for i in $(seq 1 "$naddr"); do
	ADDRS="$ADDRS${ADDRS:+ }127.0.0.$i"
done

# The Node client: C connections, each sending R messages a second (as
# loadtop does: the first at a random point of the first period, then one
# a period), S seconds, then every connection closed with 1000; its
# counts as JSON on stdout.
cat >"$BENCH_TMP/ws-client.js" <<EOF
const WebSocket = require('$BENCH_NPM_PREFIX/node_modules/ws');
const [url, conns, rate, secs, addrs, tick] = [process.argv[2],
    +process.argv[3], +process.argv[4], +process.argv[5],
    process.argv[6].split(' '), process.argv[7] === 'tick'];
const t0 = process.hrtime.bigint();
const now = () => Number(process.hrtime.bigint() - t0) / 1e9;
const socks = [];
let opened = 0, failed = 0, closed = 0, sent = 0, received = 0;
let allOpen = -1, seq = 0, startAt = -1;
function finish() {
	console.log(JSON.stringify({ opened, failed, closed, sent, received,
	    all_open_s: allOpen, seconds: now() - startAt }));
	process.exit(0);
}
function send(ws) {
	if (ws.readyState !== WebSocket.OPEN)
		return;
	ws.send('{"seq":' + seq++ + ',"t":' + Date.now() + '}');
	sent++;
}
// tick: every 5 ms, what is due of all the connections' messages, in
// turn (the rate kept exactly, the messages in bursts).
let turn = 0;
function due() {
	const n = Math.floor(rate * conns * (now() - startAt));
	while (sent < n)
		send(socks[turn++ % socks.length]);
}
function begin() {
	if (startAt >= 0)
		return;
	startAt = now();
	const period = rate > 0 ? 1000 / rate : 0;
	const ticker = tick && period > 0 ? setInterval(due, 5) : null;
	for (const ws of socks)
		if (period > 0 && !tick)
			ws.starter = setTimeout(() => {
				send(ws);
				ws.timer = setInterval(send, period, ws);
			}, Math.random() * period);
	setTimeout(() => {
		clearInterval(ticker);
		for (const ws of socks) {
			clearTimeout(ws.starter);
			clearInterval(ws.timer);
			ws.close(1000);
		}
		setTimeout(finish, 1000);
	}, secs * 1000);
}
// Whatever did not open in 30 s, the run goes on without.
setTimeout(begin, 30000);
for (let i = 0; i < conns; i++) {
	const ws = new WebSocket(url, { localAddress: addrs[i % addrs.length],
	    perMessageDeflate: false });
	ws.on('open', () => {
		if (++opened === conns) {
			allOpen = now();
			begin();
		}
	});
	ws.on('message', () => { received++; });
	ws.on('close', () => { closed++; });
	ws.on('error', () => { failed++; });
	socks.push(ws);
}
EOF

# The target on the server CPU.
TARGET_PORT=
for try in 1 2 3 4 5; do
	TARGET_PORT=$(bench_free_port)
	taskset -c "$BENCH_SERVER_CPU" "$TARGET_BIN" --port "$TARGET_PORT" \
	    --threads 1 --quiet >"$BENCH_TMP/target.log" 2>&1 &
	tpid=$!
	BENCH_PIDS="$BENCH_PIDS $tpid"
	bench_wait_port "$TARGET_PORT" && break
	kill "$tpid" 2>/dev/null
	TARGET_PORT=
done
[ -n "$TARGET_PORT" ] || bench_die "loadtop-target did not start: $(tail -3 "$BENCH_TMP/target.log")"
URL=ws://127.0.0.1:$TARGET_PORT/ws/echo
echo "# loadtop-target on CPU $BENCH_SERVER_CPU; clients on CPU $BENCH_LOAD_CPU; ws $WS_VERSION, node $(node --version)"

server()
{
	curl -s "http://127.0.0.1:$TARGET_PORT/stats" |
	    python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

# scenario NAME CONNS CONNECT_RATE RATE SECONDS: a connections phase of
# CONNS streams, each sending RATE messages a second (0: none).
scenario()
{
	local a list= send=

	for a in $ADDRS; do
		list="$list${list:+, }$a"
	done
	[ "$4" -gt 0 ] && send="send: '{\"seq\":\${seq},\"t\":\${now_ms}}', message_rate: $4/s, "
	cat >"$BENCH_TMP/$1.yaml" <<EOF
name: $1
target: {base_url: "http://127.0.0.1:$TARGET_PORT"}
defaults: {source_addresses: [$list]}
requests:
  - {name: echo, url: "$URL", websocket: {${send}ping_interval: 5s}}
phases:
  - {name: $1, kind: connections, use: echo, connections: $2,
     connect_rate: $3, duration: ${5}s}
EOF
}

# loadtop NAME [ARGS]: run a scenario on the generator CPU; its report in
# $BENCH_TMP/NAME.
run_loadtop()
{
	local name=$1

	shift
	bench_timed "$BENCH_TMP/$name" "$LT" -t 1 --quiet "$@" \
	    --report="$BENCH_TMP/$name.report" "$BENCH_TMP/$name.yaml"
}

# report NAME EXPR: EXPR of the scenario's stream s in its report.json.
report()
{
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
s = d["streams"][0]
print(eval(sys.argv[2]))' "$BENCH_TMP/$1.report/report.json" "$2"
}

# Part 1: connections held, and what they cost.
part1()
{
	local o n

	echo "# part 1: $hold connections held ${hold_for}s, a ping every 5s, opened at 5000/s"
	printf '%-8s %9s %12s %10s %10s\n' client opened "peak RSS" "KB/conn" "CPU s"
	scenario hold "$hold" 5000/s 0 "$hold_for"
	run_loadtop hold
	read -r wall user sys rss <"$BENCH_TMP/hold.time"
	n=$(report hold 's["opened"]')
	printf '%-8s %9s %9.1f MB %10.1f %10.2f\n' loadtop "$n" \
	    "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" \
	    "$(awk -v k="$rss" -v n="$n" 'BEGIN { print k / (n > 0 ? n : 1) }')" \
	    "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')"
	LT_RSS=$rss
	o=$BENCH_TMP/node-hold
	bench_timed "$o" node "$BENCH_TMP/ws-client.js" "$URL" "$hold" 0 \
	    "$hold_for" "$ADDRS"
	read -r wall user sys rss <"$o.time"
	n=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["opened"])' "$o.out" 2>/dev/null)
	printf '%-8s %9s %9.1f MB %10.1f %10.2f\n' node "${n:-failed}" \
	    "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" \
	    "$(awk -v k="$rss" -v n="${n:-1}" 'BEGIN { print k / (n > 0 ? n : 1) }')" \
	    "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')"
	echo "# loadtop's RSS: $(awk -v k="$LT_RSS" 'BEGIN { printf "%.1f", k / 1024 }') MB (at most 200 MB: $(awk -v k="$LT_RSS" 'BEGIN { print k <= 200 * 1024 ? "met" : "missed" }')); node/loadtop: $(awk -v a="$LT_RSS" -v b="$rss" 'BEGIN { printf "%.2f", b / a }')"
}

# Part 2: round trips per second of CPU at C connections.
part2()
{
	local per o lt_rt lt_cpu nd_rt nd_cpu mode ratio_spread ratio_tick

	per=$rate
	echo "# part 2: $conns connections, $per messages/s each, ${duration}s, echoed"
	printf '%-10s %8s %10s %9s %8s %14s\n' client sent received "rtt/s" "CPU s" "rtt/s per core"
	scenario rtt "$conns" 0 "$per" "$duration"
	run_loadtop rtt
	read -r wall user sys rss <"$BENCH_TMP/rtt.time"
	lt_rt=$(report rtt 's["messages"]["matched"]')
	lt_cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
	printf '%-10s %8s %10s %9.0f %8.2f %14.0f\n' loadtop \
	    "$(report rtt 's["messages"]["sent"]')" "$lt_rt" \
	    "$(awk -v n="$lt_rt" -v d="$duration" 'BEGIN { print n / d }')" \
	    "$lt_cpu" "$(awk -v n="$lt_rt" -v c="$lt_cpu" 'BEGIN { print n / c }')"
	for mode in spread tick; do
		o=$BENCH_TMP/node-rtt-$mode
		bench_timed "$o" node "$BENCH_TMP/ws-client.js" "$URL" "$conns" \
		    "$per" "$duration" "$ADDRS" "$mode"
		read -r wall user sys rss <"$o.time"
		nd_rt=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["received"])' "$o.out")
		nd_cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
		printf '%-10s %8s %10s %9.0f %8.2f %14.0f\n' "node-$mode" \
		    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sent"])' "$o.out")" \
		    "$nd_rt" "$(awk -v n="$nd_rt" -v d="$duration" 'BEGIN { print n / d }')" \
		    "$nd_cpu" "$(awk -v n="$nd_rt" -v c="$nd_cpu" 'BEGIN { print n / c }')"
		eval "ratio_$mode=$(awk -v a="$lt_rt" -v ac="$lt_cpu" -v b="$nd_rt" -v bc="$nd_cpu" 'BEGIN { printf "%.2f", (a / ac) / (b / bc) }')"
	done
	echo "# loadtop/node, round trips per CPU second: $ratio_spread against node-spread (each connection on its own timer, as loadtop), $ratio_tick against node-tick (every 5 ms, what is due of all); the target: at least 2"
}

# Part 3: N connections opened at once.
part3()
{
	local t o nd

	echo "# part 3: $hold connections opened at once"
	printf '%-8s %9s %12s %12s\n' client opened "all open in" "connects/s"
	scenario burst "$hold" 0 0 40
	run_loadtop burst --interval 100ms
	# The first point of the series with every stream open.
	t=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
n = d["streams"][0]["opened"]
print(next((p["t"] - d["phases"][0]["started_s"] for p in d["timeseries"]
            if p["streams_open"] >= n), -1))' "$BENCH_TMP/burst.report/report.json")
	printf '%-8s %9s %10.2f s %12.0f\n' loadtop \
	    "$(report burst 's["opened"]')" "$t" \
	    "$(awk -v n="$(report burst 's["opened"]')" -v t="$t" 'BEGIN { print (t > 0 ? n / t : 0) }')"
	o=$BENCH_TMP/node-burst
	bench_timed "$o" node "$BENCH_TMP/ws-client.js" "$URL" "$hold" 0 1 \
	    "$ADDRS"
	nd=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["opened"], d["all_open_s"])' "$o.out")
	printf '%-8s %9s %10.2f s %12.0f\n' node "${nd% *}" "${nd#* }" \
	    "$(awk -v n="${nd% *}" -v t="${nd#* }" 'BEGIN { print (t > 0 ? n / t : 0) }')"
	echo "# loadtop's series has a point every 100 ms: its time is a bound from above"
}

first=1
for p in 1 2 3; do
	has_part "$p" || continue
	[ "$first" = 1 ] || echo
	first=0
	"part$p"
done
