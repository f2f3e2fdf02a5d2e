#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The pristine Debian 12 root the install suite's debian_package test
# installs the packages into: debootstrap of bookworm minbase plus systemd
# (what every host running the service has), with this machine's apt
# sources and lists, kept as .cache/debian12-package/root.tar. Made once per
# package list, under a lock: devtools/setup.sh starts it in the background
# (a few minutes the first time) and the test waits for it.
#
#   debian12_root.sh             make the tarball if it is missing or old
#   . debian12_root.sh; in_root ROOT CMD...   (sourced: CMD inside ROOT)
set -uo pipefail

d12_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
d12_cache="$d12_top/.cache/debian12-package"
# Changing the list remakes the cached root.
d12_include=systemd

# in_root ROOT CMD...: CMD in ROOT the way devtools/chroot.sh enters its
# chroots (a private mount namespace: /proc, /sys, /dev bound, a hugetlbfs
# of its own), plus a fresh /run (with /run/lock) and /tmp and apt's .deb
# cache in
# .cache/debian12-package/archives (downloads survive the run's root).
in_root() {
	local root=$1; shift
	mkdir -p "$d12_cache/archives/partial"
	# shellcheck disable=SC2016
	unshare --mount --propagation private -- /bin/bash -c '
		set -e
		root=$1 archives=$2; shift 2
		mount -t tmpfs tmpfs "$root/tmp"
		mount -t tmpfs -o mode=0755 tmpfs "$root/run"
		# As a booted Debian has it: the daemons keep their CPU locks there.
		mkdir -m 1777 "$root/run/lock"
		mount -t proc proc "$root/proc"
		mount --rbind /sys "$root/sys"
		mount --rbind /dev "$root/dev"
		mkdir -p "$root/dev/hugepages"
		mount -t hugetlbfs nodev "$root/dev/hugepages"
		mount --bind "$archives" "$root/var/cache/apt/archives"
		exec chroot "$root" /usr/bin/env -i \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
	' in-root "$root" "$d12_cache/archives" "$@"
}

make_root() {
	local key mk rc=0
	key=$(printf '%s\n' bookworm minbase "$d12_include" | sha256sum | cut -c1-16)
	mkdir -p "$d12_cache"
	exec 9>"$d12_cache/.lock"
	flock 9
	if [ -f "$d12_cache/root.tar" ] && [ "$(cat "$d12_cache/root.key" 2>/dev/null)" = "$key" ]; then
		return 0
	fi
	# shellcheck source=devtools/debian_mirror.sh
	. "$d12_top/devtools/debian_mirror.sh"
	mk=$(mktemp -d /var/tmp/vc-debian12-root.XXXXXX)
	# The root's "/" (mktemp made it 0700: nobody but root could run
	# anything in it).
	chmod 0755 "$mk"
	echo "debian12_root: debootstrap bookworm into $mk"
	if debootstrap --variant=minbase --include="$d12_include" bookworm "$mk" \
		"$(debian_mirror)" > "$d12_cache/debootstrap.log" 2>&1; then
		# This machine's apt sources (updates and security too), as on any
		# Debian 12 host; debootstrap wrote the main suite only.
		rm -f "$mk/etc/apt/sources.list"
		cp /etc/apt/sources.list.d/*.sources "$mk/etc/apt/sources.list.d/" 2>/dev/null
		[ ! -f /etc/apt/sources.list ] || cp /etc/apt/sources.list "$mk/etc/apt/"
		in_root "$mk" apt-get update -q && in_root "$mk" apt-get clean &&
			tar -C "$mk" -cf "$d12_cache/root.tar.new" . &&
			mv "$d12_cache/root.tar.new" "$d12_cache/root.tar" &&
			echo "$key" > "$d12_cache/root.key" || rc=1
	else
		tail -20 "$d12_cache/debootstrap.log"
		echo "debian12_root: debootstrap failed (log in $d12_cache/debootstrap.log)"
		rc=1
	fi
	rm -rf "$mk"
	[ $rc -eq 0 ] && echo "debian12_root: ready ($d12_cache/root.tar)"
	return $rc
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	make_root
fi
