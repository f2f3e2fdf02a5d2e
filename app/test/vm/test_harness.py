#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The guest harness keeps its promises: output and exit status come back,
files arrive, a hung guest is killed at its timeout, a harness killed by
SIGTERM (what meson does on a test timeout) takes its QEMU with it, and a
QEMU that fails its own assertion is given one more boot, not two."""

import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vmharness  # noqa: E402

results = []


def check(what, good, detail=''):
    results.append(good)
    print(f'{"PASS" if good else "FAIL"}: {what}' + (f' ({detail})' if detail and not good else ''))


def qemu_running(tag):
    return subprocess.run(['pgrep', '-f', f'qemu-system-x86_64.*{tag}'],
                          capture_output=True).returncode == 0


def main():
    image = vmharness.GuestImage()
    with tempfile.NamedTemporaryFile('w', suffix='.txt', delete=False) as f:
        f.write('payload from the host\n')
        payload = f.name

    r = vmharness.run_guest('cat /tmp/greeting\necho "cpus $(nproc)"\nexit 7\n',
                            image, files={'greeting': payload}, timeout=60)
    check('script output returned', 'payload from the host' in r.output, repr(r.output))
    check('exit status returned', r.status == 7 and not r.timed_out, f'{r.status}')
    check('guest has the asked vCPUs', 'cpus 2' in r.output, repr(r.output))

    t0 = time.monotonic()
    tag = f'vmtest-hang-{os.getpid()}'
    r = vmharness.run_guest('echo started\nsleep 1000\n', image, timeout=15,
                            qemu_args=['-name', tag])
    check('hung guest stopped at its timeout',
          r.timed_out and r.status is None and time.monotonic() - t0 < 30)
    check('no QEMU left after a timeout', not qemu_running(tag))

    # A harness process killed the way meson kills a test that runs over.
    tag = f'vmtest-term-{os.getpid()}'
    with tempfile.NamedTemporaryFile('w', suffix='.sh', delete=False) as f:
        f.write('sleep 1000\n')
        script = f.name
    child = subprocess.Popen([sys.executable, vmharness.__file__, script,
                              '--timeout', '600', '--', '-name', tag],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not qemu_running(tag) and time.monotonic() < deadline:
        time.sleep(0.2)
    check('QEMU started under a harness process', qemu_running(tag))
    child.send_signal(signal.SIGTERM)
    child.wait(30)
    time.sleep(0.5)
    check('no QEMU left after SIGTERM to the harness', not qemu_running(tag))

    # QEMU's own assertion (faked: QEMU cannot be made to fail one at will).
    crash = vmharness.GuestResult(None, '', 'qemu-system-x86_64: ../system/physmem.c:2671: '
                                  "iotlb_to_section: Assertion `section_index < "
                                  "d->map.sections_nb' failed.", False, 7.0)
    fine = vmharness.GuestResult(0, 'ok\n', '', False, 5.0)
    real, boots = vmharness.run_guest_once, []
    try:
        for outcomes, want in (([crash, fine], (2, 0)), ([crash, crash], (2, None)),
                               ([vmharness.GuestResult(None, '', 'panic', False, 3.0)],
                                (1, None))):
            boots.clear()
            vmharness.run_guest_once = lambda *a: (boots.append(1), outcomes[len(boots) - 1])[1]
            r = vmharness.run_guest('true\n', image)
            check(f'{len(outcomes)} boot(s) for {[o.status for o in outcomes]}: '
                  f'booted {want[0]} time(s), status {want[1]}',
                  (len(boots), r.status) == want, f'{len(boots)} boots, status {r.status}')
    finally:
        vmharness.run_guest_once = real

    os.unlink(payload)
    os.unlink(script)
    passed = sum(results)
    print(f'{passed} passed, {len(results) - passed} failed')
    return 0 if passed == len(results) else 1


if __name__ == '__main__':
    sys.exit(main())
