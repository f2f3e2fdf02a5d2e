#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-virtio-crypto authors
"""DPDK's l2fwd-crypto, unmodified, in a DPDK guest on our PMD.

    l2fwd_crypto_guest.py --daemon VHOST-CRYPTO --pmd OUR.so --app DPDK-L2FWD-CRYPTO

Our PMD drives, over virtio-pci, QEMU's cryptodev-vhost-user device backed
by our daemon. That device carries AES-CBC with HMAC-SHA1 or HMAC-SHA256
chains (and no AEAD), so in one guest:

  - AES-128-CBC + HMAC-SHA1 and AES-256-CBC + HMAC-SHA256, each encrypt
    (then generate) and decrypt (verify first, one frame with a spoiled
    digest): the frames l2fwd-crypto wrote come back hex-encoded and are
    compared here, byte for byte, with python3-cryptography's answers
    (l2fwd_frames.py), the spoiled frame's op must be the one that failed;
  - AES-128-GCM: l2fwd-crypto must refuse it, saying the device does not
    support it, and exit non-zero with no frame written.

Each run stops on SIGTERM once its output pcap is as long as the expected
frames make it (net_pcap writes a burst at a time). Afterwards the daemon
has freed every session and holds nothing, and stops cleanly.
"""

import argparse
import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', '..', 'vm'))
sys.path.insert(0, os.path.join(HERE, '..', '..', 'common'))
import l2fwd_frames as lf  # noqa: E402
import vmharness  # noqa: E402
import test_dpdk_guest_our_pmd as our_pmd  # noqa: E402
from vc_telemetry import all_given_back, telemetry, wait_disconnected  # noqa: E402

# Bounds on events (the guest is TCG on a possibly busy machine).
DAEMON_READY_S = 30     # the daemon's socket appearing
RUN_S = 240             # one l2fwd-crypto run in the guest, start to exit
EXIT_S = 60             # from SIGTERM to its exit
GUEST_S = 900           # the whole guest

# name: (case, direction); None for a run l2fwd-crypto must refuse
RUNS = {
    'cbc-sha1-enc': ('aes-cbc-sha1-hmac', 'encrypt'),
    'cbc-sha1-dec': ('aes-cbc-sha1-hmac', 'decrypt'),
    'cbc-sha256-enc': ('aes-cbc-sha256-hmac', 'encrypt'),
    'cbc-sha256-dec': ('aes-cbc-sha256-hmac', 'decrypt'),
    'gcm-refused': ('aes-gcm', 'encrypt'),
}
REFUSED = {'gcm-refused'}

GUEST_SCRIPT = our_pmd.FIND_DEVICES + our_pmd.BIND_UIO + our_pmd.WAIT_BOUND + r'''
bdf=$first

# our PMD logs each op that did not succeed at debug level
eal="-l 0 -n 1 --iova-mode=pa -d /usr/bin/@PMD@ -a $bdf --log-level=pmd.crypto.virtio.driver:debug"

# run NAME BYTES ARGS...: l2fwd-crypto on /tmp/NAME-in.pcap until
# /tmp/NAME-out.pcap has BYTES (0: until it exits by itself)
run() {
	name=$1; bytes=$2; shift 2
	echo "=== $name"
	dpdk-l2fwd-crypto $eal --file-prefix=$name \
		--vdev net_pcap0,rx_pcap=/tmp/$name-in.pcap,tx_pcap=/tmp/$name-out.pcap \
		-- "$@" > /tmp/$name.log 2>&1 &
	pid=$!
	i=0
	while kill -0 $pid 2>/dev/null; do
		if [ $bytes -gt 0 ] &&
		   [ "$(stat -c %s /tmp/$name-out.pcap 2>/dev/null || echo 0)" -ge $bytes ]; then
			echo "all frames out, sending SIGTERM"
			kill -TERM $pid
			break
		fi
		if [ $i -ge @RUN_POLLS@ ]; then
			echo "timed out, sending SIGTERM"
			kill -TERM $pid
			break
		fi
		sleep 0.1; i=$((i + 1))
	done
	i=0
	while kill -0 $pid 2>/dev/null && [ $i -lt @EXIT_POLLS@ ]; do sleep 0.1; i=$((i + 1)); done
	kill -0 $pid 2>/dev/null && { echo "no exit after SIGTERM, killing it"; kill -KILL $pid; }
	wait $pid
	rc=$?
	cat /tmp/$name.log
	echo "$name exit status $rc"
	echo "$name out: $(od -An -v -tx1 /tmp/$name-out.pcap 2>/dev/null | tr -d ' \n')"
}

@RUNS@
echo "=== end"
'''


def section(output, title):
    m = re.search(rf'^=== {re.escape(title)}\n(.*?)(?=^=== |\Z)', output, re.M | re.S)
    return m.group(1) if m else ''


