#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-virtio-crypto authors
"""fips_validation, unmodified, in a DPDK guest: our PMD over virtio-pci on
QEMU's cryptodev-vhost-user, backed by our daemon.

The request files fips_cavp.py makes (NIST CAVP and our HMAC vectors) go in
as one tar; fips_validation runs once per set on a folder of them; its
answer files come back gzipped and hex-encoded on the guest's output and
are checked here against the files' own answers.

What QEMU's device carries in vhost-user mode is AES-CBC (and AES-CBC
chained with an HMAC): every AES-CBC vector must be answered right. AES-ECB,
AES-CCM, AES-GCM, plain SHA and HMAC alone it cannot carry: for those the
run must end in a clean refusal (the application says the device lacks the
capability, or that a session could not be made) with no wrong answer
written before it; if the device did take them, every answer must be right.
"""

import argparse
import gzip
import os
import re
import shutil
import sys
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', '..', 'vm'))
sys.path.insert(0, os.path.join(HERE, '..', '..', 'common'))
import fips_cavp  # noqa: E402
import vmharness  # noqa: E402
import test_dpdk_guest_our_pmd as our_pmd  # noqa: E402
from vc_telemetry import all_given_back, wait_disconnected  # noqa: E402

DAEMON_LISTEN_S = 60    # the daemon, until its socket is there

# The sets QEMU's device must answer; the others it must refuse cleanly.
CARRIED = ('cbc',)
# Vectors a file of a set to be refused: the first is refused; a few more
# show that nothing wrong is answered should a device take them. (Files
# reach the guest through fw_cfg, slowly under TCG: the whole SHA set
# with its long messages would be 9 MB.)
REFUSED_LIMIT = 6

RUN = our_pmd.WAIT_BOUND + r'''
cd /tmp && tar xzf fips.tgz || { echo "no files"; exit 1; }
for s in @SETS@; do
	echo "=== fips $s"
	mkdir -p /tmp/out-$s
	t0=$(date +%s)
	dpdk-fips_validation -l 0 -n 1 --iova-mode=pa -d /usr/bin/@PMD@ -a $first \
		--file-prefix=fips-$s -- --req-file /tmp/in-$s --rsp-file /tmp/out-$s \
		--path-is-folder --cryptodev-id 0 2>&1
	echo "fips $s exit status $? ($(($(date +%s) - t0)) s)"
	for f in /tmp/out-$s/*.rsp; do
		[ -e "$f" ] || continue
		echo "--- rsp $s $(basename $f)"
		gzip -c "$f" | xxd -p
		echo "--- end"
	done
done
'''

RSP = re.compile(r'^--- rsp (\w+) (\S+)\n(.*?)^--- end$', re.M | re.S)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--daemon', required=True, help='path of vhost-crypto')
    ap.add_argument('--pmd', required=True, help='our librte_pmd_virtio_crypto.so')
    ap.add_argument('--app', required=True, help='dpdk-fips_validation')
    ap.add_argument('--set', action='append', choices=fips_cavp.SETS,
                    help='default: all')
    ap.add_argument('--timeout', type=float, default=600)
    a = ap.parse_args()
    sets = a.set or ['cbc', 'ecb', 'ccm', 'gcm', 'sha', 'hmac']
    dirs = []
    try:
        return run(a, sets, dirs)
    finally:
        for d in dirs:
            shutil.rmtree(d, ignore_errors=True)


