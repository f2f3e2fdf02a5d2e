#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-virtio-crypto authors
"""DPDK inside a guest: our crypto_virtio PMD over virtio-pci.

QEMU's virtio-crypto-pci device on its builtin backend, driven in the
guest by this project's plugin (-d), while EAL has also loaded the
distribution's crypto_virtio from its plugin directory.

1. binding: the device is ours, the distribution's driver holds none,
   and the capabilities are what the device accepts (QEMU names HMAC-SHA1
   and refuses it: not offered).
2. known answers (test_cryptodev_kat) on every device, with ops that have
   no IOVA of their own (as ipsec-secgw makes them): AES-CBC must pass,
   nothing may fail, and SHA-1 and HMAC-SHA1 (named by QEMU, refused) are
   not offered; RSA on the first device: what QEMU's backend does passes,
   what it cannot do is refused, never answered wrong (see check_rsa).
3. session_table_full on the first device: QEMU's 256 sessions, then a
   clean create error, and the table usable again.
4. dpdk-test cryptodev_virtio_autotest on the first device: no test may
   fail, some must pass, and dpdk-test must exit cleanly, which takes the
   device through the PCI remove.
5. dpdk-test-crypto-perf --ptest verify, AES-128-CBC encryption of 1024
   bytes against the answer python3-cryptography computed, one worker per
   device: every op enqueued, dequeued, and no op failed.

By default the device is bound to uio_pci_generic, IOVA as PA.
--packed gives the device packed=on: the PMD then uses the packed ring.
--vfio puts the device behind a virtual IOMMU (q35, intel-iommu,
iommu_platform=on) and binds it to vfio-pci, IOVA as VA: the PMD must
accept VIRTIO_F_ACCESS_PLATFORM, which such a device insists on.
--devices 2 gives the guest two devices, each on its own builtin backend.
"""

import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vmharness  # noqa: E402

FIND_DEVICES = r'''
bdfs=
for d in /sys/bus/pci/devices/*; do
	if [ "$(cat $d/vendor)" = 0x1af4 ] && [ "$(cat $d/device)" = 0x1054 ]; then
		bdfs="$bdfs $(basename $d)"
	fi
done
[ -n "$bdfs" ] || { echo "no virtio-crypto device"; exit 1; }
set -- $bdfs
first=$1
'''

BIND_UIO = r'''
echo "1af4 1054" > /sys/bus/pci/drivers/uio_pci_generic/new_id
'''

BIND_VFIO = r'''
for bdf in $bdfs; do
	echo vfio-pci > /sys/bus/pci/devices/$bdf/driver_override
	echo $bdf > /sys/bus/pci/drivers_probe
done
'''

# Wait for every device's driver (up to 30 s each: a TCG guest on a busy
# host is slow, and the loop ends as soon as it is bound), say which it is, and
# gather the EAL allow list in $allow. Shared with the other guest tests
# (these fragments are what a guest script starts with).
WAIT_BOUND = r'''
allow=
for bdf in $bdfs; do
	i=0
	while [ ! -e /sys/bus/pci/devices/$bdf/driver ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	echo "device $bdf bound to $(basename $(readlink /sys/bus/pci/devices/$bdf/driver))"
	allow="$allow -a $bdf"
done
'''

# Shared with test_dpdk_guest_vhost_user: wait for the drivers, then the
# binding case on the first device; $qp is the queue pairs it offers.
BOUND_AND_BINDING = WAIT_BOUND + r'''
eal="-n 1 --iova-mode=@IOVA@ -d /usr/bin/@PMD@"
log="--log-level=pmd.crypto.virtio.*:info --log-level=eal:info"

echo "=== binding"
out=$(test_virtio_user_cases -l 0 $eal -a $first $log --file-prefix=bind -- binding $first 2>&1)
rc=$?
echo "$out"
echo "binding exit status $rc"
qp=$(echo "$out" | sed -n 's/^queue pairs offered: \([0-9]*\)$/\1/p')
'''

