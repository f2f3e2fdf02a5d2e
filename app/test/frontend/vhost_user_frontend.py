# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-virtio-crypto authors
"""A scripted vhost-user frontend for tests of the vhost-crypto daemon.

It plays the part QEMU's cryptodev-vhost-user (or our PMD's virtio_user
transport) plays, one message at a time, so that a test can send exactly the
sequence it means, good or bad:

    fe = Frontend(path)                  # connect to the daemon's socket
    fe.handshake()                       # features, owner, protocol, config
    region = fe.mem.add_region(16 << 20) # guest memory: a memfd, mmapped here
    fe.set_mem_table()                   # every region, one fd each
    ring = fe.start_ring(0, SplitRing(fe.mem, 128))   # NUM, BASE, ADDR, CALL, KICK
    sid = fe.create_session(key)         # CREATE_CRYPTO_SESSION, QEMU 7.1 layout
    req = CipherRequest(fe.mem, ring, sid, key, iv, data)
    fe.wait_done(ring, [req])            # used entries, then status and output
    req.check()                          # ciphertext equal to python3-cryptography's

Every message can carry NEED_REPLY (fe.ack() sends it and reads the u64
reply); fe.send() sends without it, fe.send_raw() sends any bytes (a header
cut short, a payload that never comes). Memory is shared by memfd and
SCM_RIGHTS, rings live in it, kicks and calls are eventfds; the daemon
busy-polls, so nothing is ever kicked, but a ring needs its kick fd to be live.

Wire formats: docs/interop/vhost-user.rst (QEMU), the virtio specification,
and this project's common/virtio_crypto/virtio_crypto_wire.h and
vhost_user_crypto_wire.h. Little-endian x86_64 only, like every peer.
"""

import mmap
import os
import select
import socket
import struct
import time

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

# The one timeout every wait uses: generous, for a busy CI machine.
TIMEOUT = 20.0

# ------------------------------------------------------------------ #
# vhost-user                                                          #
# ------------------------------------------------------------------ #

GET_FEATURES = 1
SET_FEATURES = 2
SET_OWNER = 3
RESET_OWNER = 4
SET_MEM_TABLE = 5
SET_LOG_BASE = 6
SET_VRING_NUM = 8
SET_VRING_ADDR = 9
SET_VRING_BASE = 10
GET_VRING_BASE = 11
SET_VRING_KICK = 12
SET_VRING_CALL = 13
SET_VRING_ERR = 14
GET_PROTOCOL_FEATURES = 15
SET_PROTOCOL_FEATURES = 16
GET_QUEUE_NUM = 17
SET_VRING_ENABLE = 18
GET_CONFIG = 24
SET_CONFIG = 25
CREATE_CRYPTO_SESSION = 26
CLOSE_CRYPTO_SESSION = 27

MSG_NAMES = {v: k for k, v in dict(globals()).items()
             if isinstance(v, int) and k.isupper() and 0 < v < 64}

FLAG_VERSION = 0x1
FLAG_REPLY = 0x4
FLAG_NEED_REPLY = 0x8

# Messages the backend always answers (NEED_REPLY adds no second reply).
HAS_REPLY = {GET_FEATURES, GET_PROTOCOL_FEATURES, GET_QUEUE_NUM, GET_VRING_BASE,
             GET_CONFIG, CREATE_CRYPTO_SESSION}

HDR = struct.Struct('<III')           # request, flags, size
STATE = struct.Struct('<II')          # index, num
ADDR = struct.Struct('<IIQQQQ')       # index, flags, desc, used, avail, log
REGION = struct.Struct('<QQQQ')       # guest_phys_addr, memory_size, userspace_addr, mmap_offset
MAX_REGIONS = 8

VRING_F_LOG = 0                       # SET_VRING_ADDR flags bit
VRING_NOFD = 1 << 8                   # SET_VRING_KICK/CALL: no fd sent

# Virtio / vhost feature bits.
F_LOG_ALL = 26
F_INDIRECT_DESC = 28
F_EVENT_IDX = 29
F_PROTOCOL_FEATURES = 30
F_VERSION_1 = 32
F_RING_PACKED = 34
F_IN_ORDER = 35

# Protocol feature bits.
PF_MQ = 0
PF_REPLY_ACK = 3
PF_CRYPTO_SESSION = 7
PF_CONFIG = 9

