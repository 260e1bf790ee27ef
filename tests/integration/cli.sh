#!/bin/sh
# The command line of every command, on the real binary: each command's
# --help lists exactly its options; every option of loadtop(1) is some
# command's; a bad value of each option is refused with the message that
# names the flag and exit 2, a good one is taken; unknown options and
# stray arguments exit 2; a run and loadtop monitor check the process
# options alike; and the ways of calling loadtop still run, against
# loadtop-target.
. "$top_srcdir/tests/lib.sh"

# run_lt ARGS...: sets RC, OUT (stdout), ERR (stderr) and ERR1 (its first
# line).
run_lt() {
	timeout 60 "$LOADTOP" "$@" >"$T_TMP/out" 2>"$T_TMP/err"
	RC=$?
	OUT=$(cat "$T_TMP/out")
	ERR=$(cat "$T_TMP/err")
	ERR1=$(head -n 1 "$T_TMP/err")
}

# help_opts CMD...: "name<TAB>argument" for each option of CMD --help.
help_opts() {
	"$LOADTOP" "$@" --help | awk '
	/^  (-[A-Za-z], |    )--[a-z]/ {
		s = substr($0, index($0, "--") + 2)
		if ((e = index(s, "  ")) > 0)
			s = substr(s, 1, e - 1)
		n = s
		a = ""
		if ((i = index(s, "=")) > 0) {
			n = substr(s, 1, i - 1)
			a = substr(s, i + 1)
		}
		printf "%s\t%s\n", n, a
	}'
}

# A value of each kind of argument that must be refused, and one that
# must be taken ("-": anything goes).
bad_value() {
	case $1 in
	N) echo 0 ;;
	TIME) echo 5parsecs ;;
	RATE | HZ) echo fast ;;
	P%) echo lots ;;
	URL) echo ftp://example.com/ ;;
	"'K: V'") echo no-colon ;;
	*'|'*) echo xml ;;
	BODY) echo - ;;
	# FILE, DIR, METHOD, NAME, CMD, EXPR, SELECTOR, LIMIT, BASE,NEW
	*) echo "" ;;
	esac
}
good_value() {
	case $1 in
	N) echo 1 ;;
	TIME) echo 1s ;;
	RATE | HZ) echo 30/m ;;
	P%) echo 5% ;;
	URL) echo http://127.0.0.1:1/ ;;
	"'K: V'") echo "X-A: b" ;;
	'phase|request') echo phase ;;
	'auto|raw|curl') echo raw ;;
	*'|'*) echo md ;;
	EXPR) echo "p95 < 1s" ;;
	LIMIT) echo "p95 < 2x" ;;
	BASE,NEW) echo staging,production ;;
	*) echo x ;;
	esac
}

# The command words of each command, and what goes on its line for the
# line to be complete (a URL, two reports, a file).
cmd_words() {
	case $1 in
	run) echo "" ;;
	*) echo "$1" ;;
	esac
}
cmd_operands() {
	case $1 in
	run) echo http://127.0.0.1:1/ ;;
	compare) echo "base.json new.json" ;;
	check) echo none.yaml ;;
	*) echo "" ;;
	esac
}

# The options each command must take.
want_opts() {
	case $1 in
	run) echo "base-url body body-file check connections duration exec" \
	    "fps header headless help http2 insecure interval method" \
	    "no-report pid pid-file proc-name proc-tree quiet rate ready-url" \
	    "report requests sample-rate threads threshold timeout transport" \
	    "version" ;;
	demo) echo "fps headless help interval no-report proc-tree quiet" \
	    "report sample-rate threads threshold transport" ;;
	monitor) echo "duration exec exec-log fps headless health-url help" \
	    "interval metric metrics-url no-report pid pid-file proc-name" \
	    "proc-tree quiet ready-port ready-timeout ready-url report" \
	    "sample-rate threshold" ;;
	compare) echo "by format help limit names tolerance" ;;
	check) echo "help" ;;
	esac
}

# The words on stdin, sorted, on one line.
words() {
	tr ' ' '\n' | grep -v '^$' | sort | tr '\n' ' '
}

: >"$T_TMP/all"
for c in run demo monitor compare check; do
	# shellcheck disable=SC2046
	help_opts $(cmd_words $c) >"$T_TMP/$c.opts"
	cut -f1 "$T_TMP/$c.opts" >>"$T_TMP/all"
	is "$(cut -f1 "$T_TMP/$c.opts" | words)" "$(want_opts $c | words)" \
	    "$c --help lists exactly its options"
done

# Every option loadtop(1) gives is some command's, and each is in it.
sed -n '/^\.SH SYNOPSIS/,/^\.SH THRESHOLDS/p' "$top_srcdir/man/loadtop.1" |
    grep -o '\\-\\-[a-z0-9\\-]*' | sed 's/\\-/-/g; s/^--//' |
    grep -v '^$' | sort -u >"$T_TMP/man"
