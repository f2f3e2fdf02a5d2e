#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Every test: sets the machine up (idempotent), builds, runs all meson test
# suites, then checks that nothing was left behind: no QEMU, DPDK or daemon
# process, and no file in the source tree that git would see.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="${BUILD_DIR:-$top/build}"

"$top/devtools/setup.sh" || exit 1

meson test -C "$build" --print-errorlogs --num-processes 2 "$@"
rc=$?

leftovers=$(pgrep -a -f 'qemu-system-x86_64|dpdk-test|vhost-crypto|afalg_skcipher_diff' |
	grep -v -e "^$$ " -e pgrep || true)
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
exit $rc
