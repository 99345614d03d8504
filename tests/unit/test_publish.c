/* publish_parse() and what the network stack is given for a published
 * port; net_resolv_conf(), the jail's /etc/resolv.conf. */
#define _GNU_SOURCE
#include <string.h>
#include <sys/socket.h>

#include "net.h"
#include "publish.h"
#include "tap.h"

/* SPEC parses; its pasta spec and description are PASTA and DESC. */
static void parses(const char *spec, int udp, int family, const char *addr,
		   unsigned port, unsigned jail_port, const char *pasta,
		   const char *desc)
{
	struct publish p;
	char why[256] = "", buf[128];

	if (!is_int(publish_parse(spec, &p, why, sizeof(why)), 0, "%s parses",
		    spec)) {
		diag("why: %s", why);
		skip(7, "it did not parse");
		return;
	}
	is_int(p.udp, udp, "  %s: protocol", spec);
	is_int(p.family, family, "  %s: family", spec);
	is_str(p.addr, addr, "  %s: address", spec);
	is_int(p.port, port, "  %s: the host's port", spec);
	is_int(p.jail_port, jail_port, "  %s: the jail's port", spec);
	publish_pasta_spec(&p, buf, sizeof(buf));
	is_str(buf, pasta, "  %s: pasta's spec", spec);
	publish_describe(&p, buf, sizeof(buf));
	is_str(buf, desc, "  %s: description", spec);
}

static void refused(const char *spec, const char *part)
{
	struct publish p;
	char why[256] = "";

	is_int(publish_parse(spec, &p, why, sizeof(why)), -1, "%s refused",
	       spec);
	like(why, part, "  %s: says \"%s\"", spec, part);
}

static void test_parse(void)
{
	parses("tcp:8080", 0, AF_UNSPEC, "", 8080, 8080, "8080",
	       "tcp *:8080 -> 8080");
	parses("udp:127.0.0.1:5353:53", 1, AF_INET, "127.0.0.1", 5353, 53,
	       "127.0.0.1/5353:53", "udp 127.0.0.1:5353 -> 53");
	parses("tcp:8080:80", 0, AF_UNSPEC, "", 8080, 80, "8080:80",
	       "tcp *:8080 -> 80");
	parses("tcp:192.0.2.7:1", 0, AF_INET, "192.0.2.7", 1, 1, "192.0.2.7/1",
	       "tcp 192.0.2.7:1 -> 1");
	parses("tcp:[::1]:8080:80", 0, AF_INET6, "::1", 8080, 80, "::1/8080:80",
	       "tcp [::1]:8080 -> 80");
	parses("udp:65535", 1, AF_UNSPEC, "", 65535, 65535, "65535",
	       "udp *:65535 -> 65535");

	refused("8080", "tcp:PORT");
	refused("sctp:80", "tcp:PORT");
	refused("TCP:80", "tcp:PORT");
	refused("tcp:", "a port is a number");
	refused("tcp:0", "a port is a number");
	refused("tcp:65536", "a port is a number");
	refused("tcp:080", "a port is a number");
	refused("tcp:80:", "a port is a number");
	refused("tcp:80:0", "a port is a number");
	refused("tcp:80:90:100", "a port is a number");
	refused("tcp:-1", "a port is a number");
	refused("tcp: 80", "a port is a number");
	refused("tcp:80 ", "a port is a number");
	refused("tcp:1.2.3:80", "not an IPv4 address");
	refused("tcp:256.1.1.1:80", "not an IPv4 address");
	refused("tcp:127.0.0.1", "a port is a number");
	refused("tcp:[::1]", "brackets");
	refused("tcp:[]:80", "brackets");
	refused("tcp:[::1:80", "brackets");
	refused("tcp:[zz::1]:80", "not an IPv6 address");
	refused("tcp:::1:80", "a port is a number");
	refused("tcp:example.org:80", "not an IPv4 address");
}

static void test_clash(void)
{
	struct publish a, b, c, d;
	char why[256];

	publish_parse("tcp:8080", &a, why, sizeof(why));
	publish_parse("tcp:127.0.0.1:8080:81", &b, why, sizeof(why));
	publish_parse("udp:8080", &c, why, sizeof(why));
	publish_parse("tcp:8081:8080", &d, why, sizeof(why));
	ok(publish_clash(&a, &b), "tcp 8080 and tcp 127.0.0.1:8080 clash "
				  "(the stack forwards a port once)");
	ok(!publish_clash(&a, &c), "tcp 8080 and udp 8080 do not");
	ok(!publish_clash(&a, &d), "tcp 8080 and tcp 8081 (to 8080) do not");
}

static void test_resolv(void)
{
	char buf[1024];

	net_resolv_conf("", buf, sizeof(buf));
	like(buf, "\nnameserver " NET_DNS "\n", "resolv.conf: the forwarder");
	ok(!strstr(buf, "search"), "  ... and nothing else");
	net_resolv_conf("nameserver 10.255.255.53\nsearch example.org "
			"lan\noptions edns0\n# a comment\ndomain lan\n"
			"nameserver ::1",
			buf, sizeof(buf));
	like(buf, "\nsearch example.org lan\n", "  the host's search line");
	like(buf, "\noptions edns0\n", "  the host's options");
	like(buf, "\ndomain lan\n", "  the host's domain");
	ok(!strstr(buf, "10.255.255.53") && !strstr(buf, "::1") &&
		   !strstr(buf, "# a comment"),
	   "  not the host's nameservers, nor anything else");
	ok(strstr(buf, "\nnameserver") &&
		   !strstr(strstr(buf, "\nnameserver") + 1, "\nnameserver"),
	   "  one nameserver line");
}

int main(void)
{
	test_parse();
	test_clash();
	test_resolv();
	return done_testing();
}
