#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Generate the layout checks of drivers/crypto/virtio/dpdk_driver_abi.h.

The checks are read from the header itself, so a structure, field, macro
or function added there is checked without anyone listing it again. The
output is one C header that test_driver_abi.c includes three times:

  VC_ABI_PHASE 1  renames every name the header declares (vc_abi_ours_*),
                  so that it can be read next to DPDK's own driver headers;
  VC_ABI_PHASE 2  drops the renames and keeps our macros' values;
  VC_ABI_PHASE 3  _Static_asserts, for every field, that DPDK's structure
                  has it at the same offset with the same size, and for
                  every structure its size (and alignment) against DPDK's.

With --names it writes instead the list of every field, enumerator and
macro the header declares (vc_abi_declared[], conditionals kept), which the
live check (test_driver_abi_live.c) must account for one by one.

Conventions the header follows (and this script relies on):
  - a field named `unused` is room we keep for fields a later DPDK appends
    to a structure we hand to it: ours must be at least as large as DPDK's;
  - a comment saying "more fields follow" marks a structure DPDK allocates
    of which we declare the beginning only: ours must not be larger;
  - every other structure is declared whole: sizes must be equal;
  - preprocessor conditionals inside a structure are kept around its checks.
"""

import re
import sys

PREFIX = 'vc_abi_ours_'


def strip_comments(text):
    return re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count('\n'), text, flags=re.S)


def statements(body):
    """Split a structure body into (directive line) and (member statement)."""
    out, cur, depth = [], '', 0
    for line in body.split('\n'):
        s = line.strip()
        if s.startswith('#') and depth == 0 and not cur.strip():
            out.append(('pp', s))
            continue
        for ch in line:
            cur += ch
            if ch in '({':
                depth += 1
            elif ch in ')}':
                depth -= 1
            elif ch == ';' and depth == 0:
                out.append(('member', ' '.join(cur.split())))
                cur = ''
        cur += ' '
    return out


def member_name(stmt):
    """The field a member statement declares, and whether it is a bitfield."""
    m = re.search(r'\(\s*\*\s*(\w+)\s*\)\s*\(', stmt)  # function pointer
    if m:
        return m.group(1), False
    m = re.search(r'(\w+)\s*:\s*\d+\s*;$', stmt)
    if m:
        return m.group(1), True
    m = re.search(r'(\w+)\s*(\[[^\]]*\]\s*)*;$', stmt)
    if not m:
        sys.exit('gen_driver_abi_check: cannot read member "%s"' % stmt)
    return m.group(1), False


def parse(text):
    raw = text
    # Continued lines of macros joined: no statement starts inside one.
    text = re.sub(r'\\\n', ' ', strip_comments(text))
    structs, enums, names, macros = [], [], set(), []

    for m in re.finditer(r'^struct (\w+) \{\n(.*?)^\}[^;]*;', text, flags=re.S | re.M):
        tag, body = m.group(1), m.group(2)
        raw_body = raw[raw.find('struct %s {' % tag):]
        raw_body = raw_body[:raw_body.find('\n}')]
        fields = []
        for kind, s in statements(body):
            if kind == 'pp':
                fields.append(('pp', s, False))
            else:
                name, bitfield = member_name(s)
                fields.append(('field', name, bitfield))
        if any(f[1] == 'unused' for f in fields if f[0] == 'field'):
            kind = 'room'
        elif 'more fields follow' in raw_body:
            kind = 'prefix'
        else:
            kind = 'whole'
        structs.append((tag, kind, fields))
        names.add(tag)

    for m in re.finditer(r'^enum (\w+) \{(.*?)\};', text, flags=re.S | re.M):
        consts = re.findall(r'^\s*(\w+)\s*(?:=[^,\n]*)?,?\s*$', m.group(2), flags=re.M)
        enums.append((m.group(1), consts))
        names.add(m.group(1))
        names.update(consts)

    # Typedefs and function prototypes at file scope.
    top = re.sub(r'^(struct|enum) \w+ \{.*?^\}[^;]*;', '', text, flags=re.S | re.M)
    top = re.sub(r'^static inline.*?^\}', '', top, flags=re.S | re.M)
    top = '\n'.join(l for l in top.split('\n') if not l.lstrip().startswith('#'))
    for stmt in (' '.join(s.split()) for s in top.split(';')):
        if not stmt:
            continue
        m = re.match(r'typedef .*\(\s*\*?\s*(\w+)\s*\)\s*\(', stmt) or \
            re.match(r'typedef .*?(\w+)$', stmt)
        if m:
            names.add(m.group(1))
            continue
        m = re.search(r'(\w+)\s*\([^()]*\)$', stmt)
        if m and not stmt.startswith('struct %s' % m.group(1)):
            names.add(m.group(1))

    for m in re.finditer(r'^#define (RTE_\w+)\s', text, flags=re.M):
        macros.append(m.group(1))
    # Our own helpers (vc_*, VC_*) have no counterpart in DPDK.
    names = [n for n in names if not n.lower().startswith('vc_')]
    return structs, enums, sorted(names), macros


def emit(structs, enums, names, macros, src):
    o = ['/* Generated by gen_driver_abi_check.py from %s: do not edit. */' % src, '']
    o.append('#if VC_ABI_PHASE == 1')
    o += ['#define %s %s%s' % (n, PREFIX, n) for n in names]
    o.append('#elif VC_ABI_PHASE == 2')
    o += ['#undef %s' % n for n in names]
    for mac in macros:
        o.append('enum { %s%s = %s };' % (PREFIX, mac, mac))
        o.append('#undef %s' % mac)
    o.append('#elif VC_ABI_PHASE == 3')
    n_fields = 0
    for tag, kind, fields in structs:
        ours, theirs = 'struct %s%s' % (PREFIX, tag), 'struct %s' % tag
        o.append('')
        o.append('/* struct %s (%s) */' % (tag, kind))
        for f in fields:
            if f[0] == 'pp':
                o.append(f[1])
                continue
            name, bitfield = f[1], f[2]
            if bitfield:
                o.append('/* %s: a bitfield, placed by its neighbours */' % name)
                continue
            if name == 'unused':
                continue
            n_fields += 1
            o.append('VC_ABI_FIELD(%s, %s, %s);' % (ours, theirs, name))
        if kind == 'room':
            o.append('_Static_assert(sizeof(%s) >= sizeof(%s), "struct %s: DPDK\'s is larger '
                     'than ours with its room");' % (ours, theirs, tag))
        elif kind == 'prefix':
            o.append('_Static_assert(sizeof(%s) <= sizeof(%s), "struct %s: ours is larger '
                     'than DPDK\'s");' % (ours, theirs, tag))
        else:
            o.append('_Static_assert(sizeof(%s) == sizeof(%s), "struct %s: sizes differ");'
                     % (ours, theirs, tag))
            o.append('_Static_assert(_Alignof(%s) == _Alignof(%s), "struct %s: alignments differ");'
                     % (ours, theirs, tag))
    for tag, consts in enums:
        o.append('')
        o.append('_Static_assert(sizeof(enum %s%s) == sizeof(enum %s), "enum %s: sizes differ");'
                 % (PREFIX, tag, tag, tag))
        for c in consts:
            o.append('_Static_assert((int)%s%s == (int)%s, "%s differs");' % (PREFIX, c, c, c))
    o.append('')
    for mac in macros:
        o.append('_Static_assert(%s%s == %s, "%s differs");' % (PREFIX, mac, mac, mac))
    o.append('')
    o.append('#define VC_ABI_N_STRUCTS %d' % len(structs))
    o.append('#define VC_ABI_N_FIELDS %d' % n_fields)
    o.append('#define VC_ABI_N_NAMES %d' % (len(names) + len(macros)))
    o.append('#endif')
    return '\n'.join(o) + '\n'


def emit_names(structs, enums, macros, src, offsets):
    """Every field (as TAG.FIELD), enumerator and macro, bitfields included;
    `unused` is our room, not a field of DPDK's. Our own VC_*_OFFSET macros
    are positions in DPDK's objects, so they are listed too."""
    o = ['/* Generated by gen_driver_abi_check.py --names from %s: do not edit. */' % src, '']
    # VC_ABI_HAS_TAG_FIELD under the header's own conditionals, so that the
    # test uses a field exactly when the header declares it.
    for tag, kind, fields in structs:
        for f in fields:
            if f[0] == 'pp':
                o.append(f[1])
            elif f[1] != 'unused':
                o.append('#define VC_ABI_HAS_%s_%s 1' % (tag, f[1]))
    o.append('')
    o.append('static const char *const vc_abi_declared[] = {')
    for tag, kind, fields in structs:
        for f in fields:
            if f[0] == 'pp':
                o.append(f[1])
            elif f[1] != 'unused':
                o.append('\t"%s.%s",' % (tag, f[1]))
    for tag, consts in enums:
        o += ['\t"%s",' % c for c in consts]
    o += ['\t"%s",' % m for m in macros + offsets]
    o.append('};')
    return '\n'.join(o) + '\n'


def main():
    args = sys.argv[1:]
    names_only = args[:1] == ['--names']
    if names_only:
        args = args[1:]
    if len(args) != 2:
        sys.exit('usage: gen_driver_abi_check.py [--names] dpdk_driver_abi.h output.h')
    with open(args[0]) as f:
        text = f.read()
    structs, enums, names, macros = parse(text)
    offsets = re.findall(r'^#define (VC_\w+_OFFSET)\s', text, flags=re.M)
    if not structs:
        sys.exit('gen_driver_abi_check: no structure in %s' % args[0])
    src = args[0].split('/')[-1]
    with open(args[1], 'w') as f:
        if names_only:
            f.write(emit_names(structs, enums, macros, src, offsets))
        else:
            f.write(emit(structs, enums, names, macros, src))


if __name__ == '__main__':
    main()
