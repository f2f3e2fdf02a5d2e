#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-virtio-crypto authors
"""DPDK guest -> QEMU's generic vhost-user device -> our daemon, which owns
the whole virtio-crypto device (full-device mode).

QEMU >= 10.2 creates vhost-user-test-device-pci (virtio-id 20): it reads
the configuration space from the backend (GET_CONFIG), hands it every
virtqueue including the control queue, and passes its features to the
guest unchanged. So, unlike through cryptodev-vhost-user, the guest gets
everything the daemon does: every algorithm and service, every data
queue, sessionless (stateless) requests, and the ring layout the daemon
offers (packed and split; --split-ring makes the daemon offer split only).

Our crypto_virtio PMD over virtio-pci in the guest, --queues data queues
(2 by default; the daemon offers as many):
1. binding: our driver holds the device over virtio-pci with every data
   queue, every queue answers its known answer at probe (all offered),
   REVISION_1 and the stateless modes negotiated, the ring asked for.
2. known answers, sessions, over every queue pair: every algorithm the
   daemon offers (--strict: a session the capabilities promise is never
   refused), AEAD, hashes, MACs, ciphers, chains and RSA (--require names
   what must be there).
3. known answers sessionless, and out of place in 3 segments.
4. differential against the distribution's crypto_openssl in the guest,
   with sessions and sessionless: statuses, bytes and digests identical.
5. dpdk-test cryptodev_virtio_autotest: no test failed, some passed
   (--no-autotest leaves it out: it takes most of the guest's time).
6. dpdk-test-crypto-perf --ptest verify of AES-128-CBC + HMAC-SHA1 over
   1024 bytes against python3-cryptography's answer, a worker lcore per
   queue pair (at most two): every op back, none failed.
7. The daemon counted requests on every data queue, none bad; after the
   guest is gone it has freed every session, holds no op or mbuf, and
   stops cleanly on SIGTERM.
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
import test_dpdk_guest_vhost_user as vhost_user  # noqa: E402

VIRTIO_CRYPTO_F_ALL = 0x1f	# REVISION_1 and the four stateless modes

RUN = our_pmd.BOUND_AND_BINDING + r'''
ref="--vdev crypto_openssl0"

echo "uptime $(cut -d' ' -f1 /proc/uptime)"
echo "=== kat"
test_cryptodev_kat -l 0 $eal -a $first --file-prefix=kat -- --dev $first --qp ${qp:-1} \
	--strict --require @REQUIRE@,rsa
echo "kat exit status $?"

echo "uptime $(cut -d' ' -f1 /proc/uptime)"
echo "=== kat sessionless"
test_cryptodev_kat -l 0 $eal -a $first --file-prefix=kat_sl -- --dev $first --qp ${qp:-1} \
	--sessionless --strict --require @REQUIRE@
echo "kat sessionless exit status $?"

echo "uptime $(cut -d' ' -f1 /proc/uptime)"
echo "=== kat oop segments"
test_cryptodev_kat -l 0 $eal -a $first --file-prefix=kat_oop -- --dev $first \
	--oop --segments 3 --strict --require aes-cbc,aes-gcm,sha2-256-hmac
echo "kat oop segments exit status $?"

echo "uptime $(cut -d' ' -f1 /proc/uptime)"
echo "=== diff"
test_cryptodev_diff -l 0 $eal -a $first $ref --file-prefix=diff -- --dev $first \
	--ref crypto_openssl0 --qp ${qp:-1} --ops @OPS@ --max-segs 4 --seed @SEED@
echo "diff exit status $?"

echo "uptime $(cut -d' ' -f1 /proc/uptime)"
echo "=== diff sessionless"
test_cryptodev_diff -l 0 $eal -a $first $ref --file-prefix=diff_sl -- --dev $first \
	--ref crypto_openssl0 --qp ${qp:-1} --ops @OPS@ --sessionless --seed @SEED@
echo "diff sessionless exit status $?"

if [ @AUTOTEST@ = 1 ]; then
echo "uptime $(cut -d' ' -f1 /proc/uptime)"
echo "=== cryptodev_virtio_autotest"
DPDK_TEST=cryptodev_virtio_autotest dpdk-test -l 0,1 $eal $log -a $first --file-prefix=autotest
echo "autotest exit status $?"
fi

echo "uptime $(cut -d' ' -f1 /proc/uptime)"
''' + vhost_user.VERIFY_CBC_SHA1 + r'''
echo "uptime $(cut -d' ' -f1 /proc/uptime)"
'''


def service(alg):
    """The virtio-crypto service an algorithm name of the test programs is in."""
    if alg == 'rsa':
        return 'akcipher'
    if '+' in alg:
        return 'chain'
    if alg in ('aes-gcm', 'aes-ccm', 'chacha20-poly1305'):
        return 'aead'
    if alg.endswith('-hmac') or alg in ('aes-cmac', 'aes-gmac', 'aes-xcbc-mac'):
        return 'mac'
    if alg in ('md5', 'sha1') or alg.startswith('sha2-') or alg.startswith('sha3-'):
        return 'hash'
    return 'cipher'


def per_service(counts):
    """'service n (alg, ...)' for {alg: n}, in a fixed order."""
    by = {}
    for alg, n in counts.items():
        by.setdefault(service(alg), []).append((alg, n))
    return '; '.join(f'{svc} {sum(n for _, n in algs)} ({", ".join(a for a, _ in algs)})'
                     for svc in ('cipher', 'hash', 'mac', 'aead', 'chain', 'akcipher')
                     if (algs := by.get(svc)))


def check_kat(out, name, checks):
    m = re.search(r'^kat: (\d+) passed, (\d+) failed, (\d+) skipped', out, re.M)
    for line in re.findall(r'^(?:PASS|SKIP|FAIL) .*$', out, re.M):
        print(f'    {name}: {line}')
    checks[f'{name}: vectors passed, 0 failed, exit status 0'] = (
        m is not None and int(m.group(1)) > 0 and m.group(2) == '0' and
        our_pmd.exited(out, name))
    passed = {a: int(n) for a, n in re.findall(r'^PASS (\S+) (\d+) vectors', out, re.M)}
    mode = re.search(r'^kat: .*\), (.*), \d+ symmetric vectors$', out, re.M)
    print(f'{name} ({mode.group(1) if mode else "?"}): '
          f'{m.group(0) if m else "no summary"}; passed per service: {per_service(passed)}')


def check_diff(out, name, ops, checks):
    m = re.search(r'^diff: (\d+) ops, (\d+) mismatches', out, re.M)
    checks[f'{name}: {ops} cases against crypto_openssl, 0 mismatches, exit status 0'] = (
        m is not None and int(m.group(1)) >= ops and m.group(2) == '0' and
        our_pmd.exited(out, name))
    per_alg = {a: int(n) for a, n in re.findall(r'^  (\S+)\s+(\d+) ops', out, re.M)}
    if m:
        print(f'{name}: {m.group(0)}; ops per service: {per_service(per_alg)}')
    else:
        print(out[-2000:])


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--daemon', required=True, help='path of vhost-crypto')
    ap.add_argument('--pmd', required=True, help='our librte_pmd_virtio_crypto.so')
    ap.add_argument('--kat', required=True, help='test_cryptodev_kat')
    ap.add_argument('--diff', required=True, help='test_cryptodev_diff')
    ap.add_argument('--cases', required=True, help='test_virtio_user_cases')
    ap.add_argument('--vector', required=True,
                    help='crypto-perf test file with an [aes-cbc-sha1-hmac_1024] answer')
    ap.add_argument('--require', required=True,
                    help='symmetric algorithms the known answers must find offered')
    ap.add_argument('--queues', type=int, default=2, help='data queues')
    ap.add_argument('--split-ring', action='store_true',
                    help='the daemon offers the split ring only (default: the guest '
                         'takes the packed ring the daemon offers)')
    ap.add_argument('--no-autotest', action='store_true',
                    help='leave out cryptodev_virtio_autotest (most of the guest\'s time: '
                         'one run of it covers the device)')
    ap.add_argument('--ops', type=int, default=2000)
    ap.add_argument('--seed', type=int, default=int.from_bytes(os.urandom(4), 'little'))
    ap.add_argument('--timeout', type=float, default=900)
    a = ap.parse_args()

    if not vmharness.qemu_has_device(vmharness.FULL_DEVICE):
        print(f'SKIP: QEMU {"%d.%d" % vmharness.qemu_version()} has no '
              f'{vmharness.FULL_DEVICE} (QEMU 10.2 and later)')
        return 77
    pmd = os.path.realpath(a.pmd)
    rundir = tempfile.mkdtemp(prefix='vc-vm-', dir='/run')
    sock = os.path.join(rundir, 'vc.sock')
    log_path = os.path.join(rundir, 'daemon.log')
    image = vmharness.GuestImage(
        modules=['uio_pci_generic'],
        binaries=['dpdk-test', 'dpdk-test-crypto-perf', pmd, os.path.realpath(a.kat),
                  os.path.realpath(a.diff), os.path.realpath(a.cases)],
        dpdk_pmds=['mempool_ring', 'crypto_virtio', 'crypto_openssl'])
    # crypto-perf: a worker lcore per queue pair, at most two (more vCPUs
    # than host cores only slow a TCG guest down).
    workers = min(a.queues, 2)
    lcores = ','.join(str(i) for i in range(workers + 1))
    script = our_pmd.FIND_DEVICES + our_pmd.BIND_UIO + RUN
    script = (script.replace('@PMD@', os.path.basename(pmd)).replace('@OPS@', str(a.ops))
              .replace('@IOVA@', 'pa').replace('@REQUIRE@', a.require)
              .replace('@SEED@', str(a.seed)).replace('@LCORES@', lcores)
              .replace('@AUTOTEST@', '0' if a.no_autotest else '1'))
    print(f'QEMU {"%d.%d" % vmharness.qemu_version()}, {a.queues} data queues, '
          f'{"split" if a.split_ring else "packed"} ring, seed {a.seed}')
    prefix = f'vc-vm-{os.getpid()}'
    checks = {}
    with vmharness.ProcessGroup() as group, open(log_path, 'w') as log:
        daemon, checks['daemon listening'] = vmharness.start_crypto_daemon(
            group, a.daemon, prefix, [sock], log,
            ['--queues', str(a.queues)] + (['--split-ring'] if a.split_ring else []),
            timeout=30)
        result = vmharness.run_guest(
            script, image, vmharness.full_device_crypto_args(sock, queues=a.queues),
            memory_mb=1024, hugepages=256, smp=workers + 1, timeout=a.timeout,
            shared_memory=True, group=group, files={'vector.data': a.vector})
        ok = vmharness.report(result, 'dpdk-guest-full-device')
        stats = telemetry(prefix, f'/vhost_crypto/stats,{sock}')
        after = wait_disconnected(prefix, sock)
        rc = vmharness.stop_crypto_daemon(daemon)

    out = result.output
    # Where the guest's time went: each section's length by the guest's clock.
    marks = [float(t) for t in re.findall(r'^uptime (\d+\.\d+)$', out, re.M)]
    names = re.findall(r'^=== (.*)$', out, re.M)[1:]	# after binding
    print('guest seconds per section: ' + ', '.join(
        f'{n} {b - a:.0f}' for n, a, b in zip(names, marks, marks[1:])))
    binding = our_pmd.section(out, 'binding')
    m = re.search(r'features offered 0x[0-9a-f]+ negotiated 0x([0-9a-f]+)', binding)
    negotiated = int(m.group(1), 16) if m else 0
    mq = re.search(r'^queue pairs offered: (\d+)$', binding, re.M)
    offered = int(mq.group(1)) if mq else 0
    packed = bool(negotiated >> our_pmd.VIRTIO_F_RING_PACKED & 1)
    checks['guest script ran to the end'] = ok
    checks['one device found and bound'] = (
        len(re.findall(r'^device (\S+) bound to ', out, re.M)) == 1)
    checks[f'our PMD drove the device over virtio-pci, {a.queues} data queues'] = (
        re.search(rf'virtio-pci transport, {a.queues} data queues', binding) is not None)
    checks[f'every data queue answered right at probe: {offered} of {a.queues} offered'] = (
        offered == a.queues)
    checks['REVISION_1 and every stateless mode negotiated'] = (
        m is not None and negotiated & VIRTIO_CRYPTO_F_ALL == VIRTIO_CRYPTO_F_ALL)
    checks[f'{"split" if a.split_ring else "packed"} ring negotiated'] = (
        m is not None and packed != a.split_ring)
    our_pmd.check_program_checks(binding, 'binding', checks)
    for name in ('kat', 'kat sessionless', 'kat oop segments'):
        check_kat(our_pmd.section(out, name), name, checks)
    rsa = our_pmd.section(out, 'kat')
    checks['kat: RSA passed'] = re.search(r'^PASS rsa ', rsa, re.M) is not None
    check_diff(our_pmd.section(out, 'diff'), 'diff', a.ops, checks)
    check_diff(our_pmd.section(out, 'diff sessionless'), 'diff sessionless', a.ops, checks)
    if not a.no_autotest:
        our_pmd.check_autotest(our_pmd.section(out, 'cryptodev_virtio_autotest'), checks)
    our_pmd.check_verify(our_pmd.section(out, 'crypto-perf verify'), a.ops, workers, checks)
    per_queue = [stats.get(f'queue{q}_requests', 0) if isinstance(stats, dict) else 0
                 for q in range(a.queues)]
    print(f'daemon requests per queue: {per_queue}')
    checks[f'daemon: requests on each of the {a.queues} data queues'] = (
        all(n > 0 for n in per_queue))
    checks['daemon: guest gone, every session freed, nothing in use'] = (
        isinstance(after, dict) and all_given_back(after) and after['sessions_created'] > 0)
    checks['daemon stopped cleanly'] = rc == 0
    return vmharness.finish_run_dir(rundir, vmharness.report_checks(checks))


if __name__ == '__main__':
    sys.exit(main())
