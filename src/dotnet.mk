# src/dotnet.mk - lverun (NativeAOT, src/LveRun + src/Lve.Interop), its
# managed tests (tests/managed), the demo and the bench.  Included by the
# top-level Makefile.
#
#   make [BUILD=dir] lverun   $(BUILD)/lverun, linked against $(BUILD)/liblve.a;
#                             each BUILD keeps its own dotnet obj/bin/publish
#                             directories, so variants build side by side:
#                             make BUILD=build/test-setuid LIBLVE_DEFAULT_PARENT=t/lve \
#                                  LVERUN_CONF=/tmp/x/lverun.conf lverun
#   make test-managed         the xunit tests (root and cgroups for most)
#   make demo                 build everything and show lverun at work
#   make bench                bench/lverun-bench

DOTNET ?= dotnet
DOTNET_ARCH := $(shell uname -m)
DOTNET_RID ?= linux-$(if $(filter aarch64 arm64,$(DOTNET_ARCH)),arm64,x64)
# No MSBuild node or compiler server outlives the build.  A portable build
# links with zig (packaging/portable.mk).
DOTNET_FLAGS := --nologo --disable-build-servers -v:q -clp:NoSummary \
	-p:LveBuildDir=$(abspath $(BUILD))/ -p:LverunConf=$(LVERUN_CONF) $(DOTNET_PORTABLE_FLAGS)

LVERUN_DOTNET := $(BUILD)/dotnet
LVERUN_SRCS := $(shell find src/LveRun src/Lve.Interop -type f \
	\( -name '*.cs' -o -name '*.csproj' -o -name '*.c' -o -name '*.h' \) -not -path '*/obj/*' -not -path '*/bin/*') \
	src/Directory.Build.props VERSION

ALL_TARGETS += $(BUILD)/lverun
TEST_TARGETS += test-managed
# strace: the tests inject syscall failures and watch what lverun opens;
# bsdutils: script(1), a terminal for the new-session tests.
APT_PACKAGES += strace bsdutils

.PHONY: lverun test-managed bench

lverun: $(BUILD)/lverun

# Where lverun is installed: the scrubber (native/caller.c) sets argv[0] to
# it, so that the runtime never looks beside a path the caller chose.
# Recursive, so that packaging/packaging.mk's SBINDIR counts.
LVERUN_INSTALLED_PATH = $(if $(SBINDIR),$(SBINDIR),/usr/sbin)/lverun

