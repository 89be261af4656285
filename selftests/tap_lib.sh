# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# TAP counting shared by selftests/check.sh and selftests/check-kernels.sh.
# The caller owns the totals: passed, failed, skipped (integers) and FAILS
# (an array of "name # why" lines); the caller prints the closing line.

count_tap() # file -> sets c_ok c_fail c_skip, adds to the totals and FAILS
{
	local l
	c_ok=0 c_fail=0 c_skip=0
	while IFS= read -r l; do
		case "$l" in
		"not ok"*)
			c_fail=$((c_fail + 1))
			FAILS+=("$(sed -E 's/^not ok +[0-9-]* *//' <<<"$l")")
			;;
		ok*"# SKIP"* | ok*"# skip"*) c_skip=$((c_skip + 1)) ;;
		"ok "*) c_ok=$((c_ok + 1)) ;;
		esac
	done < <(grep -aE '^(not ok|ok)( |$)' "$1" || true)
	passed=$((passed + c_ok))
	failed=$((failed + c_fail))
	skipped=$((skipped + c_skip))
}
