#!/bin/sh
# A collector's saw-tooth, live: a Node service that makes a 256 KiB
# scratch buffer for each request and keeps nothing.  Its RSS climbs and
# falls every few seconds; the leak check sees the collections and finds
# no leak.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/node.sh"

cd "$T_TMP" || exit 1

# With a fixed mmap threshold glibc maps each buffer on its own and
# unmaps it when the collector frees it: RSS falls at every collection.
# (By default glibc soon raises the threshold and keeps the freed memory
# for reuse, and RSS levels off instead.)
start_node scratch MALLOC_MMAP_THRESHOLD_=131072
run_node 20s -r 100/s "$NODE_URL/"
is "$RC" 0 "a collected service: exit 0"
like "$OUT" '^  leak       (stable|inconclusive): ' "the summary says no leak"
n=$(json 'r["target"]["leak"]["cycles"]["count"]')
ok "the collections were seen ($n)" test "${n:-0}" -ge 3
depth=$(json 'r["target"]["leak"]["cycles"]["depth_mb"]')
ok "each gave back megabytes (${depth}MB)" \
    awk -v v="$depth" 'BEGIN { exit !(v + 0 >= 2) }'
is "$(json 'r["target"]["leak"]["floor"]')" troughs \
    "the floor is the troughs after them"
like "$(cat "$T_TMP/report/report.md")" \
    '^\| Saw-tooth \| [0-9]+ collections, about [0-9]+s apart, [0-9.]+MB deep' \
    "report.md describes the saw-tooth"
stop_node

done_testing
