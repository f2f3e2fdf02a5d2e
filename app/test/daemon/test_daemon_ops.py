#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The vhost-crypto daemon as a service: signals, EAL defaults, CPU placement.

Signals: SIGUSR1 prints the counters and SIGHUP upgrades the daemon live
(it executes its own file again, the same pid), and the daemon serves on
after both (neither may kill it by default action and leave its sockets
behind); SIGTERM then stops it with exit 0 and its files gone.

EAL defaults: each of the daemon's defaults (the polling core, no PCI scan,
in-memory, its own file prefix) applies unless an EAL option before "--"
decides the same thing; the daemon prints the defaults it added.

CPU placement: without --lcores each daemon polls the highest CPU no other
daemon polls; when every CPU is taken it says so and serves anyway, and a
daemon told to poll another's CPU warns. The daemons share a lock
directory of the test's own (VHOST_CRYPTO_LOCK_DIR), so other daemons on
the machine do not change the outcome.
"""

import argparse
import fcntl
import os
import re
import shutil
import signal
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'common'))
from vc_daemon import DaemonRun, socket_listens as connects  # noqa: E402

results = []


def check(what, good, detail=''):
    results.append(bool(good))
    print(f'{"PASS" if good else "FAIL"}: {what}' + (f' ({detail})' if detail and not good else ''))


class Daemon(DaemonRun):
    """One socket; what it printed about EAL and its CPU."""

    def eal_defaults(self):
        m = re.search(r'^vhost-crypto: EAL defaults: (.*)$', self.text(), re.M)
        return m.group(1).split() if m else None

    def polling_cpu(self):
        m = re.search(r'^vhost-crypto: lcore (\d+) polls', self.text(), re.M)
        return int(m.group(1)) if m else None


def gone(path):
    return not any(os.path.lexists(path + s) for s in ('', '.lib', '.lock'))


def test_signals(d, rundir, env):
    path = os.path.join(rundir, 'sig.sock')
    daemon = Daemon(d, path, env=env)
    try:
        check('signals: the daemon serves', daemon.up, daemon.text()[-400:])
        os.kill(daemon.p.pid, signal.SIGUSR1)
        check('SIGUSR1: the counters are printed, the daemon serves on',
              daemon.wait_for(lambda t: f'vhost-crypto: {path}: requests 0 ok 0' in t)
              and connects(path), daemon.text()[-400:])
        pid = daemon.p.pid
        os.kill(daemon.p.pid, signal.SIGHUP)
        # A live upgrade to the same file (suite upgrade tests it in depth).
        check('SIGHUP: a live upgrade, the same pid serves on',
              daemon.wait_for(lambda t: f'pid {pid}, taking over from the previous build' in t
                              and len(re.findall(r'^vhost-crypto: serving ', t, re.M)) >= 2)
              and connects(path), daemon.text()[-400:])
        os.kill(daemon.p.pid, signal.SIGPIPE)
        os.kill(daemon.p.pid, signal.SIGUSR1)
        check('SIGPIPE: ignored (the SIGUSR1 after it is answered)',
              daemon.wait_for(lambda t: t.count(f'vhost-crypto: {path}: requests 0') >= 2),
              daemon.text()[-400:])
    finally:
        rc = daemon.stop()
    check('SIGTERM then: exit 0, socket, private directory, lock file and EAL runtime '
          'directory gone', rc == 0 and gone(path)
          and not os.path.exists(f'/var/run/dpdk/vhost-crypto-{daemon.p.pid}'),
          f'exit {rc}, left {os.listdir(rundir)}')


def test_eal_defaults(d, rundir, env):
    path = os.path.join(rundir, 'eal.sock')
    cases = (
        ('no EAL options', (), ['--no-pci', '--in-memory', '-l'], []),
        ('--file-prefix', (f'--file-prefix=vc-ops-{os.getpid()}',),
         ['--no-pci', '-l'], ['--in-memory', '--file-prefix=']),
        ('-a (a PCI device)', ('-a', '0000:00:1f.7'),
         ['--in-memory', '-l', '--file-prefix='], ['--no-pci']),
        ('--legacy-mem', ('--legacy-mem',),
         ['--no-pci', '-l', '--file-prefix='], ['--in-memory']),
        ('-l', ('-l', str(max(os.sched_getaffinity(0)))),
         ['--no-pci', '--in-memory', '--file-prefix='], ['-l']),
        ('--log-level', ('--log-level=lib.eal:notice',),
         ['--no-pci', '--in-memory', '-l', '--file-prefix='], []),
    )
    for what, eal, kept, dropped in cases:
        daemon = Daemon(d, path, eal=eal, env=env)
        try:
            got = daemon.eal_defaults() or []

            def has(opt):
                return any(a == opt or (opt.endswith('=') and a.startswith(opt)) for a in got)
            good = (daemon.up and all(has(o) for o in kept) and not any(has(o) for o in dropped)
                    and has('--log-level=lib.vhost_crypto:info'))
            check(f'EAL {what}: the defaults it does not decide are kept '
                  f'({" ".join(kept)}), {" ".join(dropped) or "none"} dropped; serves',
                  good, f'defaults {got}, up {daemon.up}: {daemon.text()[-400:]}')
        finally:
            rc = daemon.stop()
        check(f'EAL {what}: exit 0 on SIGTERM', rc == 0 and gone(path), f'exit {rc}')


def test_cpu_placement(d, rundir, env):
    cpus = sorted(os.sched_getaffinity(0))
    daemons = []
    try:
        for i in range(len(cpus)):
            daemons.append(Daemon(d, os.path.join(rundir, f'cpu{i}.sock'), env=env))
        polled = [x.polling_cpu() for x in daemons]
        check(f'{len(cpus)} daemons without --lcores poll {len(cpus)} different CPUs, '
              'the highest first', all(x.up for x in daemons) and polled == cpus[::-1],
              f'polled {polled}')
        extra = Daemon(d, os.path.join(rundir, 'cpu-extra.sock'), env=env)
        daemons.append(extra)
        check('one daemon more: it warns that every CPU is taken, and serves',
              extra.up and 'every CPU this daemon may use is polled by another' in extra.text(),
              extra.text()[-400:])
        told = Daemon(d, os.path.join(rundir, 'cpu-told.sock'), args=['--lcores', str(cpus[-1])],
                      env=env)
        daemons.append(told)
        check(f'--lcores {cpus[-1]}, the first daemon\'s CPU: it warns naming that '
              'daemon, and serves',
              told.up and f'CPU {cpus[-1]} is polled by another vhost-crypto daemon '
              f'(pid {daemons[0].p.pid})' in told.text(), told.text()[-400:])
    finally:
        rcs = [x.stop() for x in daemons]
    check('all of them exit 0 on SIGTERM', rcs == [0] * len(rcs), f'exits {rcs}')
    lock_dir = env['VHOST_CRYPTO_LOCK_DIR']
    free = []
    for c in cpus:
        with open(os.path.join(lock_dir, f'vhost-crypto.cpu{c}')) as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                free.append(c)
            except OSError:
                pass
    check('their CPU locks are free once they are gone', free == cpus, f'free {free}')


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--daemon', required=True, help='path of vhost-crypto')
    d = ap.parse_args().daemon

    rundir = tempfile.mkdtemp(prefix='vc-ops-')
    env = dict(os.environ, VHOST_CRYPTO_LOCK_DIR=os.path.join(rundir, 'locks'))
    os.mkdir(env['VHOST_CRYPTO_LOCK_DIR'])
    try:
        test_signals(d, rundir, env)
        test_eal_defaults(d, rundir, env)
        test_cpu_placement(d, rundir, env)
    finally:
        shutil.rmtree(rundir)
        # The --file-prefix case's EAL runtime directory (not in-memory).
        shutil.rmtree(f'/var/run/dpdk/vc-ops-{os.getpid()}', ignore_errors=True)

    passed = sum(results)
    print(f'{passed} passed, {len(results) - passed} failed')
    return 0 if passed == len(results) else 1


if __name__ == '__main__':
    sys.exit(main())
