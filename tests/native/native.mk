# liblve's C tests.  Included by the top-level Makefile.
#
#   test-native      fake-tree tests, real-hierarchy tests, the API link check,
#                    the export check; then the same C tests under ASan+UBSan
#
# Both suites need root (trusted.* xattrs; a writable cgroup hierarchy for the
# real one); under `make test` a test that cannot run is a failure
# (LVE_TEST_REQUIRE_REAL=1), in either.

TEST_CFLAGS := -std=c11 -Wall -Wextra -Werror -Wno-format-truncation -O1 -g -Inative/include -Inative/src
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
NATIVE_TESTS := fake_test real_test
# e2fsprogs: the io row makes a filesystem on a loop device
APT_PACKAGES += e2fsprogs
NATIVE_TEST_HDRS := tests/native/harness.h tests/native/cgtree.h tests/native/faketree.h

# The fake-tree tests drive a test build of the library, the only one with
# the fake-tree hooks (LIBLVE_TEST_HOOKS): the shipped liblve.a has none.
# The real-hierarchy tests use the shipped archive.  Both see the build's
# settings (LIBLVE_DEFAULT_PARENT) as the library does.
HOOKS_CFLAGS := -DLIBLVE_TEST_HOOKS
HOOKS_OBJS := $(patsubst native/src/%.c,$(BUILD)/tests/native/hooks/%.o,$(LIBLVE_SRCS))
$(BUILD)/tests/native/hooks/%.o: native/src/%.c native/src/internal.h native/include/lve-ctl.h $(BUILD)/native/config.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LVE_CFLAGS) $(HOOKS_CFLAGS) -c $< -o $@
$(BUILD)/tests/native/liblve-hooks.a: $(HOOKS_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/tests/native/fake_test: tests/native/fake_test.c $(NATIVE_TEST_HDRS) $(BUILD)/tests/native/liblve-hooks.a
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $(HOOKS_CFLAGS) -include $(BUILD)/native/config.h $< \
	  $(BUILD)/tests/native/liblve-hooks.a -lpthread -o $@
$(BUILD)/tests/native/real_test: tests/native/real_test.c $(NATIVE_TEST_HDRS) $(BUILD)/liblve.a
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -include $(BUILD)/native/config.h $< $(BUILD)/liblve.a -lpthread -o $@

# The same sources compiled again, library included, with the sanitizers.
$(BUILD)/tests/native/san/fake_test: tests/native/fake_test.c $(NATIVE_TEST_HDRS) $(LIBLVE_SRCS) native/src/internal.h $(BUILD)/native/config.h
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $(SAN_FLAGS) $(HOOKS_CFLAGS) -fvisibility=hidden -include $(BUILD)/native/config.h \
	  $< $(LIBLVE_SRCS) -lpthread -o $@
$(BUILD)/tests/native/san/real_test: tests/native/real_test.c $(NATIVE_TEST_HDRS) $(LIBLVE_SRCS) native/src/internal.h $(BUILD)/native/config.h
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $(SAN_FLAGS) -fvisibility=hidden -include $(BUILD)/native/config.h \
	  $< $(LIBLVE_SRCS) -lpthread -o $@

# A program written only from the nine declarations links unchanged: as C
# against the static archive and the shared library, and as C++.
$(BUILD)/tests/native/api_link_static: tests/native/api_link.c native/include/lve-ctl.h $(BUILD)/liblve.a
	@mkdir -p $(@D)
	$(CC) -std=c99 -Wall -Wextra -Werror -pedantic -I native/include $< $(BUILD)/liblve.a -o $@
$(BUILD)/tests/native/api_link_shared: tests/native/api_link.c native/include/lve-ctl.h $(BUILD)/liblve.so
	@mkdir -p $(@D)
	$(CC) -std=c99 -Wall -Wextra -Werror -pedantic -I native/include $< -L$(BUILD) -llve \
	  -Wl,-rpath,'$$ORIGIN/../..' -o $@
$(BUILD)/tests/native/api_link_cxx: tests/native/api_link.c native/include/lve-ctl.h $(BUILD)/liblve.a
	@mkdir -p $(@D)
	g++ -x c++ -std=c++11 -Wall -Wextra -Werror -I native/include $< -x none $(BUILD)/liblve.a -o $@

NATIVE_TEST_BINS := $(addprefix $(BUILD)/tests/native/,$(NATIVE_TESTS)) \
	$(addprefix $(BUILD)/tests/native/san/,$(NATIVE_TESTS)) \
	$(BUILD)/tests/native/api_link_static $(BUILD)/tests/native/api_link_shared \
	$(BUILD)/tests/native/api_link_cxx

.PHONY: test-native native-test-bins
native-test-bins: $(NATIVE_TEST_BINS)
TEST_TARGETS += test-native

test-native: native native-test-bins
	@echo "== liblve: exported symbols, and no test hooks in what ships"
	@tests/native/check-exports $(BUILD)/liblve.so.0 $(BUILD)/liblve.a
	@echo "== liblve: a program built from lve-ctl.h alone"
	@for p in api_link_static api_link_shared api_link_cxx; do \
	  $(BUILD)/tests/native/$$p || exit 1; done
	@echo "== liblve: fake cgroupfs trees"
	@LVE_TEST_REQUIRE_REAL=1 $(BUILD)/tests/native/fake_test
	@echo "== liblve: the real hierarchy"
	@LVE_TEST_REQUIRE_REAL=1 $(BUILD)/tests/native/real_test
	@echo "== liblve: the same, with AddressSanitizer and UndefinedBehaviorSanitizer"
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 LVE_TEST_REQUIRE_REAL=1 $(BUILD)/tests/native/san/fake_test
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 LVE_TEST_REQUIRE_REAL=1 \
	  $(BUILD)/tests/native/san/real_test
