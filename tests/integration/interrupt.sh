#!/bin/sh
# Signals and endings, against loadtop-target: SIGINT stops a run and
# writes its report, a second stops it at once with what it has,
# timeout(1)'s twin signals count once, SIGTERM and SIGHUP end as SIGINT
# does, SIGPIPE is ignored.  Then runs interrupted at 20 random moments
# (seeded: INTERRUPT_SEED=N replays them), headless and in tmux, each
# with a valid report, and in tmux a terminal given back.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/ui-tmux.sh"

cd "$T_TMP" || exit 1
start_target --threads 2

# Two phases of 0.8 s: a signal can come before, inside or between them,
# or once the report is being written.
cat >short.yaml <<EOF
version: 1
name: short
target:
  base_url: $TARGET_URL
defaults:
  timeout: 8s
requests:
  - name: ok
    path: /ok
phases:
  - name: first
    kind: sustained
    duration: 800ms
    rate: 100/s
  - name: second
    kind: sustained
    duration: 800ms
    rate: 100/s
EOF
# Requests that stay in flight past a stop's two seconds.
cat >stuck.yaml <<EOF
version: 1
name: stuck
target:
  base_url: $TARGET_URL
defaults:
  timeout: 20s
requests:
  - name: slow
    path: /delay?ms=8000
phases:
  - name: held
    kind: burst
    requests: 4
    concurrency: 4
EOF

# report_ok DIR: report.json parses, report.md is there, and the counts
# add up: what was sent finished or is counted unfinished, each finished
# request is a response or an error, each of a class.  Prints
# "END_REASON UNFINISHED" or what is wrong.
report_ok() {
	python3 - "$1" <<'EOF'
import json, os, sys
d = sys.argv[1]
try:
    r = json.load(open(d + "/report.json"))
except (OSError, ValueError) as e:
    sys.exit("report.json: %s" % e)
if not os.path.isfile(d + "/report.md"):
    sys.exit("no report.md")
t = r["totals"]
cm = t["classes"]["capture_missing"]
if t["sent"] + cm != t["requests"] + t["unfinished"]:
    sys.exit("sent %d + %d != finished %d + unfinished %d" %
             (t["sent"], cm, t["requests"], t["unfinished"]))
if t["responses"] + t["errors"] != t["requests"]:
    sys.exit("%d responses + %d errors != %d" %
             (t["responses"], t["errors"], t["requests"]))
if sum(t["classes"].values()) != t["requests"]:
    sys.exit("classes %d != %d" % (sum(t["classes"].values()),
             t["requests"]))
print(r["end_reason"], t["unfinished"])
EOF
}

# now_cs: the time in hundredths of a second.
now_cs() {
	echo $(( $(date +%s%N) / 10000000 ))
}

# takes_signals PID: wait (up to 5 s) until PID takes the signals that
# stop a run, as loadtop does first thing: before that, as in any
# process, a signal would kill it.  The sign is SIGPIPE ignored, which
# loadtop does as it blocks the others (a blocked signal's bit does not
# show in SigBlk while sigtimedwait waits for it).
takes_signals() {
	_i=0
	until grep -qE '^SigIgn:.*[13579bdf][0-9a-f]{3}$' "/proc/$1/status" \
	    2>/dev/null || [ $_i -ge 500 ]; do
		sleep 0.01
		_i=$((_i + 1))
	done
}

