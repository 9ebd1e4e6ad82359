# tests/lvectl: lvectl's tests (issue 12).  Included by the top-level Makefile.
#
#   test-lvectl   the xunit tests of tests/lvectl/Lve.Ctl.Tests: units,
#                 configuration and JSON, then $(BUILD)/lvectl and
#                 $(BUILD)/lverun on this machine's real cgroups (root, v1 in
#                 CI), beneath the test's own cgroups with a temporary
#                 configuration.  Nothing skips: a test that cannot run here
#                 fails.  The last line is "test-lvectl: N passed, N failed".

TEST_TARGETS += test-lvectl

.PHONY: test-lvectl

test-lvectl: $(BUILD)/lvectl $(BUILD)/lverun $(BUILD)/liblve.so.0
	@mkdir -p $(BUILD)/dotnet
	@status=0; tmp=$$(mktemp -d /tmp/lvectl-dotnet-test.XXXXXX); chmod 0755 $$tmp; \
	LVECTL_BINARY=$(abspath $(BUILD))/lvectl LVERUN_BINARY=$(abspath $(BUILD))/lverun TMPDIR=$$tmp \
	  $(DOTNET) test tests/lvectl/Lve.Ctl.Tests/Lve.Ctl.Tests.csproj $(DOTNET_FLAGS) \
	  --logger 'console;verbosity=normal' > $(BUILD)/dotnet/test-lvectl.log 2>&1 || status=$$?; \
	rm -rf $$tmp; \
	cat $(BUILD)/dotnet/test-lvectl.log; \
	awk '/^ *Passed: +[0-9]+$$/ { p = $$2 } /^ *Failed: +[0-9]+$$/ { f = $$2 } /^ *Skipped: +[0-9]+$$/ { s = $$2 } \
	  END { printf "test-lvectl: %d passed, %d failed", p, f; if (s) printf ", %d skipped", s; print ""; if (s) exit 1 }' \
	  $(BUILD)/dotnet/test-lvectl.log || status=1; \
	exit $$status
