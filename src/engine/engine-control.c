/*
 * The engine's side of the control interface (control.h): commands from
 * any thread, as a table; the engine thread applies them and publishes a
 * snapshot that shows the change.
 */
#include "config.h"

#include <errno.h>
#include <time.h>

#include "control.h"
#include "engine-int.h"
#include "util.h"

typedef int (*engine_cmd_fn)(struct engine *, const struct control_cmd *,
    struct control_result *, char **);

void
engine_stop(struct engine *e, enum end_reason reason)
{
	pthread_mutex_lock(&e->lock);
	if (!e->stop) {
		e->stop = true;
		e->reason = reason;
	}
	pthread_cond_broadcast(&e->cond);
	pthread_mutex_unlock(&e->lock);
}

static int
engine_cmd_pause(struct engine *e, const struct control_cmd *cmd,
    struct control_result *res, char **cause)
{
	pthread_mutex_lock(&e->lock);
	e->paused = !e->paused;
	res->paused = e->paused;
	pthread_cond_broadcast(&e->cond);
	pthread_mutex_unlock(&e->lock);
	return 0;
}

static int
engine_cmd_scale(struct engine *e, const struct control_cmd *cmd,
    struct control_result *res, char **cause)
{
	if (!(cmd->by > 0)) {
		xasprintf(cause, "scale by %g: must be more than 0", cmd->by);
		return -1;
	}
	pthread_mutex_lock(&e->lock);
	e->factor = LT_MIN(LT_MAX(e->factor * cmd->by, ENGINE_FACTOR_MIN),
	    ENGINE_FACTOR_MAX);
	res->factor = e->factor;
	pthread_cond_broadcast(&e->cond);
	pthread_mutex_unlock(&e->lock);
	return 0;
}

static int
engine_cmd_next_phase(struct engine *e, const struct control_cmd *cmd,
    struct control_result *res, char **cause)
{
	pthread_mutex_lock(&e->lock);
	e->next = true;
	pthread_cond_broadcast(&e->cond);
	pthread_mutex_unlock(&e->lock);
	return 0;
}

static int
engine_cmd_stop(struct engine *e, const struct control_cmd *cmd,
    struct control_result *res, char **cause)
{
	engine_stop(e, cmd->reason);
	if (cmd->now) {
		pthread_mutex_lock(&e->lock);
		e->stop_now = true;
		pthread_cond_broadcast(&e->cond);
		pthread_mutex_unlock(&e->lock);
	}
	return 0;
}

static const engine_cmd_fn engine_commands[CONTROL__COUNT] = {
	[CONTROL_PAUSE] = engine_cmd_pause,
	[CONTROL_SCALE] = engine_cmd_scale,
	[CONTROL_NEXT_PHASE] = engine_cmd_next_phase,
	[CONTROL_STOP] = engine_cmd_stop,
};

static int
engine_control_command(void *self, const struct control_cmd *cmd,
    struct control_result *res, char **cause)
{
	engine_cmd_fn fn = engine_commands[cmd->kind];

	if (fn == NULL) {
		xasprintf(cause, "the engine does not take '%s'",
		    control_name(cmd->kind));
		return -1;
	}
	return fn(self, cmd, res, cause);
}

/* Wait up to timeout_us (-1: forever) for the run to end; true if over. */
static bool
engine_control_wait(void *self, int64_t timeout_us)
{
	struct engine *e = self;
	struct timespec ts;
	bool done;

	if (timeout_us >= 0)
		util_deadline(&ts, timeout_us * 1000);
	pthread_mutex_lock(&e->lock);
	while (!e->done) {
		if (timeout_us < 0)
			pthread_cond_wait(&e->cond, &e->lock);
		else if (pthread_cond_timedwait(&e->cond, &e->lock, &ts) ==
		    ETIMEDOUT)
			break;
	}
	done = e->done;
	pthread_mutex_unlock(&e->lock);
	return done;
}

/* The latest snapshot, held for the caller. */
static struct snapshot *
engine_snapshot(struct engine *e)
{
	struct snapshot *s;

	pthread_mutex_lock(&e->snap_lock);
	s = e->snap;
	if (s != NULL)
		snapshot_hold(s);
	pthread_mutex_unlock(&e->snap_lock);
	return s;
}

static struct snapshot *
engine_control_snapshot(void *self)
{
	return engine_snapshot(self);
}

static const struct control_ops engine_control_ops = {
	.command = engine_control_command,
	.snapshot = engine_control_snapshot,
	.wait = engine_control_wait,
};

struct control
engine_control(struct engine *e)
{
	return (struct control){ .ops = &engine_control_ops, .self = e };
}