sort -u "$T_TMP/all" >"$T_TMP/all.u"
is "$(comm -23 "$T_TMP/man" "$T_TMP/all.u" | tr '\n' ' ')" "" \
    "every option of loadtop(1) is taken by a command"
is "$(comm -13 "$T_TMP/man" "$T_TMP/all.u" | tr '\n' ' ')" "" \
    "every option of a command is in loadtop(1)"

# Each option of each command: a bad value gives the message that names
# the flag, exit 2; a good one is taken (--help, then, exits 0).
cd "$T_TMP" || exit 1
for c in run demo monitor compare check; do
	words=$(cmd_words $c)
	operands=$(cmd_operands $c)
	while IFS='	' read -r name arg; do
		if [ -z "$arg" ]; then
			# shellcheck disable=SC2086
			run_lt $words $operands "--$name" --help
			is "$RC" 0 "$c --$name is taken"
			continue
		fi
		bad=$(bad_value "$arg")
		if [ "$bad" != - ]; then
			# shellcheck disable=SC2086
			run_lt $words $operands "--$name" "$bad"
			is "$RC:${ERR1%%: expected *}" "2:loadtop: --$name '$bad'" \
			    "$c --$name '$bad': exit 2, the flag named"
			like "$ERR1" ": expected [a-z'']" \
			    "$c --$name '$bad': says what was expected"
		fi
		# shellcheck disable=SC2086
		run_lt $words $operands "--$name=$(good_value "$arg")" --help
		is "$RC" 0 "$c --$name=$(good_value "$arg") is taken"
	done <"$T_TMP/$c.opts"
done

# Unknown options, another command's options, stray arguments.
for c in run demo monitor compare check; do
	# shellcheck disable=SC2046
	run_lt $(cmd_words $c) $(cmd_operands $c) --no-such-option
	is "$RC" 2 "$c: an unknown option exits 2"
	is "$ERR1" "loadtop: unknown option '--no-such-option'" \
	    "$c: the unknown option is named"
	like "$ERR" "Try 'loadtop ?$(cmd_words $c) --help'" \
	    "$c: the help to read is named"
done
run_lt http://127.0.0.1:1/ --conections 5
is "$ERR1" "loadtop: unknown option '--conections'; did you mean --connections?" \
    "a near miss is suggested"
run_lt monitor --pid 1 --tolerance 5%
is "$RC:$ERR1" "2:loadtop: --tolerance is not an option of loadtop monitor" \
    "another command's option is told apart"
run_lt monitor --pid 1 -c 5
is "$RC:$ERR1" "2:loadtop: -c (--connections) is not an option of loadtop monitor" \
    "another command's short option too"
run_lt demo --pid 1
is "$RC:$ERR1" "2:loadtop: --pid is not an option of loadtop demo" \
    "demo takes no target process"
run_lt -q demo --pid 1
is "$RC:$ERR1" "2:loadtop: --pid is not an option of loadtop demo" \
    "nor does it after a run's options"
run_lt http://127.0.0.1:1/ --re 1
is "$RC:$ERR1" "2:loadtop: option '--re' is ambiguous: --requests, --ready-url or --report" \
    "an ambiguous abbreviation lists the candidates"
run_lt http://127.0.0.1:1/ -c
is "$RC:$ERR1" "2:loadtop: --connections needs a value (N)" \
    "a missing value names the flag"
run_lt http://127.0.0.1:1/ --quiet=yes
is "$RC:$ERR1" "2:loadtop: --quiet takes no value" "a flag takes no value"
for line in "http://127.0.0.1:1/ stray" "demo stray" "monitor --pid 1 stray" \
    "compare a b stray"; do
	# shellcheck disable=SC2086
	run_lt $line
	is "$RC:$ERR1" "2:loadtop: unexpected argument 'stray'" \
	    "loadtop $line: a stray argument exits 2"
done
run_lt
is "$RC" 2 "no arguments at all: exit 2"
like "$ERR" "^Usage: loadtop " "no arguments at all: the usage"
run_lt compare a
is "$RC:$ERR1" "2:loadtop: expected two reports, BASE and NEW" \
    "compare wants two reports"
run_lt check
is "$RC:$ERR1" "2:loadtop: expected at least one FILE" "check wants a FILE"

# The process options: a run and monitor refuse the same values with the
# same message.
for v in 0 -1 abc 4194305 " 7" 12x; do
	run_lt http://127.0.0.1:1/ --pid "$v"
	a="$RC:$ERR1"
	run_lt monitor --pid "$v"
	is "$RC:$ERR1" "$a" "--pid '$v': run and monitor say the same"
	is "$RC" 2 "--pid '$v': exit 2"
done
for v in 0 0.05 101 fast 5/x -4; do
	run_lt http://127.0.0.1:1/ --sample-rate "$v"
	a="$RC:$ERR1"
	run_lt monitor --pid 1 --sample-rate "$v"
	is "$RC:$ERR1" "$a" "--sample-rate '$v': run and monitor say the same"
	is "$RC" 2 "--sample-rate '$v': exit 2"
