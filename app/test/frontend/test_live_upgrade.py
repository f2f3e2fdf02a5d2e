#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-virtio-crypto authors
"""Live upgrade (issue 19): the daemon re-executes itself on SIGHUP, a
scripted frontend (vhost_user_frontend.py) stays connected throughout.

    test_live_upgrade.py --daemon PATH --daemon-b PATH TEST
    test_live_upgrade.py --list

The daemon runs from a copy of PATH in a directory of the test's, so that
the test can put another build (--daemon-b, the same daemon built with
another VC_BUILD_ID) in its place, as a package upgrade does. Each TEST
prints PASS/FAIL per check and "checks: N passed, M failed".
"""

import argparse
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon_process import Daemon, all_given_back  # noqa: E402
import vhost_user_frontend as vu  # noqa: E402
from vhost_user_frontend import (  # noqa: E402
    TIMEOUT, CipherRequest, ConnectionEnded, ProtocolError, SplitRing)
from test_control_plane import (KEY, KEY2, Abort, Test, payload_bytes,  # noqa: E402
                                run_body, summary)

# How long one upgrade (drain, exec, EAL start-up, replay) may take on a
# loaded 2-core machine: the only timeout of the test's own.
UPGRADE_TIMEOUT = 60.0
# What build b calls itself in its log (examples/vhost_crypto/meson.build);
# build a's name is read from the log of the first start.
BUILD_B = 'upgrade-test-b'


