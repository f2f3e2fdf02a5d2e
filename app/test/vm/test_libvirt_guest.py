#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-virtio-crypto authors
"""A Linux guest started by libvirt, its virtio-crypto device on our daemon.

Debian 12 host only: libvirt 9.0 (libvirtd, virsh, the QEMU driver) and
QEMU 7.2, as devtools/setup.sh installs them. The domain is the daemon
guide's example, examples/vhost_crypto/libvirt-domain.xml, defined as it
is but for what only this machine knows (the name, the kernel, initrd and
command line, the console log, the daemon's socket) and the harness's own
plumbing (a second serial port for the script's output, the script in
fw_cfg).

1. The test starts its own libvirtd (sockets in its run directory, not in
   /run/libvirt) and, unless the system has one, its own virtlogd.
2. With the daemon's default socket (root, 0600) QEMU, which libvirt runs
   as libvirt-qemu, is refused (Permission denied) and the domain does not
   start.
3. With the daemon's socket opened to QEMU's group (--socket-group
   libvirt-qemu --socket-mode 0660), `virsh start` boots the guest: QEMU
   runs as libvirt-qemu on shared memfd memory; the guest kernel's
   self-test of the device passes and the AF_ALG differential agrees on
   every buffer.
4. `virsh undefine`, libvirtd, virtlogd and the daemon stopped: no process,
   socket or domain file of the test is left.

One libvirtd of the QEMU driver can run at a time (it owns /run/libvirt/qemu
and /etc/libvirt/qemu): runs of this test wait for each other, and the test
is skipped when the system runs its own libvirtd.
"""

import argparse
import contextlib
import fcntl
import grp
import os
import pwd
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', 'common'))
import vmharness  # noqa: E402
from vc_daemon import socket_listens as connectable  # noqa: E402
from vc_telemetry import all_given_back, wait_disconnected  # noqa: E402
import test_linux_guest_crypto as linux_guest  # noqa: E402
from test_linux_guest_vhost_user import last_stats  # noqa: E402

DOMAIN_XML = os.path.join(vmharness.TOP, 'examples', 'vhost_crypto', 'libvirt-domain.xml')
QEMU_NS = 'http://libvirt.org/schemas/domain/qemu/1.0'
# Debian's libvirt runs QEMU as this user, with this group (qemu.conf's
# defaults) and the user's own groups (kvm).
QEMU_USER = 'libvirt-qemu'
QEMU_GROUP = 'libvirt-qemu'
# Where a libvirtd of the system would be, and the virtlogd every
# privileged libvirtd logs QEMU's output through.
SYSTEM_LIBVIRT_SOCK = '/run/libvirt/libvirt-sock'
VIRTLOGD_SOCK = '/run/libvirt/virtlogd-sock'
LIBVIRT_QEMU_STATE = '/run/libvirt/qemu'
LIBVIRT_QEMU_CONFIG = '/etc/libvirt/qemu'
LIBVIRT_QEMU_LOGS = '/var/log/libvirt/qemu'
LOCK = '/run/lock/vc-libvirt-guest-test.lock'
# The daemon's options that give QEMU the socket (the guide's command line).
SOCKET_OPTIONS = ['--socket-group', QEMU_GROUP, '--socket-mode', '0660']

# Timeouts (s), all here: generous for TCG on a busy 2-core machine.
TIMEOUT = {
    'lock': 600,        # another run of this test finishing first
    'service': 60,      # virtlogd, libvirtd, the daemon listening
    'virsh': 120,       # one virsh command (start probes QEMU the first time)
    'guest': 300,       # boot, self-test, the AF_ALG differential, power off
    'stop': 30,         # a daemon's exit after SIGTERM
}

results = []


def check(what, good, detail=''):
    results.append(bool(good))
    print(f'{"PASS" if good else "FAIL"}: {what}' + (f' ({detail})' if detail and not good else ''))


def wait_for(cond, timeout, proc=None):
    """Poll cond() until true, `proc` exits or timeout; cond()'s last value."""
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v or (proc is not None and proc.poll() is not None) or time.monotonic() > deadline:
            return v
        time.sleep(0.1)


def read_text(path):
    with contextlib.suppress(FileNotFoundError), open(path, 'rb') as f:
        return f.read().decode(errors='replace').replace('\r\n', '\n')
    return ''


def debian12():
    info = dict(re.findall(r'^(\w+)="?([^"\n]*)"?$', read_text('/etc/os-release'), re.M))
    return info.get('ID') == 'debian' and info.get('VERSION_ID') == '12'


