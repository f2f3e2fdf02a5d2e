# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-virtio-crypto authors
"""The vhost-crypto daemon as a test runs it: started on sockets of its own,
its counters read through telemetry, its log kept, stopped with SIGINT.

The EAL line is run_with_daemon.py's (main lcore 1, no PCI, in memory, a file
prefix of its own) plus the library's INFO log level, so that the log shows
each refusal.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'common'))
from vc_telemetry import all_given_back, telemetry  # noqa: E402


class Daemon:
    def __init__(self, binary, name, nb_sockets=1, extra_args=(), timeout=20.0):
        self.timeout = timeout
        self.rundir = tempfile.mkdtemp(prefix=f'vc-ctl-{name}-')
        self.sockets = [os.path.join(self.rundir, f'vc{i}.sock') for i in range(nb_sockets)]
        self.prefix = f'vc-ctl-{name}-{os.getpid()}'
        self.log_path = os.path.join(self.rundir, 'daemon.log')
        self.log = open(self.log_path, 'w+')
        args = [binary, '-l', '1', '--no-pci', '--in-memory', f'--file-prefix={self.prefix}',
                '--log-level=lib.vhost_crypto:info', '--']
        for s in self.sockets:
            args += ['--socket', s]
        args += list(extra_args)
        env = dict(os.environ)
        # An ASan build: what EAL leaves allocated at exit is not ours to
        # report (telemetry checks what the daemon gives back).
        env['ASAN_OPTIONS'] = ':'.join(filter(None, [env.get('ASAN_OPTIONS'), 'detect_leaks=0']))
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True,
                                     env=env)
        self.stop_rc = None

    def wait_ready(self):
        """Every socket listening and its counters readable; False if not in time."""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline and self.alive():
            if all(os.path.exists(s) and isinstance(self.stats(s), dict) for s in self.sockets):
                return True
            time.sleep(0.05)
        return False

    def alive(self):
        return self.proc.poll() is None

    def how_it_ended(self):
        rc = self.proc.poll()
        if rc is None:
            return 'running'
        if rc < 0:
            return f'killed by {signal.Signals(-rc).name}'
        return f'exited with {rc}'

    def stats(self, sock=None):
        """The socket's counters (a dict), or a string saying why not."""
        return telemetry(self.prefix, f'/vhost_crypto/stats,{sock or self.sockets[0]}')

    def wait_stats(self, pred, sock=None, timeout=None):
        """Counters once pred(counters) holds, or the last ones read at the timeout."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            t = self.stats(sock)
            if (isinstance(t, dict) and pred(t)) or time.monotonic() > deadline or \
                    not self.alive():
                return t
            time.sleep(0.05)

    def wait_given_back(self, sock=None):
        """Counters once the frontend is gone and everything is back."""
        return self.wait_stats(all_given_back, sock)

    def counter(self, name, sock=None):
        t = self.stats(sock)
        return t.get(name) if isinstance(t, dict) else None

    # Larger than any mapping of data a daemon has (its hugepages included).
    SHADOW_MIN = 1 << 40

    def memory_holds(self, needle):
        """Where the daemon's writable memory holds these bytes: [(address, mapping)].

        Reads /proc/PID/mem (the daemon is our child), every rw mapping.
        """
        hits = []
        with open(f'/proc/{self.proc.pid}/maps') as f:
            maps = f.read().splitlines()
        fd = os.open(f'/proc/{self.proc.pid}/mem', os.O_RDONLY)
        try:
            for line in maps:
                fields = line.split(None, 5)
                if not fields[1].startswith('rw'):
                    continue
                lo, hi = (int(x, 16) for x in fields[0].split('-'))
                name = fields[5].strip() if len(fields) > 5 else '[anonymous]'
                # A sanitizer's shadow (terabytes, reserved, never data).
                if hi - lo > self.SHADOW_MIN:
                    continue
                tail, at = b'', lo
                while at < hi:
                    try:
                        chunk = os.pread(fd, min(4 << 20, hi - at), at)
                    except OSError:
                        break
                    if not chunk:
                        break
                    i = (tail + chunk).find(needle)
                    if i >= 0:
                        hits.append((at - len(tail) + i, name))
                    tail = chunk[-(len(needle) - 1):]
                    at += len(chunk)
        finally:
            os.close(fd)
        return hits

    def log_text(self):
        self.log.flush()
        with open(self.log_path, errors='replace') as f:
            return f.read()

    def stop(self, timeout=None):
        """SIGINT; (exit code or None if still running, seconds it took)."""
        if not self.alive():
            return self.proc.returncode, 0.0
        start = time.monotonic()
        self.proc.send_signal(signal.SIGINT)
        try:
            rc = self.proc.wait(timeout=timeout or self.timeout)
        except subprocess.TimeoutExpired:
            rc = None
        return rc, time.monotonic() - start

    def kill(self):
        if self.alive():
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def cleanup(self):
        self.kill()
        self.log.close()
        for s in self.sockets:
            # A killed daemon leaves its library's private directory too.
            for p in (s, s + '.lib/sock', s + '.lib/bind', s + '.lib', s + '.lock'):
                try:
                    os.rmdir(p) if os.path.isdir(p) else os.unlink(p)
                except FileNotFoundError:
                    pass
        # EAL leaves its runtime directory, and a daemon that crashed its
        # telemetry socket in it.
        eal_dir = f'/var/run/dpdk/{self.prefix}'
        for path in (self.log_path, self.rundir, f'{eal_dir}/dpdk_telemetry.v2', eal_dir):
            try:
                os.rmdir(path) if os.path.isdir(path) else os.unlink(path)
            except OSError:
                pass