# ------------------------------------------------------------------ #
# virtio-crypto                                                       #
# ------------------------------------------------------------------ #

CIPHER_ENCRYPT = 0x0000
CIPHER_DECRYPT = 0x0001
CIPHER_AES_CBC = 3
SYM_OP_CIPHER = 1
OP_ENCRYPT = 1
OP_DECRYPT = 2
FLAG_SESSION_MODE = 1

STATUS_OK = 0
STATUS_NAMES = {0: 'OK', 1: 'ERR', 2: 'BADMSG', 3: 'NOTSUPP', 4: 'INVSESS', 5: 'NOSPC',
                6: 'KEY_REJECTED', 0xff: 'untouched'}
STATUS_INVSESS = 4

DATA_REQ_LEN = 72                     # header 24 + fixed part 48, without REVISION_1
SESSION_V71_LEN = 632                 # QEMU 7.1-8.0 CREATE_CRYPTO_SESSION payload

# Split ring descriptor flags; packed flags add AVAIL (7) and USED (15).
DESC_F_NEXT = 1
DESC_F_WRITE = 2
DESC_F_INDIRECT = 4
PACKED_F_AVAIL = 1 << 7
PACKED_F_USED = 1 << 15


class ConnectionEnded(Exception):
    """The daemon closed the connection (or it broke)."""


class ProtocolError(Exception):
    """The daemon answered with something we did not ask for."""


# ------------------------------------------------------------------ #
# Guest memory                                                        #
# ------------------------------------------------------------------ #

class Region:
    """One memfd of guest memory, mapped here, with a first-fit allocator.

    The daemon maps the same fd; guest physical addresses (what descriptors
    hold) are gpa + offset, frontend addresses (what SET_VRING_ADDR holds)
    uaddr + offset, where uaddr is any value consistent within the table.
    """

    UADDR_BASE = 0x7f00_0000_0000

    def __init__(self, gpa, size, name='vc-guest-ram'):
        self.gpa, self.size = gpa, size
        self.uaddr = self.UADDR_BASE + gpa
        self.mmap_offset = 0
        self.fd = os.memfd_create(name, os.MFD_CLOEXEC)
        os.ftruncate(self.fd, size)
        self.buf = mmap.mmap(self.fd, size)
        self._free = [(0, size)]      # (offset, length), sorted

    def contains(self, gpa, n=1):
        return self.gpa <= gpa and gpa + n <= self.gpa + self.size

    def alloc(self, n, align=64, at_end=False):
        """gpa of n free bytes (aligned), or MemoryError."""
        order = reversed(range(len(self._free))) if at_end else range(len(self._free))
        for i in order:
            off, length = self._free[i]
            if at_end:
                start = (off + length - n) & ~(align - 1)
            else:
                start = (off + align - 1) & ~(align - 1)
            if start < off or start + n > off + length:
                continue
            pieces = [(off, start - off), (start + n, off + length - start - n)]
            self._free[i:i + 1] = [p for p in pieces if p[1] > 0]
            return self.gpa + start
        raise MemoryError(f'region at {self.gpa:#x}: no {n} free bytes')

    def free(self, gpa, n):
        off = gpa - self.gpa
        self._free.append((off, n))
        self._free.sort()
        merged = []
        for o, ln in self._free:
            if merged and merged[-1][0] + merged[-1][1] == o:
                merged[-1] = (merged[-1][0], merged[-1][1] + ln)
            else:
                merged.append((o, ln))
        self._free = merged

    def entry(self):
        """This region as a SET_MEM_TABLE entry."""
        return REGION.pack(self.gpa, self.size, self.uaddr, self.mmap_offset)

    def close(self):
        self.buf.close()
        os.close(self.fd)


