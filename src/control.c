/* Sending commands through a control. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "util.h"

static const char *const control_names[CONTROL__COUNT] = {
	[CONTROL_PAUSE] = "pause",
	[CONTROL_SCALE] = "scale",
	[CONTROL_NEXT_PHASE] = "next phase",
	[CONTROL_STOP] = "stop",
	[CONTROL_REPORT] = "report",
};

const char *
control_name(enum control_kind k)
{
	return (unsigned)k < CONTROL__COUNT ? control_names[k] : "?";
}

/* A report is written by whoever the control was given to, not by the
 * session it steers. */
static int
control_report(const struct control *c, struct control_result *res,
    char **cause)
{
	struct snapshot *s;

	if (c->report == NULL) {
		*cause = xstrdup("reports are off (--no-report)");
		return -1;
	}
	if ((s = control_snapshot(c)) == NULL) {
		*cause = xstrdup("nothing to report yet");
		return -1;
	}
	res->path = c->report(c->report_arg, s, cause);
	snapshot_release(s);
	if (res->path == NULL && *cause == NULL)
		*cause = xstrdup("unknown error");
	return res->path != NULL ? 0 : -1;
}

int
control_send(const struct control *c, const struct control_cmd *cmd,
    struct control_result *res, char **cause)
{
	struct control_result scratch;

	if (res == NULL)
		res = &scratch;
	memset(res, 0, sizeof *res);
	*cause = NULL;
	if ((unsigned)cmd->kind >= CONTROL__COUNT) {
		xasprintf(cause, "unknown command %d", (int)cmd->kind);
		return -1;
	}
	if (cmd->kind == CONTROL_REPORT)
		return control_report(c, res, cause);
	if (c->ops == NULL || c->ops->command == NULL) {
		xasprintf(cause, "%s: nothing to steer",
		    control_name(cmd->kind));
		return -1;
	}
	return c->ops->command(c->self, cmd, res, cause);
}

struct snapshot *
control_snapshot(const struct control *c)
{
	if (c->ops == NULL || c->ops->snapshot == NULL)
		return NULL;
	return c->ops->snapshot(c->self);
}

bool
control_wait(const struct control *c, int64_t timeout_us)
{
	if (c->ops == NULL || c->ops->wait == NULL)
		return true;
	return c->ops->wait(c->self, timeout_us);
}

void
control_stop(const struct control *c, enum end_reason why)
{
	char *cause = NULL;

	control_send(c, &(struct control_cmd){ .kind = CONTROL_STOP,
	    .reason = why }, NULL, &cause);
	free(cause);
}

void
control_stop_now(const struct control *c, enum end_reason why)
{
	char *cause = NULL;

	control_send(c, &(struct control_cmd){ .kind = CONTROL_STOP,
	    .reason = why, .now = true }, NULL, &cause);
	free(cause);
}

enum control_signal_step
control_take_signal(const struct control *c, struct control_signals *seen,
    pid_t sender)
{
	int64_t now = util_now_us();

	if (seen->n > 0 && sender != 0 && sender == seen->sender &&
	    now - seen->first_us < 100000)
		return CONTROL_SIGNAL_TWIN;
	if (seen->n++ == 0) {
		seen->sender = sender;
		seen->first_us = now;
		control_stop(c, END_SIGNAL);
		return CONTROL_SIGNAL_STOP;
	}
	control_stop_now(c, END_SIGNAL);
	return CONTROL_SIGNAL_NOW;
}

