#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Linux guest -> QEMU cryptodev-vhost-user -> our vhost-crypto daemon.

1. The guest kernel's self-test of virtio_crypto_aes_cbc passes and the
   AF_ALG differential program agrees with the guest's software AES on
   every buffer, several requests in flight.
2. QEMU is killed with SIGKILL in the middle of AF_ALG traffic.
3. A new QEMU on the same daemon passes (1) again.
4. The daemon is still up, has freed every session of the killed guest,
   has no op or mbuf left in use, and shuts down cleanly on SIGTERM.

With --client QEMU listens (server=on,wait=on) and the daemon connects:
the daemon starts first and keeps trying while there is no QEMU, then
connects to each new QEMU on the same path by itself.

With --full-device the device is QEMU's generic vhost-user device
(vhost-user-test-device-pci, QEMU 10.2+) with virtio-crypto's ID: the
daemon owns all of it, config space (GET_CONFIG), --queues data queues and
the control queue. The guest must find that many data queues, and the
daemon must see the sessions on its control queue. A Linux 7 guest then
registers RSA too, and self-tests it. Linux 7 keeps AF_ALG from the driver:
see test_linux_guest_crypto.py for what replaces the differential there.
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'common'))
import vmharness  # noqa: E402
from vc_telemetry import telemetry, wait_disconnected  # noqa: E402
import test_linux_guest_crypto as linux_guest  # noqa: E402

results = []

# The guest's virtio-crypto device as its driver found it: the dmesg line of
# the config it read, and the features it negotiated (sysfs, one character
# per bit from bit 0).
DEVICE_INFO = r'''
dmesg | grep -o 'virtio_crypto virtio[0-9]*: max_queues: [0-9]*'
for d in /sys/bus/virtio/devices/*; do
	[ "$(cat "$d/device")" = 0x0014 ] && echo "virtio features $(cat "$d/features")"
done
'''
VIRTIO_F_RING_PACKED = 34


def check(what, good, detail=''):
    results.append(bool(good))
    print(f'{"PASS" if good else "FAIL"}: {what}' + (f' ({detail})' if detail and not good else ''))


# Requests of the guest to be killed that the daemon must have counted first.
KILL_AFTER_REQUESTS = 20


class QemuKiller(threading.Thread):
    """SIGKILL the newest QEMU of `group` once the daemon's telemetry counts
    `requests` requests: mid-traffic however long the guest takes to boot."""

    def __init__(self, group, prefix, sock, requests):
        super().__init__(daemon=True)
        self.group, self.prefix, self.sock, self.requests = group, prefix, sock, requests
        self.killed = threading.Event()
        self.last = None
        self._done = threading.Event()

    def run(self):
        while not self._done.wait(0.2):
            t = self.last = telemetry(self.prefix, f'/vhost_crypto/stats,{self.sock}')
            if not isinstance(t, dict) or t['requests'] < self.requests:
                continue
            qemus = [p for p in self.group.procs
                     if p.args[0] == vmharness.QEMU and p.poll() is None]
            if qemus:
                os.killpg(qemus[-1].pid, signal.SIGKILL)
                self.killed.set()
            return

    def stop(self):
        self._done.set()
        self.join()


def dpdk_version():
    out = subprocess.run(['pkg-config', '--modversion', 'libdpdk'],
                         capture_output=True, text=True).stdout
    m = re.match(r'(\d+)\.(\d+)', out)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def read_text(path):
    with open(path, errors='replace') as f:
        return f.read()


