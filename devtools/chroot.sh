#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Run a command inside one of the Debian chroots that devtools/setup.sh
# makes in .cache/NAME/root (NAME: debian13 = trixie, DPDK 24.11, QEMU 10;
# forky = future Debian 14, DPDK 25.11, QEMU 11.1), e.g.
#
#   devtools/chroot.sh forky meson test -C build-forky
#
# The checkout is bind-mounted at the same path inside, so paths mean the
# same on both sides; /proc, /sys, /dev and /run/vc-shared (sockets shared
# with host processes) are bind-mounted too, and /dev/hugepages is a
# hugetlbfs of the command's own. All mounts live in a private mount
# namespace and vanish when the command ends.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
shared=/run/vc-shared

[ $# -ge 1 ] || { echo "usage: chroot.sh NAME [CMD...]" >&2; exit 2; }
name=$1
shift
case $name in
''|*/*|.*) echo "chroot.sh: bad chroot name '$name'" >&2; exit 2 ;;
esac
root="$top/.cache/$name/root"

if [ ! -f "$root/.ready" ]; then
	echo "chroot.sh: no '$name' chroot in $root; run devtools/setup.sh" >&2
	exit 1
fi
[ $# -gt 0 ] || set -- bash

mkdir -p "$shared"
# shellcheck disable=SC2016
exec unshare --mount --propagation private -- /bin/bash -c '
	set -e
	root=$1 top=$2 shared=$3; shift 3
	# /tmp first: the checkout may live below it.
	mount -t tmpfs tmpfs "$root/tmp"
	mkdir -p "$root/proc" "$root/sys" "$root/dev" "$root$top" "$root$shared"
	mount -t proc proc "$root/proc"
	mount --rbind /sys "$root/sys"
	mount --rbind /dev "$root/dev"
	# A hugetlbfs of its own (the same pool of pages): DPDK names its
	# page files after --file-prefix and takes them over by name, so a
	# process here and one on the host (or in another chroot) with the
	# same prefix would otherwise share memory. Files left behind go
	# with the namespace.
	mkdir -p "$root/dev/hugepages"
	mount -t hugetlbfs nodev "$root/dev/hugepages"
	mount --bind "$top" "$root$top"
	# In a worktree .cache links to the main checkout cache: the link
	# must resolve inside too.
	if [ -L "$top/.cache" ]; then
		cache=$(readlink -f "$top/.cache")
		mkdir -p "$root$cache"
		mount --bind "$cache" "$root$cache"
	fi
	mount --bind "$shared" "$root$shared"
	cd "$PWD" 2>/dev/null || cd "$top"
	exec chroot "$root" /usr/bin/env -C "$PWD" \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 "$@"
' "chroot-$name" "$root" "$top" "$shared" "$@"
