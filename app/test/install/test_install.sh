#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# `meson install` puts things where their users find them: a program built
# with only `pkg-config libvhost_crypto` compiles, links and runs, and EAL
# loads the installed PMD plugin with -d.
set -uo pipefail

build=$1
src=$(cd "$(dirname "$0")" && pwd)
# Under /run (root-owned, 0755), not the checkout or /tmp: EAL refuses to
# load a plugin from below any world-writable directory.
dest=$(mktemp -d /run/vc-install-test.XXXXXX)
trap 'rm -rf "$dest"' EXIT
passed=0 failed=0

check() {
	if "${@:2}" >"$dest/log" 2>&1; then
		echo "PASS: $1"; passed=$((passed + 1))
	else
		echo "FAIL: $1"; sed 's/^/    /' "$dest/log"; failed=$((failed + 1))
	fi
}

check "meson install" meson install -C "$build" --no-rebuild --destdir "$dest/root" --quiet
prefix=$(meson introspect "$build" --buildoptions |
	/usr/bin/python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
libdir=$(meson introspect "$build" --buildoptions |
	/usr/bin/python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "libdir"))')
# The staged .pc file, relocated to where DESTDIR put the files; libdpdk's
# own .pc is the system one, as for any user.
mkdir -p "$dest/pc"
sed "s|^prefix=.*|prefix=$dest/root$prefix|" \
	"$dest/root$prefix/$libdir/pkgconfig/libvhost_crypto.pc" > "$dest/pc/libvhost_crypto.pc"
export PKG_CONFIG_PATH="$dest/pc"

check "pkg-config finds libvhost_crypto" pkg-config --exists libvhost_crypto
check "a program builds against the installed library" \
	cc -o "$dest/user" "$src/install_user.c" \
	$(pkg-config --cflags --libs libvhost_crypto)
pmd=$(ls "$dest/root$prefix/$libdir"/dpdk-virtio-crypto/pmds/librte_pmd_virtio_crypto.so 2>/dev/null)
check "the PMD is installed apart from the distribution's plugins" test -n "$pmd"
check "the program runs, and EAL loads the installed PMD with -d" \
	env LD_LIBRARY_PATH="$dest/root$prefix/$libdir" "$dest/user" "$pmd"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
