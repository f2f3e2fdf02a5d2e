#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Linux guest -> QEMU cryptodev-vhost-user -> our daemon, upgraded live.

The daemon runs from a copy of its binary in a directory of the test's. A
Linux guest runs the AF_ALG differential (test_linux_guest_crypto.py) with
enough buffers to keep its device busy while the test, each time the
daemon has counted some of the guest's requests, puts another build in
place of that file and sends SIGHUP: first the same daemon built with
another VC_BUILD_ID (vhost-crypto-upgrade-b), then the first build again.

Checks: the guest's differential passes with 0 failed and the guest ends
in time (0 hung); both upgrades happened while the guest's traffic ran, and
each new build served guest requests; the daemon kept its pid, its log
names each build, each build completed every request OK; at the end the
guest's sessions are freed, nothing is in use, SIGTERM stops it cleanly.
"""

import argparse
import os
import re
import shutil
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

# Requests the daemon must have counted (of the build serving) before the
# next upgrade: each build serves the guest before it is replaced.
REQUESTS_PER_BUILD = 50
# One upgrade (drain, exec, EAL start-up, replay) on a loaded 2-core machine.
UPGRADE_TIMEOUT = 60.0
BUILD_B = 'upgrade-test-b'


def check(what, good, detail=''):
    results.append(bool(good))
    print(f'{"PASS" if good else "FAIL"}: {what}' + (f' ({detail})' if detail and not good else ''))
    sys.stdout.flush()


def read_text(path):
    with open(path, errors='replace') as f:
        return f.read()


class Upgrader(threading.Thread):
    """Upgrade the daemon to each build of `plan` in turn, each once the build
    serving has counted REQUESTS_PER_BUILD requests; record what it saw."""

    def __init__(self, daemon, exe, plan, prefix, sock, log_path):
        super().__init__(daemon=True)
        self.daemon_proc, self.exe, self.plan = daemon, exe, plan
        self.prefix, self.sock, self.log_path = prefix, sock, log_path
        # Per upgrade: (build, seconds it took, stats before it, when it ended).
        self.done = []
        self.error = None
        self.last = None
        self._halt = threading.Event()

    def stats(self):
        self.last = telemetry(self.prefix, f'/vhost_crypto/stats,{self.sock}')
        return self.last

    def wait(self, pred, timeout):
        deadline = time.monotonic() + timeout
        while not self._halt.is_set() and time.monotonic() < deadline:
            if pred():
                return True
            self._halt.wait(0.1)
        return pred()

    def run(self):
        for build, src in self.plan:
            # A serving build with guest traffic counted.
            if not self.wait(lambda: isinstance(self.stats(), dict) and self.last['connected']
                             and self.last['requests'] >= REQUESTS_PER_BUILD, 240):
                self.error = f'no guest traffic to upgrade under: {self.last}'
                return
            before = self.last
            adopted = read_text(self.log_path).count('upgrade: connection adopted')
            tmp = self.exe + '.new'
            shutil.copy2(src, tmp)
            os.rename(tmp, self.exe)
            t0 = time.monotonic()
            self.daemon_proc.send_signal(signal.SIGHUP)
            if not self.wait(lambda: read_text(self.log_path).count(
                    'upgrade: connection adopted') > adopted, UPGRADE_TIMEOUT):
                self.error = f'upgrade to {build}: the new build did not adopt QEMU in time'
                return
            self.done.append((build, time.monotonic() - t0, before, time.monotonic()))
        # The last build serves the guest too.
        if not self.wait(lambda: isinstance(self.stats(), dict) and
                         self.last['requests'] >= REQUESTS_PER_BUILD, 240):
            self.error = f'the last build served no guest traffic: {self.last}'

    def stop(self):
        self._halt.set()
        self.join()


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--daemon', required=True, help='path of vhost-crypto')
    ap.add_argument('--daemon-b', required=True, help='the same daemon, another build id')
    ap.add_argument('--afalg', required=True, help='path of afalg_skcipher_diff')
    ap.add_argument('--buffers', type=int, default=1024)
    ap.add_argument('--seed', type=int, default=int.from_bytes(os.urandom(4), 'little'))
    ap.add_argument('--kernel-root', default=vmharness.KERNEL_ROOT,
                    help='unpacked guest kernel package (default: the build\'s)')
    a = ap.parse_args()

    print('QEMU %d.%d, guest Linux %s' % (vmharness.qemu_version() +
                                         (vmharness.kernel_release(a.kernel_root),)))
    rundir = tempfile.mkdtemp(prefix='vc-vm-upg-', dir='/run')
    sock = os.path.join(rundir, 'vc.sock')
    log_path = os.path.join(rundir, 'daemon.log')
    # The file the daemon is started by, as a package would install it; the
    # copies find the library where the build put it.
    exe = os.path.join(rundir, 'vhost-crypto')
    shutil.copy2(a.daemon, exe)
    libdir = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(a.daemon)))), 'lib', 'vhost')
    os.environ['LD_LIBRARY_PATH'] = ':'.join(filter(None, [libdir,
                                                           os.environ.get('LD_LIBRARY_PATH')]))
    image = vmharness.GuestImage(
        modules=['virtio_pci', 'virtio_crypto', 'algif_skcipher'],
        binaries=[os.path.abspath(a.afalg)], kernel_root=a.kernel_root)
    device = vmharness.vhost_user_crypto_args(sock)
    script = linux_guest.guest_script(a.buffers, 4, a.seed)

    prefix = f'vc-vm-upg-{os.getpid()}'
    with vmharness.ProcessGroup() as group, open(log_path, 'w') as log:
        daemon, listening = vmharness.start_crypto_daemon(group, exe, prefix, [sock], log)
        check('daemon listening', listening, read_text(log_path)[-500:])
        first = re.search(r'^vhost-crypto: build (.*), pid (\d+)$', read_text(log_path), re.M)
        build_a = first.group(1) if first else None
        check('the daemon names its build, another than build b',
              build_a is not None and build_a != BUILD_B, str(build_a))
        plan = [(BUILD_B, os.path.abspath(a.daemon_b)), (build_a, os.path.abspath(a.daemon))]
        up = Upgrader(daemon, exe, plan, prefix, sock, log_path)
        up.start()
        r = vmharness.run_guest(script, image, device, memory_mb=512,
                                timeout=480, shared_memory=True, group=group)
        guest_end = time.monotonic()
        up.stop()
        vmharness.report(r, 'guest')
        check('guest: kernel self-test passed', 'virtio_crypto_aes_cbc selftest: passed' in r.output)
        for what, good in linux_guest.traffic_checks(r.output, a.buffers, 5, 'guest: ',
                                                     a.kernel_root).items():
            check(what, good)
        check('guest: ended by itself in time (0 hung)', r.ok and not r.timed_out,
              f'exit {r.status}, timed out {r.timed_out} after {r.seconds:.1f} s')
        check(f'{len(plan)} upgrades while the guest\'s traffic ran, each build serving '
              f'{REQUESTS_PER_BUILD}+ of its requests', up.error is None and len(up.done) == len(plan),
              f'{up.error}; done {[(u[0], round(u[1], 1)) for u in up.done]}')
        for build, took, before, ended in up.done:
            print(f'upgrade to {build}: {took:.1f} s from SIGHUP to QEMU adopted')
            check(f'upgrade to {build}: done before the guest\'s traffic ended', ended < guest_end)
            check(f'before the upgrade to {build}: every request of the build serving OK',
                  before['completed_err'] == 0 and before['bad_requests'] == 0 and
                  before['control_refused'] == 0, str(before))
        log_text = read_text(log_path)
        builds = re.findall(r'^vhost-crypto: build (.*), pid (\d+), taking over', log_text, re.M)
        check('the same pid throughout; the log names each build taking over in turn',
              builds == [(b, str(daemon.pid)) for b, _ in plan][:len(builds)] and
              len(builds) == len(up.done) and daemon.poll() is None,
              f'{builds}, pid {daemon.pid}')
        t = wait_disconnected(prefix, sock)
        check('the last build: QEMU gone, every request OK, sessions freed, nothing in use',
              isinstance(t, dict) and not t['connected'] and t['requests'] > 0 and
              t['completed_ok'] == t['requests'] and t['completed_err'] == 0 and
              t['sessions_destroyed'] == t['sessions_created'] and t['sessions_live'] == 0 and
              t['ops_in_use'] == 0 and t['mbufs_in_use'] == 0, str(t))
        rc = vmharness.stop_crypto_daemon(daemon)
        check('daemon exits cleanly on SIGTERM', rc == 0, f'exit {rc}')
    check('no process left behind', all(p.poll() is not None for p in group.procs) and
          subprocess.run(['pgrep', '-f', rundir], capture_output=True).returncode == 1)
    log_text = read_text(log_path)
    print('--- daemon log, upgrades')
    print('\n'.join(ln for ln in log_text.splitlines()
                    if re.search(r'upgrade|^vhost-crypto: build ', ln)))
    if not all(results):
        print('--- daemon log (last 40 lines, VHOST_CONFIG chatter left out) ---')
        print('\n'.join([ln for ln in log_text.splitlines() if 'VHOST_CONFIG' not in ln][-40:]))
    passed = sum(results)
    print(f'{passed} passed, {len(results) - passed} failed')
    return vmharness.finish_run_dir(rundir, 0 if passed == len(results) else 1)


if __name__ == '__main__':
    sys.exit(main())
