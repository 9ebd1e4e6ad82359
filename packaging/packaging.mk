# packaging/packaging.mk - make install / uninstall, make rpm, make deb,
# and their tests.  Included by the top-level Makefile.
#
#   make install [DESTDIR=dir] [PREFIX=/usr] [SBINDIR=...] [LIBDIR=...]
#                [INCLUDEDIR=...] [MANDIR=...] [SYSCONFDIR=/etc]
#   make uninstall                  the same variables: removes exactly what
#                                   install put there (see PKG_FILES)
#   make man                        the pages with their version, in $(BUILD)/packaging/man
#   make rpm                        build/rpm/RPMS/<arch>/: lverun, liblve and
#                                   liblve-devel, from packaging/rpm/lverun.spec
#   make deb                        build/deb/: lverun, liblve0 and liblve-dev,
#                                   from packaging/debian/
#   make test-packaging             tests/packaging/test-packaging
#
# make rpm and make deb always package the portable build (PORTABLE=1, in
# $(PKG_BUILD); packaging/portable.mk): one set of binaries for glibc 2.28
# and newer, EL8 and Debian 11 alike.
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
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= /etc
INSTALL ?= install

# What install puts down besides lverun (setuid, apart) and liblve, by kind.
# A new file of a kind that is here is one word in its list (and a line in
# the RPM's %files and the Debian package's .install file):
#   PKG_SBIN         root's programs, $(BUILD)/NAME -> $(SBINDIR)/NAME, 0755
#   PKG_HEADERS      native/include/PATH -> $(INCLUDEDIR)/PATH, 0644 (PATH may
#                    have a directory: lve/lve-ctl.h)
#   PKG_MAN          man/PAGE.N -> $(MANDIR)/manN/PAGE.N, @VERSION@ replaced
#   PKG_COMPLETIONS  packaging/bash-completion/NAME -> $(BASHCOMPDIR)/NAME
#   PKG_UNITS        packaging/systemd/NAME -> $(SYSTEMDUNITDIR)/NAME, 0644
#   PKG_CONFIGS      etc/PATH -> $(SYSCONFDIR)/PATH, 0644 root:root; never
#                    overwritten, removed only while unchanged (conffiles)
PKG_SBIN := lvectl
PKG_HEADERS := lve-ctl.h lve/lve-ctl.h lve/lve-type.h
PKG_MAN := lverun.1 lverun.conf.5 liblve.3 lvectl.8 lvectl.conf.5
PKG_COMPLETIONS := lverun lvectl
PKG_UNITS := lve.service
PKG_CONFIGS := lverun.conf lve/lve.conf

# The function names liblve(3) documents: each gets a man3 page that
# points to liblve.3 (".so"), so `man lve_enter` works.
PKG_MAN3_LINKS := lve_is_available lve_set_default lve_create lve_destroy lve_setup \
	lve_instance_init lve_instance_destroy lve_enter lve_leave \
	lve_limit_info lve_limits_get lve_limits_set lve_defaults_get lve_defaults_set \
	lve_list lve_usage_get \
	init_lve destroy_lve lve_enter_flags lve_exit lve_setup_enter lve_check_fault is_in_lve \
	lve_enter_fs lve_kapi_ver lve_get_api_version jail lve_jail lve_jail_uid lve_namespace_setup

PKG_STAGE := $(BUILD)/packaging
PKG_MANPAGES := $(addprefix $(PKG_STAGE)/man/,$(PKG_MAN))
# manN/PAGE.N for a page PAGE.N
pkg_man_path = man$(subst .,,$(suffix $(1)))/$(1)

