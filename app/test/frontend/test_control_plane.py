#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-virtio-crypto authors
"""The daemon's control plane as untrusted input (issue 16), over a real socket.

    test_control_plane.py --daemon PATH TEST
    test_control_plane.py --list

Each TEST starts the vhost-crypto daemon on sockets of its own, plays a
scripted frontend (vhost_user_frontend.py) against it, and checks, printing
PASS/FAIL per check and "checks: N passed, M failed":

  (a) the daemon survives;
  (b) the documented outcome (doc/guides/prog_guide/vhost_crypto.rst, the
      rules R1-R8 of issue 16): a refused message with NEED_REPLY gets a
      nonzero reply and the connection stays up, without NEED_REPLY the
      daemon ends the connection; the telemetry counter control_refused moves
      by exactly the refusals the test made;
  (c) the next good request (AES-128-CBC, compared with python3-cryptography)
      is answered correctly, on the same connection where it stays up, else
      on a new one;
  (d) after each disconnect, everything is given back (telemetry), and the
      daemon stops cleanly on SIGINT.
"""

import argparse
import os
import random
import struct
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon_process import Daemon, all_given_back  # noqa: E402
import vhost_user_frontend as vu  # noqa: E402
from vhost_user_frontend import (  # noqa: E402
    TIMEOUT, CipherRequest, ConnectionEnded, Frontend, PackedRing, ProtocolError,
    Region, SplitRing, STATE)

KEY = bytes.fromhex('2b7e151628aed2a6abf7158809cf4f3c')     # SP 800-38A F.2
KEY2 = bytes.fromhex('000102030405060708090a0b0c0d0e0f')
KEY3 = bytes.fromhex('f0e1d2c3b4a5968778695a4b3c2d1e0f')
RING_SIZE = 128
MEM_SIZE = 4 << 20
# R7: a frontend stopped mid-message is dropped after this long.
STALL_DROP_S = 5.0
STALL_MARGIN_S = 3.0
# SIGINT with a frontend stalled: stopped before the stall would be dropped.
SIGINT_PROMPT_S = 3.0

rng = random.Random(16)


def payload_bytes(n):
    return bytes(rng.getrandbits(8) for _ in range(n))


class Abort(Exception):
    """A check that the rest of the test depends on failed."""


class Test:
    def __init__(self, daemon):
        self.d = daemon
        self.results = []
        self.frontends = []
        self.refusals = 0             # refusals this test made so far
        self.refused_base = None      # control_refused at the start
        self.stopped_by_test = False  # the test itself sent SIGINT

    def check(self, what, good, detail=''):
        self.results.append(bool(good))
        print(f'{"PASS" if good else "FAIL"}: {what}' + (f' ({detail})' if detail and not good else ''))
        sys.stdout.flush()
        return bool(good)

    def require(self, what, good, detail=''):
        if not self.check(what, good, detail):
            raise Abort(what)

    def note(self, text):
        print(f'--- {text}')
        sys.stdout.flush()

    # -- connections --------------------------------------------------

    def connect(self, sock=None):
        fe = Frontend(sock or self.d.sockets[0])
        self.frontends.append(fe)
        return fe

    def ready(self, sock=None, packed=False, ring_size=RING_SIZE, mem_size=MEM_SIZE, key=KEY,
              in_order=False):
        """A connection with data ring 0 live and an AES-128-CBC session."""
        fe = self.connect(sock)
        try:
            fe.handshake(packed=packed, in_order=in_order)
            fe.mem.add_region(mem_size)
            fe.set_mem_table()
            ring = fe.start_ring(0, (PackedRing if packed else SplitRing)(fe.mem, ring_size))
            sid = fe.create_session(key)
        except (ConnectionEnded, TimeoutError, ProtocolError, OSError) as e:
            self.require('a new connection is set up (handshake, memory, ring 0, session)',
                         False, f'{type(e).__name__}: {e}')
        self.require('a new connection is set up (handshake, memory, ring 0, session)', sid >= 0,
                     f'session reply {sid}')
        return fe, ring, sid

    def disconnect(self, fe, sock=None):
        fe.close()
        t = self.d.wait_given_back(sock)
        self.check('connection ended: every session, op and mbuf given back (R8)',
                   all_given_back(t), str(t))

    # -- requests -----------------------------------------------------

    def good_requests(self, fe, ring, sid, what, count=4, size=1024, key=KEY, region=None,
                      ndescs=3, abort=True):
        """count AES-128-CBC requests answered with python3-cryptography's ciphertext."""
        try:
            reqs = [CipherRequest(fe.mem, ring, sid, key, payload_bytes(16), payload_bytes(size),
                                  region=region, ndescs=ndescs) for _ in range(count)]
        except MemoryError as e:
            return self.check(f'{what}: {count} AES-128-CBC requests', False, str(e))
        res = fe.wait_done(ring, reqs)
        bad = [w for _, g, w in res if not g]
        ok = self.check(f'{what}: {count} AES-128-CBC requests answered, ciphertext equal to '
                        f'python3-cryptography\'s', not bad, f'{len(bad)} wrong: {bad[:3]}')
        if not any(r.written is None for r in reqs):
            for r in reqs:
                r.release()
        if not ok and abort:
            raise Abort(what)
        return ok

    # -- refusals (R1) ------------------------------------------------

    def refused_counter(self, what):
        """control_refused has moved by exactly the refusals made so far."""
        want = self.refused_base + self.refusals if self.refused_base is not None else None
        if want is None and self.refusals == 0:
            self.note(f'{what}: the daemon has no control_refused counter (none expected to move)')
            return True
        if want is None:
            return self.check(f'{what}: control_refused counted', False,
                              'the daemon has no control_refused counter')
        t = self.d.wait_stats(lambda s: s.get('control_refused', 0) >= want)
        got = t.get('control_refused') if isinstance(t, dict) else t
        return self.check(f'{what}: control_refused moved by exactly {self.refusals}',
                          got == want, f'moved by {got - self.refused_base}'
                          if isinstance(got, int) else str(got))

    def expect_refused(self, fe, what, request, payload=b'', fds=()):
        """With NEED_REPLY: a nonzero reply, the connection kept, one refusal counted."""
        self.refusals += 1
        try:
            v = fe.ack(request, payload, fds)
        except ConnectionEnded:
            self.check(f'{what}: refused with a failure reply, connection kept (R1)', False,
                       'the daemon ended the connection')
            raise Abort(what) from None
        except TimeoutError as e:
            self.check(f'{what}: refused with a failure reply, connection kept (R1)', False, str(e))
            raise Abort(what) from None
        self.check(f'{what}: refused with a failure reply, connection kept (R1)', v != 0,
                   f'reply {v}: applied')
        return v

    def expect_accepted(self, fe, what, request, payload=b'', fds=()):
        """With NEED_REPLY: reply 0."""
        try:
            v = fe.ack(request, payload, fds)
        except (ConnectionEnded, TimeoutError) as e:
            self.check(f'{what}: accepted (reply 0)', False, f'{type(e).__name__}: {e}')
            raise Abort(what) from None
        self.check(f'{what}: accepted (reply 0)', v == 0, f'reply {v}')
        return v

    def expect_ends(self, fe, what, request, payload=b'', fds=(), sock=None):
        """Without NEED_REPLY: the daemon ends the connection and gives everything back."""
        self.refusals += 1
        ended = fe.refused_ends(request, payload, fds)
        self.check(f'{what} without NEED_REPLY: the daemon ends the connection (R1)', ended,
                   'the connection is still up')
        self.disconnect(fe, sock)
        self.refused_counter(what)

    def start(self, sock=None):
        base = self.d.counter('control_refused', sock)
        self.refused_base = base if isinstance(base, int) else None


