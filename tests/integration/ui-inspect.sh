#!/bin/sh
# The dashboard's view of checks, outcomes, statuses, groups and flows,
# in a tmux pane against loadtop-target: the signed-webhook example with
# its outcomes, then the login flow.
. "$top_srcdir/tests/lib.sh"

if ! command -v tmux >/dev/null 2>&1; then
	echo "1..0 # SKIP tmux is not installed"
	exit 0
fi

. "$top_srcdir/tests/integration/ui-tmux.sh"

start_target
sed 's/duration: 30s/duration: 60s/' "$SCENARIOS/webhook-outcomes.yaml" \
    >"$T_TMP/w.yaml"

start_pane "LOADTOP_TARGET_SECRET=loadtop-demo-secret LC_ALL=C.UTF-8 '$LOADTOP' w.yaml --base-url $TARGET_URL --pid $TARGET_PID --no-report --fps 10"
if wait_for 'loadtop +webhook-outcomes +phase 1/1' 15; then
	ok "the dashboard comes up" true
else
	printf '%s\n' "$SHOT" | sed 's/^/# /'
	echo "Bail out! the dashboard did not come up"
	exit 1
fi
ok "the overview shows the checks' pass rate" \
    wait_for 'checks 100\.00% passed, 0 failed' 10
tm send-keys -t ui Tab
ok "the requests view has a checks column" wait_for 'request .* chk%' 5
like "$SHOT" 'group:webhooks +[0-9]+ ' "a row for the group"
ok "the selected request's statuses" wait_for 'statuses: 200 x [0-9]+' 5
like "$SHOT" 'json /status in \[dry_run' "its checks, by name"
like "$SHOT" 'outcome +[0-9]+ responses' "its outcome"
like "$SHOT" ' (ignored|dry_run) +[0-9]+ +[0-9.]+%' "with the values' counts and shares"
tm send-keys -t ui q
ok "q quits" wait_for 'loadtop exited with 0' 10

# The flow: its iterations in the requests view.
sed 's/duration: 30s/duration: 60s/' "$SCENARIOS/flow-login.yaml" \
    >"$T_TMP/f.yaml"
start_pane "LC_ALL=C.UTF-8 '$LOADTOP' f.yaml --base-url $TARGET_URL --pid $TARGET_PID --no-report --fps 10"
ok "the flow's dashboard comes up" wait_for 'loadtop +flow-login +phase 1/2' 15
tm send-keys -t ui Tab
ok "the requests view lists the flow" wait_for 'session +[0-9]+' 10
like "$SHOT" 'login +[0-9]+' "and its requests"
tm resize-window -t ui -x 80 -y 24 2>/dev/null
ok "at 80x24 it still shows the flow" wait_for 'session +[0-9]+' 5
ok "and the footer" wait_for 'q quit' 5
tm send-keys -t ui q
ok "q quits" wait_for 'loadtop exited with 0' 10

done_testing