# Everything install puts down, relative to $(DESTDIR): uninstall removes
# exactly these, and tests/packaging checks the tree against its own list.
PKG_FILES := $(SBINDIR)/lverun $(addprefix $(SBINDIR)/,$(PKG_SBIN)) \
	$(LIBDIR)/liblve.so.0 $(LIBDIR)/liblve.so $(LIBDIR)/liblve.a \
	$(addprefix $(INCLUDEDIR)/,$(PKG_HEADERS)) $(PKGCONFIGDIR)/liblve.pc \
	$(foreach p,$(PKG_MAN),$(MANDIR)/$(call pkg_man_path,$(p))) \
	$(patsubst %,$(MANDIR)/man3/%.3,$(PKG_MAN3_LINKS)) \
	$(addprefix $(BASHCOMPDIR)/,$(PKG_COMPLETIONS)) \
	$(addprefix $(SYSTEMDUNITDIR)/,$(PKG_UNITS))
# ... and the configuration, which neither install nor uninstall treats
# like the others (see there).
PKG_CONF := $(addprefix $(SYSCONFDIR)/,$(PKG_CONFIGS))

# Owner root:root where we can set it; an unprivileged DESTDIR install
# keeps the caller as owner (the RPM's %attr sets root:root).
PKG_ROOT_OWNER := $(if $(filter 0,$(shell id -u)),-o root -g root)

ALL_TARGETS += $(PKG_MANPAGES)
TEST_TARGETS += test-packaging
# rpm: rpmbuild for `make rpm`; debhelper, dpkg-dev: `make deb`; lintian:
# the .deb packages are checked with it; man-db and groff-base: the pages
# are checked with man -l and groff; pkg-config: the C program in the tests.
APT_PACKAGES += rpm debhelper dpkg-dev lintian man-db groff-base pkg-config

.PHONY: install uninstall rpm deb test-packaging man

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

define newline


endef

# $(call pkg_conf_install,PATH): etc/PATH to $(SYSCONFDIR)/PATH unless
# something is there already.
pkg_conf_install = @if [ -e '$(DESTDIR)$(SYSCONFDIR)/$(1)' ] || [ -L '$(DESTDIR)$(SYSCONFDIR)/$(1)' ]; then \
	  echo "install: keeping the existing $(DESTDIR)$(SYSCONFDIR)/$(1)"; \
	else echo "$(INSTALL) $(PKG_ROOT_OWNER) -m 0644 etc/$(1) $(DESTDIR)$(SYSCONFDIR)/$(1)"; \
	  $(INSTALL) $(PKG_ROOT_OWNER) -m 0644 etc/$(1) '$(DESTDIR)$(SYSCONFDIR)/$(1)'; fi
# $(call pkg_conf_uninstall,PATH): $(SYSCONFDIR)/PATH goes while it is etc/PATH.
pkg_conf_uninstall = @f='$(DESTDIR)$(SYSCONFDIR)/$(1)'; \
	if [ -f "$$f" ] && ! [ -L "$$f" ] && cmp -s etc/$(1) "$$f"; then echo "rm -f $$f"; rm -f "$$f"; \
	elif [ -e "$$f" ]; then echo "uninstall: keeping $$f: it was changed"; fi

