# shellcheck shell=bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Sourced: debian_mirror prints the Debian archive this machine's apt uses
# (deb822 sources first, then sources.list), for debootstrap to make roots
# from (devtools/setup.sh's chroots, the install suite's Debian 12 root).
debian_mirror() {
	local uri
	uri=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null)
	[ -n "$uri" ] || uri=$(awk '/^deb / && $0 !~ /security/ { print $2; exit }' \
		/etc/apt/sources.list 2>/dev/null)
	echo "${uri:-http://deb.debian.org/debian}"
}
