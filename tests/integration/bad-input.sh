#!/bin/sh
# Bad input that is not a scenario file of tests/scenarios/invalid: files
# that are no files, too large or unreadable, values past the limits,
# requests that would inject headers, options without their values,
# target processes that are not there or not ours, terminals that cannot
# draw, too few file descriptors, reports that cannot be written.  Each
# ends with its documented exit status and a message naming the file, the
# value or the flag, and never with a crash or a sanitizer's report.
. "$top_srcdir/tests/lib.sh"

cd "$T_TMP" || exit 1
# Readable by nobody too, for the cases run as another user.
chmod 755 "$T_TMP"

# bad NAME STATUS REGEX CMD...: CMD exits STATUS within 20 s and its
# standard error matches REGEX, without a sanitizer's report.
bad() {
	_name=$1
	_want=$2
	_re=$3
	shift 3
	timeout 20 "$@" >"$T_TMP/out" 2>"$T_TMP/err" </dev/null
	RC=$?
	ERR=$(cat "$T_TMP/err")
	is "$RC" "$_want" "$_name: exit $_want"
	like "$ERR" "$_re" "$_name: says so"
	ok "$_name: no sanitizer report" \
	    sh -c '! grep -Eq "Sanitizer|runtime error:" "$1"' sh "$T_TMP/err"
}

# $AS_NOBODY CMD...: CMD as the unprivileged user nobody, when the tests
# run as root and setpriv can make it so (and nobody may run loadtop).
# A sanitizer build reads LSAN_OPTIONS' suppressions as that user: a
# copy nobody may read.
cp "$top_srcdir/tests/lsan.supp" "$T_TMP/lsan.supp"
chmod 644 "$T_TMP/lsan.supp"
AS_NOBODY="env LSAN_OPTIONS=suppressions=$T_TMP/lsan.supp setpriv --reuid=65534 --regid=65534 --clear-groups"
can_drop=no
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1 &&
    $AS_NOBODY env "$LOADTOP" --version >/dev/null 2>&1; then
	can_drop=yes
fi
skip() {
	T_N=$((T_N + 1))
	echo "ok $T_N # SKIP $1"
}

scenario() {
	printf 'name: bad\ntarget: {base_url: "http://127.0.0.1:1"}\n'
	printf 'requests: [{name: r, path: /ok}]\n'
	printf 'phases: [{kind: burst, requests: 1}]\n'
}
scenario >good.yaml
chmod 644 good.yaml

# --- files that are not scenario files --------------------------------
bad "a missing file" 2 "^missing.yaml: cannot read: No such file or directory$" \
    "$LOADTOP" missing.yaml
mkdir dir.yaml
bad "a directory" 2 "^dir.yaml: cannot read: Is a directory$" \
    "$LOADTOP" --check dir.yaml
: >empty.yaml
bad "an empty file, run" 2 "^empty.yaml:1:1: the file is empty; " \
    "$LOADTOP" empty.yaml
mkfifo fifo.yaml
bad "a FIFO nobody writes to does not hang" 2 "^fifo.yaml:1:1: the file is empty; " \
    "$LOADTOP" --check fifo.yaml
bad "an endless device" 2 "^/dev/zero: the file is over 8 MB, the most a scenario may have" \
    "$LOADTOP" --check /dev/zero
python3 -c 'import sys; sys.stdout.write("name: \"" + "x" * (10 << 20) + "\"\n")' \
    >scalar.yaml
bad "a 10 MB scalar" 2 "^scalar.yaml: the file is over 8 MB, the most a scenario may have; put large bodies in a body_file$" \
    "$LOADTOP" --check scalar.yaml
# Ten times tests/scenarios/invalid/nesting-flow.yaml: the scanner's cost
# grows with the square of the depth, so the pass stops at the limit.
python3 -c 'import sys; sys.stdout.write("requests: " + "[" * 50000 + "]" * 50000 + "\n")' \
    >deep.yaml