# Build-time settings of lverun, rewritten only when they change (as
# config.h is for liblve), so that switching LVERUN_CONF relinks lverun.
$(LVERUN_DOTNET)/settings: FORCE
	@mkdir -p $(@D)
	@case '$(LVERUN_CONF)' in /*) ;; *) echo "LVERUN_CONF must be an absolute path" >&2; exit 1;; esac
	@case '$(LVERUN_INSTALLED_PATH)' in /*) ;; *) echo "SBINDIR must be an absolute path" >&2; exit 1;; esac
	@printf 'LVERUN_CONF=%s\nDOTNET_RID=%s\nLVERUN_INSTALLED_PATH=%s\nTOOLCHAIN=%s\n' \
	  '$(LVERUN_CONF)' '$(DOTNET_RID)' '$(LVERUN_INSTALLED_PATH)' '$(TOOLCHAIN)' > $@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi

# The C that runs before the .NET runtime and right before execve (see
# native/caller.c and native/launch.c), and the command lookup's checks as
# another account (native/access.c).
LVERUN_NATIVE_OBJS := $(LVERUN_DOTNET)/native/caller.o $(LVERUN_DOTNET)/native/launch.o \
	$(LVERUN_DOTNET)/native/access.o $(LVERUN_DOTNET)/native/session.o
$(LVERUN_DOTNET)/native/%.o: src/LveRun/native/%.c src/LveRun/native/caller.h $(LVERUN_DOTNET)/settings $(TOOLCHAIN_DEPS)
	@mkdir -p $(@D)
	$(TARGET_CC) $(CPPFLAGS) $(CFLAGS) -std=c11 -Wall -Wextra -Werror -fPIC -fstack-protector-strong \
	  -D_FORTIFY_SOURCE=2 -DLVERUN_INSTALLED_PATH='"$(LVERUN_INSTALLED_PATH)"' -c $< -o $@

# MSBuild and the test platform leave empty directories in $TMPDIR at each
# run: each run gets one of its own, removed after.
# Only the binary goes into $(BUILD): the symbols (lverun.dbg) stay in the
# publish directory, and nothing else the runtime could load lies beside it.
# A portable build checks the binary before it gets there.
$(BUILD)/lverun: $(LVERUN_SRCS) $(BUILD)/liblve.a $(LVERUN_NATIVE_OBJS) $(LVERUN_DOTNET)/settings $(TOOLCHAIN_DEPS)
	@tmp=$$(mktemp -d /tmp/lverun-dotnet-publish.XXXXXX); status=0; \
	echo "$(DOTNET) publish src/LveRun/LveRun.csproj -c Release -r $(DOTNET_RID) ..."; \
	TMPDIR=$$tmp $(DOTNET) publish src/LveRun/LveRun.csproj -c Release -r $(DOTNET_RID) $(DOTNET_FLAGS) \
	  -o $(LVERUN_DOTNET)/publish || status=$$?; \
	rm -rf $$tmp; exit $$status
	$(call portable_check,exe,$(LVERUN_DOTNET)/publish/lverun,$(LVERUN_DOTNET)/publish/lverun.dbg)
	chmod 0644 $(LVERUN_NOTICES)
	install -m 0755 $(LVERUN_DOTNET)/publish/lverun $@

# The runtime's notices, beside the binary's symbols; written by the
# publish above (LveRun.csproj), shipped by the packages.
LVERUN_NOTICES := $(LVERUN_DOTNET)/publish/dotnet-THIRD-PARTY-NOTICES.TXT
$(LVERUN_NOTICES): $(BUILD)/lverun
	@test -f $@ || { echo "$@: not written by the publish of $(BUILD)/lverun" >&2; exit 1; }

# A small C program over liblve.a for the demo and the bench: it sets an
# LVE's limits (lverun cannot), burns CPU, and removes the LVE trees.
$(BUILD)/lvedemo: bench/lvedemo.c native/include/lve-ctl.h $(BUILD)/liblve.a
	$(CC) $(CPPFLAGS) $(CFLAGS) -std=c11 -Wall -Wextra -Werror -Inative/include $< \
	  $(BUILD)/liblve.a $(LDFLAGS) -o $@

# The tests load $(BUILD)/liblve.so.0 (as liblve.so, beside the test
# assembly) and run $(BUILD)/lverun.  The plain count is the closing line,
# "test-managed: N passed, N failed", from tests/shared/summary, which also
# fails the lane, as root, for a test skipped for want of root or cgroups.
test-managed: $(BUILD)/lverun $(BUILD)/liblve.so.0
	@mkdir -p $(LVERUN_DOTNET)
	@status=0; tmp=$$(mktemp -d /tmp/lverun-dotnet-test.XXXXXX); chmod 0755 $$tmp; \
	LVERUN_BINARY=$(abspath $(BUILD))/lverun TMPDIR=$$tmp \
	  $(DOTNET) test tests/managed/Lve.Tests/Lve.Tests.csproj $(DOTNET_FLAGS) \
	  --logger 'console;verbosity=normal' > $(LVERUN_DOTNET)/test-managed.log 2>&1 || status=$$?; \
	rm -rf $$tmp; \
	cat $(LVERUN_DOTNET)/test-managed.log; \
	tests/shared/summary test-managed $(LVERUN_DOTNET)/test-managed.log || status=1; \
	exit $$status

demo: build-all $(BUILD)/lvedemo
	@BUILD=$(BUILD) bench/lverun-demo

bench: build-all $(BUILD)/lvedemo
	@BUILD=$(BUILD) bench/lverun-bench
