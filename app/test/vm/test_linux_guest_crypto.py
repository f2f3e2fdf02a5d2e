#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Linux guest + a virtio-crypto device: the guest kernel's own checks.

1. virtio_crypto registers virtio_crypto_aes_cbc and the kernel's crypto
   self-test of it passes (/proc/crypto says "selftest : passed"), which
   only happens if the device returned the testmgr known answers.
2. afalg_skcipher_diff encrypts and decrypts random buffers through AF_ALG
   on the device and on the guest's software cbc(aes), several threads at
   once, and every byte must agree. Linux 7 keeps AF_ALG from drivers like
   virtio_crypto: on such a guest the driver is reloaded instead, a few
   times, and every self-test of every virtio algorithm must pass again.

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
# Every virtio algorithm in /proc/crypto: "driver type selftest name". A
# self-test in progress shows as a "larval" entry or "unknown".
virtio_algs() {
	awk 'BEGIN { RS = ""; FS = "\n" }
	{
		d = t = s = n = ""
		for (i = 1; i <= NF; i++) {
			split($i, kv, / *: /)
			if (kv[1] == "driver") d = kv[2]
			else if (kv[1] == "type") t = kv[2]
			else if (kv[1] == "selftest") s = kv[2]
			else if (kv[1] == "name") n = kv[2]
		}
		if (d ~ /virtio/) print d, t, s, n
	}' /proc/crypto
}
# The self-tests run when the driver registers its algorithms; give a slow
# TCG guest a moment. A failed test leaves "unknown" on Linux 7, so this
# returns at the deadline then.
wait_selftests() {
	i=0
	while [ $i -lt 150 ]; do
		algs=$(virtio_algs)
		if echo "$algs" | grep -q '^virtio_crypto_aes_cbc skcipher ' &&
		   ! echo "$algs" | grep -q -E ' larval | unknown '; then
			return 0
		fi
		sleep 0.2; i=$((i + 1))
	done
	return 1
}
wait_selftests
st=$(virtio_algs | awk '$1 == "virtio_crypto_aes_cbc" && $2 == "skcipher" { print $3 }')
echo "virtio_crypto_aes_cbc selftest: ${st:-missing}"
virtio_algs | awk '{ print "registered " $4 " as " $1 ", selftest " $3 }'
[ "$st" = passed ] || exit 1
# Linux 7 lets AF_ALG reach synchronous software algorithms only (no
# async driver, which every virtio_crypto algorithm is): binding the driver
# fails with ENOENT while the software cbc(aes) binds. There the device's
# data path is driven by reloading virtio_crypto instead: every load
# registers the algorithms again and the kernel self-tests them again on
# the device (sessions, requests, known answers).
probe=$(/usr/bin/afalg_skcipher_diff --buffers 1 --threads 1 --reference 'cbc(aes)' 2>&1)
case $probe in
*"driver virtio_crypto_aes_cbc: No such file or directory, reference cbc(aes): ok"*)
	echo "AF_ALG: this kernel does not let AF_ALG reach virtio_crypto_aes_cbc"
	ok=0; bad=0; r=0
	while [ $r -lt @ROUNDS@ ]; do
		r=$((r + 1))
		if rmmod virtio_crypto && insmod /lib/modules/vmtest/virtio_crypto.ko &&
		   wait_selftests && [ -z "$(virtio_algs | awk '$3 != "passed"')" ]; then
			ok=$((ok + 1))
		else
			bad=$((bad + 1))
			virtio_algs
		fi
	done
	echo "self-test rounds: $ok passed, $bad failed"
	;;
*)
	/usr/bin/afalg_skcipher_diff --buffers @BUFFERS@ --threads @THREADS@ --seed @SEED@
	;;
esac
'''

AFALG_REFUSED = 'AF_ALG: this kernel does not let AF_ALG reach virtio_crypto_aes_cbc'


def guest_script(buffers, threads, seed, rounds=5):
    """GUEST_SCRIPT for `buffers` AF_ALG buffers, or `rounds` reloads of the
    driver where the kernel keeps AF_ALG from it."""
    return (GUEST_SCRIPT.replace('@BUFFERS@', str(buffers)).replace('@THREADS@', str(threads))
            .replace('@SEED@', str(seed)).replace('@ROUNDS@', str(rounds)))


def endless_script(threads, seed):
    """GUEST_SCRIPT whose traffic never ends (for a QEMU to be killed in)."""
    return guest_script(10 ** 6, threads, seed, rounds=10 ** 6)


def traffic_checks(output, buffers, rounds=5, prefix='', kernel_root=vmharness.KERNEL_ROOT):
    """{check: bool} for the traffic part of a GUEST_SCRIPT's output.

    The AF_ALG differential must pass; only a Linux 7 or later guest may
    refuse AF_ALG the driver, and then every self-test round must pass.
    """
    if AFALG_REFUSED in output:
        release = vmharness.kernel_release(kernel_root)
        return {
            f'{prefix}AF_ALG refused the driver only on Linux 7 or later '
            f'(guest {release})': int(release.split('.')[0]) >= 7,
            f'{prefix}driver reloaded: {rounds} self-test rounds passed, 0 failed':
                re.search(rf'^self-test rounds: {rounds} passed, 0 failed$', output,
                          re.M) is not None,
        }
    return {
        f'{prefix}AF_ALG differential: {buffers} passed, 0 failed':
            re.search(rf'^{buffers} passed, 0 failed$', output, re.M) is not None,
    }


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
    script = guest_script(a.buffers, a.threads, a.seed)
    result = vmharness.run_guest(script, image, device, memory_mb=512,
                                 timeout=a.timeout,
                                 shared_memory=a.backend == 'vhost-user')
    ok = vmharness.report(result, f'linux-guest-{a.backend}')

    checks = {
        'kernel self-test passed':
            'virtio_crypto_aes_cbc selftest: passed' in result.output,
    }
    checks.update(traffic_checks(result.output, a.buffers))
    for what, good in checks.items():
        print(f'{"PASS" if good else "FAIL"}: {what}')
    passed = sum(checks.values()) + ok
    failed = len(checks) + 1 - passed
    print(f'{passed} passed, {failed} failed')
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