install: $(BUILD)/lverun $(addprefix $(BUILD)/,$(PKG_SBIN)) $(BUILD)/liblve.so.0 $(BUILD)/liblve.a \
		$(PKG_MANPAGES) $(addprefix native/include/,$(PKG_HEADERS)) packaging/liblve.pc.in \
		$(addprefix packaging/bash-completion/,$(PKG_COMPLETIONS)) $(addprefix packaging/systemd/,$(PKG_UNITS)) \
		$(addprefix etc/,$(PKG_CONFIGS))
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
	$(foreach f,$(PKG_SBIN),$(INSTALL) -m 0755 $(BUILD)/$(f) '$(DESTDIR)$(SBINDIR)/$(f)'$(newline))
	$(call pkg_dir,$(LIBDIR))
	$(INSTALL) -m 0755 $(BUILD)/liblve.so.0 '$(DESTDIR)$(LIBDIR)/liblve.so.0'
	ln -sfn liblve.so.0 '$(DESTDIR)$(LIBDIR)/liblve.so'
	$(INSTALL) -m 0644 $(BUILD)/liblve.a '$(DESTDIR)$(LIBDIR)/liblve.a'
	$(call pkg_dir,$(PKGCONFIGDIR))
	$(pkg_pc)
	$(foreach d,$(sort $(patsubst %/,%,$(dir $(addprefix $(INCLUDEDIR)/,$(PKG_HEADERS))))),$(call pkg_dir,$(d))$(newline))
	$(foreach h,$(PKG_HEADERS),$(INSTALL) -m 0644 native/include/$(h) '$(DESTDIR)$(INCLUDEDIR)/$(h)'$(newline))
	$(foreach p,$(PKG_MAN),$(call pkg_dir,$(MANDIR)/$(patsubst %/,%,$(dir $(call pkg_man_path,$(p)))))$(newline)$(INSTALL) -m 0644 $(PKG_STAGE)/man/$(p) '$(DESTDIR)$(MANDIR)/$(call pkg_man_path,$(p))'$(newline))
	$(call pkg_dir,$(MANDIR)/man3)
	@for f in $(PKG_MAN3_LINKS); do \
	  echo ".so man3/liblve.3" > '$(DESTDIR)$(MANDIR)/man3/'$$f.3 && chmod 0644 '$(DESTDIR)$(MANDIR)/man3/'$$f.3 || exit 1; done
	$(call pkg_dir,$(BASHCOMPDIR))
	$(foreach c,$(PKG_COMPLETIONS),$(INSTALL) -m 0644 packaging/bash-completion/$(c) '$(DESTDIR)$(BASHCOMPDIR)/$(c)'$(newline))
	$(if $(PKG_UNITS),$(call pkg_dir,$(SYSTEMDUNITDIR)))
	$(foreach u,$(PKG_UNITS),$(INSTALL) -m 0644 packaging/systemd/$(u) '$(DESTDIR)$(SYSTEMDUNITDIR)/$(u)'$(newline))
	@# A configuration (who may enter which LVE, what limits) is the
	@# administrator's once it exists: it is never overwritten (the RPM
	@# marks it %config(noreplace), the Debian package a conffile, for the
	@# same reason).
	$(foreach c,$(PKG_CONFIGS),$(call pkg_dir,$(patsubst %/,%,$(dir $(SYSCONFDIR)/$(c))))$(newline)$(call pkg_conf_install,$(c))$(newline))

# Only files, never directories (they may hold other packages' files).
# A configuration goes only if it is still the example as shipped; an
# edited one is the administrator's.
uninstall:
	@if [ -f '$(DESTDIR)$(SBINDIR)/lverun' ]; then chmod u-s,g-s '$(DESTDIR)$(SBINDIR)/lverun'; fi
	rm -f $(foreach f,$(PKG_FILES),'$(DESTDIR)$(f)')
	$(foreach c,$(PKG_CONFIGS),$(call pkg_conf_uninstall,$(c))$(newline))

# make rpm and make deb package the portable build, in a BUILD of its own
# (build/portable, the default of `make PORTABLE=1`), always with the
# release settings: /lve and /etc/lverun.conf, whatever
# LIBLVE_DEFAULT_PARENT and LVERUN_CONF say here.  It is built first, here,
# outside rpmbuild and dpkg-buildpackage (a cold NuGet cache or a first
# portable build needs the network); they then run in a network namespace
# of their own (unshare --net) when this host allows it, so the packages
# provably need none, and find everything up to date.
PKG_BUILD := $(if $(PORTABLE),$(BUILD),$(BUILD)/portable)
PKG_RELEASE_SETTINGS := LIBLVE_DEFAULT_PARENT=/lve LVERUN_CONF=/etc/lverun.conf
PKG_BUILD_FLAGS := BUILD=$(PKG_BUILD) PORTABLE=1 $(PKG_RELEASE_SETTINGS)
PKG_PARTS := lverun native man $(addprefix $(PKG_BUILD)/,$(PKG_SBIN)) $(PKG_BUILD)/dotnet/publish/dotnet-THIRD-PARTY-NOTICES.TXT
PKG_OFFLINE = $(shell unshare --net true 2>/dev/null && echo 'unshare --net --')
pkg_offline_note = @if [ -n '$(PKG_OFFLINE)' ]; then echo "$(1): $(2) runs with no network (unshare --net)"; \
	  else echo "$(1): note: cannot make a network namespace here; $(2) runs with the network but does not use it"; fi

