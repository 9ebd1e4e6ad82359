# packaging/packaging.mk - make install / uninstall, make rpm, and their
# tests.  Included by the top-level Makefile.
#
#   make install [DESTDIR=dir] [PREFIX=/usr] [SBINDIR=...] [LIBDIR=...]
#                [INCLUDEDIR=...] [MANDIR=...] [SYSCONFDIR=/etc]
#   make uninstall                  the same variables: removes exactly what
#                                   install put there (see PKG_FILES)
#   make man                        the pages with their version, in $(BUILD)/packaging/man
#   make rpm                        build/rpm/RPMS/<arch>/: lverun, liblve and
#                                   liblve-devel, from packaging/rpm/lverun.spec
#   make test-packaging             tests/packaging/test-packaging
#
# The defaults follow the RPM layout (%{_prefix} /usr, %{_libdir} /usr/lib64
# on 64-bit, %{_sysconfdir} /etc), which is where lverun is meant to be
# installed.  On Debian pass LIBDIR=/usr/lib/<multiarch triplet> (for
# example LIBDIR=/usr/lib/x86_64-linux-gnu): its loader and pkg-config do
# not look in /usr/lib64.  SYSCONFDIR does not follow PREFIX: lverun reads
# the path built into it, LVERUN_CONF (default /etc/lverun.conf).

PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
LIBDIR ?= $(PREFIX)/lib64
INCLUDEDIR ?= $(PREFIX)/include
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
SYSCONFDIR ?= /etc
INSTALL ?= install

# The commented example configuration: issue 4's etc/lverun.conf once it
# exists, until then a placeholder that sets nothing.
PKG_CONF_EXAMPLE := $(firstword $(wildcard etc/lverun.conf) packaging/lverun.conf.placeholder)

# The function names liblve(3) documents: each gets a man3 page that
# points to liblve.3 (".so"), so `man lve_enter` works.
PKG_MAN3_LINKS := lve_is_available lve_set_default lve_create lve_destroy lve_setup \
	lve_instance_init lve_instance_destroy lve_enter lve_leave

PKG_STAGE := $(BUILD)/packaging
PKG_MANPAGES := $(PKG_STAGE)/man/lverun.1 $(PKG_STAGE)/man/lverun.conf.5 $(PKG_STAGE)/man/liblve.3

# Everything install puts down, relative to $(DESTDIR): uninstall removes
# exactly these, and tests/packaging checks the tree against its own list.
PKG_FILES := $(SBINDIR)/lverun \
	$(LIBDIR)/liblve.so.0 $(LIBDIR)/liblve.so $(LIBDIR)/liblve.a \
	$(INCLUDEDIR)/lve-ctl.h $(INCLUDEDIR)/lve/lve-ctl.h $(INCLUDEDIR)/lve/lve-type.h \
	$(PKGCONFIGDIR)/liblve.pc \
	$(MANDIR)/man1/lverun.1 $(MANDIR)/man5/lverun.conf.5 $(MANDIR)/man3/liblve.3 \
	$(patsubst %,$(MANDIR)/man3/%.3,$(PKG_MAN3_LINKS)) \
	$(BASHCOMPDIR)/lverun
# ... and the configuration, which neither install nor uninstall treats
# like the others (see there).
PKG_CONF := $(SYSCONFDIR)/lverun.conf

# Owner root:root where we can set it; an unprivileged DESTDIR install
# keeps the caller as owner (the RPM's %attr sets root:root).
PKG_ROOT_OWNER := $(if $(filter 0,$(shell id -u)),-o root -g root)

ALL_TARGETS += $(PKG_MANPAGES)
TEST_TARGETS += test-packaging
# rpm: rpmbuild for `make rpm`; man-db and groff-base: the pages are
# checked with man -l and groff; pkg-config: the C program in the tests.
APT_PACKAGES += rpm man-db groff-base pkg-config

.PHONY: install uninstall rpm test-packaging man

man: $(PKG_MANPAGES)

# The pages carry @VERSION@; the installed ones carry the version.
$(PKG_STAGE)/man/%: man/% VERSION
	@mkdir -p $(@D)
	sed 's/@VERSION@/$(VERSION)/g' $< > $@

# Written straight into place: it holds the install-time directories, and
# install writes nothing into $(BUILD).
define pkg_pc
	sed -e 's|@VERSION@|$(VERSION)|g' -e 's|@PREFIX@|$(PREFIX)|g' \
	  -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' \
	  packaging/liblve.pc.in > '$(DESTDIR)$(PKGCONFIGDIR)/liblve.pc'
	chmod 0644 '$(DESTDIR)$(PKGCONFIGDIR)/liblve.pc'
endef

