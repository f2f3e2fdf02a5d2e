# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-virtio-crypto authors
"""What DPDK's ipsec-secgw is given and what it must give back, checked with scapy.

Shared by the host test (live on net_tap interfaces) and the guest test
(frames written to files in the guest, checked here afterwards). Nothing
here knows DPDK: the ESP answers are checked by scapy's own ESP code
(scapy.layers.ipsec), which is independent of DPDK and of our PMD.

Layout: port 0 is the protected side (plain traffic), port 1 the
unprotected one (ESP), so ipsec-secgw runs with -p 0x3 -u 0x2.

  outbound  plain IPv4/UDP in on port 0, to 192.168.20.0/24 (SA 'cbc') or
            192.168.21.0/24 (SA 'gcm') -> ESP tunnel 172.16.1.1 -> 172.16.2.x
            out on port 1, SPI 5 or 6, sequence numbers 1, 2, ...
  inbound   ESP in on port 1, SPI 105 or 106 (tunnel 172.16.2.x -> 172.16.1.1),
            inner packet to 192.168.10.0/24 or 192.168.11.0/24 -> the inner
            packet out on port 0; tampered ESP (a flipped byte in the
            ciphertext or in the ICV) must not come out at all.
"""

import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from scapy.layers.inet import IP, UDP
from scapy.layers.ipsec import ESP, SecurityAssociation, IPSecIntegrityError
from scapy.layers.l2 import Ether

PORT_PLAIN = 0
PORT_ESP = 1
# What ipsec-secgw puts as destination MAC (its neigh lines): not the kernel
# interface's own address, so that the kernel never takes these frames.
NEIGH_MAC = {PORT_PLAIN: '02:00:5e:00:17:00', PORT_ESP: '02:00:5e:00:17:01'}
# Any source MAC will do for what we inject (ipsec-secgw runs promiscuous).
INJECT_SRC = '02:00:5e:00:17:fe'
LOCAL_GW = '172.16.1.1'
TAG = b'sgw17'          # starts every UDP payload we send: our traffic

# The SAs, by name. Keys are arbitrary test values; the GCM key in
# ipsec-secgw's syntax carries the 4-byte salt at its end, as RFC 4106's
# keying material does, and as scapy's AES-GCM key does too.
SAS = {
    'cbc': dict(out_spi=5, in_spi=105, remote_gw='172.16.2.1',
                remote_net='192.168.20', local_net='192.168.10',
                cipher_key=bytes(range(0x10, 0x20)),
                auth_key=bytes(range(0x40, 0x54)),
                crypt_algo='AES-CBC', auth_algo='HMAC-SHA1-96', block=16, icv=12),
    'gcm': dict(out_spi=6, in_spi=106, remote_gw='172.16.2.2',
                remote_net='192.168.21', local_net='192.168.11',
                cipher_key=bytes(range(0x60, 0x74)),      # 16 key + 4 salt
                auth_key=None,
                crypt_algo='AES-GCM', auth_algo='NULL', block=4, icv=16),
}


def _hex(b):
    return ':'.join(f'{x:02x}' for x in b)


def secgw_config(names):
    """ipsec-secgw's -f file for these SAs."""
    lines = []
    for n in names:
        s = SAS[n]
        if n == 'gcm':
            algo = f'aead_algo aes-128-gcm aead_key {_hex(s["cipher_key"])}'
        else:
            algo = (f'cipher_algo aes-128-cbc cipher_key {_hex(s["cipher_key"])} '
                    f'auth_algo sha1-hmac auth_key {_hex(s["auth_key"])}')
        lines += [
            f'sp ipv4 out esp protect {s["out_spi"]} pri 1 dst {s["remote_net"]}.0/24 '
            'sport 0:65535 dport 0:65535',
            f'sp ipv4 in esp protect {s["in_spi"]} pri 1 dst {s["local_net"]}.0/24 '
            'sport 0:65535 dport 0:65535',
            f'sa out {s["out_spi"]} {algo} mode ipv4-tunnel src {LOCAL_GW} dst {s["remote_gw"]}',
            f'sa in {s["in_spi"]} {algo} mode ipv4-tunnel src {s["remote_gw"]} dst {LOCAL_GW}',
            f'rt ipv4 dst {s["remote_gw"]}/32 port {PORT_ESP}',
            f'rt ipv4 dst {s["local_net"]}.0/24 port {PORT_PLAIN}',
        ]
    for port, mac in NEIGH_MAC.items():
        lines.append(f'neigh port {port} {mac}')
    return '\n'.join(lines) + '\n'


