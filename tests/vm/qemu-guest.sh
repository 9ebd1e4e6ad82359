# What the two VM lanes share: booting Debian's kernel under QEMU's TCG,
# telling a hung boot from a finished one, and reading the guest's results
# from its serial console. Sourced (bash) by tests/vm/run-in-v2-guest and
# tests/vm-systemd/run-in-systemd-guest; see tests/vm/README.md.
#
# The caller sets, before calling anything here:
#   prog    its own name, for messages
#   work    a private temporary directory (the serial log goes there)
# and calls vm_stop_qemu from its EXIT trap.
#
# The guest speaks through marker lines, MARKER being a nonce per run that no
# guest program prints by chance:
#   MARKER:start...      the command is about to run: the boot did not hang
#   MARKER:exit=N...     the command ended with status N; the guest powers off
#   MARKER:reboot...     this phase ended; the guest reboots (QEMU runs with
#                        -no-reboot, so it exits once the guest is down)
# Results are read from these lines only, never from QEMU's exit status: a
# powered-off guest and a crashed one can end QEMU alike.

# shellcheck shell=bash
# shellcheck disable=SC2154 # prog and work are the caller's
# shellcheck disable=SC2034 # vm_end and vm_qemu_exited are for the caller

vm_qemu=${QEMU:-qemu-system-x86_64}
vm_qemu_pid=

# Single-quotes a word for sh, so any argument reaches the guest verbatim.
vm_sq() {
	local s=${1//\'/\'\\\'\'}
	printf "'%s'" "$s"
}

# A fresh marker for one run.
vm_new_marker() {
	echo "lverun-vm:$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
}

# Writes the uncompressed kernel (ELF) in Debian's vmlinuz $1 to $2. The
# guests boot vmlinux through its PVH entry point, which QEMU finds in its ELF
# notes: a bzImage would go through the much slower real-mode boot path, and
# (under the software hypervisor these machines have as /dev/kvm) not at all.
vm_vmlinux_from_vmlinuz() {
	python3 - "$1" "$2" <<-'EOF'
		# vmlinuz is a boot stub followed by the kernel as one XZ stream
		# (CONFIG_KERNEL_XZ, as Debian builds it): find its magic and
		# decompress up to the end of that stream.
		import lzma, sys
		data = open(sys.argv[1], 'rb').read()
		start = data.find(b'\xfd7zXZ\x00')
		if start < 0:
		    sys.exit('no XZ stream in ' + sys.argv[1])
		elf = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(data[start:])
		if elf[:4] != b'\x7fELF':
		    sys.exit('the XZ stream in %s is not an ELF kernel' % sys.argv[1])
		open(sys.argv[2], 'wb').write(elf)
	EOF
}

# vm_boot MARKER BOOT_TIMEOUT TOTAL_TIMEOUT SETTLE -- QEMU_ARG...
#
# One boot of QEMU with the given arguments (it adds the accelerator, CPU,
# serial console and -no-reboot). Waits until the guest prints MARKER:exit=
# or MARKER:reboot, then up to SETTLE seconds for QEMU to end by itself
# (the guest powering off or rebooting), then kills it.
#
# Leaves the CR-stripped serial log in $work/log, sets vm_end to the end
# marker's line and vm_qemu_exited to 1 if QEMU ended by itself. Returns 0
# if the guest printed an end marker, else 1 with the reason in $work/why:
# it did not print MARKER:start within BOOT_TIMEOUT seconds (one of the rare
# TCG boot hangs), or gave no end marker within TOTAL_TIMEOUT seconds.
vm_boot() {
	local marker=$1 boot_timeout=$2 total_timeout=$3 settle=$4
	shift 5
	local started=0 ticks=0 rc=0 i
	vm_end='' vm_qemu_exited=0
	rm -f "$work/serial" "$work/why" "$work/log"
	: >"$work/serial"
	# -accel tcg: see above. -cpu max: QEMU's default qemu64 has no SSE4.2,
	# POPCNT or AVX2, so a program built for a newer x86-64 level than v1
	# (a compiler or NativeAOT option) would die of an illegal instruction
	# here and nowhere else.
	timeout -k 5 "$total_timeout" "$vm_qemu" -accel tcg -cpu max -smp 2 -m 1024 \
		-nodefaults -no-user-config -display none -no-reboot \
		-serial "file:$work/serial" "$@" \
		</dev/null >"$work/qemu.out" 2>&1 &
	vm_qemu_pid=$!
	while kill -0 "$vm_qemu_pid" 2>/dev/null; do
		if grep -qE "$marker:(exit=[0-9]|reboot)" "$work/serial"; then
			for ((i = 0; i < settle * 5; i++)); do
				kill -0 "$vm_qemu_pid" 2>/dev/null || break
				sleep 0.2
			done
			break
		fi
		if [ "$started" = 0 ]; then
			if grep -q "$marker:start" "$work/serial"; then
				started=1
			elif [ "$ticks" -ge $((boot_timeout * 10)) ]; then
				echo "$prog: the guest did not start its command within ${boot_timeout} s" >"$work/why"
				break
			fi
		fi
		sleep 0.1
		ticks=$((ticks + 1))
	done
	kill -0 "$vm_qemu_pid" 2>/dev/null || vm_qemu_exited=1
	kill "$vm_qemu_pid" 2>/dev/null || true
	wait "$vm_qemu_pid" 2>/dev/null || rc=$?
	vm_qemu_pid=
	[ "$rc" != 124 ] || echo "$prog: no result within $total_timeout s" >"$work/why"
	tr -d '\r' <"$work/serial" >"$work/log"
	vm_end=$(grep -aoE "$marker:(exit=[0-9]+|reboot)[^[:cntrl:]]*" "$work/log" | head -n 1) || true
	[ -n "$vm_end" ]
}

# The status N of the end marker MARKER:exit=N, or nothing for a reboot.
vm_end_status() {
	local s=${vm_end#*:exit=}
	[ "$s" != "$vm_end" ] || return 0
	echo "${s%%[!0-9]*}"
}

# The command's own output in $work/log: everything between the start
# marker's line and the end marker.
vm_guest_output() {
	python3 - "$work/log" "$1" <<-'EOF'
		import re, sys
		log, marker = open(sys.argv[1], errors='replace').read(), sys.argv[2]
		start = log.find(marker + ':start')
		start = 0 if start < 0 else log.find('\n', start) + 1
		end = re.compile(re.escape(marker) + ':(exit=|reboot)').search(log, start)
		sys.stdout.write(log[start:] if end is None else log[start:end.start()])
	EOF
}

# Tells on stderr why a boot gave no result: the guest's messages (a long log
# by its head and its tail, since the first failure often explains the
# rest), QEMU's own words, and $work/why. $1 is the marker, left out.
vm_report_no_result() {
	sed -e "/$1/d" -e 's/^/  | /' "$work/log" | awk '
		{ line[NR] = $0 }
		END {
			for (i = 1; i <= NR; i++)
				if (NR <= 200 || i <= 60 || i > NR - 120) print line[i]
				else if (i == 61) print "  | ... (" NR - 180 " lines left out)"
		}' >&2
	[ ! -s "$work/qemu.out" ] || sed 's/^/  qemu: /' "$work/qemu.out" >&2
	[ ! -f "$work/why" ] || cat "$work/why" >&2
}

# For the caller's EXIT trap: a QEMU still running is ended.
vm_stop_qemu() {
	if [ -n "$vm_qemu_pid" ]; then
		kill "$vm_qemu_pid" 2>/dev/null || true
		wait "$vm_qemu_pid" 2>/dev/null || true
		vm_qemu_pid=
	fi
}
