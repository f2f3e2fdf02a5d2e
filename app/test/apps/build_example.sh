#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Build one of DPDK's example applications, unmodified, from the sources
# the distribution installs (dpdk-doc: /usr/share/dpdk/examples), with its
# own Makefile against the installed DPDK, and put the binary at OUTPUT:
#
#   build_example.sh EXAMPLES_DIR NAME OUTPUT
#
# The sources are copied first: the installed tree is read-only, and the
# Makefile builds below its own directory.
set -euo pipefail

src=$1 name=$2 out=$3
work="$out.src"
rm -rf "$work"
mkdir -p "$work"
cp -r "$src/$name" "$work/"
# Some examples include ../common.
[ -d "$src/common" ] && cp -r "$src/common" "$work/"
make -s -C "$work/$name" -j2 shared > "$work/build.log" 2>&1 || {
	tail -30 "$work/build.log" >&2
	echo "build_example.sh: $name did not build (log in $work/build.log)" >&2
	exit 1
}
cp "$work/$name/build/$name-shared" "$out"