bad "50,000 levels of flow nesting, at once" 2 "^deep.yaml:1:74: mappings and lists nest deeper than 64 levels here$" \
    timeout 5 "$LOADTOP" --check deep.yaml
if [ $can_drop = yes ]; then
	cp good.yaml secret.yaml
	chmod 600 secret.yaml
	bad "an unreadable file" 2 "^secret.yaml: cannot read: Permission denied$" \
	    $AS_NOBODY "$LOADTOP" --check secret.yaml
else
	skip "an unreadable file: not root, or loadtop cannot run as nobody"
fi

# --- past the limits --------------------------------------------------
{
	printf 'name: wide\ntarget: {base_url: "http://127.0.0.1:1"}\n'
	printf 'phases: [{kind: burst, requests: 1}]\nrequests:\n'
	awk 'BEGIN { for (i = 1; i <= 100000; i++)
	    printf "  - {name: r%d, path: /r}\n", i }'
} >requests.yaml
bad "100,000 requests" 2 "^requests.yaml:1005:5: the scenario has 100000 requests; at most 1000$" \
    "$LOADTOP" --check requests.yaml
{
	printf 'name: long\ntarget: {base_url: "http://127.0.0.1:1"}\n'
	printf 'requests: [{path: /r}]\nphases:\n  - name: climb\n'
	printf '    kind: ramp\n    stages:\n'
	awk 'BEGIN { for (i = 1; i <= 100000; i++)
	    printf "      - {duration: 1s, rate: %d}\n", i }'
} >stages.yaml
bad "100,000 stages" 2 "^stages.yaml:10008:9: ramp 'climb' has 100000 stages; at most 10000$" \
    "$LOADTOP" --check stages.yaml
truncate -s 1G huge.bin
{
	printf 'name: huge\ntarget: {base_url: "http://127.0.0.1:1"}\n'
	printf 'requests: [{method: POST, path: /, body_file: huge.bin}]\n'
	printf 'phases: [{kind: burst, requests: 1}]\n'
} >huge.yaml
bad "a 1 GB body_file" 2 "^huge.yaml:3:47: body_file 'huge.bin' is over 64 MB, the most a body may have$" \
    "$LOADTOP" --check huge.yaml

# --- requests ---------------------------------------------------------
bad "an unknown scheme" 2 "^loadtop: 'ftp://127.0.0.1/': an ad-hoc run sends to http:// and https:// URLs$" \
    "$LOADTOP" -n 1 ftp://127.0.0.1/
bad "a misspelt scheme with ad-hoc options" 2 "^loadtop: 'htp://127.0.0.1:1/': an ad-hoc run sends to http:// and https:// URLs$" \
    "$LOADTOP" -n 1 -c 2 htp://127.0.0.1:1/
bad "a WebSocket URL, ad hoc" 2 "^loadtop: 'ws://127.0.0.1:1/': an ad-hoc run sends HTTP requests; a WebSocket needs a scenario file \(see STREAMS in loadtop-scenario\(5\)\)$" \
    "$LOADTOP" -n 1 ws://127.0.0.1:1/
bad "a port past 65535" 2 "'url' 'http://127.0.0.1:99999/' is not a valid URL: its port is not a number from 1 to 65535$" \
    "$LOADTOP" -n 1 http://127.0.0.1:99999/
bad "a URL with a space" 2 "is not a valid URL: it holds a space or a control character$" \
    "$LOADTOP" -n 1 "http://127.0.0.1/a b"
bad "a method with a space" 2 "^loadtop: --method 'GE T': expected an HTTP method such as GET or POST$" \
    "$LOADTOP" -n 1 -m "GE T" http://127.0.0.1:1/
bad "a header name with a space" 2 "'X A' is not a valid header name in request 1$" \
    "$LOADTOP" -n 1 -H "X A: b" http://127.0.0.1:1/
crlf=$(printf 'b\r\nX-Injected: 1')
bad "a header value with CR/LF" 2 "header 'X-A': a value is one line; a CR or LF in it would start another header$" \
    "$LOADTOP" -n 1 -H "X-A: $crlf" http://127.0.0.1:1/
