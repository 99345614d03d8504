# jailsh: build, test, install.
#
#   make                      build build/jailsh
#   make install              install (DESTDIR, PREFIX, SYSCONFDIR honoured)
#   make deb                  the Debian package, in build/deb
#   sudo make demo            a jailed shell for you, from a private install
#   sudo make check           the whole test suite (root runs it all)
#   make bench                startup time against bwrap and firejail
#   make fuzz                 fuzz the profile parser and the id-mapping
#                             service's (FUZZ_SECONDS=600 each)
#   make check SANITIZE=1     the core and unit tests with ASan and UBSan
#   make format               format the C sources (.clang-format)
#   make format-check         are they formatted? (make check runs it)
#
# The configuration directory, $(SYSCONFDIR)/jailsh, is compiled in: a
# setuid program never takes it from its environment or command line.

PREFIX     ?= /usr
SYSCONFDIR ?= /etc
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
MULTIARCH  ?= $(shell $(CC) -print-multiarch 2>/dev/null)
PAMDIR     ?= $(PREFIX)/lib/$(MULTIARCH)/security
SYSTEMDDIR ?= $(PREFIX)/lib/systemd/system
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
CONFDIR     = $(SYSCONFDIR)/jailsh
# Where running jails are found (a tmpfs; see registry.h).
RUNDIR     ?= /run/jailsh
# jailsh's own newuidmap and newgidmap, which containers = yes binds over
# the host's in the jail (idmap.h).
HELPERDIR  ?= $(PREFIX)/lib/jailsh
# The network stack of network = "private" (the passt package); run by
# this path only, never looked up.
PASTA      ?= /usr/bin/pasta
BUILD      ?= build
VERSION     = 0.1.0

CC         ?= cc
CFLAGS     ?= -O2 -g
# SANITIZE=1: the core and the unit tests with AddressSanitizer and
# UndefinedBehaviorSanitizer, built apart (build-sanitize/).
ifeq ($(SANITIZE),1)
BUILD      := build-sanitize
CFLAGS     += -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	      -fno-omit-frame-pointer
endif
WARNINGS    = -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes \
	      -Wstrict-prototypes -Wformat=2 -Wformat-security -Wundef \
	      -Wpointer-arith -Wvla -Wwrite-strings -Wno-unused-parameter
HARDENING   = -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIC \
	      -fstack-clash-protection -fcf-protection
ALL_CFLAGS  = -std=gnu11 $(WARNINGS) $(HARDENING) $(CFLAGS) -MMD -MP \
	      -I$(BUILD) -Isrc
LDHARDENING = -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack -Wl,--as-needed
# libconfuse, libcap and libseccomp are linked in statically: a login pays
# for every shared object the loader has to map, and these three are small.
LIBS        = -Wl,-Bstatic -lconfuse -lcap -lseccomp -Wl,-Bdynamic

# The core: libjailsh.a, which the PAM module links too. The configuration
# reader is the conf_ files, in the order a read goes through them:
#   conf_dir       the configuration directory: only root-owned files read
#   conf_text      a file's text made ready for libconfuse (comments, lines)
#   conf_syntax    libconfuse used safely: no ${ENV}, no include, FILE:LINE
#   conf_settings  jailsh.conf
#   conf_profile   a profile's options, parsed and checked
#   conf_select    which profile applies to a user
#   conf_policy    all of it for one user: settings, profile and plan
CORE = err escape nss identity \
       conf_dir conf_text conf_syntax conf_settings conf_profile \
       conf_select conf_policy \
       cglimit expand plan path mount priv jail env filter init report \
       session hold cgroup status fds warden self scope groups registry \
       watch target userjail login subid idmap idmap_serve runmap \
       publish net
FRONT = jailsh inherit log cmd_check cmd_explain cmd_run cmd_enter \
	cmd_audit audit_pam audit_sshd cmd_list

CORE_OBJ  = $(CORE:%=$(BUILD)/%.o)
FRONT_OBJ = $(FRONT:%=$(BUILD)/%.o)
UNIT      = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
# Defined before "check" names them: a rule's prerequisites are expanded
# where it is read.
FUZZERS   = $(BUILD)/fuzz/fuzz_profile $(BUILD)/fuzz/fuzz_idmap

# jailsh's newuidmap and newgidmap: one source, the map each writes
# chosen when it is built.
HELPERS = $(BUILD)/newuidmap $(BUILD)/newgidmap

all: $(BUILD)/jailsh $(BUILD)/pam_jailsh.so $(HELPERS)

$(BUILD) $(BUILD)/tests:
	mkdir -p $@

