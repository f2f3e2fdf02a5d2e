#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-virtio-crypto authors
"""DPDK guest -> QEMU cryptodev-vhost-user -> our vhost-crypto daemon.

Our crypto_virtio PMD drives, over virtio-pci in the guest, the device
QEMU backs with our daemon. QEMU keeps the control queue, turns its session
requests into vhost-user session messages, and names AES-CBC and SHA-1 only
(with a MAC service and no MAC algorithm): the PMD's trial sessions find
what the daemon does behind it.

Two data queues by default (QEMU queues=2, daemon --queues 2): QEMU (7.2
and 10) hands the backend vring 0 only and fails the requests of the other
queues itself. The PMD's known answer on each queue at probe finds it and
offers one queue pair, with a warning; a QEMU that served both would have
both offered, and the daemon must then see requests on each.

1. binding: our driver holds the device, the distribution's none.
2. known answers over every queue pair offered: AES-CBC and the AES-CBC +
   HMAC-SHA1 and HMAC-SHA256 chains (encrypt-then-generate,
   verify-then-decrypt, a corrupted digest AUTH_FAILED); the daemon must
   count requests on each queue the PMD offers.
3. dpdk-test-crypto-perf --ptest verify, AES-128-CBC + HMAC-SHA1 over 1024
   bytes against python3-cryptography's answer: no op failed.
4. Afterwards the daemon has freed every session QEMU made for the guest,
   holds no op or mbuf, and stops cleanly.

--devices 2 gives the guest two devices, each on a socket of its own of
the one daemon: traffic in parallel where QEMU allows one queue a device
(crypto-perf runs a worker per device).
"""

import argparse
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'common'))
import vmharness  # noqa: E402
from vc_telemetry import all_given_back, telemetry, wait_disconnected  # noqa: E402
import test_dpdk_guest_our_pmd as our_pmd  # noqa: E402

ALGS = 'aes-cbc,aes-cbc+sha1-hmac,aes-cbc+sha2-256-hmac'

# dpdk-test-crypto-perf --ptest verify of AES-128-CBC + HMAC-SHA1 over 1 KiB
# on every device allowed, against /tmp/vector.data (a worker per lcore of
# @LCORES@ after the first). Shared with test_dpdk_guest_full_device.
VERIFY_CBC_SHA1 = r'''
echo "=== crypto-perf verify"
dpdk-test-crypto-perf -l @LCORES@ $eal $allow --file-prefix=verify -- \
	--devtype crypto_virtio --ptest verify --optype cipher-then-auth \
	--cipher-algo aes-cbc --cipher-op encrypt --cipher-key-sz 16 --cipher-iv-sz 16 \
	--auth-algo sha1-hmac --auth-op generate --auth-key-sz 20 --digest-sz 20 \
	--test-file /tmp/vector.data --test-name aes-cbc-sha1-hmac_1024 --buffer-sz 1024 \
	--burst-sz 32 --total-ops @OPS@ --pool-sz 4096 --desc-nb 512
echo "crypto-perf exit status $?"
'''

