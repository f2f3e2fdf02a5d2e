#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-virtio-crypto authors
"""NIST CAVP request files for DPDK's fips_validation, and the check of its answers.

    fips_cavp.py make --set NAME [--set NAME...] DIR
        writes DIR/*.req and DIR/expected.json
    fips_cavp.py check DIR RSPDIR [--device virtio|qemu|any]
        compares every answer in RSPDIR/*.rsp with DIR/expected.json
    fips_cavp.py run --set NAME... --app PATH [--via virtio --runner PATH
                     --daemon PATH --pmd PATH | --via aesni_mb]
        makes the files, runs fips_validation on them once (a folder), checks

The answers come from the CAVP .rsp files python3-cryptography-vectors ships
(AES-CBC, AES-GCM, SHA-1/SHA-2) and, as CAVP has no HMAC file there, from
HMAC vectors written here with keys and messages of our choosing and tags
from python3-cryptography: none of them from DPDK. A .req is its .rsp with the
answer lines taken out; fips_validation writes them back, and every one must
be byte-identical (hex, case aside) to the file's own.

Sets (each chosen to run in a few seconds through our stack):
  cbc   every AES-CBC KAT and MMT vector, 128/192/256-bit keys
  ecb   the same for AES-ECB
  ccm   every AES-CCM vector (CCM's CAVP tests DVPT, VADT, VNT, VPT, VTT),
        128/192/256-bit keys; a device taking 13-byte nonces only must
        answer "Bypass" to the others
  gcm   AES-GCM encrypt (external IV) and decrypt, all keysizes: of every
        96-bit-IV section two vectors (in decrypt a good tag and a bad one),
        of other IV lengths one section each (a device with 96-bit IVs only
        must answer "Bypass" there: it says it cannot, not a wrong answer)
  sha   SHA-1, SHA-224/256/384/512 short and long messages (not Monte: its
        100,000 chained hashes a file are not worth the time; not
        SHA-512/224 and SHA-512/256: fips_validation knows a hash only by
        its size, so it would take them for SHA-224 and SHA-256)
  hmac  HMAC-SHA-1/224/256/384/512, keys of 1 byte to beyond the block size
        (around the block size in particular), messages of 0 to 1000 bytes
        (empty ones with every key length), full and truncated tags
  hmac-noempty  the same without the empty messages (on crypto_aesni_mb
        one empty message spoils every HMAC after it in the process)
"""

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

VECTORS = '/usr/lib/python3/dist-packages/cryptography_vectors'

# The whole fips_validation run, not one vector: generous, a CI machine may
# be busy with other work on both cores.
RUN_TIMEOUT_S = 600

# What each set takes from python3-cryptography-vectors.
CAVP_FILES = {
    'cbc': ['ciphers/AES/CBC/CBC%s%d.rsp' % (t, k)
            for t in ('GFSbox', 'KeySbox', 'VarKey', 'VarTxt', 'MMT')
            for k in (128, 192, 256)],
    'ecb': ['ciphers/AES/ECB/ECB%s%d.rsp' % (t, k)
            for t in ('GFSbox', 'KeySbox', 'VarKey', 'VarTxt', 'MMT')
            for k in (128, 192, 256)],
    'ccm': ['ciphers/AES/CCM/%s%d.rsp' % (t, k)
            for t in ('DVPT', 'VADT', 'VNT', 'VPT', 'VTT') for k in (128, 192, 256)],
    'gcm': ['ciphers/AES/GCM/gcm%s%d.rsp' % (t, k)
            for t in ('EncryptExtIV', 'Decrypt') for k in (128, 192, 256)],
    'sha': ['hashes/SHA1/SHA1%s.rsp' % t for t in ('ShortMsg', 'LongMsg')]
    + ['hashes/SHA2/SHA%d%s.rsp' % (n, t) for n in (224, 256, 384, 512)
       for t in ('ShortMsg', 'LongMsg')],
}
SETS = ('cbc', 'ecb', 'ccm', 'gcm', 'sha', 'hmac', 'hmac-noempty')
# Vectors in each set, and of them those our device must answer "Bypass"
# (AES-GCM IVs other than 96 bits, AES-CCM nonces other than 13 bytes): a
# file gone from the vectors package, or a selection that changed, must not
# pass unseen.
SET_VECTORS = {'cbc': (2138, 0), 'ecb': (2138, 0), 'ccm': (2880, 540), 'gcm': (2112, 12),
               'sha': (901, 0), 'hmac': (360, 0), 'hmac-noempty': (315, 0)}


