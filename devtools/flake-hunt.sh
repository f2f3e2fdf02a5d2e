#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The fault and interop suites on a machine that is busy: runs the
# `virtio_user` suite VU_RUNS times and the `vm` suite VM_RUNS times in a
# row while every core is kept busy by other processes (stress-ng, one
# worker per core), then the `virtio_user` and `control` suites once more
# with the whole project built with ASan (the daemon among it). CI machines
# are shared: a test that needs a quiet machine fails there, so this is
# how a test proves it does not.
#
#   devtools/flake-hunt.sh                 # 10 x virtio_user, 3 x vm, 1 x ASan
#   VU_RUNS=2 VM_RUNS=1 devtools/flake-hunt.sh
#   LOAD=0 devtools/flake-hunt.sh          # the same without the load
#   LOAD_CMD='FUZZ_RUNS=600000 FUZZ_JOBS=2 app/test/fuzz/run_fuzzer.sh ...' \
#       devtools/flake-hunt.sh             # that command is the load (its output
#                                          # in logs/load.log), stress-ng after it
#   ASAN=0 ... / DEBIAN13=1 ...            # skip the ASan run / run in the Debian 13 chroot too
#
# Prints one line per run and a summary: runs, failures (with the failing
# tests' names), the load that was on. Logs stay in build-flake-hunt/logs.
# Exit status 0 only when every run passed.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="${BUILD_DIR:-$top/build}"
asan_build="$top/build-asan"
logs="$top/build-flake-hunt/logs"
vu_runs=${VU_RUNS:-10}
vm_runs=${VM_RUNS:-3}
load=${LOAD:-1}
asan=${ASAN:-1}
debian13=${DEBIAN13:-0}

"$top/devtools/setup.sh" >/dev/null || { echo "flake-hunt: setup failed"; exit 1; }
command -v stress-ng >/dev/null || { echo "flake-hunt: stress-ng missing (setup.sh installs it)"; exit 1; }
mkdir -p "$logs"

load_pid=
stop_load() {
	if [ -n "$load_pid" ]; then
		# The load runs in a session of its own: end all of it.
		kill -- -"$load_pid" 2>/dev/null
		wait "$load_pid" 2>/dev/null
		load_pid=
	fi
}
trap stop_load EXIT
hog="stress-ng --cpu $(nproc) --cpu-method matrixprod --timeout 0 --quiet"
if [ "$load" = 1 ]; then
	# One CPU hog per core, at normal priority: the tests compete for every
	# core. A LOAD_CMD comes first (a fuzzing run, say: the hours do two
	# jobs), the hogs once it ends.
	if [ -n "${LOAD_CMD:-}" ]; then
		load_desc="$LOAD_CMD, then $hog"
	else
		load_desc="$hog (every core busy)"
	fi
	(cd "$top" && exec setsid bash -c "${LOAD_CMD:+$LOAD_CMD; }exec $hog") \
		> "$logs/load.log" 2>&1 &
	load_pid=$!
else
	load_desc="none"
fi

runs=0 failed=0
failures=()

# run NAME MESON_TEST_ARGS...: one meson test run, logged, its failures named.
run() {
	local name=$1 log rc bad
	shift
	log="$logs/$name.log"
	"$@" > "$log" 2>&1
	rc=$?
	runs=$((runs + 1))
	bad=$(grep -E '^ *[0-9]+/[0-9]+ .* (FAIL|TIMEOUT|ERROR) ' "$log" |
		awk '{ print $4 }' | tr '\n' ' ')
	if [ $rc -ne 0 ]; then
		failed=$((failed + 1))
		failures+=("$name: ${bad:-rc $rc}")
		printf 'flake-hunt: %-22s FAIL %s(log %s)\n' "$name" "$bad" "$log"
	else
		printf 'flake-hunt: %-22s ok (%s)\n' "$name" \
			"$(grep -E '^Ok:' "$log" | awk '{ print $2 }') tests"
	fi
}

echo "flake-hunt: load: $load_desc; $(uptime | sed 's/.*load average/load average/')"
for i in $(seq 1 "$vu_runs"); do
	run "virtio_user-$i" meson test -C "$build" --suite virtio_user --suite control \
		--num-processes 1 --print-errorlogs
done
for i in $(seq 1 "$vm_runs"); do
	run "vm-$i" meson test -C "$build" --suite vm --num-processes 1 --print-errorlogs
done
if [ "$debian13" = 1 ]; then
	run "debian13-virtio_user" "$top/devtools/debian13.sh" meson test \
		-C "${BUILD_DIR_DEBIAN13:-$top/build-debian13}" --suite virtio_user \
		--suite control --num-processes 1 --print-errorlogs
fi
if [ "$asan" = 1 ]; then
	# The whole build with ASan: the daemon, the PMD and the test programs.
	if [ ! -f "$asan_build/build.ninja" ]; then
		meson setup -Db_sanitize=address -Ddocs=disabled "$asan_build" "$top" >/dev/null
	fi
	if ninja -C "$asan_build" > "$logs/asan-build.log" 2>&1; then
		# verify_asan_link_order=0: DPDK's stock programs (dpdk-test,
		# dpdk-test-crypto-perf) are not ASan-built but load our PMD.
		ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:verify_asan_link_order=0 \
			run "asan-virtio_user" meson test -C "$asan_build" --suite virtio_user \
			--suite control --num-processes 1 --print-errorlogs
	else
		runs=$((runs + 1)) failed=$((failed + 1))
		failures+=("asan-build: see $logs/asan-build.log")
	fi
fi
stop_load
[ -n "${LOAD_CMD:-}" ] && grep -E '^fuzz:' "$logs/load.log" | sed 's/^/flake-hunt: load: /'

echo "flake-hunt: $runs runs, $failed failed; load: $load_desc"
for f in "${failures[@]}"; do
	echo "flake-hunt:   $f"
done
[ "$failed" -eq 0 ]