class Binaries:
    """The file the daemon was started by, and the builds to put there."""

    def __init__(self, a, b):
        self.dir = tempfile.mkdtemp(prefix='vc-upgrade-bin-')
        self.path = os.path.join(self.dir, 'vhost-crypto')
        self.a, self.b = a, b
        # The copies find the library where the build put it, not by $ORIGIN.
        libdir = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(a)))), 'lib', 'vhost')
        os.environ['LD_LIBRARY_PATH'] = ':'.join(
            filter(None, [libdir, os.environ.get('LD_LIBRARY_PATH')]))
        self.install(a)

    def install(self, src):
        """As a package manager does: a new file renamed over the old one."""
        tmp = self.path + '.new'
        shutil.copy2(src, tmp)
        os.rename(tmp, self.path)

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class UpgradeTest(Test):
    def __init__(self, daemon, bins):
        super().__init__(daemon)
        self.bins = bins
        self.upgrades = 0
        self.build_a = None

    def log_count(self, pattern):
        return len(re.findall(pattern, self.d.log_text(), re.M))

    def wait_log(self, pattern, count, timeout=UPGRADE_TIMEOUT):
        """True once the daemon's log has pattern count times."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.d.alive():
            if self.log_count(pattern) >= count:
                return True
            time.sleep(0.05)
        return self.log_count(pattern) >= count

    def upgrade(self, build, connected=True):
        """SIGHUP, then wait until the new build serves (and replayed the connection)."""
        pid = self.d.proc.pid
        self.upgrades += 1
        served = self.log_count(r'^vhost-crypto: serving ')
        adopted = self.log_count(r'upgrade: connection adopted')
        self.d.proc.send_signal(signal.SIGHUP)
        ok = self.wait_log(r'^vhost-crypto: serving ', served + 1)
        if ok and connected:
            ok = self.wait_log(r'upgrade: connection adopted', adopted + 1)
        self.require(f'upgrade {self.upgrades}: the daemon re-executed and serves again'
                     + (', its frontend adopted' if connected else ''), ok,
                     self.d.how_it_ended() + ': ' + ' | '.join(self.d.log_text().splitlines()[-8:]))
        builds = re.findall(r'^vhost-crypto: build (.*), pid (\d+), taking over',
                            self.d.log_text(), re.M)
        self.check(f'upgrade {self.upgrades}: same pid ({pid}), the log names build {build}',
                   self.d.alive() and builds and builds[-1] == (build, str(pid)),
                   f'{self.d.how_it_ended()}, last build line {builds[-1:]}')
        self.check(f'upgrade {self.upgrades}: counters readable again',
                   self.d.wait_ready(), self.d.how_it_ended())


def cipher_batch(fe, ring, sid, key, n, publish=True):
    return [CipherRequest(fe.mem, ring, sid, key, payload_bytes(16), payload_bytes(2048),
                          publish=publish) for _ in range(n)]


def check_batch(t, fe, ring, reqs, what):
    res = fe.wait_done(ring, reqs, timeout=UPGRADE_TIMEOUT)
    bad = [w for _, g, w in res if not g]
    t.check(f'{what}: {len(reqs)} requests completed, ciphertext equal to '
            f'python3-cryptography\'s (0 failed, 0 lost)', not bad, f'{len(bad)} wrong: {bad[:3]}')
    for r in reqs:
        if r.written is not None:
            r.release()
    return not bad


def upgrade_under_traffic(t, packed, in_order=False):
    t.start()
    fe, ring, sid = t.ready(packed=packed, ring_size=256, mem_size=16 << 20, in_order=in_order)
    t.require('VIRTIO_F_IN_ORDER negotiated as asked',
              bool(fe.features & (1 << vu.F_IN_ORDER)) == in_order, f'{fe.features:#x}')
    sid2 = fe.create_session(KEY2)
    t.require('a second session', sid2 >= 0, f'reply {sid2}')
    t.good_requests(fe, ring, sid, 'before any upgrade')
    builds = [('a', t.build_a), ('b', BUILD_B), ('a', t.build_a)]
    for i, (which, build) in enumerate(builds, 1):
        t.bins.install(t.bins.b if which == 'b' else t.bins.a)
        # In flight when the signal comes: completed by the old build or the new one.
        reqs = cipher_batch(fe, ring, sid, KEY, 24) + cipher_batch(fe, ring, sid2, KEY2, 24)
        t.upgrade(build)
        check_batch(t, fe, ring, reqs, f'upgrade {i}, requests in flight across it')
        t.check(f'upgrade {i}: both sessions still live with their ids',
                t.d.counter('sessions_live') == 2, str(t.d.stats()))
        t.good_requests(fe, ring, sid, f'after upgrade {i}, session {sid}')
        t.good_requests(fe, ring, sid2, f'after upgrade {i}, session {sid2}', key=KEY2)
    # The frontend's own messages still work on the adopted connection.
    t.expect_accepted(fe, 'CLOSE_CRYPTO_SESSION after the upgrades', vu.CLOSE_CRYPTO_SESSION,
                      struct.pack('<Q', sid2))
    t.check('one session left', t.d.counter('sessions_live') == 1, str(t.d.stats()))
    index = 0
    base = fe.get_vring_base(index)
    t.check('GET_VRING_BASE after the upgrades: where the ring is', base == ring.base(),
            f'daemon says {base:#x}, ring at {ring.base():#x}')
    t.disconnect(fe)
    t.refused_counter('no refusal')


def test_upgrade_split(t):
    """Three SIGHUPs (build a, b, a again) with requests in flight on a split
    ring and two sessions: every request completes correctly, the sessions
    keep their ids, the pid stays, the log names each build."""
    upgrade_under_traffic(t, packed=False)


def test_upgrade_packed(t):
    """The same on a packed ring (index and wrap counter carried over)."""
    upgrade_under_traffic(t, packed=True)


def test_upgrade_split_in_order(t):
    """upgrade_split with VIRTIO_F_IN_ORDER negotiated: completions published
    in order, runs as one used element, across three upgrades."""
    upgrade_under_traffic(t, packed=False, in_order=True)


def test_upgrade_packed_in_order(t):
    """upgrade_packed with VIRTIO_F_IN_ORDER negotiated."""
    upgrade_under_traffic(t, packed=True, in_order=True)


def test_upgrade_mid_message(t):
    """SIGHUP while a frontend is in the middle of a message, and messages sent
    during the pause: nothing is lost, each is answered once, in order."""
    t.start()
    fe, ring, sid = t.ready()
    data = vu.msg_bytes(vu.CREATE_CRYPTO_SESSION, vu.session_payload_v71(KEY2))
    fe.send_raw(data[:20])
    # The relay has the header and waits for the rest: then the signal.
    t.d.wait_stats(lambda s: s['connected'])
    requested = t.log_count(r'upgrade requested')
    t.d.proc.send_signal(signal.SIGHUP)
    t.require('the daemon took the signal', t.wait_log(r'upgrade requested', requested + 1),
              t.d.how_it_ended())
    fe.send_raw(data[20:])
    # During the pause, or after: waits in the socket either way.
    fe.send_raw(vu.msg_bytes(vu.GET_FEATURES))
    t.upgrades += 1
    try:
        m1 = fe.recv(timeout=UPGRADE_TIMEOUT)
        m2 = fe.recv(timeout=UPGRADE_TIMEOUT)
    except (ConnectionEnded, TimeoutError) as e:
        t.check('both messages answered across the upgrade', False, f'{type(e).__name__}: {e}')
        raise Abort('mid-message') from None
    t.check('the split message answered (a session), then GET_FEATURES',
            m1.request == vu.CREATE_CRYPTO_SESSION and m2.request == vu.GET_FEATURES,
            f'{m1!r} {m2!r}')
    sid2 = struct.unpack_from('<q', m1.payload)[0] if m1.request == vu.CREATE_CRYPTO_SESSION else -1
    t.require('the session was created', sid2 >= 0, f'reply {sid2}')
    t.require('the new build took over', t.wait_log(r'upgrade: connection adopted', 1),
              t.d.how_it_ended())
    t.good_requests(fe, ring, sid, 'after the upgrade, the first session')
    t.good_requests(fe, ring, sid2, 'after the upgrade, the session made across it', key=KEY2)
    t.disconnect(fe)
    t.refused_counter('no refusal')


def test_upgrade_mid_connection(t):
    """SIGHUP just as a frontend connects, before its first message: the new
    build adopts the bare connection, and the frontend sets up and is served."""
    t.start()
    fe = t.connect()
    # Accepted by the relay (else it would wait in the backlog for the new build).
    t.d.wait_stats(lambda s: s['connected'])
    t.d.proc.send_signal(signal.SIGHUP)
    t.upgrades += 1
    t.require('the new build adopted the connection',
              t.wait_log(r'upgrade: connection adopted', 1), t.d.how_it_ended())
    try:
        fe.handshake()
        fe.mem.add_region(4 << 20)
        fe.set_mem_table()
        ring = fe.start_ring(0, SplitRing(fe.mem, 128))
        sid = fe.create_session(KEY)
    except (ConnectionEnded, TimeoutError, ProtocolError, OSError) as e:
        t.require('the frontend sets up on the adopted connection', False,
                  f'{type(e).__name__}: {e}')
    t.require('the frontend sets up on the adopted connection', sid >= 0, f'reply {sid}')
    t.good_requests(fe, ring, sid, 'after the upgrade')
    t.disconnect(fe)
    t.refused_counter('no refusal')


def test_upgrade_idle(t):
    """SIGHUP with no frontend connected: the new build listens on the same
    socket, and the next frontend is served."""
    t.start()
    t.bins.install(t.bins.b)
    t.upgrade(BUILD_B, connected=False)
    fe, ring, sid = t.ready()
    t.good_requests(fe, ring, sid, 'a frontend connecting after the upgrade')
    t.disconnect(fe)


def test_upgrade_exec_fails(t):
    """The file to execute is gone: the old build logs why and serves on,
    its frontend and sessions untouched."""
    t.start()
    fe, ring, sid = t.ready()
    os.unlink(t.bins.path)
    failed = t.log_count(r'upgrade failed')
    t.d.proc.send_signal(signal.SIGHUP)
    t.check('the daemon says the upgrade failed, and why',
            t.wait_log(r'upgrade failed: .*No such file', failed + 1), t.d.how_it_ended())
    t.good_requests(fe, ring, sid, 'the old build serves on')
    t.bins.install(t.bins.a)
    # A failed exec after the state was saved: a file that is not a program.
    with open(t.bins.path, 'w') as f:
        f.write('not a program\n')
    os.chmod(t.bins.path, 0o755)
    t.d.proc.send_signal(signal.SIGHUP)
    t.check('exec of a file that is no program fails: logged, the old build serves on',
            t.wait_log(r'upgrade failed: cannot execute', 1), t.d.how_it_ended())
    t.good_requests(fe, ring, sid, 'the old build serves on, again')
    t.bins.install(t.bins.a)
    t.upgrade(t.build_a)
    t.good_requests(fe, ring, sid, 'and the next upgrade works')
    t.disconnect(fe)


def run_with_state(binary, data):
    """The daemon started with --resume-fd on a file holding data: (rc, output)."""
    rundir = tempfile.mkdtemp(prefix='vc-upgrade-bad-')
    fd = os.memfd_create('state', 0)
    os.write(fd, data)
    os.lseek(fd, 0, os.SEEK_SET)
    try:
        p = subprocess.run([binary, '-l', '1', '--no-pci', '--in-memory',
                            f'--file-prefix=vc-upg-bad-{os.getpid()}', '--',
                            '--socket', os.path.join(rundir, 'vc.sock'), '--resume-fd', str(fd)],
                           pass_fds=(fd,), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, timeout=UPGRADE_TIMEOUT, text=True,
                           errors='replace')
        return p.returncode, p.stdout
    finally:
        os.close(fd)
        shutil.rmtree(rundir, ignore_errors=True)


def test_bad_state(t):
    """A state that is garbage, of another version, damaged or truncated: the
    new build refuses it with a clear message and exits non-zero, never a crash."""
    hdr = struct.Struct('<8sIIIIIIQ')
    good_hdr = dict(magic=b'VCSTATE\n', version=1, hdr_size=hdr.size, inst=0, msg=0, sess=0,
                    nb=0, total=hdr.size)
    cases = [
        ('garbage', os.urandom(4096), r'wrong magic'),
        ('another version', hdr.pack(b'VCSTATE\n', 99, hdr.size, 0, 0, 0, 0, hdr.size),
         r'version 99, this build reads version 1'),
        ('record sizes of another build', hdr.pack(*good_hdr.values()), r'record sizes'),
        ('truncated', b'VCSTATE\n\x01', r'shorter than its header'),
        ('empty', b'', r'plausible size'),
    ]
    for what, data, pattern in cases:
        rc, out = run_with_state(t.bins.a, data)
        signalled = rc is not None and rc < 0
        t.check(f'state {what}: refused, exit code 1, the log says why',
                rc == 1 and re.search(pattern, out) and 'unusable' in out and not signalled,
                f'exit code {rc}: ' + ' | '.join(out.splitlines()[-4:]))
    # The test's own daemon was never involved.
    t.check('the test\'s own daemon still serves', t.d.alive() and t.d.wait_ready(),
            t.d.how_it_ended())


TESTS = {name[len('test_'):]: fn for name, fn in sorted(globals().items())
         if name.startswith('test_') and callable(fn)}


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--daemon', help='the vhost-crypto binary')
    ap.add_argument('--daemon-b', help='the same daemon, another build id')
    ap.add_argument('--list', action='store_true', help='the tests, one a line')
    ap.add_argument('test', nargs='?', choices=sorted(TESTS))
    a = ap.parse_args()
    if a.list:
        print('\n'.join(f'{n}: {summary(TESTS[n])}' for n in sorted(TESTS)))
        return 0
    if not a.daemon or not a.daemon_b or not a.test:
        ap.error('--daemon, --daemon-b and a test are required')

    start = time.monotonic()
    bins = Binaries(os.path.abspath(a.daemon), os.path.abspath(a.daemon_b))
    d = Daemon(bins.path, 'upg-' + a.test, timeout=TIMEOUT)
    t = UpgradeTest(d, bins)
    try:
        t.require('daemon listening, counters readable', d.wait_ready(), d.how_it_ended())
        first = re.search(r'^vhost-crypto: build (.*), pid \d+$', d.log_text(), re.M)
        t.require('the daemon names its build', first, d.log_text()[-500:])
        t.build_a = first.group(1)
        t.require('build b is another build', t.build_a != BUILD_B, t.build_a)
        run_body(t, a.test, TESTS[a.test])
        t.require('daemon survived the test', d.alive(), d.how_it_ended())
        for fe in t.frontends:
            fe.close()
        tel = d.wait_given_back()
        t.check('finally: everything given back', all_given_back(tel), str(tel))
        rc, took = d.stop()
        t.check('daemon stops cleanly on SIGINT', rc == 0, f'exit code {rc} after {took:.1f} s')
        t.check('no socket lock left behind', not os.path.exists(d.sockets[0] + '.lock'),
                d.sockets[0] + '.lock')
    except Abort:
        pass
    finally:
        for fe in t.frontends:
            fe.close()
        log = d.log_text()
        d.cleanup()
        bins.cleanup()
        lines = log.splitlines()
        print('--- daemon log, upgrades')
        print('\n'.join(ln for ln in lines if re.search(r'upgrade|build ', ln)))
        if not all(t.results):
            print('--- daemon log (last lines, VHOST_CONFIG chatter left out)')
            print('\n'.join([ln for ln in lines if 'VHOST_CONFIG' not in ln][-40:]))
        print(f'checks: {t.results.count(True)} passed, {t.results.count(False)} failed '
              f'({time.monotonic() - start:.1f} s)')
    return 0 if t.results and all(t.results) else 1


if __name__ == '__main__':
    sys.exit(main())
