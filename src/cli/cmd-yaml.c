/*
 * The scenarios the command line makes, as YAML for the one validator
 * there is: an ad-hoc run's from a URL and its flags, and loadtop
 * monitor's.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-yaml.h"
#include "util.h"

/* Append s to buf as a YAML double-quoted scalar. */
static void
yaml_quote(char **buf, const char *s)
{
	size_t len = strlen(*buf), cap = len + 4 * strlen(s) + 3;
	char *p;

	*buf = xrealloc(*buf, cap + 1);
	p = *buf + len;
	*p++ = '"';
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			*p++ = '\\';
			*p++ = (char)c;
		} else if (c < 0x20) {
			p += sprintf(p, "\\x%02x", c);
		} else
			*p++ = (char)c;
	}
	*p++ = '"';
	*p = '\0';
}

void
cmd_yaml_append(char **buf, const char *fmt, ...)
{
	va_list ap;
	char *more;

	va_start(ap, fmt);
	xvasprintf(&more, fmt, ap);
	va_end(ap);
	*buf = xrealloc(*buf, strlen(*buf) + strlen(more) + 1);
	strcat(*buf, more);
	free(more);
}

void
cmd_yaml_line(char **buf, const char *lead, const char *s)
{
	cmd_yaml_append(buf, "%s", lead);
	yaml_quote(buf, s);
	cmd_yaml_append(buf, "\n");
}

/* The one request: URL, method, headers and body. */
static void
adhoc_request(char **y, const struct cmd_opts *o)
{
	size_t i;

	cmd_yaml_line(y, "requests:\n  - url: ", o->url);
	cmd_yaml_line(y, "    method: ", o->method != NULL ? o->method : "GET");
	if (o->headers.n > 0)
		cmd_yaml_append(y, "    headers:\n");
	for (i = 0; i < o->headers.n; i++) {
		const char *colon = strchr(o->headers.v[i], ':');
		char *name = xstrndup(o->headers.v[i],
		    (size_t)(colon - o->headers.v[i]));
		const char *v = colon + 1;

		while (*v == ' ')
			v++;
		cmd_yaml_append(y, "      ");
		yaml_quote(y, name);
		cmd_yaml_line(y, ": ", v);
		free(name);
	}
	if (o->body != NULL)
		cmd_yaml_line(y, "    body: ", o->body);
	else if (o->body_file != NULL)
		cmd_yaml_line(y, "    body_file: ", o->body_file);
}

/* The one phase: a burst of -n requests, else a sustained load. */
static void
adhoc_phase(char **y, const struct cmd_opts *o)
{
	cmd_yaml_append(y, "phases:\n");
	if (o->requests > 0 && o->rate > 0)
		cmd_yaml_append(y, "  - {kind: sustained, rate: %.6f, "
		    "duration: %lldus, connections: %u}\n", o->rate,
		    (long long)((double)o->requests / o->rate * 1e6),
		    o->conns);
	else if (o->requests > 0)
		cmd_yaml_append(y, "  - {kind: burst, requests: %u, "
		    "concurrency: %u}\n", o->requests,
		    LT_MIN(o->conns, o->requests));
	else if (o->rate > 0)
		cmd_yaml_append(y, "  - {kind: sustained, rate: %.6f, "
		    "duration: %lldus, connections: %u}\n", o->rate,
		    (long long)o->duration_us, o->conns);
	else
		cmd_yaml_append(y, "  - {kind: sustained, users: %u, "
		    "duration: %lldus}\n", o->conns, (long long)o->duration_us);
}

char *
cmd_yaml_adhoc(const struct cmd_opts *o)
{
	char *y = xstrdup("version: 1\nname: ");

	yaml_quote(&y, "ad-hoc");
	cmd_yaml_append(&y, "\ntarget: {}\ndefaults:\n  http_version: %s\n"
	    "  insecure_tls: %s\n", o->http2 ? "\"2\"" : "\"1.1\"",
	    o->insecure ? "true" : "false");
	if (o->timeout_us > 0)
		cmd_yaml_append(&y, "  timeout: %lldus\n",
		    (long long)o->timeout_us);
	adhoc_request(&y, o);
	adhoc_phase(&y, o);
	return y;
}
