#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libproc2/meminfo.h>
#include <libproc2/misc.h>
#include <libproc2/stat.h>

#include "proc2-compat.h"
#include "proc-read.h"
#include "proc-sample.h"
#include "util.h"

enum procsample_rel {
	REL_PID,
	REL_PPID,
	REL_STATE,
	REL_CMD,
	REL_TICS,
	REL_BEGAN,
	REL_RSS,
	REL_VSZ,
	REL_NLWP,
};

static enum pids_item procsample_items[] = {
	PIDS_ID_PID,
	PIDS_ID_PPID,
	PIDS_STATE,
	PIDS_CMD,
	PIDS_TICS_ALL,
	PIDS_TICS_BEGAN,
	PIDS_MEM_RES,		/* statm: no parse of status */
	PIDS_MEM_VIRT,
	PIDS_NLWP,
};

/* Tree discovery needs only /proc/PID/stat of every process. */
static enum pids_item procsample_tree_items[] = {
	PIDS_ID_PID,
	PIDS_ID_PPID,
	PIDS_STATE,
};

/* Read apart from the rest: see proc_sample_memory. */
static enum pids_item procsample_smaps_items[] = {
	PIDS_ID_PID,
	PIDS_SMAP_PSS,
	PIDS_SMAP_PRV_TOTAL,
};

/* Reading smaps_rollup may take this share of a core at most. */
#define PROCSAMPLE_SMAPS_SHARE 400

static enum stat_item procsample_stat_items[] = {
	STAT_TIC_SUM_BUSY,
	STAT_TIC_SUM_TOTAL,
};

static enum meminfo_item procsample_mem_items[] = {
	MEMINFO_MEM_AVAILABLE,
	MEMINFO_MEM_TOTAL,
};

struct procsample_tracked {
	struct procsample_member m;
	int64_t cpu_ns;			/* CPU time so far */
};

struct procsample {
	pid_t root;
	bool tree;
	pid_t self;
	bool gone;			/* root exited or PID reused */
	unsigned long long root_start;

	struct pids_info *full;
	struct pids_info *lite;
	struct pids_info *smaps;
	struct stat_info *stat;
	struct meminfo_info *mem;
	long hertz;
	int ncpu;

	struct procsample_tracked *cur, *prev;
	size_t ncur, nprev;
	struct procsample_member *born, *died;
	size_t nborn, ndied;

	bool have_prev;
	int64_t prev_us;
	int64_t scan_us;		/* last scan of every process (tree) */
	int64_t used_ns;		/* CPU time of the members, summed */
	int64_t self_prev_ns, self_prev_us;	/* our own, once a second */
	double self_cpu;
	unsigned long long host_busy_prev, host_total_prev;

	/* Read once a second whatever the rate, the latest in between. */
	int64_t fds_next_us;
	bool fds_due;			/* this sample reads them */
	int fds;
	/* A lone process: in full once a second, quickly in between. */
	struct proc_read quick;
	int64_t full_next_us;
	int threads;
	int64_t host_next_us;
	double host_cpu;
	int64_t host_mem_available, host_mem_total;
	double load[3];

	int64_t smaps_next_us;		/* when to read smaps_rollup again */
	bool mem_detail;		/* the latest read's figures */
	int64_t pss, uss;
};

struct procsample *
proc_sample_new(pid_t root, bool tree, char **cause)
{
	struct procsample *ps = xcalloc(1, sizeof *ps);

	ps->root = root;
	ps->tree = tree;
	ps->quick.statm_fd = -1;
	if (!tree)
		proc_read_open(&ps->quick, root);
	ps->self = getpid();
	ps->hertz = procps_hertz_get();
	ps->ncpu = (int)procps_cpu_count();
	if (ps->hertz <= 0)
		ps->hertz = 100;
	if (ps->ncpu <= 0)
		ps->ncpu = 1;
	if (procps_pids_new(&ps->full, procsample_items,
	    LT_NELEM(procsample_items)) < 0 ||
	    (tree && procps_pids_new(&ps->lite, procsample_tree_items,
	    LT_NELEM(procsample_tree_items)) < 0) ||
	    procps_pids_new(&ps->smaps, procsample_smaps_items,
	    LT_NELEM(procsample_smaps_items)) < 0 ||
	    procps_stat_new(&ps->stat) < 0 ||
	    procps_meminfo_new(&ps->mem) < 0) {
		xasprintf(cause, "cannot read /proc: %s", strerror(errno));
		proc_sample_free(ps);
		return NULL;
	}
	return ps;
}

