#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The benchmark of issue 6 in one command: builds, then runs
# app/perf/vc_benchmark.py (bare crypto_aesni_mb, our PMD -> our daemon,
# our PMD -> DPDK 22.11's vhost_crypto example) on cores 0 and 1, and writes
# build/perf/benchmark.csv and benchmark.png. Arguments go to the script
# (--help lists them); with --guests 1,4,16 --mixed it runs the many-guests
# cases of issue 20 instead (build/perf/guests.csv). Run it on an otherwise
# idle machine.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="${BUILD_DIR:-$top/build}"
ninja -C "$build" >/dev/null
exec /usr/bin/python3 "$top/app/perf/vc_benchmark.py" --build "$build" "$@"
