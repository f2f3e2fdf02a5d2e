#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# DPDK's own driver headers (dev_driver.h, bus_vdev_driver.h,
# bus_pci_driver.h, cryptodev_pmd.h, ...) of exactly the DPDK installed in a
# root file system, taken from Debian's `dpdk` source package of the
# installed version, with Debian's patches applied:
#
#   devtools/fetch_dpdk_headers.sh [ROOT...]
#
# for the DPDK of each ROOT; without one, for the host's and for every
# chroot of devtools/setup.sh (.cache/*/root), so a new platform needs no
# change here.
#
# Debian installs none of them, and the unit test driver_abi compares
# drivers/crypto/virtio/dpdk_driver_abi.h with them. The headers land in
# .cache/dpdk-src/VERSION/include (VERSION as pkg-config reports it, e.g.
# 22.11.11), the source package's other files are not kept. A directory
# that already holds the headers of the installed Debian version is left
# alone, so re-running takes no time. When the archive lists a version but
# answers 404 for its files, .cache/dpdk-src/VERSION/.unavailable says so
# (the test skips, naming it) and the script does not fail; any other
# failure does. The download uses the host's apt with
# a private configuration (a deb-src entry per suite, its own lists), so the
# machine's apt state is untouched.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
base="$top/.cache/dpdk-src"

# The headers the test includes, and the private ones they include in turn.
headers=(
	lib/eal/include/dev_driver.h
	lib/eal/include/bus_driver.h
	drivers/bus/vdev/bus_vdev_driver.h
	drivers/bus/pci/bus_pci_driver.h
	lib/cryptodev/cryptodev_pmd.h
)

log() { printf 'fetch_dpdk_headers: %s\n' "$*"; }

# The apt options of a private configuration: a deb-src entry per suite a
# supported DPDK comes from (point releases, updates and security too), its
# own lists and cache, so the machine's apt state is untouched.
private_apt() {
	local mirror security keyring=/usr/share/keyrings/debian-archive-keyring.gpg suite
	mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
	[ -n "$mirror" ] || mirror=$(awk '/^deb / && $0 !~ /security/ { print $2; exit }' \
		/etc/apt/sources.list 2>/dev/null || true)
	mirror=${mirror:-http://deb.debian.org/debian}
	security=${mirror%/debian}/debian-security
	apt="$base/apt"
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
	{
		for suite in bookworm trixie; do
			echo "deb-src [signed-by=$keyring] $mirror $suite main"
			echo "deb-src [signed-by=$keyring] $mirror $suite-updates main"
			echo "deb-src [signed-by=$keyring] $security $suite-security main"
		done
		echo "deb-src [signed-by=$keyring] $mirror forky main"
		echo "deb-src [signed-by=$keyring] $mirror sid main"
	} > "$apt/sources.list"
	aptopts=(
		-o "Dir::Etc::SourceList=$apt/sources.list"
		-o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$apt/lists"
		-o "Dir::Cache=$apt/cache"
		-o Debug::NoLocking=1
		-q
	)
	[ -n "${updated:-}" ] && return 0
	apt-get "${aptopts[@]}" update > "$apt/update.log" 2>&1 || {
		cat "$apt/update.log" >&2
		log "apt-get update with $apt/sources.list failed"
		return 1
	}
	updated=1
}

fetch_one() {
	local root=$1 debver upstream dest work rc=0
	debver=$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Version}' libdpdk-dev 2>/dev/null) || {
		log "libdpdk-dev is not installed in $root"
		return 1
	}
	# 22.11.11-0+deb12u1 -> 22.11.11: what libdpdk.pc says, and what meson looks for.
	upstream=${debver#*:}
	upstream=${upstream%-*}
	dest="$base/$upstream"
	if [ "$(cat "$dest/.debian-version" 2>/dev/null || true)" = "$debver" ]; then
		return 0
	fi
	log "fetching Debian source package dpdk=$debver (for $root)"
	private_apt || return 1
	mkdir -p "$base"
	work=$(mktemp -d "$base/work.XXXXXX")
	fetch_into "$work" "$debver" "$dest" || rc=1
	rm -rf "$work"
	return $rc
}

fetch_into() {
	local work=$1 debver=$2 dest=$3 h
	(cd "$work" && apt-get "${aptopts[@]}" source --download-only "dpdk=$debver") \
		> "$work/source.log" 2>&1 || {
		cat "$work/source.log" >&2
		# The archive lists the version but does not serve its files (seen
		# for trixie's 24.11.8-0+deb13u1 and forky's 25.11.4-1): nothing to
		# retry against today. Say so where the unit test driver_abi reads
		# it, which then skips instead of failing; the next run tries again.
		if grep -q ' 404 ' "$work/source.log"; then
			mkdir -p "$dest"
			{
				echo "Debian's archive answers 404 for the source package dpdk=$debver:"
				grep -o "[^ ]*dpdk_[^ ]*  *404 .*" "$work/source.log" | sort -u || true
			} > "$dest/.unavailable"
			log "NOT CHECKED: Debian's archive answers 404 for the source package" \
				"dpdk=$debver (see above); unit/driver_abi skips DPDK ${dest##*/}" \
				"until it is served; unit/driver_abi_live still checks it"
			return 0
		fi
		log "cannot download source package dpdk=$debver"
		return 1
	}
	# Debian's patches too: the headers of the binaries Debian built.
	dpkg-source --no-check -x "$work"/dpdk_*.dsc "$work/src" > "$work/extract.log" 2>&1 || {
		cat "$work/extract.log" >&2
		log "cannot unpack the source package"
		return 1
	}
	rm -rf "$dest"
	mkdir -p "$dest/include"
	for h in "${headers[@]}"; do
		if [ ! -f "$work/src/$h" ]; then
			log "dpdk=$debver has no $h"
			return 1
		fi
		cp "$work/src/$h" "$dest/include/"
	done
	echo "$debver" > "$dest/.debian-version"
	log "DPDK ${dest##*/} driver headers in $dest/include"
}

if [ $# -eq 0 ]; then
	set -- /
	for r in "$top"/.cache/*/root; do
		[ -f "$r/var/lib/dpkg/status" ] && set -- "$@" "$r"
	done
fi
failed=0
for r in "$@"; do
	fetch_one "$r" || failed=1
done
exit $failed
