#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Linux guest + a virtio-crypto device: the guest kernel's own checks.

1. virtio_crypto registers virtio_crypto_aes_cbc and the kernel's crypto
   self-test of it passes (/proc/crypto says "selftest : passed"), which
   only happens if the device returned the testmgr known answers.
2. afalg_skcipher_diff encrypts and decrypts random buffers through AF_ALG
   on the device and on the guest's software cbc(aes), several threads at
   once, and every byte must agree.

The device is QEMU's builtin backend (--backend builtin) or a vhost-user
backend listening at a socket (--backend vhost-user --socket PATH).
"""

import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vmharness  # noqa: E402

GUEST_SCRIPT = r'''
# The self-test runs when the driver registers the algorithm; give a slow
# TCG guest a moment, then report what /proc/crypto says.
i=0
while [ $i -lt 100 ]; do
	st=$(awk '/^driver/ { d = $3 } /^selftest/ { if (d == "virtio_crypto_aes_cbc") print $3 }' /proc/crypto)
	[ -n "$st" ] && [ "$st" != unknown ] && break
	sleep 0.2; i=$((i + 1))
done
echo "virtio_crypto_aes_cbc selftest: ${st:-missing}"
awk '/^name/ { n = $3 } /^driver/ { d = $3 } /^selftest/ { if (d ~ /virtio/) print "registered " n " as " d ", selftest " $3 }' /proc/crypto
[ "$st" = passed ] || exit 1
/usr/bin/afalg_skcipher_diff --buffers @BUFFERS@ --threads @THREADS@ --seed @SEED@
'''


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--afalg', required=True, help='path of afalg_skcipher_diff')
    ap.add_argument('--backend', choices=['builtin', 'vhost-user'], default='builtin')
    ap.add_argument('--socket', help='vhost-user socket (with --backend vhost-user)')
    ap.add_argument('--buffers', type=int, default=256)
    ap.add_argument('--threads', type=int, default=4)
    ap.add_argument('--seed', type=int, default=int.from_bytes(os.urandom(4), 'little'))
    ap.add_argument('--timeout', type=float, default=240)
    a = ap.parse_args()

    if a.backend == 'vhost-user':
        if not a.socket:
            ap.error('--backend vhost-user needs --socket')
        device = vmharness.vhost_user_crypto_args(a.socket)
    else:
        device = vmharness.builtin_crypto_args()

    image = vmharness.GuestImage(
        modules=['virtio_pci', 'virtio_crypto', 'algif_skcipher'],
        binaries=[os.path.abspath(a.afalg)])
    script = (GUEST_SCRIPT.replace('@BUFFERS@', str(a.buffers))
              .replace('@THREADS@', str(a.threads)).replace('@SEED@', str(a.seed)))
    result = vmharness.run_guest(script, image, device, memory_mb=512,
                                 timeout=a.timeout,
                                 shared_memory=a.backend == 'vhost-user')
    ok = vmharness.report(result, f'linux-guest-{a.backend}')

    checks = {
        'kernel self-test passed':
            'virtio_crypto_aes_cbc selftest: passed' in result.output,
        f'AF_ALG differential: {a.buffers} passed, 0 failed':
            re.search(rf'^{a.buffers} passed, 0 failed$', result.output, re.M) is not None,
    }
    for what, good in checks.items():
        print(f'{"PASS" if good else "FAIL"}: {what}')
    passed = sum(checks.values()) + ok
    failed = len(checks) + 1 - passed
    print(f'{passed} passed, {failed} failed')
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
