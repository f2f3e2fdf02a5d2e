#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The main job, end to end: boots a Linux guest under QEMU with a
# virtio-crypto device, lets the guest kernel self-test the device, then
# encrypts and decrypts random buffers on it through AF_ALG and compares
# every byte with the guest's software AES-CBC.
#
# Today the device is QEMU's builtin backend; with the host backend
# (issue 3) and the guest PMD (issue 4) this becomes our daemon serving
# dpdk-test-crypto-perf through our PMD.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="${BUILD_DIR:-$top/build}"

"$top/devtools/setup.sh" >/dev/null
export VMTEST_KERNEL_ROOT="$top/.cache/guest-kernel/current/root"
exec /usr/bin/python3 "$top/app/test/vm/test_linux_guest_crypto.py" \
	--afalg "$build/app/test/guest/afalg_skcipher_diff" \
	--backend builtin --buffers "${BUFFERS:-1024}" --threads 4 "$@"
