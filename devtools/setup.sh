#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# One-step, idempotent setup of a Debian 12 machine for dpdk-virtio-crypto:
# Debian packages, hugepages, the guest kernel package, a Debian 13 chroot
# (DPDK 24.11, QEMU 10; skipped with VC_DEBIAN13=0), a Debian forky chroot
# (future 14: DPDK 25.11, QEMU 11.1, and its own guest kernel, Linux 7;
# skipped with VC_FORKY=0), and the three builds.
# Every other script in devtools/ calls this first, so a fresh clone needs
# nothing installed by hand. Re-running it on a ready machine takes seconds.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache="$top/.cache"
build="${BUILD_DIR:-$top/build}"
build13="${BUILD_DIR_DEBIAN13:-$top/build-debian13}"
buildforky="${BUILD_DIR_FORKY:-$top/build-forky}"
hugepages_2m="${HUGEPAGES_2M:-1024}"

log() { printf 'setup: %s\n' "$*"; }

# Keep in sync with doc/guides/getting_started.rst.
packages=(
	build-essential pkg-config meson ninja-build
	dpdk dpdk-dev libdpdk-dev dpdk-doc libipsec-mb-dev
	qemu-system-x86 busybox-static cpio
	libcmocka-dev libssl-dev clang libclang-rt-14-dev
	python3 python3-cryptography python3-cryptography-vectors python3-sphinx
	python3-matplotlib python3-scapy valgrind stress-ng
	debootstrap
	# vm/libvirt_guest: libvirtd with its QEMU driver, virtlogd, virsh, and the
	# libvirt-qemu user QEMU runs as. Without recommends: no dnsmasq, so no
	# libvirt network can come up. apt takes the systemd flavour (units, no
	# init scripts): without systemd running, installing starts nothing;
	# with it, the system's libvirt sockets are active and that test skips.
	libvirt-daemon-system libvirt-clients
	# the Debian package (install/debian_package; lintian with VC_LINTIAN=1)
	debhelper help2man lintian
)

install_packages() {
	local missing=() p
	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
}

reserve_hugepages() {
	local nr=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
	if [ "$(cat $nr)" -lt "$hugepages_2m" ]; then
		echo "$hugepages_2m" > $nr
		[ "$(cat $nr)" -ge "$hugepages_2m" ] ||
			log "warning: only $(cat $nr) of $hugepages_2m hugepages reserved"
	fi
	mkdir -p /dev/hugepages
	mountpoint -q /dev/hugepages || mount -t hugetlbfs nodev /dev/hugepages
}