RUN = BOUND_AND_BINDING + r'''

for bdf in $bdfs; do
	echo "=== kat $bdf"
	test_cryptodev_kat -l 0 $eal $allow --file-prefix=kat -- --dev $bdf \
		--only @KAT_ALGS@ --require aes-cbc --op-iova-unset
	echo "kat exit status $?"
done

echo "=== rsa"
test_cryptodev_kat -l 0 $eal -a $first --file-prefix=rsa -- --dev $first --only rsa \
	--rsa-refusals --verbose
echo "rsa exit status $?"

echo "=== session_table_full"
test_virtio_user_cases -l 0 $eal -a $first --file-prefix=full -- session_table_full $first
echo "session_table_full exit status $?"

echo "=== cryptodev_virtio_autotest"
DPDK_TEST=cryptodev_virtio_autotest dpdk-test -l 0,1 $eal $log -a $first --file-prefix=autotest
echo "autotest exit status $?"

echo "=== crypto-perf verify"
dpdk-test-crypto-perf -l @LCORES@ $eal $allow --file-prefix=verify -- \
	--devtype crypto_virtio --ptest verify --optype cipher-only \
	--cipher-algo aes-cbc --cipher-op encrypt --cipher-key-sz 16 --cipher-iv-sz 16 \
	--test-file /tmp/vector.data --test-name aes-cbc_1024 --buffer-sz 1024 \
	--burst-sz 32 --total-ops @OPS@ --pool-sz 4096 --desc-nb 512
echo "crypto-perf exit status $?"
'''

# "lcore id  Buf Size  Burst Size  Enqueued  Dequeued  Failed Enq  Failed Deq  Failed Ops"
VERIFY_ROW = re.compile(r'^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$',
                        re.M)

VIRTIO_F_ACCESS_PLATFORM = 33
VIRTIO_F_RING_PACKED = 34


def section(output, title):
    """The output between '=== title' and the next '===' line."""
    m = re.search(rf'^=== {re.escape(title)}\n(.*?)(?=^=== |\Z)', output, re.M | re.S)
    return m.group(1) if m else ''


def exited(out, what):
    return re.search(rf'^{re.escape(what)} exit status 0$', out, re.M) is not None


def check_program_checks(out, name, checks):
    """A cases run: its own PASS/FAIL lines and summary."""
    for m in re.finditer(r'^(PASS|FAIL): (.*)$', out, re.M):
        checks[f'{name}: {m.group(2)}'] = m.group(1) == 'PASS'
    checks[f'{name}: exit status 0'] = exited(out, name)


# What QEMU's builtin backend names (AES-CBC, SHA-1), could do (the other
# ciphers it implements) and what chains would need.
KAT_ALGS = 'aes-ecb,aes-cbc,aes-ctr,3des-cbc,sha1,sha1-hmac,aes-cbc+sha1-hmac'


def check_kat(out, bdf, checks):
    m = re.search(r'^kat: (\d+) passed, (\d+) failed, (\d+) skipped', out, re.M)
    for line in re.findall(r'^(?:PASS|SKIP|FAIL) .*$', out, re.M):
        print(f'    {bdf}: {line}')
    checks[f'kat {bdf}: ran to its summary'] = m is not None
    checks[f'kat {bdf}: AES-CBC passed'] = re.search(r'^PASS aes-cbc ', out, re.M) is not None
    checks[f'kat {bdf}: 0 failed, exit status 0'] = (
        m is not None and m.group(2) == '0' and exited(out, 'kat'))
    for alg in ('sha1', 'sha1-hmac'):
        checks[f'kat {bdf}: {alg}, which QEMU names and refuses, not offered'] = (
            re.search(rf'^SKIP {alg} \d+ vectors: {alg} not offered', out, re.M) is not None)


# The RSA operations QEMU 7.2's builtin backend (nettle) does, through the
# PMD's sessions per hash: PKCS#1 v1.5 signatures of an MD5, SHA-1, SHA-256
# or SHA-512 DigestInfo, encryption and decryption; not raw RSA, SHA-224 or
# SHA-384, nor a private key without its CRT parts.
RSA_DONE = ['RSA-2048 PKCS#1 v1.5 {h} sign (CRT key)', 'RSA-2048 PKCS#1 v1.5 {h} verify',
            'RSA-2048 PKCS#1 v1.5 {h} verify (corrupted signature)',
            'RSA-2048 PKCS#1 v1.5 {h} verify (other message)']