def last_stats(log):
    lines = [line for line in log.splitlines() if ' requests ' in line]
    if not lines:
        return {}
    line = lines[-1]
    stats = {k: int(v) for k, v in re.findall(r'(\w+) (\d+)', line)}
    m = re.search(r'sessions \+(\d+) -(\d+) !(\d+)', line)
    if m:
        stats['created'], stats['destroyed'], stats['session_errors'] = map(int, m.groups())
    m = re.search(r'zero-copy (\d+)', line)
    if m:
        stats['zero_copy'] = int(m.group(1))
    m = re.search(r'live: sessions (\d+) ops (\d+) mbufs (\d+)', line)
    if m:
        stats['live_sessions'], stats['live_ops'], stats['live_mbufs'] = map(int, m.groups())
    return stats


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--daemon', required=True, help='path of vhost-crypto')
    ap.add_argument('--afalg', required=True, help='path of afalg_skcipher_diff')
    ap.add_argument('--buffers', type=int, default=256)
    ap.add_argument('--seed', type=int, default=int.from_bytes(os.urandom(4), 'little'))
    ap.add_argument('--copy', action='store_true',
                    help='run the daemon with --copy (zero-copy is its default)')
    ap.add_argument('--client', action='store_true',
                    help='QEMU listens and the daemon connects (daemon --client)')
    ap.add_argument('--full-device', action='store_true',
                    help=f'the daemon serves the whole device ({vmharness.FULL_DEVICE})')
    ap.add_argument('--queues', type=int, default=1,
                    help='data queues of the full device (the daemon offers as many)')
    ap.add_argument('--packed', action='store_true',
                    help="the guest must use the packed ring the daemon offers (QEMU 11.1's "
                         "full device passes the daemon's offer through whatever its packed= "
                         "says)")
    ap.add_argument('--kernel-root', default=vmharness.KERNEL_ROOT,
                    help='unpacked guest kernel package (default: the build\'s)')
    ap.add_argument('--rounds', type=int, default=5,
                    help='driver reloads where the guest keeps AF_ALG from it')
    a = ap.parse_args()
    if (a.queues != 1 or a.packed) and not a.full_device:
        ap.error('--queues and --packed are for --full-device')

    # QEMU 8.1+ sends 1072-byte session messages, which librte_vhost
    # before 25.03 drops: the daemon's session relay answers them.
    print('QEMU %d.%d, DPDK %d.%d, guest Linux %s' % (
        vmharness.qemu_version() + dpdk_version() + (vmharness.kernel_release(a.kernel_root),)))

    rundir = tempfile.mkdtemp(prefix='vc-vm-', dir='/run')
    sock = os.path.join(rundir, 'vc.sock')
    log_path = os.path.join(rundir, 'daemon.log')
    image = vmharness.GuestImage(
        modules=['virtio_pci', 'virtio_crypto', 'algif_skcipher'],
        binaries=[os.path.abspath(a.afalg)], kernel_root=a.kernel_root)
    if a.full_device:
        device = vmharness.full_device_crypto_args(sock, queues=a.queues, server=a.client)
        if not vmharness.qemu_has_device(vmharness.FULL_DEVICE):
            print(f'{vmharness.FULL_DEVICE}: not in this QEMU')
            return 77
    else:
        device = vmharness.vhost_user_crypto_args(sock, server=a.client)
    # What the guest driver found: its data queues (the config it read)
    # and the ring layout it negotiated.
    script = DEVICE_INFO + linux_guest.guest_script(a.buffers, 4, a.seed, a.rounds)
    kill_script = DEVICE_INFO + linux_guest.endless_script(4, a.seed)

    prefix = f'vc-vm-{os.getpid()}'
    with vmharness.ProcessGroup() as group, open(log_path, 'w') as log:
        daemon = group.popen(
            [a.daemon, '-l', '0', '--no-pci', '--in-memory',
             f'--file-prefix={prefix}', '--', '--socket', sock,
             '--stats-interval', '1'] + (['--copy'] if a.copy else []) +
            (['--client'] if a.client else []) +
            (['--queues', str(a.queues)] if a.full_device else []),
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        if a.client:
            # No QEMU yet: the daemon must be up, trying, and not in the way.
            deadline = time.monotonic() + 30
            while ('no frontend to connect to' not in read_text(log_path) and
                   daemon.poll() is None and time.monotonic() < deadline):
                time.sleep(0.1)
            time.sleep(2.5)
            check('daemon keeps trying to connect while no QEMU listens',
                  daemon.poll() is None and not os.path.exists(sock) and
                  'no frontend to connect to' in read_text(log_path))
        else:
            deadline = time.monotonic() + 30
            while not os.path.exists(sock) and time.monotonic() < deadline:
                if daemon.poll() is not None:
                    break
                time.sleep(0.1)
            check('daemon listening', os.path.exists(sock))

        connections = 0
        t = None
        for run in ('first guest', None, 'guest after a killed one'):
            connections += 1
            if run is None:
                # Traffic that never ends, cut by SIGKILL to QEMU's group
                # once the daemon has counted some of it.
                before = t['requests'] if isinstance(t, dict) else 0
                killer = QemuKiller(group, prefix, sock, before + KILL_AFTER_REQUESTS)
                killer.start()
                r = vmharness.run_guest(kill_script, image, device, memory_mb=512,
                                        timeout=240, shared_memory=True, group=group)
                killer.stop()
                if not killer.killed.is_set():
                    vmharness.report(r, 'guest to be killed')
                check(f'QEMU killed mid-traffic (after {KILL_AFTER_REQUESTS} of its requests)',
                      killer.killed.is_set() and r.status is None and not r.timed_out,
                      f'killed {killer.killed.is_set()}, exit {r.status}, timed out {r.timed_out} '
                      f'after {r.seconds:.1f} s, telemetry {killer.last}')
                check('daemon survived the killed QEMU', daemon.poll() is None)
                t = wait_disconnected(prefix, sock)
                check('killed QEMU: connection gone, its sessions freed, nothing in use',
                      isinstance(t, dict) and not t['connected'] and
                      t['connections'] == connections and t['sessions_created'] > 0 and
                      t['sessions_destroyed'] == t['sessions_created'] and
                      t['sessions_live'] == 0 and t['ops_in_use'] == 0 and
                      t['mbufs_in_use'] == 0, str(t))
                continue
            r = vmharness.run_guest(script, image, device, memory_mb=512,
                                    timeout=240, shared_memory=True, group=group)
            vmharness.report(r, run)
            check(f'{run}: kernel self-test passed',
                  'virtio_crypto_aes_cbc selftest: passed' in r.output)
            for what, good in linux_guest.traffic_checks(r.output, a.buffers, a.rounds,
                                                         f'{run}: ', a.kernel_root).items():
                check(what, good)
            t = telemetry(prefix, f'/vhost_crypto/stats,{sock}')
            check(f'{run}: telemetry counts the requests on queue 0',
                  isinstance(t, dict) and t['requests'] > 0 and
                  t['queue0_requests'] == t['requests'] and t['bad_requests'] == 0, str(t))
            if a.full_device:
                m = re.search(r'max_queues: (\d+)', r.output)
                check(f'{run}: the guest driver found {a.queues} data queues',
                      m is not None and int(m.group(1)) == a.queues,
                      m.group(0) if m else 'no max_queues line')
                m = re.search(r'^virtio features ([01]+)$', r.output, re.M)
                ring = ('packed' if m and m.group(1)[VIRTIO_F_RING_PACKED] == '1'
                        else 'split' if m else None)
                print(f'{run}: the guest negotiated the {ring} ring')
                if a.packed:
                    check(f'{run}: packed ring negotiated', ring == 'packed', str(ring))
                # The daemon's own control queue: sessions come through it,
                # none refused; every data queue it offers is there.
                check(f'{run}: sessions on the daemon\'s control queue, none refused',
                      isinstance(t, dict) and t.get('control0_requests', 0) > 0 and
                      t['sessions_created'] > 0 and t['control_refused'] == 0, str(t))
                check(f'{run}: the daemon serves {a.queues} data queues',
                      isinstance(t, dict) and all(f'queue{q}_requests' in t
                                                  for q in range(a.queues)), str(t))
            check(f'{run}: connection {connections} of the daemon\'s',
                  isinstance(t, dict) and t['connections'] == connections, str(t))

        time.sleep(1.5)	# one more stats line, after the last guest left
        daemon.send_signal(signal.SIGTERM)
        try:
            rc = daemon.wait(30)
        except subprocess.TimeoutExpired:
            rc = None
        check('daemon exits cleanly on SIGTERM', rc == 0, f'exit {rc}')
    check('no process left behind', all(p.poll() is not None for p in group.procs) and
          subprocess.run(['pgrep', '-f', rundir], capture_output=True).returncode == 1)
    check("the daemon removed librte_vhost's private socket", not os.path.exists(sock + '.lib'))

    log_text = read_text(log_path)
    stats = last_stats(log_text)
    print('daemon: ' + next((line for line in reversed(log_text.splitlines())
                             if ' requests ' in line), 'no stats line'))
    check('every session created was destroyed',
          stats.get('created', 0) > 0 and stats.get('created') == stats.get('destroyed')
          and stats.get('live_sessions') == 0, str(stats))
    check('no op or mbuf left in use',
          stats.get('live_ops') == 0 and stats.get('live_mbufs') == 0, str(stats))
    check('every request completed OK',
          stats.get('requests', 0) > 0 and stats.get('requests') == stats.get('ok')
          and stats.get('bad') == 0, str(stats))
    if a.full_device:
        # The guest driver set up every queue it found: the daemon saw
        # each data ring and the control ring (the last) go live.
        check(f'the guest set up {a.queues} data queues and the control queue',
              all(re.search(rf': ring {i} live,', log_text) for i in range(a.queues + 1)),
              ', '.join(sorted(set(re.findall(r'ring \d+ live', log_text)))))
    if a.copy:
        check('no request went zero-copy', stats.get('zero_copy', -1) == 0, str(stats))
    else:
        check('some requests went zero-copy', stats.get('zero_copy', 0) > 0, str(stats))
    if not all(results):
        print('--- daemon log (last 40 lines) ---')
        print('\n'.join(log_text.splitlines()[-40:]))
    for f in (sock, log_path):
        if os.path.exists(f):
            os.unlink(f)
    os.rmdir(rundir)

    passed = sum(results)
    print(f'{passed} passed, {len(results) - passed} failed')
    return 0 if passed == len(results) else 1


if __name__ == '__main__':
    sys.exit(main())