def run(a, sets, dirs):
    pmd = os.path.realpath(a.pmd)
    rundir = tempfile.mkdtemp(prefix='vc-fips-', dir='/run')
    sock = os.path.join(rundir, 'vc.sock')
    work = fips_cavp.workdir()
    dirs += [rundir, work]
    expected = {}
    tarpath = os.path.join(work, 'fips.tgz')
    with tarfile.open(tarpath, 'w:gz') as tar:
        for s in sets:
            d = os.path.join(work, 'in-' + s)
            expected[s] = fips_cavp.make([s], d, None if s in CARRIED else REFUSED_LIMIT)
            os.unlink(os.path.join(d, 'expected.json'))
            tar.add(d, arcname='in-' + s)
    image = vmharness.GuestImage(
        modules=['uio_pci_generic'],
        binaries=[os.path.realpath(a.app), pmd],
        dpdk_pmds=['mempool_ring'])
    script = (our_pmd.FIND_DEVICES + our_pmd.BIND_UIO + RUN).replace(
        '@PMD@', os.path.basename(pmd)).replace('@SETS@', ' '.join(sets))
    prefix = f'vc-fips-{os.getpid()}'
    checks = {}
    with vmharness.ProcessGroup() as group, open(os.path.join(rundir, 'daemon.log'), 'w') as log:
        daemon, checks['daemon listening'] = vmharness.start_crypto_daemon(
            group, a.daemon, prefix, [sock], log, timeout=DAEMON_LISTEN_S)
        result = vmharness.run_guest(
            script, image, vmharness.vhost_user_crypto_args(sock, queues=1),
            memory_mb=1024, hugepages=256, smp=2, timeout=a.timeout, shared_memory=True,
            group=group, files={'fips.tgz': tarpath})
        after = wait_disconnected(prefix, sock)
        rc = vmharness.stop_crypto_daemon(daemon)

    # The guest's output without the hex of the answer files.
    print(RSP.sub(lambda m: f'--- rsp {m.group(1)} {m.group(2)} '
                  f'({len(m.group(3))} hex characters)', result.output))
    state = ('timed out' if result.timed_out else
             'no exit status' if result.status is None else f'exit {result.status}')
    print(f'fips guest: {state} after {result.seconds:.1f} s')
    if not result.ok:
        print('--- guest console (last 40 lines) ---')
        print('\n'.join(result.console.splitlines()[-40:]))
    checks['guest script ran to the end'] = result.ok

    for s in sets:
        out = os.path.join(work, 'out-' + s)
        os.makedirs(out)
        for m in RSP.finditer(result.output):
            if m.group(1) == s:
                with open(os.path.join(out, m.group(2)), 'wb') as f:
                    f.write(gzip.decompress(bytes.fromhex(''.join(m.group(3).split()))))
        sec = our_pmd.section(result.output, f'fips {s}')
        st = re.search(rf'^fips {s} exit status (\d+)', sec, re.M)
        status = int(st.group(1)) if st else None
        res = fips_cavp.check(expected[s], out)
        tot = fips_cavp.summary(res, f'guest {s}')
        want_skip = sum(c['bypass_ok'] for e in expected[s].values() for c in e['cases'])
        every_right = (status == 0 and tot['wrong'] == 0 and tot['missing'] == 0
                       and tot['skipped_unexpected'] == 0
                       and tot['right'] == tot['vectors'] - want_skip)
        if s in CARRIED:
            checks[f'{s}: all {tot["vectors"]} vectors answered, every answer right'] = (
                every_right and (tot['vectors'], want_skip) == fips_cavp.SET_VECTORS[s])
            continue
        # fips_validation stops a file at the first vector it cannot run,
        # and says why: no capability (-EINVAL), or the PMD could not make
        # the session (-ENOMEM, whatever the cause: our PMD logs the cause).
        refused = (status not in (None, 0) and tot['wrong'] == 0 and
                   re.search(r'^USER1: Failed to get capability for cdev 0$|'
                             r'session create failed: Operation not supported$',
                             sec, re.M) is not None and
                   re.search(r'^USER1: Error -(12|22): Failed test ', sec, re.M) is not None)
        print(f'guest {s}: ' + ('every answer right' if every_right else
                                'refused cleanly' if refused else 'neither right nor refused'))
        checks[f'{s}: refused cleanly (or every answer right), no wrong answer'] = (
            refused or every_right)

    checks['daemon: guest gone, every session freed, nothing in use'] = (
        isinstance(after, dict) and all_given_back(after))
    checks['daemon stopped cleanly'] = rc == 0
    return vmharness.report_checks(checks)


if __name__ == '__main__':
    sys.exit(main())
