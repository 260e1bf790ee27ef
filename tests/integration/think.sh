#!/bin/sh
# Think time between a closed-model user's requests, a constant or a
# range drawn from uniformly, as nginx saw it: the gaps between the
# requests on each connection ($connection, $msec in its log).
. "$top_srcdir/tests/lib.sh"

if [ ! -x "$NGINX" ]; then
	echo "1..0 # SKIP nginx is not installed (scripts/bootstrap installs it)"
	exit 0
fi
cd "$T_TMP" || exit 1
port=$(free_port)
mkdir -p www
printf 'hello\n' >www/f.txt
start_nginx <<EOF || { echo "Bail out! nginx did not start"; exit 1; }
	log_format gaps '\$connection \$msec';
	access_log $T_TMP/access.log gaps;
	server { listen 127.0.0.1:$port; root $T_TMP/www; }
EOF

# gaps: "count min mean max p95" of the gaps, in ms, on every connection.
gaps() {
	python3 - access.log <<'PYEOF'
import sys
last, g = {}, []
for line in open(sys.argv[1]):
    c, t = line.split()
    t = float(t) * 1000
    if c in last:
        g.append(t - last[c])
    last[c] = t
if not g:
    g = [0]
s = sorted(g)
print(len(g), round(min(g)), round(sum(g) / len(g)), round(max(g)),
      round(s[int(0.95 * (len(s) - 1))]))
PYEOF
}

# run THINK: 4 users for 3 s with that think time, a fresh log.
run() {
	: >access.log
	"$NGINX" -c "$T_TMP/nginx.conf" -p "$T_TMP" -s reopen 2>/dev/null
	sleep 0.2
	cat >think.yaml <<EOF
version: 1
name: think
target: {base_url: "http://127.0.0.1:$port"}
requests: [{name: f, path: /f.txt}]
phases: [{kind: sustained, users: 4, duration: 3s, think_time: $1}]
EOF
	"$LOADTOP" --headless --quiet --no-report -t 1 think.yaml >out 2>&1
	RC=$?
	# shellcheck disable=SC2046
	set -- $(gaps)
	N=$1 MIN=$2 MEAN=$3 MAX=$4 P95=$5
}

run 20ms..60ms
is "$RC" 0 "a range: the run succeeds"
# 4 users, 3 s, gaps of 40 ms on average: 300, give or take 15 (the
# count of 75 draws of sd 11.5 ms a user; 3 sd either side).
ok "a range: about 4 x 3 s / 40 ms gaps ($N)" test "$N" -ge 260 -a "$N" -le 340
ok "a range: the mean gap is the range's middle, 40 ms ($MEAN)" \
    test "$MEAN" -ge 37 -a "$MEAN" -le 44
ok "a range: gaps near its low end ($MIN ms)" test "$MIN" -le 24
ok "a range: gaps near its high end ($MAX ms)" test "$MAX" -ge 56

run 40ms
is "$RC" 0 "a constant: the run succeeds"
# None shorter; the longest are the scheduler's on a busy machine, so
# the bound is on the 95th percentile.
ok "a constant: every gap 40 ms ($MIN..$MAX, p95 $P95, mean $MEAN)" \
    test "$MIN" -ge 39 -a "$P95" -le 46 -a "$MEAN" -le 44

"$NGINX" -c "$T_TMP/nginx.conf" -p "$T_TMP" -s stop 2>/dev/null
done_testing
