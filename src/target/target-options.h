/* The command line of loadtop-target. */
#ifndef LT_TARGET_OPTIONS_H
#define LT_TARGET_OPTIONS_H

#include <sys/socket.h>
#include <stdint.h>

#include "target-limit.h"

#define TARGET_PROGRAM	"loadtop-target"

struct target_options {
	unsigned int	 port;
	const char	*bind;
	struct sockaddr_storage addr;	/* bind and port */
	socklen_t	 addrlen;
	unsigned int	 threads;
	const char	*pid_file;
	const char	*secret;
	const char	*limit;		/* as given */
	unsigned int	 limit_n;
	int64_t		 limit_window_us;
	enum tlimit_mode limit_mode;
	int		 webhook_limit;
	unsigned int	 login_tokens;	/* tokens POST /login remembers */
	unsigned int	 login_fail_every; /* 0: logins never fail */
	uint64_t	 ws_drop_after;	/* 0: WebSockets are never dropped */
	int		 quiet;
};

/*
 * Read and check the command line.  A usage error exits with status 2,
 * --help and --version print and exit with 0.
 */
void	 target_options_parse(int argc, char **argv, struct target_options *);

#endif
