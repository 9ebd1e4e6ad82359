# The cgroup v2 lane (tests/vm/README.md).  Included by the top-level Makefile.
#
#   test-vm   liblve's real-hierarchy suite on a real cgroup v2 kernel: with
#             LVEs beneath the test's cgroup (the root), under the default
#             /lve, and under /lve again from a service's cgroup as systemd
#             hosts start lverun; then the published lverun there
#             (tests/vm/lverun-checks.sh)
#
# Our machines are cgroup v1; the guest is Debian's kernel under QEMU (TCG)
# with nothing but cgroup2 mounted.  tests/vm/run-in-v2-guest fetches the
# kernel and busybox-static itself and caches them under /var/tmp.

APT_PACKAGES += qemu-system-x86 cpio python3
TEST_TARGETS += test-vm

# Per boot, retries included: the suite takes seconds, a hung boot is retried
# after 30 s, and a wedged one must not eat CI's time.
VM_GUEST := tests/vm/run-in-v2-guest --timeout 120
VM_REAL_TEST := $(BUILD)/tests/native/real_test
# The io row mounts ext2 from a loop device: Debian's kernel has both as
# modules.  Under TCG (ten times slower) the long rows run fewer rounds.
VM_REAL_TEST_OPTS := --module loop --module ext4 --env LVE_TEST_QUICK=1

.PHONY: test-vm
test-vm: $(VM_REAL_TEST) $(BUILD)/lverun
	@fail=0; \
	for run in relative:/ default:/ default:/system.slice/lvetest.service; do \
	  parent=$${run%%:*} cgroup=$${run#*:}; \
	  echo "== cgroup v2 guest: liblve on the real hierarchy, LVE_TEST_PARENT=$$parent, run in $$cgroup"; \
	  $(VM_GUEST) --cgroup $$cgroup --file $(VM_REAL_TEST) $(VM_REAL_TEST_OPTS) \
	    --env LVE_TEST_PARENT=$$parent --env LVE_TEST_REQUIRE_REAL=1 \
	    -- $(VM_REAL_TEST) || fail=1; \
	done; \
	echo "== cgroup v2 guest: the published lverun"; \
	$(VM_GUEST) --file $(BUILD)/lverun --file tests/vm/lverun-checks.sh \
	  -- sh tests/vm/lverun-checks.sh $(BUILD)/lverun '$(LIBLVE_DEFAULT_PARENT)' || fail=1; \
	exit $$fail