# A setuid test build must never reach a system: refused before anything
# is built (a relative parent lies beneath the caller's own cgroup).
ifneq ($(filter install,$(MAKECMDGOALS)),)
ifeq ($(filter /%,$(LIBLVE_DEFAULT_PARENT)),)
$(error install: refusing a test build: LIBLVE_DEFAULT_PARENT '$(LIBLVE_DEFAULT_PARENT)' is relative)
endif
endif

# A directory that exists is left as it is: install -d would reset the
# mode of /usr/sbin or /etc to 0755.
pkg_dir = [ -d '$(DESTDIR)$(1)' ] || $(INSTALL) -d -m 0755 '$(DESTDIR)$(1)'

install: $(BUILD)/lverun $(BUILD)/liblve.so.0 $(BUILD)/liblve.a $(PKG_MANPAGES) \
		native/include/lve-ctl.h native/include/lve/lve-ctl.h native/include/lve/lve-type.h \
		packaging/liblve.pc.in packaging/bash-completion/lverun $(PKG_CONF_EXAMPLE)
	@case '$(LIBLVE_DEFAULT_PARENT)' in /*) ;; *) \
	  echo "install: refusing a test build: LIBLVE_DEFAULT_PARENT '$(LIBLVE_DEFAULT_PARENT)' is relative" >&2; exit 1;; esac
	@if [ '$(SYSCONFDIR)/lverun.conf' != '$(LVERUN_CONF)' ]; then \
	  echo "install: note: lverun reads $(LVERUN_CONF), not $(SYSCONFDIR)/lverun.conf (build with LVERUN_CONF=...)" >&2; fi
	$(call pkg_dir,$(SBINDIR))
	@# SECURITY.md rule 19: a setuid binary only in a directory no one but
	@# root can change, on a real (not staged) install as root.
	@if [ -z '$(DESTDIR)' ] && [ -n '$(PKG_ROOT_OWNER)' ]; then d=$$(readlink -f '$(SBINDIR)'); \
	  while :; do set -- $$(stat -c '%u %a' "$$d"); \
	    if [ "$$1" != 0 ] || [ $$(( 0$$2 & 022 )) != 0 ]; then \
	      echo "install: $$d is not root-owned or is group/world-writable: no setuid lverun below it" >&2; exit 1; fi; \
	    [ "$$d" = / ] && break; d=$$(dirname "$$d"); done; fi
	@# A hard link to an older copy would stay setuid after the file is
	@# replaced; dropping the bit on the inode first disarms every link.
	@if [ -f '$(DESTDIR)$(SBINDIR)/lverun' ]; then chmod u-s,g-s '$(DESTDIR)$(SBINDIR)/lverun'; fi
	$(INSTALL) $(PKG_ROOT_OWNER) -m 4755 $(BUILD)/lverun '$(DESTDIR)$(SBINDIR)/lverun'
	$(call pkg_dir,$(LIBDIR))
	$(INSTALL) -m 0755 $(BUILD)/liblve.so.0 '$(DESTDIR)$(LIBDIR)/liblve.so.0'
	ln -sfn liblve.so.0 '$(DESTDIR)$(LIBDIR)/liblve.so'
	$(INSTALL) -m 0644 $(BUILD)/liblve.a '$(DESTDIR)$(LIBDIR)/liblve.a'
	$(call pkg_dir,$(PKGCONFIGDIR))
	$(pkg_pc)
	$(call pkg_dir,$(INCLUDEDIR))
	$(INSTALL) -m 0644 native/include/lve-ctl.h '$(DESTDIR)$(INCLUDEDIR)/lve-ctl.h'
	@# CloudLinux's application API, where its consumers include it from
	$(call pkg_dir,$(INCLUDEDIR)/lve)
	$(INSTALL) -m 0644 native/include/lve/lve-ctl.h '$(DESTDIR)$(INCLUDEDIR)/lve/lve-ctl.h'
	$(INSTALL) -m 0644 native/include/lve/lve-type.h '$(DESTDIR)$(INCLUDEDIR)/lve/lve-type.h'
	$(call pkg_dir,$(MANDIR)/man1)
	$(INSTALL) -m 0644 $(PKG_STAGE)/man/lverun.1 '$(DESTDIR)$(MANDIR)/man1/lverun.1'
	$(call pkg_dir,$(MANDIR)/man5)
	$(INSTALL) -m 0644 $(PKG_STAGE)/man/lverun.conf.5 '$(DESTDIR)$(MANDIR)/man5/lverun.conf.5'
	$(call pkg_dir,$(MANDIR)/man3)
	$(INSTALL) -m 0644 $(PKG_STAGE)/man/liblve.3 '$(DESTDIR)$(MANDIR)/man3/liblve.3'
	@for f in $(PKG_MAN3_LINKS); do \
	  echo ".so man3/liblve.3" > '$(DESTDIR)$(MANDIR)/man3/'$$f.3 && chmod 0644 '$(DESTDIR)$(MANDIR)/man3/'$$f.3 || exit 1; done
	$(call pkg_dir,$(BASHCOMPDIR))
	$(INSTALL) -m 0644 packaging/bash-completion/lverun '$(DESTDIR)$(BASHCOMPDIR)/lverun'
	@# The configuration decides who may enter which LVE: an existing one
	@# is the administrator's and is never overwritten (the RPM marks it
	@# %config(noreplace) for the same reason).
	$(call pkg_dir,$(SYSCONFDIR))
	@if [ -e '$(DESTDIR)$(PKG_CONF)' ] || [ -L '$(DESTDIR)$(PKG_CONF)' ]; then \
	  echo "install: keeping the existing $(DESTDIR)$(PKG_CONF)"; \
	else echo "$(INSTALL) $(PKG_ROOT_OWNER) -m 0644 $(PKG_CONF_EXAMPLE) $(DESTDIR)$(PKG_CONF)"; \
	  $(INSTALL) $(PKG_ROOT_OWNER) -m 0644 $(PKG_CONF_EXAMPLE) '$(DESTDIR)$(PKG_CONF)'; fi

# Only files, never directories (they may hold other packages' files).
# The configuration goes only if it is still the example as shipped; an
# edited one is the administrator's.
uninstall:
	@if [ -f '$(DESTDIR)$(SBINDIR)/lverun' ]; then chmod u-s,g-s '$(DESTDIR)$(SBINDIR)/lverun'; fi
	rm -f $(foreach f,$(PKG_FILES),'$(DESTDIR)$(f)')
	@if [ -f '$(DESTDIR)$(PKG_CONF)' ] && ! [ -L '$(DESTDIR)$(PKG_CONF)' ] && cmp -s $(PKG_CONF_EXAMPLE) '$(DESTDIR)$(PKG_CONF)'; then \
	  echo "rm -f $(DESTDIR)$(PKG_CONF)"; rm -f '$(DESTDIR)$(PKG_CONF)'; \
	elif [ -e '$(DESTDIR)$(PKG_CONF)' ]; then echo "uninstall: keeping $(DESTDIR)$(PKG_CONF): it was changed"; fi

# make rpm: rpmbuild over the tree that was just built, in place.
#
# The build happens here, outside rpmbuild (it may need the network for a
# cold NuGet cache); then rpmbuild --build-in-place runs the spec in this
# checkout: %build's make finds everything up to date, %install is
# `make install DESTDIR=<buildroot>`.  rpmbuild runs without any network
# (a fresh network namespace) when this host allows it, so the package
# provably needs none.  --nodeps: Debian's rpm database is empty, it knows
# none of the build tools dpkg installed (the spec's BuildRequires are for
# EL builders).  The package is always a release build: /lve and
# /etc/lverun.conf, whatever LIBLVE_DEFAULT_PARENT and LVERUN_CONF say here.
# Debian's brp-compress is a bash script (read -d) started as /bin/sh,
# which is dash here: run it with bash, so the man pages are compressed as
# an EL build would compress them.
RPMBUILD ?= rpmbuild
PKG_RPM_TOPDIR := $(abspath $(BUILD))/rpm
PKG_RELEASE_SETTINGS := LIBLVE_DEFAULT_PARENT=/lve LVERUN_CONF=/etc/lverun.conf
PKG_OFFLINE = $(shell unshare --net true 2>/dev/null && echo 'unshare --net --')

rpm:
	@tests/deps rpm
	@$(MAKE) --no-print-directory BUILD=$(BUILD) $(PKG_RELEASE_SETTINGS) lverun native man
	rm -rf $(PKG_RPM_TOPDIR)
	@mkdir -p $(PKG_RPM_TOPDIR)
	@if [ -n '$(PKG_OFFLINE)' ]; then echo "rpm: rpmbuild runs with no network (unshare --net)"; \
	  else echo "rpm: note: cannot make a network namespace here; rpmbuild runs with the network but does not use it"; fi
	$(PKG_OFFLINE) $(RPMBUILD) -bb --build-in-place --nodeps \
	  --define '_topdir $(PKG_RPM_TOPDIR)' \
	  --define 'lve_version $(VERSION)' \
	  --define '__brp_compress bash %{_rpmconfigdir}/brp-compress %{_prefix}' \
	  --define 'lve_make_flags BUILD=$(BUILD) $(PKG_RELEASE_SETTINGS)' \
	  packaging/rpm/lverun.spec
	@find $(PKG_RPM_TOPDIR)/RPMS -name '*.rpm' | sort

test-packaging: $(BUILD)/lverun native
	@BUILD=$(BUILD) MAKE='$(MAKE)' tests/packaging/test-packaging
