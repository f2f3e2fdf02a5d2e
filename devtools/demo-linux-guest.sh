#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A Linux guest on a virtio-crypto device, checked end to end: the guest
# kernel self-tests the device, then AF_ALG encrypts and decrypts random
# buffers on it and compares every byte with the guest's software AES-CBC.
#
#   devtools/demo-linux-guest.sh                      # QEMU's builtin device
#   devtools/demo-linux-guest.sh --backend vhost-user --socket /run/vhost-crypto.sock
#                                                     # our daemon (devtools/run.sh)
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="${BUILD_DIR:-$top/build}"

"$top/devtools/setup.sh" >/dev/null
export VMTEST_KERNEL_ROOT="$top/.cache/guest-kernel/current/root"
exec /usr/bin/python3 "$top/app/test/vm/test_linux_guest_crypto.py" \
	--afalg "$build/app/test/guest/afalg_skcipher_diff" \
	--buffers "${BUFFERS:-1024}" --threads 4 "$@"
