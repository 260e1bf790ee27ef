/* Small helpers shared by every module. */
#ifndef LT_UTIL_H
#define LT_UTIL_H

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define LT_NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define LT_MIN(a, b) ((a) < (b) ? (a) : (b))
#define LT_MAX(a, b) ((a) > (b) ? (a) : (b))

/* Exit codes, documented in loadtop(1). */
enum {
	LT_EXIT_OK = 0,
	LT_EXIT_THRESHOLD = 1,		/* a threshold or expectation failed */
	LT_EXIT_USAGE = 2,		/* bad flag or scenario */
	LT_EXIT_RUNTIME = 3,		/* the run itself could not be done */
};

/* Allocation that cannot fail: out of memory aborts with a message. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...) __attribute__((format(printf, 2, 3)));
int	 xvasprintf(char **, const char *, va_list) __attribute__((format(printf, 2, 0)));

/* printf onto the string in buf (len bytes in all), as far as it fits:
 * the end is cut, never the buffer overrun. */
void	 util_appendf(char *buf, size_t len, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* Monotonic clock in microseconds and nanoseconds. */
int64_t	 util_now_us(void);
int64_t	 util_now_ns(void);
/* Clock id in nanoseconds, -1 when it cannot be read. */
int64_t	 util_clock_ns(clockid_t);
/* A condition variable whose timed waits count on CLOCK_MONOTONIC, and
 * the absolute time ns from now on that clock, for pthread_cond_timedwait:
 * a step of the wall clock neither stalls nor rushes a wait. */
void	 util_cond_init(pthread_cond_t *);
void	 util_deadline(struct timespec *, int64_t ns);
/* Wall clock in microseconds since the epoch (for reports only). */
int64_t	 util_wall_us(void);

/* Read a whole file; returns NULL with errno set.  The _max one fails
 * with EFBIG past max bytes. */
char	*util_read_file(const char *path, size_t *len);
char	*util_read_file_max(const char *path, size_t max, size_t *len);

#endif
