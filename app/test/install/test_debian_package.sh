#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The Debian package, as an operator gets it: dpkg-buildpackage builds it
# from a copy of the tree (the checkout stays clean), apt installs it into
# a fresh Debian 12 root (so its Depends are proven: DPDK's runtime comes
# from the archive), and there the installed daemon, run the way its
# systemd unit says (user, group, umask, no capability, the instance's
# configuration file, the sandbox: network and mount namespaces, no W+X
# memory), serves dpdk-test-crypto-perf --ptest verify through
# the installed PMD plugin, run by an unprivileged user of group kvm like
# libvirt's QEMU; systemd-analyze verify checks the installed unit.
#
#   test_debian_package.sh SRCDIR BUILDDIR
#
# The pristine root (devtools/debian12_root.sh: bookworm minbase, systemd,
# this machine's apt sources) is a tarball in .cache/debian12-package,
# unpacked afresh for each run; downloaded .debs are cached beside it.
#
# VC_LINTIAN=1 runs lintian on the packages too (errors fail; about a
# minute, so CI leaves it out). VC_DEB_KEEP=1 keeps the run directory;
# VC_DEB_PREBUILT=DIR takes the packages from DIR instead of building them.
set -uo pipefail

src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /var/tmp/vc-debian-package.XXXXXX)
passed=0 failed=0

cleanup() {
	if [ "${VC_DEB_KEEP:-0}" = 1 ] || [ "$failed" -ne 0 ]; then
		# The root is large; the logs and packages are what explain a failure.
		rm -rf "$work/root"
		echo "kept: $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT

check() {
	local t0=$SECONDS
	if "${@:2}" >"$work/log" 2>&1; then
		echo "PASS: $1 ($((SECONDS - t0)) s)"; passed=$((passed + 1))
	else
		echo "FAIL: $1 ($((SECONDS - t0)) s)"; sed 's/^/    /' "$work/log" | tail -40; failed=$((failed + 1))
		return 1
	fi
}

# in_root, and the pristine root (made by setup.sh in the background:
# waits for it; makes it if setup did not).
# shellcheck source=devtools/debian12_root.sh
. "$src/devtools/debian12_root.sh"
pristine_root() { "$src/devtools/debian12_root.sh"; }

# The package, from a copy of what git sees (committed or not, never the
# build directories or the cache).
build_package() {
	mkdir -p "$work/src"
	git -C "$src" ls-files -z --cached --others --exclude-standard |
		(cd "$src" && xargs -0 cp -P --parents -t "$work/src") || return 1
	# No debug symbol packages: the test installs none.
	(cd "$work/src" && DEB_BUILD_OPTIONS="nocheck noautodbgsym parallel=2" \
		dpkg-buildpackage -us -uc -b)
}

version_matches() {
	local deb meson
	deb=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
	meson=$(meson introspect --projectinfo "$build" |
		/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')
	echo "debian/changelog: $deb, meson: $meson"
	[ "${deb%%-*}" = "$meson" ]
}

# The -dev package alone (with the library): a program builds with only
# pkg-config libvhost_crypto and the installed header.
dev_package_builds() {
	local x="$work/dev" pc
	for p in libvhost-crypto-dev libvhost-crypto0; do
		dpkg-deb -x "$work"/${p}_*.deb "$x" || return 1
	done
	pc=$(find "$x" -name libvhost_crypto.pc)
	mkdir -p "$work/pc"
	sed "s|^prefix=.*|prefix=$x/usr|" "$pc" > "$work/pc/libvhost_crypto.pc"
	# shellcheck disable=SC2046
	PKG_CONFIG_PATH="$work/pc" cc -o "$work/user" "$here/install_user.c" \
		$(PKG_CONFIG_PATH="$work/pc" pkg-config --cflags --libs libvhost_crypto)
}

lintian_clean() {
	# Errors fail; warnings are printed (the README's packaging notes
	# say which ones remain and why).
	lintian --fail-on error --tag-display-limit 0 "$work"/*.changes
}

echo "run directory: $work"
check "the pristine Debian 12 root (.cache/debian12-package)" pristine_root
if [ -n "${VC_DEB_PREBUILT:-}" ]; then
	cp "$VC_DEB_PREBUILT"/*.deb "$VC_DEB_PREBUILT"/*.changes "$work/"
else
	check "dpkg-buildpackage builds the packages" build_package
fi
check "debian/changelog's version is meson's project version" version_matches
check "the -dev package: a program builds with pkg-config libvhost_crypto" dev_package_builds
if [ "${VC_LINTIAN:-0}" = 1 ]; then
	check "lintian: no error" lintian_clean
	sed 's/^/    /' "$work/log"
fi

# A fresh copy of the pristine root, the packages and the test's own files.
if [ -f "$d12_cache/root.tar" ] && ls "$work"/vhost-crypto_*.deb >/dev/null 2>&1; then
	mkdir -p "$work/root"
	tar -C "$work/root" -xf "$d12_cache/root.tar"
	mkdir -p "$work/root/var/tmp/vc"
	cp "$work"/*.deb "$work/root/var/tmp/vc/"
	rm -f "$work"/root/var/tmp/vc/*-dbgsym_*.deb
	/usr/bin/python3 "$src/app/test/virtio_user/gen_crypto_perf_vector.py" \
		aes-cbc-sha1-hmac 1024 "$work/root/var/tmp/vc/vector.data"
	cp "$here/debian_package_root.sh" "$work/root/var/tmp/vc/"
	in_root "$work/root" /bin/bash /var/tmp/vc/debian_package_root.sh 2>&1 | tee "$work/root.log"
	passed=$((passed + $(grep -c '^PASS: ' "$work/root.log")))
	failed=$((failed + $(grep -c '^FAIL: ' "$work/root.log")))
	grep -q '^root: done$' "$work/root.log" ||
		{ echo "FAIL: the checks in the root ran to the end"; failed=$((failed + 1)); }
else
	echo "FAIL: no root or no package: nothing installed"; failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
