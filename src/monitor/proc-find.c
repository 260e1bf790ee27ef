#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc2-compat.h"
#include "proc-find.h"
#include "util.h"

enum procfind_rel {
	REL_PID,
	REL_PPID,
	REL_STATE,
	REL_CMD,
	REL_CMDLINE_V,
};

static enum pids_item procfind_items[] = {
	PIDS_ID_PID,
	PIDS_ID_PPID,
	PIDS_STATE,
	PIDS_CMD,
	PIDS_CMDLINE_V,
};

struct procfind_proc {
	pid_t pid;
	pid_t ppid;
	char cmd[64];
	bool match;
};

/* Is pid a live (not zombie) process?  Fills *cause when not. */
static int
proc_find_check_pid(pid_t pid, char **cause)
{
	struct pids_info *info = NULL;
	struct pids_fetch *f;
	unsigned one = (unsigned)pid;
	char state;

	if (pid <= 0) {
		xasprintf(cause, "invalid PID %ld", (long)pid);
		return -1;
	}
	if (procps_pids_new(&info, procfind_items,
	    LT_NELEM(procfind_items)) < 0) {
		xasprintf(cause, "cannot read /proc: %s", strerror(errno));
		return -1;
	}
	f = procps_pids_select(info, &one, 1, PIDS_SELECT_PID);
	if (f == NULL || f->counts->total < 1) {
		procps_pids_unref(&info);
		xasprintf(cause, "no process with PID %ld", (long)pid);
		return -1;
	}
	state = LT_PIDS_VAL(REL_STATE, s_ch, f->stacks[0], info);
	procps_pids_unref(&info);
	if (state == 'Z' || state == 'X') {
		xasprintf(cause, "process %ld has exited (zombie)", (long)pid);
		return -1;
	}
	return 0;
}

static int
proc_find_pid_file(const char *path, pid_t *out, char **cause)
{
	char *text, *end;
	long v;

	if ((text = util_read_file(path, NULL)) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	errno = 0;
	v = strtol(text, &end, 10);
	while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
		end++;
	if (end == text || *end != '\0' || errno != 0 || v <= 0 ||
	    v > INT_MAX) {
		xasprintf(cause, "%s: does not hold a PID", path);
		free(text);
		return -1;
	}
	free(text);
	*out = (pid_t)v;
	return 0;
}

static bool
proc_find_name_matches(const char *name, const char *comm, char **argv)
{
	const char *base;

	if (strcmp(comm, name) == 0)
		return true;
	if (argv == NULL || argv[0] == NULL)
		return false;
	base = strrchr(argv[0], '/');
	base = base != NULL ? base + 1 : argv[0];
	return strcmp(base, name) == 0;
}

static bool
proc_find_is_ancestor(const struct procfind_proc *p, size_t n, pid_t anc,
    pid_t pid)
{
	size_t i, hops;

	/* Walk up the parents; the hop limit guards against a racy loop. */
	for (hops = 0; pid > 1 && hops < n; hops++) {
		for (i = 0; i < n && p[i].pid != pid; i++)
			;
		if (i == n)
			return false;
		pid = p[i].ppid;
		if (pid == anc)
			return true;
	}
	return false;
}

static int
proc_find_by_name(const char *name, bool tree, pid_t *out, char **cause)
{
	struct pids_info *info = NULL;
	struct pids_fetch *f;
	struct procfind_proc *p;
	size_t n, i, j, nmatch = 0, off;
	pid_t self = getpid(), root = 0;
	char list[1024], **argv, state;
	int total;

	if (procps_pids_new(&info, procfind_items,
	    LT_NELEM(procfind_items)) < 0 ||
	    (f = procps_pids_reap(info, PIDS_FETCH_TASKS_ONLY)) == NULL) {
		if (info != NULL)
			procps_pids_unref(&info);
		xasprintf(cause, "cannot read /proc: %s", strerror(errno));
		return -1;
	}
	total = f->counts->total;
	n = total > 0 ? (size_t)total : 0;
	p = xcalloc(n, sizeof *p);
	for (i = 0; i < n; i++) {
		p[i].pid = LT_PIDS_VAL(REL_PID, s_int, f->stacks[i], info);
		p[i].ppid = LT_PIDS_VAL(REL_PPID, s_int, f->stacks[i], info);
		snprintf(p[i].cmd, sizeof p[i].cmd, "%s",
		    LT_PIDS_VAL(REL_CMD, str, f->stacks[i], info));
		argv = LT_PIDS_VAL(REL_CMDLINE_V, strv, f->stacks[i], info);
		state = LT_PIDS_VAL(REL_STATE, s_ch, f->stacks[i], info);
		p[i].match = p[i].pid != self && state != 'Z' &&
		    proc_find_name_matches(name, p[i].cmd, argv);
		nmatch += p[i].match;
	}
	procps_pids_unref(&info);

	for (i = 0; i < n && nmatch > 0; i++) {
		if (!p[i].match)
			continue;
		if (root == 0)
			root = p[i].pid;
		if (nmatch == 1 || !tree)
			continue;
		/* In tree mode, look for the one ancestor of all the others. */
		for (j = 0; j < n; j++) {
			if (j != i && p[j].match &&
			    !proc_find_is_ancestor(p, n, p[i].pid, p[j].pid))
				break;
		}
		if (j == n) {
			root = p[i].pid;
			nmatch = 1;
			break;
		}
	}
	if (nmatch == 1) {
		*out = root;
		free(p);
		return 0;
	}
	if (nmatch == 0) {
		xasprintf(cause, "no process named '%s'", name);
		free(p);
		return -1;
	}
	off = 0;
	list[0] = '\0';
	for (i = 0; i < n && off < sizeof list - 1; i++) {
		if (p[i].match)
			off += snprintf(list + off, sizeof list - off,
			    "%s%ld (%s)", off > 0 ? ", " : "",
			    (long)p[i].pid, p[i].cmd);
	}
	xasprintf(cause, "%zu processes named '%s': %s; pick one with a PID%s",
	    nmatch, name, list, tree ? "" : " or watch them as a tree");
	free(p);
	return -1;
}

int
proc_find_resolve(const struct procfind_spec *spec, pid_t *out, char **cause)
{
	pid_t pid = spec->pid;
	int given;

	given = (spec->pid != 0) + (spec->pid_file != NULL) +
	    (spec->name != NULL);
	if (given != 1) {
		xasprintf(cause, "give exactly one of a PID, a PID file or a "
		    "process name");
		return -1;
	}
	if (spec->name != NULL)
		return proc_find_by_name(spec->name, spec->tree, out, cause);
	if (spec->pid_file != NULL &&
	    proc_find_pid_file(spec->pid_file, &pid, cause) != 0)
		return -1;
	if (proc_find_check_pid(pid, cause) != 0)
		return -1;
	*out = pid;
	return 0;
}
