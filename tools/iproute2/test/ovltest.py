#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Offline tests of the ovl-vxlan / ovl-gre iproute2 plugins through the
real ip binary, without the kernel module (see nlfake.c):

  * parsing: `ip link add|set ... type ovl-*` requests are captured and
    their IFLA_INFO_DATA compared with the expected IFLA_OVL_* attributes;
    bad command lines must fail with a clear message and send nothing;
  * printing: `ip -d [-s] [-j] link show` over RTM_NEWLINK messages built
    here, as the kernel would report them (text and JSON).

Attribute numbers come from kmod/include/uapi/linux/ovlnet.h.

usage: ovltest.py IP PLUGIN_DIR NLFAKE_SO WORKDIR
"""
import ipaddress
import json
import os
import re
import socket
import struct
import subprocess
import sys

HDR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                   '../../../kmod/include/uapi/linux/ovlnet.h')


def uapi_enums(path):
    """Name -> value for every enumerator in the header."""
    text = open(path).read()
    vals = {}
    for body in re.findall(r'enum\s*\w*\s*\{(.*?)\}', text, re.S):
        body = re.sub(r'/\*.*?\*/', '', body, flags=re.S)
        n = 0
        for item in body.split(','):
            item = item.strip()
            if not item:
                continue
            if '=' in item:
                name, expr = [s.strip() for s in item.split('=')]
                n = eval(expr, {}, dict(vals))
            else:
                name = item
            vals[name] = n
            n += 1
    return vals


E = uapi_enums(HDR)
OVL_NAME = {v: k[len('IFLA_OVL_'):] for k, v in E.items()
            if k.startswith('IFLA_OVL_') and
            not k.startswith('IFLA_OVL_XSTATS') and
            k not in ('IFLA_OVL_UNSPEC', 'IFLA_OVL_MAX')}
RTM_NEWLINK = 16
NLM_F_CREATE = 0x400
IFLA_IFNAME, IFLA_MTU, IFLA_TXQLEN, IFLA_LINKINFO = 3, 4, 13, 18
IFLA_INFO_KIND, IFLA_INFO_DATA, IFLA_INFO_XSTATS = 1, 2, 3

# ---------------------------------------------------------------- building


def attr(t, payload):
    ln = 4 + len(payload)
    return struct.pack('=HH', ln, t) + payload + b'\0' * ((4 - ln % 4) % 4)


def a(name, payload):
    return attr(E['IFLA_OVL_' + name], payload)


def u8(name, v):
    return a(name, struct.pack('=B', v))


def u32(name, v):
    return a(name, struct.pack('=I', v))


def be16(name, v):
    return a(name, struct.pack('!H', v))


def ip(name, s):
    return a(name, ipaddress.ip_address(s).packed)


def xstats(values):
    return b''.join(attr(t, struct.pack('=Q', v)) for t, v in values)


def link(ifindex, name, kind, data=None, xs=None):
    info = attr(IFLA_INFO_KIND, kind.encode() + b'\0')
    if data is not None:
        info += attr(IFLA_INFO_DATA, data)
    if xs is not None:
        info += attr(IFLA_INFO_XSTATS, xs)
    body = struct.pack('=BxHiII', socket.AF_UNSPEC, 1, ifindex, 0x1043, 0)
    body += attr(IFLA_IFNAME, name.encode() + b'\0')
    body += attr(IFLA_MTU, struct.pack('=I', 1450))
    body += attr(IFLA_TXQLEN, struct.pack('=I', 1000))
    body += attr(IFLA_LINKINFO, info)
    return struct.pack('=IHHII', 16 + len(body), RTM_NEWLINK, 0, 0, 0) + body


def vxlan4():
    return (u32('ID', 42) + ip('LOCAL', '10.0.0.1') +
            ip('REMOTE', '10.0.0.2') + u32('LINK', 1) + be16('PORT', 4789) +
            a('PORT_RANGE', struct.pack('!HH', 49152, 65535)) +
            u8('TTL', 64) + u8('TTL_INHERIT', 0) +
            u8('TOS', 0x10) + u8('TOS_INHERIT', 0) +
            u8('DF', E['OVL_DF_SET']) + u8('LEARNING', 1) +
            u32('AGEING', 300) + u32('MAXADDR', 0) + u8('UDP_CSUM', 0) +
            u32('BUMLIMIT', 1000) + u8('PROXY', 1) + u8('L2MISS', 0) +
            u8('L3MISS', 1) + u8('REMOTES_ONLY', 1) + u32('FWMARK', 0x20) +
            u32('PRIORITY', 7))


def vxlan6():
    return (u32('ID', 16777215) + ip('LOCAL6', '2001:db8::1') +
            ip('GROUP6', 'ff05::100') +
            u8('UDP6_ZERO_CSUM_TX', 1) + u8('UDP6_ZERO_CSUM_RX', 0) +
            ip('REMOTE', '0.0.0.0') +               # unset: not printed
            u8('TTL', 0) + u8('TTL_INHERIT', 1) +
            u8('TOS', 0) + u8('TOS_INHERIT', 1) +
            u8('DF', E['OVL_DF_INHERIT']) + u8('LEARNING', 0))


def gre():
    return (u32('ID', 0x01020304) + ip('LOCAL', '192.0.2.1') +
            ip('REMOTE', '192.0.2.2') + u8('TTL', 0) +
            u8('DF', E['OVL_DF_UNSET']) + u8('GRE_CSUM', 1) +
            u8('NVGRE', 1) + u32('MAXADDR', 512))


def broken():
    """Short payloads must be skipped, not read past."""
    return (a('ID', b'\x01') + a('LOCAL6', b'\x20\x01') +
            a('PORT_RANGE', b'\x00') + a('AGEING', b''))


def all_xstats():
    vals = sorted(v for k, v in E.items()
                  if k.startswith('IFLA_OVL_XSTATS_') and
                  not k.endswith(('_UNSPEC', '_MAX')))
    return xstats([(v, 1000 + v) for v in vals] + [(99, 5)])


def write_links(path):
    msgs = [
        link(101, 'ovx4', 'ovl-vxlan', vxlan4(), all_xstats()),
        link(102, 'ovx6', 'ovl-vxlan', vxlan6()),
        link(103, 'ogre', 'ovl-gre', gre(), xstats([(1, 7)])),
        link(104, 'onodata', 'ovl-vxlan'),
        link(105, 'oempty', 'ovl-gre', b''),
        link(106, 'obroken', 'ovl-vxlan', broken()),
    ]
    with open(path, 'wb') as f:
        f.write(b''.join(msgs))

# ---------------------------------------------------------------- decoding


def attrs(buf):
    off = 0
    while off + 4 <= len(buf):
        ln, t = struct.unpack_from('=HH', buf, off)
        if ln < 4:
            break
        yield t & 0x3fff, buf[off + 4:off + ln]
        off += (ln + 3) & ~3


def decode_value(name, p):
    if name in ('LOCAL', 'REMOTE', 'GROUP', 'LOCAL6', 'REMOTE6', 'GROUP6'):
        return str(ipaddress.ip_address(p))
    if name == 'PORT':
        return struct.unpack('!H', p)[0]
    if name == 'PORT_RANGE':
        return struct.unpack('!HH', p)
    if len(p) == 1:
        return p[0]
    if len(p) == 4:
        return struct.unpack('=I', p)[0]
    return p


def read_requests(path):
    """[(flags, kind, {ATTR: value})] of the RTM_NEWLINKs with linkinfo."""
    out = []
    if not os.path.exists(path):
        return out
    buf = open(path, 'rb').read()
    off = 0
    while off + 16 <= len(buf):
        ln, typ, flags = struct.unpack_from('=IHH', buf, off)
        msg = buf[off + 32:off + ln]        # nlmsghdr + ifinfomsg
        off += (ln + 3) & ~3
        for t, p in attrs(msg):
            if t != IFLA_LINKINFO:
                continue
            kind, data = None, {}
            for it, ip_ in attrs(p):
                if it == IFLA_INFO_KIND:
                    kind = ip_.rstrip(b'\0').decode()
                elif it == IFLA_INFO_DATA:
                    for dt, dp in attrs(ip_):
                        name = OVL_NAME.get(dt, str(dt))
                        data[name] = decode_value(name, dp)
            out.append((flags, kind, data))
    return out

# ---------------------------------------------------------------- running


class T:
    def __init__(self, ipbin, libdir, shim, work):
        self.ip, self.work = ipbin, work
        self.reqs = os.path.join(work, 'reqs.bin')
        self.links = os.path.join(work, 'links.bin')
        self.env = dict(os.environ, IP_LIB_DIR=libdir, LD_PRELOAD=shim,
                        OVL_FAKE_REQS=self.reqs, OVL_FAKE_LINKS=self.links)
        self.passed = self.failed = 0

    def run(self, args):
        if os.path.exists(self.reqs):
            os.unlink(self.reqs)
        r = subprocess.run([self.ip] + args, env=self.env,
                           capture_output=True, text=True)
        return r.returncode, r.stdout, r.stderr

    def check(self, name, ok, detail=''):
        if ok:
            self.passed += 1
            print('ok   ' + name)
        else:
            self.failed += 1
            print('FAIL ' + name + ('\n     ' + detail if detail else ''))

    def parse_ok(self, cmd, kind, expect, create=True):
        rc, out, err = self.run(cmd.split())
        reqs = read_requests(self.reqs)
        got = reqs[-1] if reqs else None
        ok = (rc == 0 and got is not None and got[1] == kind and
              got[2] == expect and
              bool(got[0] & NLM_F_CREATE) == create)
        self.check('parse: ' + cmd, ok,
                   'rc=%d err=%r got=%r expected=%r' %
                   (rc, err.strip(), got, expect))

    def parse_err(self, cmd, msg):
        rc, out, err = self.run(cmd.split())
        sent = read_requests(self.reqs)
        ok = rc != 0 and msg in (out + err) and not sent
        self.check('reject: %s -> %r' % (cmd, msg), ok,
                   'rc=%d out+err=%r sent=%r' % (rc, out + err, sent))


def parse_tests(t):
    add_v = 'link add x0 type ovl-vxlan '
    add_g = 'link add x0 type ovl-gre '
    t.parse_ok(add_v + 'id 42 local 10.0.0.1 remote 10.0.0.2 dev lo '
               'dstport 4789 srcport 1000 2000 ttl 64 tos 0x10 df set '
               'nolearning ageing 30 maxaddress 100 noudpcsum bumlimit 1000 '
               'proxy l2miss nol3miss remotes-only fwmark 0x10 priority 7',
               'ovl-vxlan',
               {'ID': 42, 'LOCAL': '10.0.0.1', 'REMOTE': '10.0.0.2',
                'LINK': 1, 'PORT': 4789, 'PORT_RANGE': (1000, 2000),
                'TTL': 64, 'TTL_INHERIT': 0, 'TOS': 16, 'TOS_INHERIT': 0,
                'DF': E['OVL_DF_SET'], 'LEARNING': 0, 'AGEING': 30,
                'MAXADDR': 100, 'UDP_CSUM': 0, 'BUMLIMIT': 1000,
                'PROXY': 1, 'L2MISS': 1, 'L3MISS': 0, 'REMOTES_ONLY': 1,
                'FWMARK': 16, 'PRIORITY': 7})
    t.parse_ok(add_v + 'vni 16777215 local 2001:db8::1 group ff05::1 '
               'ttl auto tos 16 df unset learning udpcsum noproxy '
               'noremotes-only',
               'ovl-vxlan',
               {'ID': 16777215, 'LOCAL6': '2001:db8::1',
                'GROUP6': 'ff05::1', 'TTL': 0, 'TTL_INHERIT': 0,
                'TOS': 16, 'TOS_INHERIT': 0, 'DF': E['OVL_DF_UNSET'],
                'LEARNING': 1, 'UDP_CSUM': 1, 'PROXY': 0,
                'REMOTES_ONLY': 0})
    t.parse_ok(add_v + 'id 0 remote 2001:db8::2 ttl inherit tos inherit '
               'df inherit', 'ovl-vxlan',
               {'ID': 0, 'REMOTE6': '2001:db8::2', 'TTL_INHERIT': 1,
                'TOS_INHERIT': 1, 'DF': E['OVL_DF_INHERIT']})
    t.parse_ok(add_v + 'id 7 remote 2001:db8::2 udp6zerocsumtx '
               'noudp6zerocsumrx', 'ovl-vxlan',
               {'ID': 7, 'REMOTE6': '2001:db8::2', 'UDP6_ZERO_CSUM_TX': 1,
                'UDP6_ZERO_CSUM_RX': 0})
    t.parse_ok(add_v + 'id 7 noudp6zerocsumtx udp6zerocsumrx', 'ovl-vxlan',
               {'ID': 7, 'UDP6_ZERO_CSUM_TX': 0, 'UDP6_ZERO_CSUM_RX': 1})
    t.parse_err(add_g + 'key 1 udp6zerocsumtx',
                'unknown option "udp6zerocsumtx"')
    t.parse_ok(add_v + 'id 1 group 239.1.1.1 dev lo', 'ovl-vxlan',
               {'ID': 1, 'GROUP': '239.1.1.1', 'LINK': 1})
    t.parse_ok(add_g + 'key 1.2.3.4 remote 10.0.0.2 csum nvgre', 'ovl-gre',
               {'ID': 0x01020304, 'REMOTE': '10.0.0.2', 'GRE_CSUM': 1,
                'NVGRE': 1})
    t.parse_ok(add_g + 'key 0x10 nocsum nonvgre ageing none '
               'maxaddress unlimited bumlimit off learning', 'ovl-gre',
               {'ID': 16, 'GRE_CSUM': 0, 'NVGRE': 0, 'AGEING': 0,
                'MAXADDR': 0, 'BUMLIMIT': 0, 'LEARNING': 1})
    t.parse_ok(add_g + 'key 4294967295', 'ovl-gre', {'ID': 4294967295})
    # changelink: only what was given, id/key not required
    t.parse_ok('link set lo type ovl-vxlan ttl 7', 'ovl-vxlan',
               {'TTL': 7, 'TTL_INHERIT': 0}, create=False)
    t.parse_ok('link set lo type ovl-gre nolearning', 'ovl-gre',
               {'LEARNING': 0}, create=False)

    t.parse_err(add_v + 'id 16777216', 'Error: argument "16777216" is '
                'wrong: id')
    t.parse_err(add_v + 'id 4x', 'is wrong: id')
    t.parse_err(add_v + 'id -1', 'is wrong: id')
    t.parse_err(add_v + 'remote 10.0.0.2', 'missing "id VNI"')
    t.parse_err(add_g + 'remote 10.0.0.2', 'missing "key KEY"')
    t.parse_err(add_g + 'key 1.2.3', 'is wrong: key')
    t.parse_err(add_g + 'key 4294967296', 'is wrong: key')
    t.parse_err(add_v + 'id 1 bogus', 'unknown option "bogus"')
    t.parse_err(add_v + 'id 1 csum', 'unknown option "csum"')
    t.parse_err(add_v + 'id 1 nvgre', 'unknown option "nvgre"')
    t.parse_err(add_g + 'key 1 dstport 4789', 'unknown option "dstport"')
    t.parse_err(add_g + 'key 1 udpcsum', 'unknown option "udpcsum"')
    t.parse_err(add_v + 'id 1 id 2', 'duplicate "id"')
    t.parse_err(add_v + 'id 1 vni 2', 'duplicate "id"')
    t.parse_err(add_v + 'id 1 learning nolearning', 'duplicate')
    t.parse_err(add_v + 'id 1 remote 10.0.0.2 group 239.1.1.1',
                'both remote and group')
    t.parse_err(add_v + 'id 1 remote 239.1.1.1', 'must not be a multicast')
    t.parse_err(add_v + 'id 1 group 10.0.0.1', 'not a multicast')
    t.parse_err(add_v + 'id 1 local 10.0.0.1 remote 2001:db8::1',
                'same address family')
    t.parse_err(add_v + 'id 1 remote nohost', 'is wrong: remote')
    t.parse_err(add_v + 'id 1 dev nosuchdev0', 'Cannot find device')
    t.parse_err(add_v + 'id 1 ttl 256', 'is wrong: ttl')
    t.parse_err(add_v + 'id 1 tos 0x100', 'is wrong: tos')
    t.parse_err(add_v + 'id 1 df maybe', 'is wrong: df')
    t.parse_err(add_v + 'id 1 dstport 65536', 'is wrong: dstport')
    t.parse_err(add_v + 'id 1 srcport 2000 1000', 'srcport')
    t.parse_err(add_v + 'id 1 srcport 2000', 'Command line is not complete')
    t.parse_err(add_v + 'id 1 ageing', 'Command line is not complete')
    t.parse_err(add_v + 'id 1 fwmark 0x1ffffffff', 'is wrong: fwmark')
    t.parse_err(add_v + 'id 42 remote 10.0.0.2 dstport 4789 help',
                'Usage: ... ovl-vxlan id VNI')
    t.parse_err(add_v + 'id 99999999 help', 'Usage: ... ovl-vxlan')
    t.parse_err(add_g + 'help', 'Usage: ... ovl-gre key KEY')
    for kind in ('ovl-vxlan', 'ovl-gre'):
        rc, out, err = t.run(['link', 'help', kind])
        t.check('ip link help ' + kind,
                'Usage: ... %s' % kind in out + err, out + err)


def print_tests(t):
    write_links(t.links)
    rc, out, err = t.run(['-d', '-s', 'link', 'show'])
    t.check('text: ip -d -s link show rc', rc == 0, err)
    blocks = {}
    for b in re.split(r'\n(?=\d+: )', out):
        m = re.match(r'\d+: (\w+):', b)
        if m:
            blocks[m.group(1)] = ' '.join(b.split())
    expect = {
        'ovx4': 'ovl-vxlan id 42 remote 10.0.0.2 local 10.0.0.1 dev lo '
                'srcport 49152 65535 dstport 4789 ttl 64 tos 0x10 df set '
                'learning proxy nol2miss l3miss remotes-only ageing 300 '
                'maxaddress unlimited bumlimit 1000 fwmark 0x20 priority 7 '
                'noudpcsum rx_bad_header 1001 rx_unknown_id 1002',
        'ovx6': 'ovl-vxlan id 16777215 group ff05::100 local 2001:db8::1 '
                'ttl inherit tos inherit df inherit nolearning '
                'udp6zerocsumtx noudp6zerocsumrx',
        'ogre': 'ovl-gre key 16909060 remote 192.0.2.2 local 192.0.2.1 '
                'ttl auto df unset maxaddress 512 csum nvgre rx_bad_header 7',
        'onodata': 'ovl-vxlan',
        'oempty': 'ovl-gre',
        'obroken': 'ovl-vxlan',
    }
    for dev, frag in expect.items():
        t.check('text: ' + dev, frag in blocks.get(dev, ''),
                'got %r' % blocks.get(dev))
    t.check('text: xstats tx line',
            'tx_no_route 1009 tx_no_dest 1010 tx_bum_limited 1011 '
            'tx_too_big 1012 tx_proxy_replies 1013' in blocks['ovx4'])
    t.check('text: no remote 0.0.0.0', 'remote' not in blocks['ovx6'])
    rc, out, err = t.run(['-d', 'link', 'show'])
    t.check('text: no xstats without -s', 'rx_bad_header' not in out)

    rc, out, err = t.run(['-j', '-d', '-s', 'link', 'show'])
    try:
        js = {d['ifname']: d['linkinfo'] for d in json.loads(out)}
        t.check('json: valid', rc == 0 and not err.strip(), err)
    except (ValueError, KeyError) as e:
        t.check('json: valid', False, '%s: %r %r' % (e, out, err))
        return
    d = js['ovx4']['info_data']
    t.check('json: ovx4 info_data', d == {
        'id': 42, 'remote': '10.0.0.2', 'local': '10.0.0.1', 'link': 'lo',
        'port_range': {'low': 49152, 'high': 65535}, 'port': 4789,
        'ttl': 64, 'ttl_inherit': False, 'tos': 16, 'tos_inherit': False,
        'df': 'set', 'learning': True, 'proxy': True, 'l2miss': False,
        'l3miss': True, 'remotes_only': True, 'ageing': 300, 'limit': 0,
        'bumlimit': 1000, 'fwmark': 32, 'priority': 7,
        'udp_csum': False}, repr(d))
    x = js['ovx4'].get('info_xstats', {})
    t.check('json: ovx4 info_xstats',
            x.get('rx_bad_header') == 1001 and
            x.get('tx_proxy_replies') == 1013 and
            x.get('tx_encap_errors') == 1014 and x.get('xstat_99') == 5 and
            x.get('learn_blocked') == 1015 and
            x.get('rx_ecn_errors') == 1019 and
            x.get('tx_bad_metadata') == 1020 and
            len(x) == 21, repr(x))
    d = js['ovx6']['info_data']
    t.check('json: ovx6 info_data', d == {
        'id': 16777215, 'group6': 'ff05::100', 'local6': '2001:db8::1',
        'ttl': 0, 'ttl_inherit': True, 'tos': 0, 'tos_inherit': True,
        'df': 'inherit', 'learning': False, 'udp_zero_csum6_tx': True,
        'udp_zero_csum6_rx': False}, repr(d))
    d = js['ogre']['info_data']
    t.check('json: ogre info_data', d == {
        'key': 16909060, 'remote': '192.0.2.2', 'local': '192.0.2.1',
        'ttl': 0, 'df': 'unset', 'limit': 512, 'csum': True,
        'nvgre': True}, repr(d))
    for dev in ('onodata', 'oempty', 'obroken'):
        t.check('json: %s empty info_data' % dev,
                js[dev].get('info_data') == {}, repr(js[dev]))


def main():
    t = T(*sys.argv[1:5])
    parse_tests(t)
    print_tests(t)
    print('%d passed, %d failed' % (t.passed, t.failed))
    sys.exit(1 if t.failed else 0)


if __name__ == '__main__':
    main()
