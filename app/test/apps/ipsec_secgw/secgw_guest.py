#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-virtio-crypto authors
"""DPDK's stock ipsec-secgw, unmodified, in a DPDK guest on our PMD over virtio-pci.

    secgw_guest.py --daemon VHOST_CRYPTO --pmd PLUGIN --secgw BIN --pktio SECGW_PKTIO

Two virtio-crypto devices, QEMU cryptodev-vhost-user each, on two sockets
of our daemon: QEMU serves one data queue a device, and ipsec-secgw wants a
queue pair per --config entry (outbound and inbound), so device 0 carries
the outbound SAs and device 1 the inbound ones. QEMU's device offers
AES-CBC + HMAC-SHA1, not AES-GCM. In the guest, net_tap ports (module tun)
and secgw_pktio: frames from files in, every frame out printed in hex; the
frames are judged here afterwards with scapy (secgw_traffic.py). Runs:

  legacy  SAs AES-CBC + HMAC-SHA1 and AES-GCM, legacy path: the CBC traffic
          right both ways and tampered ESP dropped; the GCM SAs get no crypto
          device ("No cores found to handle SA", once each), so nothing of
          theirs may come out (ipsec-secgw's legacy path drops it).
  libgcm  the same SAs, librte_ipsec path (-l): ipsec-secgw refuses to start
          (it cannot prepare a session-less SA: "failed to init inbound SAs"),
          exit status not 0, no traffic.
  lib     the AES-CBC SA only, librte_ipsec path: right both ways.

Afterwards the daemon has freed every session and holds nothing.
"""

import argparse
import os
import re
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', '..', 'vm'))
sys.path.insert(0, os.path.join(HERE, '..', '..', 'common'))
import vmharness  # noqa: E402
from vc_telemetry import all_given_back, wait_disconnected  # noqa: E402
import test_dpdk_guest_our_pmd as our_pmd  # noqa: E402
from secgw_traffic import PORT_ESP, PORT_PLAIN, Plan, Verdict, secgw_config  # noqa: E402

DAEMON_READY_S = 60     # the daemon started until its sockets are there
MAIN_LOOP_DS = 1800     # in the guest: ipsec-secgw started until it forwards (0.1 s)
PKTIO_S = 90            # in the guest: traffic injected until all expected is out

# name: (SAs, refused SAs, librte_ipsec path, traffic, "No cores found to
# handle SA" warnings: one per session-less SA, inbound ones first; the
# librte_ipsec path stops at the first)
RUNS = {
    'legacy': (['cbc', 'gcm'], ['gcm'], False, True, 2),
    'libgcm': (['cbc', 'gcm'], ['gcm'], True, False, 1),
    'lib': (['cbc'], [], True, True, 0),
}

