#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The committed seed corpus is what the fuzz target writes today: each seed
# is checked as it is written (fuzz_backend: the backend completes it with
# OK, or decodes the session message; fuzz_vhost_user: the sequence does
# what the frontend it stands for gets), so a change that breaks them shows
# here. Regenerate with:
#   VC_FUZZ_WRITE_SEEDS=app/test/fuzz/corpus build/app/test/fuzz/fuzz_backend
#   VC_FUZZ_WRITE_SEEDS=app/test/fuzz/corpus_vhost_user build/app/test/fuzz/fuzz_vhost_user
set -uo pipefail
target=$(realpath "$1")
corpus=$(realpath "$2")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
here=$(cd "$(dirname "$0")" && pwd)
LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0" \
	VC_FUZZ_WRITE_SEEDS="$out/seeds" "$target" > "$out/log" 2>&1 || {
	tail -20 "$out/log"
	echo "0 passed, 1 failed (a seed is not a well-formed request any more)"
	exit 1
}
if ! diff -r "$corpus" "$out/seeds" > "$out/diff"; then
	cat "$out/diff"
	echo "0 passed, 1 failed (the committed corpus differs from the generator's)"
	exit 1
fi
echo "seeds: $(ls "$corpus" | wc -l) well-formed requests, committed as generated"
echo "1 passed, 0 failed"