class GuestMemory:
    """The frontend's guest memory: regions at guest physical addresses."""

    def __init__(self):
        self.regions = []

    def add_region(self, size, gpa=None, name='vc-guest-ram'):
        if gpa is None:
            # Leave room between regions: a stray address finds no memory.
            gpa = max((r.gpa + r.size for r in self.regions), default=0)
            gpa = (gpa + (1 << 28) - 1) & ~((1 << 28) - 1)
        r = Region(gpa, size, name)
        self.regions.append(r)
        return r

    def region_of(self, gpa, n=1):
        for r in self.regions:
            if r.contains(gpa, n):
                return r
        raise ValueError(f'no guest memory at {gpa:#x}+{n}')

    def read(self, gpa, n):
        r = self.region_of(gpa, n)
        off = gpa - r.gpa
        return bytes(r.buf[off:off + n])

    def write(self, gpa, data):
        r = self.region_of(gpa, len(data))
        off = gpa - r.gpa
        r.buf[off:off + len(data)] = data

    def u16(self, gpa):
        return struct.unpack('<H', self.read(gpa, 2))[0]

    def put_u16(self, gpa, v):
        self.write(gpa, struct.pack('<H', v))

    def uaddr(self, gpa):
        """The frontend address of a guest physical address."""
        r = self.region_of(gpa)
        return r.uaddr + gpa - r.gpa

    def alloc(self, n, align=64, region=None, at_end=False):
        return (region or self.regions[0]).alloc(n, align, at_end)

    def free(self, gpa, n):
        self.region_of(gpa, n).free(gpa, n)

    def close(self):
        for r in self.regions:
            r.close()
        self.regions = []


def mem_table_payload(entries, nregions=None):
    """SET_MEM_TABLE payload: u32 nregions, u32 padding, the entries given.

    QEMU sends only the regions it has; nregions may be set to anything
    (a malformed table) independently of the entries.
    """
    n = len(entries) if nregions is None else nregions
    return struct.pack('<II', n, 0) + b''.join(entries)


# ------------------------------------------------------------------ #
# Rings                                                               #
# ------------------------------------------------------------------ #

class _Ring:
    # VIRTIO_F_IN_ORDER negotiated (Frontend.start_ring() sets it): the
    # device may show a run of requests as one used entry naming the last.
    in_order = False

    def _used(self, vid, n):
        r = self.reqs.pop(vid, None)
        if r is not None:
            r.written = n


class SplitRing(_Ring):
    """A split virtqueue in guest memory, driven from the driver's side.

    Layout (virtio 1.x 2.7): descriptor table 16 B per entry, available
    ring {flags, idx, ring[size], used_event}, used ring {flags, idx,
    ring[size] of {id, len}, avail_event}. Each part in a page of its own.
    """

    packed = False

    def __init__(self, mem, size, region=None, at_end=False):
        self.mem, self.size = mem, size
        region = region or mem.regions[0]
        self.desc = mem.alloc(16 * size, 4096, region, at_end)
        self.avail = mem.alloc(6 + 2 * size, 4096, region, at_end)
        self.used = mem.alloc(6 + 8 * size, 4096, region, at_end)
        mem.write(self.desc, bytes(16 * size))
        mem.write(self.avail, bytes(6 + 2 * size))
        mem.write(self.used, bytes(6 + 8 * size))
        self.free_descs = list(range(size))
        self.chains = {}              # head -> descriptor indices
        self.writable = {}            # head -> device-writable bytes
        self.order = []               # heads in the order made available
        self.reqs = {}                # head -> request object, told when used
        self.avail_idx = 0            # ours: next avail->idx
        self.used_seen = 0            # ours: used->idx consumed so far

    def addrs(self):
        """(desc, avail, used) guest physical addresses, for SET_VRING_ADDR."""
        return self.desc, self.avail, self.used

    def base(self):
        """What SET_VRING_BASE carries to start (or restart) here."""
        return self.avail_idx & 0xffff

    def room(self):
        return len(self.free_descs)

    def add(self, bufs, publish=True):
        """Chain (gpa, len, writable) buffers; their head id."""
        if len(bufs) > len(self.free_descs):
            raise MemoryError('split ring full')
        idx = [self.free_descs.pop() for _ in bufs]
        for i, (gpa, n, writable) in enumerate(bufs):
            flags = (DESC_F_WRITE if writable else 0) | \
                (DESC_F_NEXT if i + 1 < len(bufs) else 0)
            nxt = idx[i + 1] if i + 1 < len(bufs) else 0
            self.mem.write(self.desc + 16 * idx[i], struct.pack('<QIHH', gpa, n, flags, nxt))
        head = idx[0]
        self.chains[head] = idx
        self.writable[head] = sum(n for _, n, w in bufs if w)
        self.order.append(head)
        self.mem.put_u16(self.avail + 4 + 2 * (self.avail_idx % self.size), head)
        self.avail_idx = (self.avail_idx + 1) & 0xffff
        if publish:
            self.publish()
        return head

    def publish(self):
        """Make every added chain available (x86: stores stay in order)."""
        self.mem.put_u16(self.avail + 2, self.avail_idx)

    def poll_used(self):
        """New used entries, oldest first: [(id, written length)]."""
        out = []
        used_idx = self.mem.u16(self.used + 2)
        while self.used_seen != used_idx:
            slot = self.used + 4 + 8 * (self.used_seen % self.size)
            vid, n = struct.unpack('<II', self.mem.read(slot, 8))
            if vid not in self.chains:
                raise ProtocolError(f'used id {vid} not in flight')
            # In order, the entry stands for every chain up to vid; those
            # before it wrote all they could.
            run = self.order[:self.order.index(vid) + 1] if self.in_order else [vid]
            if (used_idx - self.used_seen) & 0xffff < len(run):
                raise ProtocolError(f'used id {vid} past used idx {used_idx}')
            for h in run:
                self.free_descs.extend(self.chains.pop(h))
                w = self.writable.pop(h)
                self.order.remove(h)
                self._used(h, n if h == vid else w)
                out.append((h, n if h == vid else w))
            self.used_seen = (self.used_seen + len(run)) & 0xffff
        return out

    def in_flight(self):
        return len(self.chains)


