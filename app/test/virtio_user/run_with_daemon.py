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

The program starts once the daemon serves its socket (it printed that it
does; a listening daemon's socket is there).

Faults are steps, --at EVENT ACTION, taken in order while the program runs,
each once its event has happened (never after a fixed delay):

  EVENT   now                  at once (after the previous step)
          out:REGEX            a line the program printed since the previous
                               step matches; its named groups can be used
                               as N below, {name}
          KEY>=N               the current daemon's telemetry counter KEY
                               (/vhost_crypto/stats, e.g. queue0_requests)
                               has reached N: traffic is flowing through it
          KEY>=+N              ... has grown by N since the last mark
  ACTION  kill                 SIGKILL the daemon
          start[:OPT,OPT...]   a new daemon on the same socket (with these
                               extra options), waited for until it serves
          tell:TEXT            write the line TEXT to the program
          mark                 note the daemon's counters (for KEY>=+N)
          none                 only wait for the event
          upgrade:a|b          a live upgrade (with --daemon-b): build a
                               (--daemon) or b put in place of the file the
                               daemon runs from, then SIGHUP; waited for
                               until the new build serves and, with the
                               program connected, adopted its connection;
                               checked: the same pid, that build's name in
                               the log

With steps the program's standard input is a pipe on which it is told
"daemon killed" and "daemon started" after each kill and start, so that it
can wait for those events too.

Checks, each printed as PASS/FAIL, then "checks: N passed, M failed":
  - every step was taken while the program ran;
  - the program exits with --expect-rc (default 0) within --timeout;
  - every --expect REGEX matches its output, no --reject REGEX does;
  - unless the last step killed the daemon: the daemon is still running
    afterwards, has seen the frontend leave, and holds no session, op or
    mbuf any more (its telemetry says so), and it stops cleanly on SIGINT.
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

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'common'))
from vc_telemetry import all_given_back, telemetry, wait_disconnected  # noqa: E402

# Every wait here is for an event; these only bound how long one may take
# before the test fails. Generous: CI machines are busy (both cores may be
# kept busy by other work), and nothing waits longer than its event takes.
DAEMON_READY_S = 120    # a daemon started, until it serves its socket
STEP_S = 180            # one --at step's event
DISCONNECT_S = 60       # the daemon seeing the frontend leave
DAEMON_EXIT_S = 30      # the daemon exiting on SIGINT
POLL_S = 0.05           # how often telemetry and files are looked at

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


class Output:
    """The program's output, read as it comes, so that steps can wait for lines."""

    def __init__(self, stream):
        self.lines = []
        self.ended = False
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream):
        for line in stream:
            with self.cond:
                self.lines.append(line)
                self.cond.notify_all()
        with self.cond:
            self.ended = True
            self.cond.notify_all()

    def find(self, rx, since):
        """Index of the first line from since on matching rx, or None."""
        with self.cond:
            for i in range(since, len(self.lines)):
                if rx.search(self.lines[i]):
                    return i
        return None

    def count(self):
        with self.cond:
            return len(self.lines)

    def wait(self, timeout):
        with self.cond:
            if not self.ended:
                self.cond.wait(timeout)

    def text(self):
        self.thread.join()
        return ''.join(self.lines)


