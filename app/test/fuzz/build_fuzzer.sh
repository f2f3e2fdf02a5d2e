#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Build a libFuzzer target with clang, ASan and UBSan, from the same
# sources the library is built from (meson's compiler is gcc).
# Usage: build_fuzzer.sh OUTPUT SOURCE... -- INCLUDE_DIR...
set -euo pipefail
out=$1; shift
srcs=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do srcs+=("$1"); shift; done
[ $# -gt 0 ] && shift
incs=()
for d in "$@"; do incs+=("-I$d"); done
exec clang -g -O1 -std=gnu11 -D_GNU_SOURCE -DALLOW_EXPERIMENTAL_API \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	"${incs[@]}" $(pkg-config --cflags libdpdk libcrypto) \
	-o "$out" "${srcs[@]}" \
	$(pkg-config --libs libdpdk libcrypto)
