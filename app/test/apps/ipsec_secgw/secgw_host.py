#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-virtio-crypto authors
"""DPDK's stock ipsec-secgw, unmodified, on crypto_virtio_user; traffic checked with scapy.

    secgw_host.py --secgw BIN --pmd PLUGIN --vdev CRYPTO_VDEV [--lib] [--sa NAME]...

Meant to be the program of run_with_daemon.py (which starts our daemon and
gives @PMD@ and @VDEV@). ipsec-secgw gets two net_tap ports (the only
virtual PMD offering the RX checksum offload it insists on) whose kernel
interfaces this script injects into and captures from with AF_PACKET
sockets: plain traffic on port 0 must come out of port 1 as ESP that scapy
decrypts to exactly what was sent, ESP built by scapy on port 1 must come
out of port 0 as exactly its inner packet, and tampered ESP must not come
out at all (secgw_traffic.py). --lib runs ipsec-secgw's librte_ipsec path
(its -l) instead of its legacy one. Exit status 0 only if every count is
exact and every frame right.
"""

import argparse
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from secgw_traffic import PORT_ESP, PORT_PLAIN, Plan, Verdict, secgw_config  # noqa: E402

# Every wait is for an event; these only bound it (busy CI machines).
START_S = 120       # ipsec-secgw started until it forwards (its main loop)
TRAFFIC_S = 60      # everything injected until every expected frame is out
EXIT_S = 60         # SIGINT until ipsec-secgw has exited
POLL_S = 0.05

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4     # what this host sent itself, as seen by a packet socket
IFF_UP = 0x1

results = []


def check(what, good, detail=''):
    results.append(good)
    print(f'{"PASS" if good else "FAIL"}: {what}' + (f' ({detail})' if detail and not good else ''))
    sys.stdout.flush()


class Lines:
    """ipsec-secgw's output, echoed and kept."""

    def __init__(self, stream):
        self.lines = []
        self.cv = threading.Condition()
        self.ended = False
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream):
        for line in stream:
            print('secgw| ' + line.rstrip('\n'))
            sys.stdout.flush()
            with self.cv:
                self.lines.append(line)
                self.cv.notify_all()
        with self.cv:
            self.ended = True
            self.cv.notify_all()

    def has(self, text):
        with self.cv:
            return any(text in x for x in self.lines)

    def wait_for(self, text, timeout):
        end = time.monotonic() + timeout
        with self.cv:
            while not any(text in x for x in self.lines):
                if self.ended or time.monotonic() > end:
                    return False
                self.cv.wait(POLL_S)
        return True


def iface_up(name):
    try:
        with open(f'/sys/class/net/{name}/flags') as f:
            return int(f.read(), 16) & IFF_UP != 0
    except OSError:
        return False


