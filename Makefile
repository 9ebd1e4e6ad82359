# lverun and liblve.  `make demo` to see it work, `make test` to prove it.
#
# Knobs (command line or environment):
#   LIBLVE_DEFAULT_PARENT  where LVEs live in each hierarchy (default /lve);
#                          a relative value is for test builds only
#   LIBLVE_CONF            the administrator's configuration, where liblve reads
#                          the LVE parent (default /etc/lve/lve.conf)
#   LVERUN_CONF            lverun's configuration file (default /etc/lverun.conf)
#   PORTABLE=1             link for glibc 2.28 and newer with zig, not the host's
#                          toolchain (packaging/portable.mk; make rpm and make deb
#                          always do)
#   BUILD                  output directory (default build, build/portable with
#                          PORTABLE=1)
#   PREFIX, SBINDIR, LIBDIR, INCLUDEDIR, MANDIR, SYSCONFDIR, DESTDIR  for install

VERSION := $(shell cat VERSION)

PORTABLE ?=
BUILD ?= $(if $(PORTABLE),build/portable,build)
LIBLVE_DEFAULT_PARENT ?= /lve
LIBLVE_CONF ?= /etc/lve/lve.conf
LVERUN_CONF ?= /etc/lverun.conf

CC ?= cc
AR ?= ar
CFLAGS ?= -O2 -g
LVE_CFLAGS := -std=c11 -Wall -Wextra -Werror -fPIC -fvisibility=hidden \
	-fstack-protector-strong -D_FORTIFY_SOURCE=2 -Inative/include \
	-include $(BUILD)/native/config.h
LVE_LDFLAGS := -Wl,-z,relro,-z,now -Wl,--as-needed

LIBLVE_SRCS := $(wildcard native/src/*.c)
LIBLVE_OBJS := $(patsubst native/src/%.c,$(BUILD)/native/%.o,$(LIBLVE_SRCS))

.PHONY: all native clean test demo deps FORCE
.DELETE_ON_ERROR:

# Each part of the project adds its build and test targets in its own
# fragment (included at the end): ALL_TARGETS, TEST_TARGETS, APT_PACKAGES.
ALL_TARGETS := native
TEST_TARGETS :=
APT_PACKAGES :=

all: build-all

# TARGET_CC: the compiler of what is shipped (liblve, lverun's C): $(CC),
# or zig with PORTABLE=1.  Test programs always use $(CC).
include packaging/portable.mk

native: $(BUILD)/liblve.a $(BUILD)/liblve.so.0 $(BUILD)/liblve.so

# Build-time settings live in a header that is rewritten only when they
# change, so switching LIBLVE_DEFAULT_PARENT rebuilds exactly what uses it,
# and switching the toolchain rebuilds everything.
$(BUILD)/native/config.h: FORCE
	@mkdir -p $(@D)
	@case '$(LIBLVE_DEFAULT_PARENT)' in /*) ;; *) \
	  echo "note: relative LIBLVE_DEFAULT_PARENT '$(LIBLVE_DEFAULT_PARENT)': a test build, never install it setuid" >&2;; esac
	@case '$(LIBLVE_CONF)' in /*) ;; *) echo "LIBLVE_CONF must be an absolute path" >&2; exit 1;; esac
	@printf '/* toolchain: %s */\n#define LIBLVE_DEFAULT_PARENT "%s"\n#define LIBLVE_CONF "%s"\n#define LIBLVE_VERSION "%s"\n' \
	  '$(TOOLCHAIN)' '$(LIBLVE_DEFAULT_PARENT)' '$(LIBLVE_CONF)' '$(VERSION)' > $@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi

$(BUILD)/native/%.o: native/src/%.c native/src/internal.h native/include/lve-ctl.h $(BUILD)/native/config.h $(TOOLCHAIN_DEPS)
	@mkdir -p $(@D)
	$(TARGET_CC) $(CPPFLAGS) $(CFLAGS) $(LVE_CFLAGS) -c $< -o $@

$(BUILD)/liblve.a: $(LIBLVE_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/liblve.so.0: $(LIBLVE_OBJS) native/liblve.map $(TOOLCHAIN_DEPS)
	$(TARGET_CC) $(CFLAGS) -shared -Wl,-soname,liblve.so.0 -Wl,--version-script=native/liblve.map \
	  $(LVE_LDFLAGS) $(LDFLAGS) -o $@ $(LIBLVE_OBJS)
	$(call portable_check,library,$@)

$(BUILD)/liblve.so: $(BUILD)/liblve.so.0
	ln -sf liblve.so.0 $@

FORCE:

clean:
	rm -rf build

include tests/native/native.mk
-include $(wildcard src/dotnet.mk src/lvectl.mk packaging/packaging.mk tests/*/lane.mk)

# Targets are collected above, so these come last.
.PHONY: build-all
build-all: $(ALL_TARGETS)

# Installs what the suite needs (Debian packages), then runs every lane.
deps:
	@tests/deps $(sort $(APT_PACKAGES))

# Every lane keeps beneath its own cgroups: the run fails if a host-wide LVE
# tree (/lve in any hierarchy) appeared, went or changed while it ran.
test: deps
	@mkdir -p $(BUILD) && tests/shared/host-lve snapshot > $(BUILD)/host-lve.before
	@status=0; $(MAKE) --no-print-directory $(TEST_TARGETS) || status=$$?; \
	tests/shared/host-lve check $(BUILD)/host-lve.before || status=1; \
	exit $$status
