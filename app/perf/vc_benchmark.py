#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-virtio-crypto authors
"""How close the virtio path gets to the bare crypto PMD, and how far ahead
of upstream, measured in one run with the same settings:

  (a) the bare crypto_aesni_mb PMD, driven by vc_loadgen;
  (b) vc_loadgen -> our crypto_virtio_user PMD -> vhost-user -> our
      vhost-crypto daemon -> crypto_aesni_mb;
  (c) the same PMD with QEMU-style session messages (session=qemu-7.0) ->
      DPDK 22.11's own vhost_crypto example, built here from the dpdk-doc
      package's source -> crypto_aesni_mb.

Frontend and backend each own a core (--cores F,B): vc_loadgen does all its
work on one lcore, and the backends poll on the other. Upstream's example
waits for its worker on a busy main lcore, so that thread is moved to
SCHED_IDLE on the frontend's core, where it costs the generator nothing.

Prints Mops and Gbps per case, b/a and b/c, and the targets of issue 6;
writes benchmark.csv and (with python3-matplotlib) benchmark.png to --out.

--guests 1,4,16 and --mixed run the many-guests cases instead (issue 20):
N frontends on one backend worker, that is one vc_loadgen process on the
frontend's core driving N crypto_virtio_user devices, each on its own
socket of one vhost-crypto daemon whose one lcore polls them all. Per case
it prints the aggregate Mops, each frontend's, Jain's fairness index
J = (sum x)^2 / (N sum x^2) over the frontends' Mops, and aggregate(N) /
aggregate(1). --mixed: as many frontends as the largest of --guests (16
by default), the first sending --big-size requests (64 KiB) and the others
--guest-size ones; "share kept" is the small ones' Mops over what as many
frontends had in the all-small case ((N-1)/N of its aggregate). Writes
guests.csv (a line per case) and guests_frontends.csv (a line per frontend).

Timings are this machine's: nothing here is a pass/fail test of speed.
"""

import argparse
import csv
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ALGOS = ['aes-cbc-sha1-hmac', 'aes-gcm']
SIZES = [64, 256, 1024, 1504]
# Issue 6: b/a and b/c at 64 and 1024 bytes.
TARGETS = {('b/a', 1024): 0.90, ('b/a', 64): 0.60, ('b/c', 64): 2.0, ('b/c', 1024): 1.2}
# What upstream's example does: AES-CBC with HMAC-SHA1, no AEAD.
UPSTREAM_ALGOS = {'aes-cbc-sha1-hmac'}
UPSTREAM_SRC = '/usr/share/dpdk/examples/vhost_crypto'

RESULT = re.compile(r'^result: (.*)$', re.M)
GUESTS = re.compile(r'^guests: (.*)$', re.M)
FRONTEND = re.compile(r'^frontend: (.*)$', re.M)
# Issue 20: sixteen frontends keep 0.9 of one's aggregate, their shares are
# fair, and small frontends keep 0.8 of their share beside a large one.
GUEST_TARGETS = [('aggregate(16) / aggregate(1)', 'scaling', 0.9),
                 ("Jain's index, 16 frontends", 'jain', 0.95),
                 ('share kept beside a 64 KiB frontend', 'share_kept', 0.8)]


def log(msg):
    print(f'vc_benchmark: {msg}', flush=True)


class Backend:
    """A backend process on its own core, serving vhost-user sockets."""

    def __init__(self, name, args, sock, logdir, idle_main=False):
        socks = [sock] if isinstance(sock, str) else sock
        self.name, self.sock = name, socks[0]
        self.log_path = os.path.join(logdir, f'{name}.log')
        self.log = open(self.log_path, 'w')
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 30
        while not all(os.path.exists(s) for s in socks):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f'{name} did not come up; see {self.log_path}')
            time.sleep(0.1)
        if idle_main:
            # The main thread only waits for the worker: give its core away.
            subprocess.run(['chrt', '-i', '-p', '0', str(self.proc.pid)], check=True,
                           stdout=subprocess.DEVNULL)

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def build_upstream(out):
    """DPDK 22.11's examples/vhost_crypto from dpdk-doc, built with its Makefile."""
    if not os.path.isfile(os.path.join(UPSTREAM_SRC, 'main.c')):
        return None, f'no {UPSTREAM_SRC} (package dpdk-doc)'
    src = os.path.join(out, 'upstream-vhost-crypto')
    shutil.rmtree(src, ignore_errors=True)
    shutil.copytree(UPSTREAM_SRC, src)
    r = subprocess.run(['make', '-C', src, 'shared'], capture_output=True, text=True)
    binary = os.path.join(src, 'build', 'vhost-crypto-shared')
    if r.returncode != 0 or not os.path.exists(binary):
        return None, 'upstream example did not build:\n' + r.stdout[-2000:] + r.stderr[-2000:]
    return binary, None


