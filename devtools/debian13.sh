#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Run a command in the Debian 13 chroot: devtools/chroot.sh debian13 CMD...
# (kept because scripts and guides name it).
exec "$(dirname "${BASH_SOURCE[0]}")/chroot.sh" debian13 "$@"