void
proc_sample_free(struct procsample *ps)
{
	if (ps == NULL)
		return;
	proc_read_close(&ps->quick);
	if (ps->full != NULL)
		procps_pids_unref(&ps->full);
	if (ps->lite != NULL)
		procps_pids_unref(&ps->lite);
	if (ps->smaps != NULL)
		procps_pids_unref(&ps->smaps);
	if (ps->stat != NULL)
		procps_stat_unref(&ps->stat);
	if (ps->mem != NULL)
		procps_meminfo_unref(&ps->mem);
	free(ps->cur);
	free(ps->prev);
	free(ps->born);
	free(ps->died);
	free(ps);
}

int
proc_sample_ncpu(const struct procsample *ps)
{
	return ps->ncpu;
}

/* The PIDs to read: the root, and its descendants in tree mode. */
static unsigned *
proc_sample_targets(struct procsample *ps, size_t *n)
{
	struct pids_fetch *f;
	unsigned *out;
	pid_t *pid, *ppid;
	bool *in, changed;
	size_t i, total, nout = 0;
	int64_t now = util_now_us();

	/*
	 * Scanning all of /proc is the costly part: at most once a second.
	 * In between, the known members are read, so deaths still show at
	 * once and newcomers within a second.
	 */
	if (ps->tree && ps->have_prev && now - ps->scan_us < 1000000) {
		out = xcalloc(ps->nprev + 1, sizeof *out);
		out[nout++] = (unsigned)ps->root;
		for (i = 0; i < ps->nprev; i++) {
			if (ps->prev[i].m.pid != ps->root)
				out[nout++] = (unsigned)ps->prev[i].m.pid;
		}
		*n = nout;
		return out;
	}
	if (ps->tree)
		ps->scan_us = now;
	if (!ps->tree || (f = procps_pids_reap(ps->lite,
	    PIDS_FETCH_TASKS_ONLY)) == NULL) {
		out = xcalloc(1, sizeof *out);
		out[0] = (unsigned)ps->root;
		*n = 1;
		return out;
	}
	total = f->counts->total > 0 ? (size_t)f->counts->total : 0;
	pid = xcalloc(total, sizeof *pid);
	ppid = xcalloc(total, sizeof *ppid);
	in = xcalloc(total, sizeof *in);
	for (i = 0; i < total; i++) {
		pid[i] = LT_PIDS_VAL(0, s_int, f->stacks[i], ps->lite);
		ppid[i] = LT_PIDS_VAL(1, s_int, f->stacks[i], ps->lite);
		in[i] = pid[i] == ps->root;
	}
	/* Mark children of marked processes until nothing changes. */
	do {
		size_t j;

		changed = false;
		for (i = 0; i < total; i++) {
			if (in[i])
				continue;
			for (j = 0; j < total; j++) {
				if (in[j] && pid[j] == ppid[i]) {
					in[i] = changed = true;
					break;
				}
			}
		}
	} while (changed);
	out = xcalloc(total + 1, sizeof *out);
	out[nout++] = (unsigned)ps->root;
	for (i = 0; i < total; i++) {
		if (in[i] && pid[i] != ps->root && pid[i] != ps->self)
			out[nout++] = (unsigned)pid[i];
	}
	free(pid);
	free(ppid);
	free(in);
	*n = nout;
	return out;
}

static const struct procsample_tracked *
proc_sample_find(const struct procsample_tracked *v, size_t n,
    const struct procsample_member *m)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i].m.pid == m->pid && v[i].m.start == m->start)
			return &v[i];
	}
	return NULL;
}

