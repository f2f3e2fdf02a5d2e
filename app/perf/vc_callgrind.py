#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-virtio-crypto authors
"""Instructions per op of each half of the virtio path, from callgrind.

Timings on a shared two-core machine are noisy; instruction counts are
not. Each half is counted inside its own calls only, so the count does not
depend on how fast the other half or the machine is:

  backend:  vc_backend_ops (the backend's poll against a simulated guest
            that keeps its ring full, requests laid out as our PMD lays
            them out), counting inside vhost_crypto_poll(), divided by the
            requests it completed;
  frontend: case (b) of vc_benchmark.py with vc_loadgen under callgrind
            and the daemon native, counting inside the PMD's enqueue and
            dequeue calls only.

and prints, per half, instructions per op by function and by component
(ours, the crypto PMD and IPsec-MB, the rest of DPDK, libc; code inlined
from DPDK's headers into ours counts as DPDK).

  vc_callgrind.py --build BUILD [--algo A] [--size N] [--ops N] [--top N]
                  [--packed] [--in-order] [--only backend|frontend]
                  [--vdev-args ARGS]
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

GROUPS = (
    ('ours', ('libvhost_crypto', 'librte_pmd_virtio_crypto', 'vhost-crypto', 'vc_loadgen',
              'vc_backend_ops', '/lib/vhost/', '/drivers/crypto/virtio/', '/common/virtio_crypto/')),
    ('crypto PMD + IPsec-MB', ('IPSec_MB', 'crypto_ipsec_mb', 'crypto_openssl', 'libcrypto')),
    ('DPDK', ('librte_', '/usr/include/dpdk')),
    ('libc', ('libc.so', 'ld-linux')),
)

# Valgrind runs one thread at a time; with its default lock, a thread
# polling on one CPU can starve one on another (the daemon's relay):
# --fair-sched hands the lock round in turn.
VALGRIND = ['valgrind', '--tool=callgrind', '--fair-sched=yes']


def group_of(obj):
    for name, keys in GROUPS:
        if any(k in obj for k in keys):
            return name
    return 'other'


def parse(out_file, ops):
    """Self instructions per op by function and by group."""
    r = subprocess.run(['callgrind_annotate', '--inclusive=no', '--threshold=100',
                        out_file], capture_output=True, text=True, check=True)
    funcs, groups, total = [], {}, 0
    # "Ir (share) file:function [object]"; code inlined from a header has
    # no object, and is known by its file.
    line_re = re.compile(r'^\s*([\d,]+)\s+\([^)]*\)\s+(\S.*?):(\S+)(?:\s+\[(.*)\])?\s*$')
    for line in r.stdout.splitlines():
        m = line_re.match(line)
        if not m or m.group(2) == 'file':
            continue
        ir = int(m.group(1).replace(',', ''))
        func = m.group(3)
        obj = os.path.basename(m.group(4)) if m.group(4) else m.group(2)
        total += ir
        funcs.append((ir / ops, func, obj))
        g = group_of(obj)
        groups[g] = groups.get(g, 0) + ir / ops
    return total / ops, funcs, groups


def report(title, out_file, ops, top):
    total, funcs, groups = parse(out_file, ops)
    print(f'\n{title}: {total:.0f} instructions per op')
    for g, v in sorted(groups.items(), key=lambda kv: -kv[1]):
        print(f'  {g:<24} {v:8.0f}')
    print('  top functions (self):')
    for per_op, func, obj in sorted(funcs, reverse=True)[:top]:
        print(f'    {per_op:8.0f}  {func}  [{obj}]')
    return total, groups


def wait_socket(path, proc, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(path):
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.2)
    return False


def loadgen_cmd(a, core, prefix, sock, warmup=0):
    return ['taskset', '-c', str(core), a.loadgen, '-l', str(core), '--single-file-segments',
            '-m', '512', '--file-prefix', prefix, '-d', a.pmd, '--vdev',
            f'crypto_virtio_user0,path={sock}{a.vdev_args}', '--log-level', '*:warning', '--',
            '--dev', 'crypto_virtio_user0', '--algo', a.algo, '--size', str(a.size),
            '--ops', str(a.ops), '--warmup', str(warmup)]


def daemon_cmd(a, core, prefix, sock):
    return [a.daemon, '-l', str(core), '--no-pci', '--no-huge', '-m', '256',
            f'--file-prefix={prefix}', '--', '--socket', sock]


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(2)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def backend(a, run):
    """The backend's poll under callgrind against a simulated guest."""
    out = os.path.join(run, 'backend.callgrind')
    cmd = VALGRIND + [f'--callgrind-out-file={out}', '--collect-atstart=no',
                      '--toggle-collect=vhost_crypto_poll', a.backend_ops,
                      '--file-prefix', f'vc-cg-bo-{os.getpid()}', '-l', '0', '--no-pci',
                      '--in-memory', '--vdev', 'crypto_aesni_mb0', '--vdev', 'crypto_openssl0',
                      '--log-level', '*:warning', '--', '--algo', a.algo,
                      '--size', str(a.size), '--ops', str(a.ops)]
    if a.packed:
        cmd.append('--packed')
    if a.in_order:
        cmd.append('--in-order')
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    m = re.search(r'total_ops=(\d+) failed=0', r.stdout)
    if r.returncode != 0 or not m:
        sys.exit(f'vc_callgrind: vc_backend_ops failed:\n{r.stdout[-1500:]}{r.stderr[-1500:]}')
    report('backend (vhost_crypto_poll, ' + ('packed' if a.packed else 'split') + ' ring' +
           (', in order' if a.in_order else '') + ')',
           out, int(m.group(1)), a.top)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--build', default='build', help='meson build directory')
    ap.add_argument('--algo', default='aes-cbc-sha1-hmac', choices=('aes-cbc-sha1-hmac', 'aes-gcm'))
    ap.add_argument('--size', type=int, default=64)
    ap.add_argument('--ops', type=int, default=20000)
    ap.add_argument('--top', type=int, default=15)
    ap.add_argument('--packed', action='store_true', help='packed rings (backend)')
    ap.add_argument('--only', choices=('backend', 'frontend'))
    ap.add_argument('--in-order', action='store_true',
                    help='VIRTIO_F_IN_ORDER on both halves (off: the PMD gets in_order=0)')
    ap.add_argument('--vdev-args', default='',
                    help='more devargs for the PMD (frontend), e.g. packed=1')
    a = ap.parse_args()
    if not a.in_order:
        a.vdev_args = ','.join(x for x in (a.vdev_args, 'in_order=0') if x)
    if a.vdev_args:
        a.vdev_args = ',' + a.vdev_args
    if shutil.which('valgrind') is None:
        sys.exit('vc_callgrind: valgrind is not installed (devtools/setup.sh installs it)')
    build = os.path.abspath(a.build)
    a.daemon = os.path.join(build, 'examples/vhost_crypto/vhost-crypto')
    a.loadgen = os.path.join(build, 'app/perf/vc_loadgen')
    a.backend_ops = os.path.join(build, 'app/perf/vc_backend_ops')
    cpus = sorted(os.sched_getaffinity(0))
    fcore, bcore = cpus[0], cpus[-1]
    # EAL refuses plugins under a world-writable directory (a build in /tmp).
    run = tempfile.mkdtemp(prefix='vc-cg-', dir='/run')
    a.pmd = os.path.join(run, 'librte_pmd_virtio_crypto.so')
    shutil.copy(os.path.join(build, 'drivers/crypto/virtio/librte_pmd_virtio_crypto.so'), a.pmd)
    pid = os.getpid()
    print(f'{a.algo}, {a.size} B, {a.ops} ops per half'
          + (f', devargs {a.vdev_args[1:]}' if a.vdev_args else ''))

    if a.only in (None, 'backend'):
        backend(a, run)
    if a.only == 'backend':
        return
    # The frontend under callgrind, the backend native.
    sock = os.path.join(run, 'fe.sock')
    out_fe = os.path.join(run, 'frontend.callgrind')
    be = subprocess.Popen(['taskset', '-c', str(bcore)] + daemon_cmd(a, bcore, f'vc-cg-f-{pid}', sock),
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not wait_socket(sock, be, 60):
            sys.exit('vc_callgrind: the daemon did not come up')
        cmd = loadgen_cmd(a, fcore, f'vc-cg-fl-{pid}', sock)
        cmd = cmd[:3] + VALGRIND + [f'--callgrind-out-file={out_fe}', '--collect-atstart=no',
                                    '--toggle-collect=vc_enqueue_burst',
                                    '--toggle-collect=vc_dequeue_burst'] + cmd[3:]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
        if r.returncode != 0:
            sys.exit(f'vc_callgrind: loadgen under callgrind failed:\n{r.stdout[-1500:]}'
                     f'{r.stderr[-1500:]}')
    finally:
        stop(be)
    report('frontend (PMD enqueue + dequeue, inclusive)', out_fe, a.ops, a.top)
    if not os.environ.get("VC_CALLGRIND_KEEP"):
        shutil.rmtree(run, ignore_errors=True)
    else:
        print(f"callgrind files kept in {run}")


if __name__ == '__main__':
    main()