crlf=$(printf 'X-A\r\nX-Injected')
bad "a header name with CR/LF" 2 "'X-A\?\?X-Injected' is not a valid header name in request 1$" \
    "$LOADTOP" -n 1 -H "$crlf: 1" http://127.0.0.1:1/
{
	printf 'name: env\ntarget: {base_url: "http://127.0.0.1:1"}\n'
	printf 'requests: [{path: /, headers: {Authorization: "Bearer ${env:LT_BAD_TOKEN}"}}]\n'
	printf 'phases: [{kind: burst, requests: 1}]\n'
} >env.yaml
bad "an unset \${env:}" 2 "^env.yaml:3:55: environment variable 'LT_BAD_TOKEN' is not set$" \
    env -u LT_BAD_TOKEN "$LOADTOP" --no-report env.yaml
bad "an unset \${env:} under --check: valid, and said" 0 "^env.yaml:3:55: environment variable 'LT_BAD_TOKEN' is not set \(here; a run would refuse it\)$" \
    env -u LT_BAD_TOKEN "$LOADTOP" --check env.yaml
is "$(cat "$T_TMP/out")" "env.yaml: ok" "an unset \${env:} under --check: the file is ok"
LT_BAD_TOKEN=$(printf 'abc\r\nX-Injected: 1')
export LT_BAD_TOKEN
bad "an \${env:} with CR/LF in a header" 2 "^env.yaml:3:48: header 'Authorization': an environment variable in it holds a line break, which would start another header$" \
    "$LOADTOP" --no-report env.yaml
unset LT_BAD_TOKEN

# --- options without their values, for each command ------------------
bad "run: --rate 1e12" 2 "^loadtop: --rate '1e12': expected a rate such as 500, 500/s or 6000/m, its number in digits \(no exponent\)$" \
    "$LOADTOP" -r 1e12 http://127.0.0.1:1/
bad "run: --rate past 10M/s" 2 "^loadtop: --rate '20000000/s': expected a rate more than 0 and at most 10000000 per second, such as 500, 500/s or 6000/m$" \
    "$LOADTOP" -r 20000000/s http://127.0.0.1:1/
bad "run: -c without its value" 2 "^loadtop: --connections needs a value \(N\)$" \
    "$LOADTOP" http://127.0.0.1:1/ -c
bad "demo: --fps without its value" 2 "^loadtop: --fps needs a value" \
    "$LOADTOP" demo --fps
bad "monitor: --pid without its value" 2 "^loadtop: --pid needs a value" \
    "$LOADTOP" monitor --pid
bad "compare: --format without its value" 2 "^loadtop: --format needs a value" \
    "$LOADTOP" compare a.json b.json --format
bad "check: an unknown option" 2 "^loadtop: unknown option '--fast'" \
    "$LOADTOP" check --fast good.yaml

# --- target processes -------------------------------------------------
start_target
bad "a PID that does not exist" 3 "^loadtop: target process: no process with PID 4000000$" \
    "$LOADTOP" -q --no-report -n 1 --pid 4000000 "$TARGET_URL/ok"
bad "monitor: a PID that does not exist" 3 "^loadtop: target process: no process with PID 4000000$" \
    "$LOADTOP" monitor --pid 4000000 -d 1s --no-report
# PID 1 is the service itself in many containers: watched like any other.
bad "PID 1 is watched" 0 "^\[ *[0-9.]+s\] pid-1 +pid 1 +cpu" \
    "$LOADTOP" monitor --pid 1 -d 1s --no-report