static void
proc_sample_host(struct procsample *ps, struct procsample_result *r)
{
	struct stat_stack *st;
	struct meminfo_stack *mi;
	unsigned long long busy, total;

	if (r->t_us < ps->host_next_us) {
		r->host_cpu = ps->host_cpu;
		r->host_mem_available = ps->host_mem_available;
		r->host_mem_total = ps->host_mem_total;
		memcpy(r->load, ps->load, sizeof r->load);
		return;
	}
	ps->host_next_us = r->t_us + 1000000;
	if ((st = procps_stat_select(ps->stat, procsample_stat_items,
	    LT_NELEM(procsample_stat_items))) != NULL) {
		busy = STAT_VAL(0, ull_int, st, ps->stat);
		total = STAT_VAL(1, ull_int, st, ps->stat);
		if (ps->have_prev && total > ps->host_total_prev)
			r->host_cpu = 100.0 * (busy - ps->host_busy_prev) /
			    (total - ps->host_total_prev);
		ps->host_busy_prev = busy;
		ps->host_total_prev = total;
	}
	if ((mi = procps_meminfo_select(ps->mem, procsample_mem_items,
	    LT_NELEM(procsample_mem_items))) != NULL) {
		r->host_mem_available =
		    (int64_t)MEMINFO_VAL(0, ul_int, mi, ps->mem) * 1024;
		r->host_mem_total =
		    (int64_t)MEMINFO_VAL(1, ul_int, mi, ps->mem) * 1024;
	}
	procps_loadavg(&r->load[0], &r->load[1], &r->load[2]);
	ps->host_cpu = r->host_cpu;
	ps->host_mem_available = r->host_mem_available;
	ps->host_mem_total = r->host_mem_total;
	memcpy(ps->load, r->load, sizeof ps->load);
}

/* Read the targets. */
static struct pids_fetch *
proc_sample_fetch(struct procsample *ps)
{
	struct pids_fetch *f;
	unsigned *pids;
	size_t npids = 0;

	pids = proc_sample_targets(ps, &npids);
	f = procps_pids_select(ps->full, pids, (int)npids, PIDS_SELECT_PID);
	free(pids);
	return f;
}

/* CPU time so far, from the CPU-time clock, else from the ticks. */
static int64_t
proc_sample_cpu_ns(const struct procsample *ps, pid_t pid,
    unsigned long long ticks)
{
	int64_t ns;

	return proc_read_cpu_ns(pid, &ns) ? ns : (int64_t)(ticks *
	    (1000000000ULL / (unsigned long long)ps->hertz));
}

/*
 * Keep one process in ps->cur, noting whether it is the root; false when
 * the root's PID turns out to name another process now.
 */
static bool
proc_sample_track(struct procsample *ps, struct pids_stack *s,
    struct procsample_result *r)
{
	struct procsample_tracked *t = &ps->cur[ps->ncur];

	t->m.pid = LT_PIDS_VAL(REL_PID, s_int, s, ps->full);
	t->m.ppid = LT_PIDS_VAL(REL_PPID, s_int, s, ps->full);
	t->m.start = LT_PIDS_VAL(REL_BEGAN, ull_int, s, ps->full);
	snprintf(t->m.cmd, sizeof t->m.cmd, "%s",
	    LT_PIDS_VAL(REL_CMD, str, s, ps->full));
	if (t->m.pid == ps->root) {
		if (ps->root_start == 0)
			ps->root_start = t->m.start;
		else if (t->m.start != ps->root_start) {
			r->reused = true;
			ps->gone = true;
			return false;
		}
		r->alive = true;
	}
	t->cpu_ns = proc_sample_cpu_ns(ps, t->m.pid,
	    LT_PIDS_VAL(REL_TICS, ull_int, s, ps->full));
	ps->ncur++;
	return true;
}

/* Add a kept process to the sums; returns its CPU time in this interval. */
static int64_t
proc_sample_sum(struct procsample *ps, struct pids_stack *s,
    const struct procsample_tracked *t, struct procsample_result *r)
{
	const struct procsample_tracked *old;
	int fds;

	r->rss += (int64_t)LT_PIDS_VAL(REL_RSS, ul_int, s, ps->full) * 1024;
	r->vsz += (int64_t)LT_PIDS_VAL(REL_VSZ, ul_int, s, ps->full) * 1024;
	r->threads += LT_PIDS_VAL(REL_NLWP, s_int, s, ps->full);
	if (!ps->fds_due)
		fds = 0;
	else if ((fds = proc_read_fds(t->m.pid)) < 0 &&
	    t->m.pid == ps->root)
		r->fds = -1;
	else if (fds > 0 && r->fds >= 0)
		r->fds += fds;
	/* A newcomer's CPU time all falls in this interval. */
	old = proc_sample_find(ps->prev, ps->nprev, &t->m);
	if (old != NULL)
		return t->cpu_ns - LT_MIN(old->cpu_ns, t->cpu_ns);
	return ps->have_prev ? t->cpu_ns : 0;
}