RUN = our_pmd.BOUND_AND_BINDING + r'''

for bdf in $bdfs; do
	echo "=== kat $bdf"
	test_cryptodev_kat -l 0 $eal $allow --file-prefix=kat -- --dev $bdf --qp ${qp:-1} \
		--only @ALGS@ --require @ALGS@
	echo "kat exit status $?"
done
''' + VERIFY_CBC_SHA1


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--daemon', required=True, help='path of vhost-crypto')
    ap.add_argument('--pmd', required=True, help='our librte_pmd_virtio_crypto.so')
    ap.add_argument('--kat', required=True, help='test_cryptodev_kat')
    ap.add_argument('--cases', required=True, help='test_virtio_user_cases')
    ap.add_argument('--vector', required=True,
                    help='crypto-perf test file with an [aes-cbc-sha1-hmac_1024] answer')
    ap.add_argument('--queues', type=int, default=2,
                    help='data queues (QEMU queues=, daemon --queues, KAT --qp)')
    ap.add_argument('--devices', type=int, default=1, choices=(1, 2),
                    help='devices in the guest, each on a socket of its own')
    ap.add_argument('--ops', type=int, default=1000)
    ap.add_argument('--timeout', type=float, default=600)
    a = ap.parse_args()

    pmd = os.path.realpath(a.pmd)
    rundir = tempfile.mkdtemp(prefix='vc-vm-', dir='/run')
    socks = [os.path.join(rundir, f'vc{i}.sock') for i in range(a.devices)]
    log_path = os.path.join(rundir, 'daemon.log')
    image = vmharness.GuestImage(
        modules=['uio_pci_generic'],
        binaries=['dpdk-test-crypto-perf', pmd, os.path.realpath(a.kat),
                  os.path.realpath(a.cases)],
        dpdk_pmds=['mempool_ring', 'crypto_virtio'])
    script = our_pmd.FIND_DEVICES + our_pmd.BIND_UIO + RUN
    script = (script.replace('@PMD@', os.path.basename(pmd)).replace('@OPS@', str(a.ops))
              .replace('@IOVA@', 'pa')
              .replace('@ALGS@', ALGS)
              .replace('@LCORES@', ','.join(str(i) for i in range(a.devices + 1))))
    qemu = []
    for i, sock in enumerate(socks):
        qemu += vmharness.vhost_user_crypto_args(sock, index=i, queues=a.queues)
    prefix = f'vc-vm-{os.getpid()}'
    checks = {}
    with vmharness.ProcessGroup() as group, open(log_path, 'w') as log:
        daemon, checks['daemon listening'] = vmharness.start_crypto_daemon(
            group, a.daemon, prefix, socks, log, ['--queues', str(a.queues)], timeout=30)
        result = vmharness.run_guest(
            script, image, qemu, memory_mb=1024, hugepages=256, smp=max(2, a.devices + 1),
            timeout=a.timeout, shared_memory=True, group=group,
            files={'vector.data': a.vector})
        ok = vmharness.report(result, 'dpdk-guest-vhost-user')
        stats = [telemetry(prefix, f'/vhost_crypto/stats,{s}') for s in socks]
        after = [wait_disconnected(prefix, s) for s in socks]
        rc = vmharness.stop_crypto_daemon(daemon)

    binding = our_pmd.section(result.output, 'binding')
    bdfs = re.findall(r'^device (\S+) bound to ', result.output, re.M)
    checks['guest script ran to the end'] = ok
    checks[f'{a.devices} device(s) found and bound'] = len(bdfs) == a.devices
    checks['our PMD drove the device over virtio-pci'] = (
        re.search(rf"virtio-pci transport, {a.queues} data queues", binding) is not None)
    m = re.search(r'^queue pairs offered: (\d+)$', binding, re.M)
    offered = int(m.group(1)) if m else 0
    print(f'queue pairs offered: {offered} of {a.queues}')
    if offered < a.queues:
        checks[f'the PMD offers only the queues that answer right ({offered})'] = (
            offered >= 1 and re.search(rf'data queue {offered} got a known answer wrong .* '
                                       rf'offering {offered} queue pair', binding) is not None)
    checks['the PMD found the chains QEMU does not name, by trial'] = (
        re.search(r'not named by the device but accepted, offered: .*sha1-hmac', binding)
        is not None)
    our_pmd.check_program_checks(binding, 'binding', checks)
    for bdf in bdfs:
        kat = our_pmd.section(result.output, f'kat {bdf}')
        mk = re.search(r'^kat: (\d+) passed, (\d+) failed, (\d+) skipped', kat, re.M)
        for line in re.findall(r'^(?:PASS|SKIP|FAIL) .*$', kat, re.M):
            print(f'    {bdf}: {line}')
        checks[f'kat {bdf} over {offered} queue pair(s): {ALGS} passed, 0 failed, '
               f'0 skipped'] = (
            mk is not None and int(mk.group(1)) > 0 and mk.group(2) == '0' and
            mk.group(3) == '0' and our_pmd.exited(kat, 'kat'))
    our_pmd.check_verify(our_pmd.section(result.output, 'crypto-perf verify'), a.ops,
                         a.devices, checks)
    for sock, st, aft in zip(socks, stats, after):
        name = os.path.basename(sock)
        per_queue = [st.get(f'queue{q}_requests', 0) if isinstance(st, dict) else 0
                     for q in range(a.queues)]
        print(f'daemon {name} requests per queue: {per_queue}')
        checks[f'daemon {name}: requests on each of the {offered} queue(s) offered'] = (
            offered > 0 and all(n > 0 for n in per_queue[:offered]))
        checks[f'daemon {name}: guest gone, every session freed, nothing in use'] = (
            isinstance(aft, dict) and all_given_back(aft) and aft['sessions_created'] > 0)
    checks['daemon stopped cleanly'] = rc == 0
    return vmharness.finish_run_dir(rundir, vmharness.report_checks(checks))


if __name__ == '__main__':
    sys.exit(main())