def parse_step(event, action):
    if event == 'now':
        ev = ('now',)
    elif event.startswith('out:'):
        ev = ('out', re.compile(event[4:]))
    elif re.fullmatch(r'\w+>=\+?(\d+|\{\w+\})', event):
        key, n = event.split('>=')
        ev = ('tel', key, n.lstrip('+'), n.startswith('+'))
    else:
        raise ValueError(f'unknown event {event!r}')
    if action in ('upgrade:a', 'upgrade:b'):
        act = ('upgrade', [action[8:]])
    elif action in ('kill', 'none', 'start', 'mark'):
        act = (action, [])
    elif action.startswith('start:'):
        act = ('start', action[6:].split(','))
    elif action.startswith('tell:'):
        act = ('tell', [action[5:]])
    else:
        raise ValueError(f'unknown action {action!r}')
    return ev, act


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--daemon', required=True)
    ap.add_argument('--pmd', required=True, help='librte_pmd_virtio_crypto.so')
    ap.add_argument('--daemon-arg', action='append', default=[],
                    help='extra daemon option (after --), repeatable')
    ap.add_argument('--daemon-b', help='the daemon built with another VC_BUILD_ID: the '
                    'daemon then runs from a copy that upgrade steps replace')
    ap.add_argument('--vdev-args', default='', help='more devargs, e.g. packed=1')
    ap.add_argument('--expect', action='append', default=[])
    ap.add_argument('--reject', action='append', default=[])
    ap.add_argument('--expect-rc', type=int, default=0)
    ap.add_argument('--timeout', type=int, default=300, help='for the whole program, s')
    ap.add_argument('--at', nargs=2, action='append', default=[], metavar=('EVENT', 'ACTION'),
                    help='a fault step (see above), repeatable, taken in order')
    ap.add_argument('--show', type=int, default=40, help='output lines to print at the end')
    ap.add_argument('program', nargs=argparse.REMAINDER)
    a = ap.parse_args()
    prog = a.program[1:] if a.program[:1] == ['--'] else a.program
    if not prog:
        ap.error('no program given')
    try:
        steps = [parse_step(e, act) for e, act in a.at]
    except (ValueError, re.error) as e:
        ap.error(str(e))

    rundir = tempfile.mkdtemp(prefix='vc-vu-', dir='/run')
    os.chmod(rundir, 0o755)
    sock = os.path.join(rundir, 'vc.sock')
    prefix = f'vc-vu-d{os.getpid()}'
    pmd = stage_plugin(a.pmd, rundir)
    vdev = f'crypto_virtio_user0,path={sock}' + (f',{a.vdev_args}' if a.vdev_args else '')
    prog = [x.replace('@SOCK@', sock).replace('@PMD@', pmd).replace('@VDEV@', vdev)
            for x in prog]
    # With --client the daemon connects to the program, which listens (server=1).
    daemon_connects = '--client' in a.daemon_arg
    logs = []
    # With --daemon-b the daemon runs from a file of ours, as installed by a
    # package: an upgrade step renames another build over it. The copies
    # find the library where the build put it.
    daemon_path = a.daemon
    builds = {'a': os.path.abspath(a.daemon)}
    if a.daemon_b:
        builds['b'] = os.path.abspath(a.daemon_b)
        daemon_path = os.path.join(rundir, 'vhost-crypto')
        shutil.copy2(a.daemon, daemon_path)
        libdir = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
            builds['a']))), 'lib', 'vhost')
        os.environ['LD_LIBRARY_PATH'] = ':'.join(filter(None, [libdir,
                                                               os.environ.get('LD_LIBRARY_PATH')]))
    build_names = {'b': 'upgrade-test-b'}

    def start_daemon(extra=()):
        log = os.path.join(rundir, f'daemon-{len(logs)}.log')
        logs.append(log)
        with open(log, 'w') as f:
            return subprocess.Popen(
                [daemon_path, '-l', '1', '--no-pci', '--in-memory', f'--file-prefix={prefix}',
                 '--', '--socket', sock] + a.daemon_arg + list(extra),
                stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)

    def daemon_serves(d):
        """Wait until the daemon says it serves the socket (and, listening, the socket is there)."""
        t0 = time.monotonic()
        line = re.compile(r'^vhost-crypto: serving ' + re.escape(sock) + ' ', re.M)
        while d.poll() is None and time.monotonic() < t0 + DAEMON_READY_S:
            with open(logs[-1], errors='replace') as f:
                if line.search(f.read()) and (daemon_connects or os.path.exists(sock)):
                    return True
            time.sleep(POLL_S)
        # Say why: a slow start and an early exit need different fixes.
        with open(logs[-1], errors='replace') as f:
            tail = f.read().splitlines()[-20:]
        print(f'--- daemon not serving after {time.monotonic() - t0:.1f} s; '
              + (f'it exited with {d.returncode}' if d.poll() is not None else 'it runs')
              + f'; socket {"there" if os.path.exists(sock) else "absent"}; its log:')
        print('\n'.join(tail))
        sys.stdout.flush()
        return False

    def daemon_log():
        with open(logs[-1], errors='replace') as f:
            return f.read()

    def wait_log(rx, count):
        deadline = time.monotonic() + STEP_S
        while time.monotonic() < deadline and daemon.poll() is None:
            if len(re.findall(rx, daemon_log(), re.M)) >= count:
                return True
            time.sleep(POLL_S)
        return False

    def upgrade(which, what, connected):
        """Build `which` in place, SIGHUP, wait until it serves (and adopted the program)."""
        if 'a' not in build_names:
            m = re.search(r'^vhost-crypto: build (.*), pid \d+$', daemon_log(), re.M)
            build_names['a'] = m.group(1) if m else '?'
        served = len(re.findall(r'^vhost-crypto: serving ', daemon_log(), re.M))
        adopted = daemon_log().count('upgrade: connection adopted')
        tmp = daemon_path + '.new'
        shutil.copy2(builds[which], tmp)
        os.rename(tmp, daemon_path)
        t0 = time.monotonic()
        daemon.send_signal(signal.SIGHUP)
        ok = (wait_log(r'^vhost-crypto: serving ', served + 1) and
              (not connected or wait_log(r'upgrade: connection adopted', adopted + 1)))
        names = re.findall(r'^vhost-crypto: build (.*), pid (\d+), taking over', daemon_log(),
                           re.M)
        print(f'--- {what}: upgraded to build {which} in {time.monotonic() - t0:.1f} s')
        check(f'{what}: the daemon re-executed build {which} ({build_names[which]}), same pid'
              + (', the program\'s connection adopted' if connected else ''),
              ok and names[-1:] == [(build_names[which], str(daemon.pid))],
              f'{names[-1:]}, pid {daemon.pid}, ' +
              (f'exited {daemon.returncode}' if daemon.poll() is not None else 'running'))
        return ok

    def kill_daemon(d):
        if d.poll() is None:
            os.killpg(d.pid, signal.SIGKILL)
        d.wait()

    daemon = start_daemon()
    try:
        check('daemon serves its socket' + (' (connecting to it)' if daemon_connects else ''),
              daemon_serves(daemon))

        print('+ ' + ' '.join(prog))
        sys.stdout.flush()
        start = time.monotonic()
        p = subprocess.Popen(prog, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             stdin=subprocess.PIPE if steps else subprocess.DEVNULL,
                             start_new_session=True, text=True, errors='replace')
        out = Output(p.stdout)

        def tell(what):
            try:
                p.stdin.write(what + '\n')
                p.stdin.flush()
            except OSError:
                pass    # the program has gone; its exit is checked below

        found = {}      # named groups of the out: events so far
        marked = {}     # the daemon's counters at the last mark

        def happened(ev, since):
            """Wait for a step's event: True once it happened, False if the program ended first."""
            deadline = time.monotonic() + STEP_S
            while time.monotonic() < deadline:
                if ev[0] == 'now':
                    return True
                if ev[0] == 'out':
                    i = out.find(ev[1], since)
                    if i is not None:
                        found.update(ev[1].search(out.lines[i]).groupdict())
                        return True
                if ev[0] == 'tel':
                    want = int(ev[2].format(**found)) + (marked.get(ev[1], 0) if ev[3] else 0)
                    t = telemetry(prefix, f'/vhost_crypto/stats,{sock}')
                    if isinstance(t, dict) and t.get(ev[1], 0) >= want:
                        return True
                if p.poll() is not None and out.ended:
                    return False
                out.wait(POLL_S)
            return False

        killed = False
        since = 0
        timed_out = False
        for n, (ev, (action, extra)) in enumerate(steps, 1):
            what = f'step {n} ({a.at[n - 1][0]} -> {a.at[n - 1][1]})'
            if not happened(ev, since):
                check(f'{what}: its event came while the program ran', False,
                      'the program ended first' if p.poll() is not None else
                      f'not within {STEP_S} s')
                break
            since = out.count()
            if action == 'kill':
                kill_daemon(daemon)
                killed = True
                print(f'--- {what}: daemon killed')
                tell('daemon killed')
            elif action == 'start':
                # a listening daemon leaves its socket file when killed
                if not daemon_connects and os.path.exists(sock):
                    os.unlink(sock)
                daemon = start_daemon(extra)
                killed = False
                ok = daemon_serves(daemon)
                print(f'--- {what}: daemon started' + (' with ' + ' '.join(extra) if extra else '')
                      + ('' if ok else ', but it does not serve'))
                if not ok:
                    check(f'{what}: the new daemon serves its socket', False)
                    break
                tell('daemon started')
            elif action == 'upgrade':
                if not a.daemon_b:
                    check(f'{what}: an upgrade step needs --daemon-b', False)
                    break
                if not upgrade(extra[0], what, p.poll() is None):
                    break
            elif action == 'tell':
                print(f'--- {what}')
                tell(extra[0])
            elif action == 'mark':
                t = telemetry(prefix, f'/vhost_crypto/stats,{sock}')
                marked.clear()
                marked.update(t if isinstance(t, dict) else {})
                print(f'--- {what}: ' + (', '.join(f'{k} {v}' for k, v in marked.items()
                                                  if k in ('requests', 'completed_ok'))
                                        if marked else f'no counters ({t})'))
                if not marked:
                    check(f'{what}: the daemon\'s counters read', False)
                    break
            else:
                print(f'--- {what}')
            sys.stdout.flush()
        else:
            if steps:
                check(f'all {len(steps)} steps taken while the program ran', True)
        try:
            p.wait(timeout=max(1, a.timeout - (time.monotonic() - start)))
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            timed_out = True
        if p.stdin is not None:
            try:
                p.stdin.close()
            except OSError:
                pass
        text = out.text()
        elapsed = time.monotonic() - start
        lines = text.splitlines()
        print('\n'.join(lines[-a.show:]))
        print(f'--- program finished in {elapsed:.1f} s, rc {p.returncode}')
        check(f'program exits with {a.expect_rc}', not timed_out and p.returncode == a.expect_rc,
              'timed out' if timed_out else f'rc {p.returncode}')
        for rx in a.expect:
            check(f'output matches /{rx}/', re.search(rx, text, re.M) is not None)
        for rx in a.reject:
            m = re.search(rx, text, re.M)
            check(f'output has no /{rx}/', m is None, m.group(0) if m else '')

        if killed:
            return      # the last daemon was killed: nothing of it to check
        check('daemon survived the program', daemon.poll() is None)
        t = wait_disconnected(prefix, sock, timeout=DISCONNECT_S)
        check('daemon: frontend gone, every session, op and mbuf given back',
              all_given_back(t), str(t))
        if isinstance(t, dict):
            print('daemon: ' + ', '.join(f'{k} {v}' for k, v in t.items()
                                         if k in ('requests', 'completed_ok', 'completed_err',
                                                  'sessions_created', 'stateless_ops')))
        daemon.send_signal(signal.SIGINT)
        try:
            rc = daemon.wait(timeout=DAEMON_EXIT_S)
        except subprocess.TimeoutExpired:
            rc = None
        check('daemon stops cleanly on SIGINT', rc == 0, f'rc {rc}')
    finally:
        kill_daemon(daemon)
        if not all(results):
            for log in logs[-2:]:
                with open(log, errors='replace') as f:
                    tail = f.read().splitlines()[-15:]
                print(f'--- {os.path.basename(log)} (last lines)')
                print('\n'.join(tail))
        shutil.rmtree(rundir, ignore_errors=True)
        print(f'checks: {results.count(True)} passed, {results.count(False)} failed')


if __name__ == '__main__':
    main()
    sys.exit(0 if results and all(results) else 1)
