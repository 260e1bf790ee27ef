#!/bin/bash
# Drive libcurl's multi interface the two ways (epoll +
# curl_multi_socket_action, and curl_multi_poll + curl_multi_perform)
# with the same handles against the same loopback server, and print
# requests/s and CPU microseconds per request for each.  One thread each,
# the server on CPU 0 and the client on CPU 1 where there are two.
#
#   bench/loop-compare.sh [--build DIR] [--requests N] [--conns "50 500"]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${BUILD:-$here/..}
requests=200000
conns="50 500"
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift 2 ;;
	--requests) requests=$2; shift 2 ;;
	--conns) conns=$2; shift 2 ;;
	--help) sed -n '2,8p' "$0"; exit 0 ;;
	*) echo "loop-compare: unknown option $1" >&2; exit 2 ;;
	esac
done
target=$build/loadtop-target
[ -x "$target" ] || { echo "loop-compare: no $target (--build DIR)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'kill $tpid 2>/dev/null; rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/loop-compare" "$here/loop-compare.c" -lcurl
pin_server="" pin_client=""
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
	pin_server="taskset -c 0" pin_client="taskset -c 1"
fi
$pin_server "$target" --port 0 --threads 1 --quiet >"$tmp/out" 2>&1 &
tpid=$!
for _ in $(seq 50); do
	port=$(sed -n 's|^listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$tmp/out")
	[ -n "$port" ] && break
	sleep 0.1
done
echo "# $(date -u '+%F %T UTC'); $(nproc) CPUs; $(curl-config --version); load $(cut -d' ' -f1-3 /proc/loadavg)"
for c in $conns; do
	for round in 1 2; do
		for mode in epoll poll; do
			$pin_client "$tmp/loop-compare" "$mode" \
			    "http://127.0.0.1:$port/ok" "$c" "$requests"
		done
	done
done