def quiet_kernel(name):
    """The kernel sends its own IPv6 (router solicitations...) into
    ipsec-secgw through the interface; it drops them, but less is better."""
    try:
        with open(f'/proc/sys/net/ipv6/conf/{name}/disable_ipv6', 'w') as f:
            f.write('1')
    except OSError:
        pass


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--secgw', required=True)
    ap.add_argument('--pmd', required=True)
    ap.add_argument('--vdev', required=True)
    ap.add_argument('--lib', action='store_true', help="ipsec-secgw's librte_ipsec path (-l)")
    ap.add_argument('--sa', action='append', choices=['cbc', 'gcm'])
    ap.add_argument('--n-out', type=int, default=12, help='outbound packets per SA')
    ap.add_argument('--n-in', type=int, default=6, help='good inbound packets per SA')
    ap.add_argument('--dump', help='write every captured frame here (port, hex), for diagnosis')
    a = ap.parse_args()
    names = a.sa or ['cbc', 'gcm']

    plan = Plan(names, legacy=not a.lib, n_out=a.n_out, n_in=a.n_in)
    tmp = tempfile.mkdtemp(prefix='sgw-')
    cfg = os.path.join(tmp, 'sgw.cfg')
    with open(cfg, 'w') as f:
        f.write(secgw_config(names))
    tag = f'{os.getpid() % 10000000}'
    ifs = {PORT_PLAIN: f'sgw{tag}p', PORT_ESP: f'sgw{tag}e'}
    cmd = [a.secgw, '-l', '0', '-n', '1', '--no-pci', f'--file-prefix=sgw-{tag}',
           '--single-file-segments', '-d', a.pmd,
           '--vdev', f'net_tap0,iface={ifs[PORT_PLAIN]},mac=fixed',
           '--vdev', f'net_tap1,iface={ifs[PORT_ESP]},mac=fixed',
           '--vdev', a.vdev, '--',
           '-p', '0x3', '-u', f'{1 << PORT_ESP:#x}', '-P', '--config=(0,0,0),(1,0,0)',
           '-f', cfg] + (['-l'] if a.lib else [])
    print('+ ' + ' '.join(cmd))
    print('config:\n' + secgw_config(names))
    sys.stdout.flush()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL, text=True, errors='replace')
    out = Lines(p.stdout)
    socks = {}
    try:
        # net_tap makes the interfaces at probe and brings them up at start
        end = time.monotonic() + START_S
        quieted = set()
        while time.monotonic() < end and p.poll() is None:
            for i in ifs.values():
                if i not in quieted and os.path.exists(f'/sys/class/net/{i}'):
                    quiet_kernel(i)
                    quieted.add(i)
            if all(iface_up(i) for i in ifs.values()) and out.has('entering main loop on lcore 0'):
                break
            time.sleep(POLL_S)
        check('ipsec-secgw forwards (its main loop runs, both tap interfaces are up)',
              p.poll() is None and all(iface_up(i) for i in ifs.values())
              and out.has('entering main loop on lcore 0'))
        check(f'ipsec-secgw runs its {"librte_ipsec" if a.lib else "legacy"} path',
              out.has(f'librte_ipsec usage: {"enabled" if a.lib else "disabled"}'))
        check('every SA has a crypto session (a queue pair for each direction)',
              not out.has('No cores found to handle SA'))
        if not all(results):
            return 1

        for port, name in ifs.items():
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
            s.bind((name, 0))
            socks[port] = s
        verdict = Verdict(plan)
        dump = open(a.dump, 'w') if a.dump else None
        sent = {port: 0 for port in ifs}
        for port, frames in plan.inject.items():
            for fr in frames:
                socks[port].send(fr)
                sent[port] += 1
        print(f'--- injected {sent[PORT_PLAIN]} plain frames on {ifs[PORT_PLAIN]} (port 0), '
              f'{sent[PORT_ESP]} ESP frames on {ifs[PORT_ESP]} (port 1)')
        sys.stdout.flush()

        # Until every expected frame is out; tampered ones come before the
        # last good one of their SA, so by then they were dealt with.
        want = plan.expected_count()
        end = time.monotonic() + TRAFFIC_S
        def take(timeout):
            ready, _, _ = select.select(list(socks.values()), [], [], timeout)
            for port, s in socks.items():
                if s in ready:
                    data, addr = s.recvfrom(65535)
                    if dump and addr[2] != PACKET_OUTGOING:
                        dump.write(f'{port} {data.hex()}\n')
                    if addr[2] != PACKET_OUTGOING:
                        verdict.frame(port, data)
            return bool(ready)

        while verdict.seen() < want and time.monotonic() < end:
            take(POLL_S)
        while take(0):      # whatever else is already there (duplicates would be)
            pass
        lines, ok = verdict.report()
        print('\n'.join(lines))
        check(f'{want} frames expected out, {verdict.out()} out, {verdict.right()} right',
              ok and verdict.right() == want and verdict.out() == want)
    finally:
        for s in socks.values():
            s.close()
        if p.poll() is None:
            p.send_signal(signal.SIGINT)
            try:
                p.wait(EXIT_S)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        out.wait_for('Bye...', EXIT_S)
        shutil.rmtree(tmp, ignore_errors=True)
    check('ipsec-secgw exits cleanly on SIGINT (rc 0, "Bye...")',
          p.returncode == 0 and out.has('Bye...'), f'rc {p.returncode}')
    n_pass = sum(results)
    print(f'checks: {n_pass} passed, {len(results) - n_pass} failed')
    return 0 if all(results) else 1


if __name__ == '__main__':
    sys.exit(main())
