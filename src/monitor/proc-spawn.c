#include "config.h"

#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wordexp.h>

#include "proc-spawn.h"
#include "util.h"

struct procspawn {
	pid_t pid;
	char *command;
	char *ready_url;
	int ready_port;
	int64_t ready_timeout_us;
	int64_t grace_us;
	bool (*interrupted)(void);

	pthread_mutex_t lock;		/* waitpid and the fields below */
	bool exited;
	int status;
};

static void
proc_spawn_sleep_us(int64_t us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

void
proc_spawn_describe(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status),
		    strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "wait status %#x", status);
}

/* In the child: set up fds and exec; reports errno on errfd if it fails. */
static void __attribute__((noreturn))
proc_spawn_child(char **argv, const char *log_path, int errfd)
{
	sigset_t none;
	int fd, e;

	setpgid(0, 0);
	if ((fd = open("/dev/null", O_RDONLY)) >= 0) {
		dup2(fd, STDIN_FILENO);
		close(fd);
	}
	fd = open(log_path != NULL ? log_path : "/dev/null",
	    O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd < 0) {
		e = errno;
		(void)write(errfd, &e, sizeof e);
		_exit(127);
	}
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
	/* A service starts with no signal blocked or ignored: the run blocks
	 * SIGINT, SIGTERM and SIGHUP for its main thread to take, and an
	 * inherited mask would make the service deaf to our SIGTERM. */
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execvp(argv[0], argv);
	e = errno;
	(void)write(errfd, &e, sizeof e);
	_exit(127);
}

/* The words to exec: the command split like a shell would, or sh -c. */
struct procspawn_argv {
	char **argv;
	wordexp_t we;
	bool have_we;
	char *shell_argv[4];
	char *shell_cmd;
};

static void
proc_spawn_argv_free(struct procspawn_argv *a)
{
	if (a->have_we)
		wordfree(&a->we);
	free(a->shell_cmd);
}

/*
 * Split the command into a->argv; shell syntax, or use_shell, makes it
 * /bin/sh -c COMMAND.  On success, free with proc_spawn_argv_free.
 */
static int
proc_spawn_argv(const struct procspawn_opts *o, struct procspawn_argv *a,
    char **cause)
{
	bool use_shell = o->use_shell;
	int rc;

	memset(a, 0, sizeof *a);
	if (!use_shell) {
		rc = wordexp(o->command, &a->we, WRDE_NOCMD);
		if (rc == 0 && a->we.we_wordc == 0) {
			wordfree(&a->we);
			xasprintf(cause, "empty command");
			return -1;
		}
		if (rc == 0)
			a->have_we = true;
		else if (rc == WRDE_BADCHAR || rc == WRDE_CMDSUB)
			use_shell = true;
		else {
			if (rc == WRDE_NOSPACE)
				wordfree(&a->we);
			xasprintf(cause, "cannot split command '%s'%s",
			    o->command, rc == WRDE_SYNTAX ?
			    ": unbalanced quotes" : "");
			return -1;
		}
	}
	if (!use_shell) {
		a->argv = a->we.we_wordv;
		return 0;
	}
	a->shell_cmd = xstrdup(o->command);
	a->shell_argv[0] = (char *)"/bin/sh";
	a->shell_argv[1] = (char *)"-c";
	a->shell_argv[2] = a->shell_cmd;
	a->shell_argv[3] = NULL;
	a->argv = a->shell_argv;
	return 0;
}