# ended PID SECONDS: wait up to SECONDS for PID (a child) to end, then
# reap it; RC is its status, or "hung" when it had to be killed.
ended() {
	_i=0
	while [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" \
	    2>/dev/null && [ $_i -lt $(($2 * 20)) ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	if [ $_i -ge $(($2 * 20)) ]; then
		kill -9 "$1" 2>/dev/null
		wait "$1"
		RC=hung
	else
		wait "$1"
		RC=$?
	fi
}

# signal_run NAME SCENARIO WAIT SIGNAL [THEN SIGNAL2]: headless, SIGNAL
# WAIT seconds after loadtop takes signals (and SIGNAL2 THEN seconds
# later); RC, ERR, REPORT (report_ok's line) and TOOK (hundredths of a
# second from the last signal to the exit).
signal_run() {
	"$LOADTOP" --headless --report "$T_TMP/$1" "$2" >"$1.out" 2>"$1.err" &
	s_pid=$!
	takes_signals $s_pid
	sleep "$3"
	kill -s "$4" $s_pid
	if [ $# -ge 6 ]; then
		sleep "$5"
		kill -s "$6" $s_pid
	fi
	s_at=$(now_cs)
	ended $s_pid 30
	TOOK=$(( $(now_cs) - s_at ))
	ERR=$(cat "$1.err")
	REPORT=$(report_ok "$1" 2>&1)
}

# --- SIGINT: once, then twice -------------------------------------------
signal_run once short.yaml 0.5 INT
is "$RC" 0 "SIGINT: exit 0"
like "$ERR" "loadtop: Interrupt, stopping \(another stops at once\)" \
    "SIGINT: says it stops"
is "$REPORT" "signal 0" "SIGINT: the report is written, ends as signal, nothing unfinished"

signal_run stuck-once stuck.yaml 0.5 INT
is "$RC" 0 "SIGINT, requests stuck: exit 0"
ok "SIGINT, requests stuck: they are given two seconds ($TOOK cs)" \
    test "$TOOK" -ge 190
is "$REPORT" "signal 4" "SIGINT, requests stuck: the report counts 4 unfinished"

signal_run twice stuck.yaml 0.5 INT 0.3 INT
is "$RC" 0 "second SIGINT: exit 0"
ok "second SIGINT: exits at once ($TOOK cs)" test "$TOOK" -lt 100
like "$ERR" "loadtop: Interrupt again, stopping at once" \
    "second SIGINT: says so"
is "$REPORT" "signal 4" "second SIGINT: the report is written with what it has"

# timeout(1) signals the process, then its group: one signal, not two.
s_at=$(now_cs)
timeout --preserve-status -s INT 0.5 "$LOADTOP" --headless --report "$T_TMP/twin" stuck.yaml \
    >twin.out 2>twin.err
RC=$?
TOOK=$(( $(now_cs) - s_at ))
is "$RC" 0 "timeout -s INT: exit 0"
ok "timeout -s INT: its twin signals are one, the stop waits ($TOOK cs)" \
    test "$TOOK" -ge 240
is "$(grep -c 'loadtop: Interrupt' twin.err)" 1 "timeout -s INT: one stop said"

# --- SIGTERM, SIGHUP ----------------------------------------------------
for sig in TERM HUP; do
	signal_run "sig$sig" short.yaml 0.5 $sig
	is "$RC" 0 "SIG$sig: exit 0, as loadtop(1) says"
	is "$REPORT" "signal 0" "SIG$sig: the report is written, ends as signal"
done

# --- SIGPIPE ------------------------------------------------------------
{ "$LOADTOP" --headless --report "$T_TMP/pipe" short.yaml 2>pipe.err
  echo $? >pipe.rc; } | head -c1 >/dev/null
is "$(cat pipe.rc)" 0 "stdout to a closed pipe: exit 0"
is "$(report_ok pipe 2>&1)" "completed 0" "stdout to a closed pipe: the report is written"
{ "$LOADTOP" --headless --report "$T_TMP/pipe2" short.yaml 2>&1
  echo $? >pipe2.rc; } | head -c1 >/dev/null
is "$(cat pipe2.rc)" 0 "stdout and stderr to a closed pipe: exit 0"
is "$(report_ok pipe2 2>&1)" "completed 0" "stdout and stderr to a closed pipe: the report is written"

# --- while a service of --exec gets ready, and as the demo starts -------
# Its ready URL never answers, so the wait would last 10 s: a SIGINT
# ends it, the run starts and stops at once with its report, and the
# service is stopped.
never=http://127.0.0.1:$(free_port)/
"$LOADTOP" --headless --report "$T_TMP/ready" --exec "sleep 7$$" \
    --ready-url "$never" -n 10 "$TARGET_URL/ok" >ready.out 2>ready.err &
s_pid=$!
takes_signals $s_pid
sleep 1
kill -s INT $s_pid
s_at=$(now_cs)
ended $s_pid 30
TOOK=$(( $(now_cs) - s_at ))
ok "SIGINT while --exec's service gets ready: the wait ends ($TOOK cs)" \
    test "$RC" != hung -a "$TOOK" -lt 500
is "$(report_ok ready 2>&1)" "signal 0" \
    "SIGINT while --exec's service gets ready: the report is written"
ok "SIGINT while --exec's service gets ready: the service is stopped" \
    sh -c "! pgrep -f '^sleep 7$$\$'"

# The demo starts loadtop-target before its run: a SIGINT then stops both.
"$LOADTOP" demo --headless --report "$T_TMP/demo" >demo.out 2>demo.err &
s_pid=$!
takes_signals $s_pid
kill -s INT $s_pid
ended $s_pid 30
demo_target=$(sed -n 's/.*loadtop-target (pid \([0-9]*\)).*/\1/p' demo.err)
is "$(report_ok demo 2>&1)" "signal 0" "SIGINT as the demo starts: the report is written"
ok "SIGINT as the demo starts: its loadtop-target is stopped" \
    test -n "$demo_target" -a ! -d "/proc/${demo_target:-0}"

# --- 20 random moments, headless ----------------------------------------
SEED=${INTERRUPT_SEED:-$(date +%s)}
echo "# seed $SEED (INTERRUPT_SEED=$SEED replays these moments)"
# One moment in each twentieth of 3 s from when loadtop takes signals,
# so that every stage of a run is hit: the scenario's loading, each
# phase, between them, the report, the end.
MOMENTS=$(python3 -c '
import random, sys
r = random.Random(int(sys.argv[1]))
print(" ".join("%.2f" % ((i + r.random()) * 3 / 20) for i in range(20)))' \
    "$SEED")
# Four at a time, each on one thread.
i=0
batch=""
for at in $MOMENTS; do
	i=$((i + 1))
	("$LOADTOP" --headless --quiet --threads 1 --report "$T_TMP/at$i" \
	    short.yaml >"at$i.out" 2>&1 &
	 p=$!
	 takes_signals $p
	 sleep "$at"
	 kill -INT $p 2>/dev/null
	 ended $p 30
	 echo $RC >"at$i.rc") &
	batch="$batch $!"
	if [ $((i % 4)) -eq 0 ]; then
		wait $batch
		batch=""
	fi
done
i=0
for at in $MOMENTS; do
	i=$((i + 1))
	r=$(report_ok "at$i" 2>&1)
	is "$(cat "at$i.rc") $(echo "$r" | sed 's/ .*//')" \
	    "0 $(case $r in completed*) echo completed;; *) echo signal;; esac)" \
	    "SIGINT at ${at}s: exit 0, a valid report ($r)"
done

ok "no sanitizer finding in any headless run" \
    sh -c '! grep -lE "Sanitizer|runtime error" ./*.out ./*.err'

# --- in tmux: Ctrl-C, q and SIGINT, at random moments -------------------
# A shell in a 100x30 pane runs loadtop, then says how it ended.
start_shell() {
	NPANE=$((NPANE + 1))
	SOCK="loadtop-int-$$-$NPANE"
	SOCKS="$SOCKS $SOCK"
	tm -f /dev/null new-session -d -s ui -x 100 -y 30 "env PS1='$ ' sh"
}
UI_MOMENTS=$(python3 -c '
import random, sys
r = random.Random(int(sys.argv[1]) + 1)
print(" ".join("%.1f" % r.uniform(0.1, 1.3) for i in range(6)))' "$SEED")
n=0
for at in $UI_MOMENTS; do
	n=$((n + 1))
	case $n in
	1|4) how=C-c ;;
	2|5) how=q ;;
	*) how=SIGINT ;;
	esac
	start_shell
	tm send-keys -t ui "cd '$T_TMP' && '$LOADTOP' --report ui$n short.yaml; echo DONE-\$?" Enter
	if ! wait_for 'loadtop +short +phase' 10; then
		is "no dashboard" "a dashboard" "tmux $how at ${at}s: the dashboard shows"
		continue
	fi
	sleep "$at"
	case $how in
	SIGINT) kill -INT "$(pgrep -n -f "report ui$n short.yaml")" ;;
	*) tm send-keys -t ui "$how" ;;
	esac
	wait_for '^DONE-[0-9]+' 10
	like "$SHOT" '^DONE-0' "tmux $how at ${at}s: loadtop exits 0, the shell is back"
	is "$(tm display -p -t ui '#{alternate_on}')" 0 \
	    "tmux $how at ${at}s: the alternate screen is left"
	ok "tmux $how at ${at}s: no dashboard left on the screen" \
	    sh -c '! printf "%s\n" "$1" | grep -Eq "Latency +from the planned|loadtop +short +phase"' - "$SHOT"
	r=$(report_ok "ui$n" 2>&1)
	like "$r" '^(signal|user_quit|completed) 0$' \
	    "tmux $how at ${at}s: a valid report ($r)"
	ok "tmux $how at ${at}s: no sanitizer finding" \
	    sh -c '! tmux -L "$1" capture-pane -p -S - -t ui |
	    grep -E "Sanitizer|runtime error"' - "$SOCK"

	tm kill-server 2>/dev/null