class PackedRing(_Ring):
    """A packed virtqueue in guest memory, driven from the driver's side.

    Layout (virtio 1.x 2.8): descriptor ring {addr, len, id, flags} 16 B per
    entry, driver event suppression {off_wrap, flags} (what SET_VRING_ADDR
    calls avail), device event suppression (its used). Both wrap counters
    start at 1; a descriptor is available when AVAIL == wrap and USED != wrap,
    used when both equal the used wrap counter. The head's flags are written
    last: that makes the chain available.
    """

    packed = True

    def __init__(self, mem, size, region=None, at_end=False):
        self.mem, self.size = mem, size
        region = region or mem.regions[0]
        self.desc = mem.alloc(16 * size, 4096, region, at_end)
        self.driver_event = mem.alloc(4, 64, region)
        self.device_event = mem.alloc(4, 64, region)
        mem.write(self.desc, bytes(16 * size))
        mem.write(self.driver_event, bytes(4))
        mem.write(self.device_event, bytes(4))
        self.next_avail, self.avail_wrap = 0, 1
        self.next_used, self.used_wrap = 0, 1
        self.free_ids = list(range(size))
        self.ndescs = {}              # buffer id -> descriptors it took
        self.writable = {}            # buffer id -> device-writable bytes
        self.order = []               # buffer ids in the order made available
        self.reqs = {}                # buffer id -> request object, told when used
        self.free = size
        self._pending = []            # (gpa of head flags, flags) not yet published

    def addrs(self):
        return self.desc, self.driver_event, self.device_event

    def base(self):
        return self.next_avail | (self.avail_wrap << 15)

    def room(self):
        return self.free

    def _flags(self, wrap):
        return PACKED_F_AVAIL if wrap else PACKED_F_USED

    def add(self, bufs, publish=True):
        if len(bufs) > self.free:
            raise MemoryError('packed ring full')
        bid = self.free_ids.pop()
        head_at, head_flags = None, 0
        for i, (gpa, n, writable) in enumerate(bufs):
            flags = self._flags(self.avail_wrap) | (DESC_F_WRITE if writable else 0) | \
                (DESC_F_NEXT if i + 1 < len(bufs) else 0)
            at = self.desc + 16 * self.next_avail
            self.mem.write(at, struct.pack('<QIH', gpa, n, bid))
            if i == 0:
                head_at, head_flags = at + 14, flags
            else:
                self.mem.put_u16(at + 14, flags)
            self.next_avail += 1
            if self.next_avail == self.size:
                self.next_avail, self.avail_wrap = 0, self.avail_wrap ^ 1
        self.ndescs[bid] = len(bufs)
        self.writable[bid] = sum(n for _, n, w in bufs if w)
        self.order.append(bid)
        self.free -= len(bufs)
        self._pending.append((head_at, head_flags))
        if publish:
            self.publish()
        return bid

    def publish(self):
        for at, flags in self._pending:
            self.mem.put_u16(at, flags)
        self._pending = []

    def poll_used(self):
        out = []
        while True:
            at = self.desc + 16 * self.next_used
            flags = self.mem.u16(at + 14)
            if bool(flags & PACKED_F_AVAIL) != bool(self.used_wrap) or \
                    bool(flags & PACKED_F_USED) != bool(self.used_wrap):
                return out
            _, n, bid = struct.unpack('<QIH', self.mem.read(at, 14))
            if bid not in self.ndescs:
                raise ProtocolError(f'used buffer id {bid} not in flight')
            # In order, the descriptor stands for every buffer up to bid.
            run = self.order[:self.order.index(bid) + 1] if self.in_order else [bid]
            for b in run:
                nd = self.ndescs.pop(b)
                w = self.writable.pop(b)
                self.order.remove(b)
                self.free_ids.append(b)
                self.free += nd
                self.next_used += nd
                if self.next_used >= self.size:
                    self.next_used, self.used_wrap = self.next_used - self.size, \
                        self.used_wrap ^ 1
                self._used(b, n if b == bid else w)
                out.append((b, n if b == bid else w))

    def in_flight(self):
        return len(self.ndescs)