# Rewritten only when a value changes, so a side-by-side build with another
# SYSCONFDIR recompiles what depends on it, and nothing else.
$(BUILD)/config.h: FORCE | $(BUILD)
	@printf '#define JAILSH_CONFDIR "%s"\n#define JAILSH_VERSION "%s"\n#define JAILSH_RUNDIR "%s"\n' \
		'$(CONFDIR)' '$(VERSION)' '$(RUNDIR)' > $@.tmp
	@printf '#define JAILSH_HELPERDIR "%s"\n' '$(HELPERDIR)' >> $@.tmp
	@# jailsh audit: this installation's module, and where libpam looks
	@# for a module named without a path
	@printf '#define JAILSH_PAM_MODULE "%s"\n#define JAILSH_PAM_SYSDIR "%s"\n' \
		'$(PAMDIR)/pam_jailsh.so' '/lib/$(MULTIARCH)/security' >> $@.tmp
	@printf '#define JAILSH_PASTA "%s"\n' '$(PASTA)' >> $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(BUILD)/%.o: src/%.c $(BUILD)/config.h | $(BUILD)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Made afresh: "ar r" keeps the members of files since renamed or removed.
$(BUILD)/libjailsh.a: $(CORE_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/jailsh: $(FRONT_OBJ) $(BUILD)/libjailsh.a
	$(CC) $(ALL_CFLAGS) $(LDHARDENING) -o $@ $^ $(LIBS)

$(BUILD)/newuidmap $(BUILD)/newgidmap: $(BUILD)/new%map: src/newidmap.c $(BUILD)/libjailsh.a
	$(CC) $(ALL_CFLAGS) $(LDHARDENING) -DIDMAP_KIND_NAME='"$*"' \
		-o $@ src/newidmap.c $(BUILD)/libjailsh.a

# The PAM module runs inside sshd, login and su: only its pam_sm_* entry
# points are exported; libconfuse, libcap and libseccomp are linked as
# shared objects (Debian's static archives are not position-independent).
$(BUILD)/pam_jailsh.o: pam/pam_jailsh.c $(BUILD)/config.h | $(BUILD)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/pam_jailsh.so: $(BUILD)/pam_jailsh.o $(BUILD)/libjailsh.a pam/pam_jailsh.map
	$(CC) $(ALL_CFLAGS) -shared -Wl,-z,relro,-z,now -Wl,-z,noexecstack \
		-Wl,--no-undefined -Wl,--version-script=pam/pam_jailsh.map \
		-o $@ $(BUILD)/pam_jailsh.o $(BUILD)/libjailsh.a \
		-lconfuse -lcap -lseccomp -lpam

$(BUILD)/tests/%: tests/unit/%.c tests/unit/tap.h tests/unit/fixture.h $(BUILD)/libjailsh.a | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libjailsh.a $(LIBS)

install: $(BUILD)/jailsh $(BUILD)/pam_jailsh.so $(HELPERS)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(HELPERDIR) \
		$(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(CONFDIR)/users \
		$(DESTDIR)$(CONFDIR)/groups $(DESTDIR)$(PAMDIR) \
		$(DESTDIR)$(SYSTEMDDIR) $(DESTDIR)$(COMPLETIONDIR)
	install -m 4755 $(BUILD)/jailsh $(DESTDIR)$(SBINDIR)/jailsh
	install -m 644 $(BUILD)/pam_jailsh.so $(DESTDIR)$(PAMDIR)/pam_jailsh.so
	install -m 755 $(HELPERS) $(DESTDIR)$(HELPERDIR)/
	-chown root:root $(DESTDIR)$(SBINDIR)/jailsh && \
		chmod 4755 $(DESTDIR)$(SBINDIR)/jailsh
	install -m 644 man/jailsh.8 $(DESTDIR)$(MANDIR)/man8/jailsh.8
	install -m 644 man/jailsh.conf.5 $(DESTDIR)$(MANDIR)/man5/jailsh.conf.5
	install -m 644 man/pam_jailsh.8 $(DESTDIR)$(MANDIR)/man8/pam_jailsh.8
	install -m 644 conf/jailsh-sessions.service \
		$(DESTDIR)$(SYSTEMDDIR)/jailsh-sessions.service
	install -m 644 completion/jailsh $(DESTDIR)$(COMPLETIONDIR)/jailsh
	@# never overwrite what an administrator may have edited
	@cd conf && for f in $$(find . -type f ! -name '*.service' | sort); do \
		dst='$(DESTDIR)$(CONFDIR)'/$${f#./}; \
		if [ -e "$$dst" ]; then echo "keeping $$dst"; \
		else install -m 644 "$$f" "$$dst"; fi; \
	done

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/jailsh $(DESTDIR)$(MANDIR)/man8/jailsh.8 \
		$(DESTDIR)$(MANDIR)/man5/jailsh.conf.5 \
		$(DESTDIR)$(MANDIR)/man8/pam_jailsh.8 \
		$(DESTDIR)$(PAMDIR)/pam_jailsh.so \
		$(DESTDIR)$(HELPERDIR)/newuidmap \
		$(DESTDIR)$(HELPERDIR)/newgidmap \
		$(DESTDIR)$(SYSTEMDDIR)/jailsh-sessions.service \
		$(DESTDIR)$(COMPLETIONDIR)/jailsh

# The Debian package (debian/), built from a copy of the tree in
# $(BUILD)/deb, where dpkg-buildpackage leaves it: jailsh_VERSION_ARCH.deb.
deb:
	rm -rf $(BUILD)/deb
	mkdir -p $(BUILD)/deb/jailsh-$(VERSION)
	tar -c --exclude=./.git --exclude='./build*' --exclude=./$(BUILD) . | \
		tar -x -C $(BUILD)/deb/jailsh-$(VERSION)
	cd $(BUILD)/deb/jailsh-$(VERSION) && dpkg-buildpackage -us -uc -b
	@ls $(BUILD)/deb/*.deb

# Debian packages: to build, and also to run every test.
BUILD_DEPS = gcc make libc6-dev libconfuse-dev libcap-dev libpam0g-dev \
	     libseccomp-dev clang libclang-rt-14-dev
TEST_DEPS  = perl python3 procps psmisc util-linux iproute2 passwd \
	     openssh-server openssh-client pamtester rsync git \
	     busybox-static bubblewrap firejail hyperfine strace libcap2-bin \
	     keyutils screen tmux clang-format-14 cron at debhelper lintian \
	     bash-completion groff-base podman runc uidmap fuse-overlayfs \
	     slirp4netns passt catatonit netavark
deps-build:
	@tests/lib/install-deps $(BUILD_DEPS)
# Without root the integration tests skip, so only the build is required.
deps-test:
	@if [ "$$(id -u)" = 0 ]; then \
		tests/lib/install-deps $(BUILD_DEPS) $(TEST_DEPS); \
	else tests/lib/install-deps $(BUILD_DEPS); fi

demo: deps-build
	@tests/demo

check: deps-test format-check all $(UNIT) $(FUZZERS)
	@FUZZER=$(BUILD)/fuzz/fuzz_profile \
		IDMAP_FUZZER=$(BUILD)/fuzz/fuzz_idmap tests/run $(UNIT) \
		tests/fuzz/10-short-run.t tests/fuzz/20-idmap.t

bench: all
	@tests/bench/startup

# libFuzzer (clang): fuzz_profile on the profile and jailsh.conf parsers
# and the plan, fuzz_idmap on the id-mapping service's request, newuidmap's
# command line and /etc/subuid (idmap.c, subid.c).
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 600
# The whole core, so that a file added to CORE is never missing here.
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(CORE:%=src/%.c) $(BUILD)/config.h
	mkdir -p $(BUILD)/fuzz/corpus $(BUILD)/fuzz/corpus-idmap
	$(FUZZ_CC) -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -I$(BUILD) -Isrc -o $@ \
		$< $(CORE:%=src/%.c) -lconfuse -lcap -lseccomp

fuzz: $(FUZZERS)
	$(BUILD)/fuzz/fuzz_profile -max_total_time=$(FUZZ_SECONDS) -timeout=5 \
		$(BUILD)/fuzz/corpus tests/fuzz/corpus
	$(BUILD)/fuzz/fuzz_idmap -max_total_time=$(FUZZ_SECONDS) -timeout=5 \
		$(BUILD)/fuzz/corpus-idmap tests/fuzz/corpus-idmap

# The C sources as the tree's .clang-format has them. Another version of
# clang-format than the one the tree was formatted with lays out some
# constructs otherwise: the check needs 14, and is skipped without it.
CLANG_FORMAT ?= clang-format-14
FORMAT_SRC    = $(sort $(wildcard src/*.[ch] pam/*.c tests/unit/*.[ch] \
		tests/fuzz/*.c))
format:
	$(CLANG_FORMAT) -i $(FORMAT_SRC)

format-check:
	@if ! $(CLANG_FORMAT) --version 2>/dev/null | grep -q 'version 14\.'; \
	then \
		echo "format-check: skipped: $(CLANG_FORMAT) (version 14) is" \
		     "not installed"; \
	else \
		bad=0; \
		for f in $(FORMAT_SRC); do \
			$(CLANG_FORMAT) "$$f" | diff -u --label "$$f" \
				--label "$$f (formatted)" "$$f" - || bad=1; \
		done; \
		if [ $$bad = 1 ]; then \
			echo "format-check: not formatted as .clang-format" \
			     "says: run make format"; \
			exit 1; \
		fi; \
	fi

clean:
	rm -rf build build-sanitize

FORCE:
.PHONY: all install uninstall deps-build deps-test demo check bench fuzz \
	format format-check clean deb FORCE
-include $(BUILD)/*.d
