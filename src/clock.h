/* The monotonic clock in milliseconds: deadlines and durations. */
#ifndef JAILSH_CLOCK_H
#define JAILSH_CLOCK_H

#include <time.h>

static inline long long clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Milliseconds until DEADLINE (never negative), or -1 for none: a poll()
 * timeout. */
static inline int clock_left_ms(long long deadline)
{
	long long now = clock_ms();

	if (deadline < 0)
		return -1;
	return deadline > now ? (int)(deadline - now) : 0;
}

#endif
