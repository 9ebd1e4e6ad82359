# The setuid lane (issue 4, ../shared/SECURITY.md).  Included by the
# top-level Makefile.
#
#   test-setuid   lverun installed setuid root and run by unprivileged users
#                 the lane creates: the caller policy, the preinit scrubber,
#                 what the command inherits, the configuration file
#                 (tests/setuid/Lve.Setuid.Tests, driven by tests/setuid/lane)
#
# The test variant of lverun has a relative LVE parent (its LVEs land
# beneath the caller's own cgroup, which the tests make for each run) and a
# configuration path inside a private root-owned directory made for each
# run, /run/lverun-setuid.XXXXXX, where it is installed 4755 root:root.
# Everything the lane makes (users, groups, cgroups, files) is removed when
# it ends, pass or fail, and a killed run's leftovers by the next run.

SETUID_BUILD := $(BUILD)/test-setuid
SETUID_PARENT := lverun-setuid-test
SETUID_TOOLS := $(BUILD)/tests/setuid
SETUID_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2

TEST_TARGETS += test-setuid
# useradd/groupadd (passwd), flock (util-linux), strace, python3 (pty-run)
APT_PACKAGES += passwd util-linux strace python3

$(SETUID_TOOLS)/runas: tests/setuid/runas.c
	@mkdir -p $(@D)
	$(CC) $(SETUID_CFLAGS) $< -o $@

$(SETUID_TOOLS)/attack: tests/setuid/attack.c
	@mkdir -p $(@D)
	$(CC) $(SETUID_CFLAGS) $< -o $@ -lutil

$(SETUID_TOOLS)/probe: tests/setuid/probe.c
	@mkdir -p $(@D)
	$(CC) $(SETUID_CFLAGS) $< -o $@

$(SETUID_TOOLS)/planted.so: tests/setuid/planted.c
	@mkdir -p $(@D)
	$(CC) $(SETUID_CFLAGS) -shared -fPIC $< -o $@

$(SETUID_TOOLS)/pty-run: tests/setuid/pty-run
	@mkdir -p $(@D)
	install -m 0755 $< $@

.PHONY: test-setuid
test-setuid: $(SETUID_TOOLS)/runas $(SETUID_TOOLS)/attack $(SETUID_TOOLS)/probe $(SETUID_TOOLS)/planted.so $(SETUID_TOOLS)/pty-run
	@MAKE='$(MAKE)' BUILD='$(BUILD)' SETUID_BUILD='$(SETUID_BUILD)' SETUID_PARENT='$(SETUID_PARENT)' \
	  SETUID_TOOLS='$(abspath $(SETUID_TOOLS))' DOTNET='$(DOTNET)' DOTNET_FLAGS='$(DOTNET_FLAGS)' \
	  tests/setuid/lane
