# CloudLinux's application API (issue 11; docs/cloudlinux.md).  Included by
# the top-level Makefile.
#
#   test-cloudlinux            programs written for CloudLinux compile against
#                              <lve/lve-ctl.h> (C99, C++, beside <lve-ctl.h>,
#                              LVE_DEPRICATED; LVE_ADMIN refused) and run; the
#                              conformance test (cl_test.c) on this host's
#                              real hierarchy, linked against liblve.a,
#                              through dlopen("liblve.so.0") + dlsym, and
#                              under ASan+UBSan
#   test-cloudlinux-vm         the conformance test, both ways, on cgroup v2
#                              (tests/vm/run-in-v2-guest)
#   test-cloudlinux-passenger  Debian's libapache2-mod-passenger in a private
#                              Apache, unchanged, on liblve: the applications
#                              it spawns run in their user's LVE
#
# Shared resources, when run by hand beside other lanes (GROUND-RULES):
#   flock /tmp/lve-lock-qemu make test-cloudlinux-vm
#   flock /tmp/lve-lock-apache make test-cloudlinux-passenger

APT_PACKAGES += libapache2-mod-passenger apache2 curl g++
TEST_TARGETS += test-cloudlinux test-cloudlinux-vm test-cloudlinux-passenger

CL_DIR := $(BUILD)/tests/cloudlinux
CL_TEST_DEPS := tests/cloudlinux/cl_test.c $(NATIVE_TEST_HDRS) native/src/cl.h native/src/internal.h \
	native/include/lve-ctl.h native/include/lve/lve-ctl.h native/include/lve/lve-type.h

# The library's CloudLinux objects follow their own headers.
$(patsubst native/src/%.c,$(BUILD)/native/%.o,$(wildcard native/src/cl_*.c)): native/src/cl.h \
	native/include/lve/lve-ctl.h native/include/lve/lve-type.h

$(CL_DIR)/cl_test: $(CL_TEST_DEPS) $(BUILD)/liblve.a
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -include $(BUILD)/native/config.h $< $(BUILD)/liblve.a -lpthread -o $@

# Linked against neither library: every function comes from dlsym().
$(CL_DIR)/cl_test_dl: $(CL_TEST_DEPS) $(BUILD)/liblve.so.0
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -DCL_VIA_DLOPEN -include $(BUILD)/native/config.h $< -ldl -lpthread -o $@

# The same, library included, with AddressSanitizer and UBSan (the broker
# too: it is a fork of the test; a fault there shows as the clients' EIO).
$(CL_DIR)/san/cl_test: $(CL_TEST_DEPS) $(LIBLVE_SRCS) $(BUILD)/native/config.h
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $(SAN_FLAGS) -fvisibility=hidden -include $(BUILD)/native/config.h \
	  $< $(LIBLVE_SRCS) -lpthread -o $@

# Programs written for CloudLinux, built the way their authors build them.
CL_HDRS := native/include/lve/lve-ctl.h native/include/lve/lve-type.h native/include/lve-ctl.h
$(CL_DIR)/consumer_static: tests/cloudlinux/consumer.c $(CL_HDRS) $(BUILD)/liblve.a
	@mkdir -p $(@D)
	$(CC) -std=c99 -Wall -Wextra -Werror -pedantic -I native/include $< $(BUILD)/liblve.a -o $@
$(CL_DIR)/consumer_shared: tests/cloudlinux/consumer.c $(CL_HDRS) $(BUILD)/liblve.so
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -Wall -Wextra -Werror -I native/include $< -L$(BUILD) -llve \
	  -Wl,-rpath,'$$ORIGIN/../..' -o $@
$(CL_DIR)/consumer_cxx: tests/cloudlinux/consumer.c $(CL_HDRS) $(BUILD)/liblve.a
	@mkdir -p $(@D)
	g++ -x c++ -std=c++11 -Wall -Wextra -Werror -I native/include $< -x none $(BUILD)/liblve.a -o $@
