# src/lvectl.mk - lvectl (NativeAOT, src/LveCtl + src/Lve.Interop), the
# administrator's command.  Included by the top-level Makefile after
# src/dotnet.mk, whose DOTNET, DOTNET_RID and DOTNET_FLAGS it uses.
#
#   make [BUILD=dir] lvectl   $(BUILD)/lvectl, linked against $(BUILD)/liblve.a;
#                             its default configuration is liblve's
#                             (LIBLVE_CONF, /etc/lve/lve.conf)

LVECTL_SRCS := $(shell find src/LveCtl src/Lve.Interop -type f \
	\( -name '*.cs' -o -name '*.csproj' \) -not -path '*/obj/*' -not -path '*/bin/*') \
	src/Directory.Build.props VERSION

ALL_TARGETS += $(BUILD)/lvectl

.PHONY: lvectl

lvectl: $(BUILD)/lvectl

# Rewritten only when it changes, so that switching LIBLVE_CONF relinks.
$(BUILD)/dotnet/lvectl-settings: FORCE
	@mkdir -p $(@D)
	@printf 'LIBLVE_CONF=%s\nLIBLVE_DEFAULT_PARENT=%s\nDOTNET_RID=%s\n' '$(LIBLVE_CONF)' '$(LIBLVE_DEFAULT_PARENT)' '$(DOTNET_RID)' > $@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi

# Only the binary goes into $(BUILD); its symbols stay in the publish directory.
$(BUILD)/lvectl: $(LVECTL_SRCS) $(BUILD)/liblve.a $(BUILD)/dotnet/lvectl-settings $(TOOLCHAIN_DEPS)
	@tmp=$$(mktemp -d /tmp/lvectl-dotnet-publish.XXXXXX); status=0; \
	echo "$(DOTNET) publish src/LveCtl/LveCtl.csproj -c Release -r $(DOTNET_RID) ..."; \
	TMPDIR=$$tmp $(DOTNET) publish src/LveCtl/LveCtl.csproj -c Release -r $(DOTNET_RID) $(DOTNET_FLAGS) \
	  -p:LveConf=$(LIBLVE_CONF) -p:LveDefaultParent=$(LIBLVE_DEFAULT_PARENT) -o $(BUILD)/dotnet/publish-lvectl || status=$$?; \
	rm -rf $$tmp; exit $$status
	$(call portable_check,exe,$(BUILD)/dotnet/publish-lvectl/lvectl,$(BUILD)/dotnet/publish-lvectl/lvectl.dbg)
	install -m 0755 $(BUILD)/dotnet/publish-lvectl/lvectl $@

# bench/lvectl-bench: 10,000 LVEs, beneath the bench's own cgroups
# (docs/performance.md, "lvectl with 10,000 LVEs").  Measured, never asserted.
.PHONY: bench-lvectl
bench-lvectl: $(BUILD)/lvectl $(BUILD)/lvedemo
	@BUILD=$(BUILD) bench/lvectl-bench