def proc_status(pid):
    """{field: value} of /proc/PID/status, {} if it is gone."""
    return dict(line.split(':\t', 1) for line in read_text(f'/proc/{pid}/status').splitlines()
                if ':\t' in line)


def running(name):
    """Pids of processes whose command is exactly `name`."""
    res = subprocess.run(['pgrep', '-x', name], capture_output=True, text=True)
    return [int(p) for p in res.stdout.split()]


class Virsh:
    def __init__(self, socket_path):
        # The test's libvirtd, not the system's: its socket named in the URI.
        self.uri = f'qemu:///system?socket={socket_path}'

    def __call__(self, *args, timeout=TIMEOUT['virsh']):
        try:
            return subprocess.run(['virsh', '-c', self.uri] + list(args), capture_output=True,
                                  text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as e:
            return subprocess.CompletedProcess(e.cmd, None, '', f'timed out after {timeout} s')

    def state(self, name):
        r = self('domstate', name)
        return r.stdout.strip() if r.returncode == 0 else None


def domain_xml(template, name, kernel, initrd, cmdline, console, output, script, sock,
               apparmor, hugepages):
    """The example domain with this run's paths, and the harness's plumbing."""
    ET.register_namespace('qemu', QEMU_NS)
    tree = ET.parse(template)
    dom = tree.getroot()
    dom.find('name').text = name
    os_el = dom.find('os')
    os_el.find('kernel').text = kernel
    os_el.find('initrd').text = initrd
    os_el.find('cmdline').text = cmdline
    devices = dom.find('devices')
    serial0 = devices.find("serial/target[@port='0']/..")
    serial0.find('source').set('path', console)
    # The harness's init prints the script's output on the second serial
    # port, and reads the script from fw_cfg.
    serial1 = ET.Element('serial', type='file')
    ET.SubElement(serial1, 'source', path=output)
    ET.SubElement(serial1, 'target', port='1')
    devices.insert(list(devices).index(serial0) + 1, serial1)
    sysinfo = ET.Element('sysinfo', type='fwcfg')
    ET.SubElement(sysinfo, 'entry', name='opt/vmtest/script', file=script)
    dom.insert(list(dom).index(os_el), sysinfo)
    if apparmor:
        # libvirt's AppArmor profile for QEMU knows nothing of a socket
        # passed as QEMU arguments; the guide says what an operator adds.
        # Here the one domain runs unconfined instead of the machine's
        # profiles being changed.
        ET.SubElement(dom, 'seclabel', type='none', model='apparmor')
    if hugepages:
        # The guide's variant: guest RAM a memfd on huge pages.
        ET.SubElement(dom.find('memoryBacking'), 'hugepages')
    swapped = 0
    for arg in dom.iter(f'{{{QEMU_NS}}}arg'):
        value = arg.get('value')
        if value.startswith('socket,') and ',path=' in value:
            arg.set('value', re.sub(r',path=[^,]*', f',path={sock}', value))
            swapped += 1
    if swapped != 1:
        raise vmharness.HarnessError(f'{template}: expected one -chardev socket, found {swapped}')
    return ET.tostring(dom, encoding='unicode')


def contains_run(seq, run):
    """True if `run` occurs in `seq` as consecutive items."""
    return any(seq[i:i + len(run)] == run for i in range(len(seq) - len(run) + 1))


def socket_is(st, uid, gid, mode):
    return (st is not None and stat.S_ISSOCK(st.st_mode) and st.st_uid == uid and
            st.st_gid == gid and stat.S_IMODE(st.st_mode) == mode)


def socket_str(st):
    return f'{st.st_uid}:{st.st_gid} {oct(stat.S_IMODE(st.st_mode))}' if st else 'no socket'


def sockets_under(path):
    out = []
    for dirpath, _, files in os.walk(path):
        for f in files:
            with contextlib.suppress(FileNotFoundError):
                if stat.S_ISSOCK(os.lstat(os.path.join(dirpath, f)).st_mode):
                    out.append(os.path.join(dirpath, f))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--daemon', required=True, help='path of vhost-crypto')
    ap.add_argument('--afalg', required=True, help='path of afalg_skcipher_diff')
    ap.add_argument('--xml', default=DOMAIN_XML, help='domain XML (default: the example)')
    ap.add_argument('--buffers', type=int, default=256)
    ap.add_argument('--seed', type=int, default=int.from_bytes(os.urandom(4), 'little'))
    ap.add_argument('--hugepages', action='store_true',
                    help='guest RAM on 2 MiB huge pages (<hugepages/> added to the example)')
    a = ap.parse_args()

    if not debian12():
        print('libvirt test: Debian 12 hosts only (libvirt 9.0, QEMU 7.2)')
        return 77
    tools = {t: shutil.which(t, path='/usr/sbin:/usr/bin:/sbin:/bin')
             for t in ('libvirtd', 'virtlogd', 'virsh')}
    try:
        qemu_uid = pwd.getpwnam(QEMU_USER).pw_uid
        qemu_gid = grp.getgrnam(QEMU_GROUP).gr_gid
    except KeyError:
        qemu_uid = None
    if not all(tools.values()) or qemu_uid is None:
        print(f'libvirt test: needs libvirtd, virtlogd, virsh and user {QEMU_USER} '
              f'(found {tools}): run devtools/setup.sh')
        return 77

    lock = open(LOCK, 'w')
    if not wait_for(lambda: _try_lock(lock), TIMEOUT['lock']):
        print(f'libvirt test: {LOCK} still held after {TIMEOUT["lock"]} s')
        return 1
    others = running('libvirtd') + running('virtqemud')
    if others or os.path.exists(SYSTEM_LIBVIRT_SOCK):
        print(f'libvirt test: the system runs libvirt (pids {others}, {SYSTEM_LIBVIRT_SOCK}): '
              'this test needs the QEMU driver to itself')
        return 77
    # AppArmor (when the kernel has it on) confines each QEMU libvirt starts.
    apparmor = read_text('/sys/module/apparmor/parameters/enabled').strip() == 'Y'
    print('libvirt %s, QEMU %d.%d, guest Linux %s, AppArmor %s' % (
        subprocess.run(['libvirtd', '--version'], capture_output=True,
                       text=True).stdout.split()[-1],
        *vmharness.qemu_version(), vmharness.kernel_release(),
        'on: the domain runs unconfined' if apparmor else 'off'))

    # The run directory holds the daemon's socket, and the kernel, initrd,
    # script and logs of the guest: QEMU's group may enter it and nobody
    # else. libvirtd's own sockets in it are root's only (0700).
    rundir = tempfile.mkdtemp(prefix='vc-libvirt-', dir='/run')
    os.chown(rundir, 0, qemu_gid)
    os.chmod(rundir, 0o750)
    sock = os.path.join(rundir, 'vc.sock')
    name = f'vc-libvirt-{os.getpid()}'
    prefix = name
    virsh = Virsh(os.path.join(rundir, 'libvirt-sock'))
    conf = os.path.join(rundir, 'libvirtd.conf')
    with open(conf, 'w') as f:
        f.write(f'unix_sock_dir = "{rundir}"\n'
                'unix_sock_rw_perms = "0700"\n'
                'unix_sock_ro_perms = "0700"\n'
                'unix_sock_admin_perms = "0700"\n'
                # Root only reaches these sockets; no polkit without D-Bus.
                'auth_unix_rw = "none"\n'
                'auth_unix_ro = "none"\n'
                'log_outputs = "3:stderr"\n')

    image = vmharness.GuestImage(modules=['virtio_pci', 'virtio_crypto', 'algif_skcipher'],
                                 binaries=[os.path.abspath(a.afalg)])
    # Copies, so that libvirt's relabelling (chown to libvirt-qemu while the
    # guest runs) never touches the shared cache.
    kernel = os.path.join(rundir, 'vmlinuz')
    initrd = os.path.join(rundir, 'initrd.img')
    shutil.copyfile(vmharness.kernel_image(), kernel)
    shutil.copyfile(image.build(), initrd)
    script = os.path.join(rundir, 'script.sh')
    with open(script, 'w') as f:
        f.write(linux_guest.guest_script(a.buffers, 4, a.seed))
    console = os.path.join(rundir, 'console.log')
    output = os.path.join(rundir, 'output.log')
    for path in (kernel, initrd, script):
        os.chown(path, 0, qemu_gid)
        os.chmod(path, 0o640)
    xml_path = os.path.join(rundir, 'domain.xml')
    with open(xml_path, 'w') as f:
        f.write(domain_xml(a.xml, name, kernel, initrd, vmharness.kernel_cmdline(image),
                           console, output, script, sock, apparmor, a.hugepages))

    # What libvirt must pass to QEMU untouched: the crypto device.
    extra_args = [arg.get('value') for arg in ET.parse(xml_path).getroot().iter(
        f'{{{QEMU_NS}}}arg')]
    qemu_pid = None
    own_virtlogd = None
    daemon_log = os.path.join(rundir, 'daemon.log')
    libvirtd_log = os.path.join(rundir, 'libvirtd.log')
    with vmharness.ProcessGroup() as group, open(daemon_log, 'w') as dlog:
        try:
            if not running('virtlogd'):
                own_virtlogd = group.popen(
                    ['virtlogd', '-p', os.path.join(rundir, 'virtlogd.pid')],
                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                    stderr=open(os.path.join(rundir, 'virtlogd.log'), 'w'))
                check('virtlogd started', wait_for(lambda: connectable(VIRTLOGD_SOCK),
                                                   TIMEOUT['service'], own_virtlogd))
            libvirtd = group.popen(
                ['libvirtd', '-f', conf, '-p', os.path.join(rundir, 'libvirtd.pid')],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=open(libvirtd_log, 'w'))
            up = wait_for(lambda: virsh('version', timeout=10).returncode == 0,
                          TIMEOUT['service'], libvirtd)
            check('libvirtd started, virsh reaches it', up)
            if not up:
                raise RuntimeError('no libvirtd')
            r = virsh('define', xml_path)
            check('virsh define: the example domain', r.returncode == 0, r.stderr.strip())

            # The daemon's default: a socket only its own user (root) may use.
            daemon, listening = vmharness.start_crypto_daemon(
                group, a.daemon, prefix, [sock], dlog, timeout=TIMEOUT['service'])
            st = os.stat(sock) if listening else None
            check('default socket root:root 0600', socket_is(st, 0, 0, 0o600), socket_str(st))
            r = virsh('start', name)
            check('with it QEMU (libvirt-qemu) is refused, the domain not started',
                  r.returncode != 0 and 'Permission denied' in r.stderr and
                  virsh.state(name) == 'shut off', f'virsh: {r.returncode} {r.stderr.strip()}')
            rc = vmharness.stop_crypto_daemon(daemon, TIMEOUT['stop'])
            check('that daemon exits cleanly on SIGTERM, its socket gone',
                  rc == 0 and not os.path.exists(sock), f'exit {rc}')

            # Opened to QEMU's group by the daemon, as the guide says.
            daemon, listening = vmharness.start_crypto_daemon(
                group, a.daemon, prefix, [sock], dlog, extra=SOCKET_OPTIONS,
                timeout=TIMEOUT['service'])
            st = os.stat(sock) if listening else None
            check(f'{" ".join(SOCKET_OPTIONS)}: socket root:{QEMU_GROUP} 0660',
                  socket_is(st, 0, qemu_gid, 0o660), socket_str(st))

            t0 = time.monotonic()
            r = virsh('start', name)
            check('virsh start', r.returncode == 0, r.stderr.strip())
            pid_text = read_text(os.path.join(LIBVIRT_QEMU_STATE, f'{name}.pid')).strip()
            qemu_pid = int(pid_text) if pid_text.isdigit() else None
            status = proc_status(qemu_pid) if qemu_pid else {}
            cmd = read_text(f'/proc/{qemu_pid}/cmdline').split('\0') if qemu_pid else []
            uid = status.get('Uid', '').split()
            groups = status.get('Groups', '').split()
            print(f'QEMU pid {qemu_pid}: uid {uid[:1]} gid {status.get("Gid", "").split()[:1]} '
                  f'groups {groups}')
            check(f'QEMU runs as {QEMU_USER}, group {QEMU_GROUP} among its groups',
                  uid[:1] == [str(qemu_uid)] and str(qemu_gid) in groups +
                  status.get('Gid', '').split()[:1], str(status.get('Uid')))
            print('QEMU memory: ' + next((c for c in cmd if 'memory-backend-' in c), 'none'))
            check('QEMU: guest RAM a shared memfd' + (' on huge pages' if a.hugepages else ''),
                  any('memory-backend-memfd' in c and '"share":true' in c and
                      ('"hugetlb":true' in c) == a.hugepages for c in cmd), ' '.join(cmd)[:600])
            check("QEMU: the example's qemu:commandline arguments, as they are",
                  contains_run(cmd, extra_args), f'{extra_args} not in {cmd}')

            state = wait_for(lambda: virsh.state(name) == 'shut off', TIMEOUT['guest'])
            seconds = time.monotonic() - t0
            if not state:
                virsh('destroy', name)
            st_code, out = vmharness.split_exit_status(read_text(output))
            result = vmharness.GuestResult(st_code, out, read_text(console), not state, seconds)
            vmharness.report(result, name)
            check('guest powered off, domain shut off', state)
            check('kernel self-test passed', 'virtio_crypto_aes_cbc selftest: passed' in out)
            for what, good in linux_guest.traffic_checks(out, a.buffers).items():
                check(what, good)

            t = wait_disconnected(prefix, sock)
            check('daemon: requests on queue 0, none bad; everything given back',
                  isinstance(t, dict) and t['requests'] > 0 and
                  t['queue0_requests'] == t['requests'] and t['bad_requests'] == 0 and
                  all_given_back(t), str(t))

            r = virsh('undefine', name)
            check('virsh undefine', r.returncode == 0 and
                  name not in virsh('list', '--all', '--name').stdout.split(), r.stderr.strip())
            libvirtd.terminate()
            check('libvirtd exits on SIGTERM', _wait(libvirtd) == 0)
            if own_virtlogd:
                own_virtlogd.terminate()
                check('virtlogd exits on SIGTERM', _wait(own_virtlogd) == 0)
            rc = vmharness.stop_crypto_daemon(daemon, TIMEOUT['stop'])
            check('daemon exits cleanly on SIGTERM', rc == 0, f'exit {rc}')
        except (RuntimeError, vmharness.HarnessError) as e:
            check(f'test ran to its end ({e})', False)
        finally:
            # Whatever happened: no domain of this test left running or
            # defined, before libvirtd goes.
            if virsh.state(name) not in (None, 'shut off'):
                virsh('destroy', name)
            if virsh.state(name) is not None:
                virsh('undefine', name)
            _kill_qemu(qemu_pid, name)

    check('no process left: libvirtd, virtlogd, QEMU, daemon',
          all(p.poll() is not None for p in group.procs) and
          (qemu_pid is None or not proc_status(qemu_pid)) and
          subprocess.run(['pgrep', '-f', rundir], capture_output=True).returncode == 1)
    left = sockets_under(rundir) + ([VIRTLOGD_SOCK] if own_virtlogd and
                                     os.path.exists(VIRTLOGD_SOCK) else [])
    check('no socket left (libvirtd\'s, virtlogd\'s, the daemon\'s)', not left, str(left))
    files = [p for p in (os.path.join(LIBVIRT_QEMU_CONFIG, f'{name}.xml'),
                         os.path.join(LIBVIRT_QEMU_STATE, f'{name}.pid'),
                         os.path.join(LIBVIRT_QEMU_STATE, f'{name}.xml')) if os.path.exists(p)]
    check('no domain file left in libvirt\'s directories', not files, str(files))

    log_text = read_text(daemon_log)
    stats = last_stats(log_text)
    print('daemon: ' + next((line for line in reversed(log_text.splitlines())
                             if ' requests ' in line), 'no stats line'))
    check('every request completed OK, every session destroyed',
          stats.get('requests', 0) > 0 and stats.get('requests') == stats.get('ok') and
          stats.get('created', 0) > 0 and stats.get('created') == stats.get('destroyed'),
          str(stats))

    qemu_log = os.path.join(LIBVIRT_QEMU_LOGS, f'{name}.log')
    if not all(results):
        for what, path in (('libvirtd', libvirtd_log), ('QEMU', qemu_log),
                           ('daemon', daemon_log)):
            print(f'--- {what} log (last 30 lines) ---')
            print('\n'.join(read_text(path).splitlines()[-30:]))
    else:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(qemu_log)
    passed = sum(results)
    print(f'{passed} passed, {len(results) - passed} failed')
    return vmharness.finish_run_dir(rundir, 0 if passed == len(results) else 1,
                                    'libvirtd, daemon and guest logs')


def _try_lock(f):
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _wait(p):
    try:
        return p.wait(TIMEOUT['stop'])
    except subprocess.TimeoutExpired:
        return None


def _kill_qemu(pid, name):
    """The guest's QEMU, if libvirt left it (libvirtd gone first): by its
    pid, and only if it is that domain's."""
    if pid and f'guest={name},' in read_text(f'/proc/{pid}/cmdline'):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


if __name__ == '__main__':
    sys.exit(main())
