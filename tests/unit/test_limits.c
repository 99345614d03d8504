/* The cgroup limits and max_time in profiles, cgroup_parent in
 * jailsh.conf, what is written to the cgroup files, and how a session's
 * end is told: the user's line, the syslog line, the JSON object. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include "cglimit.h"
#include "conf_profile.h"
#include "conf_settings.h"
#include "status.h"
#include "tap.h"

#define FILE_NAME "users/bob.conf"
#define MiB (1024ULL * 1024)

static void parses(const char *text, const char *what, struct profile *p)
{
	struct jerr e = { .msg = "" };

	if (!ok(profile_parse(FILE_NAME, text, p, &e) == 0, "%s: parses", what))
		diag("%s", e.msg);
}

static void refused(const char *text, const char *want)
{
	struct profile p;
	struct jerr e = { .msg = "" };

	ok(profile_parse(FILE_NAME, text, &p, &e) < 0, "refused: %s", text);
	like(e.msg, want, "  ... saying %s", want);
}

static void cg_value(int i, uint64_t v, const char *want)
{
	char buf[64];

	cglimit_cg_value(i, v, buf, sizeof(buf));
	is_str(buf, want, "%s %llu goes into %s as \"%s\"", cglimit_cg[i].name,
	       (unsigned long long)v, cglimit_cg[i].file, want);
}

static void limits_in_profiles(void)
{
	struct profile p;

	parses("memory_max = \"64M\"\nmemory_high = 50331648\n"
	       "pids_max = 32\ncpu_max = \"150%\"\ncpu_weight = 50\n"
	       "io_weight = 10000\nuser_memory_max = \"unlimited\"\n"
	       "user_pids_max = 100\nuser_cpu_max = \"400%\"\n"
	       "optional_limits = { \"cpu_weight\", \"io_weight\" }\n"
	       "max_time = \"8h\"\n",
	       "every limit", &p);
	ok(p.cg_set[CG_MEMORY_MAX] && p.cg[CG_MEMORY_MAX] == 64 * MiB,
	   "memory_max is 64 MiB");
	ok(p.cg[CG_MEMORY_HIGH] == 48 * MiB, "memory_high in bytes");
	ok(p.cg[CG_PIDS_MAX] == 32, "pids_max");
	ok(p.cg[CG_CPU_MAX] == 150, "cpu_max in percent");
	ok(p.cg[CG_USER_MEMORY_MAX] == UINT64_MAX, "unlimited");
	ok(p.cg_optional[CG_CPU_WEIGHT] && p.cg_optional[CG_IO_WEIGHT] &&
		   !p.cg_optional[CG_MEMORY_MAX],
	   "exactly the listed are optional");
	is_int(p.max_time, 8 * 3600, "max_time 8h is 28800 s");
	profile_free(&p);

	parses("", "no limit", &p);
	{
		int set = 0;

		for (int i = 0; i < CG_NLIMITS; i++)
			set += p.cg_set[i] || p.cg_optional[i];
		ok(!set && p.max_time == 0, "nothing set by default");
	}
	profile_free(&p);

	parses("max_time = 90\n", "max_time in seconds", &p);
	is_int(p.max_time, 90, "max_time = 90");
	profile_free(&p);
	parses("max_time = \"2d\"\n", "max_time in days", &p);
	is_int(p.max_time, 2 * 86400, "max_time = 2d");
	profile_free(&p);

	refused("memory_max = \"64X\"\n", FILE_NAME ":1: memory_max");
	refused("memory_max = 0\n", "expected a size");
	refused("pids_max = \"many\"\n", "pids_max = \"many\": expected a "
					 "number");
	refused("cpu_max = \"50\"\n", "share of one CPU");
	refused("cpu_max = \"0%\"\n", "share of one CPU");
	refused("cpu_weight = 0\n", "from 1 to 10000");
	refused("io_weight = 10001\n", "from 1 to 10000");
	refused("\n\noptional_limits = { \"memory\" }\n",
		FILE_NAME ":3: optional_limits: \"memory\" is not");
	refused("max_time = \"5x\"\n", "max_time = \"5x\"");
	refused("max_time = 0\n", "max_time = \"0\"");
	refused("max_time = -1\n", "max_time");
	refused("max_time = \"99999d\"\n", "max_time");
	refused("memory_maxx = 1\n", "memory_maxx");
}

static void cgroup_files(void)
{
	cg_value(CG_MEMORY_MAX, 64 * MiB, "67108864");
	cg_value(CG_MEMORY_MAX, UINT64_MAX, "max");
	cg_value(CG_CPU_MAX, 50, "50000 100000");
	cg_value(CG_USER_CPU_MAX, 400, "400000 100000");
	cg_value(CG_IO_WEIGHT, 10, "default 10");
	cg_value(CG_CPU_WEIGHT, 10, "10");
}

static void settings(void)
{
	struct settings s;
	struct jerr e = { .msg = "" };

	ok(settings_parse("jailsh.conf",
			  "cgroup_parent = \"/sys/fs/cgroup/"
			  "jailsh\"\n",
			  &s, &e) == 0,
	   "cgroup_parent parses");
	is_str(s.cgroup_parent, "/sys/fs/cgroup/jailsh", "  ... and is kept");
	settings_free(&s);
	ok(settings_parse("jailsh.conf", "", &s, &e) == 0 && !s.cgroup_parent,
	   "no cgroup_parent by default");
	settings_free(&s);
	for (int i = 0; i < 3; i++) {
		static const char *const bad[] = { "sys/fs/cgroup",
						   "/sys/fs/cgroup/../x",
						   "/sys//fs" };
		char text[128];

		snprintf(text, sizeof(text), "cgroup_parent = \"%s\"\n",
			 bad[i]);
		ok(settings_parse("jailsh.conf", text, &s, &e) < 0,
		   "cgroup_parent %s refused", bad[i]);
		like(e.msg, "jailsh.conf:1: cgroup_parent",
		     "  ... at its line");
	}
}

/* A session that ended as END with jailsh exiting CODE. */
static void ended(struct status *st, struct profile *p, int wstatus,
		  int timed_out, const struct cgroup_usage *u, int code)
{
	struct report end = { .type = REPORT_EXIT,
			      .code = wstatus,
			      .timed_out = timed_out,
			      .cpu_usec = 1500000,
			      .shell_cpu_usec = 1500000,
			      .maxrss_kib = 2048 };

	status_of_session(st, p, &end, code, u, 2500);
	st->user = "bob";
}