def scapy_sa(name, direction):
    """scapy's view of one of ipsec-secgw's SAs."""
    s = SAS[name]
    if direction == 'out':
        spi, hdr = s['out_spi'], IP(src=LOCAL_GW, dst=s['remote_gw'])
    else:
        spi, hdr = s['in_spi'], IP(src=s['remote_gw'], dst=LOCAL_GW)
    return SecurityAssociation(ESP, spi=spi, crypt_algo=s['crypt_algo'],
                               crypt_key=s['cipher_key'], auth_algo=s['auth_algo'],
                               auth_key=s['auth_key'], tunnel_header=hdr)


def inner_packet(name, direction, i, kind='good'):
    """The i-th plain packet of a case; sizes vary so that every pad length shows up."""
    s = SAS[name]
    if direction == 'out':
        src, dst = f'{s["local_net"]}.{1 + i % 7}', f'{s["remote_net"]}.{2 + i % 5}'
    else:
        src, dst = f'{s["remote_net"]}.{2 + i % 5}', f'{s["local_net"]}.{1 + i % 7}'
    head = TAG + f' {name} {direction} {kind} {i:03d} '.encode()
    body = bytes((i * 7 + k) & 0xff for k in range((i * 13) % 53))
    return IP(src=src, dst=dst, id=0x1700 + i, ttl=64 - i % 3, tos=(i % 4) << 2) / \
        UDP(sport=1000 + i, dport=2000 + i) / (head + body)


def expected_inner(pkt, legacy):
    """The inner packet as ipsec-secgw hands it on: its legacy path decrements
    the inner TTL once, at tunnel entry and at tunnel exit (its ipip.h says so:
    "This should be done by the forwarding engine"); librte_ipsec leaves it."""
    p = IP(bytes(pkt))
    if legacy:
        p.ttl -= 1
        del p.chksum
    return bytes(IP(bytes(p)))


def flip(frame_ip, where, sa):
    """Flip one byte of an ESP packet: in its ciphertext or in its ICV."""
    b = bytearray(frame_ip)
    if where == 'icv':
        b[-1 - 3] ^= 0x01
    else:                       # well inside the encrypted part, after the IV
        b[20 + 8 + (16 if sa == 'cbc' else 8) + 5] ^= 0x80
    return bytes(b)