done
for f in "--interval 5ms" "--duration soon" "--ready-url ftp://x/" \
    "--pid-file=" "--exec="; do
	# shellcheck disable=SC2086
	run_lt http://127.0.0.1:1/ $f
	a="$RC:$ERR1"
	# shellcheck disable=SC2086
	run_lt monitor $f
	is "$RC:$ERR1" "$a" "$f: run and monitor say the same"
done
like "$a" "^2:loadtop: --exec '': expected " "an empty --exec is refused"

# ... and hold them to the same rules.
run_lt http://127.0.0.1:1/ --pid 0 --pid 1
a="$RC:$ERR1"
run_lt monitor --pid 1 --pid 0
is "$RC:$ERR1" "$a" "a bad one of several --pid: run and monitor say the same"
is "$a" "2:loadtop: --pid '0': expected a whole number from 1 to 4194304" \
    "a bad one of several --pid: named"
run_lt http://127.0.0.1:1/ --pid 1 --ready-url http://127.0.0.1:1/
a="$RC:$ERR1"
run_lt monitor --pid 1 --ready-url http://127.0.0.1:1/
is "$RC:$ERR1" "$a" "--ready-url without --exec: run and monitor say the same"
is "$a" "2:loadtop: --ready-url needs --exec" "--ready-url needs --exec"
run_lt monitor
is "$RC:$ERR1" "2:loadtop: give one of --pid, --pid-file, --proc-name or --exec" \
    "monitor needs a target"
run_lt monitor --pid 1 --metric up
is "$RC:$ERR1" "2:loadtop: --metric needs --metrics-url" \
    "--metric needs --metrics-url"

# The rules of a run's own options.
printf 'name: x\ntarget: {base_url: "http://127.0.0.1:1"}\nrequests: [{path: /}]\nphases: [{kind: burst, requests: 1}]\n' \
    >"$T_TMP/s.yaml"
run_lt "$T_TMP/s.yaml" -c 5
is "$RC:$ERR1" "2:loadtop: --connections is for a URL; a scenario sets it in its file" \
    "an ad-hoc option with a scenario names the flag"
run_lt http://127.0.0.1:1/ -b x -B f
is "$RC:$ERR1" "2:loadtop: give only one of --body and --body-file" \
    "--body or --body-file"
run_lt http://127.0.0.1:1/ -n 5 -d 5s
is "$RC:$ERR1" "2:loadtop: give only one of --requests and --duration" \
    "--requests or --duration"
run_lt http://127.0.0.1:1/ --report d --no-report
is "$RC:$ERR1" "2:loadtop: give only one of --report and --no-report" \
    "--report or --no-report"

# Help and version, and the commands that may follow a run's options.
run_lt --version
like "$RC:$OUT" "^0:loadtop [0-9]" "--version"
run_lt --help
is "$RC" 0 "--help exits 0"
for c in demo monitor compare check; do
	like "$OUT" "^  $c " "--help names the command $c"
done
run_lt -q demo --help
like "$RC:$OUT" "^0:Usage: loadtop demo " "loadtop -q demo --help is demo's"
run_lt --check --help
like "$RC:$OUT" "^0:Usage: loadtop check " "loadtop --check --help is check's"
run_lt check "$T_TMP/s.yaml"
is "$RC:$OUT" "0:$T_TMP/s.yaml: ok" "loadtop check FILE"
run_lt --check "$T_TMP/s.yaml"
is "$RC:$OUT" "0:$T_TMP/s.yaml: ok" "loadtop --check FILE"
run_lt -q check "$T_TMP/s.yaml"
is "$RC:$OUT" "2:" "a run's option is not check's"

# Real runs against loadtop-target, options before and after the URL.
start_target
run_lt -qn 20 "$TARGET_URL/ok" -c 2 --no-report
is "$RC" 0 "-qn 20 URL -c 2: exit 0"
like "$OUT" "20 sent, 20 completed" "-qn 20: twenty requests"
run_lt run --quiet --no-report "$TARGET_URL/ok" --requests=7
is "$RC" 0 "loadtop run URL: exit 0"
like "$OUT" " 7 sent, 7 completed" "loadtop run URL --requests=7: seven"
run_lt --quiet --no-report -n 10 -H 'X-Test: 1' --sample-rate 120/m \
    --pid "$TARGET_PID" "$TARGET_URL/ok"
is "$RC" 0 "ad hoc with --pid and --sample-rate 120/m: exit 0"
run_lt monitor --pid "$TARGET_PID" -d 2s --sample-rate 120/m \
    --report "$T_TMP/mon"
is "$RC" 0 "monitor --pid -d 2s: exit 0"
n=$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["target"]; print(t["pid"], t["samples"])' \
    "$T_TMP/mon/report.json")
like "$n" "^$TARGET_PID " "monitor watched the target"
n=${n#* }
ok "monitor at 120/m took 2 to 7 samples in 2s, not 4 a second ($n)" \
    test "${n:-0}" -ge 2 -a "${n:-0}" -le 7
stop_target

done_testing
