#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The vhost-crypto daemon's sockets.

--socket PATH serves PATH only if nothing but a socket is there, and the
same for librte_vhost's private PATH.lib: anything else (a regular file, a
directory, a symbolic link) is left alone and the daemon exits 1 naming it.
A path too long for a unix socket is refused before anything is created.
One daemon per socket: a second one exits 1 while the first keeps serving;
the first removes its socket and lock file when it stops. A stale socket
left by a killed daemon is replaced by the next one.
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

TIMEOUT = 30	# seconds for any one thing the daemon does
results = []


def check(what, good, detail=''):
    results.append(bool(good))
    print(f'{"PASS" if good else "FAIL"}: {what}' + (f' ({detail})' if detail and not good else ''))


def run(daemon, args):
    """A daemon that must exit by itself: (exit status, stderr)."""
    r = subprocess.run([daemon] + args, capture_output=True, text=True, timeout=TIMEOUT,
                       stdin=subprocess.DEVNULL)
    return r.returncode, r.stderr


def connects(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
        return True
    except OSError:
        return False
    finally:
        s.close()


class Daemon:
    """A daemon serving one socket, up once it says so."""

    def __init__(self, daemon, path):
        self.log = tempfile.TemporaryFile('w+')
        self.p = subprocess.Popen([daemon, '--socket', path], stdout=self.log,
                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                  start_new_session=True)
        deadline = time.monotonic() + TIMEOUT
        while (f'serving {path}' not in self.text() and self.p.poll() is None
               and time.monotonic() < deadline):
            time.sleep(0.1)
        self.up = f'serving {path}' in self.text() and self.p.poll() is None

    def text(self):
        self.log.seek(0)
        return self.log.read()

    def stop(self, sig=signal.SIGTERM):
        try:
            os.killpg(self.p.pid, sig)
            return self.p.wait(TIMEOUT)
        finally:
            if self.p.poll() is None:
                os.killpg(self.p.pid, signal.SIGKILL)
                self.p.wait()
            self.log.close()


def refused(daemon, what, path, message, keep):
    """Exit 1 naming path and message; what was in keep is untouched, no lock made."""
    before = {p: (os.lstat(p), os.readlink(p) if os.path.islink(p) else None) for p in keep}
    rc, err = run(daemon, ['--socket', path])
    after = {p: (os.lstat(p), os.readlink(p) if os.path.islink(p) else None)
             for p in keep if os.path.lexists(p)}
    same = all(p in after and after[p][0].st_ino == before[p][0].st_ino and
               after[p][1] == before[p][1] for p in keep)
    check(f'{what}: exit 1, "{message}", left alone, no lock file',
          rc == 1 and path in err and message in err and same
          and not os.path.lexists(path + '.lock'),
          f'exit {rc}, stderr {err.strip()[-300:]!r}, untouched {same}')


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--daemon', required=True, help='path of vhost-crypto')
    d = ap.parse_args().daemon

    rundir = tempfile.mkdtemp(prefix='vc-sockets-')
    try:
        path = os.path.join(rundir, 'vc.sock')

        with open(path, 'w') as f:
            f.write('precious\n')
        refused(d, 'regular file at PATH', path, 'is a regular file, not a socket', [path])
        check('regular file at PATH: content kept', open(path).read() == 'precious\n')
        os.unlink(path)

        os.mkdir(path)
        refused(d, 'directory at PATH', path, 'is a directory, not a socket', [path])
        os.rmdir(path)

        target = os.path.join(rundir, 'target')
        open(target, 'w').close()
        os.symlink(target, path)
        refused(d, 'symbolic link at PATH', path, 'is a symbolic link, not a socket',
                [path, target])
        os.unlink(path)

        with open(path + '.lib', 'w') as f:
            f.write('precious\n')
        refused(d, 'regular file at PATH.lib', path, 'is a regular file, not a socket',
                [path + '.lib'])
        os.unlink(path + '.lib')

        # 104 bytes: fits sun_path (108) alone, not with ".lib".
        long_path = os.path.join(rundir, 'x' * (104 - len(rundir) - 1))
        rc, err = run(d, ['--socket', long_path])
        check('path too long with ".lib": exit 1, names the limit, nothing created',
              rc == 1 and 'too long' in err and 'the limit is 107' in err
              and os.listdir(rundir) == ['target'],
              f'exit {rc}, stderr {err.strip()[-300:]!r}, dir {os.listdir(rundir)}')

        missing = os.path.join(rundir, 'no-such-dir', 'vc.sock')
        rc, err = run(d, ['--socket', missing])
        check('directory missing: exit 1, "No such file or directory"',
              rc == 1 and missing in err and 'No such file or directory' in err,
              f'exit {rc}, stderr {err.strip()[-300:]!r}')

        rc, err = run(d, ['--socket', path, '--socket', path])
        check('the same --socket twice: exit 1, "given twice", nothing created',
              rc == 1 and f'--socket {path} is given twice' in err
              and os.listdir(rundir) == ['target'],
              f'exit {rc}, stderr {err.strip()[-300:]!r}, dir {os.listdir(rundir)}')

        # One daemon per socket.
        first = Daemon(d, path)
        try:
            check('first daemon serves', first.up, first.text()[-500:])
            rc, err = run(d, ['--socket', path])
            check('second daemon on the same socket: exit 1, names the first one',
                  rc == 1 and f'another daemon (pid {first.p.pid}) serves {path}' in err,
                  f'exit {rc}, stderr {err.strip()[-300:]!r}')
            check('first daemon still serves: running, its socket answers',
                  first.p.poll() is None and os.path.exists(path) and connects(path))
        finally:
            rc = first.stop()
        check('first daemon exits 0; socket, PATH.lib and lock file gone',
              rc == 0 and not any(os.path.lexists(path + s) for s in ('', '.lib', '.lock')),
              f'exit {rc}, dir {os.listdir(rundir)}')

        # A killed daemon's socket is stale: the next daemon replaces it.
        killed = Daemon(d, path)
        check('daemon to be killed serves', killed.up, killed.text()[-500:])
        killed.stop(signal.SIGKILL)
        stale = os.path.exists(path) and not connects(path)
        check('after SIGKILL the socket is stale (there, refusing)', stale)
        second = Daemon(d, path)
        try:
            check('next daemon replaces the stale socket and serves',
                  second.up and connects(path), second.text()[-500:])
        finally:
            rc = second.stop()
        check('it exits 0; socket, PATH.lib and lock file gone',
              rc == 0 and not any(os.path.lexists(path + s) for s in ('', '.lib', '.lock')),
              f'exit {rc}, dir {os.listdir(rundir)}')
    finally:
        shutil.rmtree(rundir)

    passed = sum(results)
    print(f'{passed} passed, {len(results) - passed} failed')
    return 0 if passed == len(results) else 1


if __name__ == '__main__':
    sys.exit(main())