class Plan:
    """The frames to inject, per port in order, and what must come out."""

    def __init__(self, names, legacy, n_out, n_in, refused=()):
        """refused: SAs the crypto device cannot carry, whose traffic must
        not come out at all; injected first, so that once the others' last
        frame is out they were dealt with."""
        self.names = names
        self.refused = set(refused)
        self.legacy = legacy
        self.inject = {PORT_PLAIN: [], PORT_ESP: []}
        self.want_out = {}      # (sa, seq) -> expected inner bytes (outbound)
        self.want_in = {}       # tag -> expected inner bytes (inbound)
        self.tampered = {}      # tag -> what was flipped
        for n in sorted(names, key=lambda x: x not in self.refused):
            for i in range(n_out):
                p = inner_packet(n, 'out', i)
                self.inject[PORT_PLAIN].append(bytes(
                    Ether(src=INJECT_SRC, dst='ff:ff:ff:ff:ff:ff') / IP(bytes(p))))
                self.want_out[(n, i + 1)] = expected_inner(p, legacy)
            sa = scapy_sa(n, 'in')
            seq = 0
            # Good and tampered packets interleaved, a good one last: once
            # that one is out, everything before it has been through.
            for i in range(n_in):
                for kind in (['good'] if i == n_in - 1 else ['good', 'ct', 'icv']):
                    seq += 1
                    p = inner_packet(n, 'in', i, kind)
                    esp = bytes(sa.encrypt(IP(bytes(p)), seq_num=seq))
                    if kind == 'good':
                        self.want_in[_tag(bytes(p))] = expected_inner(p, legacy)
                    else:
                        esp = flip(esp, kind, n)
                        self.tampered[_tag(bytes(p))] = kind
                    self.inject[PORT_ESP].append(bytes(
                        Ether(src=INJECT_SRC, dst='ff:ff:ff:ff:ff:ff') / IP(esp)))

    def expected_count(self):
        """Frames that must come out."""
        return (sum(1 for k in self.want_out if k[0] not in self.refused) +
                sum(1 for t in self.want_in if t.split()[1].decode() not in self.refused))

    def write_inputs(self, port, path):
        """The frames for a port as records: 2-byte big-endian length, frame (secgw_pktio)."""
        with open(path, 'wb') as f:
            for fr in self.inject[port]:
                f.write(struct.pack('!H', len(fr)) + fr)


def esp_trailer(name, ip):
    """The decrypted ESP payload's padding, pad length and next header, by
    python3-cryptography (scapy 2.5 decrypts right but reports the padding
    wrong: it slices it from the already shortened data)."""
    s = SAS[name]
    esp = ip[20:]
    if name == 'gcm':
        key, salt = s['cipher_key'][:-4], s['cipher_key'][-4:]
        pt = AESGCM(key).decrypt(salt + esp[8:16], esp[16:], esp[:8])
    else:
        ct = esp[8:-s['icv']]
        d = Cipher(algorithms.AES(s['cipher_key']), modes.CBC(ct[:16])).decryptor()
        pt = d.update(ct[16:]) + d.finalize()
    padlen, nh = pt[-2], pt[-1]
    return pt[len(pt) - 2 - padlen:-2], padlen, nh


def _tag(ip_bytes):
    """Our payload's identifying text, from an inner IPv4/UDP packet (or None)."""
    ihl = (ip_bytes[0] & 0x0f) * 4
    pl = ip_bytes[ihl + 8:]
    if not pl.startswith(TAG + b' '):
        return None
    return b' '.join(pl.split(b' ', 5)[:5])   # TAG name direction kind index


def _ip_checksum_ok(hdr):
    s = sum(struct.unpack(f'!{len(hdr) // 2}H', hdr))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s == 0xffff


