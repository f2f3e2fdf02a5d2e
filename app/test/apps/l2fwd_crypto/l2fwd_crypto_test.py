#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-virtio-crypto authors
"""DPDK's l2fwd-crypto, unmodified, on our PMD, its frames checked.

    l2fwd_crypto_test.py host --case CASE --app DPDK-L2FWD-CRYPTO -- RUNNER...

For each direction (encrypt, then decrypt) the clear or sealed frames are
written to a pcap file, l2fwd-crypto forwards them through a net_pcap port
(rx_pcap -> tx_pcap) and a crypto_virtio_user device served by our daemon
(RUNNER: run_with_daemon.py and its options), and the frames it wrote are
compared byte for byte with the answers computed by python3-cryptography
(l2fwd_frames.py). l2fwd-crypto runs until it is stopped: once all frames
came out it gets SIGINT, and must exit with 0 without writing more.

    l2fwd_crypto_test.py wrap --out OUT.pcap --frames N -- PROGRAM...

runs PROGRAM, sends it SIGINT once OUT.pcap holds N frames (or on --timeout)
and exits with PROGRAM's status; run_with_daemon.py runs this as its
program, so that its own checks (the daemon served, got everything back)
hold for l2fwd-crypto too.
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


def wrap(args):
    prog = subprocess.Popen(args.program)
    deadline = time.monotonic() + args.timeout
    count = 0
    while prog.poll() is None and time.monotonic() < deadline:
        try:
            with open(args.out, 'rb') as f:
                count = len(lf.read_pcap(f.read()))
        except FileNotFoundError:
            count = 0
        if count >= args.frames:
            break
        time.sleep(POLL_S)
    if prog.poll() is not None:
        print(f'l2fwd-wrap: program exited by itself with {prog.returncode}, '
              f'{count} frame(s) out', flush=True)
        return prog.returncode if prog.returncode else 0
    why = 'all frames out' if count >= args.frames else f'timeout with {count} frame(s) out'
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
    if count < args.frames:
        return 98
    return rc


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


def run_direction(args, tmp, direction):
    frames_in, want = lf.expected(args.case, direction)
    pin = os.path.join(tmp, f'{direction}-in.pcap')
    pout = os.path.join(tmp, f'{direction}-out.pcap')
    lf.write_pcap(pin, frames_in)
    prefix = f'l2fc-{args.case}-{direction[:3]}-{os.getpid()}'
    app = [args.app, '-l', '0', '--no-pci', '--single-file-segments', '--file-prefix', prefix,
           '-d', '@PMD@', '--vdev', '@VDEV@',
           '--vdev', f'net_pcap0,rx_pcap={pin},tx_pcap={pout}',
           # l2fwd-crypto does not look at an op's status; our PMD logs
           # each op that did not succeed at this level (and nothing else;
           # a "*:warning" would override it)
           '--log-level', 'pmd.crypto.virtio.driver:debug',
           '--'] + lf.app_args(args.case, direction)
    bad = want.count(None)
    cmd = args.runner + ['--timeout', str(RUN_S), '--show', '1000',
                         '--expect', r'l2fwd-wrap: all frames out',
                         '--reject', r'not supported|Failed',
                         '--', sys.executable, os.path.abspath(__file__), 'wrap',
                         '--out', pout, '--frames', str(len(want)),
                         '--timeout', str(FRAMES_S), '--'] + app
    print(f'=== {args.case} {direction}: {len(frames_in)} frames in', flush=True)
    print(' '.join(cmd), flush=True)
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=RUN_S + 60)
    print(r.stdout, flush=True)
    check(f'{direction}: l2fwd-crypto ran, stopped on SIGINT with 0, daemon clean',
          r.returncode == 0, f'run_with_daemon.py exited {r.returncode}')
    check_statuses(args, direction, bad, r.stdout)
    try:
        with open(pout, 'rb') as f:
            got = lf.read_pcap(f.read())
    except FileNotFoundError:
        got = []
    right, wrong, missing, extra, diffs = lf.compare(got, want)
    print(f'{args.case} {direction}: {len(frames_in)} frames in ({bad} with a spoiled digest), '
          f'{len(got)} out, {right} right, {wrong} wrong, {missing} missing, {extra} extra',
          flush=True)
    clear = lf.plain_frames(args.case)
    for i in (i for i, w in enumerate(want) if w is None and i < len(got)):
        # not checked (undefined): said to show what a device does
        what = ('the input' if got[i] == frames_in[i][:len(got[i])] else
                'the clear frame' if got[i][:len(clear[i])] == clear[i] else 'other bytes')
        print(f'  frame {i} (spoiled digest, its op failed) came out as {len(got[i])} bytes: '
              f'{what}', flush=True)
    for i, g, w in diffs:
        print(f'  frame {i}: got {len(g)} bytes {g[:48].hex()}...', flush=True)
        print(f'  frame {i}: want {len(w)} bytes {w[:48].hex()}...', flush=True)
    check(f'{direction}: all {len(want)} frames out, {len(want) - bad} byte-identical to '
          f'python3-cryptography',
          right == len(want) - bad and len(got) == len(want),
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
    h.add_argument('runner', nargs=argparse.REMAINDER,
                   help='-- run_with_daemon.py --daemon D --pmd P [options]')
    w = sub.add_parser('wrap')
    w.add_argument('--out', required=True)
    w.add_argument('--frames', type=int, required=True)
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