# The guest kernel is the package linux-image-amd64 depends on. It is
# downloaded (not installed) and unpacked into the cache; the harness takes
# vmlinuz and modules from there. Newer generations (forky) split it: the
# linux-image package is empty and depends on linux-binary-, linux-modules-
# and linux-base- of the same release, which are fetched with it.
# fetch_guest_kernel DIR [CHROOT]: into DIR/<package>/root, DIR/current
# pointing at it; with CHROOT, the packages are the ones that chroot's apt
# resolves (its generation's kernel), downloaded by that apt into DIR,
# which the chroot sees at the same path (the checkout and its cache are
# bind-mounted there).
fetch_guest_kernel() {
	local dir=$1 name=${2:-} pkg deb debs
	local apt=() pkgs=()
	[ -n "$name" ] && apt=("$top/devtools/chroot.sh" "$name")
	resolve() {
		"${apt[@]}" apt-cache depends linux-image-amd64 2>/dev/null |
			awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
	}
	pkg=$(resolve)
	if [ -z "$pkg" ]; then
		"${apt[@]}" apt-get update -q
		pkg=$(resolve)
	fi
	[ -n "$pkg" ] || { log "cannot resolve linux-image-amd64${name:+ in $name}"; exit 1; }
	if [ -f "$dir/$pkg/.unpacked" ]; then
		ln -sfn "$pkg" "$dir/current"
		return 0
	fi
	# The package and its dependencies named for the same release.
	mapfile -t pkgs < <("${apt[@]}" apt-cache depends "$pkg" |
		awk -v rel="-${pkg#linux-image-}" '
			/^ *Depends: linux-/ && substr($2, length($2) - length(rel) + 1) == rel {
				print $2 }')
	pkgs=("$pkg" "${pkgs[@]}")
	log "fetching guest kernel ${pkgs[*]}${name:+ ($name)}"
	mkdir -p "$dir/$pkg"
	(cd "$dir" && rm -f ./*.deb)
	# shellcheck disable=SC2016
	"${apt[@]}" sh -c 'cd "$1" && shift && apt-get download -q "$@"' \
		download "$dir" "${pkgs[@]}"
	rm -rf "$dir/$pkg/root"
	debs=0
	for deb in "$dir"/*.deb; do
		"${apt[@]}" dpkg-deb -x "$deb" "$dir/$pkg/root"
		rm -f "$deb"
		debs=$((debs + 1))
	done
	[ "$debs" -eq ${#pkgs[@]} ] || { log "downloaded $debs of ${#pkgs[@]} packages"; exit 1; }
	touch "$dir/$pkg/.unpacked"
	ln -sfn "$pkg" "$dir/current"
}

# Newer Debian generations in chroots, from the archive the machine already
# uses; devtools/chroot.sh NAME runs commands inside them. One package list
# serves every chroot (the same tools on each generation).
chroot_packages=(
	build-essential pkg-config meson ninja-build
	dpdk dpdk-dev libdpdk-dev dpdk-doc libipsec-mb-dev
	qemu-system-x86 busybox-static cpio procps valgrind
	libcmocka-dev libssl-dev python3 python3-cryptography python3-cryptography-vectors python3-scapy
	# debootstrap does not resolve virtual packages: what python3-cryptography needs
	python3-cffi-backend
)

. "$top/devtools/debian_mirror.sh"

# make_chroot NAME SUITE SCRIPT PACKAGE...: Debian SUITE in .cache/NAME/root
# with PACKAGE... installed. SCRIPT is debootstrap's script for a suite this
# machine's debootstrap does not know (empty: the suite's own). The root
# holds a digest of its package list in .ready: the chroot is made once,
# and only a changed list brings it up to date (with apt-get inside).
make_chroot() {
	local name=$1 suite=$2 script=$3; shift 3
	local dir="$cache/$name" root="$cache/$name/root" want have
	want=$(printf '%s\n' "$@" | sort | sha256sum | cut -c1-16)
	have=$(cat "$root/.ready" 2>/dev/null || true)
	[ "$have" = "$want" ] && return 0
	if [ ! -x "$root/usr/bin/apt-get" ] || [ -z "$have" ]; then
		log "debootstrap $suite into $root (a few minutes)"
		rm -rf "$root"
		mkdir -p "$dir"
		debootstrap --variant=minbase --include="$(IFS=,; echo "$*")" \
			"$suite" "$root" "$(debian_mirror)" ${script:+"$script"} \
			> "$dir/debootstrap.log" 2>&1 || {
			tail -20 "$dir/debootstrap.log"
			log "debootstrap failed (log in $dir/debootstrap.log)"
			exit 1
		}
	else
		log "updating the $name chroot's packages"
		touch "$root/.ready"
		"$top/devtools/chroot.sh" "$name" sh -c 'apt-get update -q &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"' \
			apt "$@"
	fi
	echo "$want" > "$root/.ready"
}

# Debian 13 (trixie: DPDK 24.11, QEMU 10).
setup_debian13() {
	make_chroot debian13 trixie "" "${chroot_packages[@]}"
}

# Debian forky (future 14: DPDK 25.11, QEMU 11.1). Debian 12's debootstrap
# has no script named forky; sid's is the one every testing suite uses.
setup_forky() {
	make_chroot forky forky /usr/share/debootstrap/scripts/sid "${chroot_packages[@]}"
}

# build_in_chroot NAME DIR [-DOPTION=VALUE...]: configure (once) and build
# the checkout in DIR with the chroot's compiler and DPDK. A build dir made
# before an option was passed here, or with another value, gets it by
# meson configure (only then: a reconfigure costs a full rebuild's check).
build_in_chroot() {
	local name=$1 dir=$2; shift 2
	local get='import json, sys
print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == sys.argv[1]))'
	# shellcheck disable=SC2016
	"$top/devtools/chroot.sh" "$name" sh -c '
		dir=$1 get=$2; shift 2
		if [ ! -f "$dir/build.ninja" ]; then
			meson setup -Ddocs=disabled "$@" "$dir" . || exit
		else
			for opt; do
				kv=${opt#-D}
				have=$(meson introspect --buildoptions "$dir" |
					python3 -c "$get" "${kv%%=*}") || exit
				[ "$have" = "${kv#*=}" ] || meson configure "$dir" "$opt" || exit
			done
		fi
		ninja -C "$dir"' build "$dir" "$get" "$@"
}

configure_and_build() {
	if [ ! -f "$build/build.ninja" ]; then
		meson setup "$build" "$top"
	fi
	ninja -C "$build"
	if [ "${VC_DEBIAN13:-1}" = 1 ]; then
		build_in_chroot debian13 "$build13"
	fi
	if [ "${VC_FORKY:-1}" = 1 ]; then
		# forky's guests boot forky's own kernel (Linux 7).
		build_in_chroot forky "$buildforky" \
			-Dguest_kernel_dir="$cache/guest-kernel-forky/current/root"
	fi
}

[ "$(id -u)" -eq 0 ] || { log "must run as root (apt-get, hugepages)"; exit 1; }
install_packages
# The Debian 12 root of the install suite's debian_package test: a few
# minutes the first time, so in the background while the rest is set up
# and built (the test waits for it); seconds when it is ready.
mkdir -p "$cache"
"$top/devtools/debian12_root.sh" < /dev/null > "$cache/debian12-root.log" 2>&1 &
reserve_hugepages
fetch_guest_kernel "$cache/guest-kernel"
# The two chroots are independent, and minutes each the first time
# (downloads and dpkg): made at the same time.
chroot_pids=()
if [ "${VC_DEBIAN13:-1}" = 1 ]; then
	setup_debian13 &
	chroot_pids+=($!)
fi
if [ "${VC_FORKY:-1}" = 1 ]; then
	setup_forky &
	chroot_pids+=($!)
fi
for pid in "${chroot_pids[@]}"; do
	wait "$pid" || { log "a chroot could not be made (see above)"; exit 1; }
done
if [ "${VC_FORKY:-1}" = 1 ]; then
	fetch_guest_kernel "$cache/guest-kernel-forky" forky
fi
# DPDK's driver headers of every platform's DPDK, for the unit test driver_abi
# (which fails without them, or skips naming the release when the archive
# answers 404 for its source package; the script logs that and succeeds).
"$top/devtools/fetch_dpdk_headers.sh" || log "warning: DPDK driver headers missing (see above): the unit test driver_abi fails"
configure_and_build
log "ready (build in $build)"
