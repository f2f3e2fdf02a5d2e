# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-virtio-crypto authors
"""The vhost-crypto daemon's counters, read through DPDK telemetry.

Shared by the tests that run a daemon (app/test/vm, app/test/virtio_user):
after its frontend leaves, every session, op and mbuf must be back.
"""

import json
import socket
import time


def telemetry(prefix, cmd):
    """One DPDK telemetry command to the process of this --file-prefix; its value."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(10)
    try:
        s.connect(f'/var/run/dpdk/{prefix}/dpdk_telemetry.v2')
        s.recv(4096)
        s.send(cmd.encode())
        return json.loads(s.recv(65536)).get(cmd.split(',')[0])
    except (OSError, ValueError) as e:
        return f'telemetry error: {e}'
    finally:
        s.close()


def wait_disconnected(prefix, sock, timeout=15):
    """The socket's counters once the daemon has seen its frontend go (or at the timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        t = telemetry(prefix, f'/vhost_crypto/stats,{sock}')
        if (isinstance(t, dict) and not t['connected']) or time.monotonic() > deadline:
            return t
        time.sleep(0.2)


def all_given_back(t):
    """Frontend gone, every session destroyed, no op, mbuf or AAD buffer in use."""
    return (isinstance(t, dict) and not t['connected'] and
            t['sessions_destroyed'] == t['sessions_created'] and t['sessions_live'] == 0 and
            t['ops_in_use'] == 0 and t['mbufs_in_use'] == 0 and
            t.get('aad_bufs_in_use', 0) == 0)
