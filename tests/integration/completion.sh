#!/bin/sh
# Shell completion, driven for real: scripts/completion/loadtop
# sourced into a bash without rc files, its function called with
# COMP_WORDS and COMP_CWORD set as bash sets them, against the built
# loadtop.  It must offer every command and every option each command's
# --help lists, the values of --transport, --format and --by, *.yaml
# files and directories for a scenario, and directories for --report.
# The zsh function is syntax-checked and its specs looked at.
. "$top_srcdir/tests/lib.sh"

BASH_COMP="$top_srcdir/scripts/completion/loadtop"
ZSH_COMP="$top_srcdir/scripts/completion/_loadtop"

# comp WORD...: what the completion offers for the last WORD, sorted,
# one a line; run in $T_TMP/files.
comp() {
	(cd "$T_TMP/files" && bash --norc --noprofile -c '
		. "$1"
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		_loadtop
		printf "%s\n" "${COMPREPLY[@]}"' comp "$BASH_COMP" "$LOADTOP" "$@") |
		sed '/^$/d' | sort -u
}

# words WORD...: the words, sorted, one a line.
words() {
	printf '%s\n' "$@" | sort -u
}

mkdir -p "$T_TMP/files/scn" "$T_TMP/files/reports"
: >"$T_TMP/files/one.yaml"
: >"$T_TMP/files/two.yaml"
: >"$T_TMP/files/notes.txt"

is "$(bash --norc --noprofile -c '. "$1"; complete -p loadtop' comp "$BASH_COMP")" \
    "complete -F _loadtop loadtop" "complete -p loadtop names _loadtop"

# The commands, as loadtop --help lists them.
cmds=$("$LOADTOP" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p')
like "$cmds" "^demo$" "loadtop --help lists commands"
# shellcheck disable=SC2086
is "$(comp "")" "$(words $cmds one.yaml two.yaml reports/ scn/ | sed 's|/$||')" \
    "loadtop TAB: the commands, the *.yaml files and the directories"
is "$(comp mo)" "monitor" "loadtop mo TAB: monitor"
is "$(comp o)" "one.yaml" "loadtop o TAB: one.yaml"
is "$(comp n)" "" "loadtop n TAB: no .txt file for a scenario"
is "$(comp check t)" "two.yaml" "loadtop check t TAB: two.yaml"
is "$(comp one.yaml "")" "" "nothing after a run's scenario"

# Every option of every command's --help, and only those.
help_opts() {
	"$LOADTOP" "$@" --help |
		sed -n 's/^  \(-[A-Za-z], \|    \)\(--[a-z0-9-]*\).*/\2/p' | sort -u
}
for c in run $cmds; do
	if [ "$c" = run ]; then
		is "$(comp --)" "$(help_opts)" "loadtop --TAB: the options of --help"
	else
		is "$(comp "$c" --)" "$(help_opts "$c")" \
		    "loadtop $c --TAB: the options of $c --help"
	fi
done
is "$(comp --tr)" "--transport" "loadtop --tr TAB: --transport"
is "$(comp -q demo --tr)" "--transport" "options of demo after loadtop -q demo"
is "$(comp monitor --pi)" "$(words --pid --pid-file)" "monitor --pi TAB"
like "$(comp -)" "^-c$" "loadtop - TAB offers short options"

# Values, as --help spells the choices.
transports=$("$LOADTOP" --help | sed -n 's/.*--transport=\([a-z|]*\).*/\1/p' | tr '|' ' ')
formats=$("$LOADTOP" compare --help | sed -n 's/.*--format=\([a-z|]*\).*/\1/p' | tr '|' ' ')
like "$transports" "raw" "--help names the transports"
# shellcheck disable=SC2086
is "$(comp --transport "")" "$(words $transports)" "--transport TAB: its values"
is "$(comp --transport r)" "raw" "--transport r TAB: raw"
is "$(comp --transport=c)" "curl" "--transport=c TAB: curl"
is "$(comp --transport = a)" "auto" "--transport = a TAB, split at '=': auto"
is "$(comp demo --transport "")" "$(words $transports)" "demo --transport TAB"
# shellcheck disable=SC2086
is "$(comp compare --format "")" "$(words $formats)" "compare --format TAB: its values"
is "$(comp compare --format j)" "json" "compare --format j TAB: json"
is "$(comp compare --by "")" "$(words phase request)" "compare --by TAB: phase request"
is "$(comp --report "")" "$(words reports scn)" "--report TAB: directories only"
is "$(comp -c "")" "" "-c TAB: a number, nothing offered"
is "$(comp -c 10 o)" "one.yaml" "after -c 10, the scenario"
is "$(comp -H "X: 1" -H "Y: 2" o)" "one.yaml" "after -H given twice, the scenario"
is "$(comp --pid-file "")" "$(words notes.txt one.yaml reports scn two.yaml)" "--pid-file TAB, a repeatable file: files"

if command -v zsh >/dev/null 2>&1; then
	ok "zsh -n _loadtop" zsh -n "$ZSH_COMP"
	# _arguments and _alternative stand in for zsh's own, to see what
	# the function hands them.
	zout=$(cd "$T_TMP/files" && zsh -f -c '
		_arguments() { print -r -- "${(F)@}"; state=first }
		_alternative() { print -r -- "${(F)@}" }
		. "$1" >/dev/null 2>&1
		words=("$2" compare --f); CURRENT=3; _loadtop
		words=("$2" ""); CURRENT=2; _loadtop' comp "$ZSH_COMP" "$LOADTOP")
	like "$zout" '^--format=:value:\(text md json\)$' "zsh: compare --format's values"
	like "$zout" '^--transport=:value:\(auto raw curl\)$' "zsh: --transport's values"
	like "$zout" "^commands:command:\\($(echo $cmds)\\)$" "zsh: the commands"
	like "$zout" '^-c\+:value: $' "zsh: -c takes a value"
	like "$zout" '^\*--header=:value: $' "zsh: --header may be given again"
	like "$zout" '^\*-H\+:value: $' "zsh: -H may be given again"
	like "$zout" '^--connections=:value: $' "zsh: --connections once"
else
	echo "ok $((T_N = T_N + 1)) # SKIP zsh is not installed"
fi

done_testing
exit $((T_FAILED > 0))
