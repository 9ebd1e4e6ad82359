#!/bin/sh
# SPDX-License-Identifier: MIT
# The published lverun on a pure cgroup v2 kernel, run as root inside the
# guest by tests/vm/run-in-v2-guest (busybox sh; see tests/vm/README.md).
#
#   lverun-checks.sh LVERUN [PARENT]
#
# PARENT is the LVE parent lverun was built with (LIBLVE_DEFAULT_PARENT,
# default /lve); a relative one is beneath this script's cgroup, which in
# the guest is the root "/". Prints "ok N what" or "not ok N what" with the
# evidence, a count at the end, and exits 0 only if every check passed.
set -u

lverun=${1:?usage: lverun-checks.sh LVERUN [PARENT]}
parent=${2:-/lve}
case $parent in /*) ;; *) parent=/$parent ;; esac
parent=${parent%/}
id=1001
cgroot=/sys/fs/cgroup

n=0
failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

pass() {
	n=$((n + 1))
	echo "ok $n $1"
}

# fail WHAT EVIDENCE...: the evidence is printed as comments beneath.
fail() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n $1"
	shift
	for line in "$@"; do
		[ -z "$line" ] || printf '%s\n' "$line" | sed 's/^/#   /'
	done
}

# run ARGS...: runs lverun ARGS with stdin from /dev/null, its stdout and stderr in
# $out, its exit status in $st.
run() {
	"$lverun" "$@" </dev/null >"$out" 2>&1
	st=$?
}

# status_is WANT WHAT ARGS...: lverun ARGS must exit WANT.
status_is() {
	want=$1 what=$2
	shift 2
	run "$@"
	if [ "$st" = "$want" ]; then
		pass "$what: exit $want"
	else
		fail "$what: exit $want" "lverun $*" "exit $st, output:" "$(cat "$out")"
	fi
}

# field NAME: the value of the NAME: line of the /proc/self/status in $out,
# tabs and runs of blanks made single spaces.
field() {
	sed -n "s/^$1:[[:space:]]*//p" "$out" | tr -s ' \t' '  ' | sed 's/ *$//'
}

echo "# lverun on cgroup v2: $lverun, LVE $id under $parent"

# 1. The command lands in the LVE, and only there: v2 has one hierarchy.
run "$id" cat /proc/self/cgroup
if [ "$st" = 0 ] && [ "$(cat "$out")" = "0::$parent/$id" ]; then
	pass "the command runs in $parent/$id"
else
	fail "the command runs in $parent/$id" "exit $st, /proc/self/cgroup:" "$(cat "$out")"
fi

# 2. The LVE is a real cgroup with the CPU controller on and the built-in
# default limit (cpu 100: one core, 100000 us per 100000 us).
if [ -d "$cgroot$parent/$id" ] && [ "$(cat "$cgroot$parent/$id/cpu.max" 2>&1)" = "100000 100000" ]; then
	pass "the LVE has cpu.max 100000 100000"
else
	fail "the LVE has cpu.max 100000 100000" \
		"cpu.max: $(cat "$cgroot$parent/$id/cpu.max" 2>&1)" \
		"$parent/cgroup.subtree_control: $(cat "$cgroot$parent/cgroup.subtree_control" 2>&1)"
fi

# 3. No internal processes: the parent holds none, and the LVE is empty
# again once the command is gone.
procs="$(cat "$cgroot$parent/cgroup.procs" "$cgroot$parent/$id/cgroup.procs" 2>&1)"
if [ -z "$procs" ]; then
	pass "no process is left in $parent or $parent/$id"
else
	fail "no process is left in $parent or $parent/$id" "$procs"
fi

# 4. Arguments reach the command verbatim, lverun's own options included.
run "$id" printf '%s|' -h --help -- @x '' 'a b'
if [ "$st" = 0 ] && [ "$(cat "$out")" = "-h|--help|--|@x||a b|" ]; then
	pass "arguments arrive verbatim"
else
	fail "arguments arrive verbatim" "exit $st, output:" "$(cat "$out")"
fi

# 5. --user nobody: the command is nobody through and through, with no
# capability left.
run --user nobody "$id" cat /proc/self/status
uid=$(field Uid) gid=$(field Gid) groups=$(field Groups) capeff=$(field CapEff) capprm=$(field CapPrm)
if [ "$st" = 0 ] && [ "$uid" = "65534 65534 65534 65534" ] && [ "$gid" = "65534 65534 65534 65534" ] &&
	[ "$capeff" = 0000000000000000 ] && [ "$capprm" = 0000000000000000 ]; then
	pass "--user nobody: uid and gid 65534, CapEff and CapPrm 0"
else
	fail "--user nobody: uid and gid 65534, CapEff and CapPrm 0" \
		"exit $st, Uid: $uid, Gid: $gid, Groups: $groups, CapEff: $capeff, CapPrm: $capprm" "$(cat "$out")"
fi
case " $groups " in
*" 0 "*) fail "--user nobody: root's group is gone" "Groups: $groups" ;;
*) pass "--user nobody: root's group is gone" ;;
esac

# 6. --user gives the target's supplementary groups (alice is in "users").
run -u alice "$id" cat /proc/self/status
uid=$(field Uid) gid=$(field Gid) groups=$(field Groups)
if [ "$st" = 0 ] && [ "$uid" = "1001 1001 1001 1001" ] && [ "$gid" = "1001 1001 1001 1001" ] &&
	[ "$(echo "$groups" | tr ' ' '\n' | sort -n | tr '\n' ' ')" = "100 1001 " ]; then
	pass "-u alice: uid and gid 1001, groups 100 and 1001"
else
	fail "-u alice: uid and gid 1001, groups 100 and 1001" \
		"exit $st, Uid: $uid, Gid: $gid, Groups: $groups" "$(cat "$out")"
fi

# 7. Exit codes, like env and timeout: the command's own status passes
# through, 127 not found, 126 found but not runnable, 125 lverun's own.
status_is 0 "a command that succeeds" "$id" true
status_is 1 "a command that fails" "$id" false
status_is 42 "a command's own status" "$id" sh -c 'exit 42'
status_is 127 "a command that is not there" "$id" /nonexistent/command
status_is 127 "a command not on PATH" "$id" no-such-command-anywhere
status_is 126 "a file that is not executable" "$id" /etc/passwd
status_is 125 "LVE id 0" 0 true
status_is 125 "LVE id 2^31" 2147483648 true
status_is 125 "an LVE id that is not a number" abc true
status_is 125 "an unknown user" --user no-such-user "$id" true
status_is 125 "no command" "$id"

# 8. Hard limits below what lverun needs, which it raises for itself (root
# here has CAP_SYS_RESOURCE, unlike the project's containers, where the
# setuid lane skips this and says so): the command gets the caller's again.
out8=$( (ulimit -Sn 16 && ulimit -Hn 16 && "$lverun" "$id" sh -c 'echo $(ulimit -Hn) $(ulimit -Sn)') </dev/null 2>&1)
if [ "$out8" = "16 16" ]; then
	pass "ulimit -Hn 16: the command's RLIMIT_NOFILE is 16 16 again"
else
	fail "ulimit -Hn 16: the command's RLIMIT_NOFILE is 16 16 again" "output: $out8"
fi

echo "# lverun on cgroup v2: $((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
