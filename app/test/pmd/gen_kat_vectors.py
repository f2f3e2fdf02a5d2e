#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-virtio-crypto authors
"""Write kat_vectors.h: known answers for test_cryptodev_kat.

Run by meson at build time. The symmetric vectors are read from the
installed python3-cryptography-vectors package (NIST CAVP response files,
RFC test vectors), a bounded and varied selection of each file, so that no
copy of them is kept in the tree. Chains (AES-CBC then HMAC) have no
published vectors: their digests are computed here with hashlib over a
published CBC ciphertext. The RSA keys and answers come from
app/test/unit/test_rsa_vectors.h, whose DER keys are split into the
integers the cryptodev API takes.

Without the vectors package (--vectors none) only the RSA part and the
RFC 8439 section 2.8.2 ChaCha20-Poly1305 vector (written out below and
checked against the package whenever it is there) are emitted.

    gen_kat_vectors.py --vectors DIR --rsa test_rsa_vectors.h -o kat_vectors.h
"""

import argparse
import hashlib
import hmac
import os
import re
import sys

# How many records to take from one section ([ENCRYPT], [DECRYPT]) of a
# response file, spread over it so that the lengths differ: the AES
# known-answer files (GFSbox, KeySbox, VarKey, VarTxt) are one block each,
# the multi-block (MMT) files are where the lengths are.
AES_KAT_PER_SECTION = 1
MMT_PER_SECTION = 4
TDES_PER_SECTION = 2

# RFC 8439 section 2.8.2, the AEAD example, as its text gives it.
RFC8439_KEY = bytes(range(0x80, 0xa0))
RFC8439_NONCE = bytes.fromhex("070000004041424344454647")
RFC8439_AAD = bytes.fromhex("50515253c0c1c2c3c4c5c6c7")
RFC8439_PLAIN = (b"Ladies and Gentlemen of the class of '99: If I could offer "
                 b"you only one tip for the future, sunscreen would be it.")
RFC8439_CIPHER = bytes.fromhex(
    "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
    "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
    "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
    "3ff4def08e4b7a9de576d26586cec64b6116")
RFC8439_TAG = bytes.fromhex("1ae10b594f09e26a7e902ecbd0600691")


class Vectors:
    """The vectors being emitted, and their byte arrays (each stored once)."""

    def __init__(self):
        self.arrays = {}
        self.rows = []

    def array(self, data):
        if data is None or len(data) == 0:
            return "NULL"
        data = bytes(data)
        if data not in self.arrays:
            self.arrays[data] = f"kb{len(self.arrays)}"
        return self.arrays[data]

    def add(self, kind, vid, *, cipher="0", auth="0", aead="0", key=b"",
            auth_key=b"", iv=b"", aad=b"", plain=b"", cipher_text=b"",
            digest=b"", hdr_len=0, valid=True, generated=False):
        self.rows.append(dict(kind=kind, id=vid, cipher=cipher, auth=auth,
                              aead=aead, key=key, auth_key=auth_key, iv=iv,
                              aad=aad, plain=plain, ct=cipher_text,
                              digest=digest, hdr_len=hdr_len, valid=valid,
                              generated=generated))


# --------------------------------------------------------------------------
# Response file reading
# --------------------------------------------------------------------------

def value(text):
    text = text.strip()
    if text.startswith('"') and text.endswith('"'):
        return text[1:-1].encode()
    return bytes.fromhex(text)


def read_records(path):
    """Records of a CAVP .rsp or cryptography-vectors .txt file.

    A record is a blank-line separated block with a Count, COUNT or Len
    line. Blocks without one (a CCM section's Key and Nonce, a file's
    length parameters) and [..] section lines hold for the records after
    them; each record gets a copy, and a lone word (GCM's FAIL) becomes a
    key of its own.
    """
    records, sticky, block = [], {}, {}

    def flush():
        nonlocal block
        if any(k in block for k in ("Count", "COUNT", "Len")):
            records.append({**sticky, **block})
        else:
            sticky.update(block)
        block = {}

    with open(path, encoding="ascii") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                if line == "":
                    flush()
                continue
            if line.startswith("["):
                flush()
                inner = line[1:-1]
                if "=" not in inner:
                    sticky = {"dir": inner}
                    continue
                for part in inner.split(","):
                    k, v = part.split("=", 1)
                    sticky[k.strip()] = v.strip()
                continue
            if "=" in line:
                k, v = line.split("=", 1)
                block[k.strip()] = v.strip()
            else:
                block[line] = ""
        flush()
    return records