def loadgen(a, core, prefix, eal, dev, algo, size):
    args = ['taskset', '-c', str(core), a.loadgen, '-l', str(core), '--file-prefix', prefix,
            '--log-level', '*:warning'] + eal + [
            '--', '--dev', dev, '--algo', algo, '--size', str(size), '--burst', str(a.burst),
            '--ops', str(a.ops), '--warmup', str(a.ops // 10)]
    r = subprocess.run(args, capture_output=True, text=True, timeout=600)
    m = RESULT.search(r.stdout)
    if r.returncode != 0 or m is None:
        raise RuntimeError(f'loadgen failed ({r.returncode}): {" ".join(args)}\n'
                           f'{r.stdout[-1500:]}{r.stderr[-1500:]}')
    return {k: v for k, v in (kv.split('=', 1) for kv in m.group(1).split())}


def write_csv(path, fields, rows):
    """One line per row; floats to 4 places, what a row lacks empty."""
    with open(path, 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        for r in rows:
            w.writerow({k: '' if r.get(k) is None else
                        round(r[k], 4) if isinstance(r[k], float) else r[k] for k in fields})
    log(f'wrote {path}')


def ratio(x, y):
    return x / y if x and y else None


def fmt(v, spec='.3f'):
    return format(v, spec) if v is not None else 'n/a'


def fields_of(line, want, what):
    """The key=value pairs of a result line, every one of `want` there."""
    kv = dict(x.split('=', 1) for x in line.split() if '=' in x)
    missing = [k for k in want if k not in kv]
    if missing:
        raise RuntimeError(f'{what} lacks {", ".join(missing)}: {line}')
    return kv


def guests_loadgen(a, core, prefix, eal, n, algo, size, first_size, inflight):
    """One vc_loadgen over n devices: its summary and a dict per frontend,
    checked: every op of every frontend came back, none failed."""
    args = ['taskset', '-c', str(core), a.loadgen, '-l', str(core), '--file-prefix', prefix,
            '--log-level', '*:warning'] + eal + ['--']
    for i in range(n):
        args += ['--dev', f'crypto_virtio_user{i}']
    args += ['--per-dev', '--algo', algo, '--size', str(size), '--first-size', str(first_size),
             '--burst', str(a.burst), '--inflight', str(inflight), '--ops', str(a.ops),
             '--warmup', str(a.ops // 10)]
    r = subprocess.run(args, capture_output=True, text=True, timeout=600)
    m = GUESTS.search(r.stdout)
    fronts = FRONTEND.findall(r.stdout)
    if r.returncode != 0 or m is None or len(fronts) != n:
        raise RuntimeError(f'loadgen failed ({r.returncode}, {len(fronts)} of {n} frontends): '
                           f'{" ".join(args)}\n{r.stdout[-1500:]}{r.stderr[-1500:]}')
    summary = fields_of(m.group(1), ['frontends', 'ops', 'seconds', 'mops', 'gbps', 'failed',
                                     'lost'], 'guests line')
    fs = [fields_of(f, ['index', 'size', 'ops', 'mops', 'gbps', 'sent', 'completed',
                        'failed'], 'frontend line') for f in fronts]
    bad = [f for f in fs if int(f['failed']) or int(f['sent']) == 0 or
           f['sent'] != f['completed']]
    if bad or int(summary['failed']) or int(summary['lost']) or int(summary['frontends']) != n:
        raise RuntimeError(f'ops failed or lost: {m.group(0)}\n' +
                           '\n'.join(str(f) for f in bad))
    for f in fs:
        f['mops'], f['gbps'] = float(f['mops']), float(f['gbps'])
    return summary, fs


def jain(xs):
    """Jain's fairness index: 1 when all are equal, 1/n when one has it all."""
    sq = sum(x * x for x in xs)
    return sum(xs) ** 2 / (len(xs) * sq) if sq else None


def run_guests(a, daemon, pmd, run, out, fcore, bcore):
    """The many-guests cases (issue 20): a daemon with n sockets on the
    backend's core for each, one loadgen with n devices on the frontend's."""
    pid = os.getpid()
    try:
        counts = sorted({int(x) for x in a.guests.split(',')} if a.guests else set())
    except ValueError:
        log('--guests takes numbers, like 1,4,16')
        return 2
    if any(n < 1 or n > 16 for n in counts):
        log('--guests: 1 to 16 frontends (the daemon serves up to 16 sockets)')
        return 2
    nmax = max(counts) if counts else 16
    if a.mixed and nmax < 2:
        log('--mixed wants at least two frontends')
        return 2
    cases = [('all', n, a.guest_size) for n in counts]
    if a.mixed:
        if nmax not in counts:
            cases.append(('all', nmax, a.guest_size))
        cases.append(('mixed', nmax, a.big_size))
    algo = a.guest_algo
    log(f'many guests: {algo}, {a.guest_size} B, cases {[(c, n) for c, n, _ in cases]}, '
        f'{a.ops} ops per case')

    rows, fronts = [], []
    for case, n, first_size in cases:
        inflight = a.guest_inflight or max(2 * a.burst, 512 // n)
        socks = [os.path.join(run, f'{case}{n}-{i}.sock') for i in range(n)]
        eal = ['--single-file-segments', '-m', '256', '-d', pmd]
        for i, sock in enumerate(socks):
            eal += ['--vdev', f'crypto_virtio_user{i},path={sock}']
        args = ['taskset', '-c', str(bcore), daemon, '-l', str(bcore), '--no-pci',
                '--in-memory', f'--file-prefix=vcg-b-{pid}', '--']
        for sock in socks:
            args += ['--socket', sock]
        be = Backend(f'vhost-crypto-{case}{n}', args, socks, run)
        try:
            summary, fs = guests_loadgen(a, fcore, f'vcg-l-{pid}', eal, n, algo,
                                         a.guest_size, first_size, inflight)
        finally:
            be.stop()
        mops = [f['mops'] for f in fs]
        row = {'case': case, 'algo': algo, 'frontends': n, 'size': a.guest_size,
               'first_size': first_size, 'inflight': inflight,
               'aggregate_mops': float(summary['mops']),
               'aggregate_gbps': float(summary['gbps'])}
        # The fairness of the mixed case is the small frontends' among them.
        small = mops[1:] if case == 'mixed' else mops
        row.update({'frontend_mops_mean': sum(small) / len(small),
                    'frontend_mops_min': min(small), 'frontend_mops_max': max(small),
                    'jain': jain(small)})
        if case == 'mixed':
            row.update({'big_mops': fs[0]['mops'], 'big_gbps': fs[0]['gbps'],
                        'small_mops': sum(small),
                        'small_gbps': sum(f['gbps'] for f in fs[1:])})
        rows.append(row)
        for f in fs:
            fronts.append({'case': case, 'frontends': n, 'index': f['index'],
                           'size': f['size'], 'ops': f['ops'], 'mops': f['mops'],
                           'gbps': f['gbps']})

    one = next((r for r in rows if r['case'] == 'all' and r['frontends'] == 1), None)
    for r in rows:
        if r['case'] == 'all':
            r['vs_one'] = ratio(r['aggregate_mops'], one and one['aggregate_mops'])
        else:
            ref = next(x for x in rows if x['case'] == 'all' and x['frontends'] == r['frontends'])
            r['share_kept'] = ratio(r['small_mops'],
                                    ref['aggregate_mops'] * (r['frontends'] - 1) / r['frontends'])

    print(f'\n{"case":<6} {"N":>3} {"bytes":>6} {"agg Mops":>9} {"agg Gbps":>9} '
          f'{"per-fe Mops":>11} {"min":>7} {"max":>7} {"J":>6} {"vs N=1":>7}')
    for r in rows:
        size = f'{r["first_size"] // 1024}K+{r["size"]}' if r['case'] == 'mixed' else r['size']
        print(f'{r["case"]:<6} {r["frontends"]:>3} {size:>6} {r["aggregate_mops"]:>9.3f} '
              f'{r["aggregate_gbps"]:>9.2f} {r["frontend_mops_mean"]:>11.4f} '
              f'{r["frontend_mops_min"]:>7.4f} {r["frontend_mops_max"]:>7.4f} '
              f'{fmt(r["jain"], ".3f"):>6} {fmt(r.get("vs_one"), ".2f"):>7}')
    for r in rows:
        if r['case'] == 'mixed':
            print(f'\nmixed, {r["frontends"]} frontends: the {r["first_size"]} B one '
                  f'{r["big_mops"]:.4f} Mops ({r["big_gbps"]:.2f} Gbps); the '
                  f'{r["frontends"] - 1} of {r["size"]} B {r["small_mops"]:.3f} Mops '
                  f'({r["small_gbps"]:.2f} Gbps), share kept {fmt(r["share_kept"], ".2f")} '
                  f'(J among them {fmt(r["jain"], ".3f")})')
    for r in rows:
        print(f'  {r["case"]} {r["frontends"]:>2}: Mops per frontend ' +
              ' '.join(f'{f["mops"]:.4f}' for f in fronts
                       if f['case'] == r['case'] and f['frontends'] == r['frontends']))

    big = next((r for r in rows if r['case'] == 'all' and r['frontends'] == nmax), None)
    mixed = next((r for r in rows if r['case'] == 'mixed'), None)
    got = {'scaling': big and big.get('vs_one') if nmax > 1 else None,
           'jain': big and big['jain'] if nmax > 1 else None,
           'share_kept': mixed and mixed['share_kept']}
    print('\ntargets (issue 20):')
    for label, key, want in GUEST_TARGETS:
        label = label.replace('16', str(nmax)) if key != 'share_kept' else label
        v = got[key]
        state = 'n/a' if v is None else ('met' if v >= want else 'not met')
        print(f'  {label} >= {want:.2f}: {fmt(v, ".3f")}  {state}')

    fields = ['case', 'algo', 'frontends', 'size', 'first_size', 'inflight', 'aggregate_mops',
              'aggregate_gbps', 'frontend_mops_mean', 'frontend_mops_min', 'frontend_mops_max',
              'jain', 'vs_one', 'big_mops', 'big_gbps', 'small_mops', 'small_gbps', 'share_kept']
    for name, fs, data in (('guests.csv', fields, rows),
                           ('guests_frontends.csv', list(fronts[0]) if fronts else [], fronts)):
        write_csv(os.path.join(out, name), fs, data)
    return 0


def plot(rows, path):
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError:
        log('no python3-matplotlib: no plot')
        return False
    fig, axes = plt.subplots(1, len(ALGOS), figsize=(11, 4.2), sharey=False)
    for ax, algo in zip(axes, ALGOS):
        rs = [r for r in rows if r['algo'] == algo]
        xs = range(len(rs))
        w = 0.27
        for i, (case, label) in enumerate((('a', 'bare aesni_mb'),
                                           ('b', 'virtio-user -> our daemon'),
                                           ('c', 'virtio-user -> upstream example'))):
            ax.bar([x + (i - 1) * w for x in xs], [r[f'{case}_gbps'] or 0 for r in rs],
                   w, label=label)
        ax.set_xticks(list(xs), [str(r['size']) for r in rs])
        ax.set_xlabel('buffer bytes')
        ax.set_ylabel('Gbit/s')
        ax.set_title(algo)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return True


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--build', default=os.path.join(here, '..', '..', 'build'),
                    help='the meson build directory (default: build)')
    ap.add_argument('--out', help='where the CSV and plot go (default: BUILD/perf)')
    ap.add_argument('--cores', default='0,1', help='frontend core, backend core')
    ap.add_argument('--ops', type=int, default=2000000, help='timed ops per case')
    ap.add_argument('--burst', type=int, default=32)
    ap.add_argument('--sizes', default=','.join(map(str, SIZES)))
    ap.add_argument('--algos', default=','.join(ALGOS))
    ap.add_argument('--no-upstream', action='store_true', help='leave out case (c)')
    ap.add_argument('--vdev-args', default='',
                    help="more devargs for case (b)'s device, e.g. in_order=0")
    ap.add_argument('--no-plot', action='store_true', help='CSV only')
    g = ap.add_argument_group('many guests (instead of cases a, b and c)')
    g.add_argument('--guests', metavar='N,...',
                   help='frontends on one backend worker, e.g. 1,4,16')
    g.add_argument('--mixed', action='store_true',
                   help='also the largest N with the first frontend sending --big-size')
    g.add_argument('--guest-algo', default=ALGOS[0], choices=ALGOS)
    g.add_argument('--guest-size', type=int, default=64, help='bytes per request (64)')
    g.add_argument('--big-size', type=int, default=65536,
                   help="the mixed case's large requests (65536)")
    g.add_argument('--guest-inflight', type=int,
                   help='ops in flight per frontend (default: 512/N, at least 2 bursts)')
    a = ap.parse_args()

    build = os.path.realpath(a.build)
    a.loadgen = os.path.join(build, 'app/perf/vc_loadgen')
    daemon = os.path.join(build, 'examples/vhost_crypto/vhost-crypto')
    pmd = os.path.join(build, 'drivers/crypto/virtio/librte_pmd_virtio_crypto.so')
    for f in (a.loadgen, daemon, pmd):
        if not os.path.exists(f):
            log(f'{f} missing: build first (ninja -C {build})')
            return 2
    try:
        fcore, bcore = (int(x) for x in a.cores.split(','))
        sizes = [int(x) for x in a.sizes.split(',')]
    except ValueError:
        log('--cores F,B and --sizes N,... take numbers')
        return 2
    algos = a.algos.split(',')
    if any(al not in ALGOS for al in algos) or fcore == bcore:
        log(f'--algos from {ALGOS}; --cores two different cores')
        return 2
    out = os.path.realpath(a.out or os.path.join(build, 'perf'))
    os.makedirs(out, exist_ok=True)
    run = tempfile.mkdtemp(prefix='vc-bench-', dir='/run')
    pid = os.getpid()
    # EAL loads no plugin from a path with a world-writable directory in it
    # (a build under /tmp): ours goes through a private copy.
    pmd = shutil.copy(pmd, run)
    log(f'frontend core {fcore}, backend core {bcore}, {a.ops} ops per case, '
        f'burst {a.burst}; logs in {run}')
    if a.guests or a.mixed:
        try:
            rc = run_guests(a, daemon, pmd, run, out, fcore, bcore)
        except RuntimeError as e:
            log(f'many guests: {e}')
            rc = 1
        if rc == 0:
            shutil.rmtree(run, ignore_errors=True)
        return rc
    # What a cache line costs between the two cores: the price of every
    # line a request or its answer carries between the halves.
    bounce = subprocess.run([os.path.join(build, 'app/perf/vc_linebounce'), str(fcore),
                             str(bcore)], capture_output=True, text=True, timeout=120)
    m = re.search(r'ns_per_transfer (\S+) cycles_per_transfer (\S+)', bounce.stdout)
    if m:
        log(f'one cache line from core {fcore} to core {bcore}: {m.group(1)} ns '
            f'({m.group(2)} TSC cycles)')

    upstream, why = (None, 'left out (--no-upstream)') if a.no_upstream else build_upstream(out)
    if upstream is None:
        log(f'case (c): {why}')

    rows = []
    for algo in algos:
        for size in sizes:
            rows.append({'algo': algo, 'size': size})

    # Memory reserved up front: no hotplug (a new SET_MEM_TABLE) under
    # traffic, which upstream's backend does not survive.
    def virtio_eal(sock, extra=''):
        return ['--single-file-segments', '-m', '512', '-d', pmd, '--vdev',
                f'crypto_virtio_user0,path={sock}{extra}']

    # (a) the bare PMD
    for r in rows:
        res = loadgen(a, fcore, f'vcb-a-{pid}', ['--no-pci', '--in-memory', '--vdev',
                      'crypto_aesni_mb0'], 'crypto_aesni_mb0', r['algo'], r['size'])
        r['a_mops'], r['a_gbps'] = float(res['mops']), float(res['gbps'])
        r['a_cycles_per_op'] = float(res['enq_cycles_per_op']) + float(res['deq_cycles_per_op'])

    # (b) our daemon
    sock = os.path.join(run, 'ours.sock')
    be = Backend('vhost-crypto', ['taskset', '-c', str(bcore), daemon, '-l', str(bcore),
                 '--no-pci', '--in-memory', f'--file-prefix=vcb-b-{pid}', '--',
                 '--socket', sock], sock, run)
    try:
        for r in rows:
            res = loadgen(a, fcore, f'vcb-bl-{pid}',
                          virtio_eal(sock, ',' + a.vdev_args if a.vdev_args else ''),
                          'crypto_virtio_user0',
                          r['algo'], r['size'])
            r['b_mops'], r['b_gbps'] = float(res['mops']), float(res['gbps'])
            r['b_frontend_cycles_per_op'] = (float(res['enq_cycles_per_op']) +
                                             float(res['deq_cycles_per_op']))
    finally:
        be.stop()

    # (c) upstream's example
    if upstream is not None:
        sock = os.path.join(run, 'upstream.sock')
        be = Backend('upstream-vhost-crypto',
                     ['taskset', '-c', f'{fcore},{bcore}', upstream,
                      '--lcores', f'0@{fcore},1@{bcore}', '--main-lcore', '0', '--no-pci',
                      '--in-memory', f'--file-prefix=vcb-c-{pid}', '--vdev', 'crypto_aesni_mb0',
                      '--', '--socket-file', f'1,{sock}', '--config', '(1,0,0)',
                      '--guest-polling'], sock, run, idle_main=True)
        try:
            for r in rows:
                if r['algo'] not in UPSTREAM_ALGOS:
                    continue
                res = loadgen(a, fcore, f'vcb-cl-{pid}', virtio_eal(sock, ',session=qemu-7.0,config=qemu'),
                              'crypto_virtio_user0', r['algo'], r['size'])
                r['c_mops'], r['c_gbps'] = float(res['mops']), float(res['gbps'])
        except RuntimeError as e:
            log(f'case (c) failed: {e}')
        finally:
            be.stop()

    fields = ['algo', 'size', 'a_mops', 'a_gbps', 'b_mops', 'b_gbps', 'c_mops', 'c_gbps',
              'b/a', 'b/c', 'a_cycles_per_op', 'b_frontend_cycles_per_op']
    print(f'\n{"algorithm":<18} {"bytes":>5} {"a Mops":>8} {"a Gbps":>8} {"b Mops":>8} '
          f'{"b Gbps":>8} {"c Mops":>8} {"c Gbps":>8} {"b/a":>6} {"b/c":>6}')
    for r in rows:
        r.setdefault('c_mops', None)
        r.setdefault('c_gbps', None)
        r['b/a'] = ratio(r['b_mops'], r['a_mops'])
        r['b/c'] = ratio(r['b_mops'], r['c_mops'])
        print(f'{r["algo"]:<18} {r["size"]:>5} {fmt(r["a_mops"]):>8} {fmt(r["a_gbps"], ".2f"):>8} '
              f'{fmt(r["b_mops"]):>8} {fmt(r["b_gbps"], ".2f"):>8} {fmt(r["c_mops"]):>8} '
              f'{fmt(r["c_gbps"], ".2f"):>8} {fmt(r["b/a"], ".2f"):>6} {fmt(r["b/c"], ".2f"):>6}')
    print('\ntargets (issue 6):')
    for (what, size), want in TARGETS.items():
        got = [r[what] for r in rows if r['size'] == size and r[what] is not None]
        worst = min(got) if got else None
        state = 'n/a' if worst is None else ('met' if worst >= want else 'not met')
        print(f'  {what} at {size:>4} B >= {want:.2f}: worst {fmt(worst, ".2f")}  {state}')

    write_csv(os.path.join(out, 'benchmark.csv'), fields, rows)
    png = os.path.join(out, 'benchmark.png')
    if not a.no_plot and plot(rows, png):
        log(f'wrote {png}')
    shutil.rmtree(run, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