like "$(cat "$T_TMP/out")" "pid-1 +1 " "PID 1: its row in the summary"
if [ $can_drop = yes ]; then
	# Another user's process: what /proc lets others read, said as such.
	mkdir -m 777 others
	bad "another user's process" 0 "fds unreadable" \
	    $AS_NOBODY "$LOADTOP" monitor --pid "$TARGET_PID" -d 1s \
	    --report others/rep
	like "$(cat "$T_TMP/out")" "pss, uss unknown \(smaps_rollup not readable\)" \
	    "another user's process: PSS and USS unknown"
	like "$(cat "$T_TMP/out")" "threads max [1-9][0-9]*, fds unreadable" \
	    "another user's process: the summary's fds unreadable, not 0"
	is "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); t=d["target"]; print(t["fds_max"], {s["fds"] for s in d["target_timeseries"]})' others/rep/report.json 2>&1)" \
	    "None {None}" "another user's process: report.json's fds are null"
	like "$(cat others/rep/report.md)" "Threads max / fds max \| [1-9][0-9]* / unreadable" \
	    "another user's process: report.md's fds unreadable"
else
	for c in "" "PSS and USS unknown" "summary" "report.json" "report.md"; do
		skip "another user's process $c: not root, or loadtop cannot run as nobody"
	done
fi

# --- file descriptors -------------------------------------------------
bad "-c past the hard file limit" 3 "^loadtop: -c asks for 1000 connections, which need 1256 open files; the limit is 300 \(ulimit -n\), and the hard limit 300: raise the hard limit" \
    sh -c 'ulimit -n 300 && exec "$0" --no-report -c 1000 -d 1s "$1/ok"' \
    "$LOADTOP" "$TARGET_URL"
# 20 connections need 276 descriptors: refused unless the soft limit rose.
bad "-c past the soft limit raises it to the hard one" 0 "^\[ *[0-9.]+s\] 1/1 " \
    sh -c 'ulimit -Sn 200 && ulimit -Hn 1024 && exec "$0" --no-report -c 20 -d 1s "$1/ok"' \
    "$LOADTOP" "$TARGET_URL"
cat >fd.yaml <<EOF
name: fd
target: {base_url: "$TARGET_URL"}
requests: [{path: /ok}]
phases: [{name: crowd, kind: sustained, users: 20, duration: 500ms}]
EOF
bad "a scenario's users past the soft limit" 0 "^\[ *[0-9.]+s\] 1/1 +sustained +crowd " \
    sh -c 'ulimit -Sn 200 && ulimit -Hn 1024 && exec "$0" --no-report fd.yaml' \
    "$LOADTOP"

# --- reports ----------------------------------------------------------
mkdir rep-old
echo '{"stale": true}' >rep-old/report.json
echo mine >rep-old/notes.txt
bad "a report directory that exists" 0 "^loadtop: report written to rep-old$" \
    "$LOADTOP" -n 2 "$TARGET_URL/ok" --report rep-old
ok "an existing report directory: its report.json is replaced" \
    python3 -c 'import json,sys; sys.exit("totals" not in json.load(open(sys.argv[1])))' \
    rep-old/report.json
is "$(cat rep-old/notes.txt)" mine "an existing report directory: other files are kept"
echo x >afile
mkdir -p alt
bad "a report directory that is a file" 0 "^loadtop: cannot write the report in afile/rep \(afile/rep: Not a directory\); writing it under $T_TMP/alt instead" \
    env TMPDIR="$T_TMP/alt" "$LOADTOP" -n 2 "$TARGET_URL/ok" --report afile/rep
ok "a report that cannot go where asked goes under TMPDIR" \
    test -s "$(sed -n 's/^loadtop: report written to //p' "$T_TMP/err")/report.json"
if [ $can_drop = yes ]; then
	mkdir -p ro nobody-tmp
	chmod 555 ro
	chown nobody nobody-tmp
	bad "an unwritable report directory" 0 "^loadtop: cannot write the report in ro/rep \(ro/rep: Permission denied\); writing it under $T_TMP/nobody-tmp instead" \
	    $AS_NOBODY env TMPDIR="$T_TMP/nobody-tmp" "$LOADTOP" -n 2 \
	    "$TARGET_URL/ok" --report ro/rep
	ok "an unwritable report directory: the report is under TMPDIR" \
	    test -s nobody-tmp/rep/report.json