# ------------------------------------------------------------------ #
# The tests, one per defect class                                     #
# ------------------------------------------------------------------ #

def test_live_vring_num(t):
    """R2: SET_VRING_NUM on a live ring is refused; the ring keeps its size."""
    t.start()
    fe, ring, sid = t.ready()
    t.good_requests(fe, ring, sid, 'ring 0 live')
    # The last one, if wrongly applied, leaves the daemon with half the ring.
    for what, num in (('the same size', ring.size), ('twice the size', ring.size * 2),
                      ('half the size', ring.size // 2)):
        t.expect_refused(fe, f'SET_VRING_NUM {what} on live ring 0', vu.SET_VRING_NUM,
                         STATE.pack(0, num))
    t.refused_counter('after three refusals')
    # Round the ring more than once: a size changed behind our back shows.
    for i in range(4):
        t.good_requests(fe, ring, sid, f'same connection, next requests, round {i + 1}',
                        count=ring.size // 3 - 2)
    t.expect_ends(fe, 'SET_VRING_NUM on live ring 0', vu.SET_VRING_NUM,
                  STATE.pack(0, ring.size // 2))
    fe, ring, sid = t.ready()
    t.good_requests(fe, ring, sid, 'new connection')
    t.disconnect(fe)


def test_live_vring_base(t):
    """R2: SET_VRING_BASE on a live ring (split and packed) is refused."""
    t.start()
    fe, ring, sid = t.ready()
    t.good_requests(fe, ring, sid, 'split ring 0 live', count=5)
    t.expect_refused(fe, 'SET_VRING_BASE 0 on live split ring 0', vu.SET_VRING_BASE,
                     STATE.pack(0, 0))
    t.expect_refused(fe, 'SET_VRING_BASE ahead of the driver on live split ring 0',
                     vu.SET_VRING_BASE, STATE.pack(0, ring.base() + 7))
    t.refused_counter('after two refusals')
    t.good_requests(fe, ring, sid, 'same connection, next requests', count=8)
    t.expect_ends(fe, 'SET_VRING_BASE on live split ring 0', vu.SET_VRING_BASE,
                  STATE.pack(0, 3))
    fe, ring, sid = t.ready(packed=True)
    t.good_requests(fe, ring, sid, 'packed ring 0 live', count=5)
    t.expect_refused(fe, 'SET_VRING_BASE 0 | wrap on live packed ring 0', vu.SET_VRING_BASE,
                     STATE.pack(0, 0x8000))
    t.expect_refused(fe, 'SET_VRING_BASE with the wrap bit flipped on live packed ring 0',
                     vu.SET_VRING_BASE, STATE.pack(0, ring.base() ^ 0x8000))
    t.refused_counter('after two more refusals')
    t.good_requests(fe, ring, sid, 'same connection, next requests', count=8)
    t.disconnect(fe)
    fe, ring, sid = t.ready()
    t.good_requests(fe, ring, sid, 'new connection')
    t.disconnect(fe)


def start_packed_out_of_range(t, fe, ring, base, need_reply):
    """NUM, BASE (index >= size), ADDR, CALL, KICK; the replies of BASE and KICK."""
    fe.apply(vu.SET_VRING_NUM, STATE.pack(0, ring.size))
    replies = {}
    msgs = [('BASE', vu.SET_VRING_BASE, STATE.pack(0, base), ()),
            ('ADDR', vu.SET_VRING_ADDR, fe.vring_addr_payload(0, ring), ()),
            ('CALL', vu.SET_VRING_CALL) + tuple(fe.eventfd_msg(vu.SET_VRING_CALL, 0)),
            ('KICK', vu.SET_VRING_KICK) + tuple(fe.eventfd_msg(vu.SET_VRING_KICK, 0))]
    for name, req, payload, fds in msgs:
        if need_reply:
            replies[name] = fe.ack(req, payload, fds)
        else:
            fe.send(req, payload, fds)
    fe.rings[0] = ring
    return replies


def test_packed_base_out_of_range(t):
    """R4: a packed ring whose base index is >= its size does not go live."""
    t.start()
    fe = t.connect()
    fe.handshake(packed=True)
    fe.mem.add_region(MEM_SIZE)
    fe.set_mem_table()
    # The descriptor ring last in guest memory: an index past its end is
    # past the daemon's mapping.
    ring = PackedRing(fe.mem, 256, at_end=True)
    sid = fe.create_session(KEY)
    t.refusals += 1
    try:
        replies = start_packed_out_of_range(t, fe, ring, ring.size | 0x8000, True)
    except (ConnectionEnded, TimeoutError) as e:
        t.check('packed ring 0 with base index == size: refused with a failure reply (R4)',
                False, f'{type(e).__name__}: {e}')
        raise Abort('packed base') from None
    refused = [n for n, v in replies.items() if v != 0]
    t.check('packed ring 0 with base index == size: exactly one of SET_VRING_BASE and '
            'SET_VRING_KICK refused (R4)', len(refused) == 1 and refused[0] in ('BASE', 'KICK'),
            f'replies {replies}')
    t.check('SET_VRING_ADDR and SET_VRING_CALL accepted meanwhile',
            replies['ADDR'] == 0 and replies['CALL'] == 0, f'replies {replies}')
    t.refused_counter('after the refused start')
    t.check('daemon alive', t.d.alive(), t.d.how_it_ended())
    # Whichever message was refused, the ring is not live; GET_VRING_BASE
    # (harmless then) and the whole start sequence, as QEMU restarts a
    # ring, with a good base, start it now.
    try:
        t.note(f'GET_VRING_BASE of the ring that did not start: {fe.get_vring_base(0):#x}')
        fe.start_ring(0, ring)
    except (ConnectionEnded, TimeoutError, ProtocolError) as e:
        t.check('ring 0 started again from 0 | wrap: every message accepted', False,
                f'{type(e).__name__}: {e}')
        raise Abort('restart') from None
    t.check('ring 0 started again from 0 | wrap: every message accepted', True)
    requests_before = t.d.counter('requests')
    t.good_requests(fe, ring, sid, 'same connection, ring 0 started from 0', count=6)
    t.check('the daemon took exactly those 6 requests (none from past the ring)',
            t.d.counter('requests') == (requests_before or 0) + 6,
            f'{t.d.counter("requests")} after {requests_before}')
    t.disconnect(fe)

    fe = t.connect()
    fe.handshake(packed=True)
    fe.mem.add_region(MEM_SIZE)
    fe.set_mem_table()
    ring = PackedRing(fe.mem, 256, at_end=True)
    t.refusals += 1
    try:
        start_packed_out_of_range(t, fe, ring, 0x7fff | 0x8000, False)
        fe.send(vu.GET_FEATURES)
        fe.reply_to(vu.GET_FEATURES)
        ended = False
    except ConnectionEnded:
        ended = True
    t.check('packed ring 0 with base index 0x7fff, without NEED_REPLY: the daemon ends '
            'the connection (R1, R4)', ended, 'the connection is still up')
    t.disconnect(fe)
    t.refused_counter('after the second refused start')
    fe, ring, sid = t.ready(packed=True)
    t.good_requests(fe, ring, sid, 'new connection, packed')
    t.disconnect(fe)


def test_live_vring_addr(t):
    """R2: SET_VRING_ADDR moving a live ring is refused; the same addresses
    with the log flag changed are accepted."""
    t.start()
    fe, ring, sid = t.ready()
    t.good_requests(fe, ring, sid, 'ring 0 live')
    other = SplitRing(fe.mem, ring.size)
    t.expect_refused(fe, 'SET_VRING_ADDR moving live ring 0 elsewhere', vu.SET_VRING_ADDR,
                     fe.vring_addr_payload(0, other))
    moved_used = vu.ADDR.pack(0, 0, fe.mem.uaddr(ring.desc), fe.mem.uaddr(other.used),
                              fe.mem.uaddr(ring.avail), 0)
    t.expect_refused(fe, 'SET_VRING_ADDR moving only the used ring of live ring 0',
                     vu.SET_VRING_ADDR, moved_used)
    t.refused_counter('after two refusals')
    t.good_requests(fe, ring, sid, 'same connection, the ring where it was', count=8)
    t.expect_accepted(fe, 'SET_VRING_ADDR same addresses, log flag set', vu.SET_VRING_ADDR,
                      fe.vring_addr_payload(0, ring, log=True))
    t.good_requests(fe, ring, sid, 'same connection, after the log flag set', count=4)
    t.expect_accepted(fe, 'SET_VRING_ADDR same addresses, log flag cleared', vu.SET_VRING_ADDR,
                      fe.vring_addr_payload(0, ring))
    t.good_requests(fe, ring, sid, 'same connection, after the log flag cleared', count=4)
    t.refused_counter('accepted messages counted as no refusal')
    t.expect_ends(fe, 'SET_VRING_ADDR moving live ring 0', vu.SET_VRING_ADDR,
                  fe.vring_addr_payload(0, other))
    fe, ring, sid = t.ready()
    t.good_requests(fe, ring, sid, 'new connection')
    t.disconnect(fe)


def test_live_features(t):
    """R3: SET_FEATURES changing any bit but LOG_ALL while a ring is live is
    refused; features never offered are refused at any time."""
    t.start()
    fe, ring, sid = t.ready()
    t.good_requests(fe, ring, sid, 'split ring 0 live')
    f = fe.features
    t.expect_refused(fe, 'SET_FEATURES turning packed on with split ring 0 live',
                     vu.SET_FEATURES, struct.pack('<Q', f | 1 << vu.F_RING_PACKED))
    t.expect_refused(fe, 'SET_FEATURES dropping VERSION_1 with ring 0 live',
                     vu.SET_FEATURES, struct.pack('<Q', f & ~(1 << vu.F_VERSION_1)))
    t.refused_counter('after two refusals')
    t.good_requests(fe, ring, sid, 'same connection, still split', count=8)
    t.expect_accepted(fe, 'SET_FEATURES unchanged with ring 0 live', vu.SET_FEATURES,
                      struct.pack('<Q', f))
    if fe.offered & (1 << vu.F_LOG_ALL):
        t.expect_accepted(fe, 'SET_FEATURES turning LOG_ALL on with ring 0 live',
                          vu.SET_FEATURES, struct.pack('<Q', f | 1 << vu.F_LOG_ALL))
        t.good_requests(fe, ring, sid, 'same connection, LOG_ALL on', count=4)
        t.expect_accepted(fe, 'SET_FEATURES turning LOG_ALL off with ring 0 live',
                          vu.SET_FEATURES, struct.pack('<Q', f))
    else:
        t.note('the daemon does not offer LOG_ALL: turning it on must be refused (never offered)')
        t.expect_refused(fe, 'SET_FEATURES turning LOG_ALL (not offered) on with ring 0 live',
                         vu.SET_FEATURES, struct.pack('<Q', f | 1 << vu.F_LOG_ALL))
    t.good_requests(fe, ring, sid, 'same connection, after LOG_ALL', count=4)
    t.refused_counter('so far')
    t.expect_ends(fe, 'SET_FEATURES turning packed on with ring 0 live', vu.SET_FEATURES,
                  struct.pack('<Q', f | 1 << vu.F_RING_PACKED))

    # Packed, and a feature never offered before any ring is live.
    fe = t.connect()
    fe.handshake(packed=True)
    unoffered = next(b for b in range(40, 64) if not fe.offered & (1 << b))
    t.expect_refused(fe, f'SET_FEATURES with bit {unoffered} (never offered), no ring live',
                     vu.SET_FEATURES, struct.pack('<Q', fe.features | 1 << unoffered))
    fe.mem.add_region(MEM_SIZE)
    fe.set_mem_table()
    ring = fe.start_ring(0, PackedRing(fe.mem, RING_SIZE))
    sid = fe.create_session(KEY)
    t.good_requests(fe, ring, sid, 'packed ring 0 live')
    t.expect_refused(fe, 'SET_FEATURES turning packed off with packed ring 0 live',
                     vu.SET_FEATURES, struct.pack('<Q', fe.features & ~(1 << vu.F_RING_PACKED)))
    t.refused_counter('after the packed refusals')
    t.good_requests(fe, ring, sid, 'same connection, still packed', count=8)
    t.disconnect(fe)
    fe, ring, sid = t.ready()
    t.good_requests(fe, ring, sid, 'new connection')
    t.disconnect(fe)


def test_bad_vring_num(t):
    """R4: SET_VRING_NUM of 0, > 32768 or not a power of two is refused."""
    t.start()
    fe = t.connect()
    fe.handshake()
    fe.mem.add_region(MEM_SIZE)
    fe.set_mem_table()
    for num, why in ((0, '0'), (32769, '32769 (> 32768)'), (65535, '65535'),
                     (100, '100 (not a power of two)'), (3, '3 (not a power of two)')):
        t.expect_refused(fe, f'SET_VRING_NUM {why} on ring 0 (split)', vu.SET_VRING_NUM,
                         STATE.pack(0, num))
    t.refused_counter('after five refusals')
    ring = fe.start_ring(0, SplitRing(fe.mem, RING_SIZE))
    sid = fe.create_session(KEY)
    t.good_requests(fe, ring, sid, 'same connection, ring 0 with a good size', count=8)
    t.disconnect(fe)

    fe = t.connect()
    fe.handshake(packed=True)
    fe.mem.add_region(MEM_SIZE)
    fe.set_mem_table()
    t.expect_refused(fe, 'SET_VRING_NUM 96 (not a power of two) on packed ring 0',
                     vu.SET_VRING_NUM, STATE.pack(0, 96))
    t.expect_refused(fe, 'SET_VRING_NUM 0 on packed ring 0', vu.SET_VRING_NUM, STATE.pack(0, 0))
    t.refused_counter('after the packed refusals')
    ring = fe.start_ring(0, PackedRing(fe.mem, 64))
    sid = fe.create_session(KEY)
    t.good_requests(fe, ring, sid, 'same connection, packed ring 0 with a good size', count=8)
    t.expect_ends(fe, 'SET_VRING_NUM 0 on ring 0', vu.SET_VRING_NUM, STATE.pack(0, 0))
    fe, ring, sid = t.ready()
    t.good_requests(fe, ring, sid, 'new connection')
    t.disconnect(fe)


def test_bad_vring_index(t):
    """R4: a ring index >= data queues + 1 is refused, in every ring message."""
    t.start()
    fe = t.connect()
    fe.handshake()
    fe.mem.add_region(MEM_SIZE)
    fe.set_mem_table()
    nb = fe.nb_rings()
    t.note(f'the daemon has {nb} rings (data queues + control)')
    spare = SplitRing(fe.mem, 64)
    cases = [
        (f'SET_VRING_NUM on ring {nb}', vu.SET_VRING_NUM, STATE.pack(nb, 64), ()),
        (f'SET_VRING_BASE on ring {nb}', vu.SET_VRING_BASE, STATE.pack(nb, 0), ()),
        (f'SET_VRING_ADDR on ring {nb}', vu.SET_VRING_ADDR, fe.vring_addr_payload(nb, spare), ()),
        (f'SET_VRING_CALL on ring {nb}', vu.SET_VRING_CALL) +
        tuple(fe.eventfd_msg(vu.SET_VRING_CALL, nb)),
        (f'SET_VRING_KICK on ring {nb}', vu.SET_VRING_KICK) +
        tuple(fe.eventfd_msg(vu.SET_VRING_KICK, nb)),
        ('SET_VRING_KICK on ring 255', vu.SET_VRING_KICK) +
        tuple(fe.eventfd_msg(vu.SET_VRING_KICK, 255)),
        (f'SET_VRING_ENABLE on ring {nb}', vu.SET_VRING_ENABLE, STATE.pack(nb, 1), ()),
        # librte_vhost's own limit is 256 rings: past it, too.
        ('SET_VRING_NUM on ring 256', vu.SET_VRING_NUM, STATE.pack(256, 64), ()),
        ('SET_VRING_BASE on ring 0xffffffff', vu.SET_VRING_BASE, STATE.pack(0xffffffff, 0), ()),
    ]
    for what, req, payload, fds in cases:
        t.expect_refused(fe, what, req, payload, fds)
    t.refused_counter(f'after {len(cases)} refusals')
    t.expect_accepted(fe, f'SET_VRING_NUM on ring {nb - 1} (the control queue)',
                      vu.SET_VRING_NUM, STATE.pack(nb - 1, 64))
    ring = fe.start_ring(0, SplitRing(fe.mem, RING_SIZE))
    sid = fe.create_session(KEY)
    t.good_requests(fe, ring, sid, 'same connection, ring 0', count=8)
    t.refused_counter('no refusal for the good ones')
    t.expect_ends(fe, f'SET_VRING_KICK on ring {nb}', vu.SET_VRING_KICK,
                  *fe.eventfd_msg(vu.SET_VRING_KICK, nb))
    fe, ring, sid = t.ready()
    t.good_requests(fe, ring, sid, 'new connection')
    t.disconnect(fe)


def test_mem_hotplug_in_flight(t):
    """R5: a new memory table (a second region) while 64+ requests are in
    flight, with no GET_VRING_BASE first, as QEMU sends on memory hotplug."""
    t.start()
    fe, ring, sid = t.ready(ring_size=256, mem_size=16 << 20)
    t.good_requests(fe, ring, sid, 'ring 0 live')
    old = fe.mem.regions[0]
    # The new region first in the table, as large as the old one: where the
    # old mapping was, the daemon likely maps the new region, so a request
    # completed through the old mapping lands in the wrong memory.
    new = Region(old.gpa + (1 << 30), old.size, 'vc-guest-hotplug')
    n, size = 80, 32 << 10
    reqs = [CipherRequest(fe.mem, ring, sid, KEY, payload_bytes(16), payload_bytes(size),
                          publish=False) for _ in range(n)]
    payload = vu.mem_table_payload([new.entry(), old.entry()])
    ring.publish()
    fe.send(vu.SET_MEM_TABLE, payload, [new.fd, old.fd], need_reply=True)
    ring.poll_used()
    done_before = sum(r.written is not None for r in reqs)
    try:
        v = fe.reply_to(vu.SET_MEM_TABLE).u64()
    except (ConnectionEnded, TimeoutError) as e:
        t.check('SET_MEM_TABLE with requests in flight: accepted (R5)', False,
                f'{type(e).__name__}: {e}')
        raise Abort('hotplug') from None
    fe.mem.regions.insert(0, new)
    t.check('SET_MEM_TABLE adding a region, requests in flight, no GET_VRING_BASE: '
            'accepted (R5)', v == 0, f'reply {v}')
    # Else this run did not test R5 at all (2.5 MiB of AES-CBC take milliseconds).
    t.check(f'requests in flight when SET_MEM_TABLE was sent ({n - done_before} of {n})',
            done_before < n)
    res = fe.wait_done(ring, reqs)
    bad = [w for _, g, w in res if not g]
    t.check(f'every one of the {n} requests in flight completed with the right ciphertext',
            not bad, f'{len(bad)} wrong: {bad[:3]}')
    t.check('daemon alive', t.d.alive(), t.d.how_it_ended())
    # Completed into the mapping each request was taken from: nothing in the
    # new region, which no request has used yet.
    contents = new.buf[:]
    stray = len(contents) - contents.count(0)
    t.check('the new region untouched by the requests in flight', stray == 0,
            f'{stray} bytes written there')
    t.good_requests(fe, ring, sid, 'same connection, buffers in the old region', count=8,
                    region=old)
    t.good_requests(fe, ring, sid, 'same connection, buffers in the new region', count=8,
                    region=new)
    t.refused_counter('no refusal')
    t.disconnect(fe)
    fe, ring, sid = t.ready()
    t.good_requests(fe, ring, sid, 'new connection')
    t.disconnect(fe)


def test_malformed_mem_table(t):
    """R5: a memory table whose regions are malformed is refused (R1); the
    table before it stays in force."""
    t.start()
    fe, ring, sid = t.ready()
    t.good_requests(fe, ring, sid, 'ring 0 live')
    a = fe.mem.regions[0]
    extra = [Region(a.gpa + (i + 1) * (1 << 30), 1 << 20, 'vc-guest-extra') for i in range(9)]
    b = extra[0]

    def entry(gpa, size, uaddr, off=0):
        return vu.REGION.pack(gpa, size, uaddr, off)

    tables = [
        ('0 regions', vu.mem_table_payload([]), []),
        ('9 regions (> 8)', vu.mem_table_payload([r.entry() for r in extra]),
         [r.fd for r in extra]),
        ('a region of size 0', vu.mem_table_payload([a.entry(), entry(b.gpa, 0, b.uaddr)]),
         [a.fd, b.fd]),
        ('guest addresses that overflow', vu.mem_table_payload(
            [a.entry(), entry(2**64 - (1 << 19), 1 << 20, b.uaddr)]), [a.fd, b.fd]),
        ('frontend addresses that overflow', vu.mem_table_payload(
            [a.entry(), entry(b.gpa, 1 << 20, 2**64 - (1 << 19))]), [a.fd, b.fd]),
        ('guest ranges that overlap', vu.mem_table_payload(
            [a.entry(), entry(a.gpa + a.size // 2, 1 << 20, b.uaddr)]), [a.fd, b.fd]),
        ('2 regions, 1 fd', vu.mem_table_payload([a.entry(), b.entry()]), [a.fd]),
        ('1 region, 2 fds', vu.mem_table_payload([a.entry()]), [a.fd, b.fd]),
    ]
    for what, payload, fds in tables:
        t.expect_refused(fe, f'SET_MEM_TABLE with {what}', vu.SET_MEM_TABLE, payload, fds)
    t.refused_counter(f'after {len(tables)} refusals')
    t.check('daemon alive', t.d.alive(), t.d.how_it_ended())
    t.good_requests(fe, ring, sid, 'same connection, the old table in force', count=8)
    t.expect_ends(fe, 'SET_MEM_TABLE with 0 regions', vu.SET_MEM_TABLE, vu.mem_table_payload([]))
    for r in extra:
        r.close()
    fe, ring, sid = t.ready()
    t.good_requests(fe, ring, sid, 'new connection')
    t.disconnect(fe)


def test_session_msgs_interleaved(t):
    """R6: session create/close pipelined with SET_MEM_TABLE and ring
    messages under traffic are answered in order; a close completes the
    session's requests in flight first."""
    t.start()
    fe, ring, sid1 = t.ready(ring_size=256, mem_size=16 << 20)
    t.good_requests(fe, ring, sid1, 'ring 0 live, session 1')
    a = fe.mem.regions[0]
    c = Region(a.gpa + (1 << 30), 4 << 20, 'vc-guest-more')
    n, size = 60, 48 << 10
    reqs = [CipherRequest(fe.mem, ring, sid1, KEY, payload_bytes(16), payload_bytes(size),
                          publish=False) for _ in range(n)]
    table = vu.mem_table_payload([a.entry(), c.entry()])
    call_payload, call_fds = fe.eventfd_msg(vu.SET_VRING_CALL, 0)
    # Pipelined: no reply awaited in between. One send per run of messages
    # that starts with one carrying fds (they ride with its first byte).
    sends = [
        (vu.msg_bytes(vu.CREATE_CRYPTO_SESSION, vu.session_payload_v71(KEY2)), []),
        (vu.msg_bytes(vu.SET_MEM_TABLE, table, need_reply=True) +
         vu.msg_bytes(vu.CREATE_CRYPTO_SESSION, vu.session_payload_v71(KEY3)) +
         vu.msg_bytes(vu.SET_VRING_ADDR, fe.vring_addr_payload(0, ring), need_reply=True) +
         vu.msg_bytes(vu.CLOSE_CRYPTO_SESSION, struct.pack('<Q', sid1), need_reply=True),
         [a.fd, c.fd]),
        (vu.msg_bytes(vu.SET_VRING_CALL, call_payload, need_reply=True) +
         vu.msg_bytes(vu.GET_FEATURES), call_fds),
    ]
    # Both creates before the close: session 1's id is not reused by them.
    expect = [vu.CREATE_CRYPTO_SESSION, vu.SET_MEM_TABLE, vu.CREATE_CRYPTO_SESSION,
              vu.SET_VRING_ADDR, vu.CLOSE_CRYPTO_SESSION, vu.SET_VRING_CALL, vu.GET_FEATURES]
    ring.publish()
    for data, fds in sends:
        fe.send_raw(data, fds)
    got = []
    try:
        for _ in expect:
            got.append(fe.recv())
    except (ConnectionEnded, TimeoutError) as e:
        t.check('every pipelined message answered', False,
                f'{len(got)} of {len(expect)} replies, then {type(e).__name__}: {e}')
        raise Abort('pipelined') from None
    names = [vu.MSG_NAMES.get(m.request, m.request) for m in got]
    t.check('replies in the order the messages were sent (R6)',
            [m.request for m in got] == expect, ' '.join(names))
    fe.mem.regions.append(c)
    by_req = {}
    for m in got:
        by_req.setdefault(m.request, []).append(m)
    sids = [struct.unpack_from('<q', m.payload)[0] for m in by_req.get(vu.CREATE_CRYPTO_SESSION, [])]
    acks = {vu.MSG_NAMES[r]: by_req[r][0].u64() for r in (vu.SET_MEM_TABLE, vu.CLOSE_CRYPTO_SESSION,
                                                          vu.SET_VRING_ADDR, vu.SET_VRING_CALL)
            if r in by_req and len(by_req[r][0].payload) == 8}
    t.check('both sessions created', len(sids) == 2 and all(s >= 0 for s in sids), str(sids))
    t.check('SET_MEM_TABLE, CLOSE, SET_VRING_ADDR (same), SET_VRING_CALL: all accepted',
            len(acks) == 4 and not any(acks.values()), str(acks))
    res = fe.wait_done(ring, reqs)
    # Taken before the close: completed; not yet taken: INVSESS. Nothing else.
    outcome = {}
    for r, good, what in res:
        st = r.status()
        key = 'ok' if good else ('invsess' if st == vu.STATUS_INVSESS and r.written is not None
                                 else what)
        outcome[key] = outcome.get(key, 0) + 1
    t.note(f'session 1 requests around its close: {outcome}')
    t.check(f'each of the {n} session-1 requests: right ciphertext, or INVSESS after the close',
            set(outcome) <= {'ok', 'invsess'}, str(outcome))
    t.check('daemon alive', t.d.alive(), t.d.how_it_ended())
    if len(sids) == 2:
        t.good_requests(fe, ring, sids[0], 'same connection, session 2', count=4, key=KEY2)
        t.good_requests(fe, ring, sids[1], 'same connection, session 3, buffers in the new region',
                        count=4, key=KEY3, region=c)
    late = CipherRequest(fe.mem, ring, sid1, KEY, payload_bytes(16), payload_bytes(64))
    fe.wait_used(ring, [late])
    t.check('a request on the closed session 1: INVSESS', late.status() == vu.STATUS_INVSESS
            and sid1 not in sids, f'status {vu.STATUS_NAMES.get(late.status(), late.status())}, '
            f'session 1 id {sid1}, new ids {sids}')
    t.refused_counter('no refusal')
    t.disconnect(fe)
    fe, ring, sid = t.ready()
    t.good_requests(fe, ring, sid, 'new connection')
    t.disconnect(fe)


def test_session_key_wiped(t):
    """Session keys in relay buffers are wiped after use: once its session
    is closed, a key is nowhere in the daemon's memory."""
    t.start()
    key = os.urandom(16)
    fe, ring, sid = t.ready(key=key)
    t.good_requests(fe, ring, sid, 'a session with a fresh random key', key=key)
    t.expect_accepted(fe, 'CLOSE_CRYPTO_SESSION', vu.CLOSE_CRYPTO_SESSION, struct.pack('<Q', sid))
    hits = t.d.memory_holds(key)
    t.check('session closed, connection up: the key is nowhere in the daemon\'s memory',
            not hits, ', '.join(f'{a:#x} in {n}' for a, n in hits))
    t.disconnect(fe)
    hits = t.d.memory_holds(key)
    t.check('frontend gone: the key is nowhere in the daemon\'s memory', not hits,
            ', '.join(f'{a:#x} in {n}' for a, n in hits))
    t.refused_counter('no refusal')


def test_stalled_frontend(t):
    """R7: frontends stopped mid-header and mid-payload are dropped after
    5 s; the daemon serves other sockets meanwhile, the next frontend, and
    stops promptly on SIGINT with a frontend stalled."""
    head_sock, body_sock, other_sock = t.d.sockets
    stalled_head = t.connect(head_sock)
    stalled_head.send_raw(vu.msg_bytes(vu.GET_FEATURES)[:5])
    t0 = time.monotonic()
    stalled_body = t.connect(body_sock)
    stalled_body.send_raw(vu.msg_bytes(vu.SET_FEATURES, struct.pack('<Q', 1 << vu.F_VERSION_1))[:15])
    t.note('one frontend stopped 5 bytes into a header, one 3 bytes into an 8-byte payload')
    fe, ring, sid = t.ready(other_sock)
    t.good_requests(fe, ring, sid, 'another socket, meanwhile')
    for what, stalled, sock in (('mid-header', stalled_head, head_sock),
                                ('mid-payload', stalled_body, body_sock)):
        ended = stalled.ended(STALL_DROP_S + STALL_MARGIN_S - (time.monotonic() - t0))
        after = time.monotonic() - t0
        t.check(f'frontend stopped {what}: dropped after {STALL_DROP_S:.0f} s (R7)',
                ended and after >= STALL_DROP_S - 1.0,
                f'{"dropped" if ended else "still connected"} after {after:.1f} s')
        stalled.close()
        t.check(f'{what}: daemon alive', t.d.alive(), t.d.how_it_ended())
        # At once, as a frontend reconnecting does: it waits its turn.
        try:
            fe2, ring2, sid2 = t.ready(sock)
            t.good_requests(fe2, ring2, sid2, f'{what}: the next frontend on that socket')
            t.disconnect(fe2, sock)
        except Abort:
            pass
    t.good_requests(fe, ring, sid, 'the other socket, still')
    t.disconnect(fe, other_sock)
    t.check('daemon alive', t.d.alive(), t.d.how_it_ended())
    stalled = t.connect(head_sock)
    stalled.send_raw(vu.msg_bytes(vu.SET_FEATURES, struct.pack('<Q', 0))[:7])
    # The daemon has read the partial header once its counters show it connected.
    t.d.wait_stats(lambda s: s['connected'], head_sock)
    rc, took = t.d.stop(SIGINT_PROMPT_S)
    t.stopped_by_test = True
    t.check(f'SIGINT with a frontend stalled mid-header: the daemon stops within '
            f'{SIGINT_PROMPT_S:.0f} s, exit code 0 (R7)', rc == 0,
            f'exit code {rc} after {took:.1f} s')


def test_reconnect_at_once(t):
    """R7: the next frontend, connecting the moment the previous one left
    (with sessions, rings and requests), is served.

    A frontend that reconnects (QEMU's reconnect=, our PMD) does not wait
    for the daemon to finish with the old connection: the new one must wait
    its turn, not be turned away.
    """
    t.start()
    rounds = 20
    served = 0
    for i in range(rounds):
        try:
            fe, ring, sid = t.ready(packed=bool(i % 2))
            served += t.good_requests(fe, ring, sid, f'round {i + 1}, connected at once',
                                      count=2, abort=False)
        except Abort:
            pass
        for fe in t.frontends:
            fe.close()
        t.frontends = []
    t.check(f'all {rounds} frontends, each connecting as the previous one left, served',
            served == rounds, f'{served} served')
    tel = t.d.wait_given_back()
    t.check('the last one gone: every session, op and mbuf given back (R8)',
            all_given_back(tel), str(tel))
    t.refused_counter('no refusal')


def test_sixteen_sockets(t):
    """The daemon serves as many sockets as it takes (16), at once.

    Every socket needs a queue pair of the crypto device and of the
    fallback; virtual crypto drivers have 8 unless told otherwise, which
    made "up to 16" 8 in practice.
    """
    conns = []
    for i, sock in enumerate(t.d.sockets):
        conns.append((sock, *t.ready(sock, packed=bool(i % 2))))
    t.check(f'{len(conns)} frontends connected at once, each with a session',
            len(conns) == 16)
    for i, (sock, fe, ring, sid) in enumerate(conns):
        t.good_requests(fe, ring, sid, f'socket {i + 1} of {len(conns)}', count=2)
    for sock, fe, _, _ in conns:
        t.disconnect(fe, sock)
    t.frontends = []


def stop_start(t, packed):
    """GET_VRING_BASE stops the ring after completing what is in flight and
    reports the position; SET_VRING_NUM/BASE then restart it from there."""
    t.start()
    fe, ring, sid = t.ready(packed=packed, ring_size=64)
    kind = 'packed' if packed else 'split'
    # Past the end of the ring at least once: the wrap counter changes.
    for i in range(3):
        t.good_requests(fe, ring, sid, f'{kind} ring 0, round {i + 1}', count=10)
    # Made available just before the stop. The device may have taken some
    # (those are in flight: completed before the reply) or none yet (those
    # stay available, for the restart): it takes them in order, so what
    # completed is a prefix, and the position it reports is where the rest
    # start. Which of the two happens is a race this test must not depend on.
    positions, reqs = [], []
    for _ in range(12):
        positions.append(ring.base())
        reqs.append(CipherRequest(fe.mem, ring, sid, KEY, payload_bytes(16),
                                  payload_bytes(4096)))
    positions.append(ring.base())
    try:
        base = fe.get_vring_base(0)
    except (ConnectionEnded, TimeoutError, ProtocolError) as e:
        t.check('GET_VRING_BASE answered', False, f'{type(e).__name__}: {e}')
        raise Abort('get_vring_base') from None
    missing = fe.wait_used(ring, reqs, timeout=0)
    taken = len(reqs) - len(missing)
    t.check('GET_VRING_BASE: the requests taken were completed before the reply (R2), '
            'in order', all(r in missing for r in reqs[taken:]),
            f'completed: {[i for i, r in enumerate(reqs) if r not in missing]}')
    t.check(f'GET_VRING_BASE reports the position after the {taken} taken '
            f'{positions[taken]:#x} (R2' + (', wrap counter in bit 15)' if packed else ')'),
            base == positions[taken], f'{base:#x}')
    # Stopped: a request put on the ring now waits for the restart.
    waiting = CipherRequest(fe.mem, ring, sid, KEY, payload_bytes(16), payload_bytes(512))
    t.expect_accepted(fe, 'SET_VRING_NUM on the stopped ring', vu.SET_VRING_NUM,
                      STATE.pack(0, ring.size))
    t.expect_accepted(fe, f'SET_VRING_BASE {base:#x} on the stopped ring', vu.SET_VRING_BASE,
                      STATE.pack(0, base))
    t.expect_accepted(fe, 'SET_VRING_ADDR on the stopped ring', vu.SET_VRING_ADDR,
                      fe.vring_addr_payload(0, ring))
    t.expect_accepted(fe, 'SET_VRING_CALL on the stopped ring', vu.SET_VRING_CALL,
                      *fe.eventfd_msg(vu.SET_VRING_CALL, 0))
    t.expect_accepted(fe, 'SET_VRING_KICK restarts it', vu.SET_VRING_KICK,
                      *fe.eventfd_msg(vu.SET_VRING_KICK, 0))
    res = fe.wait_done(ring, reqs)
    bad = [w for _, g, w in res if not g]
    t.check(f'the 12 requests of the stop answered correctly ({taken} before it, '
            f'{len(reqs) - taken} after the restart)', not bad, str(bad[:3]))
    for r in reqs:
        r.release()
    res = fe.wait_done(ring, [waiting])
    t.check('the request put on the stopped ring is answered after the restart',
            res[0][1], res[0][2])
    for i in range(3):
        t.good_requests(fe, ring, sid, f'{kind} ring 0 after the restart, round {i + 1}',
                        count=10)
    t.refused_counter('no refusal')
    t.disconnect(fe)


def test_stop_start_split(t):
    """Positive control: a normal stop and start of a split ring."""
    stop_start(t, packed=False)


def test_stop_start_packed(t):
    """Positive control: a normal stop and start of a packed ring."""
    stop_start(t, packed=True)


TESTS = {name[len('test_'):]: fn for name, fn in sorted(globals().items())
         if name.startswith('test_') and callable(fn)}
SOCKETS = {'stalled_frontend': 3, 'sixteen_sockets': 16}


def summary(fn):
    """A test's docstring, first paragraph, on one line."""
    return ' '.join(fn.__doc__.split('\n\n')[0].split())


def run_body(t, name, fn):
    """Run test fn on t: a failed requirement ends it, so does a broken connection."""
    print(f'--- {name}: {summary(fn)}')
    try:
        fn(t)
    except Abort as e:
        t.note(f'stopped after a failed check: {e}')
    except (ConnectionEnded, TimeoutError, ProtocolError, OSError) as e:
        t.check('the test ran to its end', False, f'{type(e).__name__}: {e}')
        traceback.print_exc(file=sys.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--daemon', help='the vhost-crypto binary')
    ap.add_argument('--list', action='store_true', help='the tests, one a line')
    ap.add_argument('test', nargs='?', choices=sorted(TESTS))
    a = ap.parse_args()
    if a.list:
        print('\n'.join(f'{n}: {summary(TESTS[n])}' for n in sorted(TESTS)))
        return 0
    if not a.daemon or not a.test:
        ap.error('--daemon and a test are required')

    start = time.monotonic()
    d = Daemon(a.daemon, a.test, nb_sockets=SOCKETS.get(a.test, 1), timeout=TIMEOUT)
    t = Test(d)
    try:
        t.require('daemon listening, counters readable', d.wait_ready(), d.how_it_ended())
        run_body(t, a.test, TESTS[a.test])
        if not t.stopped_by_test:
            t.require('daemon survived the test (a)', d.alive(), d.how_it_ended())
            for fe in t.frontends:
                fe.close()
            for s in d.sockets:
                tel = d.wait_given_back(s)
                t.check('finally: everything given back (R8)', all_given_back(tel), str(tel))
            rc, took = d.stop()
            t.check('daemon stops cleanly on SIGINT', rc == 0,
                    f'exit code {rc} after {took:.1f} s')
    except Abort:
        pass
    finally:
        for fe in t.frontends:
            fe.close()
        log = d.log_text()
        d.cleanup()
        lines = log.splitlines()
        refusals = [ln for ln in lines if 'refus' in ln.lower()]
        if refusals:
            print('--- daemon log, refusals')
            print('\n'.join(refusals[-30:]))
        if not all(t.results):
            asan = [i for i, ln in enumerate(lines) if 'ERROR: AddressSanitizer' in ln]
            if asan:
                print('--- daemon log, AddressSanitizer')
                print('\n'.join(lines[asan[0]:asan[0] + 60]))
            print('--- daemon log (last lines, VHOST_CONFIG chatter left out)')
            print('\n'.join([ln for ln in lines if 'VHOST_CONFIG' not in ln][-25:]))
        print(f'checks: {t.results.count(True)} passed, {t.results.count(False)} failed '
              f'({time.monotonic() - start:.1f} s)')
    return 0 if t.results and all(t.results) else 1


if __name__ == '__main__':
    sys.exit(main())
