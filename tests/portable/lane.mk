# tests/portable: the portable build and its Debian packages, on this host
# and on a real Debian 11 userland (issue 14).  Included by the top-level
# Makefile.
#
#   test-portable   builds the normal lverun and liblve, then `make deb`
#                   (the portable build, packaging/portable.mk), then
#                   tests/portable/run: check-binary on both builds and on
#                   binaries made to break it, the zig wrapper, and a
#                   debootstrapped Debian 11 chroot (cached under
#                   /var/tmp/lverun-bullseye) where our .deb packages are
#                   installed and run as root on this host's cgroups, LVEs
#                   beneath the run's own cgroups; see the script's head
#
# About 30 s warm (packages built, chroot cached); the first run on a
# machine adds the zig download, the portable build and the debootstrap
# (about a minute each).

# debootstrap: the chroot; debhelper, dpkg-dev: make deb; binutils:
# check-binary; util-linux: unshare, flock, mount.
APT_PACKAGES += debootstrap debhelper dpkg-dev binutils util-linux
TEST_TARGETS += test-portable

.PHONY: test-portable
test-portable: $(BUILD)/lverun native
	@case '$(PORTABLE)' in '') ;; *) echo "test-portable compares the portable build with the normal one: run it without PORTABLE" >&2; exit 1;; esac
	@$(MAKE) --no-print-directory deb
	@MAKE='$(MAKE)' tests/portable/run $(BUILD) $(PKG_BUILD) $(PKG_DEB_DIR)