# make rpm: rpmbuild --build-in-place over this checkout: %build's make
# finds everything up to date, %install is `make install
# DESTDIR=<buildroot>`.  --nodeps: Debian's rpm database is empty, it knows
# none of the build tools dpkg installed (the spec's BuildRequires are for
# EL builders).  Debian's brp-compress is a bash script (read -d) started
# as /bin/sh, which is dash here: run it with bash, so the man pages are
# compressed as an EL build would compress them.
RPMBUILD ?= rpmbuild
PKG_RPM_TOPDIR := $(abspath $(BUILD))/rpm

rpm:
	@tests/deps rpm
	@$(MAKE) --no-print-directory $(PKG_BUILD_FLAGS) $(PKG_PARTS)
	rm -rf $(PKG_RPM_TOPDIR)
	@mkdir -p $(PKG_RPM_TOPDIR)
	$(call pkg_offline_note,rpm,rpmbuild)
	$(PKG_OFFLINE) $(RPMBUILD) -bb --build-in-place --nodeps \
	  --define '_topdir $(PKG_RPM_TOPDIR)' \
	  --define 'lve_version $(VERSION)' \
	  --define 'lve_build $(PKG_BUILD)' \
	  --define '__brp_compress bash %{_rpmconfigdir}/brp-compress %{_prefix}' \
	  --define 'lve_make_flags $(PKG_BUILD_FLAGS)' \
	  packaging/rpm/lverun.spec
	@find $(PKG_RPM_TOPDIR)/RPMS -name '*.rpm' | sort

# make deb: dpkg-buildpackage -b in $(PKG_DEB_SRC), a staging directory
# holding packaging/debian as debian/ and the documents it ships; its
# debian/rules runs make in this checkout (LVE_TOP) with the same flags.
# The packages land in $(PKG_DEB_DIR).  -d: dpkg-checkbuilddeps would look
# for a Debian package of the .NET SDK, which is not how the SDK is
# installed here (as --nodeps for rpm).  Rules-Requires-Root: no, so no
# fakeroot: dpkg-deb makes every file root:root itself.
PKG_DEB_DIR := $(abspath $(BUILD))/deb
PKG_DEB_SRC := $(PKG_DEB_DIR)/lverun-$(VERSION)
PKG_DEB_DOCS := README.md LICENSE THIRD-PARTY-NOTICES $(PKG_BUILD)/dotnet/publish/dotnet-THIRD-PARTY-NOTICES.TXT

deb:
	@flock /tmp/lve-lock-apt tests/deps debhelper dpkg-dev
	@$(MAKE) --no-print-directory $(PKG_BUILD_FLAGS) $(PKG_PARTS)
	rm -rf $(PKG_DEB_DIR)
	@mkdir -p $(PKG_DEB_SRC)
	cp -R packaging/debian $(PKG_DEB_SRC)/debian
	cp $(PKG_DEB_DOCS) $(PKG_DEB_SRC)/
	$(call pkg_offline_note,deb,dpkg-buildpackage)
	cd $(PKG_DEB_SRC) && LVE_TOP='$(CURDIR)' LVE_BUILD='$(PKG_BUILD)' LVE_MAKE_FLAGS='$(PKG_BUILD_FLAGS)' \
	  $(PKG_OFFLINE) dpkg-buildpackage -b -d --no-sign > $(PKG_DEB_DIR)/build.log 2>&1 || \
	  { tail -n 40 $(PKG_DEB_DIR)/build.log >&2; echo "deb: dpkg-buildpackage failed: $(PKG_DEB_DIR)/build.log" >&2; exit 1; }
	@find $(PKG_DEB_DIR) -maxdepth 1 -name '*.deb' | sort

test-packaging: $(BUILD)/lverun native
	@BUILD=$(BUILD) MAKE='$(MAKE)' tests/packaging/test-packaging
