#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The vhost-crypto daemon's command line.

Bad input ends with exit status 2 and a message naming what is wrong,
before EAL starts. Good --lcores lists start the daemon with the first core
as the main lcore and each socket polled by one worker; it stops cleanly
on SIGTERM.
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time

results = []


def check(what, good, detail=''):
    results.append(bool(good))
    print(f'{"PASS" if good else "FAIL"}: {what}' + (f' ({detail})' if detail and not good else ''))


def run(daemon, args):
    """A command line that must end by itself: (exit status, stdout, stderr)."""
    r = subprocess.run([daemon] + args, capture_output=True, text=True, timeout=30,
                       stdin=subprocess.DEVNULL)
    return r.returncode, r.stdout, r.stderr


def rejected(daemon, what, args, message):
    rc, out, err = run(daemon, args)
    check(f'{what}: exit 2, "{message}"', rc == 2 and message in err,
          f'exit {rc}, stderr {err.strip()[:300]!r}')


def serve(daemon, what, args, sockets, expect):
    """Start the daemon, wait for its sockets, stop it; check its output."""
    with tempfile.TemporaryFile('w+') as log:
        p = subprocess.Popen([daemon] + args, stdout=log, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            # The sockets exist before the daemon says which lcore polls
            # what: wait for those lines too, or a SIGTERM in between finds
            # a daemon that (rightly) stops before launching its workers.
            def announced():
                log.seek(0)
                return sum(line.startswith('vhost-crypto: lcore')
                           for line in log.read().splitlines()) >= len(expect)
            deadline = time.monotonic() + 30
            while (not (all(os.path.exists(s) for s in sockets) and announced())
                   and p.poll() is None and time.monotonic() < deadline):
                time.sleep(0.1)
            up = all(os.path.exists(s) for s in sockets) and p.poll() is None
            p.send_signal(signal.SIGTERM)
            rc = p.wait(30)
        finally:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        log.seek(0)
        text = log.read()
    lines = [line for line in text.splitlines() if line.startswith('vhost-crypto: lcore')]
    good = up and rc == 0 and lines == expect
    check(f'{what}: serves, says which lcore polls what, exits 0 on SIGTERM', good,
          f'up {up}, exit {rc}, lcore lines {lines}' +
          ('' if good else '\n' + '\n'.join(text.splitlines()[-20:])))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--daemon', required=True, help='path of vhost-crypto')
    a = ap.parse_args()
    d = a.daemon

    rundir = tempfile.mkdtemp(prefix='vc-cli-')
    sock = [os.path.join(rundir, f'vc{i}.sock') for i in range(3)]
    cpus = sorted(os.sched_getaffinity(0))
    # A core number this process may not run on, below DPDK's limit (128).
    foreign = next((c for c in range(128) if c not in cpus), None)

    rc, out, _ = run(d, ['--help'])
    check('--help: exit 0, documents --lcores', rc == 0 and '--lcores LIST' in out, f'exit {rc}')
    rejected(d, 'unknown option', ['--no-such-option', '--socket', sock[0]], 'usage:')
    rejected(d, 'no socket', ['--lcores', str(cpus[0])], 'at least one --socket')
    rejected(d, '--copy with --zero-copy', ['--copy', '--zero-copy', '--socket', sock[0]],
             '--copy and --zero-copy contradict each other')

    for value, message in (('x', 'want core numbers and ranges'),
                           ('', 'want core numbers and ranges'),
                           ('0,,1', 'want core numbers and ranges'),
                           ('1-0', 'range 1-0 runs backwards'),
                           ('0-', 'a range needs its last core'),
                           ('0-1x', "unexpected 'x'"),
                           (f'{cpus[0]},{cpus[0]}', f'core {cpus[0]} is listed twice'),
                           ('4096', "core 4096 is over this DPDK's limit"),
                           ('99999999999999999999', 'core 99999999999999999999 is over')):
        rejected(d, f'--lcores {value!r}', ['--lcores', value, '--socket', sock[0]],
                 f"--lcores '{value}': {message}")
    if foreign is not None:
        rejected(d, f'--lcores with core {foreign}, outside the affinity',
                 ['--lcores', f'{cpus[0]},{foreign}', '--socket', sock[0]],
                 f'core {foreign} is not one this process may run on')
    for eal, name in ((['-l', '0'], '-l'), (['-l0'], '-l'), (['--lcores=0'], '--lcores'),
                      (['-c', '0x1'], '-c'), (['--main-lcore', '0'], '--main-lcore')):
        rejected(d, f'--lcores with EAL {" ".join(eal)}',
                 eal + ['--', '--lcores', str(cpus[0]), '--socket', sock[0]],
                 f'--lcores and the EAL option {name} both choose')

    prefix = f'--file-prefix=vc-cli-{os.getpid()}'
    serve(d, f'--lcores {cpus[-1]}', ['--lcores', str(cpus[-1]), '--socket', sock[0]], sock[:1],
          [f'vhost-crypto: lcore {cpus[-1]} polls every socket'])
    if len(cpus) >= 2:
        main_cpu, worker = cpus[0], cpus[1]
        serve(d, f'--lcores {main_cpu},{worker}, three sockets on its one worker',
              ['--lcores', f'{main_cpu},{worker}'] + sum((['--socket', s] for s in sock), []),
              sock, [f'vhost-crypto: lcore {worker} polls {s}' for s in sock])
        # The first listed is the main lcore even when it is not the lowest.
        serve(d, f'EAL options, then --lcores {worker},{main_cpu}',
              ['--no-pci', '--in-memory', prefix, '--',
                  '--lcores', f'{worker},{main_cpu}', '--socket', sock[0]], sock[:1],
              [f'vhost-crypto: lcore {main_cpu} polls {sock[0]}'])
    else:
        print(f'SKIP: worker lcores need two CPUs, this process may use {cpus}')

    for f in os.listdir(rundir):
        os.unlink(os.path.join(rundir, f))
    os.rmdir(rundir)
    passed = sum(results)
    print(f'{passed} passed, {len(results) - passed} failed')
    return 0 if passed == len(results) else 1


if __name__ == '__main__':
    sys.exit(main())
