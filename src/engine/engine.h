/*
 * The load engine: runs a scenario's phases in order on a pool of worker
 * threads, publishes a snapshot every interval, and takes live controls
 * (pause, scale, next phase, stop) from any thread.
 */
#ifndef LT_ENGINE_H
#define LT_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "control.h"
#include "snapshot.h"

struct monitor;
struct scenario;

/* The most worker threads a run may have. */
#define ENGINE_MAX_THREADS 256u

struct engine_opts {
	unsigned threads;		/* 0: one per core */
	int64_t interval_us;		/* snapshot interval, default 1s */
	/* The monitors of the processes watched, and their names; none
	 * when nmonitors is 0.  Leak phases sample the first after each
	 * batch; every snapshot carries their views; the run ends
	 * (target_exited) when one does, unless it may_exit. */
	struct monitor *const *monitors;
	const char *const *monitor_names;
	const bool *may_exit;
	size_t nmonitors;
	/* Called from the engine thread after each snapshot is published. */
	void	(*on_snapshot)(void *arg, struct snapshot *);
	void *snapshot_arg;
};

struct engine;

struct engine *engine_new(const struct scenario *, const struct engine_opts *,
	     char **cause);
int	 engine_start(struct engine *, char **cause);
/*
 * The run's controls (control.h): pause, scale, next phase, stop.  They
 * may be sent from any thread; the engine thread applies them and
 * publishes a snapshot that shows them.
 */
struct control engine_control(struct engine *);
void	 engine_free(struct engine *);

#endif