$(CL_DIR)/both_headers: tests/cloudlinux/both_headers.c $(CL_HDRS) $(BUILD)/liblve.a
	@mkdir -p $(@D)
	$(CC) -std=c99 -Wall -Wextra -Werror -pedantic -I native/include $< $(BUILD)/liblve.a -o $@
$(CL_DIR)/both_headers_reversed_cxx: tests/cloudlinux/both_headers.c $(CL_HDRS) $(BUILD)/liblve.a
	@mkdir -p $(@D)
	g++ -x c++ -std=c++11 -Wall -Wextra -Werror -DBOTH_REVERSED -I native/include $< -x none \
	  $(BUILD)/liblve.a -o $@
$(CL_DIR)/deprecated: tests/cloudlinux/deprecated.c $(CL_HDRS) $(BUILD)/liblve.a
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -Wall -Wextra -Werror -I native/include $< $(BUILD)/liblve.a -o $@

CL_PROGRAMS := consumer_static consumer_shared consumer_cxx both_headers both_headers_reversed_cxx
CL_BINS := $(CL_DIR)/cl_test $(CL_DIR)/cl_test_dl $(CL_DIR)/san/cl_test $(CL_DIR)/deprecated \
	$(addprefix $(CL_DIR)/,$(CL_PROGRAMS))

.PHONY: test-cloudlinux test-cloudlinux-vm test-cloudlinux-passenger cloudlinux-bins
cloudlinux-bins: $(CL_BINS)

test-cloudlinux: native $(CL_BINS)
	@echo "== CloudLinux's API: programs written for it compile and link unchanged"
	@for p in $(CL_PROGRAMS); do $(CL_DIR)/$$p || { echo "FAIL: $$p"; exit 1; }; echo "ok: $$p"; done
	@# what is not offered is refused at compile time, with the reason
	@for d in "-DLVE_ADMIN" "-DLVE_DEPRICATED -include lve-ctl.h"; do \
	  if echo '#include <lve/lve-ctl.h>' | $(CC) -std=c11 -I native/include $$d -x c -fsyntax-only - 2>$(CL_DIR)/refused.txt; then \
	    echo "FAIL: $$d compiled"; exit 1; fi; \
	  grep -q 'error: #error' $(CL_DIR)/refused.txt || { cat $(CL_DIR)/refused.txt; exit 1; }; \
	  echo "ok: $$d refused: $$(sed -n 's/.*#error //p' $(CL_DIR)/refused.txt | head -1)"; done
	@LVE_TEST_REQUIRE_REAL=1 tests/cloudlinux/run-deprecated $(CL_DIR)/deprecated
	@echo "== CloudLinux's API: conformance, linked against liblve.a"
	@LVE_TEST_REQUIRE_REAL=1 $(CL_DIR)/cl_test
	@echo "== CloudLinux's API: conformance, through dlopen(\"$(BUILD)/liblve.so.0\") and dlsym"
	@LVE_TEST_REQUIRE_REAL=1 CL_TEST_LIBLVE=$(BUILD)/liblve.so.0 $(CL_DIR)/cl_test_dl
	@echo "== CloudLinux's API: conformance, with AddressSanitizer and UndefinedBehaviorSanitizer"
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 LVE_TEST_REQUIRE_REAL=1 $(CL_DIR)/san/cl_test

# Our machines are cgroup v1: the same test on a real v2 kernel, one boot.
test-cloudlinux-vm: $(CL_DIR)/cl_test $(CL_DIR)/cl_test_dl $(BUILD)/liblve.so.0
	@tests/vm/run-in-v2-guest --timeout 400 --file tests/cloudlinux/in-v2-guest \
	  --file $(CL_DIR)/cl_test --file $(CL_DIR)/cl_test_dl --file $(BUILD)/liblve.so.0 \
	  --env LVE_TEST_REQUIRE_REAL=1 \
	  -- sh tests/cloudlinux/in-v2-guest $(CL_DIR)/cl_test $(CL_DIR)/cl_test_dl $(BUILD)/liblve.so.0

test-cloudlinux-passenger: native
	@echo "== CloudLinux's API: a real consumer, Passenger in Apache"
	@LVE_TEST_REQUIRE_REAL=1 tests/cloudlinux/passenger $(BUILD)
