/* The cgroup limits a profile can set: their names, the controller and
 * file each needs, and how their values are written and shown. */
#ifndef JAILSH_CGLIMIT_H
#define JAILSH_CGLIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cg_limit {
	CG_MEMORY_MAX,
	CG_MEMORY_HIGH,
	CG_PIDS_MAX,
	CG_CPU_MAX,
	CG_CPU_WEIGHT,
	CG_IO_WEIGHT,
	CG_USER_MEMORY_MAX,
	CG_USER_PIDS_MAX,
	CG_USER_CPU_MAX,
	CG_NLIMITS
};

enum cg_kind {
	CG_SIZE,    /* bytes: "256M"; "unlimited" */
	CG_COUNT,   /* a number; "unlimited" */
	CG_PERCENT, /* of one CPU: "50%", "200%" */
	CG_WEIGHT,  /* 1..10000 */
};

struct cg_limit_info {
	const char *name;       /* in the profile */
	const char *controller; /* that the cgroup needs */
	const char *file;       /* where the value goes */
	enum cg_kind kind;
	bool user; /* on the user's cgroup, not the session's */
};

extern const struct cg_limit_info cglimit_cg[CG_NLIMITS];

/* The limit called NAME, or -1. */
int cglimit_find(const char *name);

/* Parses a value for limit I; -1 if it is not one. UINT64_MAX is
 * "unlimited". */
int cglimit_parse(int i, const char *s, uint64_t *out);

/* What goes into the cgroup file for limit I. */
void cglimit_cg_value(int i, uint64_t v, char *buf, size_t size);

/* For people: "64M", "50%", "unlimited". */
void cglimit_show(int i, uint64_t v, char *buf, size_t size);

/* "4096", "256M", "8G", "unlimited" (UINT64_MAX); SIZE allows the K, M,
 * G and T suffixes. */
int cglimit_parse_amount(const char *s, int size, uint64_t *out);

/* "3600", "90s", "30m", "8h", "2d": seconds, at least 1. */
int cglimit_parse_duration(const char *s, unsigned *out);

/* Bytes for people: "64M", "1.5G", "512K", "100". */
void cglimit_show_size(uint64_t v, char *buf, size_t size);

#endif
