#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-virtio-crypto authors
"""Run a DPDK program against the vhost-crypto daemon through crypto_virtio_user.

    run_with_daemon.py --daemon PATH --pmd PATH [options] -- PROGRAM ARGS...

The daemon is started on a socket of its own (its main lcore 1, the program
on lcore 0: each busy-polls a core of its own), the guest PMD plugin is staged
where EAL accepts it, and in PROGRAM ARGS these are replaced:

    @SOCK@   the daemon's vhost-user socket
    @PMD@    the staged plugin, for -d
    @VDEV@   crypto_virtio_user0,path=@SOCK@ plus --vdev-args

Checks, each printed as PASS/FAIL, then "checks: N passed, M failed":
  - the program exits with --expect-rc (default 0) within --timeout;
  - every --expect REGEX matches its output, no --reject REGEX does;
  - the daemon is still running afterwards, has seen the frontend leave,
    and holds no session, op or mbuf any more (its telemetry says so);
  - the daemon stops cleanly on SIGINT.
With --kill-daemon-after SEC the daemon is SIGKILLed that long after the
program starts (the "backend gone" case); the daemon checks are then skipped,
unless --restart-daemon-after SEC starts a new daemon on the same socket that
long after the kill: the checks are then the new daemon's. --restarts N does
that N times, each new daemon killed --kill-daemon-after SEC after it started
(all but the last); --first-restart-arg ARG gives the first new daemon an
extra option (a daemon the program must refuse).
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'common'))
from vc_telemetry import all_given_back, wait_disconnected  # noqa: E402

results = []


def check(what, good, detail=''):
    results.append(good)
    print(f'{"PASS" if good else "FAIL"}: {what}' + (f' ({detail})' if detail and not good else ''))
    sys.stdout.flush()


def stage_plugin(path, rundir):
    """EAL loads plugins only from below directories nobody else can write."""
    staged = os.path.join(rundir, os.path.basename(path))
    shutil.copy(path, staged)
    return staged


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--daemon', required=True)
    ap.add_argument('--pmd', required=True, help='librte_pmd_virtio_crypto.so')
    ap.add_argument('--daemon-arg', action='append', default=[],
                    help='extra daemon option (after --), repeatable')
    ap.add_argument('--vdev-args', default='', help='more devargs, e.g. packed=1')
    ap.add_argument('--expect', action='append', default=[])
    ap.add_argument('--reject', action='append', default=[])
    ap.add_argument('--expect-rc', type=int, default=0)
    ap.add_argument('--timeout', type=int, default=300)
    ap.add_argument('--kill-daemon-after', type=float)
    ap.add_argument('--restart-daemon-after', type=float,
                    help='with --kill-daemon-after: a new daemon that long after the kill')
    ap.add_argument('--restarts', type=int, default=1,
                    help='with --restart-daemon-after: kill and restart this many times')
    ap.add_argument('--first-restart-arg', action='append', default=[],
                    help='extra option for the first restarted daemon only, repeatable')
    ap.add_argument('--show', type=int, default=40, help='output lines to print at the end')
    ap.add_argument('program', nargs=argparse.REMAINDER)
    a = ap.parse_args()
    prog = a.program[1:] if a.program[:1] == ['--'] else a.program
    if not prog:
        ap.error('no program given')

    rundir = tempfile.mkdtemp(prefix='vc-vu-', dir='/run')
    os.chmod(rundir, 0o755)
    sock = os.path.join(rundir, 'vc.sock')
    prefix = f'vc-vu-d{os.getpid()}'
    pmd = stage_plugin(a.pmd, rundir)
    vdev = f'crypto_virtio_user0,path={sock}' + (f',{a.vdev_args}' if a.vdev_args else '')
    prog = [x.replace('@SOCK@', sock).replace('@PMD@', pmd).replace('@VDEV@', vdev)
            for x in prog]

    daemon_log = open(os.path.join(rundir, 'daemon.log'), 'w+')

    def start_daemon(extra=()):
        return subprocess.Popen(
            [a.daemon, '-l', '1', '--no-pci', '--in-memory', f'--file-prefix={prefix}',
             '--', '--socket', sock] + a.daemon_arg + list(extra),
            stdout=daemon_log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)

    daemon = start_daemon()
    # With --client the daemon connects to the program, which listens (server=1).
    daemon_connects = '--client' in a.daemon_arg
    try:
        if daemon_connects:
            time.sleep(0.5)
            check('daemon running, to connect', daemon.poll() is None)
        else:
            deadline = time.monotonic() + 30
            while not os.path.exists(sock) and daemon.poll() is None and \
                    time.monotonic() < deadline:
                time.sleep(0.1)
            check('daemon listening', os.path.exists(sock))

        print('+ ' + ' '.join(prog))
        sys.stdout.flush()
        start = time.monotonic()
        p = subprocess.Popen(prog, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True, text=True,
                             errors='replace')
        killed_daemon = False
        try:
            out = None
            rounds = a.restarts if a.restart_daemon_after is not None else 1
            for r in range(rounds if a.kill_daemon_after is not None else 0):
                try:
                    out, _ = p.communicate(timeout=a.kill_daemon_after)
                    break
                except subprocess.TimeoutExpired:
                    pass
                os.killpg(daemon.pid, signal.SIGKILL)
                daemon.wait()
                killed_daemon = True
                print('--- daemon killed')
                sys.stdout.flush()
                if a.restart_daemon_after is None:
                    break
                try:
                    out, _ = p.communicate(timeout=a.restart_daemon_after)
                    break
                except subprocess.TimeoutExpired:
                    pass
                # the killed one's socket file is still there
                # (when it listened: else the socket is the program's)
                if not daemon_connects and os.path.exists(sock):
                    os.unlink(sock)
                daemon = start_daemon(a.first_restart_arg if r == 0 else ())
                print('--- daemon restarted' + (' with ' + ' '.join(a.first_restart_arg)
                                                if r == 0 and a.first_restart_arg else ''))
                sys.stdout.flush()
            if out is None:
                out, _ = p.communicate(timeout=max(1, a.timeout - (time.monotonic() - start)))
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            out, _ = p.communicate()
            timed_out = True
        elapsed = time.monotonic() - start
        lines = out.splitlines()
        print('\n'.join(lines[-a.show:]))
        print(f'--- program finished in {elapsed:.1f} s, rc {p.returncode}')
        check(f'program exits with {a.expect_rc}', not timed_out and p.returncode == a.expect_rc,
              'timed out' if timed_out else f'rc {p.returncode}')
        for rx in a.expect:
            check(f'output matches /{rx}/', re.search(rx, out, re.M) is not None)
        for rx in a.reject:
            m = re.search(rx, out, re.M)
            check(f'output has no /{rx}/', m is None, m.group(0) if m else '')

        if a.kill_daemon_after is not None:
            check('daemon was killed while the program ran', killed_daemon)
            if a.restart_daemon_after is None:
                return
        check('daemon survived the program', daemon.poll() is None)
        t = wait_disconnected(prefix, sock, timeout=20)
        check('daemon: frontend gone, every session, op and mbuf given back',
              all_given_back(t), str(t))
        if isinstance(t, dict):
            print('daemon: ' + ', '.join(f'{k} {v}' for k, v in t.items()
                                         if k in ('requests', 'completed_ok', 'completed_err',
                                                  'sessions_created', 'stateless_ops')))
        daemon.send_signal(signal.SIGINT)
        try:
            rc = daemon.wait(timeout=20)
        except subprocess.TimeoutExpired:
            rc = None
        check('daemon stops cleanly on SIGINT', rc == 0, f'rc {rc}')
    finally:
        if daemon.poll() is None:
            os.killpg(daemon.pid, signal.SIGKILL)
            daemon.wait()
        daemon_log.seek(0)
        tail = daemon_log.read().splitlines()[-15:]
        daemon_log.close()
        if not all(results):
            print('--- daemon log (last lines)')
            print('\n'.join(tail))
        shutil.rmtree(rundir, ignore_errors=True)
        print(f'checks: {results.count(True)} passed, {results.count(False)} failed')


if __name__ == '__main__':
    main()
    sys.exit(0 if results and all(results) else 1)
