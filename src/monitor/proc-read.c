/* Cheap reads of one process: see proc-read.h. */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "proc-read.h"
#include "util.h"

int
proc_read_fds(pid_t pid)
{
	char path[64];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof path, "/proc/%ld/fd", (long)pid);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] != '.')
			n++;
	}
	closedir(d);
	return n;
}

bool
proc_read_cpu_ns(pid_t pid, int64_t *ns)
{
	clockid_t id;

	return clock_getcpuclockid(pid, &id) == 0 &&
	    (*ns = util_clock_ns(id)) >= 0;
}

int64_t
proc_read_self_ns(void)
{
	return util_clock_ns(CLOCK_PROCESS_CPUTIME_ID);
}

bool
proc_read_open(struct proc_read *pr, pid_t pid)
{
	char path[64];

	pr->pid = pid;
	pr->page = sysconf(_SC_PAGESIZE);
	snprintf(path, sizeof path, "/proc/%ld/statm", (long)pid);
	pr->statm_fd = open(path, O_RDONLY | O_CLOEXEC);
	return pr->statm_fd >= 0 && pr->page > 0;
}

void
proc_read_close(struct proc_read *pr)
{
	if (pr->statm_fd >= 0)
		close(pr->statm_fd);
	pr->statm_fd = -1;
}

bool
proc_read_quick(const struct proc_read *pr, int64_t *rss, int64_t *vsz,
    int64_t *cpu_ns)
{
	char buf[160];
	unsigned long long size, resident;
	ssize_t n;

	if (pr->statm_fd < 0 ||
	    (n = pread(pr->statm_fd, buf, sizeof buf - 1, 0)) <= 0)
		return false;
	buf[n] = '\0';
	/* A zombie's statm reads all zeros: it has exited. */
	if (sscanf(buf, "%llu %llu", &size, &resident) != 2 || size == 0)
		return false;
	*vsz = (int64_t)size * pr->page;
	*rss = (int64_t)resident * pr->page;
	return proc_read_cpu_ns(pr->pid, cpu_ns);
}