def spread(items, n):
    """n items spread over the list, first and last included."""
    if len(items) <= n:
        return list(items)
    if n == 1:
        return [items[0]]
    return [items[i * (len(items) - 1) // (n - 1)] for i in range(n)]


def by_section(records, keys):
    sections = {}
    for r in records:
        sections.setdefault(tuple(r.get(k) for k in keys), []).append(r)
    return sections


def blen(r, key, bits=True):
    """A length field of a record, in bytes."""
    n = int(r[key])
    return n // 8 if bits else n


def hexval(r, key, length):
    """A hex field cut to its stated length (CAVP writes 00 for empty)."""
    return value(r[key])[:length] if length else b""


# --------------------------------------------------------------------------
# Ciphers
# --------------------------------------------------------------------------

def aes_block_files(vs, vdir, mode, algo):
    for bits in (128, 192, 256):
        for kind in ("GFSbox", "KeySbox", "VarKey", "VarTxt", "MMT"):
            name = f"{mode}{kind}{bits}.rsp"
            recs = read_records(os.path.join(vdir, "ciphers/AES", mode, name))
            n = MMT_PER_SECTION if kind == "MMT" else AES_KAT_PER_SECTION
            for (d,), sec in sorted(by_section(recs, ("dir",)).items()):
                for r in spread(sec, n):
                    vs.add("KAT_CIPHER", f"{name} {d} {r['COUNT']}",
                           cipher=algo, key=value(r["KEY"]),
                           iv=value(r["IV"]) if "IV" in r else b"",
                           plain=value(r["PLAINTEXT"]),
                           cipher_text=value(r["CIPHERTEXT"]))


def aes_ctr(vs, vdir):
    for bits in (128, 192, 256):
        name = f"aes-{bits}-ctr.txt"
        for r in read_records(os.path.join(vdir, "ciphers/AES/CTR", name)):
            vs.add("KAT_CIPHER", f"{name} {r['COUNT']}",
                   cipher="RTE_CRYPTO_CIPHER_AES_CTR", key=value(r["KEY"]),
                   iv=value(r["IV"]), plain=value(r["PLAINTEXT"]),
                   cipher_text=value(r["CIPHERTEXT"]))


def tdes(vs, vdir):
    # Keying option 2 (KEY3 = KEY1) is given as the full 24-byte key.
    for mode, algo, files in (
            ("CBC", "RTE_CRYPTO_CIPHER_3DES_CBC", ("TCBCMMT2.rsp", "TCBCMMT3.rsp")),
            ("ECB", "RTE_CRYPTO_CIPHER_3DES_ECB", ("TECBMMT2.rsp", "TECBMMT3.rsp"))):
        for name in files:
            recs = read_records(os.path.join(vdir, "ciphers/3DES", mode, name))
            for (d,), sec in sorted(by_section(recs, ("dir",)).items()):
                for r in spread(sec, TDES_PER_SECTION):
                    key = value(r["KEY1"]) + value(r["KEY2"]) + value(r["KEY3"])
                    vs.add("KAT_CIPHER", f"{name} {d} {r['COUNT']}",
                           cipher=algo, key=key,
                           iv=value(r["IV"]) if "IV" in r else b"",
                           plain=value(r["PLAINTEXT"]),
                           cipher_text=value(r["CIPHERTEXT"]))


# --------------------------------------------------------------------------
# AEAD
# --------------------------------------------------------------------------

# (PTlen, AADlen, Taglen) sections of gcmEncryptExtIV taken, 96-bit IVs:
# empty text and AAD, each alone, partial blocks, and every tag length
# class down to 32 bits.
GCM_ENCRYPT_SECTIONS = (
    ("0", "0", "128"), ("128", "0", "128"), ("0", "128", "128"),
    ("408", "160", "128"), ("104", "720", "120"), ("256", "384", "96"),
    ("128", "128", "64"), ("408", "720", "32"),
)
GCM_DECRYPT_SECTIONS = (
    ("0", "0", "128"), ("408", "720", "128"), ("128", "128", "96"),
)


def gcm(vs, vdir):
    for bits in (128, 192, 256):
        for name, sections in ((f"gcmEncryptExtIV{bits}.rsp", GCM_ENCRYPT_SECTIONS),
                               (f"gcmDecrypt{bits}.rsp", GCM_DECRYPT_SECTIONS)):
            recs = read_records(os.path.join(vdir, "ciphers/AES/GCM", name))
            secs = by_section(recs, ("IVlen", "PTlen", "AADlen", "Taglen"))
            for pt, aad, tag in sections:
                sec = secs[("96", pt, aad, tag)]
                take = [sec[0]]
                if "Decrypt" in name:
                    # one that must fail and one that must not
                    bad = [r for r in sec if "FAIL" in r]
                    good = [r for r in sec if "FAIL" not in r]
                    take = bad[:1] + good[:1]
                for r in take:
                    valid = "FAIL" not in r
                    vs.add("KAT_AEAD", f"{name} {pt}/{aad}/{tag} {r['Count']}",
                           aead="RTE_CRYPTO_AEAD_AES_GCM", key=value(r["Key"]),
                           iv=value(r["IV"]), aad=value(r["AAD"]),
                           plain=value(r["PT"]) if valid else b"",
                           cipher_text=value(r["CT"]), digest=value(r["Tag"]),
                           valid=valid)


def ccm_add(vs, vid, r, valid=True):
    alen, plen, tlen = int(r["Alen"]), int(r["Plen"]), int(r["Tlen"])
    ct = value(r["CT"])
    vs.add("KAT_AEAD", vid, aead="RTE_CRYPTO_AEAD_AES_CCM", key=value(r["Key"]),
           iv=value(r["Nonce"]), aad=hexval(r, "Adata", alen),
           plain=hexval(r, "Payload", plen) if valid else b"",
           cipher_text=ct[:plen], digest=ct[plen:plen + tlen], valid=valid)
    assert len(ct) == plen + tlen


# Sections of each CCM file: associated data 0, 1, 16 and 32 bytes; nonces
# of 7, 10 and 13 bytes; payloads of 0, 1, 16 and 24 bytes; tags of 4, 8,
# 14 and 16 bytes.
CCM_SECTIONS = {
    "VADT": ("Alen", ("0", "1", "16", "32")),
    "VNT": ("Nlen", ("7", "10", "13")),
    "VPT": ("Plen", ("0", "1", "16", "24")),
    "VTT": ("Tlen", ("4", "8", "14", "16")),
}


def ccm(vs, vdir):
    for bits in (128, 192, 256):
        for kind, (key, wanted) in CCM_SECTIONS.items():
            name = f"{kind}{bits}.rsp"
            recs = read_records(os.path.join(vdir, "ciphers/AES/CCM", name))
            secs = by_section(recs, (key,))
            for w in wanted:
                r = secs[(w,)][0]
                ccm_add(vs, f"{name} {key}={w} {r['Count']}", r)
        # DVPT: decryption with a verdict; one Pass and one Fail of the
        # section with the longest everything.
        name = f"DVPT{bits}.rsp"
        recs = read_records(os.path.join(vdir, "ciphers/AES/CCM", name))
        last = max(by_section(recs, ("Alen", "Plen", "Nlen", "Tlen")).items(),
                   key=lambda kv: tuple(int(x) for x in kv[0]))[1]
        for verdict in ("Pass", "Fail"):
            r = next(x for x in last if x["Result"] == verdict)
            ccm_add(vs, f"{name} {verdict} {r['Count']}", r, valid=verdict == "Pass")


def chacha(vs, vdir):
    algo = "RTE_CRYPTO_AEAD_CHACHA20_POLY1305"
    found_rfc = False
    if vdir:
        name = "boringssl.txt"
        recs = read_records(os.path.join(vdir, "ciphers/ChaCha20Poly1305", name))
        # the first seven are the RFC's and hand-made edge cases (empty
        # text and AAD, padding of either by 1 and 15 bytes); then lengths
        # spread up to the largest
        for r in recs[:7] + spread(recs[7:], 5):
            k, n, a = value(r["KEY"]), value(r["NONCE"]), value(r["AD"])
            p, c, t = value(r["IN"]), value(r["CT"]), value(r["TAG"])
            if (k, n, a, p, c, t) == (RFC8439_KEY, RFC8439_NONCE, RFC8439_AAD,
                                      RFC8439_PLAIN, RFC8439_CIPHER, RFC8439_TAG):
                found_rfc = True
            vs.add("KAT_AEAD", f"{name} {r['COUNT']}", aead=algo, key=k, iv=n,
                   aad=a, plain=p, cipher_text=c, digest=t)
        name = "openssl.txt"
        recs = read_records(os.path.join(vdir, "ciphers/ChaCha20Poly1305", name))
        for r in recs[:3]:
            valid = "Result" not in r
            vs.add("KAT_AEAD", f"{name} {r['COUNT']}", aead=algo,
                   key=value(r["Key"]), iv=value(r["IV"]), aad=value(r["AAD"]),
                   plain=value(r["Plaintext"]) if valid else b"",
                   cipher_text=value(r["Ciphertext"]), digest=value(r["Tag"]),
                   valid=valid)
        if not found_rfc:
            sys.exit("gen_kat_vectors: RFC 8439 2.8.2 not in boringssl.txt, "
                     "or it differs from the one written here")
    else:
        vs.add("KAT_AEAD", "RFC 8439 2.8.2", aead=algo, key=RFC8439_KEY,
               iv=RFC8439_NONCE, aad=RFC8439_AAD, plain=RFC8439_PLAIN,
               cipher_text=RFC8439_CIPHER, digest=RFC8439_TAG)


# --------------------------------------------------------------------------
# Hashes and MACs
# --------------------------------------------------------------------------

HASH_FILES = (
    ("RTE_CRYPTO_AUTH_MD5", "MD5", ("rfc-1321.txt",)),
    ("RTE_CRYPTO_AUTH_SHA1", "SHA1", ("SHA1ShortMsg.rsp", "SHA1LongMsg.rsp")),
    ("RTE_CRYPTO_AUTH_SHA224", "SHA2", ("SHA224ShortMsg.rsp", "SHA224LongMsg.rsp")),
    ("RTE_CRYPTO_AUTH_SHA256", "SHA2", ("SHA256ShortMsg.rsp", "SHA256LongMsg.rsp")),
    ("RTE_CRYPTO_AUTH_SHA384", "SHA2", ("SHA384ShortMsg.rsp", "SHA384LongMsg.rsp")),
    ("RTE_CRYPTO_AUTH_SHA512", "SHA2", ("SHA512ShortMsg.rsp", "SHA512LongMsg.rsp")),
)


def hashes(vs, vdir):
    for algo, folder, files in HASH_FILES:
        for name in files:
            recs = read_records(os.path.join(vdir, "hashes", folder, name))
            # ShortMsg: the empty message, one byte, then spread; LongMsg:
            # the two shortest (a few KiB)
            if "Long" in name:
                take = recs[:2]
            elif name.startswith("rfc"):
                take = recs
            else:
                take = recs[:2] + spread(recs[2:], 4)
            for r in take:
                n = blen(r, "Len")
                vs.add("KAT_AUTH", f"{name} Len={r['Len']}", auth=algo,
                       plain=hexval(r, "Msg", n), digest=value(r["MD"]))


# algorithm, hashlib name, file, (record, bytes) of the truncated case:
# RFC 2202 case 5 checks a 96-bit truncation, whose file keeps only the full
# output; the RFC 4231 files leave their case 5 (128 bits) out altogether,
# so case 1 cut to 128 bits stands in. A truncation is the leading bytes.
HMAC_FILES = (
    ("RTE_CRYPTO_AUTH_MD5_HMAC", "md5", "rfc-2202-md5.txt", (4, 12)),
    ("RTE_CRYPTO_AUTH_SHA1_HMAC", "sha1", "rfc-2202-sha1.txt", (4, 12)),
    ("RTE_CRYPTO_AUTH_SHA224_HMAC", "sha224", "rfc-4231-sha224.txt", (0, 16)),
    ("RTE_CRYPTO_AUTH_SHA256_HMAC", "sha256", "rfc-4231-sha256.txt", (0, 16)),
    ("RTE_CRYPTO_AUTH_SHA384_HMAC", "sha384", "rfc-4231-sha384.txt", (0, 16)),
    ("RTE_CRYPTO_AUTH_SHA512_HMAC", "sha512", "rfc-4231-sha512.txt", (0, 16)),
)


def hmacs(vs, vdir):
    for algo, hname, name, (tcase, trunc) in HMAC_FILES:
        recs = read_records(os.path.join(vdir, "HMAC", name))
        for i, r in enumerate(recs):
            key, msg, md = value(r["Key"]), value(r["Msg"]), value(r["MD"])
            assert hmac.new(key, msg, hname).digest() == md, (name, i)
            vs.add("KAT_AUTH", f"{name} {i + 1}", auth=algo, auth_key=key,
                   plain=msg, digest=md)
        r = recs[tcase]
        vs.add("KAT_AUTH", f"{name} {tcase + 1} truncated to {trunc}", auth=algo,
               auth_key=value(r["Key"]), plain=value(r["Msg"]),
               digest=value(r["MD"])[:trunc])
        # No file has an empty message; the answers are hashlib's. Keys
        # around the hash's block (HMAC hashes a longer key first) and the
        # longest one a vhost-user session message carries: aesni_mb gets
        # the empty message wrong, and openssl's PMD takes no key over 64
        # bytes, so a daemon routing around the one must still reach the
        # other with every key length.
        block = hashlib.new(hname).block_size
        for klen in (20, block - 1, block, block + 1, 2 * block + 3, 512):
            key = bytes((7 * i + klen) & 0xff for i in range(klen))
            vs.add("KAT_AUTH", f"empty message, {klen}-byte key (hashlib) {hname}",
                   auth=algo, auth_key=key, plain=b"",
                   digest=hmac.new(key, b"", hname).digest(), generated=True)
        # A long key over a message, and over a one-block message.
        key = bytes((5 * i + 1) & 0xff for i in range(block + 1))
        for msg in (b"abc", bytes(block)):
            vs.add("KAT_AUTH", f"{len(msg)}-byte message, {block + 1}-byte key (hashlib) {hname}",
                   auth=algo, auth_key=key, plain=msg,
                   digest=hmac.new(key, msg, hname).digest(), generated=True)


def cmac(vs, vdir):
    for bits in (128, 192, 256):
        name = f"nist-800-38b-aes{bits}.txt"
        recs = read_records(os.path.join(vdir, "CMAC", name))
        for r in recs:
            vs.add("KAT_AUTH", f"{name} {r['COUNT']}",
                   auth="RTE_CRYPTO_AUTH_AES_CMAC", auth_key=value(r["KEY"]),
                   plain=value(r["MESSAGE"]),
                   digest=value(r["OUTPUT"]))
        r = recs[2]
        vs.add("KAT_AUTH", f"{name} {r['COUNT']} truncated to 12",
               auth="RTE_CRYPTO_AUTH_AES_CMAC", auth_key=value(r["KEY"]),
               plain=value(r["MESSAGE"]), digest=value(r["OUTPUT"])[:12])


# --------------------------------------------------------------------------
# Chains
# --------------------------------------------------------------------------

CHAIN_HMACS = (
    ("RTE_CRYPTO_AUTH_SHA1_HMAC", "sha1", 20, 12),
    ("RTE_CRYPTO_AUTH_SHA256_HMAC", "sha256", 32, 16),
)


def chains(vs, vdir):
    """AES-CBC + HMAC, from CBC MMT encryptions.

    The buffer is an 8-byte header (authenticated only) and the CBC text.
    Encrypt-then-generate and verify-then-decrypt share one vector: the
    digest is the HMAC of header || ciphertext, full and truncated as
    IPsec uses them (96 and 128 bits).
    """
    try:
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    except ImportError:
        Cipher = None
    hdr = bytes.fromhex("4553500000000001")
    for bits in (128, 256):
        name = f"CBCMMT{bits}.rsp"
        recs = read_records(os.path.join(vdir, "ciphers/AES/CBC", name))
        enc = [r for r in recs if r["dir"] == "ENCRYPT"]
        for r in spread(enc, 3):
            key, iv = value(r["KEY"]), value(r["IV"])
            pt, ct = value(r["PLAINTEXT"]), value(r["CIPHERTEXT"])
            if Cipher is not None:
                e = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
                assert e.update(pt) + e.finalize() == ct
            for algo, hname, full, trunc in CHAIN_HMACS:
                akey = hashlib.sha256(f"{name} {r['COUNT']} {hname}".encode()).digest()[:full]
                md = hmac.new(akey, hdr + ct, hname).digest()
                for dlen in (full, trunc):
                    vs.add("KAT_CHAIN", f"{name} ENCRYPT {r['COUNT']} + {hname} {dlen}",
                           cipher="RTE_CRYPTO_CIPHER_AES_CBC", auth=algo,
                           key=key, auth_key=akey, iv=iv, plain=hdr + pt,
                           cipher_text=hdr + ct, digest=md[:dlen],
                           hdr_len=len(hdr), generated=True)


# --------------------------------------------------------------------------
# RSA, from the unit test's header
# --------------------------------------------------------------------------

def read_c_arrays(path):
    arrays = {}
    with open(path, encoding="ascii") as f:
        text = f.read()
    for m in re.finditer(r"static const uint8_t (\w+)\[(\d+)\] = \{([^}]*)\};", text):
        data = bytes(int(x, 16) for x in re.findall(r"0x([0-9a-fA-F]{2})", m.group(3)))
        assert len(data) == int(m.group(2)), m.group(1)
        arrays[m.group(1)] = data
    return arrays


def der_ints(der):
    """The INTEGERs of a PKCS#1 RSAPrivateKey SEQUENCE, as minimal bytes."""
    def length(buf, i):
        n = buf[i]
        if n < 0x80:
            return n, i + 1
        k = n & 0x7f
        return int.from_bytes(buf[i + 1:i + 1 + k], "big"), i + 1 + k

    assert der[0] == 0x30
    total, i = length(der, 1)
    assert i + total == len(der)
    out = []
    while i < len(der):
        assert der[i] == 0x02
        n, i = length(der, i + 1)
        out.append(der[i:i + n].lstrip(b"\x00") or b"\x00")
        i += n
    return out


# DER of the DigestInfo AlgorithmIdentifier for each hash (RFC 8017 9.2)
HASH_OIDS = {
    "md5": (1, 2, 840, 113549, 2, 5),
    "sha1": (1, 3, 14, 3, 2, 26),
    "sha224": (2, 16, 840, 1, 101, 3, 4, 2, 4),
    "sha256": (2, 16, 840, 1, 101, 3, 4, 2, 1),
    "sha384": (2, 16, 840, 1, 101, 3, 4, 2, 2),
    "sha512": (2, 16, 840, 1, 101, 3, 4, 2, 3),
}


def der(tag, body):
    assert len(body) < 0x80
    return bytes((tag, len(body))) + body


def digest_info(hname, digest):
    oid = HASH_OIDS[hname]
    enc = bytes((40 * oid[0] + oid[1],))
    for arc in oid[2:]:
        sub = [arc & 0x7f]
        arc >>= 7
        while arc:
            sub.append(0x80 | (arc & 0x7f))
            arc >>= 7
        enc += bytes(reversed(sub))
    alg = der(0x30, der(0x06, enc) + b"\x05\x00")
    return der(0x30, alg + der(0x04, digest))


def rsa(out, vs, rsa_header):
    arr = read_c_arrays(rsa_header)
    keys = {}
    out.append("static const struct kat_rsa_key kat_rsa_keys[] = {\n")
    for name in sorted((k for k in arr if re.fullmatch(r"rsa\d+_priv", k)),
                       key=lambda k: int(k[3:-5])):
        bits = int(name[3:-5])
        version, n, e, d, p, q, dp, dq, qinv = der_ints(arr[name])
        keys[bits] = (int.from_bytes(n, "big"), int.from_bytes(e, "big"),
                      int.from_bytes(d, "big"))
        fields = ", ".join(f"{{ {vs.array(x)}, {len(x)} }}"
                           for x in (n, e, d, p, q, dp, dq, qinv))
        out.append(f"\t{{ {bits}, {fields} }},\n")
    out.append("};\n\n")

    # Signatures: EMSA-PKCS1-v1_5 of DigestInfo || H(m), the device adding
    # only the type-1 padding; checked here against the key first.
    out.append("static const struct kat_rsa_sig kat_rsa_sigs[] = {\n")
    for name in sorted(k for k in arr if re.fullmatch(r"sig\d+_\w+_digest", k)):
        m = re.fullmatch(r"sig(\d+)_(\w+)_digest", name)
        bits, hname = int(m.group(1)), m.group(2)
        digest, sig = arr[name], arr[name[:-len("_digest")]]
        t = digest_info(hname, digest)
        n, e, _ = keys[bits]
        k = (n.bit_length() + 7) // 8
        em = b"\x00\x01" + b"\xff" * (k - 3 - len(t)) + b"\x00" + t
        assert pow(int.from_bytes(sig, "big"), e, n) == int.from_bytes(em, "big"), name
        out.append(f"\t{{ {bits}, \"PKCS#1 v1.5 {hname}\", {vs.array(t)}, {len(t)}, "
                   f"{vs.array(sig)}, {len(sig)} }},\n")
    t, sig = arr["nohash2048_data"], arr["nohash2048_sig"]
    out.append(f"\t{{ 2048, \"PKCS#1 v1.5 no DigestInfo\", {vs.array(t)}, {len(t)}, "
               f"{vs.array(sig)}, {len(sig)} }},\n")
    out.append("};\n\n")

    # Raw and PKCS#1 encryption answers, on the 2048-bit key.
    rows = (("raw encrypt", "RTE_CRYPTO_ASYM_OP_ENCRYPT", 0, "raw2048_plain", "raw2048_cipher"),
            ("raw decrypt", "RTE_CRYPTO_ASYM_OP_DECRYPT", 0, "rawdec2048_plain", "rawdec2048_cipher"),
            ("PKCS#1 v1.5 decrypt", "RTE_CRYPTO_ASYM_OP_DECRYPT", 1,
             "pkcs1dec2048_plain", "pkcs1dec2048_cipher"))
    out.append("static const struct kat_rsa_crypt kat_rsa_crypts[] = {\n")
    for what, op, pkcs1, p, c in rows:
        out.append(f"\t{{ 2048, \"{what}\", {op}, {pkcs1}, {vs.array(arr[p])}, "
                   f"{len(arr[p])}, {vs.array(arr[c])}, {len(arr[c])} }},\n")
    out.append("};\n\n")


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------

def c_bytes(name, data):
    lines = [f"static const uint8_t {name}[{len(data)}] = {{"]
    for i in range(0, len(data), 12):
        lines.append("\t" + " ".join(f"0x{b:02x}," for b in data[i:i + 12]))
    lines.append("};")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vectors", required=True,
                    help="cryptography_vectors directory, or 'none'")
    ap.add_argument("--rsa", required=True, help="test_rsa_vectors.h")
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()
    vdir = None if args.vectors == "none" else args.vectors

    vs = Vectors()
    if vdir:
        aes_block_files(vs, vdir, "ECB", "RTE_CRYPTO_CIPHER_AES_ECB")
        aes_block_files(vs, vdir, "CBC", "RTE_CRYPTO_CIPHER_AES_CBC")
        aes_ctr(vs, vdir)
        tdes(vs, vdir)
        gcm(vs, vdir)
        ccm(vs, vdir)
    chacha(vs, vdir)
    if vdir:
        hashes(vs, vdir)
        hmacs(vs, vdir)
        cmac(vs, vdir)
        chains(vs, vdir)

    tables = []
    rsa(tables, vs, args.rsa)
    tables.append("static const struct kat_vector kat_vectors[] = {\n")
    for r in vs.rows:
        def f(name):
            return f"{vs.array(r[name])}, {len(r[name])}"
        tables.append(
            f"\t{{ \"{r['id']}\", {r['kind']}, {r['cipher']}, {r['auth']}, {r['aead']},\n"
            f"\t  {f('key')}, {f('auth_key')}, {f('iv')}, {f('aad')},\n"
            f"\t  {f('plain')}, {f('ct')}, {f('digest')},\n"
            f"\t  {r['hdr_len']}, {int(r['valid'])}, {int(r['generated'])} }},\n")
    tables.append("};\n")

    head = ("/* SPDX-License-Identifier: BSD-3-Clause\n"
            " * Copyright(c) 2026 The dpdk-virtio-crypto authors\n"
            " */\n\n"
            "/* Generated by gen_kat_vectors.py at build time; do not edit. */\n\n"
            "#ifndef KAT_VECTORS_H\n#define KAT_VECTORS_H\n\n"
            "#include \"kat_types.h\"\n\n"
            f"#define KAT_VECTORS_FROM_PACKAGE {1 if vdir else 0}\n\n")
    body = "".join(c_bytes(name, data) for data, name in vs.arrays.items())
    with open(args.output, "w", encoding="ascii") as f:
        f.write(head + body + "\n" + "".join(tables) + "\n#endif /* KAT_VECTORS_H */\n")


if __name__ == "__main__":
    main()
