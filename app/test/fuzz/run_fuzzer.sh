#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Run a libFuzzer target from a committed seed corpus (the second
# argument, corpus/ by default, copied into a private directory) for a bounded time, FUZZ_SECONDS (default 30),
# or a number of executions, FUZZ_RUNS (then no time limit); FUZZ_JOBS
# runs that many fuzzer processes in parallel (each gets FUZZ_RUNS). Any
# crash, leak or sanitizer report fails the run; FUZZ_ARTIFACTS keeps the
# input that did it.
# Arguments after the corpus are passed to libFuzzer as they are.
#   FUZZ_RUNS=10000000 FUZZ_JOBS=2 app/test/fuzz/run_fuzzer.sh build/app/test/fuzz/fuzz_backend
set -uo pipefail
target=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
seeds=${2:-$here/corpus}
shift $(($# < 2 ? $# : 2))
extra=("$@")
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
cp "$seeds"/* "$corpus"/
cd "$corpus"
if [ -n "${FUZZ_RUNS:-}" ]; then
	limit=(-runs="$FUZZ_RUNS")
else
	limit=(-max_total_time="${FUZZ_SECONDS:-30}")
fi
jobs=${FUZZ_JOBS:-1}
run_one() {
	LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0" \
	UBSAN_OPTIONS="print_stacktrace=1" \
		"$target" "${limit[@]}" "${extra[@]}" -rss_limit_mb=4096 \
		-error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 \
		-artifact_prefix="${FUZZ_ARTIFACTS:-$corpus}/" "$corpus" > "fuzz-$1.log" 2>&1
}
pids=()
for j in $(seq 1 "$jobs"); do
	run_one "$j" &
	pids+=($!)
done
rc=0
for p in "${pids[@]}"; do
	wait "$p" || rc=1
done
for j in $(seq 1 "$jobs"); do
	grep -vE '^#[0-9]+.*(NEW|REDUCE|pulse)' "fuzz-$j.log" | grep -vE '^INFO' | tail -40
done
runs=$(awk '/^stat::number_of_executed_units:/ { n += $2 } END { print n + 0 }' fuzz-*.log)
inputs=$(ls "$corpus" | grep -vc '^fuzz-.*\.log$')
if [ "$rc" -eq 0 ]; then
	echo "fuzz: $runs executions in $jobs job(s), corpus of $inputs inputs, no crash"
	echo "1 passed, 0 failed"
else
	echo "fuzz: a crash, a leak or a sanitizer report after $runs executions"
	echo "0 passed, 1 failed"
fi
exit "$rc"
