#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-virtio-crypto authors
"""DPDK inside a guest: our crypto_virtio PMD over virtio-pci.

QEMU's virtio-crypto-pci device on its builtin backend, driven in the
guest by this project's plugin (-d); the distribution's crypto_virtio is
not in the guest image at all.

1. dpdk-test cryptodev_virtio_autotest: no test may fail, some must pass
   (what the builtin backend cannot do, hash and MAC sessions, is refused
   at session creation and the tests skip it), and dpdk-test must exit
   cleanly, which takes the device through the PCI remove.
2. dpdk-test-crypto-perf --ptest verify, AES-128-CBC encryption of 1024
   bytes against the answer python3-cryptography computed: every op
   enqueued, dequeued, and no op failed.

By default the device is bound to uio_pci_generic, IOVA as PA.
--packed gives the device packed=on: the PMD then uses the packed ring.
--vfio puts the device behind a virtual IOMMU (q35, intel-iommu,
iommu_platform=on) and binds it to vfio-pci, IOVA as VA: the PMD must
accept VIRTIO_F_ACCESS_PLATFORM, which such a device insists on.
"""

import argparse
import glob
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vmharness  # noqa: E402

FIND_DEVICE = r'''
bdf=
for d in /sys/bus/pci/devices/*; do
	if [ "$(cat $d/vendor)" = 0x1af4 ] && [ "$(cat $d/device)" = 0x1054 ]; then
		bdf=$(basename $d)
		break
	fi
done
[ -n "$bdf" ] || { echo "no virtio-crypto device"; exit 1; }
'''

BIND_UIO = r'''
echo "1af4 1054" > /sys/bus/pci/drivers/uio_pci_generic/new_id
'''

BIND_VFIO = r'''
echo vfio-pci > /sys/bus/pci/devices/$bdf/driver_override
echo $bdf > /sys/bus/pci/drivers_probe
'''

RUN = r'''
i=0
while [ ! -e /sys/bus/pci/devices/$bdf/driver ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
echo "device $bdf bound to $(basename $(readlink /sys/bus/pci/devices/$bdf/driver))"
# glibc loads libgcc_s when EAL cancels its threads at exit; no ldd lists
# it, so it travels as a file.
cp /tmp/libgcc_s.so.1 /usr/lib/x86_64-linux-gnu/
eal="-l 0,1 -n 1 --iova-mode=@IOVA@ -a $bdf -d /usr/bin/@PMD@"
eal="$eal --log-level=pmd.crypto.virtio.*:info --log-level=eal:info"

echo "=== cryptodev_virtio_autotest"
DPDK_TEST=cryptodev_virtio_autotest dpdk-test $eal --file-prefix=autotest
echo "autotest exit status $?"

echo "=== crypto-perf verify"
dpdk-test-crypto-perf $eal --file-prefix=verify -- \
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


def check_autotest(out, checks):
    # One summary per sub-suite and one for the whole: all must say 0.
    failed = [int(n) for n in re.findall(r'^ \+ Tests Failed :\s+(\d+)', out, re.M)]
    checks['autotest: Tests Failed : 0'] = bool(failed) and all(n == 0 for n in failed)
    checks['autotest: some tests passed'] = (
        re.search(r'^ \+ Tests Passed :\s+[1-9]', out, re.M) is not None)
    checks['autotest: Test OK'] = re.search(r'^Test OK', out, re.M) is not None
    checks['autotest: dpdk-test exit status 0 (device removed cleanly)'] = (
        re.search(r'^autotest exit status 0$', out, re.M) is not None)


def check_verify(out, ops, checks):
    rows = [tuple(int(x) for x in m.groups()) for m in VERIFY_ROW.finditer(out)]
    checks['crypto-perf: exit status 0'] = (
        re.search(r'^crypto-perf exit status 0$', out, re.M) is not None)
    checks['crypto-perf verify: one result row'] = len(rows) == 1
    for lcore, size, burst, enq, deq, fenq, fdeq, failed in rows:
        checks[f'crypto-perf verify {size} B: {ops} enqueued and dequeued, '
               f'Failed Ops 0'] = enq == ops and deq == ops and failed == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--pmd', required=True, help='our librte_pmd_virtio_crypto.so')
    ap.add_argument('--vector', required=True,
                    help='crypto-perf test file with an [aes-cbc_1024] answer')
    ap.add_argument('--packed', action='store_true', help='the device with packed=on')
    ap.add_argument('--vfio', action='store_true',
                    help='vfio-pci behind a virtual IOMMU, IOVA as VA')
    ap.add_argument('--ops', type=int, default=1000)
    ap.add_argument('--timeout', type=float, default=600)
    a = ap.parse_args()

    libgcc = sorted(glob.glob('/usr/lib/*-linux-gnu/libgcc_s.so.1'))
    if not libgcc:
        print('no libgcc_s.so.1 on this host')
        return 1
    pmd = os.path.realpath(a.pmd)
    iova = 'va' if a.vfio else 'pa'
    # As a "binary" the plugin brings its libraries into the image and
    # lands in /usr/bin, a directory EAL accepts plugins from. The ring
    # mempool driver is the one plugin taken from the distribution.
    image = vmharness.GuestImage(
        modules=['vfio_pci', 'vfio_iommu_type1'] if a.vfio else ['uio_pci_generic'],
        binaries=['dpdk-test', 'dpdk-test-crypto-perf', pmd],
        dpdk_pmds=['mempool_ring'])
    opts = ['packed=on'] if a.packed else []
    qemu, cmdline = [], ''
    if a.vfio:
        opts += ['iommu_platform=on', 'disable-legacy=on']
        qemu = ['-machine', 'q35', '-device', 'intel-iommu']
        cmdline = 'intel_iommu=on iommu=on'
    qemu += vmharness.builtin_crypto_args(device_opts=','.join(opts))
    script = FIND_DEVICE + (BIND_VFIO if a.vfio else BIND_UIO) + RUN
    script = (script.replace('@PMD@', os.path.basename(pmd)).replace('@IOVA@', iova)
              .replace('@OPS@', str(a.ops)))
    name = 'dpdk-guest-our-pmd' + ('-packed' if a.packed else '') + ('-vfio' if a.vfio else '')
    result = vmharness.run_guest(script, image, qemu, memory_mb=1024, hugepages=256,
                                 timeout=a.timeout, cmdline_extra=cmdline,
                                 files={'vector.data': a.vector, 'libgcc_s.so.1': libgcc[0]})
    ok = vmharness.report(result, name)

    autotest = section(result.output, 'cryptodev_virtio_autotest')
    verify = section(result.output, 'crypto-perf verify')
    m = re.search(r'features offered 0x[0-9a-f]+ negotiated 0x([0-9a-f]+)', autotest)
    negotiated = int(m.group(1), 16) if m else 0
    checks = {
        'guest script ran to the end': ok,
        'our PMD drove the device over virtio-pci':
            re.search(r'virtio-pci transport', autotest) is not None,
        f'IOVA as {iova.upper()}':
            re.search(rf"Selected IOVA mode '{iova.upper()}'", autotest) is not None,
        f'ring layout as asked ({"packed" if a.packed else "split"})':
            m is not None and bool(negotiated >> VIRTIO_F_RING_PACKED & 1) == a.packed,
    }
    if a.vfio:
        checks['VIRTIO_F_ACCESS_PLATFORM negotiated'] = bool(
            negotiated >> VIRTIO_F_ACCESS_PLATFORM & 1)
    check_autotest(autotest, checks)
    check_verify(verify, a.ops, checks)
    return vmharness.report_checks(checks)


if __name__ == '__main__':
    sys.exit(main())
