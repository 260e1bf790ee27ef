/*
 * Cheap reads of one process, apart from libproc2's: its open files, its
 * CPU time from its CPU-time clock, and its memory from a statm file kept
 * open, so that a sample between two full ones costs two system calls.
 */
#ifndef LT_PROC_READ_H
#define LT_PROC_READ_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct proc_read {
	pid_t pid;
	int statm_fd;			/* -1 when not open */
	long page;
};

/* Entries of /proc/PID/fd, or -1 when it cannot be read. */
int	 proc_read_fds(pid_t);
/* The process's CPU time so far, in ns; false when the clock cannot be
 * read (the process is gone, or the kernel will not say). */
bool	 proc_read_cpu_ns(pid_t, int64_t *ns);

/* Our own CPU time so far, in ns. */
int64_t	 proc_read_self_ns(void);

/* Open /proc/PID/statm; false when it cannot be. */
bool	 proc_read_open(struct proc_read *, pid_t);
void	 proc_read_close(struct proc_read *);
/*
 * RSS and VSZ in bytes, and the CPU time, of the process opened; false
 * once it has exited (a zombie too), since the statm file opened is its
 * own and never another's that took the PID.
 */
bool	 proc_read_quick(const struct proc_read *, int64_t *rss,
	     int64_t *vsz, int64_t *cpu_ns);

#endif