def read_blocks(path):
    """A CAVP file as blocks of lines (blank lines separate them), CRs gone."""
    with open(path, newline='') as f:
        text = f.read().replace('\r\n', '\n')
    blocks, cur = [], []
    for line in text.split('\n'):
        if line.strip() == '':
            if cur:
                blocks.append(cur)
            cur = []
        else:
            cur.append(line)
    if cur:
        blocks.append(cur)
    return blocks


def is_case(block):
    # the rest are headers and section lines ([...], and CCM's Plen = ... or
    # Key = ... lines that hold for the cases after them)
    return block[0].startswith(('COUNT = ', 'Count = ', 'Len = '))


def answer_keys(kind, direction):
    """The lines fips_validation computes, by the key before ' = '."""
    if kind in ('cbc', 'ecb'):
        return ('CIPHERTEXT',) if direction == 'enc' else ('PLAINTEXT',)
    if kind == 'gcm':
        return ('CT', 'Tag') if direction == 'enc' else ('PT', 'FAIL')
    if kind == 'ccm':
        return ('CT',) if direction == 'enc' else ('Result', 'Payload')
    if kind == 'sha':
        return ('MD',)
    return ('Mac',)


def split_line(line):
    """('KEY', 'value') of 'KEY = value', ('FAIL', None) of a bare word."""
    if ' = ' in line or line.endswith(' ='):
        k, _, v = line.partition(' =')
        return k.strip(), v.strip()
    return line.strip(), None


def gcm_select(sections):
    """The GCM vectors used: see the module's docstring."""
    picked = []
    seen_iv = set()
    for params, cases in sections:
        iv = params.get('IVlen')
        if iv == '96':
            good = [c for c in cases if not any(line == 'FAIL' for line in c)]
            bad = [c for c in cases if any(line == 'FAIL' for line in c)]
            if bad:
                chosen = [good[0], bad[0]] if good else bad[:2]
            else:
                chosen = cases[:2]
            picked.append((params, sorted(chosen, key=cases.index)))
        elif (iv not in seen_iv and params.get('PTlen') == '128'
              and params.get('AADlen') == '128' and params.get('Taglen') == '128'):
            seen_iv.add(iv)
            picked.append((params, cases[:1]))
    return picked


def make_from_rsp(kind, path, outdir, expected, limit=None):
    """Write the .req of one CAVP .rsp (or a subset of it); note its answers.

    limit: at most this many vectors (the first ones of the selection)."""
    blocks = read_blocks(path)
    header = blocks[0]
    name = os.path.splitext(os.path.basename(path))[0]
    # Sections: their blocks of parameter lines, then their cases.
    sections = []
    for b in blocks[1:]:
        if is_case(b):
            if not sections:
                sections.append(([], []))
            sections[-1][1].append(b)
        else:
            if not sections or sections[-1][1]:
                sections.append(([], []))
            sections[-1][0].append(b)
    parsed = []
    held = {}       # parameters so far: a CCM file sets some once for all
    for pblocks, cs in sections:
        p = {}
        for line in (x for b in pblocks for x in b):
            m = re.fullmatch(r'\[(\w+)\]', line.strip())
            if m:
                p[m.group(1)] = None
            for k, v in re.findall(r'(\w+) = (\w+)', line):
                if k not in ('Key', 'Nonce'):
                    p[k] = v
        held.update(p)
        parsed.append((p, dict(held), pblocks, cs))

    if kind == 'gcm':
        chosen = gcm_select([(p, cs) for p, _, _, cs in parsed])
        keep = {id(c) for _, cs in chosen for c in cs}
    else:
        keep = None
    if limit is not None:
        first = [id(c) for _, _, _, cs in parsed for c in cs if keep is None or id(c) in keep]
        keep = set(first[:limit])

    if kind == 'gcm':
        direction = 'enc' if 'GCM Encrypt' in ' '.join(header) else 'dec'
    if kind == 'ccm':
        direction = 'dec' if 'CCM-DVPT' in ' '.join(header) else 'enc'
    out = ['\n'.join(header), '']
    cases_expected = []
    for p, held, pblocks, cs in parsed:
        cs = [c for c in cs if keep is None or id(c) in keep]
        if not cs:
            continue
        if kind in ('cbc', 'ecb'):
            direction = 'enc' if 'ENCRYPT' in p else 'dec'
        elif kind not in ('gcm', 'ccm'):
            direction = 'gen'
        keys = answer_keys(kind, direction)
        for b in pblocks:
            out += b + ['']
        for c in cs:
            req = [line for line in c if split_line(line)[0] not in keys]
            ans = {k: v for k, v in map(split_line, c) if k in keys}
            out += req + ['']
            cases_expected.append({
                'id': c[0].strip(), 'req': req, 'answer': ans,
                'params': held,
                # our device takes GCM with a 96-bit IV only, CCM with a
                # 13-byte nonce only (virtio-crypto has no IV length in its
                # AEAD session: the device takes the algorithm's largest)
                'bypass_ok': (kind == 'gcm' and held.get('IVlen') != '96' or
                              kind == 'ccm' and held.get('Nlen') != '13')})
    with open(os.path.join(outdir, name + '.req'), 'w') as f:
        f.write('\n'.join(out) + '\n')
    expected[name] = {'kind': kind, 'source': path, 'cases': cases_expected}


