# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-virtio-crypto authors
"""Frames for DPDK's l2fwd-crypto and the answers it must give.

What l2fwd-crypto (examples/l2fwd-crypto/main.c, unmodified) does to an
IPv4 frame, written down here independently of DPDK so that its output can
be checked against python3-cryptography:

  - everything after the IPv4 header is the data; with a digest to verify
    (auth VERIFY, or AEAD DECRYPT) the last digest bytes are not data;
  - for AES-CBC the data is zero-padded up to the block size first;
  - cipher and auth cover the same data (from the end of the IPv4 header);
    a generated digest is appended to the frame;
  - on the way out a verified digest is trimmed (auth VERIFY only, so
    not for AEAD decryption: there the tag stays), and after a cipher
    DECRYPT the frame is cut to the IPv4 total length (the padding goes);
  - with --no-mac-updating the Ethernet header is left alone.

Every key, IV, AAD and digest size is given on l2fwd-crypto's command line
(left out, it would pick random keys and IVs and the smallest sizes).
"""

import hmac
import random
import re
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ETH_IP = 14 + 20        # Ethernet and option-less IPv4 header
AES_BLOCK = 16

# Payload sizes: block multiples, and others that l2fwd-crypto pads itself
# for CBC (1440 + a 32-byte digest still fits a 1514-byte frame).
SIZES = [16, 32, 48, 64, 128, 256, 512, 1024, 1440, 1, 15, 17, 100, 1000]
ROUNDS = 3              # 42 frames: more than one 32-frame burst


def _rand(seed, n):
    r = random.Random(seed)
    return bytes(r.getrandbits(8) for _ in range(n))


def _suite(name, **kw):
    """A case's parameters; keys and IVs fixed by its name (reproducible)."""
    kw['name'] = name
    for what, n in (('key', kw.pop('key_len', 0)), ('iv', kw.pop('iv_len', 0)),
                    ('auth_key', kw.pop('auth_key_len', 0)), ('aad', kw.pop('aad_len', 0))):
        kw[what] = _rand(f'{name}/{what}', n)
    return kw


CASES = {
    'aes-cbc-sha1-hmac': _suite('aes-cbc-sha1-hmac', chain='cipher-hash', cipher='aes-cbc',
                                key_len=16, iv_len=16, auth='sha1-hmac', hash='sha1',
                                auth_key_len=20, digest=20),
    'aes-cbc-sha256-hmac': _suite('aes-cbc-sha256-hmac', chain='cipher-hash', cipher='aes-cbc',
                                  key_len=32, iv_len=16, auth='sha2-256-hmac', hash='sha256',
                                  auth_key_len=32, digest=32),
    'aes-ctr-sha256-hmac': _suite('aes-ctr-sha256-hmac', chain='cipher-hash', cipher='aes-ctr',
                                  key_len=16, iv_len=16, auth='sha2-256-hmac', hash='sha256',
                                  auth_key_len=32, digest=16),
    'aes-gcm': _suite('aes-gcm', chain='aead', aead='aes-gcm', key_len=16, iv_len=12,
                      aad_len=16, digest=16),
}


def colon_hex(b):
    return ':'.join(f'{x:02x}' for x in b)


def app_args(case, direction, ports=1):
    """l2fwd-crypto's own options (after EAL's "--") for one direction.
    One port: frames unchanged but for the crypto. Two ports (both served
    by the one lcore): with l2fwd-crypto's default MAC updating."""
    c = CASES[case]
    enc = direction == 'encrypt'
    args = ['-p', '0x1', '-T', '0', '--no-mac-updating'] if ports == 1 else \
        ['-p', '0x3', '-q', '2', '-T', '0']
    if c['chain'] == 'aead':
        return args + ['--chain', 'AEAD', '--aead_algo', c['aead'],
                       '--aead_op', 'ENCRYPT' if enc else 'DECRYPT',
                       '--aead_key', colon_hex(c['key']), '--aead_iv', colon_hex(c['iv']),
                       '--aad', colon_hex(c['aad']), '--digest_size', str(c['digest'])]
    # Encrypt-then-MAC: on the way back the digest is checked, then the
    # data deciphered.
    return args + ['--chain', 'CIPHER_HASH' if enc else 'HASH_CIPHER',
                   '--cipher_algo', c['cipher'], '--cipher_op', 'ENCRYPT' if enc else 'DECRYPT',
                   '--cipher_key', colon_hex(c['key']), '--cipher_iv', colon_hex(c['iv']),
                   '--auth_algo', c['auth'], '--auth_op', 'GENERATE' if enc else 'VERIFY',
                   '--auth_key', colon_hex(c['auth_key']), '--digest_size', str(c['digest'])]


def _ip_checksum(hdr):
    s = sum(struct.unpack('!10H', hdr))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def plain_frames(case):
    """The clear IPv4/UDP frames, each payload different."""
    out = []
    for i in range(ROUNDS * len(SIZES)):
        size = SIZES[i % len(SIZES)]
        eth = bytes.fromhex('020000000001' '020000000002' '0800')
        ip = bytearray(struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + size, i, 0, 64, 17, 0,
                                   bytes([192, 0, 2, 1]), bytes([198, 51, 100, 1])))
        struct.pack_into('!H', ip, 10, _ip_checksum(bytes(ip)))
        out.append(eth + bytes(ip) + _rand(f'{case}/payload/{i}', size))
    return out