/* Fork and exec argv; fails when the exec does, with its errno. */
static int
proc_spawn_exec(char **argv, const char *log_path, pid_t *out, char **cause)
{
	int p[2], e;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) != 0) {
		xasprintf(cause, "pipe: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) < 0) {
		xasprintf(cause, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		proc_spawn_child(argv, log_path, p[1]);
	}
	close(p[1]);
	/* The pipe closes on a successful exec; otherwise errno comes back. */
	do
		n = read(p[0], &e, sizeof e);
	while (n < 0 && errno == EINTR);
	close(p[0]);
	if (n == sizeof e) {
		waitpid(pid, NULL, 0);
		if (log_path != NULL && e != ENOENT && e != EACCES)
			xasprintf(cause, "cannot run '%s' (log %s): %s",
			    argv[0], log_path, strerror(e));
		else
			xasprintf(cause, "cannot run '%s': %s", argv[0],
			    strerror(e));
		return -1;
	}
	*out = pid;
	return 0;
}

struct procspawn *
proc_spawn_start(const struct procspawn_opts *o, char **cause)
{
	struct procspawn_argv a;
	struct procspawn *ps;
	pid_t pid;
	int rc;

	if (o->command == NULL || *o->command == '\0') {
		xasprintf(cause, "empty command");
		return NULL;
	}
	if (proc_spawn_argv(o, &a, cause) != 0)
		return NULL;
	rc = proc_spawn_exec(a.argv, o->log_path, &pid, cause);
	proc_spawn_argv_free(&a);
	if (rc != 0)
		return NULL;

	ps = xcalloc(1, sizeof *ps);
	ps->pid = pid;
	ps->command = xstrdup(o->command);
	ps->ready_url = o->ready_url != NULL ? xstrdup(o->ready_url) : NULL;
	ps->ready_port = o->ready_port;
	ps->ready_timeout_us = o->ready_timeout_us > 0 ?
	    o->ready_timeout_us : 10 * 1000000LL;
	ps->grace_us = o->grace_us > 0 ? o->grace_us : 5 * 1000000LL;
	ps->interrupted = o->interrupted;
	pthread_mutex_init(&ps->lock, NULL);
	return ps;
}

pid_t
proc_spawn_pid(const struct procspawn *ps)
{
	return ps->pid;
}

int
proc_spawn_poll(struct procspawn *ps, int *status)
{
	int st, done;

	pthread_mutex_lock(&ps->lock);
	if (!ps->exited && waitpid(ps->pid, &st, WNOHANG) == ps->pid) {
		ps->exited = true;
		ps->status = st;
	}
	done = ps->exited;
	if (done && status != NULL)
		*status = ps->status;
	pthread_mutex_unlock(&ps->lock);
	return done;
}

static size_t
proc_spawn_discard(char *p, size_t size, size_t n, void *arg)
{
	return size * n;
}

static bool
proc_spawn_url_answers(CURL *c)
{
	return curl_easy_perform(c) == CURLE_OK;
}

static bool
proc_spawn_port_accepts(int port)
{
	struct sockaddr_in sin;
	bool ok;
	int s;

	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return false;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = connect(s, (struct sockaddr *)&sin, sizeof sin) == 0;
	close(s);
	return ok;
}

int
proc_spawn_wait_ready(struct procspawn *ps, char **cause)
{
	int64_t deadline = util_now_us() + ps->ready_timeout_us;
	CURL *c = NULL;
	char what[256];
	bool ready = false;
	int st, rc = -1;

	if (ps->ready_url == NULL && ps->ready_port <= 0)
		return 0;
	if (ps->ready_url != NULL) {
		if ((c = curl_easy_init()) == NULL) {
			xasprintf(cause, "cannot start libcurl");
			return -1;
		}
		curl_easy_setopt(c, CURLOPT_URL, ps->ready_url);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 500L);
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 1000L);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, proc_spawn_discard);
		snprintf(what, sizeof what, "%s", ps->ready_url);
	} else
		snprintf(what, sizeof what, "port %d", ps->ready_port);

	for (;;) {
		if (c != NULL ? proc_spawn_url_answers(c) :
		    proc_spawn_port_accepts(ps->ready_port)) {
			ready = true;
			break;
		}
		if (proc_spawn_poll(ps, &st)) {
			proc_spawn_describe(st, what, sizeof what);
			xasprintf(cause, "'%s' %s before it was ready",
			    ps->command, what);
			break;
		}
		if (util_now_us() >= deadline) {
			xasprintf(cause, "'%s' not ready after %.1fs: %s does "
			    "not answer", ps->command,
			    ps->ready_timeout_us / 1e6, what);
			break;
		}
		if (ps->interrupted != NULL && ps->interrupted()) {
			rc = 1;
			break;
		}
		proc_spawn_sleep_us(50000);
	}
	if (ready)
		rc = 0;
	if (c != NULL)
		curl_easy_cleanup(c);
	return rc;
}

int
proc_spawn_stop(struct procspawn *ps)
{
	int64_t deadline;
	int st;

	if (proc_spawn_poll(ps, &st))
		goto reap_group;
	/* The whole group: workers of a forking service go too. */
	if (kill(-ps->pid, SIGTERM) != 0)
		kill(ps->pid, SIGTERM);
	deadline = util_now_us() + ps->grace_us;
	while (util_now_us() < deadline) {
		if (proc_spawn_poll(ps, &st))
			goto reap_group;
		proc_spawn_sleep_us(10000);
	}
	kill(-ps->pid, SIGKILL);
	kill(ps->pid, SIGKILL);
	pthread_mutex_lock(&ps->lock);
	if (!ps->exited) {
		while (waitpid(ps->pid, &ps->status, 0) < 0 && errno == EINTR)
			;
		ps->exited = true;
	}
	st = ps->status;
	pthread_mutex_unlock(&ps->lock);
	return st;

reap_group:
	/* Leftover workers of an exited leader must not outlive us. */
	kill(-ps->pid, SIGKILL);
	return st;
}

void
proc_spawn_free(struct procspawn *ps)
{
	if (ps == NULL)
		return;
	proc_spawn_stop(ps);
	pthread_mutex_destroy(&ps->lock);
	free(ps->command);
	free(ps->ready_url);
	free(ps);
}