# ------------------------------------------------------------------ #
# virtio-crypto requests                                              #
# ------------------------------------------------------------------ #

def aes_cbc(key, iv, data, encrypt=True):
    """The reference answer: python3-cryptography's AES-CBC."""
    c = Cipher(algorithms.AES(key), modes.CBC(iv))
    ctx = c.encryptor() if encrypt else c.decryptor()
    return ctx.update(data) + ctx.finalize()


def session_payload_v71(key, encrypt=True):
    """CREATE_CRYPTO_SESSION payload, QEMU 7.1 layout (632 bytes), AES-CBC.

    {i64 session_id; sym_info {u32 cipher_alg, key_len, hash_alg,
    hash_result_len, auth_key_len, aad_len; u8 op_type, direction, hash_mode,
    chain_order; u32 pad; two host pointers}; key[64]; auth_key[512]}
    """
    p = bytearray(SESSION_V71_LEN)
    struct.pack_into('<qIIIIIIBBBBIQQ', p, 0, -1, CIPHER_AES_CBC, len(key), 0, 0, 0, 0,
                     SYM_OP_CIPHER, OP_ENCRYPT if encrypt else OP_DECRYPT, 0, 0, 0, 0, 0)
    p[56:56 + len(key)] = key
    return bytes(p)


class CipherRequest:
    """One session-mode AES-CBC request in guest memory, put on a ring.

    Without REVISION_1 the request is the 72-byte header and fixed part, then
    iv and src (device-readable), then dst and the status byte
    (device-writable). ndescs chooses how that is cut into descriptors:
    2 [req|iv|src] [dst|status], 3 [req|iv|src] [dst] [status],
    4 [req] [iv|src] [dst] [status].
    """

    def __init__(self, mem, ring, session_id, key, iv, data, encrypt=True,
                 region=None, ndescs=3, publish=True):
        self.mem, self.ring = mem, ring
        self.key, self.iv, self.data, self.encrypt = key, iv, data, encrypt
        self.session_id = session_id
        n = len(data)
        self.expected = aes_cbc(key, iv, data, encrypt)
        hdr = struct.pack('<IIQII', CIPHER_ENCRYPT if encrypt else CIPHER_DECRYPT,
                          CIPHER_AES_CBC, session_id, FLAG_SESSION_MODE, 0)
        fixed = struct.pack('<IIII', len(iv), n, n, 0) + bytes(24) + \
            struct.pack('<II', SYM_OP_CIPHER, 0)
        req = hdr + fixed
        assert len(req) == DATA_REQ_LEN
        self.in_len = DATA_REQ_LEN + len(iv) + n
        self.out_len = n + 1
        self.in_gpa = mem.alloc(self.in_len, 64, region)
        self.out_gpa = mem.alloc(self.out_len, 64, region)
        mem.write(self.in_gpa, req + iv + data)
        mem.write(self.out_gpa, bytes(n) + b'\xff')
        self.status_gpa = self.out_gpa + n
        i, o = self.in_gpa, self.out_gpa
        if ndescs == 2:
            bufs = [(i, self.in_len, False), (o, n + 1, True)]
        elif ndescs == 3:
            bufs = [(i, self.in_len, False), (o, n, True), (o + n, 1, True)]
        elif ndescs == 4:
            bufs = [(i, DATA_REQ_LEN, False), (i + DATA_REQ_LEN, len(iv) + n, False),
                    (o, n, True), (o + n, 1, True)]
        else:
            raise ValueError(f'ndescs {ndescs}')
        self.written = None           # set when its used entry comes
        self.id = ring.add(bufs, publish)
        ring.reqs[self.id] = self

    def status(self):
        return self.mem.read(self.status_gpa, 1)[0]

    def output(self):
        return self.mem.read(self.out_gpa, len(self.data))

    def result(self):
        """(good, what): status OK and output equal to the reference."""
        st = self.status()
        if st != STATUS_OK:
            return False, f'status {STATUS_NAMES.get(st, st)}'
        if self.output() != self.expected:
            return False, 'output differs from python3-cryptography\'s'
        return True, 'ok'

    def release(self):
        self.mem.free(self.in_gpa, self.in_len)
        self.mem.free(self.out_gpa, self.out_len)