static void endings(void)
{
	struct cgroup_usage none = { 0 },
			    oom = { .oom_kills = 1,
				    .memory_peak = 64 * MiB,
				    .cpu_usec = 2000000 },
			    forks = { .pids_refused = 7 };
	struct profile p;
	struct status st;
	char line[512], json[4096];

	parses("memory_max = \"64M\"\npids_max = 32\nmax_time = 2\n"
	       "rlimit { cpu = 1 }\n",
	       "limits for the endings", &p);

	ended(&st, &p, 7 << 8, 0, &none, 7);
	ok(!status_user_line(&st, line, sizeof(line)),
	   "exit 7: nothing for the user");
	status_json(&st, json, sizeof(json));
	like(json, "{\"status\":\"exited\",\"code\":7,", "exit 7: JSON");
	like(json, "\"user\":\"bob\",\"profile\":\"" FILE_NAME "\"",
	     "  ... user and profile");
	like(json,
	     "\"duration_ms\":2500,\"cpu_ms\":1500,"
	     "\"memory_peak\":2097152",
	     "  ... figures from init's rusage");
	ok(!strstr(json, "reason"), "  ... no reason");
	status_log_line(&st, line, sizeof(line));
	like(line,
	     "profile " FILE_NAME ", 2.5 s, cpu 1.50 s, peak memory "
	     "2M, exited 7",
	     "syslog line");

	ended(&st, &p, SIGKILL, 0, &oom, 137);
	ok(status_user_line(&st, line, sizeof(line)), "OOM: a line");
	is_str(line,
	       "session killed: memory limit reached (memory_max = "
	       "64M, peak 64M)",
	       "  ... naming limit and peak");
	status_json(&st, json, sizeof(json));
	like(json,
	     "{\"status\":\"killed\",\"signal\":9,\"reason\":\"memory\","
	     "\"limit\":67108864,\"peak\":67108864",
	     "  ... JSON");
	like(json, "\"cpu_ms\":2000", "  ... cpu from the cgroup");

	ended(&st, &p, SIGTERM, 1, &none, 143);
	status_user_line(&st, line, sizeof(line));
	is_str(line, "session ended: time limit reached (max_time = 2s)",
	       "max_time: the line");
	status_json(&st, json, sizeof(json));
	like(json, "\"reason\":\"time\",\"limit\":2,", "  ... JSON");

	ended(&st, &p, SIGXCPU, 0, &none, 152);
	status_user_line(&st, line, sizeof(line));
	is_str(line,
	       "session killed: cpu time limit reached (rlimit cpu = "
	       "1s)",
	       "SIGXCPU: the cpu line");
	ended(&st, &p, SIGKILL, 0, &none, 137);
	ok(st.reason && !strcmp(st.reason, "cpu"),
	   "SIGKILL after 1.5 s of "
	   "the shell's cpu, past rlimit cpu 1: the limit");
	{
		struct report end = { .type = REPORT_EXIT,
				      .code = SIGKILL,
				      .cpu_usec = 2000000,
				      .shell_cpu_usec = 2000000 };

		status_of_session(&st, &p, &end, 137, &none, 2500);
		ok(st.reason && !strcmp(st.reason, "cpu"),
		   "SIGKILL after 2 s of cpu, rlimit cpu 1: the hard limit");
		end.shell_cpu_usec = 600000;
		status_of_session(&st, &p, &end, 137, &none, 2500);
		ok(!st.reason, "SIGKILL after 0.6 s of the shell's cpu: not "
			       "the limit");
		end.shell_cpu_usec = 100000;
		status_of_session(&st, &p, &end, 137, &none, 2500);
		ok(!st.reason, "SIGKILL, 2 s of cpu in all but 0.1 s in the "
			       "shell: its children used it, not the limit");
		end.code = SIGXCPU;
		status_of_session(&st, &p, &end, 152, &none, 2500);
		ok(!st.reason, "SIGXCPU after 0.1 s of cpu: sent by someone");
	}

	ended(&st, &p, 1 << 8, 0, &forks, 1);
	status_user_line(&st, line, sizeof(line));
	is_str(line, "session hit its process limit (pids_max = 32) 7 times",
	       "forks refused: the line");
	status_json(&st, json, sizeof(json));
	like(json, "\"reason\":\"pids\",\"limit\":32,",
	     "  ... and exit 1 "
	     "makes it the reason");
	ended(&st, &p, 0, 0, &forks, 0);
	ok(st.reason && !strcmp(st.reason, "pids"),
	   "forks refused, exit 0: still the process limit");
	ok(status_user_line(&st, line, sizeof(line)), "  ... and a line");
	ended(&st, &p, SIGKILL, 0, &oom, 137);
	ok(st.reason && !strcmp(st.reason, "memory"),
	   "an OOM kill comes before forks refused");

	profile_free(&p);
	parses("", "no limits", &p);
	ended(&st, &p, SIGKILL, 0, &none, 137);
	ok(!st.reason, "SIGKILL, no limit: no reason");
	profile_free(&p);

	status_refused(&st, 125, "users/bob.conf:3: \"quoted\"\tand\\");
	status_json(&st, json, sizeof(json));
	/* the message as stderr shows it (the tab as \t), then quoted */
	is_str(json,
	       "{\"status\":\"refused\",\"code\":125,\"error\":"
	       "\"users/bob.conf:3: \\\"quoted\\\"\\\\tand\\\\\"}",
	       "refused: JSON with the message escaped");
}

int main(void)
{
	limits_in_profiles();
	cgroup_files();
	settings();
	endings();
	return done_testing();
}
