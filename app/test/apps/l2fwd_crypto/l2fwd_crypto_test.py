#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-virtio-crypto authors
"""DPDK's l2fwd-crypto, unmodified, on our PMD, its frames checked.

    l2fwd_crypto_test.py host --case CASE [--ports 2] --app DPDK-L2FWD-CRYPTO -- RUNNER...

For each direction (encrypt, then decrypt) the clear or sealed frames are
written to a pcap file, l2fwd-crypto forwards them through a net_pcap port
(rx_pcap -> tx_pcap) and a crypto_virtio_user device served by our daemon
(RUNNER: run_with_daemon.py and its options), and the frames it wrote are
compared byte for byte with the answers computed by python3-cryptography
(l2fwd_frames.py). In the decrypt direction one frame has a spoiled
digest: its op, and no other, must fail. l2fwd-crypto runs until it is
stopped: once all frames came out it gets SIGINT, and must exit with 0
without writing more.

With --ports 2 the frames alternate between two ports, each with a device
of its own (the second on another socket of the same daemon), and come out
of the other port with l2fwd-crypto's MAC updating.

    l2fwd_crypto_test.py wrap --out OUT.pcap --frames N [--wait-for SOCK] -- PROGRAM...

runs PROGRAM (once every SOCK is there), sends it SIGINT once each OUT.pcap
holds its N frames (or on --timeout) and exits with PROGRAM's status;
run_with_daemon.py runs this as its program, so that its own checks (the
daemon served, got everything back) hold for l2fwd-crypto too.
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import l2fwd_frames as lf  # noqa: E402

# Every wait is for an event; these bound how long one may take (CI
# machines are busy: both cores may be taken by others).
FRAMES_S = 120      # from l2fwd-crypto's start until all frames came out
EXIT_S = 60         # from SIGINT until it exited
RUN_S = 400         # a whole run_with_daemon.py (daemon, app, checks)
POLL_S = 0.05


def read_frames(path):
    try:
        with open(path, 'rb') as f:
            return lf.read_pcap(f.read())
    except FileNotFoundError:
        return []


def wrap(args):
    """Run the program once its sockets are there; SIGINT it once every
    --out has its --frames (or at --timeout)."""
    deadline = time.monotonic() + args.timeout
    while not all(os.path.exists(s) for s in args.wait_for) and time.monotonic() < deadline:
        time.sleep(POLL_S)
    prog = subprocess.Popen(args.program)
    counts = [0] * len(args.out)
    while prog.poll() is None and time.monotonic() < deadline:
        counts = [len(read_frames(p)) for p in args.out]
        if all(c >= n for c, n in zip(counts, args.frames)):
            break
        time.sleep(POLL_S)
    if prog.poll() is not None:
        print(f'l2fwd-wrap: program exited by itself with {prog.returncode}, '
              f'{counts} frame(s) out', flush=True)
        return prog.returncode if prog.returncode else 0
    done = all(c >= n for c, n in zip(counts, args.frames))
    why = 'all frames out' if done else f'timeout with {counts} frame(s) out'
    print(f'l2fwd-wrap: {why}, sending SIGINT', flush=True)
    prog.send_signal(signal.SIGINT)
    try:
        rc = prog.wait(EXIT_S)
    except subprocess.TimeoutExpired:
        print('l2fwd-wrap: no exit after SIGINT, killing it', flush=True)
        prog.kill()
        prog.wait()
        return 99
    print(f'l2fwd-wrap: program exited with {rc}', flush=True)
    return rc if done else 98


results = []


def check(what, good, detail=''):
    results.append(good)
    print(f'{"PASS" if good else "FAIL"}: {what}' + (f' ({detail})' if detail and not good else ''),
          flush=True)


def check_statuses(args, direction, bad, out):
    """The spoiled frame, and only it, failed its check; the daemon failed
    a request only where the device checks (AEAD)."""
    want = lf.spoiled_statuses(args.case, bad)
    failed = lf.failed_ops(out)
    check(f'{direction}: ops that failed (device status, op status): {want}', failed == want,
          f'got {failed}')
    daemon = re.search(r'^daemon: requests (\d+), completed_ok (\d+), completed_err (\d+)',
                       out, re.M)
    err = sum(1 for d, _ in want if d != lf.VIRTIO_CRYPTO_OK)
    check(f'{direction}: the daemon failed {err} request(s)',
          daemon is not None and int(daemon.group(3)) == err,
          daemon.group(0) if daemon else 'no counters')


def with_macs(frame, port, macs):
    """A frame as l2fwd-crypto's MAC updating sends it out of port: to
    02:00:00:00:00:<port>, from that port's address."""
    return bytes([2, 0, 0, 0, 0, port]) + macs[port] + frame[12:]