class Verdict:
    """Every frame that came out, judged. counts[key] = [in, out, right, wrong].

    Every frame the kernel interfaces receive is one ipsec-secgw sent (the
    kernel itself only sends on them, and what it sends is not received
    there), so a frame that is not one of the expected ones is wrong:
    a tampered packet that came out mangled, a duplicate, anything else."""

    UNEXPECTED = 'unexpected frames'

    def __init__(self, plan):
        self.plan = plan
        self.problems = []
        self.counts = {}
        self.seen_out = set()
        self.seen_in = set()
        for n in plan.names:
            def of(tags):
                return sum(1 for t in tags if t.split()[1].decode() == n)
            self.counts[f'{n} outbound'] = [sum(1 for k in plan.want_out if k[0] == n), 0, 0, 0]
            self.counts[f'{n} inbound'] = [of(plan.want_in), 0, 0, 0]
            self.counts[f'{n} inbound tampered'] = [of(plan.tampered), 0, 0, 0]
        self.counts[self.UNEXPECTED] = [0, 0, 0, 0]

    def _bad(self, key, why):
        self.counts[key][3] += 1
        self.problems.append(f'{key}: {why}')

    def _unexpected(self, port, frame, why):
        self.counts[self.UNEXPECTED][1] += 1
        self._bad(self.UNEXPECTED, f'port {port}: {why}: {frame[:80].hex()}')

    def frame(self, port, frame):
        """Judge one frame ipsec-secgw sent out of a port."""
        if len(frame) < 34 or frame[12:14] != b'\x08\x00':
            return self._unexpected(port, frame, 'not IPv4')
        ip = frame[14:]
        tot = struct.unpack('!H', ip[2:4])[0]
        ip = ip[:tot]               # short frames may carry Ethernet padding
        if port == PORT_ESP and ip[9] == 50:
            return self._esp_out(port, frame, ip)
        tag = _tag(ip) if ip[9] == 17 and port == PORT_PLAIN else None
        if tag is None:
            return self._unexpected(port, frame, 'not one of ours')
        if tag in self.plan.tampered:
            key = f'{tag.split()[1].decode()} inbound tampered'
            self.counts[key][1] += 1
            return self._bad(key, f'a tampered packet ({self.plan.tampered[tag]}) came out: '
                             f'{tag}')
        if tag not in self.plan.want_in:
            return self._unexpected(port, frame, f'tag {tag} not expected')
        key = f'{tag.split()[1].decode()} inbound'
        self.counts[key][1] += 1
        if tag in self.seen_in:
            self._bad(key, f'{tag} came out twice')
        elif frame[0:6] != bytes.fromhex(NEIGH_MAC[PORT_PLAIN].replace(':', '')):
            self._bad(key, f'{tag}: destination MAC {_hex(frame[0:6])}')
        elif ip != self.plan.want_in[tag]:
            self._bad(key, f'{tag}: inner packet differs: got {ip.hex()} want '
                      f'{self.plan.want_in[tag].hex()}')
        else:
            self.counts[key][2] += 1
        self.seen_in.add(tag)

    def _esp_out(self, port, frame, ip):
        spi, seq = struct.unpack('!II', ip[20:28])
        names = [n for n in self.plan.names if SAS[n]['out_spi'] == spi]
        if not names:
            return self._unexpected(port, frame, f'ESP with SPI {spi}')
        n = names[0]
        s = SAS[n]
        key = f'{n} outbound'
        self.counts[key][1] += 1
        if (n, seq) in self.seen_out:
            return self._bad(key, f'sequence number {seq} twice')
        self.seen_out.add((n, seq))
        if (n, seq) not in self.plan.want_out:
            return self._bad(key, f'sequence number {seq} not expected')
        if frame[0:6] != bytes.fromhex(NEIGH_MAC[PORT_ESP].replace(':', '')):
            return self._bad(key, f'seq {seq}: destination MAC {_hex(frame[0:6])}')
        outer = IP(ip)
        if (ip[0] != 0x45 or outer.src != LOCAL_GW or outer.dst != s['remote_gw']
                or outer.ttl != 64 or not _ip_checksum_ok(ip[:20])):
            return self._bad(key, f'seq {seq}: outer header {ip[:20].hex()}')
        sa = scapy_sa(n, 'out')
        esp = outer[ESP]
        try:
            sa.check_spi(outer)
            sa.auth_algo.verify(esp, sa.auth_key)
            plain = sa.crypt_algo.decrypt(sa, esp, sa.crypt_key,
                                          sa.crypt_algo.icv_size or sa.auth_algo.icv_size)
        except IPSecIntegrityError as e:
            return self._bad(key, f'seq {seq}: ICV does not verify ({e})')
        # RFC 4303: padding 1, 2, 3...; the payload aligned to the block
        padding, padlen, nh = esp_trailer(n, ip)
        enc_len = len(ip) - 28 - len(plain.iv) - s['icv']
        if (nh != 4 or plain.nh != 4 or padlen != plain.padlen
                or padding != bytes(range(1, padlen + 1)) or enc_len % s['block']):
            return self._bad(key, f'seq {seq}: ESP trailer nh {nh} pad {padding.hex()} '
                             f'encrypted length {enc_len}')
        got = bytes(plain.data)
        if got != self.plan.want_out[(n, seq)]:
            return self._bad(key, f'seq {seq}: decrypts to {got.hex()} want '
                             f'{self.plan.want_out[(n, seq)].hex()}')
        self.counts[key][2] += 1

    def out(self):
        """Frames that came out, all told."""
        return sum(c[1] for c in self.counts.values())

    def seen(self):
        return len(self.seen_out) + len(self.seen_in)

    def right(self):
        return sum(c[2] for c in self.counts.values())

    def report(self):
        """Lines 'KEY: in N, out N, right N, wrong N', and whether all is as it must be."""
        lines, ok = [], not self.problems
        for key, (n_in, n_out, right, wrong) in self.counts.items():
            refused = key.split()[0] in self.plan.refused
            want = 0 if key.endswith('tampered') or refused or key == self.UNEXPECTED else n_in
            good = n_out == want and right == want and wrong == 0
            ok = ok and good
            lines.append(f'{"PASS" if good else "FAIL"}: {key}: in {n_in}, out {n_out}, '
                         f'right {right}, wrong {wrong}'
                         + (' (an SA the device cannot carry: nothing may come out)'
                            if refused else ''))
        lines += [f'problem: {p}' for p in self.problems[:20]]
        return lines, ok