def check_run(name, output, frames_in, want, checks):
    case, direction = RUNS[name]
    out = section(output, name)
    m = re.search(rf'^{re.escape(name)} exit status (\d+)$', out, re.M)
    rc = int(m.group(1)) if m else None
    m = re.search(rf'^{re.escape(name)} out: ([0-9a-f]*)$', out, re.M)
    got = lf.read_pcap(bytes.fromhex(m.group(1))) if m else None
    if name in REFUSED:
        print(f'{name}: {len(frames_in)} frames offered, exit status {rc}, '
              f'{len(got) if got is not None else "no"} frame(s) out')
        checks[f'{name}: l2fwd-crypto says the device does not support {case}'] = (
            re.search(rf'Algorithm {re.escape(case)} not supported by cryptodev', out) is not None
            and re.search(r'Number of capable crypto devices \(0\)', out) is not None)
        checks[f'{name}: l2fwd-crypto exits non-zero by itself, no frame written'] = (
            rc not in (None, 0) and 'sending SIGTERM' not in out and got == [])
        return
    right, wrong, missing, extra, diffs = lf.compare(got or [], want)
    bad = want.count(None)
    print(f'{name}: {case} {direction}: {len(frames_in)} frames in ({bad} with a spoiled '
          f'digest), {len(got or [])} out, {right} right, {wrong} wrong, {missing} missing, '
          f'{extra} extra')
    for i, g, w in diffs:
        print(f'  frame {i}: got {len(g)} bytes {g[:48].hex()}...')
        print(f'  frame {i}: want {len(w)} bytes {w[:48].hex()}...')
    checks[f'{name}: stopped on SIGTERM once all frames were out, exit status 0'] = (
        rc == 0 and 'all frames out, sending SIGTERM' in out)
    checks[f'{name}: all {len(want)} frames out, {len(want) - bad} byte-identical to '
           f'python3-cryptography'] = got is not None and right == len(want) - bad and \
        len(got) == len(want)
    failed = lf.failed_ops(out)
    expect = lf.spoiled_statuses(case, bad)
    print(f'{name}: failed ops (device status, op status): {failed}')
    checks[f'{name}: failed ops (device status, op status) {expect}'] = failed == expect


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--daemon', required=True, help='path of vhost-crypto')
    ap.add_argument('--pmd', required=True, help='our librte_pmd_virtio_crypto.so')
    ap.add_argument('--app', required=True, help='dpdk-l2fwd-crypto')
    ap.add_argument('--timeout', type=float, default=GUEST_S)
    a = ap.parse_args()

    pmd = os.path.realpath(a.pmd)
    rundir = tempfile.mkdtemp(prefix='vc-l2fwd-', dir='/run')
    sock = os.path.join(rundir, 'vc.sock')
    log_path = os.path.join(rundir, 'daemon.log')
    image = vmharness.GuestImage(
        modules=['uio_pci_generic'],
        binaries=[os.path.realpath(a.app), pmd],
        dpdk_pmds=['mempool_ring', 'net_pcap'])

    files, calls, expected = {}, [], {}
    for name, (case, direction) in RUNS.items():
        frames_in, want = lf.expected(case, direction)
        path = os.path.join(rundir, f'{name}-in.pcap')
        lf.write_pcap(path, frames_in)
        files[f'{name}-in.pcap'] = path
        expected[name] = (frames_in, want)
        # how long the pcap it writes gets (the spoiled frame is as long as
        # it would be unspoiled)
        lengths = lf.output_lengths(case, direction)
        size = 0 if name in REFUSED else 24 + sum(16 + n for n in lengths)
        calls.append(f'run {name} {size} ' + ' '.join(lf.app_args(case, direction)))
    script = (GUEST_SCRIPT.replace('@PMD@', os.path.basename(pmd))
              .replace('@RUN_POLLS@', str(RUN_S * 10)).replace('@EXIT_POLLS@', str(EXIT_S * 10))
              .replace('@RUNS@', '\n'.join(calls)))

    prefix = f'vc-l2fwd-{os.getpid()}'
    checks = {}
    with vmharness.ProcessGroup() as group, open(log_path, 'w') as log:
        daemon, checks['daemon listening'] = vmharness.start_crypto_daemon(
            group, a.daemon, prefix, [sock], log, ['--queues', '1'], timeout=DAEMON_READY_S)
        result = vmharness.run_guest(
            script, image, vmharness.vhost_user_crypto_args(sock, index=0, queues=1),
            memory_mb=1024, hugepages=256, smp=2, timeout=a.timeout, shared_memory=True,
            group=group, files=files)
        # the pcap hex is long: print the output without it
        shown = re.sub(r'^(\S+ out: )([0-9a-f]{64})[0-9a-f]*$', r'\1\2...', result.output,
                       flags=re.M)
        print(shown, end='' if shown.endswith('\n') else '\n')
        state = ('timed out' if result.timed_out else
                 'no exit status' if result.status is None else f'exit {result.status}')
        print(f'l2fwd-crypto guest: guest {state} after {result.seconds:.1f} s')
        if not result.ok:
            print('--- guest console (last 60 lines) ---')
            print('\n'.join(result.console.splitlines()[-60:]))
        after = wait_disconnected(prefix, sock)
        stats = telemetry(prefix, f'/vhost_crypto/stats,{sock}')
        rc = vmharness.stop_crypto_daemon(daemon)

    checks['guest script ran to the end'] = result.ok and '=== end' in result.output
    checks['our PMD holds the device'] = re.search(
        r'^device \S+ bound to uio_pci_generic$', result.output, re.M) is not None
    for name in RUNS:
        check_run(name, result.output, *expected[name], checks)
    print(f'daemon: {stats}')
    checks['daemon: no request failed (QEMU chains are verified by our PMD)'] = (
        isinstance(stats, dict) and stats.get('completed_err') == 0 and
        stats.get('completed_ok', 0) > 0)
    checks['daemon: guest gone, every session freed, nothing in use'] = (
        isinstance(after, dict) and all_given_back(after) and after['sessions_created'] > 0)
    checks['daemon stopped cleanly'] = rc == 0
    return vmharness.finish_run_dir(rundir, vmharness.report_checks(checks),
                                    "inputs and the daemon's log")


if __name__ == '__main__':
    sys.exit(main())