def run_direction(args, tmp, direction):
    frames_in, want = lf.expected(args.case, direction)
    bad = want.count(None)
    # With two ports, frames alternate between them; l2fwd-crypto sends
    # what port 0 got out of port 1 and the other way round, through the
    # crypto device of the receiving port (one each).
    n = args.ports
    pin = [os.path.join(tmp, f'{direction}-in{p}.pcap') for p in range(n)]
    pout = [os.path.join(tmp, f'{direction}-out{p}.pcap') for p in range(n)]
    dst = [p ^ 1 if n == 2 else p for p in range(n)]
    ins = [frames_in[p::n] for p in range(n)]
    wants = [None] * n
    for p in range(n):
        lf.write_pcap(pin[p], ins[p])
        wants[dst[p]] = want[p::n]
    prefix = f'l2fc-{args.case}-{direction[:3]}-{os.getpid()}'
    # the devices after the first: sockets of the daemon's own, in a
    # directory of ours
    socks = [os.path.join(tmp, f'vc{d}.sock') for d in range(1, n)]
    runner = list(args.runner)
    for s in socks:
        runner += ['--daemon-arg=--socket', f'--daemon-arg={s}']
    app = [args.app, '-l', '0', '--no-pci', '--single-file-segments', '--file-prefix', prefix,
           '-d', '@PMD@', '--vdev', '@VDEV@']
    for d, s in enumerate(socks, 1):
        app += ['--vdev', f'crypto_virtio_user{d},path={s}']
    for p in range(n):
        app += ['--vdev', f'net_pcap{p},rx_pcap={pin[p]},tx_pcap={pout[p]}']
    # l2fwd-crypto does not look at an op's status; our PMD logs each op
    # that did not succeed at this level (and nothing else; a "*:warning"
    # would override it)
    app += ['--log-level', 'pmd.crypto.virtio.driver:debug', '--']
    app += lf.app_args(args.case, direction, ports=n)
    wrap_args = []
    for p in range(n):
        wrap_args += ['--out', pout[p], '--frames', str(len(wants[p]))]
    for s in socks:
        wrap_args += ['--wait-for', s]
    cmd = runner + ['--timeout', str(RUN_S), '--show', '1000',
                    '--expect', r'l2fwd-wrap: all frames out',
                    '--reject', r'not supported|Failed',
                    '--', sys.executable, os.path.abspath(__file__), 'wrap'] + wrap_args + \
        ['--timeout', str(FRAMES_S), '--'] + app
    print(f'=== {args.case} {direction}: {len(frames_in)} frames in, {n} port(s)', flush=True)
    print(' '.join(cmd), flush=True)
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=RUN_S + 60)
    print(r.stdout, flush=True)
    check(f'{direction}: l2fwd-crypto ran, stopped on SIGINT with 0, daemon clean',
          r.returncode == 0, f'run_with_daemon.py exited {r.returncode}')
    check_statuses(args, direction, bad, r.stdout)
    if n == 2:
        macs = {int(p): bytes.fromhex(m.replace(':', '')) for p, m in
                re.findall(r'Port (\d+), MAC address: ([0-9A-Fa-f:]{17})$', r.stdout, re.M)}
        check('two ports, each with its MAC address', sorted(macs) == [0, 1], f'{macs}')
        if sorted(macs) == [0, 1]:
            wants = [[w if w is None else with_macs(w, p, macs) for w in wants[p]]
                     for p in range(n)]
    for p in range(n):
        src = dst.index(p)
        label = f'{direction}' + (f', port {src} -> port {p}' if n > 1 else '')
        got = read_frames(pout[p])
        frames, w = ins[src], wants[p]
        right, wrong, missing, extra, diffs = lf.compare(got, w)
        nbad = w.count(None)
        print(f'{args.case} {label}: {len(frames)} frames in ({nbad} with a spoiled digest), '
              f'{len(got)} out, {right} right, {wrong} wrong, {missing} missing, {extra} extra',
              flush=True)
        clear = lf.plain_frames(args.case)[src::n]
        for i in (i for i, x in enumerate(w) if x is None and i < len(got)):
            # not checked (undefined): said to show what a device does
            g = got[i][12:] if n > 1 else got[i]
            what = ('the input' if g == frames[i][12 if n > 1 else 0:][:len(g)] else
                    'the clear frame' if g[:len(clear[i]) - 12 * (n > 1)] ==
                    clear[i][12 * (n > 1):] else 'other bytes')
            print(f'  frame {i} (spoiled digest, its op failed) came out as {len(got[i])} '
                  f'bytes: {what}', flush=True)
        for i, g, x in diffs:
            print(f'  frame {i}: got {len(g)} bytes {g[:48].hex()}...', flush=True)
            print(f'  frame {i}: want {len(x)} bytes {x[:48].hex()}...', flush=True)
        check(f'{label}: all {len(w)} frames out, {len(w) - nbad} byte-identical to '
              f'python3-cryptography',
              right == len(w) - nbad and len(got) == len(w),
              f'{right} right, {wrong} wrong, {missing} missing, {extra} extra')


def host(args):
    with tempfile.TemporaryDirectory(prefix='l2fwd-crypto-') as tmp:
        for direction in ('encrypt', 'decrypt'):
            run_direction(args, tmp, direction)
    print(f'checks: {results.count(True)} passed, {results.count(False)} failed')
    return 0 if results and all(results) else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='mode', required=True)
    h = sub.add_parser('host')
    h.add_argument('--case', required=True, choices=sorted(lf.CASES))
    h.add_argument('--app', required=True, help='dpdk-l2fwd-crypto')
    h.add_argument('--ports', type=int, default=1, choices=(1, 2),
                   help='net_pcap ports, each with a crypto device (2: with MAC updating)')
    h.add_argument('runner', nargs=argparse.REMAINDER,
                   help='-- run_with_daemon.py --daemon D --pmd P [options]')
    w = sub.add_parser('wrap')
    w.add_argument('--out', action='append', required=True, help='repeatable, with --frames')
    w.add_argument('--frames', type=int, action='append', required=True)
    w.add_argument('--wait-for', action='append', default=[], help='a socket to wait for')
    w.add_argument('--timeout', type=int, default=FRAMES_S)
    w.add_argument('program', nargs=argparse.REMAINDER)
    args = ap.parse_args()
    for attr in ('runner', 'program'):
        v = getattr(args, attr, None)
        if v and v[0] == '--':
            setattr(args, attr, v[1:])
    if args.mode == 'wrap':
        return wrap(args)
    if args.runner and args.runner[0].endswith('.py'):
        args.runner = [sys.executable] + args.runner
    return host(args)


if __name__ == '__main__':
    sys.exit(main())