def hmac_file(outdir, expected, seed=17, limit=None, empty=True):
    """CAVP-format HMAC vectors of our own; tags by python3-cryptography.

    limit: at most this many vectors of each hash; empty=False: the same
    vectors without those of an empty message."""
    from cryptography.hazmat.primitives import hashes, hmac

    rnd = random.Random(seed)
    algos = [(20, hashes.SHA1, 64), (28, hashes.SHA224, 64), (32, hashes.SHA256, 64),
             (48, hashes.SHA384, 128), (64, hashes.SHA512, 128)]
    out = ['#  CAVS 11.0',
           '#  "HMAC" information for "dpdk-virtio-crypto"',
           '#  Hash sizes tested: 20 28 32 48 64',
           '#  Generated by fips_cavp.py, tags from python3-cryptography', '']
    cases_expected = []
    count = 0
    for L, H, B in algos:
        out += ['[L=%d]' % L, '']
        # Around the block size (a longer key is hashed first), with an
        # empty message each: issue 17's wrong answers were there.
        klens = [1, L, B - 1, B, B + 1, B + L] + [rnd.randint(1, B + 64) for _ in range(3)]
        mlens = [0, 1, B - 1, B, B + 1, 1000] + [rnd.randint(0, 1000) for _ in range(2)]
        pairs = [(i, kl, j, ml) for i, kl in enumerate(klens) for j, ml in enumerate(mlens)]
        for i, kl, j, ml in pairs[:limit]:
            # full tags mostly; every third a truncated one (CAVP's Tlen)
            tl = L if (i + j) % 3 else rnd.choice([10, 12, 16, L // 2])
            key = bytes(rnd.getrandbits(8) for _ in range(kl))
            msg = bytes(rnd.getrandbits(8) for _ in range(ml))
            h = hmac.HMAC(key, H())
            h.update(msg)
            tag = h.finalize()[:tl]
            if not empty and not msg:
                continue        # drawn all the same: the others stay as they are
            req = ['Count = %d' % count, 'Klen = %d' % kl, 'Tlen = %d' % tl,
                   'Key = ' + key.hex(), 'Msg = ' + msg.hex()]
            out += req + ['']
            cases_expected.append({'id': req[0], 'req': req,
                                   'answer': {'Mac': tag.hex()},
                                   'params': {'L': str(L)}, 'bypass_ok': False})
            count += 1
    with open(os.path.join(outdir, 'HMAC.req'), 'w') as f:
        f.write('\n'.join(out) + '\n')
    expected['HMAC'] = {'kind': 'hmac', 'source': 'fips_cavp.py seed %d' % seed,
                        'cases': cases_expected}


def make(sets, outdir, limit=None):
    """The .req files of the sets, in outdir; limit: vectors a file (a hash)."""
    os.makedirs(outdir, exist_ok=True)
    expected = {}
    for s in sets:
        if s in ('hmac', 'hmac-noempty'):
            hmac_file(outdir, expected, limit=limit, empty=s == 'hmac')
            continue
        for rel in CAVP_FILES[s]:
            make_from_rsp(s, os.path.join(VECTORS, rel), outdir, expected, limit)
    with open(os.path.join(outdir, 'expected.json'), 'w') as f:
        json.dump(expected, f)
    return expected


def check(expected, rspdir, allow_bypass=True, verbose=True):
    """Compare fips_validation's answers with the expected ones.

    Returns {file: counts} with counts of vectors in, answered, right, wrong,
    skipped ("Bypass") and missing (no answer: the run stopped before or at it)."""
    results = {}
    for name, e in sorted(expected.items()):
        c = dict(vectors=len(e['cases']), answered=0, right=0, wrong=0,
                 skipped=0, skipped_unexpected=0, missing=0)
        path = os.path.join(rspdir, name + '.rsp')
        got = [b for b in read_blocks(path) if is_case(b)] if os.path.exists(path) else []
        # fips_validation writes each case block back as it read it, then
        # its answer lines: the n-th case block out is the n-th in.
        shown = 0
        for n, case in enumerate(e['cases']):
            if n >= len(got) or got[n][:len(case['req'])] != case['req']:
                c['missing'] += 1
                continue
            extra = got[n][len(case['req']):]
            if not extra:
                # written back, then abandoned: the run stopped there
                c['missing'] += 1
                continue
            if extra == ['Bypass']:
                c['skipped'] += 1
                if not case['bypass_ok']:
                    c['skipped_unexpected'] += 1
                continue
            c['answered'] += 1
            ans = {}
            for line in extra:
                k, v = split_line(line)
                ans[k] = v
            want = case['answer']
            norm = {k: (v.lower() if v is not None else None) for k, v in ans.items()}
            normw = {k: (v.lower() if v is not None else None) for k, v in want.items()}
            if norm == normw:
                c['right'] += 1
            else:
                c['wrong'] += 1
                if verbose and shown < 3:
                    shown += 1
                    print(f'  WRONG {name} {case["id"]} {case["params"]}: '
                          f'got {ans}, want {want}')
        results[name] = c
    return results


def summary(results, label):
    tot = {k: sum(r[k] for r in results.values()) for k in next(iter(results.values()))}
    for name, r in sorted(results.items()):
        print(f'{label} {name}: {r["vectors"]} vectors in, {r["answered"]} answered, '
              f'{r["right"]} right, {r["wrong"]} wrong, {r["skipped"]} skipped (Bypass)'
              + (f', {r["missing"]} missing' if r['missing'] else '')
              + (f', {r["skipped_unexpected"]} of them unexpected'
                 if r['skipped_unexpected'] else ''))
    print(f'{label} TOTAL: {tot["vectors"]} vectors in, {tot["answered"]} answered, '
          f'{tot["right"]} right, {tot["wrong"]} wrong, {tot["skipped"]} skipped, '
          f'{tot["missing"]} missing')
    return tot


def workdir():
    # fips_validation names an answer file by replacing the first "req" in
    # its whole path: no "req" may appear in the directory's name.
    while True:
        d = tempfile.mkdtemp(prefix='fips-', dir='/tmp')
        if 'req' not in d:
            return d
        os.rmdir(d)


def run(a, s):
    """One set: its files in a folder, one fips_validation process."""
    d = workdir()
    ok = True
    try:
        indir, outdir = os.path.join(d, 'in'), os.path.join(d, 'out')
        expected = make([s], indir)
        os.makedirs(outdir)
        folder = ['--req-file', indir, '--rsp-file', outdir, '--path-is-folder']
        nfiles = len(expected)
        if a.via == 'virtio':
            cmd = [sys.executable, a.runner, '--daemon', a.daemon, '--pmd', a.pmd,
                   '--timeout', str(RUN_TIMEOUT_S),
                   # one "Done" per file, and no file abandoned
                   '--expect', r'(?s)(Done.*){%d}' % nfiles,
                   '--reject', r'Failed test|Error -?\d+',
                   '--', a.app, '-l', '0', '--no-pci', '--single-file-segments',
                   f'--file-prefix=fips-{os.getpid()}', '-d', '@PMD@', '--vdev', '@VDEV@',
                   '--', *folder, '--cryptodev', 'crypto_virtio_user0']
        else:
            cmd = [a.app, '-l', '0', '--no-pci', '--in-memory',
                   f'--file-prefix=fips-mb-{os.getpid()}', '--vdev', 'crypto_aesni_mb',
                   '--', *folder, '--cryptodev', 'crypto_aesni_mb']
        print('+ ' + ' '.join(cmd))
        sys.stdout.flush()
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           errors='replace', timeout=RUN_TIMEOUT_S + 120)
        tail = p.stdout.splitlines()
        print('\n'.join(tail[-25:]))
        print(f'--- rc {p.returncode}')
        if p.returncode != 0:
            print(f'FAIL: fips_validation run ({a.via}) exits with {p.returncode}')
            ok = False
        results = check(expected, outdir)
        tot = summary(results, f'{a.via} {s}')
        want_skip = sum(c['bypass_ok'] for e in expected.values() for c in e['cases'])
        if a.via == 'virtio':
            counted = (tot['vectors'], want_skip) == SET_VECTORS[s]
            print(('PASS' if counted else 'FAIL') + f': {tot["vectors"]} vectors, {want_skip} '
                  f'of them to be skipped (expected {SET_VECTORS[s][0]}, {SET_VECTORS[s][1]})')
            ok = ok and counted
            good = (tot['wrong'] == 0 and tot['missing'] == 0
                    and tot['skipped'] == want_skip and tot['skipped_unexpected'] == 0
                    and tot['right'] == tot['vectors'] - want_skip)
            print(('PASS' if good else 'FAIL') + f': every one of {tot["vectors"]} vectors '
                  f'answered right ({tot["vectors"] - want_skip}) or, where the device says '
                  f'it cannot, skipped ({want_skip})')
            ok = ok and good
        elif s == 'hmac':
            # Informational: aesni_mb's own defect (an HMAC of an empty
            # message spoils every later one) is not ours to fail on; it is
            # why the daemon never gives it such a request.
            print(f'INFO: crypto_aesni_mb directly, {s}: {tot["wrong"]} wrong of '
                  f'{tot["answered"]} answered')
        else:
            # Everything else, HMAC without empty messages included, is
            # right there too: the baseline the virtio answers are held to,
            # and a sign of the day the defect spreads.
            good = tot['wrong'] == 0 and tot['missing'] == 0 and tot['answered'] > 0
            print(('PASS' if good else 'FAIL') + f': crypto_aesni_mb directly, {s}: '
                  f'{tot["wrong"]} wrong, {tot["missing"]} missing of {tot["answered"]} answered')
            ok = ok and good
    finally:
        if a.keep:
            print(f'kept {d}')
        else:
            shutil.rmtree(d, ignore_errors=True)
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='cmd', required=True)
    m = sub.add_parser('make')
    m.add_argument('--set', action='append', choices=SETS, required=True)
    m.add_argument('dir')
    c = sub.add_parser('check')
    c.add_argument('dir')
    c.add_argument('rspdir')
    c.add_argument('--label', default='check')
    r = sub.add_parser('run')
    r.add_argument('--set', action='append', choices=SETS, required=True)
    r.add_argument('--app', required=True, help='dpdk-fips_validation')
    r.add_argument('--via', choices=('virtio', 'aesni_mb'), default='virtio')
    r.add_argument('--runner', help='run_with_daemon.py')
    r.add_argument('--daemon')
    r.add_argument('--pmd')
    r.add_argument('--keep', action='store_true', help='keep the files')
    a = ap.parse_args()
    if a.cmd == 'make':
        e = make(a.set, a.dir)
        print(f'{sum(len(x["cases"]) for x in e.values())} vectors in {len(e)} files')
        return True
    if a.cmd == 'check':
        with open(os.path.join(a.dir, 'expected.json')) as f:
            expected = json.load(f)
        tot = summary(check(expected, a.rspdir), a.label)
        return tot['wrong'] == 0 and tot['missing'] == 0
    if a.via == 'virtio' and not (a.runner and a.daemon and a.pmd):
        ap.error('--via virtio needs --runner, --daemon and --pmd')
    # A process per set: fips_validation carries state from one file to the
    # next (a digest length after AES-GCM decrypt files, written back as
    # zeros after AES-CBC answers), so sets are not mixed in one folder.
    return all([run(a, s) for s in a.set])


if __name__ == '__main__':
    sys.exit(0 if main() else 1)
