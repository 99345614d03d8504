#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "publish.h"

static int bad(char *why, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* What is wrong, into WHY; -1. */
static int bad(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
	return -1;
}

/* A port number, 1 to 65535, digits only: 0 and -1 on anything else. */
static int port_number(const char *s, size_t n, unsigned *out)
{
	unsigned v = 0;

	if (n == 0 || n > 5 || s[0] == '0')
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > 65535)
		return -1;
	*out = v;
	return 0;
}

/* The ADDRESS at S, if there is one: "[IPv6]:" or "a.b.c.d:" (an IPv4
 * address has dots, a port never). Returns how much of S it took. */
static int take_address(const char *s, struct publish *p, char *why,
			size_t size)
{
	unsigned char bin[16];
	const char *end;
	size_t n;

	if (s[0] == '[') {
		end = strchr(s, ']');
		n = end ? (size_t)(end - s - 1) : 0;
		if (!end || end[1] != ':' || n == 0 || n >= sizeof(p->addr))
			return bad(why, size,
				   "an IPv6 address goes in brackets, followed "
				   "by \":PORT\"");
		memcpy(p->addr, s + 1, n);
		p->addr[n] = '\0';
		p->family = AF_INET6;
		if (inet_pton(AF_INET6, p->addr, bin) != 1)
			return bad(why, size, "\"%s\" is not an IPv6 address",
				   p->addr);
		return (int)(n + 3);
	}
	end = strchr(s, ':');
	n = end ? (size_t)(end - s) : 0;
	if (!end || !memchr(s, '.', n))
		return 0; /* no address: PORT comes first */
	if (n >= sizeof(p->addr))
		return bad(why, size, "the address is too long");
	memcpy(p->addr, s, n);
	p->addr[n] = '\0';
	p->family = AF_INET;
	if (inet_pton(AF_INET, p->addr, bin) != 1)
		return bad(why, size, "\"%s\" is not an IPv4 address", p->addr);
	return (int)(n + 1);
}

int publish_parse(const char *spec, struct publish *p, char *why, size_t size)
{
	const char *s = spec, *colon;
	int took;

	memset(p, 0, sizeof(*p));
	p->family = AF_UNSPEC;
	if (!strncmp(s, "tcp:", 4)) {
		s += 4;
	} else if (!strncmp(s, "udp:", 4)) {
		p->udp = true;
		s += 4;
	} else {
		return bad(why, size,
			   "expected tcp:PORT or udp:PORT, with an address "
			   "before the port and the jail's port after it if "
			   "they differ (udp:127.0.0.1:5353:53)");
	}
	took = take_address(s, p, why, size);
	if (took < 0)
		return -1;
	s += took;
	colon = strchr(s, ':');
	if (port_number(s, colon ? (size_t)(colon - s) : strlen(s), &p->port) <
		    0 ||
	    (colon &&
	     port_number(colon + 1, strlen(colon + 1), &p->jail_port) < 0))
		return bad(why, size,
			   "a port is a number from 1 to 65535 (PORT, or "
			   "PORT:JAIL-PORT)");
	if (!colon)
		p->jail_port = p->port;
	return 0;
}

bool publish_clash(const struct publish *a, const struct publish *b)
{
	return a->udp == b->udp && a->port == b->port;
}

void publish_pasta_spec(const struct publish *p, char *buf, size_t size)
{
	char port[16];

	snprintf(port, sizeof(port), "%u", p->port);
	if (p->jail_port != p->port)
		snprintf(port + strlen(port), sizeof(port) - strlen(port),
			 ":%u", p->jail_port);
	if (p->addr[0])
		snprintf(buf, size, "%s/%s", p->addr, port);
	else
		snprintf(buf, size, "%s", port);
}

void publish_describe(const struct publish *p, char *buf, size_t size)
{
	snprintf(buf, size, "%s %s%s%s:%u -> %u", p->udp ? "udp" : "tcp",
		 p->family == AF_INET6 ? "[" : "", p->addr[0] ? p->addr : "*",
		 p->family == AF_INET6 ? "]" : "", p->port, p->jail_port);
}