RSA_REFUSED = ['RSA-2048 raw encrypt (CRT key)', 'RSA-2048 raw decrypt (CRT key)',
               'RSA-2048 PKCS#1 v1.5 sha384 sign (CRT key)',
               'RSA-2048 PKCS#1 v1.5 no DigestInfo sign (CRT key)']


def check_rsa(out, checks):
    m = re.search(r'^kat: (\d+) passed, (\d+) failed, (\d+) skipped', out, re.M)
    checks['rsa: ran to its summary, 0 failed, exit status 0'] = (
        m is not None and m.group(2) == '0' and exited(out, 'rsa'))
    if vmharness.qemu_version() >= (8, 0) and re.search(r'^SKIP rsa .*no asymmetric', out, re.M):
        # Debian 13's QEMU 10 builds its builtin backend without RSA.
        checks['rsa: this QEMU\'s builtin backend names no RSA, none offered'] = True
        return
    passed = set(re.findall(r'^  pass (.*)$', out, re.M))
    skipped = set(re.findall(r'^  skip (.*)$', out, re.M))
    for h in ('md5', 'sha1', 'sha256', 'sha512'):
        checks[f'rsa: PKCS#1 v1.5 {h} sign and verify (good, corrupted, other message)'] = all(
            t.format(h=h) in passed for t in RSA_DONE)
    for bits in (1024, 2048, 3072, 4096):
        checks[f'rsa: RSA-{bits} PKCS#1 v1.5 encrypt, decrypt back'] = (
            f'RSA-{bits} PKCS#1 v1.5 encrypt, decrypt back (CRT key)' in passed)
    checks['rsa: RSA-2048 PKCS#1 v1.5 decrypt of a known answer'] = (
        'RSA-2048 PKCS#1 v1.5 decrypt (CRT key)' in passed)
    for t in RSA_REFUSED:
        checks[f'rsa: {t}: refused (INVALID_ARGS), not answered wrong'] = t in skipped
    checks['rsa: exponent-only private keys not offered'] = (
        re.search(r'no exponent private keys', out) is not None)


def check_autotest(out, checks):
    # One summary per sub-suite and one for the whole: all must say 0.
    failed = [int(n) for n in re.findall(r'^ \+ Tests Failed :\s+(\d+)', out, re.M)]
    checks['autotest: Tests Failed : 0'] = bool(failed) and all(n == 0 for n in failed)
    checks['autotest: some tests passed'] = (
        re.search(r'^ \+ Tests Passed :\s+[1-9]', out, re.M) is not None)
    checks['autotest: Test OK'] = re.search(r'^Test OK', out, re.M) is not None
    checks['autotest: dpdk-test exit status 0 (device removed cleanly)'] = exited(out, 'autotest')


