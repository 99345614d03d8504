/* A port of the host forwarded into a jail's private network: a profile's
 * publish = { ... } (the administrator's), or jailsh run --publish (the
 * caller's own). Written PROTO:[ADDRESS:]PORT[:JAIL-PORT]: "tcp:8080",
 * "udp:127.0.0.1:5353:53", "tcp:[::1]:8080:80". Pure: parsing and the
 * network stack's argument, nothing touches the system. */
#ifndef JAILSH_PUBLISH_H
#define JAILSH_PUBLISH_H

#include <stdbool.h>
#include <stddef.h>

/* The most ports one jail publishes. */
#define PUBLISH_MAX 64

struct publish {
	bool udp;           /* else tcp */
	int family;         /* of ADDRESS: AF_INET, AF_INET6; AF_UNSPEC: all */
	char addr[48];      /* ADDRESS as written, without brackets; "" */
	unsigned port;      /* on the host */
	unsigned jail_port; /* in the jail: PORT unless given */
};

/* Parses SPEC into P: 0, or -1 with what is wrong in WHY. */
int publish_parse(const char *spec, struct publish *p, char *why, size_t size);

/* Do A and B take the same port of the host (the stack forwards each port
 * of a protocol once, whatever the address)? */
bool publish_clash(const struct publish *a, const struct publish *b);

/* The port specification pasta's -t or -u takes for P:
 * "[ADDRESS/]PORT[:JAIL-PORT]". */
void publish_pasta_spec(const struct publish *p, char *buf, size_t size);

/* "tcp 127.0.0.1:8080 -> 80", for jailsh explain. */
void publish_describe(const struct publish *p, char *buf, size_t size);

#endif