else
	skip "an unwritable report directory: not root, or loadtop cannot run as nobody"
	skip "an unwritable report directory: the report is under TMPDIR"
fi
mkdir -p full
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=64k tmpfs full 2>/dev/null; then
	dd if=/dev/zero of=full/fill bs=4k count=16 2>/dev/null
	mkdir -p alt2
	bad "a full file system" 0 "^loadtop: cannot write the report in full/rep \(full/rep/report.json: No space left on device\); writing it under $T_TMP/alt2 instead" \
	    env TMPDIR="$T_TMP/alt2" "$LOADTOP" -n 2 "$TARGET_URL/ok" --report full/rep
	ok "a full file system: the report is under TMPDIR" \
	    test -s alt2/rep/report.json
	bad "a full file system and TMPDIR on it: exit 3" 3 "^loadtop: the report could not be written: $T_TMP/full/rep-2/report.json: No space left on device$" \
	    env TMPDIR="$T_TMP/full" "$LOADTOP" -n 2 "$TARGET_URL/ok" --report full/rep
	umount full
else
	skip "a full file system: cannot mount a tmpfs (not root?)"
	skip "a full file system: the report is under TMPDIR"
	skip "a full file system and TMPDIR on it"
fi

# --- terminals --------------------------------------------------------
bad "no terminal: headless, without a note" 0 "^\[ *[0-9.]+s\] 1/1 " \
    "$LOADTOP" -n 5 --no-report "$TARGET_URL/ok"
like "$(cat "$T_TMP/out")" "ad-hoc: completed|requests +5 sent" \
    "no terminal: the summary on standard output"
ok "no terminal: no escape sequence" \
    sh -c '! grep -q "$(printf "\033")" "$1" "$2"' sh "$T_TMP/out" "$T_TMP/err"

if command -v tmux >/dev/null 2>&1; then
	. "$top_srcdir/tests/integration/ui-tmux.sh"
	# term CMD: CMD in a pane, the terminal's settings kept before and
	# after it; its exit status in the pane.
	term() {
		rm -f tty.before tty.after
		start_pane "stty -g >tty.before; $1; rc=\$?; stty -g >tty.after; (exit \$rc)"
	}
	restored() {
		ok "$1: the terminal is restored" sh -c \
		    'test -s tty.after && cmp -s tty.before tty.after'
	}
	term "'$LOADTOP' --no-report -d 30s '$TARGET_URL/ok'"
	tm resize-window -t ui -x 70 -y 20
	ok "a 70x20 terminal: the short screen says what it needs" \
	    wait_for 'window too small \(70x20\), 80x24 wanted' 15
	tm send-keys -t ui q
	ok "a 70x20 terminal: q quits, exit 0" wait_for 'loadtop exited with 0' 15
	restored "a 70x20 terminal"
	term "TERM=no-such-terminal '$LOADTOP' --no-report -d 1s '$TARGET_URL/ok'"
	ok "an unknown TERM: a note, then headless" \
	    wait_for 'no dashboard \(cannot use TERM=no-such-terminal\), running headless' 15
	ok "an unknown TERM: exit 0" wait_for 'loadtop exited with 0' 15
	restored "an unknown TERM"
	term "env -u TERM '$LOADTOP' --no-report -d 1s '$TARGET_URL/ok'"
	ok "TERM unset: a note, then headless" \
	    wait_for 'no dashboard \(TERM is not set\), running headless' 15
	ok "TERM unset: exit 0" wait_for 'loadtop exited with 0' 15
	restored "TERM unset"
	term "'$LOADTOP' --no-report -d 1s '$TARGET_URL/ok' </dev/null"
	ok "standard input not a terminal: headless" \
	    wait_for 'ad-hoc: completed after' 15
	ok "standard input not a terminal: exit 0" \
	    wait_for 'loadtop exited with 0' 15
	restored "standard input not a terminal"
else
	for c in "a 70x20 terminal" "an unknown TERM" "TERM unset" \
	    "standard input not a terminal"; do
		skip "$c: tmux is not installed"
	done
fi

done_testing