def check_verify(out, ops, workers, checks):
    """crypto-perf verify: a result row per worker lcore (the tests run one
    per device, or one per queue pair of a device), each with every op back
    and none failed."""
    rows = [tuple(int(x) for x in m.groups()) for m in VERIFY_ROW.finditer(out)]
    checks['crypto-perf: exit status 0'] = exited(out, 'crypto-perf')
    checks[f'crypto-perf verify: one result row per worker lcore ({workers})'] = (
        len(rows) == workers)
    for lcore, size, burst, enq, deq, fenq, fdeq, failed in rows:
        checks[f'crypto-perf verify lcore {lcore}, {size} B: {ops} enqueued and dequeued, '
               f'Failed Ops 0'] = enq == ops and deq == ops and failed == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--pmd', required=True, help='our librte_pmd_virtio_crypto.so')
    ap.add_argument('--kat', required=True, help='test_cryptodev_kat')
    ap.add_argument('--cases', required=True, help='test_virtio_user_cases')
    ap.add_argument('--vector', required=True,
                    help='crypto-perf test file with an [aes-cbc_1024] answer')
    ap.add_argument('--packed', action='store_true', help='the device with packed=on')
    ap.add_argument('--vfio', action='store_true',
                    help='vfio-pci behind a virtual IOMMU, IOVA as VA')
    ap.add_argument('--devices', type=int, default=1, choices=(1, 2))
    ap.add_argument('--ops', type=int, default=1000)
    ap.add_argument('--timeout', type=float, default=600)
    a = ap.parse_args()

    pmd = os.path.realpath(a.pmd)
    iova = 'va' if a.vfio else 'pa'
    # As a "binary" the plugin brings its libraries into the image and
    # lands in /usr/bin, a directory EAL accepts plugins from. The ring
    # mempool driver and the distribution's crypto_virtio go to EAL's
    # plugin directory, which it loads after the -d plugins.
    image = vmharness.GuestImage(
        modules=['vfio_pci', 'vfio_iommu_type1'] if a.vfio else ['uio_pci_generic'],
        binaries=['dpdk-test', 'dpdk-test-crypto-perf', pmd, os.path.realpath(a.kat),
                  os.path.realpath(a.cases)],
        dpdk_pmds=['mempool_ring', 'crypto_virtio'])
    opts = ['packed=on'] if a.packed else []
    qemu, cmdline = [], ''
    if a.vfio:
        opts += ['iommu_platform=on', 'disable-legacy=on']
        qemu = ['-machine', 'q35', '-device', 'intel-iommu']
        cmdline = 'intel_iommu=on iommu=on'
    for i in range(a.devices):
        qemu += vmharness.builtin_crypto_args(index=i, device_opts=','.join(opts))
    # crypto-perf: the main lcore and one worker per device.
    smp = max(2, a.devices + 1)
    script = FIND_DEVICES + (BIND_VFIO if a.vfio else BIND_UIO) + RUN
    script = (script.replace('@PMD@', os.path.basename(pmd)).replace('@IOVA@', iova)
              .replace('@OPS@', str(a.ops)).replace('@KAT_ALGS@', KAT_ALGS)
              .replace('@LCORES@', ','.join(str(i) for i in range(a.devices + 1))))
    name = ('dpdk-guest-our-pmd' + ('-packed' if a.packed else '') +
            ('-vfio' if a.vfio else '') + (f'-{a.devices}-devices' if a.devices > 1 else ''))
    result = vmharness.run_guest(script, image, qemu, memory_mb=1024, hugepages=256,
                                 smp=smp, timeout=a.timeout, cmdline_extra=cmdline,
                                 files={'vector.data': a.vector})
    ok = vmharness.report(result, name)

    autotest = section(result.output, 'cryptodev_virtio_autotest')
    binding = section(result.output, 'binding')
    bdfs = re.findall(r'^device (\S+) bound to ', result.output, re.M)
    m = re.search(r'features offered 0x[0-9a-f]+ negotiated 0x([0-9a-f]+)', binding)
    negotiated = int(m.group(1), 16) if m else 0
    checks = {
        'guest script ran to the end': ok,
        f'{a.devices} device(s) found and bound': len(bdfs) == a.devices,
        'our PMD drove the device over virtio-pci':
            re.search(r'virtio-pci transport', binding) is not None,
        f'IOVA as {iova.upper()}':
            re.search(rf"Selected IOVA mode '{iova.upper()}'", binding) is not None,
        f'ring layout as asked ({"packed" if a.packed else "split"})':
            m is not None and bool(negotiated >> VIRTIO_F_RING_PACKED & 1) == a.packed,
        'the PMD tried what the device names and dropped what it refused':
            re.search(r'named by the device but refused, not offered: .*sha1',
                      binding) is not None,
    }
    if a.vfio:
        checks['VIRTIO_F_ACCESS_PLATFORM negotiated'] = bool(
            negotiated >> VIRTIO_F_ACCESS_PLATFORM & 1)
    check_program_checks(binding, 'binding', checks)
    for bdf in bdfs:
        check_kat(section(result.output, f'kat {bdf}'), bdf, checks)
    check_rsa(section(result.output, 'rsa'), checks)
    check_program_checks(section(result.output, 'session_table_full'), 'session_table_full',
                         checks)
    check_autotest(autotest, checks)
    check_verify(section(result.output, 'crypto-perf verify'), a.ops, a.devices, checks)
    return vmharness.report_checks(checks)


if __name__ == '__main__':
    sys.exit(main())
