#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Every test, on both supported generations: sets the machine up
# (idempotent), builds, runs every meson suite on the host (Debian 12: DPDK
# 22.11, QEMU 7.2) and in the Debian 13 chroot (DPDK 24.11, QEMU 10), then
# checks that nothing was left behind: no QEMU, DPDK or daemon process,
# and (in CI) no file in the source tree that git would see.
#
# Arguments go to both `meson test` runs (e.g. --suite unit).
# VC_DEBIAN13=0 skips the Debian 13 half.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="${BUILD_DIR:-$top/build}"
build13="${BUILD_DIR_DEBIAN13:-$top/build-debian13}"

"$top/devtools/setup.sh" || exit 1

rc=0
echo "=== Debian 12: DPDK $(pkg-config --modversion libdpdk), $(qemu-system-x86_64 --version | head -1)"
meson test -C "$build" --print-errorlogs --num-processes 2 "$@" || rc=1
logs=("$build/meson-logs/testlog.json")
if [ "${VC_DEBIAN13:-1}" = 1 ]; then
	echo "=== Debian 13: $("$top/devtools/debian13.sh" sh -c \
		'echo DPDK $(pkg-config --modversion libdpdk), $(qemu-system-x86_64 --version | head -1)')"
	"$top/devtools/debian13.sh" meson test -C "$build13" --print-errorlogs \
		--num-processes 2 "$@" || rc=1
	logs+=("$build13/meson-logs/testlog.json")
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

# One closing line over both runs (meson's summaries are above).
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
