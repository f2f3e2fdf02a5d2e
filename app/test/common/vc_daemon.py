# SPDX-License-Identifier: BSD-3-Clause
"""The vhost-crypto daemon in a test: started, waited for, stopped.

Tests wait for what the daemon says, never for a fixed time: a daemon is up
once it printed which lcore polls its sockets (after it serves them all).
"""

import os
import re
import signal
import socket
import subprocess
import tempfile
import time

TIMEOUT = 30	# seconds for any one thing the daemon does


def socket_listens(path):
    """Something accepts connections at the unix socket path (not a stale file)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
        return True
    except OSError:
        return False
    finally:
        s.close()


class DaemonRun:
    """vhost-crypto [EAL --] --socket PATH [args], its output in a file."""

    def __init__(self, binary, path, args=(), eal=(), env=None, timeout=TIMEOUT):
        self.timeout = timeout
        self.log = tempfile.TemporaryFile('w+')
        argv = [binary, *eal, '--'] if eal else [binary]
        # The daemon writes through a file of its own, appending: sharing
        # ours, it would write wherever text() last seeked to (a live
        # upgrade writes a lot at once).
        out = os.open(f'/proc/self/fd/{self.log.fileno()}', os.O_WRONLY | os.O_APPEND)
        try:
            self.p = subprocess.Popen(argv + ['--socket', path, *args], stdout=out,
                                      stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                      start_new_session=True, env=env)
        finally:
            os.close(out)
        self.path = path
        self.up = self.wait_for(lambda t: re.search(r'^vhost-crypto: lcore \d+ polls', t, re.M))

    def text(self):
        self.log.seek(0)
        return self.log.read()

    def wait_for(self, pred):
        """pred(output so far) came true while the daemon ran, within the timeout."""
        deadline = time.monotonic() + self.timeout
        while self.p.poll() is None and time.monotonic() < deadline:
            if pred(self.text()):
                return True
            time.sleep(0.05)
        return bool(pred(self.text())) and self.p.poll() is None

    def stop(self, sig=signal.SIGTERM):
        """Signal the daemon and wait: its exit status (SIGKILL after the timeout)."""
        try:
            os.killpg(self.p.pid, sig)
            return self.p.wait(self.timeout)
        finally:
            if self.p.poll() is None:
                os.killpg(self.p.pid, signal.SIGKILL)
                self.p.wait()
            self.log.close()
