#!/bin/bash
# SPDX-License-Identifier: MIT
# The product on a real systemd host: run as root inside the Debian 12 guest
# by tests/vm-systemd/run-in-systemd-guest --phases 2 (see
# tests/vm-systemd/README.md and docs/systemd.md).
#
#   checks.sh        phase 1 or 2, from LVE_VM_PHASE (set by the runner)
#
# Phase 1 installs our build, enables lve.service, sets limits, runs lverun
# from a service and from cron, checks that daemon-reload and restarts of
# other units leave the LVEs alone, and measures the systemd facts
# docs/systemd.md states. The guest then reboots; phase 2 finds every
# configured limit applied again at boot, before cron.
#
# What it is given, in the environment (lane.mk sets these):
#   LVE_VM_STAGE          a `make install DESTDIR=` tree to copy over /, or
#   LVE_VM_DEBS           a directory of .deb packages to dpkg -i instead
#   LVE_VM_UNIT           packaging/systemd/lve.service, used when the
#                         installed tree has no lve.service yet
#   LVE_VM_LVECTL         build/lvectl, used when the installed tree has none
#                         ("" or missing: lvectl is not built yet)
#   LVE_VM_REAL_TEST      build/tests/native/real_test
#   LVE_VM_DEFAULT_PARENT the LVE parent liblve was built with (/lve)
#
# Prints one line per check, "ok N - what" or "not ok N - what" with the
# evidence as "#" lines beneath, "ok N - what # SKIP why" for what cannot
# run yet, and "checks phase P: N passed, N failed, N skipped" last. Exits 0
# only if no check failed.
set -u
export SYSTEMD_COLORS=0 SYSTEMD_PAGER='' SYSTEMD_LESS='' LC_ALL=C.UTF-8

phase=${LVE_VM_PHASE:?run by tests/vm-systemd/run-in-systemd-guest}
default_parent=${LVE_VM_DEFAULT_PARENT:-/lve}
cg=/sys/fs/cgroup
lve_unit_cg=$cg/system.slice/lve.service
state=/var/lib/lvetest-vm
work=/run/lvetest
mkdir -p "$state" "$work"
ev="$work/evidence"

n=0 passed=0 failed=0 skipped=0

# check WHAT FUNCTION [ARG...]: FUNCTION's status decides; whatever it
# printed is the evidence shown under a failure.
# A check that takes 3 s or more says how long (the lane's time is TCG's);
# the "figure: " lines of a passing one are shown too.
check() {
	local what=$1 t0=$SECONDS took=
	shift
	n=$((n + 1))
	if "$@" >"$ev" 2>&1; then
		passed=$((passed + 1))
		[ $((SECONDS - t0)) -lt 3 ] || took=" ($((SECONDS - t0)) s)"
		echo "ok $n - $what$took"
		sed -n 's/^figure: /#   /p' "$ev"
	else
		failed=$((failed + 1))
		echo "not ok $n - $what"
		sed 's/^/#   /' "$ev"
	fi
}

skip() {
	n=$((n + 1))
	skipped=$((skipped + 1))
	echo "ok $n - $1 # SKIP $2"
}

note() {
	echo "# $*"
}

# expect WHAT GOT WANT: a comparison that tells both sides when it fails.
expect() {
	[ "$2" = "$3" ] && return 0
	echo "$1: got '$2', want '$3'"
	return 1
}

# The cgroup of process $1, as /proc shows it ("/system.slice/...").
cgroup_of() {
	sed -n 's/^0:://p' "/proc/$1/cgroup" 2>/dev/null
}

# True if process $1 exists and is not a zombie (a killed child whose parent
# has not reaped it yet still answers kill -0).
alive() {
	local s
	s=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$s" ] && [ "$s" != Z ]
}

# Every cgroup beneath $1, one line each: its path and limits. Processes are
# left out (they come and go); the tree and its limits must not.
limits_tree() {
	local d
	find "$1" -type d 2>/dev/null | sort | while read -r d; do
		printf '%s sc=[%s] cpu.max=[%s] memory.max=[%s] pids.max=[%s]\n' "${d#"$1"}/" \
			"$(cat "$d/cgroup.subtree_control" 2>/dev/null)" "$(cat "$d/cpu.max" 2>/dev/null)" \
			"$(cat "$d/memory.max" 2>/dev/null)" "$(cat "$d/pids.max" 2>/dev/null)"
	done
}

# Ends every process in the cgroups beneath $1 (the test's own).
kill_beneath() {
	local p
	find "$1" -name cgroup.procs -exec cat {} + 2>/dev/null | while read -r p; do
		kill "$p" 2>/dev/null
	done
}

# Waits up to 10 s until no process is left in the cgroups beneath $1.
wait_empty() {
	local i
	for ((i = 0; i < 50; i++)); do
		[ -z "$(find "$1" -name cgroup.procs -exec cat {} + 2>/dev/null)" ] && return 0
		sleep 0.2
	done
	echo "processes are still in $1: $(find "$1" -name cgroup.procs -exec cat {} +)"
	return 1
}

lvectl=
have_lvectl() { [ -n "$lvectl" ]; }
no_lvectl="lvectl not built yet (issue 12: build/lvectl)"