def _selftest():
    """The checks themselves, without DPDK: what a right gateway would send
    passes, and each kind of wrong answer is caught."""
    def right_frames(plan):
        frames = []
        for (n, seq), inner in plan.want_out.items():
            if n in plan.refused:
                continue
            esp = scapy_sa(n, 'out').encrypt(IP(inner), seq_num=seq)
            esp.ttl = 64
            frames.append((PORT_ESP, bytes(Ether(dst=NEIGH_MAC[PORT_ESP]) / esp)))
        for tag, inner in plan.want_in.items():
            if tag.split()[1].decode() not in plan.refused:
                frames.append((PORT_PLAIN, bytes(Ether(dst=NEIGH_MAC[PORT_PLAIN]) / IP(inner))))
        return frames

    def judge(plan, frames):
        v = Verdict(plan)
        for port, fr in frames:
            v.frame(port, fr)
        return v.report()[1] and v.right() == plan.expected_count() == v.out()

    def flipped(fr, at):
        b = bytearray(fr)
        b[at] ^= 1
        return bytes(b)

    failures = 0
    for legacy in (True, False):
        plan = Plan(['cbc', 'gcm'], legacy, n_out=3, n_in=3, refused=['gcm'] if legacy else [])
        good = right_frames(plan)
        tampered_in = [(PORT_PLAIN, bytes(Ether(dst=NEIGH_MAC[PORT_PLAIN]) / IP(bytes(
            inner_packet('cbc', 'in', 0, 'ct')))))]
        cases = {
            'right answers': (good, True),
            'a frame missing': (good[1:], False),
            'a frame twice': (good + good[:1], False),
            'ESP ciphertext byte flipped': ([(good[0][0], flipped(good[0][1], 14 + 20 + 8 + 20))]
                                            + good[1:], False),
            'inner packet byte flipped': (good[:-1] + [(good[-1][0], flipped(good[-1][1], 40))],
                                          False),
            'a tampered packet out': (good + tampered_in, False),
            'something else out': (good + [(PORT_PLAIN, bytes(Ether() / IP() / UDP()))], False),
        }
        if legacy:
            plan_all = Plan(['cbc', 'gcm'], legacy, n_out=3, n_in=3)
            cases['a refused SA answered'] = (right_frames(plan_all), False)
        for what, (frames, want) in cases.items():
            got = judge(plan, frames)
            print(f'{"PASS" if got == want else "FAIL"}: {"legacy" if legacy else "lib"}: '
                  f'{what}: judged {"right" if got else "wrong"}')
            failures += got != want
    print(f'selftest: {failures} failed')
    return 1 if failures else 0


if __name__ == '__main__':
    import sys
    sys.exit(_selftest() if sys.argv[1:] == ['selftest'] else 2)