/*
 * Keep and sum the live processes of f.  Returns the CPU time they used
 * since the last sample.
 */
static int64_t
proc_sample_read(struct procsample *ps, struct pids_fetch *f,
    struct procsample_result *r)
{
	size_t i, n = (size_t)f->counts->total;
	struct pids_stack *s;
	int64_t used = 0;
	char state;

	ps->cur = xreallocarray(ps->cur, n + 1, sizeof *ps->cur);
	for (i = 0; i < n; i++) {
		s = f->stacks[i];
		state = LT_PIDS_VAL(REL_STATE, s_ch, s, ps->full);
		if (state == 'Z' || state == 'X')
			continue;
		if (!proc_sample_track(ps, s, r))
			break;
		used += proc_sample_sum(ps, s, &ps->cur[ps->ncur - 1], r);
	}
	if (!r->alive) {
		/* Without the root, the tree is not ours to watch any more. */
		ps->gone = true;
		ps->ncur = 0;
		r->rss = r->vsz = 0;
		r->threads = r->fds = 0;
		used = 0;
	}
	r->nprocs = (int)ps->ncur;
	return used;
}

/*
 * PSS and USS of the members, from smaps_rollup.  The kernel walks every
 * resident page to make it (some 13 us per MB), so it is read at most
 * once a second, and less often for a big process, so that it costs at
 * most 1/PROCSAMPLE_SMAPS_SHARE of a core; in between, the latest
 * figures stand.  A PSS of 0 means the file could not be read.
 */
static void
proc_sample_memory(struct procsample *ps, struct procsample_result *r)
{
	struct pids_fetch *f;
	unsigned *pids;
	int64_t t0 = util_now_us();
	size_t i, n;

	if (ps->ncur > 0 && t0 >= ps->smaps_next_us) {
		pids = xcalloc(ps->ncur, sizeof *pids);
		for (i = 0; i < ps->ncur; i++)
			pids[i] = (unsigned)ps->cur[i].m.pid;
		f = procps_pids_select(ps->smaps, pids, (int)ps->ncur,
		    PIDS_SELECT_PID);
		free(pids);
		n = f != NULL && f->counts->total > 0 ?
		    (size_t)f->counts->total : 0;
		ps->mem_detail = n > 0;
		ps->pss = ps->uss = 0;
		for (i = 0; i < n; i++) {
			unsigned long pss = LT_PIDS_VAL(1, ul_int,
			    f->stacks[i], ps->smaps);

			ps->mem_detail = ps->mem_detail && pss > 0;
			ps->pss += (int64_t)pss * 1024;
			ps->uss += (int64_t)LT_PIDS_VAL(2, ul_int,
			    f->stacks[i], ps->smaps) * 1024;
		}
		ps->smaps_next_us = t0 + LT_MAX((int64_t)1000000,
		    (util_now_us() - t0) * PROCSAMPLE_SMAPS_SHARE);
	}
	r->mem_detail = ps->mem_detail && r->alive;
	r->pss = r->mem_detail ? ps->pss : 0;
	r->uss = r->mem_detail ? ps->uss : 0;
}

/* Tree mode: the members that appeared and vanished since last time. */
static void
proc_sample_changes(struct procsample *ps, struct procsample_result *r)
{
	size_t i;

	ps->born = xreallocarray(ps->born, ps->ncur + 1, sizeof *ps->born);
	ps->died = xreallocarray(ps->died, ps->nprev + 1, sizeof *ps->died);
	for (i = 0; i < ps->ncur; i++) {
		if (proc_sample_find(ps->prev, ps->nprev,
		    &ps->cur[i].m) == NULL)
			ps->born[ps->nborn++] = ps->cur[i].m;
	}
	for (i = 0; i < ps->nprev; i++) {
		if (ps->prev[i].m.pid != ps->root &&
		    proc_sample_find(ps->cur, ps->ncur, &ps->prev[i].m) == NULL)
			ps->died[ps->ndied++] = ps->prev[i].m;
	}
	r->born = ps->born;
	r->nborn = ps->nborn;
	r->died = ps->died;
	r->ndied = ps->ndied;
}

