/*
 * One sample of a process (or a process and all its descendants, summed)
 * and of the host, read through libproc2.  CPU figures are deltas since
 * the previous sample of the same sampler, so the first sample has none.
 *
 *   cpu       as top shows it: 100 = one core busy
 *   cpu_norm  cpu / number of cores: 100 = every core busy
 *
 * CPU time comes from each process's CPU-time clock, in nanoseconds and
 * counting its threads that have exited, not from the clock ticks of
 * /proc/PID/stat (10 ms apiece); those stand in only if the clock cannot
 * be read.  PSS and USS come from /proc/PID/smaps_rollup, read at most
 * once a second since the kernel walks every page to make it.
 */
#ifndef LT_PROC_SAMPLE_H
#define LT_PROC_SAMPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct procsample_member {
	pid_t pid;
	pid_t ppid;
	unsigned long long start;	/* ticks since boot */
	char cmd[32];
};

struct procsample_result {
	int64_t t_us;			/* monotonic */
	bool alive;			/* the root runs (not a zombie) */
	bool reused;			/* root PID now names another process */
	bool proc_error;		/* /proc could not be read */
	char error[160];
	bool cpu_valid;			/* false on the first sample */
	double cpu;
	double cpu_norm;
	int64_t cpu_used_ns;		/* CPU time since the first sample */
	int64_t rss;			/* bytes */
	int64_t vsz;			/* bytes */
	/* From the latest read of smaps_rollup, when it could be read
	 * (it needs the rights of ptrace): the proportional set size, which
	 * shares each shared page out among its users, and the unique set
	 * size, the pages no other process maps. */
	bool mem_detail;
	int64_t pss;			/* bytes */
	int64_t uss;			/* bytes */
	int threads;
	int fds;			/* -1 when /proc/PID/fd is unreadable */
	int nprocs;			/* 1, or the tree's size */

	double host_cpu;		/* 100 = every core busy */
	int64_t host_mem_available;	/* bytes */
	int64_t host_mem_total;
	double load[3];
	double self_cpu;		/* this process, top style */

	/* Tree mode: members that appeared or vanished since last time. */
	const struct procsample_member *born;
	size_t nborn;
	const struct procsample_member *died;
	size_t ndied;
};

struct procsample;

struct procsample *proc_sample_new(pid_t root, bool tree, char **cause);
void	 proc_sample_free(struct procsample *);
/* Take a sample; the result's lists stay valid until the next call. */
void	 proc_sample_take(struct procsample *, struct procsample_result *);
int	 proc_sample_ncpu(const struct procsample *);

#endif
