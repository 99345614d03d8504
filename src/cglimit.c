#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cglimit.h"

const struct cg_limit_info cglimit_cg[CG_NLIMITS] = {
	[CG_MEMORY_MAX] = { "memory_max", "memory", "memory.max", CG_SIZE, 0 },
	[CG_MEMORY_HIGH] = { "memory_high", "memory", "memory.high", CG_SIZE,
			     0 },
	[CG_PIDS_MAX] = { "pids_max", "pids", "pids.max", CG_COUNT, 0 },
	[CG_CPU_MAX] = { "cpu_max", "cpu", "cpu.max", CG_PERCENT, 0 },
	[CG_CPU_WEIGHT] = { "cpu_weight", "cpu", "cpu.weight", CG_WEIGHT, 0 },
	[CG_IO_WEIGHT] = { "io_weight", "io", "io.weight", CG_WEIGHT, 0 },
	[CG_USER_MEMORY_MAX] = { "user_memory_max", "memory", "memory.max",
				 CG_SIZE, 1 },
	[CG_USER_PIDS_MAX] = { "user_pids_max", "pids", "pids.max", CG_COUNT,
			       1 },
	[CG_USER_CPU_MAX] = { "user_cpu_max", "cpu", "cpu.max", CG_PERCENT, 1 },
};

/* cpu.max: the quota per period of 100 ms; 100% is one CPU */
#define CPU_PERIOD_US 100000ULL
#define MAX_PERCENT (100ULL * 4096)

int cglimit_find(const char *name)
{
	for (int i = 0; i < CG_NLIMITS; i++)
		if (!strcmp(cglimit_cg[i].name, name))
			return i;
	return -1;
}

/* The decimal number S starts with (no sign, no space); END is what
 * follows it. -1 if there is none, or it does not fit. */
static int leading_number(const char *s, unsigned long long *v, char **end)
{
	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	*v = strtoull(s, end, 10);
	return errno ? -1 : 0;
}

int cglimit_parse_amount(const char *s, int size, uint64_t *out)
{
	unsigned long long v, mult = 1;
	char *end;

	if (!strcmp(s, "unlimited") || !strcmp(s, "infinity")) {
		*out = UINT64_MAX;
		return 0;
	}
	if (leading_number(s, &v, &end) < 0)
		return -1;
	if (size && *end) {
		const char *units = "KMGT";
		const char *u = strchr(units, toupper((unsigned char)*end));

		if (!u || end[1])
			return -1;
		for (int i = 0; i <= u - units; i++)
			mult *= 1024;
		end++;
	}
	if (*end || (v && mult > UINT64_MAX / v) || v * mult == UINT64_MAX)
		return -1;
	*out = v * mult;
	return 0;
}

int cglimit_parse_duration(const char *s, unsigned *out)
{
	static const struct {
		char unit;
		unsigned secs;
	} units[] = {
		{ 's', 1 },
		{ 'm', 60 },
		{ 'h', 3600 },
		{ 'd', 86400 },
	};
	unsigned long long v, mult = 1;
	char *end;

	if (leading_number(s, &v, &end) < 0)
		return -1;
	if (*end) {
		size_t i = 0;

		while (i < 4 && units[i].unit != *end)
			i++;
		if (i == 4 || end[1])
			return -1;
		mult = units[i].secs;
	}
	/* a year is plenty; the limit keeps the product in range */
	if (v == 0 || v > 366ULL * 86400 / mult)
		return -1;
	*out = (unsigned)(v * mult);
	return 0;
}

int cglimit_parse(int i, const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	switch (cglimit_cg[i].kind) {
	case CG_SIZE:
	case CG_COUNT:
		if (cglimit_parse_amount(s, cglimit_cg[i].kind == CG_SIZE,
					 out) < 0 ||
		    *out == 0)
			return -1;
		return 0;
	case CG_PERCENT:
		if (leading_number(s, &v, &end) < 0 || strcmp(end, "%") ||
		    v == 0 || v > MAX_PERCENT)
			return -1;
		*out = v;
		return 0;
	case CG_WEIGHT:
		if (leading_number(s, &v, &end) < 0 || *end || v < 1 ||
		    v > 10000)
			return -1;
		*out = v;
		return 0;
	}
	return -1;
}

void cglimit_cg_value(int i, uint64_t v, char *buf, size_t size)
{
	if (v == UINT64_MAX)
		snprintf(buf, size, "max");
	else if (cglimit_cg[i].kind == CG_PERCENT)
		snprintf(buf, size, "%llu %llu",
			 (unsigned long long)(v * CPU_PERIOD_US / 100),
			 CPU_PERIOD_US);
	else if (i == CG_IO_WEIGHT)
		snprintf(buf, size, "default %llu", (unsigned long long)v);
	else
		snprintf(buf, size, "%llu", (unsigned long long)v);
}

void cglimit_show_size(uint64_t v, char *buf, size_t size)
{
	static const char units[] = "KMGT";
	double d = (double)v;
	int u = -1;

	while (d >= 1024 && u < 3) {
		d /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, size, "%llu", (unsigned long long)v);
	else if (d == (double)(uint64_t)d)
		snprintf(buf, size, "%.0f%c", d, units[u]);
	else
		snprintf(buf, size, "%.1f%c", d, units[u]);
}

void cglimit_show(int i, uint64_t v, char *buf, size_t size)
{
	if (v == UINT64_MAX)
		snprintf(buf, size, "unlimited");
	else if (cglimit_cg[i].kind == CG_SIZE)
		cglimit_show_size(v, buf, size);
	else if (cglimit_cg[i].kind == CG_PERCENT)
		snprintf(buf, size, "%llu%%", (unsigned long long)v);
	else
		snprintf(buf, size, "%llu", (unsigned long long)v);
}