RUN = our_pmd.WAIT_BOUND + r'''

run() {
	name=$1 lib=$2 want=$3
	echo "=== $name"
	dpdk-ipsec-secgw -l 0 -n 1 --iova-mode=pa -d /usr/bin/@PMD@ $allow --file-prefix=$name \
		--log-level=pmd.crypto.virtio.*:info \
		--vdev net_tap0,iface=${name}p,mac=fixed --vdev net_tap1,iface=${name}e,mac=fixed -- \
		-p 0x3 -u 0x2 -P --config='(0,0,0),(1,0,0)' -f /tmp/$name.cfg $lib \
		> /tmp/$name.log 2>&1 &
	pid=$!
	i=0
	while ! grep -q 'entering main loop' /tmp/$name.log && kill -0 $pid 2>/dev/null &&
		[ $i -lt @MAIN_LOOP_DS@ ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if grep -q 'entering main loop' /tmp/$name.log && kill -0 $pid 2>/dev/null; then
		echo 1 > /proc/sys/net/ipv6/conf/${name}p/disable_ipv6
		echo 1 > /proc/sys/net/ipv6/conf/${name}e/disable_ipv6
		if [ "$want" -gt 0 ]; then
			secgw_pktio ${name}p ${name}e /tmp/$name.in0 /tmp/$name.in1 $want @PKTIO_S@
			echo "pktio exit status $?"
		fi
		kill -INT $pid
	fi
	wait $pid
	echo "secgw exit status $?"
	sed 's/^/secgw| /' /tmp/$name.log
}
'''


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--daemon', required=True)
    ap.add_argument('--pmd', required=True)
    ap.add_argument('--secgw', required=True)
    ap.add_argument('--pktio', required=True)
    ap.add_argument('--n-out', type=int, default=8, help='outbound packets per SA')
    ap.add_argument('--n-in', type=int, default=4, help='good inbound packets per SA')
    ap.add_argument('--timeout', type=float, default=900)
    a = ap.parse_args()

    pmd = os.path.realpath(a.pmd)
    rundir = tempfile.mkdtemp(prefix='vc-sgw-', dir='/run')
    socks = [os.path.join(rundir, f'vc{i}.sock') for i in range(2)]
    files, plans = {}, {}
    script = our_pmd.FIND_DEVICES + our_pmd.BIND_UIO + RUN
    for name, (names, refused, lib, traffic, warnings) in RUNS.items():
        cfg = os.path.join(rundir, f'{name}.cfg')
        with open(cfg, 'w') as f:
            f.write(secgw_config(names))
        files[f'{name}.cfg'] = cfg
        plan = Plan(names, legacy=not lib, n_out=a.n_out, n_in=a.n_in, refused=refused)
        plans[name] = plan
        if traffic:
            for port in (PORT_PLAIN, PORT_ESP):
                path = os.path.join(rundir, f'{name}.in{port}')
                plan.write_inputs(port, path)
                files[f'{name}.in{port}'] = path
        script += f'run {name} "{"-l" if lib else ""}" {plan.expected_count() if traffic else 0}\n'
    script = (script.replace('@PMD@', os.path.basename(pmd))
              .replace('@MAIN_LOOP_DS@', str(MAIN_LOOP_DS)).replace('@PKTIO_S@', str(PKTIO_S)))
    image = vmharness.GuestImage(
        modules=['uio_pci_generic', 'tun'],
        binaries=[os.path.realpath(a.secgw), pmd, os.path.realpath(a.pktio)],
        dpdk_pmds=['mempool_ring', 'net_tap'])
    qemu = []
    for i, sock in enumerate(socks):
        qemu += vmharness.vhost_user_crypto_args(sock, index=i, queues=1)
    prefix = f'vc-sgw-{os.getpid()}'
    checks = {}
    with vmharness.ProcessGroup() as group, open(os.path.join(rundir, 'daemon.log'), 'w') as log:
        daemon, checks['daemon listening'] = vmharness.start_crypto_daemon(
            group, a.daemon, prefix, socks, log, ['--queues', '1'], timeout=DAEMON_READY_S)
        result = vmharness.run_guest(script, image, qemu, memory_mb=1024, hugepages=256,
                                     smp=2, timeout=a.timeout, shared_memory=True,
                                     group=group, files=files)
        ok = vmharness.report(result, 'ipsec-secgw-guest')
        after = [wait_disconnected(prefix, s) for s in socks]
        rc = vmharness.stop_crypto_daemon(daemon)

    shutil.rmtree(rundir, ignore_errors=True)
    out = result.output
    checks['guest script ran to the end'] = ok
    bdfs = re.findall(r'^device (\S+) bound to uio_pci_generic', out, re.M)
    checks['2 devices bound to uio_pci_generic'] = len(bdfs) == 2
    for name, (names, refused, lib, traffic, warnings) in RUNS.items():
        sec = our_pmd.section(out, name)
        log = '\n'.join(x[len('secgw| '):] for x in sec.splitlines() if x.startswith('secgw| '))
        no_cores = len(re.findall(r'No cores found to handle SA', log))
        checks[f'{name}: ipsec-secgw found no crypto device for {warnings} SA(s) '
               f'(QEMU\'s device has no AES-GCM; {no_cores} warnings)'] = no_cores == warnings
        checks[f'{name}: our PMD drives both devices over virtio-pci, one data queue each'] = \
            len(re.findall(r'virtio-pci transport, 1 data queues', log)) == 2
        checks[f'{name}: ipsec-secgw maps outbound to device 0, inbound to device 1'] = (
            'Outbound cdev mapping: lcore 0 using cdev 0 qp 0' in log
            and 'Inbound cdev mapping: lcore 0 using cdev 1 qp 0' in log)
        if not traffic:
            checks[f'{name}: ipsec-secgw refuses to start ("failed to init inbound SAs", '
                   'exit status not 0, no main loop)'] = (
                re.search(r'^secgw exit status [1-9]', sec, re.M) is not None
                and re.search(r'^(?:  Cause: )?failed to init inbound SAs$', log, re.M)
                is not None
                and 'entering main loop' not in log)
            continue
        checks[f'{name}: ipsec-secgw runs its {"librte_ipsec" if lib else "legacy"} path'] = \
            f'librte_ipsec usage: {"enabled" if lib else "disabled"}' in log
        checks[f'{name}: ipsec-secgw forwarded'] = 'entering main loop on lcore 0' in log
        verdict = Verdict(plans[name])
        for m in re.finditer(r'^frame ([01]) ([0-9a-f]+)$', sec, re.M):
            verdict.frame(int(m.group(1)), bytes.fromhex(m.group(2)))
        lines, good = verdict.report()
        for line in lines:
            print(f'{name}: {line}')
        want = plans[name].expected_count()
        checks[f'{name}: {want} frames expected out, {verdict.out()} out, '
               f'{verdict.right()} right'] = (
            good and verdict.right() == want and verdict.out() == want)
        checks[f'{name}: secgw_pktio saw every expected frame'] = our_pmd.exited(sec, 'pktio')
        checks[f'{name}: ipsec-secgw exits cleanly on SIGINT'] = (
            our_pmd.exited(sec, 'secgw') and 'Bye...' in log)
    for sock, aft in zip(socks, after):
        checks[f'daemon {os.path.basename(sock)}: guest gone, every session freed, '
               'nothing in use'] = (isinstance(aft, dict) and all_given_back(aft)
                                    and aft['sessions_created'] > 0)
    checks['daemon stopped cleanly'] = rc == 0
    return vmharness.report_checks(checks)


if __name__ == '__main__':
    sys.exit(main())
