# The systemd lane (tests/vm-systemd/README.md).  Included by the top-level
# Makefile.
#
#   test-vm-systemd   our build installed (make install DESTDIR=, or the .deb
#                     packages when there are any) in a Debian 12 guest
#                     booted by its own systemd on pure cgroup v2; lve.service,
#                     lverun from a service and from cron, daemon-reload and
#                     other units' restarts, the systemd facts docs/systemd.md
#                     states, liblve's real-hierarchy suite in a delegated
#                     service; then a reboot, and every limit again at boot
#                     (tests/vm-systemd/checks.sh)
#
# The guest's image is debootstrapped once and cached under /var/tmp
# (tests/vm-systemd/build-image); each run boots a copy-on-write overlay.

# debootstrap, e2fsprogs (mke2fs -d) and python3 build the image; qemu-utils
# (qemu-img) makes each run's overlay.
APT_PACKAGES += qemu-system-x86 qemu-utils debootstrap e2fsprogs python3
TEST_TARGETS += test-vm-systemd

VMSD_DIR := $(BUILD)/vm-systemd
VMSD_STAGE := $(VMSD_DIR)/stage
# Debian's library directory, where its loader looks (packaging.mk's
# default is the RPM layout's /usr/lib64).
VMSD_LIBDIR := /usr/lib/$(shell $(CC) -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
# The packages, once `make deb` makes them: installed instead of the tree.
VMSD_DEBS = $(wildcard $(BUILD)/*.deb $(BUILD)/deb/*.deb)
# Once lvectl has its sources it is always built and checked here; until
# then the checks that need it say "lvectl not built yet".
ifneq ($(wildcard src/LveCtl/*.csproj),)
VMSD_LVECTL := $(BUILD)/lvectl
endif

# Per phase, boot included: phase 1 waits up to 75 s for cron; a wedged
# guest must not eat CI's time.
VMSD_GUEST := tests/vm-systemd/run-in-systemd-guest --phases 2 --timeout 900

.PHONY: test-vm-systemd
test-vm-systemd: $(BUILD)/tests/native/real_test $(BUILD)/lverun $(BUILD)/liblve.so.0 $(VMSD_LVECTL)
	@rm -rf $(VMSD_STAGE) $(VMSD_DIR)/debs $(VMSD_DIR)/status $(VMSD_DIR)/output
	@mkdir -p $(VMSD_DIR)
	@if [ -n '$(strip $(VMSD_DEBS))' ]; then \
	  mkdir -p $(VMSD_DIR)/debs && cp $(VMSD_DEBS) $(VMSD_DIR)/debs/; \
	  echo "== systemd guest: installing the packages $(notdir $(VMSD_DEBS))"; \
	else \
	  echo "== systemd guest: installing make install DESTDIR=$(VMSD_STAGE) LIBDIR=$(VMSD_LIBDIR)"; \
	  $(MAKE) --no-print-directory install DESTDIR=$(abspath $(VMSD_STAGE)) LIBDIR=$(VMSD_LIBDIR) \
	    > $(VMSD_DIR)/install.log 2>&1 || { cat $(VMSD_DIR)/install.log; exit 1; }; \
	fi
	@{ $(VMSD_GUEST) \
	  --file tests/vm-systemd/checks.sh --file packaging/systemd/lve.service \
	  --file $(BUILD)/tests/native/real_test \
	  $(if $(strip $(VMSD_DEBS)),--file $(VMSD_DIR)/debs --env LVE_VM_DEBS=$(abspath $(VMSD_DIR)/debs), \
	    --file $(VMSD_STAGE) --env LVE_VM_STAGE=$(abspath $(VMSD_STAGE))) \
	  $(if $(VMSD_LVECTL),--file $(VMSD_LVECTL) --env LVE_VM_LVECTL=$(abspath $(VMSD_LVECTL))) \
	  --env LVE_VM_UNIT=$(abspath packaging/systemd/lve.service) \
	  --env LVE_VM_REAL_TEST=$(abspath $(BUILD)/tests/native/real_test) \
	  --env LVE_VM_DEFAULT_PARENT='$(LIBLVE_DEFAULT_PARENT)' \
	  -- bash tests/vm-systemd/checks.sh 2>&1; echo $$? >$(VMSD_DIR)/status; } | tee $(VMSD_DIR)/output
	@awk '/^checks phase [0-9]+: / { p += $$4; f += $$6; s += $$8 } \
	  END { printf "test-vm-systemd: %d passed, %d failed, %d skipped\n", p, f, s }' $(VMSD_DIR)/output
	@exit $$(cat $(VMSD_DIR)/status)

# bench/systemd-favordynmods: what a cgroup move costs in the systemd guest,
# with and without favordynmods (docs/systemd.md).  Not a test.
$(BUILD)/bench/cgroup-move: bench/cgroup-move.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -std=c11 -Wall -Wextra -Werror $< $(LDFLAGS) -o $@
