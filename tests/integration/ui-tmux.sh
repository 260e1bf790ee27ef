# The tmux harness of the dashboard's tests, sourced after tests/lib.sh:
# a pane per dashboard, its text polled until it shows what is wanted.

# One tmux server per pane, each on its own socket, all killed at the end.
NPANE=0
SOCK=""
trap 'for s in $SOCKS; do tmux -L "$s" kill-server 2>/dev/null; done; t_cleanup' EXIT
SOCKS=""

tm() {
	tmux -L "$SOCK" "$@"
}

# shot: the pane's text now, in $SHOT.
shot() {
	SHOT=$(tm capture-pane -p -t ui 2>/dev/null)
}

# wait_for REGEX [SECONDS]: poll the pane until it matches.
wait_for() {
	_end=$(( $(date +%s) + ${2:-10} ))
	while :; do
		shot
		printf '%s\n' "$SHOT" | grep -Eq -- "$1" && return 0
		[ "$(date +%s)" -ge "$_end" ] && return 1
		sleep 0.2
	done
}

# wait_gone REGEX [SECONDS]: poll the pane until it no longer matches.
wait_gone() {
	_end=$(( $(date +%s) + ${2:-10} ))
	while :; do
		shot
		printf '%s\n' "$SHOT" | grep -Eq -- "$1" || return 0
		[ "$(date +%s)" -ge "$_end" ] && return 1
		sleep 0.2
	done
}

# start_pane CMD: a 100x30 pane running CMD, kept when it exits.
start_pane() {
	[ -n "$SOCK" ] && tm kill-server 2>/dev/null
	NPANE=$((NPANE + 1))
	SOCK="loadtop-ui-$$-$NPANE"
	SOCKS="$SOCKS $SOCK"
	tm -f /dev/null new-session -d -s ui -x 100 -y 30 \
	    "cd '$T_TMP' && $1; echo \"loadtop exited with \$?\"; sleep 60"
	tm set-option -t ui remain-on-exit on >/dev/null
}