# ------------------------------------------------------------------ #
# The connection                                                      #
# ------------------------------------------------------------------ #

class Msg:
    def __init__(self, request, flags, payload):
        self.request, self.flags, self.payload = request, flags, payload

    def u64(self):
        if len(self.payload) < 8:
            raise ProtocolError(f'{MSG_NAMES.get(self.request)} reply of {len(self.payload)} B')
        return struct.unpack_from('<Q', self.payload)[0]

    def __repr__(self):
        return f'<{MSG_NAMES.get(self.request, self.request)} flags {self.flags:#x} ' \
               f'{len(self.payload)} B>'


def msg_bytes(request, payload=b'', need_reply=False, flags=None, size=None):
    """One message as it goes on the wire; size may lie (a malformed message)."""
    if flags is None:
        flags = FLAG_VERSION | (FLAG_NEED_REPLY if need_reply else 0)
    return HDR.pack(request, flags, len(payload) if size is None else size) + payload


class Frontend:
    """One vhost-user connection to the daemon, with its guest memory and rings."""

    def __init__(self, path, timeout=TIMEOUT):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.mem = GuestMemory()
        self.rings = {}               # index -> ring
        self.kickfds, self.callfds = {}, {}
        self.features = 0             # what SET_FEATURES last carried
        self.offered = 0              # GET_FEATURES
        self.protocol_features = 0
        self.config = None
        self.closed = False

    # -- framing ------------------------------------------------------

    def send_raw(self, data, fds=()):
        """Bytes as they are; fds ride with the first byte."""
        try:
            if fds:
                sent = socket.send_fds(self.sock, [data], list(fds))
                if sent < len(data):
                    self.sock.sendall(data[sent:])
            else:
                self.sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError) as e:
            raise ConnectionEnded(str(e)) from e

    def send(self, request, payload=b'', fds=(), need_reply=False, flags=None):
        self.send_raw(msg_bytes(request, payload, need_reply, flags), fds)

    def _recv_exact(self, n, timeout):
        buf = b''
        deadline = time.monotonic() + timeout
        while len(buf) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f'no reply within {timeout:.0f} s')
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(n - len(buf))
            except socket.timeout:
                raise TimeoutError(f'no reply within {timeout:.0f} s') from None
            except ConnectionResetError as e:
                raise ConnectionEnded(str(e)) from e
            if not chunk:
                raise ConnectionEnded('the daemon closed the connection')
            buf += chunk
        return buf

    def recv(self, timeout=TIMEOUT):
        request, flags, size = HDR.unpack(self._recv_exact(HDR.size, timeout))
        payload = self._recv_exact(size, timeout) if size else b''
        return Msg(request, flags, payload)

    def reply_to(self, request, timeout=TIMEOUT):
        """The next message, which must be the reply to `request`."""
        m = self.recv(timeout)
        if m.request != request or not m.flags & FLAG_REPLY:
            raise ProtocolError(f'expected the reply to {MSG_NAMES.get(request)}, got {m}')
        return m

    def call(self, request, payload=b'', fds=()):
        """A message the daemon always answers; its reply."""
        self.send(request, payload, fds)
        return self.reply_to(request)

    def ack(self, request, payload=b'', fds=()):
        """The message with NEED_REPLY; the reply's u64 (0 = applied)."""
        self.send(request, payload, fds, need_reply=True)
        return self.reply_to(request).u64()

    def apply(self, request, payload=b'', fds=(), need_reply=True):
        """Send a message that must be applied: with NEED_REPLY, the ack must say so."""
        if not need_reply:
            self.send(request, payload, fds)
            return
        v = self.ack(request, payload, fds)
        if v != 0:
            raise ProtocolError(f'{MSG_NAMES.get(request)} refused (reply {v})')

    def ended(self, timeout=TIMEOUT):
        """True once the daemon has closed the connection (EOF), False on a timeout.

        Whatever arrives before the EOF is read and dropped.
        """
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                self.recv(left)
            except ConnectionEnded:
                return True
            except TimeoutError:
                return False

    def still_up(self):
        """Round trip: the daemon answers GET_FEATURES on this connection."""
        try:
            self.call(GET_FEATURES)
            return True
        except (ConnectionEnded, TimeoutError, ProtocolError):
            return False

    def refused_ends(self, request, payload=b'', fds=()):
        """Send without NEED_REPLY; True if the daemon ends the connection.

        A GET_FEATURES right behind it tells quickly: answered means the
        connection survived the message.
        """
        try:
            self.send(request, payload, fds)
            self.send(GET_FEATURES)
        except ConnectionEnded:
            return True
        try:
            self.reply_to(GET_FEATURES)
            return False
        except ConnectionEnded:
            return True

    def close(self):
        if not self.closed:
            self.sock.close()
            for fd in list(self.kickfds.values()) + list(self.callfds.values()):
                os.close(fd)
            self.kickfds, self.callfds = {}, {}
            self.mem.close()
            self.closed = True

    # -- the handshake ------------------------------------------------

    def get_features(self):
        self.offered = self.call(GET_FEATURES).u64()
        return self.offered

    def set_features(self, features, need_reply=True):
        self.apply(SET_FEATURES, struct.pack('<Q', features), need_reply=need_reply)
        self.features = features

    def handshake(self, packed=False, extra_features=0, in_order=False):
        """QEMU's order: GET_FEATURES, GET/SET_PROTOCOL_FEATURES, GET_QUEUE_NUM,
        SET_OWNER, GET_CONFIG, SET_FEATURES. Version 1, protocol features,
        packed if asked; no REVISION_1 (QEMU's device offers none)."""
        offered = self.get_features()
        if not offered & (1 << F_PROTOCOL_FEATURES):
            raise ProtocolError('the daemon offers no protocol features')
        pf = self.call(GET_PROTOCOL_FEATURES).u64()
        want = (1 << PF_MQ) | (1 << PF_REPLY_ACK) | (1 << PF_CRYPTO_SESSION) | (1 << PF_CONFIG)
        if pf & want != want:
            raise ProtocolError(f'protocol features {pf:#x} lack some of {want:#x}')
        self.protocol_features = want
        self.send(SET_PROTOCOL_FEATURES, struct.pack('<Q', want))
        self.queue_num = self.call(GET_QUEUE_NUM).u64()
        self.apply(SET_OWNER)
        self.config = self.get_config()
        f = (1 << F_VERSION_1) | (1 << F_PROTOCOL_FEATURES) | extra_features
        if packed:
            f |= 1 << F_RING_PACKED
        if in_order:
            f |= 1 << F_IN_ORDER
        self.set_features(f)

    def get_config(self):
        """The 56-byte virtio-crypto configuration space, as a dict."""
        m = self.call(GET_CONFIG, struct.pack('<III', 0, 56, 0) + bytes(56))
        off, size, _ = struct.unpack_from('<III', m.payload)
        raw = m.payload[12:12 + size]
        if off != 0 or size != 56 or len(raw) != 56:
            raise ProtocolError(f'GET_CONFIG reply offset {off} size {size}')
        names = ('status', 'max_dataqueues', 'crypto_services', 'cipher_algo_l',
                 'cipher_algo_h', 'hash_algo', 'mac_algo_l', 'mac_algo_h', 'aead_algo',
                 'max_cipher_key_len', 'max_auth_key_len', 'akcipher_algo')
        cfg = dict(zip(names, struct.unpack_from('<12I', raw)))
        cfg['max_size'] = struct.unpack_from('<Q', raw, 48)[0]
        return cfg

    def nb_rings(self):
        """Rings the backend has: its data queues and the control queue."""
        return self.config['max_dataqueues'] + 1

    # -- memory -------------------------------------------------------

    def mem_table(self, regions=None):
        regions = self.mem.regions if regions is None else regions
        return mem_table_payload([r.entry() for r in regions]), [r.fd for r in regions]

    def set_mem_table(self, regions=None, need_reply=True):
        payload, fds = self.mem_table(regions)
        self.apply(SET_MEM_TABLE, payload, fds, need_reply)

    # -- rings --------------------------------------------------------

    def vring_addr_payload(self, index, ring, log=False):
        d, a, u = ring.addrs()
        return ADDR.pack(index, (1 << VRING_F_LOG) if log else 0, self.mem.uaddr(d),
                         self.mem.uaddr(u), self.mem.uaddr(a), u if log else 0)

    def eventfd_msg(self, request, index, fd=None):
        """SET_VRING_KICK/CALL payload and fds: a fresh eventfd unless given."""
        if fd is None:
            fd = os.eventfd(0, os.EFD_NONBLOCK | os.EFD_CLOEXEC)
        table = self.kickfds if request == SET_VRING_KICK else self.callfds
        old = table.get(index)
        table[index] = fd
        if old is not None and old != fd:
            os.close(old)
        return struct.pack('<Q', index), [fd]

    def start_ring(self, index, ring, base=None, need_reply=True):
        """NUM, BASE, ADDR, CALL, KICK: the ring is live after the kick fd."""
        self.apply(SET_VRING_NUM, STATE.pack(index, ring.size), need_reply=need_reply)
        self.apply(SET_VRING_BASE, STATE.pack(index, ring.base() if base is None else base),
                   need_reply=need_reply)
        self.apply(SET_VRING_ADDR, self.vring_addr_payload(index, ring), need_reply=need_reply)
        self.apply(SET_VRING_CALL, *self.eventfd_msg(SET_VRING_CALL, index), need_reply=need_reply)
        self.apply(SET_VRING_KICK, *self.eventfd_msg(SET_VRING_KICK, index), need_reply=need_reply)
        ring.in_order = bool(getattr(self, 'features', 0) & (1 << F_IN_ORDER))
        self.rings[index] = ring
        return ring

    def get_vring_base(self, index):
        """Stop the ring; the position the daemon reports."""
        m = self.call(GET_VRING_BASE, STATE.pack(index, 0))
        idx, num = STATE.unpack(m.payload[:8])
        if idx != index:
            raise ProtocolError(f'GET_VRING_BASE reply for ring {idx}, asked {index}')
        return num

    # -- sessions -----------------------------------------------------

    def create_session(self, key, encrypt=True):
        """A session id (>= 0), or the negative failure the daemon sent."""
        m = self.call(CREATE_CRYPTO_SESSION, session_payload_v71(key, encrypt))
        if len(m.payload) != SESSION_V71_LEN:
            raise ProtocolError(f'session reply of {len(m.payload)} B')
        return struct.unpack_from('<q', m.payload)[0]

    def close_session(self, sid, need_reply=True):
        self.apply(CLOSE_CRYPTO_SESSION, struct.pack('<Q', sid), need_reply=need_reply)

    # -- requests -----------------------------------------------------

    def wait_used(self, ring, reqs, timeout=TIMEOUT):
        """Wait until every request has its used entry; the ones still missing.

        Waits on the ring's call eventfd (the daemon signals after each
        flush), with a short poll as a backstop for a daemon that does not.
        """
        index = next((i for i, rg in self.rings.items() if rg is ring), None)
        callfd = self.callfds.get(index)
        deadline = time.monotonic() + timeout
        while True:
            ring.poll_used()
            missing = [r for r in reqs if r.written is None]
            left = deadline - time.monotonic()
            if not missing or left <= 0:
                return missing
            if callfd is not None:
                ready, _, _ = select.select([callfd], [], [], min(0.05, left))
                if ready:
                    try:
                        os.eventfd_read(callfd)
                    except BlockingIOError:
                        pass
            else:
                time.sleep(min(0.01, left))

    def wait_done(self, ring, reqs, timeout=TIMEOUT):
        """wait_used(), then each request's result: [(req, good, what)]."""
        missing = set(id(r) for r in self.wait_used(ring, reqs, timeout))
        out = []
        for r in reqs:
            if id(r) in missing:
                out.append((r, False, f'no used entry within {timeout:.0f} s '
                            f'(status byte {STATUS_NAMES.get(r.status(), r.status())})'))
            else:
                good, what = r.result()
                out.append((r, good, what))
        return out
