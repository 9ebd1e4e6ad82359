# tests/clients: Apache httpd (mod_fcgid + php-cgi, mod_cgid), nginx with
# PHP-FPM and Debian's cron daemon using a setuid-root test copy of lverun,
# end to end (issue 7).
# Included by the top-level Makefile.
#
#   test-clients   build lverun and lvedemo for the lane (below), then
#                  tests/clients/run: everything it starts and makes, it
#                  stops and removes (see the script's head)
#
# The lane's lverun has a relative LVE parent, so every LVE lies beneath the
# cgroup the lane runs Apache and cron in, and a configuration path of its
# own; it is built in its own BUILD directory beside the others.

CLIENTS_BUILD := build/test-clients
CLIENTS_MAKE := $(MAKE) --no-print-directory BUILD=$(CLIENTS_BUILD) \
	LIBLVE_DEFAULT_PARENT=lverun-clients-test \
	LVERUN_CONF=/var/lib/lverun-clients-test/lverun.conf

# apache2-suexec-pristine: with Apache's suEXEC enabled, mod_fcgid's process
# manager may signal the accounts' PHP processes (examples/README.md).
# busybox: a syslogd for cron's log inside the lane.
APT_PACKAGES += apache2 apache2-suexec-pristine libapache2-mod-fcgid php-cgi nginx php-fpm \
	cron curl busybox util-linux
TEST_TARGETS += test-clients

.PHONY: test-clients
test-clients:
	@$(CLIENTS_MAKE) $(CLIENTS_BUILD)/lverun $(CLIENTS_BUILD)/lvedemo
	@LVE_TEST_REQUIRE_REAL=1 tests/clients/run $(CLIENTS_BUILD)
