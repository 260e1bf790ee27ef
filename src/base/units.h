/*
 * Units of the scenario format.
 *   durations  250ms 5s 2m 1h 1d 1.5s 500us 1m30s; a bare 0 is allowed
 *   rates      100  100/s  6000/m  360000/h  (requests per second)
 *   sizes      512  512B  512KB  50MB  1GB  (1KB = 1024 bytes; KiB etc. too)
 *   percents   1%  0.5%
 * Each parser returns 0, or -1 with an allocated *cause that says what
 * was expected.
 */
#ifndef LT_UNITS_H
#define LT_UNITS_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

int	 units_parse_duration(const char *, int64_t *us, char **cause);
int	 units_parse_rate(const char *, double *per_s, char **cause);
int	 units_parse_size(const char *, int64_t *bytes, char **cause);
int	 units_parse_percent(const char *, double *percent, char **cause);
/* Whether s is a number written with an exponent, as 1e12 or 2.5E+3,
 * which the parsers refuse: their messages say to write it in digits. */
bool	 units_has_exponent(const char *s);

/* Formatting for humans: "1.5s", "250ms", "12.3MB". */
char	*units_format_duration(int64_t us, char *buf, size_t len);
char	*units_format_size(int64_t bytes, char *buf, size_t len);
/* A plain number with at most `decimals` decimals, trailing zeros dropped,
 * always with a '.' whatever the locale: "80", "0.5", "99.95". */
char	*units_format_number(double, int decimals, char *buf, size_t len);
/* A latency in milliseconds to three figures or so: "212us", "1.23ms",
 * "45.6ms", "812ms", "12.3s". */
char	*units_format_ms(double ms, char *buf, size_t len);

#endif
