#!/bin/sh
# make install and make uninstall into a DESTDIR, from the build tree:
# the programs, the manual pages, the scenarios and both completions go
# where configure said under DESTDIR, and nothing outside it changes;
# the installed loadtop runs, its completion completes, and loadtop demo
# runs the loadtop-target and demo.yaml installed beside it; uninstall
# leaves no file behind (empty directories only).
. "$top_srcdir/tests/lib.sh"

D="$T_TMP/dest"
# make in the build tree, without the jobserver of a make check above.
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "${MAKE:-make}" -s \
	    --no-print-directory -C "$top_builddir" "$@"
}

# The directories as configured, from the Makefile itself.
printf 'lt-print-dirs:\n\t@echo $(bindir) $(mandir) $(pkgdatadir) $(bashcompletiondir) $(zshcompletiondir)\n' \
    >"$T_TMP/dirs.mk"
# shellcheck disable=SC2046
set -- $(mk -f Makefile -f "$T_TMP/dirs.mk" lt-print-dirs)
bindir=$1 mandir=$2 pkgdatadir=$3 bashcompdir=$4 zshcompdir=$5
like "$bindir $mandir $pkgdatadir $bashcompdir $zshcompdir" \
    '^/[^ ]+ /[^ ]+ /[^ ]+ /[^ ]+ /[^ ]+$' "the install directories, absolute"

# What the real prefix holds now, to see that the install leaves it be.
real_before=$(ls -l "$bindir/loadtop" "$pkgdatadir" 2>&1)

mk install DESTDIR="$D" >"$T_TMP/install.out" 2>&1
rc=$?
is "$rc" 0 "make install DESTDIR=..."
[ "$rc" -eq 0 ] || sed 's/^/# /' "$T_TMP/install.out" | tail -20

for f in "$bindir/loadtop" "$bindir/loadtop-target"; do
	ok "$f is installed, executable" test -x "$D$f"
done
for f in man1/loadtop.1 man1/loadtop-target.1 man5/loadtop-scenario.5 \
    man5/loadtop-report.5; do
	ok "$mandir/$f is installed" test -s "$D$mandir/$f"
done
for f in "$top_srcdir"/scenarios/*.yaml; do
	f=$(basename "$f")
	ok "scenarios/$f is installed" cmp -s "$top_srcdir/scenarios/$f" \
	    "$D$pkgdatadir/scenarios/$f"
done
ok "the bash completion in $bashcompdir" test -s "$D$bashcompdir/loadtop"
ok "the zsh completion in $zshcompdir" test -s "$D$zshcompdir/_loadtop"
is "$(ls -l "$bindir/loadtop" "$pkgdatadir" 2>&1)" "$real_before" \
    "the real prefix is as it was"

LT="$D$bindir/loadtop"
is "$("$LT" --version)" "$("$LOADTOP" --version)" "the installed loadtop runs"
is "$(bash --norc --noprofile -c '. "$1"; COMP_WORDS=("$2" mo); COMP_CWORD=1
	_loadtop; echo "${COMPREPLY[*]}"' comp "$D$bashcompdir/loadtop" "$LT")" \
    "monitor" "the installed completion completes with the installed loadtop"
ok "the installed loadtop's --check takes the installed examples" \
    "$LT" --check "$D$pkgdatadir/scenarios/demo.yaml"

# loadtop demo from the staged copy: a few seconds of it, then Ctrl-C,
# which ends the run with its report.
: >"$T_TMP/demo.err"
TMPDIR=$T_TMP "$LT" demo --headless --quiet -t 1 --report "$T_TMP/demo" \
    >"$T_TMP/demo.out" 2>"$T_TMP/demo.err" &
demo=$!
T_PIDS="$T_PIDS $demo"
i=0
tpid=""
while [ $i -lt 100 ] && [ -z "$tpid" ]; do
	tpid=$(sed -n 's/^loadtop: demo: loadtop-target (pid \([0-9]*\)).*/\1/p' \
	    "$T_TMP/demo.err")
	[ -n "$tpid" ] || sleep 0.1
	i=$((i + 1))
done
like "$tpid" '^[0-9]+$' "loadtop demo started its target"
is "$(readlink "/proc/$tpid/exe" 2>/dev/null)" "$D$bindir/loadtop-target" \
    "the target is the installed loadtop-target"
sleep 2
kill -INT "$demo"
wait "$demo"
rc=$?
like "$rc" '^[01]$' "loadtop demo ends on Ctrl-C with a verdict (0 or 1)"
sed 's/^/# /' "$T_TMP/demo.err" | tail -5
ok "the demo wrote its report" test -s "$T_TMP/demo/report.json"
if command -v python3 >/dev/null 2>&1; then
	is "$(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(r["scenario"]["file"], r["totals"]["responses"] > 0)' \
	    "$T_TMP/demo/report.json" 2>&1)" \
	    "$D$pkgdatadir/scenarios/demo.yaml True" \
	    "the demo ran the installed demo.yaml and got answers"
fi

mk uninstall DESTDIR="$D" >"$T_TMP/uninstall.out" 2>&1
is "$?" 0 "make uninstall DESTDIR=..."
is "$(cd "$D" && find . ! -type d | sort)" "" \
    "uninstall leaves no file behind"
is "$(ls -l "$bindir/loadtop" "$pkgdatadir" 2>&1)" "$real_before" \
    "the real prefix is still as it was"

done_testing
exit $((T_FAILED > 0))