def _cipher(c, data, encrypt):
    mode = modes.CBC(c['iv']) if c['cipher'] == 'aes-cbc' else modes.CTR(c['iv'])
    ctx = Cipher(algorithms.AES(c['key']), mode)
    ctx = ctx.encryptor() if encrypt else ctx.decryptor()
    return ctx.update(data) + ctx.finalize()


def sealed_frame(case, frame):
    """What l2fwd-crypto makes of a clear frame in the encrypt direction."""
    c = CASES[case]
    hdr, data = frame[:ETH_IP], frame[ETH_IP:]
    if c['chain'] == 'aead':
        # AESGCM gives ciphertext || 16-byte tag
        return hdr + AESGCM(c['key']).encrypt(c['iv'], data, c['aad'])[:len(data) + c['digest']]
    if c['cipher'] == 'aes-cbc' and len(data) % AES_BLOCK:
        data += bytes(AES_BLOCK - len(data) % AES_BLOCK)
    ct = _cipher(c, data, True)
    return hdr + ct + hmac.new(c['auth_key'], ct, c['hash']).digest()[:c['digest']]


def opened_frame(case, frame, sealed):
    """What l2fwd-crypto makes of a sealed frame in the decrypt direction."""
    c = CASES[case]
    if c['chain'] == 'aead':
        # the tag is checked but stays: l2fwd-crypto trims digests only
        # for auth VERIFY
        return frame + sealed[-c['digest']:]
    return frame


# In the decrypt direction this frame's digest is spoiled: the device must
# refuse it (l2fwd-crypto forwards it all the same, it does not look at an
# op's status: its bytes are not checked, the daemon's error count is).
TAMPERED = 7


def expected(case, direction):
    """(input frames, expected output frames) for one direction; None for
    a frame whose content is not defined (TAMPERED)."""
    clear = plain_frames(case)
    sealed = [sealed_frame(case, f) for f in clear]
    if direction == 'encrypt':
        return clear, sealed
    want = [opened_frame(case, f, s) for f, s in zip(clear, sealed)]
    bad = bytearray(sealed[TAMPERED])
    bad[-1] ^= 0x01
    sealed[TAMPERED] = bytes(bad)
    want[TAMPERED] = None
    return sealed, want


def output_lengths(case, direction):
    """The length of every frame l2fwd-crypto writes (spoiled or not)."""
    clear = plain_frames(case)
    sealed = [sealed_frame(case, f) for f in clear]
    if direction == 'encrypt':
        return [len(s) for s in sealed]
    return [len(opened_frame(case, f, s)) for f, s in zip(clear, sealed)]


# What our PMD logs (pmd.crypto.virtio.driver at debug) for each op that did
# not succeed, and the statuses a spoiled digest must give.
FAILED_OP = re.compile(r'CRYPTO_VIRTIO: \w+\(\): opcode 0x[0-9a-f]+: device status (\d+), '
                       r'op status (\d+)')
VIRTIO_CRYPTO_OK = 0
VIRTIO_CRYPTO_BADMSG = 2                # virtio spec, virtio_crypto.h
RTE_CRYPTO_OP_STATUS_AUTH_FAILED = 2    # DPDK's rte_crypto.h


def failed_ops(text):
    """[(device status, op status)] of the ops our PMD logged as failed."""
    return [(int(d), int(o)) for d, o in FAILED_OP.findall(text)]


def spoiled_statuses(case, n):
    """What n spoiled frames give: an AEAD tag is checked by the device
    (BADMSG), a cipher-then-hash digest by our PMD (the device computed the
    digest and succeeded); the op is AUTH_FAILED either way."""
    aead = CASES[case]['chain'] == 'aead'
    return [(VIRTIO_CRYPTO_BADMSG if aead else VIRTIO_CRYPTO_OK,
             RTE_CRYPTO_OP_STATUS_AUTH_FAILED)] * n


# pcap files (the classic format, as DPDK's net_pcap reads and writes it)

def write_pcap(path, frames):
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack('<IIII', 1, i, len(fr), len(fr)) + fr)


def read_pcap(data):
    """The complete records in pcap bytes (a file still being written may
    end in a partial one, which is not counted)."""
    if len(data) < 24:
        return []
    magic = struct.unpack('<I', data[:4])[0]
    if magic in (0xa1b2c3d4, 0xa1b23c4d):
        end = '<'
    elif magic in (0xd4c3b2a1, 0x4d3cb2a1):
        end = '>'
    else:
        raise ValueError(f'not a pcap file (magic {magic:#x})')
    frames, off = [], 24
    while off + 16 <= len(data):
        incl = struct.unpack(end + 'I', data[off + 8:off + 12])[0]
        if off + 16 + incl > len(data):
            break
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return frames


def compare(got, want):
    """(right, wrong, missing, extra, first differences) of output frames
    against the expected ones, in order; a None in want matches nothing
    and counts neither right nor wrong."""
    pairs = [(i, g, w) for i, (g, w) in enumerate(zip(got, want)) if w is not None]
    right = sum(1 for _, g, w in pairs if g == w)
    diffs = [(i, g, w) for i, g, w in pairs if g != w]
    return (right, len(diffs), max(0, len(want) - len(got)), max(0, len(got) - len(want)),
            diffs[:3])
