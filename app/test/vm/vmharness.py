#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Boot a throw-away Linux guest under QEMU and run one shell script in it.

The guest is the Debian kernel that devtools/setup.sh unpacks into
.cache/guest-kernel/current/root (forky's build: .cache/guest-kernel-forky),
with a busybox initramfs built here and cached by content: the modules a
test asks for (with their dependencies, read from each module's .modinfo),
the binaries it asks for with every shared library they load, and the DPDK
PMDs it names, placed in the plugin directory EAL looks in. The script reaches the guest through fw_cfg, so a
new script never rebuilds the initramfs.

The script's own output comes back on the second serial port, the kernel
console on the first; the script's exit status comes back as a marker line.
Every process started here is in a process group of its own and is killed
when the run ends, however it ends.
"""

import contextlib
import dataclasses
import glob
import gzip
import hashlib
import io
import lzma
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

TOP = os.path.realpath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
CACHE = os.environ.get('VMTEST_CACHE', os.path.join(TOP, '.cache', 'vm'))
KERNEL_ROOT = os.environ.get(
    'VMTEST_KERNEL_ROOT',
    os.path.join(TOP, '.cache', 'guest-kernel', 'current', 'root'))
BUSYBOX = '/bin/busybox'
QEMU = os.environ.get('VMTEST_QEMU', 'qemu-system-x86_64')
# Initramfs images kept in the cache; older ones are removed.
CACHE_KEEP = 12
EXIT_MARKER = 'VMTEST-EXIT='

# Modules every guest gets: fw_cfg carries the script in. virtio_pci is not
# one of them, so that a DPDK guest finds its devices unbound.
BASE_MODULES = ['qemu_fw_cfg']
# Drivers some kernels build in (forky's Linux 7: virtio_pci) that would
# take devices a guest wants unbound unless its test asks for the module:
# their initcall is then skipped (initcall_blacklist=), so the driver never
# registers.
BUILTIN_UNLESS_ASKED = {'virtio_pci': 'virtio_pci_driver_init'}

INIT_SCRIPT = r'''#!/bin/busybox sh
/bin/busybox --install -s /bin
# The initramfs root comes up world-writable, which EAL refuses for its
# plugin path.
chmod 755 /
export PATH=/bin:/usr/bin:/sbin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/hugepages /tmp /run /var/run
mount -t hugetlbfs nodev /dev/hugepages
mount -t tmpfs tmpfs /tmp
while read -r mod; do
	insmod "/lib/modules/vmtest/$mod.ko" || echo "vmtest: insmod $mod failed" > /dev/ttyS0
done < /etc/vmtest-modules
stty -F /dev/ttyS1 raw -echo 2>/dev/null
exec > /dev/ttyS1 2>&1
script=/sys/firmware/qemu_fw_cfg/by_name/opt/vmtest/script/raw
i=0
while [ ! -r "$script" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if [ -r "$script" ]; then
	cp "$script" /tmp/vmtest-script
	for f in /sys/firmware/qemu_fw_cfg/by_name/opt/vmtest/file/*; do
		[ -r "$f/raw" ] && cp "$f/raw" "/tmp/$(basename "$f")"
	done
	cd /tmp
	sh /tmp/vmtest-script
	rc=$?
else
	echo "vmtest: no script in fw_cfg"
	rc=127
fi
echo "VMTEST-EXIT=$rc"
sync
poweroff -f
'''


class HarnessError(Exception):
    """The harness itself could not do what was asked (not a test failure)."""


@dataclasses.dataclass
class GuestResult:
    status: int          # the script's exit status; None if it never finished
    output: str          # what the script printed
    console: str         # kernel console, for diagnosis
    timed_out: bool
    seconds: float

    @property
    def ok(self):
        return self.status == 0 and not self.timed_out


# Tests print results on stdout and the harness logs on stderr; line
# buffering keeps the two in order in a test log.
sys.stdout.reconfigure(line_buffering=True)


def log(msg):
    print(f'vmharness: {msg}', file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Kernel modules
# --------------------------------------------------------------------------

def _modules_dirs(root):
    # Debian 12 packages the kernel under /lib/modules and /boot; forky's
    # (merged-/usr, Linux 7) puts modules and vmlinuz in /usr/lib/modules.
    dirs = set()
    for d in glob.glob(os.path.join(root, 'lib', 'modules', '*')) + \
            glob.glob(os.path.join(root, 'usr', 'lib', 'modules', '*')):
        if os.path.isdir(d):
            dirs.add(os.path.realpath(d))
    return sorted(dirs)


def _modules_dir(root):
    dirs = _modules_dirs(root)
    if len(dirs) != 1:
        raise HarnessError(f'expected one kernel in {root}/[usr/]lib/modules, found {dirs}; '
                           'run devtools/setup.sh')
    return dirs[0]


def kernel_release(root=KERNEL_ROOT):
    return os.path.basename(_modules_dir(root))


def kernel_image(root=KERNEL_ROOT):
    images = glob.glob(os.path.join(root, 'boot', 'vmlinuz-*'))
    if not images:
        images = glob.glob(os.path.join(_modules_dir(root), 'vmlinuz'))
    if len(images) != 1:
        raise HarnessError(f'expected one vmlinuz in {root}/boot or the modules '
                           f'directory, found {images}')
    return images[0]


# Debian compresses modules (forky: every .ko is .ko.xz). They go into the
# initramfs uncompressed: busybox's insmod hands the file to the kernel as
# it is, and a kernel decompresses only through finit_module's flag.
MODULE_SUFFIXES = ('.ko', '.ko.xz', '.ko.zst', '.ko.gz')


def _module_name(filename):
    for suffix in MODULE_SUFFIXES:
        if filename.endswith(suffix):
            return filename[:-len(suffix)].replace('-', '_')
    return None


def module_data(path):
    """The module at `path`, uncompressed."""
    with open(path, 'rb') as f:
        data = f.read()
    if path.endswith('.xz'):
        return lzma.decompress(data)
    if path.endswith('.gz'):
        return gzip.decompress(data)
    if path.endswith('.zst'):
        try:
            from compression import zstd   # Python 3.14
            return zstd.decompress(data)
        except ImportError:
            res = subprocess.run(['zstd', '-dc'], input=data, capture_output=True)
            if res.returncode != 0:
                raise HarnessError(f'zstd -dc {path}: {res.stderr.decode().strip()}')
            return res.stdout
    return data


def _module_index(root):
    index = {}
    for dirpath, _, files in os.walk(os.path.join(_modules_dir(root), 'kernel')):
        for f in files:
            name = _module_name(f)
            if name:
                index[name] = os.path.join(dirpath, f)
    return index


def builtin_modules(root=KERNEL_ROOT):
    """Names of the modules built into the kernel (modules.builtin)."""
    path = os.path.join(_modules_dir(root), 'modules.builtin')
    with contextlib.suppress(FileNotFoundError), open(path) as f:
        return {_module_name(os.path.basename(line.strip())) for line in f if line.strip()}
    return set()


def _module_depends(path):
    # .modinfo holds NUL-separated key=value strings; "depends=" is the
    # comma-separated list depmod would have used.
    data = module_data(path)
    m = re.search(rb'(?:^|\x00)depends=([^\x00]*)\x00', data)
    if not m or not m.group(1):
        return []
    return [d.decode().replace('-', '_') for d in m.group(1).split(b',') if d]


def resolve_modules(names, root=KERNEL_ROOT):
    """Return (name, path) for names and their dependencies, load order.

    Modules built into this kernel are there already and left out.
    """
    index = _module_index(root)
    builtin = builtin_modules(root)
    order, seen = [], set()

    def visit(name, chain):
        name = name.replace('-', '_')
        if name in seen or name in builtin:
            return
        if name in chain:
            raise HarnessError(f'module dependency loop: {chain + [name]}')
        if name not in index:
            raise HarnessError(f'module {name} not in guest kernel {kernel_release(root)}')
        for dep in _module_depends(index[name]):
            visit(dep, chain + [name])
        seen.add(name)
        order.append((name, index[name]))

    for n in names:
        visit(n, [])
    return order


# --------------------------------------------------------------------------
# Binaries and shared libraries
# --------------------------------------------------------------------------

def _guest_path(path):
    # Debian is merged-/usr: the image has /lib -> usr/lib, so store every
    # library under usr/ and let the dynamic loader's paths resolve.
    path = os.path.normpath(path)
    for top in ('/lib/', '/lib64/', '/bin/', '/sbin/'):
        if path.startswith(top):
            return '/usr' + path
    return path


def _shared_libs(path):
    """Every shared library path `path` loads (ldd already walks the tree)."""
    res = subprocess.run(['ldd', path], capture_output=True, text=True)
    if res.returncode != 0:
        # Static executables make ldd fail; that is fine.
        if 'not a dynamic executable' in res.stdout + res.stderr:
            return []
        raise HarnessError(f'ldd {path}: {res.stderr.strip()}')
    libs = []
    for line in res.stdout.splitlines():
        line = line.strip()
        if 'not found' in line:
            raise HarnessError(f'{path}: missing library: {line}')
        m = re.match(r'(?:\S+ => )?(/\S+) \(0x', line)
        if m:
            libs.append(m.group(1))
    return libs


def dpdk_plugin_dir():
    """The directory EAL loads PMD plugins from, e.g. .../dpdk/pmds-23.0."""
    dirs = sorted(glob.glob('/usr/lib/*/dpdk/pmds-*'))
    if not dirs:
        raise HarnessError('no DPDK plugin directory; is the dpdk package installed?')
    return dirs[-1]


def dpdk_pmd_files(names):
    """Files (and symlinks) of the named PMDs, e.g. 'crypto_virtio'."""
    d = dpdk_plugin_dir()
    out = []
    for name in names:
        files = sorted(glob.glob(os.path.join(d, f'librte_{name}.so*')))
        if not files:
            raise HarnessError(f'PMD {name} not in {d}')
        out.extend(files)
    return out


# --------------------------------------------------------------------------
# Initramfs
# --------------------------------------------------------------------------

class _Cpio:
    """A minimal newc writer: enough for files, directories and symlinks."""

    def __init__(self):
        self.buf = io.BytesIO()
        self.ino = 1
        self.names = set()

    def _entry(self, name, mode, data=b''):
        if name in self.names:
            return
        self.names.add(name)
        namez = name.encode() + b'\0'
        hdr = ('070701' + ''.join(f'{v:08x}' for v in (
            self.ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0,
            len(namez), 0))).encode()
        self.ino += 1
        self.buf.write(hdr + namez)
        self.buf.write(b'\0' * (-(len(hdr) + len(namez)) % 4))
        self.buf.write(data)
        self.buf.write(b'\0' * (-len(data) % 4))

    def dir(self, name):
        parts = name.strip('/').split('/')
        for i in range(1, len(parts) + 1):
            self._entry('/'.join(parts[:i]), stat.S_IFDIR | 0o755)

    def file(self, name, data, mode=0o644):
        name = name.strip('/')
        if '/' in name:
            self.dir(os.path.dirname(name))
        self._entry(name, stat.S_IFREG | mode, data)

    def symlink(self, name, target):
        name = name.strip('/')
        if '/' in name:
            self.dir(os.path.dirname(name))
        self._entry(name, stat.S_IFLNK | 0o777, target.encode())

    def copy(self, host_path, guest_path):
        st = os.lstat(host_path)
        if stat.S_ISLNK(st.st_mode):
            self.symlink(guest_path, os.readlink(host_path))
            # The link target must exist in the image too.
            target = os.path.join(os.path.dirname(host_path), os.readlink(host_path))
            self.copy(os.path.realpath(target) if not os.path.islink(target) else target,
                      os.path.join(os.path.dirname(guest_path), os.readlink(host_path))
                      if not os.path.isabs(os.readlink(host_path))
                      else _guest_path(os.readlink(host_path)))
            return
        with open(host_path, 'rb') as f:
            self.file(guest_path, f.read(), stat.S_IMODE(st.st_mode))

    def finish(self):
        self._entry('TRAILER!!!', 0)
        return self.buf.getvalue()


@dataclasses.dataclass
class GuestImage:
    """What goes into the initramfs. Equal contents share one cached image."""
    modules: list = dataclasses.field(default_factory=list)
    binaries: list = dataclasses.field(default_factory=list)
    dpdk_pmds: list = dataclasses.field(default_factory=list)
    kernel_root: str = KERNEL_ROOT

    def _inputs(self):
        mods = resolve_modules(BASE_MODULES + list(self.modules), self.kernel_root)
        bins = []
        for b in self.binaries:
            path = shutil.which(b) if not os.path.isabs(b) else b
            if not path or not os.path.exists(path):
                raise HarnessError(f'binary {b} not found')
            bins.append(os.path.realpath(path) if not os.path.isabs(b) else path)
        pmds = dpdk_pmd_files(self.dpdk_pmds) if self.dpdk_pmds else []
        libs = set()
        for f in bins + [p for p in pmds if not os.path.islink(p)]:
            libs.update(_shared_libs(f))
        # glibc opens libgcc_s when a thread is cancelled or exits (EAL's
        # service threads at rte_eal_cleanup); no ldd lists it.
        if libs:
            libs.update(glob.glob('/usr/lib/x86_64-linux-gnu/libgcc_s.so.1'))
        # OpenSSL 3 loads its providers at run time (crypto_openssl needs
        # the legacy one for DES, and crashes on a failed MAC fetch
        # without it), from a directory no ldd names.
        if any(os.path.basename(lib).startswith('libcrypto.so') for lib in libs):
            libs.update(glob.glob('/usr/lib/x86_64-linux-gnu/ossl-modules/*.so'))
        return mods, bins, pmds, sorted(libs)

    def kernel_args(self):
        """What the kernel command line needs for this image's modules."""
        asked = {m.replace('-', '_') for m in BASE_MODULES + list(self.modules)}
        builtin = builtin_modules(self.kernel_root)
        return ' '.join(f'initcall_blacklist={initcall}'
                        for name, initcall in sorted(BUILTIN_UNLESS_ASKED.items())
                        if name in builtin and name not in asked)

    def _key(self, mods, bins, pmds, libs):
        h = hashlib.sha256()
        # The harness's own source: a change to the image layout or /init
        # is a new image.
        with open(__file__, 'rb') as f:
            h.update(f.read())
        for f in [BUSYBOX] + [p for _, p in mods] + bins + pmds + libs:
            st = os.stat(f)
            h.update(f'{f} {st.st_size} {st.st_mtime_ns}\n'.encode())
        return h.hexdigest()[:20]

    def build(self):
        """Return the path of the cached initramfs, building it if needed."""
        mods, bins, pmds, libs = self._inputs()
        os.makedirs(CACHE, exist_ok=True)
        path = os.path.join(CACHE, f'initramfs-{self._key(mods, bins, pmds, libs)}.cpio.gz')
        if os.path.exists(path):
            os.utime(path)
            return path
        t0 = time.monotonic()
        c = _Cpio()
        for d in ('bin', 'dev', 'proc', 'sys', 'tmp', 'etc', 'usr/lib64', 'usr/bin',
                  'usr/lib/x86_64-linux-gnu'):
            c.dir(d)
        c.symlink('lib', 'usr/lib')
        c.symlink('lib64', 'usr/lib64')
        c.symlink('sbin', 'bin')
        c.copy(BUSYBOX, 'bin/busybox')
        c.file('init', INIT_SCRIPT.encode(), 0o755)
        c.file('etc/vmtest-modules', ''.join(f'{n}\n' for n, _ in mods).encode())
        for name, p in mods:
            c.file(f'lib/modules/vmtest/{name}.ko', module_data(p))
        for lib in libs:
            c.copy(os.path.realpath(lib), _guest_path(lib))
        # Binaries go on the guest's PATH, wherever they were built.
        for b in bins:
            c.copy(b, 'usr/bin/' + os.path.basename(b))
        for p in pmds:
            c.copy(p, _guest_path(p))
        data = gzip.compress(c.finish(), compresslevel=1)
        tmp = path + f'.tmp{os.getpid()}'
        with open(tmp, 'wb') as f:
            f.write(data)
        os.replace(tmp, path)
        log(f'built {os.path.basename(path)} ({len(data) >> 20} MiB, '
            f'{time.monotonic() - t0:.1f} s)')
        self._prune()
        return path

    @staticmethod
    def _prune():
        images = sorted(glob.glob(os.path.join(CACHE, 'initramfs-*.cpio.gz')),
                        key=os.path.getmtime, reverse=True)
        for old in images[CACHE_KEEP:]:
            with contextlib.suppress(OSError):
                os.unlink(old)


# --------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------

class ProcessGroup:
    """Children started here, each in its own session, all killed on exit.

    SIGTERM (what meson sends on a test timeout) and SIGINT are turned into
    SystemExit so that the cleanup runs on those too.
    """

    def __init__(self):
        self.procs = []

    def __enter__(self):
        self._old = {}
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            self._old[sig] = signal.signal(sig, self._on_signal)
        return self

    @staticmethod
    def _on_signal(signum, frame):
        raise SystemExit(128 + signum)

    def popen(self, args, **kw):
        p = subprocess.Popen(args, start_new_session=True, **kw)
        self.procs.append(p)
        return p

    def kill_all(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGTERM)
        deadline = time.monotonic() + 3
        for p in reversed(self.procs):
            with contextlib.suppress(subprocess.TimeoutExpired):
                p.wait(max(0.1, deadline - time.monotonic()))
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                p.wait(5)

    def __exit__(self, *exc):
        self.kill_all()
        for sig, old in self._old.items():
            signal.signal(sig, old)
        return False


def start_crypto_daemon(group, daemon, prefix, sockets, log, extra=(), timeout=60):
    """The vhost-crypto daemon (lcore 0, in-memory, EAL prefix `prefix`)
    serving `sockets`, started in `group`, its output to the file `log`.

    Returns (process, listening): listening once every socket is there,
    False if the daemon exited first or `timeout` s passed.
    """
    p = group.popen(
        [daemon, '-l', '0', '--no-pci', '--in-memory', f'--file-prefix={prefix}', '--']
        + [x for s in sockets for x in ('--socket', s)] + list(extra),
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while (not all(os.path.exists(s) for s in sockets) and p.poll() is None
           and time.monotonic() < deadline):
        time.sleep(0.1)
    return p, all(os.path.exists(s) for s in sockets)


def finish_run_dir(rundir, rc, what='daemon log'):
    """A test's run directory (in /run, with the daemon's log): removed when
    the test passed (rc 0), kept for a look, and said where, when not."""
    if rc == 0:
        shutil.rmtree(rundir, ignore_errors=True)
    else:
        print(f'{what} kept in {rundir}')
    return rc


def stop_crypto_daemon(p, timeout=20):
    """SIGTERM the daemon; its exit status, or None if it did not exit in time."""
    p.terminate()
    try:
        return p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return None


def qemu_version():
    """(major, minor) of the QEMU the guests run on."""
    out = subprocess.run([QEMU, '--version'], capture_output=True, text=True).stdout
    m = re.search(r'version (\d+)\.(\d+)', out)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def shared_memory_args(size_mb):
    """Guest RAM in a shared memfd, which any vhost-user backend needs."""
    return ['-object', f'memory-backend-memfd,id=vmtest-mem,size={size_mb}M,share=on',
            '-machine', 'memory-backend=vmtest-mem']


def vhost_user_crypto_args(socket_path, index=0, device_opts='', server=False, queues=1):
    """A virtio-crypto-pci device served by a vhost-user backend at socket_path.

    vectors=0 because QEMU 7.2 crashes in msix_set_vector_notifiers when the
    guest starts a vhost-user crypto device with MSI-X vectors.

    queues: data queues of the device, each a vring QEMU hands the backend.

    server: QEMU listens at socket_path and the backend connects (its
    client mode). wait=on holds the machine until the backend is there:
    with wait=off a guest that probes the device before the backend
    connects never registers its algorithms, even once it has (QEMU 7.2).
    """
    opts = f',{device_opts}' if device_opts else ''
    listen = ',server=on,wait=on' if server else ''
    nq = f',queues={queues}' if queues != 1 else ''
    return ['-chardev', f'socket,id=vmtest-vu{index},path={socket_path}{listen}',
            '-object', f'cryptodev-vhost-user,id=vmtest-cd{index},chardev=vmtest-vu{index}{nq}',
            '-device', f'virtio-crypto-pci,id=vmtest-crypto{index},'
                       f'cryptodev=vmtest-cd{index},vectors=0{opts}']


# QEMU's generic vhost-user device (user-creatable since QEMU 10.2): the
# backend owns the whole virtio device, config space and every queue.
FULL_DEVICE = 'vhost-user-test-device-pci'
# Device ID of virtio-crypto, and the size of its config space.
VIRTIO_ID_CRYPTO = 20
VIRTIO_CRYPTO_CONFIG_SIZE = 56


def qemu_has_device(name):
    """True if this QEMU can create a device called `name` (-device help)."""
    res = subprocess.run([QEMU, '-device', 'help'], capture_output=True, text=True)
    return res.returncode == 0 and re.search(rf'^name "{re.escape(name)}"',
                                             res.stdout, re.M) is not None


def full_device_crypto_args(socket_path, index=0, queues=1, server=False, vq_size=256):
    """A virtio-crypto device served entirely by a vhost-user backend.

    QEMU's generic vhost-user device with virtio-crypto's ID: QEMU asks
    the backend for the config space (GET_CONFIG) and hands it every
    virtqueue, `queues` data queues then the control queue, so the
    backend sees the guest's features and control requests itself. The
    backend must offer at least `queues` data queues (max_dataqueues).

    QEMU passes the backend's features to the guest as they are: the ring
    layout is the backend's offer, whatever the device's packed= says
    (packed=off does not give a split ring; the daemon's --split-ring
    does). vq_size: entries of every ring (QEMU's default is 64; the
    daemon guide's command line says 256). server: QEMU listens and the
    backend connects.
    """
    listen = ',server=on,wait=on' if server else ''
    return ['-chardev', f'socket,id=vmtest-vu{index},path={socket_path}{listen}',
            '-device', f'{FULL_DEVICE},id=vmtest-crypto{index},chardev=vmtest-vu{index},'
                       f'virtio-id={VIRTIO_ID_CRYPTO},num_vqs={queues + 1},'
                       f'config_size={VIRTIO_CRYPTO_CONFIG_SIZE},vq_size={vq_size}']


def builtin_crypto_args(index=0, device_opts=''):
    """A virtio-crypto-pci device on QEMU's own software backend."""
    opts = f',{device_opts}' if device_opts else ''
    return ['-object', f'cryptodev-backend-builtin,id=vmtest-cd{index}',
            '-device', f'virtio-crypto-pci,id=vmtest-crypto{index},cryptodev=vmtest-cd{index}{opts}']


# QEMU failing one of its own assertions: an emulator bug, whatever the guest
# did (QEMU 10.0's TCG has hit iotlb_to_section's while a guest booted).
QEMU_ASSERTION = re.compile(r'^qemu-system-\S+: .*Assertion .* failed\.?$', re.M)


def kernel_cmdline(image, hugepages=0, extra=''):
    """The guest kernel's command line: console on the first serial port,
    no reboot on panic, what `image` needs, then `extra`."""
    return ('console=ttyS0 panic=-1 quiet loglevel=4 tsc=reliable '
            f'default_hugepagesz=2M hugepagesz=2M hugepages={hugepages} '
            f'{image.kernel_args()} {extra}').strip()


def split_exit_status(output):
    """(status, output before it) from the second serial port's text:
    status is the script's exit status, None if it never finished."""
    m = re.search(rf'^{EXIT_MARKER}(\d+)$', output, re.M)
    if not m:
        return None, output
    return int(m.group(1)), output[:m.start()]


def run_guest(script, image, qemu_args=(), memory_mb=512, smp=2, hugepages=0,
              timeout=240, files=None, shared_memory=False, group=None,
              cmdline_extra=''):
    """Boot a guest, run `script` (shell text) in it, return a GuestResult.

    files: {name: host path}, copied to /tmp/<name> in the guest before the
    script runs. group: a ProcessGroup to start QEMU in (one is made
    otherwise), so that a test's daemons and its guest end together.

    A guest whose QEMU fails an assertion of its own before the script ends
    is booted once more, and the crash printed: it says nothing about the
    code under test, and a second one in a row fails the test.
    """
    def boot():
        return run_guest_once(script, image, qemu_args, memory_mb, smp, hugepages, timeout,
                              files, shared_memory, group, cmdline_extra)

    result = boot()
    m = QEMU_ASSERTION.search(result.console)
    if result.status is None and not result.timed_out and m:
        print(f'QEMU crashed on its own assertion after {result.seconds:.1f} s, '
              f'booting the guest again: {m.group(0)}')
        result = boot()
    return result


def run_guest_once(script, image, qemu_args, memory_mb, smp, hugepages, timeout, files,
                   shared_memory, group, cmdline_extra):
    """One boot of run_guest()."""
    initramfs = image.build()
    with tempfile.TemporaryDirectory(prefix='vmtest-') as tmp:
        script_path = os.path.join(tmp, 'script.sh')
        with open(script_path, 'w') as f:
            f.write(script)
        console = os.path.join(tmp, 'console.log')
        output = os.path.join(tmp, 'output.log')
        append = kernel_cmdline(image, hugepages, cmdline_extra)
        args = [QEMU, '-accel', 'tcg', '-cpu', 'max', '-smp', str(smp),
                '-m', f'{memory_mb}M', '-nic', 'none', '-display', 'none',
                '-monitor', 'none', '-no-reboot', '-nodefaults',
                '-serial', f'file:{console}', '-serial', f'file:{output}',
                '-kernel', kernel_image(image.kernel_root), '-initrd', initramfs,
                '-append', append,
                '-fw_cfg', f'name=opt/vmtest/script,file={script_path}']
        for name, path in (files or {}).items():
            if not re.fullmatch(r'[A-Za-z0-9._-]+', name):
                raise HarnessError(f'bad guest file name {name!r}')
            args += ['-fw_cfg', f'name=opt/vmtest/file/{name},file={path}']
        if shared_memory:
            args += shared_memory_args(memory_mb)
        args += list(qemu_args)

        own = group is None
        g = ProcessGroup() if own else group
        t0 = time.monotonic()
        timed_out = False
        try:
            if own:
                g.__enter__()
            qemu_log = open(os.path.join(tmp, 'qemu.log'), 'w')
            p = g.popen(args, stdin=subprocess.DEVNULL, stdout=qemu_log,
                        stderr=subprocess.STDOUT)
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        finally:
            if own:
                g.__exit__(None, None, None)
        seconds = time.monotonic() - t0

        def read(path):
            with contextlib.suppress(FileNotFoundError), open(path, 'rb') as f:
                return f.read().decode(errors='replace').replace('\r\n', '\n')
            return ''

        out = read(output)
        con = read(console)
        qlog = read(os.path.join(tmp, 'qemu.log'))
        if qlog.strip():
            con += '\n--- qemu ---\n' + qlog
        status, out = split_exit_status(out)
        return GuestResult(status, out, con, timed_out, seconds)


def report(result, name):
    """Print a guest run for a test log; return True if it succeeded."""
    print(result.output, end='' if result.output.endswith('\n') else '\n')
    state = ('timed out' if result.timed_out else
             'no exit status' if result.status is None else f'exit {result.status}')
    print(f'{name}: guest {state} after {result.seconds:.1f} s')
    if not result.ok:
        print('--- guest console (last 60 lines) ---')
        print('\n'.join(result.console.splitlines()[-60:]))
    return result.ok


def report_checks(checks):
    """Print named checks (name -> bool) and a tally; the exit status for them."""
    for what, good in checks.items():
        print(f'{"PASS" if good else "FAIL"}: {what}')
    passed = sum(checks.values())
    print(f'{passed} passed, {len(checks) - passed} failed')
    return 0 if passed == len(checks) else 1


def main(argv=None):
    import argparse
    ap = argparse.ArgumentParser(
        description='Boot a test guest, run a script in it, print its output; '
                    'exit with the script\'s status (124 on timeout).')
    ap.add_argument('script', help='shell script to run in the guest')
    ap.add_argument('--module', action='append', default=[], help='kernel module (repeatable)')
    ap.add_argument('--binary', action='append', default=[], help='host binary to include')
    ap.add_argument('--dpdk-pmd', action='append', default=[],
                    help="DPDK plugin to include, e.g. crypto_virtio")
    ap.add_argument('--file', action='append', default=[], metavar='NAME=PATH',
                    help='host file copied to /tmp/NAME in the guest')
    ap.add_argument('--memory', type=int, default=512, help='guest MiB')
    ap.add_argument('--smp', type=int, default=2)
    ap.add_argument('--hugepages', type=int, default=0, help='2 MiB pages in the guest')
    ap.add_argument('--shared-memory', action='store_true',
                    help='guest RAM in a shared memfd (vhost-user)')
    ap.add_argument('--builtin-crypto', action='store_true',
                    help='add a virtio-crypto-pci device on QEMU\'s builtin backend')
    ap.add_argument('--vhost-user-crypto', metavar='SOCKET',
                    help='add a virtio-crypto-pci device served at SOCKET')
    ap.add_argument('--timeout', type=float, default=240)
    ap.add_argument('--console', action='store_true', help='print the kernel console too')
    ap.epilog = 'Arguments after -- go to QEMU as they are.'
    argv = list(sys.argv[1:] if argv is None else argv)
    qemu_extra = argv[argv.index('--') + 1:] if '--' in argv else []
    a = ap.parse_args(argv[:argv.index('--')] if '--' in argv else argv)

    files = dict(f.split('=', 1) for f in a.file)
    qemu = qemu_extra
    if a.builtin_crypto:
        qemu += builtin_crypto_args()
    if a.vhost_user_crypto:
        qemu += vhost_user_crypto_args(a.vhost_user_crypto)
    with open(a.script) as f:
        script = f.read()
    image = GuestImage(modules=a.module, binaries=a.binary, dpdk_pmds=a.dpdk_pmd)
    try:
        r = run_guest(script, image, qemu, memory_mb=a.memory, smp=a.smp,
                      hugepages=a.hugepages, timeout=a.timeout, files=files,
                      shared_memory=a.shared_memory or bool(a.vhost_user_crypto))
    except HarnessError as e:
        print(f'vmharness: {e}', file=sys.stderr)
        return 2
    print(r.output, end='')
    if a.console or not r.ok:
        print('--- console ---', file=sys.stderr)
        print(r.console, file=sys.stderr)
    return 124 if r.timed_out else (r.status if r.status is not None else 125)


if __name__ == '__main__':
    sys.exit(main())
