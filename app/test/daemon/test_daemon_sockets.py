#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The vhost-crypto daemon's sockets.

--socket PATH serves PATH only if nothing but a socket is there: anything
else (a regular file, a directory, a symbolic link) is left alone and the
daemon exits 1 naming it. PATH.lib is the library's private directory
(0700, librte_vhost's socket inside): a directory of another user's or one
open to others is refused the same way; an older release's socket there is
replaced. A path too long for a unix socket (with ".lib/sock") is refused
before anything is created. One daemon per socket: a second one exits 1
while the first keeps serving; the first removes its socket, directory and
lock file when it stops. A stale socket left by a killed daemon is replaced
by the next one.

Permissions: the socket is 0600 by default, so another user cannot
connect; --socket-mode and --socket-group open it to a group, never the
private socket behind it. Checked by connecting as user and group 65534
(nobody, nogroup).
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'common'))
from vc_daemon import (TIMEOUT, DaemonRun as Daemon,  # noqa: E402
                       socket_listens as connects)

results = []


def check(what, good, detail=''):
    results.append(bool(good))
    print(f'{"PASS" if good else "FAIL"}: {what}' + (f' ({detail})' if detail and not good else ''))


def run(daemon, args):
    """A daemon that must exit by itself: (exit status, stderr)."""
    r = subprocess.run([daemon] + args, capture_output=True, text=True, timeout=TIMEOUT,
                       stdin=subprocess.DEVNULL)
    return r.returncode, r.stderr


NOBODY = 65534	# user nobody, group nogroup on Debian


def connects_as_nobody(path):
    """'ok', or the error connect() gives to user and group 65534."""
    probe = ('import socket, sys\n'
             's = socket.socket(socket.AF_UNIX)\n'
             'try:\n'
             '    s.connect(sys.argv[1]); print("ok")\n'
             'except OSError as e:\n'
             '    print(e.strerror)\n')
    r = subprocess.run(['/usr/bin/python3', '-c', probe, path], capture_output=True, text=True,
                       timeout=TIMEOUT, user=NOBODY, group=NOBODY, extra_groups=[])
    return r.stdout.strip() or r.stderr.strip()


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
    # Others may enter (mkdtemp makes it 0700): the sockets' own modes are under test.
    os.chmod(rundir, 0o755)
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

        os.mkdir(path + '.lib', 0o700)
        os.chown(path + '.lib', NOBODY, NOBODY)
        refused(d, "another user's directory at PATH.lib", path,
                f'belongs to uid {NOBODY}', [path + '.lib'])
        os.chown(path + '.lib', 0, 0)
        os.chmod(path + '.lib', 0o755)
        refused(d, 'a directory open to others at PATH.lib', path,
                'is open to others (mode 0755)', [path + '.lib'])
        os.rmdir(path + '.lib')

        # 100 bytes: fits sun_path (108) alone and with ".lib", not with ".lib/sock".
        long_path = os.path.join(rundir, 'x' * (100 - len(rundir) - 1))
        rc, err = run(d, ['--socket', long_path])
        check('path too long with ".lib/sock": exit 1, names the limit, nothing created',
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

        for args, message in (
                (['--socket-mode', '999'], "invalid --socket-mode '999'"),
                (['--socket-mode', '1777'], "invalid --socket-mode '1777'"),
                (['--socket-owner', 'no-such-user-vc'], "'no-such-user-vc': no such user"),
                (['--socket-group', 'no-such-group-vc'], "'no-such-group-vc': no such group"),
                (['--client', '--socket-mode', '0660'], 'do not apply')):
            rc, err = run(d, ['--socket', path, *args])
            check(f'{" ".join(args)}: exit 2, "{message}", nothing created',
                  rc == 2 and message in err and os.listdir(rundir) == ['target'],
                  f'exit {rc}, stderr {err.strip()[-300:]!r}, dir {os.listdir(rundir)}')

        # Permissions: 0600 by default, the private directory always 0700.
        first = Daemon(d, path)
        try:
            st, lib = os.stat(path), os.stat(path + '.lib')
            check('default: socket root 0600, PATH.lib a 0700 directory with the '
                  'private socket in it',
                  first.up and (st.st_mode & 0o7777, st.st_uid) == (0o600, 0)
                  and (lib.st_mode & 0o7777) == 0o700
                  and os.path.exists(path + '.lib/sock'),
                  f'socket {st.st_mode:o}, lib {lib.st_mode:o}, {first.text()[-300:]!r}')
            got = connects_as_nobody(path)
            check('default: another user cannot connect', got == 'Permission denied', got)
        finally:
            first.stop()
        group = Daemon(d, path, ['--socket-mode', '0660', '--socket-group', 'nogroup',
                                 '--socket-owner', str(NOBODY)])
        try:
            st = os.stat(path)
            check('--socket-mode 0660 --socket-group nogroup --socket-owner 65534: '
                  'the socket has them',
                  group.up and (st.st_mode & 0o7777, st.st_uid, st.st_gid) ==
                  (0o660, NOBODY, NOBODY), f'{st}, {group.text()[-300:]!r}')
            got = connects_as_nobody(path)
            check('the group connects to the socket', got == 'ok', got)
            got = connects_as_nobody(path + '.lib/sock')
            check('the group cannot reach the private socket behind it',
                  got == 'Permission denied', got)
        finally:
            group.stop()

        # An older release left a socket at PATH.lib: replaced.
        old = socket.socket(socket.AF_UNIX)
        old.bind(path + '.lib')
        old.close()
        renewed = Daemon(d, path)
        try:
            check("an older release's socket at PATH.lib is replaced by the directory",
                  renewed.up and os.path.isdir(path + '.lib'), renewed.text()[-300:])
        finally:
            renewed.stop()

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
