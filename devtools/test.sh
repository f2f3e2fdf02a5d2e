#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Every test, on the three supported generations: sets the machine up
# (idempotent), builds, runs every meson suite on the host (Debian 12: DPDK
# 22.11, QEMU 7.2) and in the Debian 13 chroot (DPDK 24.11, QEMU 10), and
# the suites FORKY_SUITES names in the Debian forky chroot (DPDK 25.11,
# QEMU 11.1; all but vm, perf and fuzz, to keep CI under 40 minutes, with
# full_device, the guests only QEMU 11.1 can run, out of vm), then
# checks that nothing was left behind: no QEMU, DPDK or daemon process,
# and (in CI) no file in the source tree that git would see.
#
# Arguments go to every `meson test` run (e.g. --suite unit).
# VC_DEBIAN13=0 skips Debian 13, VC_FORKY=0 skips forky; FORKY_SUITES
# (space-separated) is what forky runs when no arguments are given.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="${BUILD_DIR:-$top/build}"
build13="${BUILD_DIR_DEBIAN13:-$top/build-debian13}"
buildforky="${BUILD_DIR_FORKY:-$top/build-forky}"
forky_suites="${FORKY_SUITES:-unit daemon install pmd control upgrade virtio_user apps full_device}"

"$top/devtools/setup.sh" || exit 1

rc=0
echo "=== Debian 12: DPDK $(pkg-config --modversion libdpdk), $(qemu-system-x86_64 --version | head -1)"
meson test -C "$build" --print-errorlogs --num-processes 2 "$@" || rc=1
logs=("$build/meson-logs/testlog.json")

# run_chroot NAME LABEL BUILD-DIR MESON-TEST-ARGS...
run_chroot() {
	local name=$1 label=$2 dir=$3; shift 3
	echo "=== $label: $("$top/devtools/chroot.sh" "$name" sh -c \
		'echo DPDK $(pkg-config --modversion libdpdk), $(qemu-system-x86_64 --version | head -1)')"
	"$top/devtools/chroot.sh" "$name" meson test -C "$dir" --print-errorlogs \
		--num-processes 2 "$@" || rc=1
	logs+=("$dir/meson-logs/testlog.json")
}

if [ "${VC_DEBIAN13:-1}" = 1 ]; then
	run_chroot debian13 "Debian 13" "$build13" "$@"
fi
if [ "${VC_FORKY:-1}" = 1 ]; then
	# With no arguments, forky runs FORKY_SUITES (README, "Supported
	# platforms", says why not all of them).
	if [ $# -eq 0 ]; then
		forky_args=()
		for s in $forky_suites; do
			forky_args+=(--suite "$s")
		done
		run_chroot forky "Debian forky" "$buildforky" "${forky_args[@]}"
	else
		run_chroot forky "Debian forky" "$buildforky" "$@"
	fi
fi

leftovers=$(pgrep -a -f 'qemu-system-x86_64|dpdk-test|vhost-crypto|afalg_skcipher_diff' || true)
if [ -n "$leftovers" ]; then
	echo "test.sh: processes left behind:"
	echo "$leftovers"
	rc=1
fi
dirty=$(git -C "$top" status --porcelain 2>/dev/null || true)
if [ -n "$dirty" ] && [ "${CI:-}" = true ]; then
	echo "test.sh: the tests changed the source tree:"
	echo "$dirty"
	rc=1
fi

# One closing line over every run (meson's summaries are above).
/usr/bin/python3 - "${logs[@]}" <<'PY'
import json, sys
ok = bad = 0
for path in sys.argv[1:]:
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            if r['result'] in ('OK', 'EXPECTEDFAIL', 'SKIP'):
                ok += r['result'] != 'SKIP'
            else:
                bad += 1
print(f'tests: {ok} passed, {bad} failed')
PY
exit $rc