# The LVE of id $1 as lverun's commands see it: its cgroup directory beneath
# the delegated subtree (with lvectl) or the built-in parent (without).
lve_dir() {
	if have_lvectl; then
		find "$lve_unit_cg" -mindepth 1 -type d -name "$1" 2>/dev/null | head -n 1
	else
		echo "$cg$default_parent/$1"
	fi
}

# The LVE parent: the directory holding LVE 1001.
lve_tree() {
	local d
	d=$(lve_dir 1001)
	echo "${d%/*}"
}

# in_lve ID CGROUP: CGROUP (as /proc/PID/cgroup says) is the LVE ID or a
# cgroup inside it (an entry slot), where it must be: beneath
# /system.slice/lve.service/ on this systemd host once lvectl configures
# it, else under the built-in parent.
in_lve() {
	local id=$1 path=$2 parent
	if have_lvectl; then
		case $path in
		/system.slice/lve.service/*/"$id" | /system.slice/lve.service/*/"$id"/*) return 0 ;;
		esac
		echo "cgroup $path is not LVE $id beneath /system.slice/lve.service/ (the subtree systemd delegates to lve.service)"
		return 1
	fi
	parent=${default_parent%/}
	case $path in
	"$parent/$id" | "$parent/$id"/*) return 0 ;;
	esac
	echo "cgroup $path is not LVE $id under $parent"
	return 1
}

# --- What the guest is ---------------------------------------------------------

check_systemd_up() {
	expect "PID 1" "$(cat /proc/1/comm)" systemd || return 1
	expect "systemctl is-system-running" "$(systemctl is-system-running 2>&1)" running && return 0
	systemctl --failed --no-legend --no-pager
	return 1
}

check_pure_v2() {
	local fs
	fs=$(stat -f -c %T "$cg")
	expect "file system at $cg" "$fs" cgroup2fs || return 1
	if awk '$3 == "cgroup"' /proc/mounts | grep .; then
		echo "a cgroup v1 hierarchy is mounted (above)"
		return 1
	fi
	for c in cpu io memory pids; do
		grep -qw "$c" "$cg/cgroup.controllers" || {
			echo "no $c controller: $(cat "$cg/cgroup.controllers")"
			return 1
		}
	done
}

# --- Installing our build ----------------------------------------------------------

# Copies the staged tree over /, or installs the packages, then the unit and
# lvectl from the build if the tree has no such files yet.
install_build() {
	if [ -n "${LVE_VM_DEBS:-}" ]; then
		dpkg -i "$LVE_VM_DEBS"/*.deb || return 1
	else
		[ -d "${LVE_VM_STAGE:-}" ] || {
			echo "no LVE_VM_STAGE or LVE_VM_DEBS"
			return 1
		}
		tar -C "$LVE_VM_STAGE" -cf - . | tar -C / -xf - --no-overwrite-dir || return 1
	fi
	if [ ! -e /usr/lib/systemd/system/lve.service ] && [ ! -e /lib/systemd/system/lve.service ]; then
		echo "note: the installed tree has no lve.service: installing $LVE_VM_UNIT"
		install -m 0644 "$LVE_VM_UNIT" /usr/lib/systemd/system/lve.service || return 1
	fi
	if [ ! -x /usr/sbin/lvectl ] && [ -n "${LVE_VM_LVECTL:-}" ] && [ -x "$LVE_VM_LVECTL" ]; then
		echo "note: the installed tree has no lvectl: installing $LVE_VM_LVECTL"
		install -m 0755 "$LVE_VM_LVECTL" /usr/sbin/lvectl || return 1
	fi
	ldconfig
	systemctl daemon-reload
}

check_installed() {
	local mode
	mode=$(stat -c '%U:%G %a' /usr/sbin/lverun 2>&1)
	expect "/usr/sbin/lverun owner and mode" "$mode" "root:root 4755" || return 1
	ldconfig -p | grep -q 'liblve\.so\.0 ' || {
		echo "liblve.so.0 is not in ldconfig's cache"
		return 1
	}
	/usr/sbin/lverun --version
}

# The unit as systemd loaded it: what docs/systemd.md says each setting is for.
check_unit_loaded() {
	local props bad=0 u
	props=$(systemctl show lve.service -p LoadState,Type,Delegate,KillMode,TasksMax,RefuseManualStop,ExecStart,ExecStartPost,ExecReload,Before,After,WantedBy)
	echo "$props"
	want() {
		grep -qx "$1" <<<"$props" || {
			echo "want $1"
			bad=1
		}
	}
	want LoadState=loaded
	want Type=simple
	want Delegate=yes
	want KillMode=process
	want TasksMax=infinity
	want RefuseManualStop=yes
	grep -q '^ExecStartPost=.*path=/usr/sbin/lvectl ; argv\[\]=/usr/sbin/lvectl apply --all ; ignore_errors=yes' <<<"$props" || {
		echo "want ExecStartPost=-/usr/sbin/lvectl apply --all"
		bad=1
	}
	grep -q '^ExecReload=.*argv\[\]=/usr/sbin/lvectl apply --all ' <<<"$props" || {
		echo "want ExecReload=/usr/sbin/lvectl apply --all"
		bad=1
	}
	for u in apache2.service httpd.service nginx.service php8.2-fpm.service php-fpm.service lsws.service cron.service crond.service; do
		grep -q "^Before=.*\b$u\b" <<<"$props" || {
			echo "want Before=$u"
			bad=1
		}
	done
	for u in sysinit.target basic.target; do
		grep -q "^After=.*\b$u\b" <<<"$props" || {
			echo "want After=$u"
			bad=1
		}
	done
	return $bad
}

check_unit_starts() {
	systemctl enable --now lve.service || return 1
	expect "lve.service wanted by" "$(systemctl show -p WantedBy --value lve.service)" multi-user.target || return 1
	expect "lve.service state" "$(systemctl show -p ActiveState,SubState --value lve.service | paste -sd/)" active/running || return 1
	expect "pids.max of lve.service (TasksMax=infinity)" "$(cat "$lve_unit_cg/pids.max")" max
}

# lvectl apply, run as ExecStartPost: every process out of the delegated
# root into supervisor/, the controllers on for the LVEs below.
check_unit_tree() {
	local main
	main=$(systemctl show -p MainPID --value lve.service)
	expect "processes in $lve_unit_cg itself" "$(cat "$lve_unit_cg/cgroup.procs")" "" || return 1
	expect "the unit's idle main process $main" "$(cgroup_of "$main")" /system.slice/lve.service/supervisor || return 1
	for c in cpu memory pids; do
		grep -qw "$c" "$lve_unit_cg/cgroup.subtree_control" || {
			echo "$c not enabled beneath lve.service: $(cat "$lve_unit_cg/cgroup.subtree_control")"
			return 1
		}
	done
}

# --- Limits with lvectl ------------------------------------------------------------

check_lvectl_set() {
	lvectl set 1001 --speed 50% --pmem 256M --nproc 40 --ep 10 &&
		lvectl set-user bob --speed 25% --pmem 512M --nproc 30 &&
		lvectl apply --all
}

# check_kernel_limits ID CPU_MAX MEMORY_MAX PIDS_MAX: the LVE's cgroup files.
check_kernel_limits() {
	local d
	d=$(lve_dir "$1")
	if [ -z "$d" ] || [ ! -d "$d" ]; then
		echo "no cgroup for LVE $1 beneath $lve_unit_cg:"
		find "$lve_unit_cg" -type d
		return 1
	fi
	echo "LVE $1: $d"
	expect "cpu.max" "$(cat "$d/cpu.max")" "$2" &&
		expect "memory.max" "$(cat "$d/memory.max")" "$3" &&
		expect "pids.max" "$(cat "$d/pids.max")" "$4"
}

# lvectl's JSON, by the keys issue 12 fixes: an object with "id" ID holds
# "limits" {speed (percent), pmem (bytes), nproc, ep}.
check_lvectl_json() {
	local out
	out=$(lvectl usage --json 1001 1002) || {
		echo "lvectl usage --json: exit $?"
		return 1
	}
	echo "$out" | head -c 2000
	jq -e '[.. | objects | select(.id? == 1001) | .limits | select(.speed == 50 and .pmem == 268435456 and .nproc == 40 and .ep == 10)] | length >= 1' <<<"$out" >/dev/null &&
		jq -e '[.. | objects | select(.id? == 1002) | .limits | select(.speed == 25 and .pmem == 536870912 and .nproc == 30)] | length >= 1' <<<"$out" >/dev/null &&
		lvectl limits --json | jq -e . >/dev/null &&
		{
			lvectl check --json >"$work/check.json"
			[ $? -le 1 ] && jq -e . "$work/check.json" >/dev/null
		}
}

# --- lverun from a service and from cron ---------------------------------------------

# lverun run by a systemd service (a transient one: systemd-run), as a web
# server's or a panel's service runs it.
check_lverun_service() {
	local out
	out=$(systemd-run --quiet --wait --pipe --collect --unit "lvetest-lverun-$1" \
		/usr/sbin/lverun --user alice 1001 sh -c 'id -u; sed -n "s/^0:://p" /proc/self/cgroup' </dev/null 2>&1)
	echo "$out"
	expect "uid" "$(sed -n 1p <<<"$out")" 1001 && in_lve 1001 "$(sed -n 2p <<<"$out")"
}

# The limits hold for a command lverun starts from a service: nproc 40 makes
# the kernel refuse forks (its pids.events count rises), pmem 256M OOM-kills
# a 400 MB allocation.
check_limits_in_force() {
	local d events
	d=$(lve_dir 1001)
	events=$(sed -n 's/^max //p' "$d/pids.events")
	# shellcheck disable=SC2016 # for the shell in the LVE
	systemd-run --quiet --wait --pipe --collect --unit lvetest-nproc \
		/usr/sbin/lverun 1001 sh -c 'for i in $(seq 60); do sleep 5 & done; wait' </dev/null >/dev/null 2>&1
	echo "nproc 40, 60 processes tried: pids.events max went from $events to $(sed -n 's/^max //p' "$d/pids.events")"
	[ "$(sed -n 's/^max //p' "$d/pids.events")" -gt "$events" ] || return 1
	# The sleeps that did start must be gone before the next command forks.
	kill_beneath "$d"
	wait_empty "$d" || return 1
	systemd-run --quiet --wait --pipe --collect --unit lvetest-pmem \
		/usr/sbin/lverun 1001 sh -c 'head -c 400M /dev/zero | tail >/dev/null; echo "tail: $?"' </dev/null 2>&1 | tee "$work/pmem"
	grep -qx 'tail: 137' "$work/pmem"
}

# Today, without lvectl: the LVE lverun made has liblve's built-in default.
check_default_limit() {
	local d
	d=$(lve_dir 1001)
	expect "cpu.max of $d" "$(cat "$d/cpu.max" 2>&1)" "100000 100000"
}

cron_job=/usr/local/lib/lvetest/cron-job
# Every minute, lverun from root's crontab runs the job as alice in LVE 1001;
# it writes where it ran, per boot.
install_cron_job() {
	mkdir -p "${cron_job%/*}" "$state/cron"
	chmod 1777 "$state/cron"
	cat >"$cron_job" <<-'EOF'
		#!/bin/sh
		# Run by cron through lverun (tests/vm-systemd/checks.sh).
		cgroup=$(sed -n 's/^0:://p' /proc/self/cgroup)
		# its own LVE's files are root's alone (SECURITY.md rule 24): the
		# job says what it sees, the check reads the limit as root
		printf 'uid=%s\ncgroup=%s\nown-read=%s\n' "$(id -u)" "$cgroup" \
			"$(cat "/sys/fs/cgroup$cgroup/pids.max" >/dev/null 2>&1 && echo allowed || echo refused)" \
			>"/var/lib/lvetest-vm/cron/$(cat /proc/sys/kernel/random/boot_id).$1"
	EOF
	chmod 755 "$cron_job"
	# @reboot: when cron starts at boot, right after lve.service; then every
	# minute.
	printf '%s\n' "@reboot root /usr/sbin/lverun --user alice 1001 $cron_job reboot" \
		"* * * * * root /usr/sbin/lverun --user alice 1001 $cron_job minute" >/etc/cron.d/lvetest
	chmod 644 /etc/cron.d/lvetest
}

# check_cron KIND WANT_PIDS_MAX: the job (KIND reboot or minute) ran in this
# boot, as alice, in LVE 1001, with the limit in force (cron starts minute
# jobs at minute boundaries: this waits up to 75 s).
check_cron() {
	local f i
	f="$state/cron/$(cat /proc/sys/kernel/random/boot_id).$1"
	shift
	for ((i = 0; i < 75; i++)); do
		[ -s "$f" ] && break
		sleep 1
	done
	[ -s "$f" ] || {
		echo "no run of the cron job in this boot after 75 s; cron's journal:"
		journalctl -b -u cron --no-pager | tail -n 20
		return 1
	}
	cat "$f"
	local cgroup
	cgroup=$(sed -n 's/^cgroup=//p' "$f")
	expect "uid" "$(sed -n 's/^uid=//p' "$f")" 1001 &&
		in_lve 1001 "$cgroup" &&
		expect "the job reading its own LVE's pids.max" "$(sed -n 's/^own-read=//p' "$f")" refused &&
		{ [ -z "$1" ] || expect "pids.max (read by root)" "$(cat "/sys/fs/cgroup$cgroup/pids.max" 2>&1)" "$1"; }
}

# --- daemon-reload and other units' restarts ------------------------------------------

# A web server stand-in: its main process stays in its own unit, the child
# it starts through lverun lives in LVE 1001.
start_web() {
	printf '[Unit]\nDescription=web server stand-in\n[Service]\nType=exec\nExecStart=/bin/sh -c %s\n' \
		"'/usr/sbin/lverun 1001 sleep 3600 & exec sleep 3600'" >/etc/systemd/system/lvetest-web.service
	systemctl daemon-reload && systemctl start lvetest-web.service && sleep 2
}

# The web child in LVE 1001: the process there that runs "sleep 3600".
tenant_of() {
	local p
	find "$(lve_dir 1001)" -name cgroup.procs -exec cat {} + 2>/dev/null | while read -r p; do
		[ "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" != "sleep 3600 " ] || {
			echo "$p"
			break
		}
	done
}

# check_untouched WHAT COMMAND...: COMMAND changes nothing in the LVE tree,
# and the web child survives it.
check_untouched() {
	local tree before after tenant
	tree=$(lve_tree)
	tenant=$(tenant_of)
	[ -n "$tenant" ] || {
		echo "no process in LVE 1001 before: $(lve_dir 1001)"
		return 1
	}
	before=$(limits_tree "$tree")
	have_lvectl && lvectl limits --json >"$work/limits.before"
	"$@" || {
		echo "$* failed"
		return 1
	}
	sleep 1
	after=$(limits_tree "$tree")
	[ "$before" = "$after" ] || {
		echo "the tree changed; before:"
		echo "$before"
		echo "after:"
		echo "$after"
		return 1
	}
	alive "$tenant" || {
		echo "process $tenant in LVE 1001 is gone"
		return 1
	}
	in_lve 1001 "$(cgroup_of "$tenant")" || return 1
	if have_lvectl; then
		lvectl limits --json | cmp -s - "$work/limits.before" || {
			echo "lvectl limits --json changed"
			return 1
		}
	fi
}

# --- The systemd facts of docs/systemd.md, measured -------------------------------------
#
# A copy of the installed lve.service, lvetest-facts.service, whose lvectl
# lines are replaced by the same cgroup steps in shell (facts-apply below),
# so these hold whether lvectl exists or not and check the unit's own
# settings against systemd itself.

facts=lvetest-facts
facts_cg=$cg/system.slice/$facts.service
facts_apply=$work/facts-apply
facts_log=$work/facts.log

write_facts_units() {
	cat >"$facts_apply" <<-'EOF'
		#!/bin/bash
		# What lvectl apply does beneath a delegated unit, in shell.
		own=$(sed -n 's/^0:://p' /proc/self/cgroup)
		root=/sys/fs/cgroup${own%/.control}
		log=/run/lvetest/facts.log
		echo "apply ran in $own" >>"$log"
		if [ -n "$(cat "$root/cgroup.procs")" ]; then
			# The rule: no controller for the children while a process is
			# here. (Probed with memory, a domain controller: cpu or pids
			# alone would be accepted and make this a threaded root.)
			err=$( { echo +memory >"$root/cgroup.subtree_control"; } 2>&1) && err=accepted
			echo "enabling with a process inside: ${err##*: }" >>"$log"
		fi
		mkdir -p "$root/supervisor"
		for p in $(cat "$root/cgroup.procs"); do echo "$p" >"$root/supervisor/cgroup.procs" 2>/dev/null; done
		echo "+cpu +memory +pids" >"$root/cgroup.subtree_control" || exit 1
		mkdir -p "$root/lve" && echo "+cpu +memory +pids" >"$root/lve/cgroup.subtree_control" || exit 1
		mkdir -p "$root/lve/1001" "$root/lve/1002" || exit 1
		echo "50000 100000" >"$root/lve/1001/cpu.max" && echo 40 >"$root/lve/1001/pids.max" &&
			echo 268435456 >"$root/lve/1002/memory.max"
	EOF
	chmod 755 "$facts_apply"
	local unit
	unit=$(systemctl cat lve.service | grep -v '^#')
	# /run is noexec: the script is bash's argument.
	sed -e "s#^ExecStartPost=-/usr/sbin/lvectl apply --all\$#ExecStartPost=-/bin/bash $facts_apply#" \
		-e "s#^ExecReload=/usr/sbin/lvectl apply --all\$#ExecReload=/bin/bash $facts_apply#" \
		-e '/^Before=/d' -e '/^WantedBy=/d' <<<"$unit" >"/etc/systemd/system/$facts.service"
	[ "$(grep -c "$facts_apply" "/etc/systemd/system/$facts.service")" = 2 ] || {
		echo "lve.service has no 'ExecStartPost=-/usr/sbin/lvectl apply --all' and 'ExecReload=/usr/sbin/lvectl apply --all' lines to replace:"
		echo "$unit"
		return 1
	}
	cat >"$work/facts-web" <<-'EOF'
		#!/bin/sh
		# A web server: the main process stays, a child enters the LVE $1.
		sh -c 'echo $$ >"$1/cgroup.procs" && exec sleep 3600' - "$1" &
		exec sleep 3600
	EOF
	printf '[Unit]\nDescription=web server stand-in\n[Service]\nType=exec\nExecStart=/bin/sh %s %s\n' \
		"$work/facts-web" "$facts_cg/lve/1001" >/etc/systemd/system/$facts-web.service
	systemctl daemon-reload
}

facts_tenant() {
	head -n 1 "$facts_cg/lve/1001/cgroup.procs" 2>/dev/null
}

check_fact_start() {
	: >"$facts_log"
	systemctl start $facts.service || return 1
	local main
	main=$(systemctl show -p MainPID --value $facts.service)
	cat "$facts_log"
	grep -qx "apply ran in /system.slice/$facts.service/.control" "$facts_log" || {
		echo "want ExecStartPost to run in the unit's .control cgroup"
		return 1
	}
	grep -qx "enabling with a process inside: Device or resource busy" "$facts_log" || {
		echo "want EBUSY when enabling controllers while the main process is in the unit's cgroup"
		return 1
	}
	expect "main process $main" "$(cgroup_of "$main")" "/system.slice/$facts.service/supervisor" &&
		expect "LVE 1001 cpu.max" "$(cat "$facts_cg/lve/1001/cpu.max")" "50000 100000"
}

check_fact_tenant() {
	systemctl start $facts-web.service && sleep 2
	local t
	t=$(facts_tenant)
	[ -n "$t" ] && alive "$t" && expect "web child" "$(cgroup_of "$t")" "/system.slice/$facts.service/lve/1001"
}

# check_fact_untouched COMMAND...: the facts unit's LVEs (idle 1002 too)
# and the web child survive COMMAND.
check_fact_untouched() {
	local before after t
	t=$(facts_tenant)
	before=$(limits_tree "$facts_cg/lve")
	"$@" || return 1
	sleep 1
	after=$(limits_tree "$facts_cg/lve")
	[ "$before" = "$after" ] || {
		printf 'before:\n%s\nafter:\n%s\n' "$before" "$after"
		return 1
	}
	alive "$t" || {
		echo "the web child $t is gone"
		return 1
	}
	expect "web child" "$(cgroup_of "$t")" "/system.slice/$facts.service/lve/1001"
}

check_fact_web_restart() {
	local t
	t=$(facts_tenant)
	systemctl restart $facts-web.service && sleep 2
	alive "$t" && expect "the old web child, after its unit restarted" "$(cgroup_of "$t")" "/system.slice/$facts.service/lve/1001"
}

check_fact_reload() {
	: >"$facts_log"
	check_fact_untouched systemctl reload $facts.service || return 1
	cat "$facts_log"
	grep -qx "apply ran in /system.slice/$facts.service/.control" "$facts_log"
}

check_fact_refused() {
	local t out
	t=$(facts_tenant)
	for verb in stop restart; do
		if out=$(systemctl $verb $facts.service 2>&1); then
			echo "systemctl $verb was not refused"
			return 1
		fi
		echo "systemctl $verb: $out"
		grep -q 'refuse' <<<"$out" || return 1
	done
	expect "$facts.service" "$(systemctl show -p ActiveState --value $facts.service)" active &&
		alive "$t"
}

# Without RefuseManualStop (a drop-in): a stop leaves the web child alive
# (KillMode=process) but removes the idle LVE 1002, and a start fails while
# the child lives (the unit's cgroup cannot take its main process).
check_fact_stop_process() {
	local t status
	t=$(facts_tenant)
	mkdir -p /run/systemd/system/$facts.service.d
	printf '[Unit]\nRefuseManualStop=no\n' >/run/systemd/system/$facts.service.d/stop.conf
	systemctl daemon-reload
	systemctl stop $facts.service || return 1
	alive "$t" || {
		echo "KillMode=process: the web child $t was killed by the stop"
		return 1
	}
	[ ! -d "$facts_cg/lve/1002" ] || {
		echo "the idle LVE 1002 is still there after the stop"
		return 1
	}
	echo "after the stop: $(find "$facts_cg" -type d | sed "s#^$facts_cg##" | tr '\n' ' ')"
	if systemctl start $facts.service 2>/dev/null; then
		echo "the start succeeded while a process lives beneath the unit"
		return 1
	fi
	status=$(systemctl show -p ExecMainStatus --value $facts.service)
	expect "the failed start's status" "$status" 219
}

# The default KillMode (control-group) kills the accounts' processes.
check_fact_killmode_default() {
	local t
	kill_beneath "$facts_cg/lve"
	sleep 1
	# Ours to remove: the subtree is delegated.
	# (systemd removes it itself once the last process is gone.)
	[ ! -d "$facts_cg" ] || find "$facts_cg" -mindepth 1 -depth -type d -exec rmdir {} + || return 1
	systemctl reset-failed $facts.service
	printf '[Unit]\nRefuseManualStop=no\n[Service]\nKillMode=control-group\n' >/run/systemd/system/$facts.service.d/stop.conf
	systemctl daemon-reload
	systemctl start $facts.service && systemctl restart $facts-web.service && sleep 2 || return 1
	t=$(facts_tenant)
	alive "$t" || {
		echo "no web child in LVE 1001"
		return 1
	}
	systemctl stop $facts.service && sleep 1
	if alive "$t"; then
		echo "KillMode=control-group: the web child $t survived the stop"
		return 1
	fi
}

# The unit as first specified (Type=oneshot, RemainAfterExit=yes): the
# moment its command exits, systemd removes every cgroup beneath it.
check_fact_oneshot() {
	printf '[Service]\nType=oneshot\nRemainAfterExit=yes\nDelegate=yes\nExecStart=/bin/bash %s\n' "$facts_apply" \
		>/etc/systemd/system/lvetest-oneshot.service
	systemctl daemon-reload
	systemctl start lvetest-oneshot.service || {
		journalctl -b -o cat -u lvetest-oneshot.service --no-pager | tail -n 20
		return 1
	}
	expect "lvetest-oneshot.service" "$(systemctl show -p ActiveState,SubState --value lvetest-oneshot.service | paste -sd/)" active/exited || return 1
	if [ -d "$cg/system.slice/lvetest-oneshot.service/lve/1001" ]; then
		echo "the LVEs are still there: $(find "$cg/system.slice/lvetest-oneshot.service" -type d)"
		return 1
	fi
}

# In a delegated service: a threaded controller (cpu) enabled while a
# process is inside is accepted and turns the cgroup into a threaded root;
# after that no domain controller (memory) can be enabled and no process can
# move into a new child, even once the cgroup is empty of processes. So
# every process goes first, then every controller in one write.
check_fact_threaded_trap() {
	cat >"$work/threaded" <<-'EOF'
		root=/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/self/cgroup)
		try() { if err=$( { echo "$1" >"$2"; } 2>&1); then echo "$1 > ${2#"$root"}: accepted"; else echo "$1 > ${2#"$root"}: ${err##*: }"; fi; }
		try +memory "$root/cgroup.subtree_control"
		try +cpu "$root/cgroup.subtree_control"
		echo "cgroup.type: $(cat "$root/cgroup.type")"
		mkdir "$root/leaf"
		try $$ "$root/leaf/cgroup.procs"
		try +memory "$root/cgroup.subtree_control"
	EOF
	local out want
	out=$(systemd-run --quiet --wait --pipe --collect --unit lvetest-threaded -p Delegate=yes /bin/bash "$work/threaded" </dev/null 2>&1)
	echo "$out"
	want=$(printf '%s\n' '+memory > /cgroup.subtree_control: Device or resource busy' \
		'+cpu > /cgroup.subtree_control: accepted' 'cgroup.type: domain threaded' \
		'PID > /leaf/cgroup.procs: Operation not supported' '+memory > /cgroup.subtree_control: Operation not supported')
	# shellcheck disable=SC2001 # a pattern, not a fixed string
	[ "$(sed 's#^[0-9]* > /leaf/#PID > /leaf/#' <<<"$out")" = "$want" ]
}

# A delegated service with no TasksMax= has systemd's DefaultTasksMax as its
# pids.max, shared by every process beneath it: the LVEs' accounts too.
check_fact_tasksmax() {
	local out
	# shellcheck disable=SC2016 # for the shell in the service
	out=$(systemd-run --quiet --wait --pipe --collect --unit lvetest-tasksmax -p Delegate=yes \
		/bin/sh -c 'cat "/sys/fs/cgroup$(sed -n "s/^0:://p" /proc/self/cgroup)/pids.max"' </dev/null 2>&1)
	echo "figure: pids.max of a delegated service without TasksMax=: $out (kernel.pid_max $(cat /proc/sys/kernel/pid_max))"
	[ "$out" -gt 0 ] 2>/dev/null
}

facts_cleanup() {
	local p
	systemctl stop $facts-web.service lvetest-oneshot.service 2>/dev/null
	kill_beneath "$facts_cg"
	rm -rf /run/systemd/system/$facts.service.d
	systemctl daemon-reload
	systemctl stop $facts.service 2>/dev/null
	systemctl reset-failed 2>/dev/null
	sleep 1
	find "$facts_cg" -depth -type d -exec rmdir {} + 2>/dev/null
	rm -f /etc/systemd/system/$facts.service /etc/systemd/system/$facts-web.service /etc/systemd/system/lvetest-oneshot.service
	systemctl daemon-reload
}

# --- liblve's own suite in a delegated service -----------------------------------------

# The suite's own LVEs under the built-in /lve, never in the production tree
# lvectl configured (LIBLVE_CONF names a configuration that does not exist).
check_real_test() {
	systemd-run --quiet --wait --pipe --collect --unit lvetest-real-test -p Delegate=yes \
		--setenv LVE_TEST_PARENT=default --setenv LVE_TEST_REQUIRE_REAL=1 --setenv LVE_TEST_ALLOW_DEFAULT_PARENT=1 \
		--setenv LIBLVE_CONF=/run/lvetest-no-configuration \
		"$LVE_VM_REAL_TEST" </dev/null >"$work/real_test.out" 2>&1
	local st=$?
	cat "$work/real_test.out"
	echo "figure: $(grep -E '[0-9]+ run, [0-9]+ failed' "$work/real_test.out" | tail -n 1 | sed 's/^# //')"
	return $st
}

# --- The phases -------------------------------------------------------------------------

boot_id=$(cat /proc/sys/kernel/random/boot_id)
[ -x /usr/sbin/lvectl ] && lvectl=/usr/sbin/lvectl
note "phase $phase, boot $boot_id, $(uname -r), $(systemctl --version | head -n 1)"
check "systemd is PID 1 and the boot finished with no failed unit" check_systemd_up
check "cgroup v2 alone, with cpu, io, memory and pids" check_pure_v2

if [ "$phase" = 1 ]; then
	echo "$boot_id" >"$state/boot-1"
	check "our build installed ($( [ -n "${LVE_VM_DEBS:-}" ] && echo packages || echo 'make install tree'))" install_build
	[ -x /usr/sbin/lvectl ] && lvectl=/usr/sbin/lvectl
	[ -n "$lvectl" ] || note "$no_lvectl: the checks that need it are skipped"
	check "lverun is setuid root, liblve.so.0 is in the loader's cache" check_installed
	check "lve.service loads with Delegate, KillMode=process, TasksMax=infinity, ordered before web servers and cron" check_unit_loaded
	check "lve.service enabled (multi-user.target) and running, with no task limit of its own" check_unit_starts
	if have_lvectl; then
		check "lvectl apply (ExecStartPost) left no process in lve.service's own cgroup" check_unit_tree
		check "lvectl set and set-user, then apply --all" check_lvectl_set
		check "LVE 1001's cgroup beneath lve.service has speed 50%, pmem 256M, nproc 40" check_kernel_limits 1001 "50000 100000" 268435456 40
		check "LVE 1002 (set-user bob) has speed 25%, pmem 512M, nproc 30" check_kernel_limits 1002 "25000 100000" 536870912 30
		check "lvectl usage/limits/check --json" check_lvectl_json
	else
		for what in "lvectl apply left no process in lve.service's own cgroup" "lvectl set and set-user, then apply --all" \
			"LVE 1001's limits in its cgroup beneath lve.service" "LVE 1002's limits" "lvectl usage/limits/check --json"; do
			skip "$what" "$no_lvectl"
		done
	fi
	# The cron entry goes in once lve.service has configured the LVE
	# parent, as an admin adds lverun to crontabs after installing: a
	# minute job fired between the packages' unpack and lve.service's
	# first apply would run lverun with the built-in parent (/lve, in
	# systemd's part of the tree; docs/systemd.md) and leave that tree
	# in the way of the suite below (seen once: its "available" failed).
	install_cron_job

	check "liblve's real-hierarchy suite in a delegated service (LVE_TEST_PARENT=default)" check_real_test

	check "lverun from a systemd service: alice's command in LVE 1001" check_lverun_service 1
	if have_lvectl; then
		check "the limits hold for a command lverun runs from a service (nproc, pmem)" check_limits_in_force
	else
		check "the LVE lverun made from a service has liblve's default cpu.max" check_default_limit
		skip "the configured limits hold for a command lverun runs from a service" "$no_lvectl"
	fi

	check "a web server stand-in keeps a child in LVE 1001 through lverun" start_web
	check "daemon-reload leaves the LVEs, their limits and their processes alone" check_untouched systemctl daemon-reload
	check "restarting cron leaves them alone" check_untouched systemctl restart cron.service
	check "restarting the web server unit leaves its child in the LVE" check_untouched systemctl restart lvetest-web.service
	if have_lvectl; then
		check "systemctl reload lve (lvectl apply --all) changes nothing that is applied" check_untouched systemctl reload lve.service
	else
		skip "systemctl reload lve (lvectl apply --all) changes nothing that is applied" "$no_lvectl"
	fi

	note "systemd's own behaviour, measured with a copy of lve.service whose lvectl steps are shell (docs/systemd.md)"
	if check "fact: the copy of lve.service loads" write_facts_units; then
		check "fact: ExecStartPost runs in .control; controllers refused (EBUSY) while the main process is in the unit's cgroup; main process moved to supervisor/" check_fact_start
		check "fact: a web server's child lives in the copy's LVE 1001" check_fact_tenant
		check "fact: daemon-reload leaves the delegated LVEs alone, idle ones included" check_fact_untouched systemctl daemon-reload
		check "fact: daemon-reexec leaves them alone" check_fact_untouched systemctl daemon-reexec
		check "fact: restarting another unit (cron) leaves them alone" check_fact_untouched systemctl restart cron.service
		check "fact: the web child outlives a restart of its own unit" check_fact_web_restart
		check "fact: reload re-runs the apply in .control, the LVEs stay" check_fact_reload
		check "fact: RefuseManualStop refuses stop and restart; the unit and the child stay" check_fact_refused
		check "fact: without it, a stop (KillMode=process) keeps the child, drops idle LVEs, and the start fails 219/CGROUP" check_fact_stop_process
		check "fact: KillMode=control-group (systemd's default) kills the accounts' processes on stop" check_fact_killmode_default
		check "fact: Type=oneshot with RemainAfterExit loses every idle LVE when its command exits" check_fact_oneshot
	fi
	check "fact: cpu enabled while a process is inside makes a threaded root: memory and moves refused after" check_fact_threaded_trap
	check "fact: without TasksMax=infinity a delegated unit has a pids.max that all beneath it share" check_fact_tasksmax
	facts_cleanup

	check "lverun from cron: alice's job ran in LVE 1001" check_cron minute "$(have_lvectl && echo 40)"
	# For phase 2: what must come back.
	if have_lvectl; then
		limits_tree "$(lve_tree)" >"$state/limits-before-reboot"
		lvectl limits --json >"$state/lvectl-limits-before-reboot"
	fi
	systemctl stop lvetest-web.service
	kill_beneath "$(lve_dir 1001)"
else
	check_rebooted() {
		echo "boot id before: $(cat "$state/boot-1" 2>&1), now: $boot_id"
		[ -s "$state/boot-1" ] && [ "$boot_id" != "$(cat "$state/boot-1")" ]
	}
	check "a real reboot: the boot id changed" check_rebooted
	check_after_boot() {
		expect "lve.service after the reboot" "$(systemctl show -p ActiveState,SubState --value lve.service | paste -sd/)" active/running || return 1
		local lve cron
		lve=$(systemctl show -p ActiveEnterTimestampMonotonic --value lve.service)
		cron=$(systemctl show -p ExecMainStartTimestampMonotonic --value cron.service)
		echo "lve.service active at ${lve} us, cron started at ${cron} us (monotonic)"
		[ "$lve" -gt 0 ] && [ "$cron" -ge "$lve" ]
	}
	check "lve.service ran at boot, active before cron started" check_after_boot
	if have_lvectl; then
		check_limits_back() {
			local now
			now=$(limits_tree "$(lve_tree)")
			[ "$now" = "$(cat "$state/limits-before-reboot")" ] || {
				printf 'before the reboot:\n%s\nnow:\n%s\n' "$(cat "$state/limits-before-reboot")" "$now"
				return 1
			}
			lvectl limits --json | cmp - "$state/lvectl-limits-before-reboot"
		}
		check "every configured limit is applied again at boot, idle LVEs included" check_limits_back
		check "LVE 1001 again: speed 50%, pmem 256M, nproc 40" check_kernel_limits 1001 "50000 100000" 268435456 40
		check "LVE 1002 again: speed 25%, pmem 512M, nproc 30" check_kernel_limits 1002 "25000 100000" 536870912 30
	else
		skip "every configured limit is applied again at boot" "$no_lvectl"
	fi
	check "lverun from a service after the reboot" check_lverun_service 2
	if have_lvectl; then
		check "the limits hold after the reboot (nproc, pmem)" check_limits_in_force
	fi
	check "lverun from cron at boot (@reboot): in LVE 1001$(have_lvectl && echo ', with its limit')" check_cron reboot "$(have_lvectl && echo 40)"
fi

note "phase $phase took $SECONDS s"
echo "checks phase $phase: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