/* CPU shares over dt seconds; then this sample becomes the previous one. */
static void
proc_sample_advance(struct procsample *ps, struct procsample_result *r,
    double dt, int64_t used_ns)
{
	struct procsample_tracked *swap;
	int64_t self_ns;

	if (!ps->have_prev || r->t_us - ps->self_prev_us >= 1000000) {
		self_ns = proc_read_self_ns();
		if (ps->have_prev && r->t_us > ps->self_prev_us)
			/* ns per us / 10: percent of a core */
			ps->self_cpu = (double)(self_ns - ps->self_prev_ns) /
			    10 / (double)(r->t_us - ps->self_prev_us);
		ps->self_prev_ns = self_ns;
		ps->self_prev_us = r->t_us;
	}
	ps->used_ns += used_ns;
	r->cpu_used_ns = ps->used_ns;
	if (ps->have_prev && dt > 0) {
		r->cpu_valid = true;
		r->cpu = 100.0 * (double)used_ns / 1e9 / dt;
		r->cpu_norm = r->cpu / ps->ncpu;
		r->self_cpu = ps->self_cpu;
	}
	ps->prev_us = r->t_us;
	ps->have_prev = true;
	swap = ps->prev;
	ps->prev = ps->cur;
	ps->nprev = ps->ncur;
	ps->cur = swap;
}

/*
 * Between full reads, a lone process's CPU time and memory alone, the
 * rest as the last full read saw it; false when a full read is due or
 * the quick one fails (the process exited, say).
 */
static bool
proc_sample_quick(struct procsample *ps, struct procsample_result *r,
    int64_t *used_ns)
{
	struct procsample_tracked *t;

	if (ps->tree || !ps->have_prev || ps->nprev != 1 ||
	    r->t_us >= ps->full_next_us)
		return false;
	if (ps->cur == NULL)
		ps->cur = xcalloc(2, sizeof *ps->cur);
	t = &ps->cur[0];
	*t = ps->prev[0];
	if (!proc_read_quick(&ps->quick, &r->rss, &r->vsz, &t->cpu_ns)) {
		r->rss = r->vsz = 0;
		return false;
	}
	ps->ncur = 1;
	r->alive = true;
	r->threads = ps->threads;
	r->fds = ps->fds;
	r->nprocs = 1;
	*used_ns = t->cpu_ns - LT_MIN(ps->prev[0].cpu_ns, t->cpu_ns);
	return true;
}

void
proc_sample_take(struct procsample *ps, struct procsample_result *r)
{
	struct pids_fetch *f;
	int64_t used_ns = 0;
	double dt = 0;

	memset(r, 0, sizeof *r);
	r->t_us = util_now_us();
	if (ps->have_prev)
		dt = (r->t_us - ps->prev_us) / 1e6;
	proc_sample_host(ps, r);

	ps->nborn = ps->ndied = 0;
	ps->ncur = 0;
	/* Once the root is gone, only the host is left to read. */
	if (!ps->gone && proc_sample_quick(ps, r, &used_ns))
		proc_sample_memory(ps, r);
	else if (!ps->gone) {
		ps->full_next_us = r->t_us + 1000000;
		if ((f = proc_sample_fetch(ps)) == NULL) {
			r->proc_error = true;
			snprintf(r->error, sizeof r->error,
			    "cannot read /proc: %s", strerror(errno));
			return;
		}
		ps->fds_due = r->t_us >= ps->fds_next_us;
		if (ps->fds_due)
			ps->fds_next_us = r->t_us + 1000000;
		used_ns = proc_sample_read(ps, f, r);
		ps->threads = r->threads;
		if (ps->fds_due)
			ps->fds = r->fds;
		else if (r->alive)
			r->fds = ps->fds;
		if (ps->tree && ps->have_prev)
			proc_sample_changes(ps, r);
		proc_sample_memory(ps, r);
	}
	proc_sample_advance(ps, r, dt, used_ns);
}
