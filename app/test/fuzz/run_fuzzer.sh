#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Run a libFuzzer target for a bounded time (FUZZ_SECONDS, default 30) from
# an empty corpus in a private directory; any crash, leak or sanitizer
# report fails the test.
set -uo pipefail
target=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
cd "$corpus"
LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0" \
UBSAN_OPTIONS="print_stacktrace=1" \
	"$target" -max_total_time="${FUZZ_SECONDS:-30}" -rss_limit_mb=4096 \
	-error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 \
	-artifact_prefix="${FUZZ_ARTIFACTS:-$corpus}/" "$corpus" 2>&1 |
	grep -vE '^#[0-9]+.*(NEW|REDUCE|pulse)'
rc=${PIPESTATUS[0]}
# libFuzzer's own codes (77 by default) would read as "skipped" to meson.
[ "$rc" -eq 0 ] || rc=1
runs=$(ls "$corpus" | wc -l)
if [ "$rc" -eq 0 ]; then
	echo "fuzz: corpus of $runs inputs, no crash"
	echo "1 passed, 0 failed"
else
	echo "0 passed, 1 failed"
fi
exit "$rc"