done

# --- in tmux: q, then q again or a SIGINT, with requests stuck ----------
# The first q waits up to 2 s for the requests in flight; a second ask,
# either way, stops at once, the report counting them unfinished.
for again in q SIGINT; do
	n=$((n + 1))
	start_shell
	tm send-keys -t ui "cd '$T_TMP' && '$LOADTOP' --report ui$n stuck.yaml; echo DONE-\$?" Enter
	if ! wait_for 'loadtop +stuck +phase' 10; then
		is "no dashboard" "a dashboard" "tmux q then $again: the dashboard shows"
		continue
	fi
	sleep 0.5
	tm send-keys -t ui q
	wait_for 'q again: at once' 5
	like "$SHOT" 'stopping: finishing the requests in flight \(q again: at once\)' \
	    "tmux q then $again: the first q says another stops at once"
	s_at=$(now_cs)
	case $again in
	SIGINT) kill -INT "$(pgrep -n -f "report ui$n stuck.yaml")" ;;
	*) tm send-keys -t ui q ;;
	esac
	wait_for '^DONE-[0-9]+' 10
	TOOK=$(( $(now_cs) - s_at ))
	like "$SHOT" '^DONE-0' "tmux q then $again: loadtop exits 0"
	ok "tmux q then $again: it stops at once ($TOOK cs)" test "$TOOK" -lt 150
	is "$(report_ok "ui$n" 2>&1)" "user_quit 4" \
	    "tmux q then $again: the report counts the 4 stuck requests unfinished"
	tm kill-server 2>/dev/null
done

done_testing
