#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Summarise a `make bench` raw.csv (kver,case,metric,round,value): medians
# with min-max, ratios ovl/in-tree and ovl/raw, target verdicts, summary.csv
# and gnuplot PNGs.
#
#   report.py --raw RAW.csv --out DIR [--title T] [--wall SEC] [--args A]
import argparse
import collections
import csv
import os
import statistics
import subprocess

LABEL = {
    'raw': 'raw veth', 'vx4': 'vxlan/4', 'ox4': 'ovl-vxlan/4',
    'gt4': 'gretap/4', 'og4': 'ovl-gre/4', 'on4': 'ovl-nvgre/4',
    'vx6': 'vxlan/6', 'ox6': 'ovl-vxlan/6', 'gt6': 'ip6gretap/6',
    'og6': 'ovl-gre/6', 'on6': 'ovl-nvgre/6',
    'fs': 'small FDB', 'fb': 'big FDB',
    'lvx': 'vxlan', 'lox': 'ovl-vxlan', 'vx': 'vxlan', 'ox': 'ovl-vxlan',
    'oq4': 'ovl-vxlan/4 mq', 'gq4': 'ovl-gre/4 mq',
    'oxq': 'ovl mq',
    'xoe': 'ovl-vxlan external', 'xod': 'ovl-vxlan x N',
    'xve': 'vxlan external',
}
TRAFFIC = ['raw', 'vx4', 'ox4', 'gt4', 'og4', 'on4',
           'vx6', 'ox6', 'gt6', 'og6', 'on6', 'oq4', 'gq4']
METRICS = [  # name, header, unit, higher is better
    ('tcp1', 'TCP 1 str', 'Mbit/s', True),
    ('tcp4', 'TCP 4 str', 'Mbit/s', True),
    ('pps', 'UDP 64B', 'pkt/s', True),
    ('rr_p50', 'RR p50', 'us', False),
    ('rr_p99', 'RR p99', 'us', False),
    ('rr_tps', 'RR', 'trans/s', True),
]
PAIRS = [('ox4', 'vx4'), ('ox6', 'vx6'), ('og4', 'gt4'), ('og6', 'gt6'),
         ('on4', 'gt4'), ('on6', 'gt6'), ('oq4', 'vx4'), ('gq4', 'gt4'),
         ('oq4', 'ox4'), ('gq4', 'og4')]
HIGHER = {m[0]: m[3] for m in METRICS}


# (kver, case, metric) -> {round: value}, for paired per-round ratios
BY_ROUND = collections.defaultdict(dict)


def load(path):
    vals = collections.defaultdict(list)
    kvers = []
    with open(path) as f:
        for row in csv.DictReader(f):
            try:
                v = float(row['value'])
            except ValueError:
                continue
            if row['kver'] not in kvers:
                kvers.append(row['kver'])
            vals[(row['kver'], row['case'], row['metric'])].append(v)
            BY_ROUND[(row['kver'], row['case'], row['metric'])][row['round']] = v
    return kvers, vals


def round_gains(k, a, b, m):
    """Per-round ratios a/b (b/a for lower-is-better), rounds paired:
    the cases of one round ran back to back, so these show the spread
    of the ratio itself."""
    ra, rb = BY_ROUND.get((k, a, m), {}), BY_ROUND.get((k, b, m), {})
    out = []
    for r in sorted(set(ra) & set(rb)):
        x, y = ra[r], rb[r]
        if x and y:
            out.append(x / y if HIGHER.get(m, True) else y / x)
    return out


def gain_cell(vals, k, a, b, m):
    """Ratio of medians, then [min-max] of the per-round ratios."""
    g = gain(vals, k, a, b, m)
    if g is None:
        return '-'
    rg = round_gains(k, a, b, m)
    if len(rg) < 2:
        return fmt(g)
    return '%s [%s-%s]' % (fmt(g), fmt(min(rg)), fmt(max(rg)))


def stat(vals, k, c, m):
    v = vals.get((k, c, m))
    if not v:
        return None
    return statistics.median(v), min(v), max(v), len(v)


def fmt(x):
    if x is None:
        return '-'
    if x >= 100:
        return '%.0f' % x
    if x >= 10:
        return '%.1f' % x
    return '%.2f' % x


def cell(s):
    if not s:
        return '-'
    med, lo, hi, n = s
    if n == 1:
        return fmt(med)
    return '%s [%s-%s]' % (fmt(med), fmt(lo), fmt(hi))


def gain(vals, k, a, b, m):
    """How much better case a is than case b on metric m (>1 = better)."""
    sa, sb = stat(vals, k, a, m), stat(vals, k, b, m)
    if not sa or not sb or not sa[0] or not sb[0]:
        return None
    return sa[0] / sb[0] if HIGHER.get(m, True) else sb[0] / sa[0]


def table(rows, out):
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for j, r in enumerate(rows):
        out.append('  '.join(c.ljust(widths[i]) if i == 0 else
                             c.rjust(widths[i]) for i, c in enumerate(r)))
        if j == 0:
            out.append('  '.join('-' * w for w in widths))


def report(kvers, vals, args):
    out = []
    out.append('# %s: %s' % (args.title, args.args))
    if args.wall:
        out.append('# wall time %s s for %d kernel(s)' % (args.wall, len(kvers)))
    verdicts = []
    for k in kvers:
        n = max((len(v) for (kk, c, m), v in vals.items()
                 if kk == k and m == 'tcp1'), default=0)
        out.append('')
        out.append('## %s: median [min-max] over %d round(s)' % (k, n))
        rows = [['case'] + ['%s (%s)' % (h, u) for _, h, u, _ in METRICS]]
        for c in TRAFFIC:
            if any(stat(vals, k, c, m) for m, *_ in METRICS):
                rows.append([LABEL[c]] + [cell(stat(vals, k, c, m))
                                          for m, *_ in METRICS])
        table(rows, out)

        out.append('')
        out.append('### %s: ratios of medians [min-max of the per-round '
                   'ratios], >1 = ovl better (latency: in-tree/ovl)' % k)
        rows = [['ratio'] + [h for _, h, _, _ in METRICS]]
        for a, b in PAIRS:
            if not stat(vals, k, a, 'tcp1') or not stat(vals, k, b, 'tcp1'):
                continue
            rows.append(['%s / %s' % (LABEL[a], LABEL[b])] +
                        [gain_cell(vals, k, a, b, m) for m, *_ in METRICS])
        for a in ['ox4', 'ox6', 'og4', 'og6', 'on4', 'on6', 'oq4', 'gq4']:
            if not stat(vals, k, a, 'tcp1') or not stat(vals, k, 'raw', 'tcp1'):
                continue
            rows.append(['%s / raw' % LABEL[a]] +
                        [gain_cell(vals, k, a, 'raw', m) for m, *_ in METRICS])
        table(rows, out)

        out.append('')
        out.append('### %s: scale' % k)
        oxq = bool(stat(vals, k, 'oxq', 'dev_create_s'))
        rows = [['scale', 'in-tree vxlan', 'ovl-vxlan', 'ovl better by'] +
                (['ovl-vxlan + mq/fq_codel', 'better by'] if oxq else [])]
        for m, what in [('dev_create_s', 'create N devices (s)'),
                        ('dev_delete_s', 'delete N devices (s)'),
                        ('dev_slab_kb', 'slab per device (KiB)'),
                        ('dev_mem_kb', 'memory per device (KiB)')]:
            rows.append([what, cell(stat(vals, k, 'vx', m)),
                         cell(stat(vals, k, 'ox', m)),
                         fmt(_lower_gain(vals, k, 'ox', 'vx', m))] +
                        ([cell(stat(vals, k, 'oxq', m)),
                          fmt(_lower_gain(vals, k, 'oxq', 'vx', m))] if oxq else []))
        rows.append(['learning (entries/s)', cell(stat(vals, k, 'lvx', 'learn_rate')),
                     cell(stat(vals, k, 'lox', 'learn_rate')),
                     fmt(_higher_gain(vals, k, 'lox', 'lvx', 'learn_rate'))] +
                    (['', ''] if oxq else []))
        rows.append(['learned of flood (%)', cell(stat(vals, k, 'lvx', 'learn_pct')),
                     cell(stat(vals, k, 'lox', 'learn_pct')), ''] +
                    (['', ''] if oxq else []))
        table(rows, out)
        fs, fb = stat(vals, k, 'fs', 'fdb_entries'), stat(vals, k, 'fb', 'fdb_entries')
        if fs and fb:
            out.append('')
            rows = [['ovl-vxlan FDB', '%d entries' % fs[0], '%d entries' % fb[0],
                     'big/small']]
            rows.append(['UDP 64B (pkt/s)', cell(stat(vals, k, 'fs', 'pps')),
                         cell(stat(vals, k, 'fb', 'pps')),
                         fmt(_higher_gain(vals, k, 'fb', 'fs', 'pps'))])
            rows.append(['fill time (s)', cell(stat(vals, k, 'fs', 'fdb_fill_s')),
                         cell(stat(vals, k, 'fb', 'fdb_fill_s')), ''])
            # entries one ageing scan visits with ~1k dynamic entries next
            # to the static ones (load-independent: a count, not a time)
            if stat(vals, k, 'fs', 'age_visited'):
                rows.append(['ageing scan: dynamic entries',
                             cell(stat(vals, k, 'fs', 'age_dynamic')),
                             cell(stat(vals, k, 'fb', 'age_dynamic')), ''])
                rows.append(['ageing scan: entries visited',
                             cell(stat(vals, k, 'fs', 'age_visited')),
                             cell(stat(vals, k, 'fb', 'age_visited')),
                             fmt(_higher_gain(vals, k, 'fs', 'fb', 'age_visited'))])
            table(rows, out)

        ext_table(vals, k, out)
        agent_table(vals, k, out)

        prof = [c for c in TRAFFIC if stat(vals, k, c, 'fn_per_ping')]
        if prof:
            out.append('')
            out.append('### %s: kernel functions per ping round trip '
                       '(function_graph under __dev_queue_xmit and net_rx_action)' % k)
            rows = [['case', 'functions']]
            for c in prof:
                rows.append([LABEL[c], cell(stat(vals, k, c, 'fn_per_ping'))])
            table(rows, out)

        # targets
        def tgt(what, g, goal):
            if g is None:
                verdicts.append('  %-8s %-52s %s' % ('n/a', '%s: %s' % (k, what), '-'))
                return
            ok = g >= goal
            verdicts.append('  %-8s %-52s %s (goal >= %.2f)' %
                            ('met' if ok else 'MISSED', '%s: %s' % (k, what), fmt(g), goal))
        for a, b in [('ox4', 'vx4'), ('ox6', 'vx6'), ('og4', 'gt4'), ('og6', 'gt6')]:
            for m in ['tcp1', 'tcp4', 'pps', 'rr_p50']:
                if stat(vals, k, a, m):
                    tgt('%s vs %s %s' % (LABEL[a], LABEL[b], m),
                        gain(vals, k, a, b, m), 1.05)
        for a in ['ox4', 'og4', 'ox6', 'og6']:
            for m in ['tcp1', 'tcp4']:
                if stat(vals, k, a, m):
                    tgt('%s vs raw %s' % (LABEL[a], m), gain(vals, k, a, 'raw', m), 0.85)
        tgt('FDB big vs small pps', _higher_gain(vals, k, 'fb', 'fs', 'pps'), 0.95)
        tgt('10k devices: create time vs vxlan',
            _lower_gain(vals, k, 'ox', 'vx', 'dev_create_s'), 3.0)
        tgt('10k devices: slab per device vs vxlan',
            _lower_gain(vals, k, 'ox', 'vx', 'dev_slab_kb'), 1.0)
    out.append('')
    out.append('## targets (ratio >1 = ovl better; latency compares p50)')
    out.extend(verdicts)
    return out


EXT_CASES = ['xoe', 'xod', 'xve']
EXT_ROWS = [  # metric, label
    ('ext_tenants', 'tenants (VLANs/VNIs) per host'),
    ('ext_setup_s', 'set-up, one host (s)'),
    ('ext_ovl_setup_s', '  of it the overlay step (s)'),
    ('ext_kb', 'Slab+Percpu per tenant (KiB)'),
    ('ext_ovl_kb', '  of it the overlay step (KiB)'),
    ('ext_slab_kb', 'Slab per tenant (KiB)'),
    ('ext_percpu_kb', 'Percpu per tenant (KiB)'),
    ('ext_mem_kb', 'MemFree used per tenant (KiB)'),
    ('ext_learned', 'tenants with the peer MAC learned'),
    ('ext_pps', 'all tenants: 64B frames/s'),
    ('ext_vlans', '  VLANs that arrived'),
    ('ext_fdb_entries', 'static (MAC, VNI) entries filled'),
    ('ext_fdb_fill_s', '  fill time (s)'),
    ('ext_fdb_b', '  Slab+Percpu per entry (bytes)'),
    ('ext_fdb_pps', '  then all tenants: 64B frames/s'),
    ('ext_fdb_vlans', '  VLANs that arrived'),
    ('ext_teardown_s', 'tear-down, one host (s)'),
]


def ext_table(vals, k, out):
    """make bench --parts ext: one column per set-up."""
    cases = [c for c in EXT_CASES if stat(vals, k, c, 'ext_tenants')]
    if not cases:
        return
    out.append('')
    out.append('### %s: external mode at scale, one host pair '
               '(guest seconds; measured, not judged)' % k)
    rows = [['set-up'] + [LABEL[c] for c in cases]]
    for m, what in EXT_ROWS:
        cells = []
        for c in cases:
            st = stat(vals, k, c, m)
            cells.append(afmt(st[0]) if st and st[3] == 1 else cell(st))
        if any(x != '-' for x in cells):
            rows.append([what] + cells)
    table(rows, out)


AGENT_ROWS = [  # metric, label, scale
    ('ag_hosts', 'simulated hosts (agents)', 1),
    ('ag_tenants', 'tenants per host (ovl-vxlan devices)', 1),
    ('ag_devices', 'devices in all', 1),
    ('ag_flood_entries', 'flood entries the agents installed', 1),
    ('ag_by_hand_entries', 'by hand: T x H x (H-1) entries', 1),
    ('ag_conv_s', 'convergence, all hosts (s)', 1),
    ('ag_conv_p50_s', 'convergence, half the hosts (s)', 1),
    ('ag_conv_first_s', 'convergence, first host (s)', 1),
    ('ag_leave_s', 'dead host dropped everywhere (s)', 1),
    ('etcd.etcd_debugging_mvcc_keys_total', 'etcd keys', 1),
    ('etcd_rev', 'etcd revision at convergence', 1),
    ('etcd.etcd_mvcc_put_total', 'etcd puts', 1),
    ('etcd.etcd_mvcc_range_total', 'etcd ranges', 1),
    ('etcd.etcd_debugging_mvcc_events_total', 'watch events sent', 1),
    ('etcd.etcd_debugging_mvcc_watcher_total', 'watchers', 1),
    ('etcd.rpc_Range', 'RPCs: Range', 1),
    ('etcd.rpc_Put', 'RPCs: Put', 1),
    ('etcd.rpc_LeaseGrant', 'RPCs: LeaseGrant', 1),
    ('etcd.rpc_LeaseKeepAlive', 'RPCs: LeaseKeepAlive (streams)', 1),
    ('etcd.rpc_Watch', 'RPCs: Watch (streams)', 1),
    ('etcd.etcd_debugging_lease_renewed_total', 'lease renewals', 1),
    ('etcd.etcd_network_client_grpc_sent_bytes_total', 'etcd sent (KiB)', 1 / 1024),
    ('etcd.etcd_network_client_grpc_received_bytes_total', 'etcd received (KiB)', 1 / 1024),
    ('etcd.etcd_mvcc_db_total_size_in_bytes', 'etcd db size (KiB)', 1 / 1024),
    ('etcd.process_cpu_seconds_total', 'etcd CPU (s)', 1),
    ('etcd.process_resident_memory_bytes', 'etcd RSS (MiB)', 1 / 1048576),
    ('etcd_idle_rpc_per_s', 'at rest: etcd RPCs/s', 1),
    ('etcd_idle_renew_per_s', 'at rest: lease renewals/s', 1),
    ('etcd_idle_events_per_s', 'at rest: watch events/s', 1),
    ('etcd_idle_cpu_pct', 'at rest: etcd CPU (%)', 1),
    ('ag_log_trouble', 'agent log lines: lapses, timeouts', 1),
    ('ag_cpu_s', 'agents CPU, sum (s)', 1),
    ('ag_cpu_per_agent_s', 'agents CPU, per agent (s)', 1),
    ('ag_rss_kb', 'agent RSS, mean (KiB)', 1),
]


def afmt(x):
    """Counts as integers, the rest as fmt() does."""
    return '%d' % x if x == int(x) and abs(x) < 1e15 else fmt(x)


def agent_table(vals, k, out):
    """make bench --parts agent: one column per run (hosts x tenants)."""
    cases = sorted({c for (kk, c, m) in vals if kk == k and m == 'ag_hosts'},
                   key=lambda c: (stat(vals, k, c, 'ag_hosts')[0],
                                  stat(vals, k, c, 'ag_tenants')[0]))
    if not cases:
        return
    out.append('')
    out.append('### %s: ovlnet-agent at scale, one etcd member '
               '(times in guest seconds, measured, not judged)' % k)
    rows = [['hosts x tenants'] + ['%d x %d' % (stat(vals, k, c, 'ag_hosts')[0],
                                                 stat(vals, k, c, 'ag_tenants')[0])
                                   for c in cases]]
    for m, what, f in AGENT_ROWS:
        cells = []
        for c in cases:
            st = stat(vals, k, c, m)
            cells.append(afmt(st[0] * f) if st else '-')
        if any(x != '-' for x in cells):
            rows.append([what] + cells)
    cells = []
    for c in cases:
        ev, pu = stat(vals, k, c, 'etcd.etcd_debugging_mvcc_events_total'), \
            stat(vals, k, c, 'etcd.etcd_mvcc_put_total')
        cells.append(fmt(ev[0] / pu[0]) if ev and pu and pu[0] else '-')
    rows.append(['watch events sent per put'] + cells)
    table(rows, out)


def _higher_gain(vals, k, a, b, m):
    sa, sb = stat(vals, k, a, m), stat(vals, k, b, m)
    if not sa or not sb or not sb[0]:
        return None
    return sa[0] / sb[0]


def _lower_gain(vals, k, a, b, m):
    sa, sb = stat(vals, k, a, m), stat(vals, k, b, m)
    if not sa or not sb or not sa[0]:
        return None
    return sb[0] / sa[0]


def write_summary(kvers, vals, path):
    with open(path, 'w') as f:
        f.write('kver,case,metric,rounds,median,min,max\n')
        for (k, c, m), v in sorted(vals.items()):
            f.write('%s,%s,%s,%d,%g,%g,%g\n' % (k, c, m, len(v),
                    statistics.median(v), min(v), max(v)))


def plots(kvers, vals, outdir, title):
    """Bar charts (median, min-max error bars) drawn by gnuplot."""
    gp = []
    short = [k.split('+')[0].replace('-amd64', '') for k in kvers]

    def dat(name, cases, metrics):
        # one row per case: label, then per (kver, metric): med lo hi
        path = os.path.join(outdir, name + '.dat')
        with open(path, 'w') as f:
            for c in cases:
                cols = []
                for k in kvers:
                    for m in metrics:
                        s = stat(vals, k, c, m)
                        cols += ['%g %g %g' % (s[0], s[1], s[2]) if s else 'NaN NaN NaN']
                f.write('"%s" %s\n' % (LABEL[c], ' '.join(cols)))
        return path

    def bars(png, path, ncol_titles, ylabel, ptitle, width=1000, log=False):
        gp.append('set terminal pngcairo size %d,420 font ",9"' % width)
        gp.append('set logscale y' if log else 'unset logscale y')
        gp.append('set output "%s"' % os.path.join(outdir, png))
        gp.append('set title "%s"' % ptitle)
        gp.append('set style data histogram')
        gp.append('set style histogram errorbars gap 1 lw 1')
        gp.append('set style fill solid 0.8 border -1')
        gp.append('set ylabel "%s"' % ylabel)
        gp.append('set yrange [%s:*]' % (10 if log else 0))
        gp.append('set grid ytics')
        gp.append('set key top right')
        gp.append('set xtics rotate by -30')
        parts = []
        for i, t in enumerate(ncol_titles):
            c = 2 + 3 * i
            parts.append('"%s" using %d:%d:%d:xtic(1) title "%s"' %
                         (path, c, c + 1, c + 2, t))
        gp.append('plot ' + ', '.join(parts))

    cases = [c for c in TRAFFIC if any(stat(vals, k, c, 'tcp1') for k in kvers)]
    if cases:
        p = dat('tcp', cases, ['tcp1', 'tcp4'])
        bars('tcp.png', p, ['%s %s' % (s, m) for s in short for m in ['1 stream', '4 streams']],
             'Mbit/s (median, min-max)', 'TCP throughput VM to VM (%s)' % title, 1200)
    cases4 = [c for c in TRAFFIC if any(stat(vals, k, c, 'pps') for k in kvers)]
    if cases4:
        p = dat('pps', cases4, ['pps'])
        bars('pps.png', p, short, 'packets/s received', '64-byte UDP rate (%s)' % title, 800)
        p = dat('latency', cases4, ['rr_p50', 'rr_p99'])
        bars('latency.png', p, ['%s %s' % (s, m) for s in short for m in ['p50', 'p99']],
             'microseconds, log scale (lower is better)',
             'TCP 64-byte request/response latency (%s)' % title, 1000, log=True)
        gp.append('unset logscale y')
        gp.append('set yrange [0:*]')
    # (--parts agent alone, say, leaves nothing for the scale plots)
    if any(m in ('dev_create_s', 'learn_rate') or (c in ('fs', 'fb') and m == 'pps')
           for (_, c, m) in vals):
        scale_plots(vals, kvers, short, dat, gp, outdir, title)
    script = os.path.join(outdir, 'plots.gp')
    with open(script, 'w') as f:
        f.write('\n'.join(gp) + '\n')
    r = subprocess.run(['gnuplot', script], capture_output=True, text=True)
    if r.returncode:
        print('gnuplot failed: ' + r.stderr[-500:])


def scale_plots(vals, kvers, short, dat, gp, outdir, title):
    """The scale multiplot: devices, memory, learning, FDB size."""
    scale = [('dev_create_s', 'seconds', 'create devices'),
             ('dev_delete_s', 'seconds', 'delete devices'),
             ('dev_slab_kb', 'KiB per device', 'slab per device'),
             ('learn_rate', 'entries/s', 'learning rate under a MAC flood')]
    gp.append('set terminal pngcairo size 1200,800 font ",9"')
    gp.append('set output "%s"' % os.path.join(outdir, 'scale.png'))
    gp.append('set multiplot layout 2,3 title "Scale (%s)"' % title)
    gp.append('set key top left')
    gp.append('set offsets 0, 0, graph 0.2, 0')
    for m, unit, t in scale:
        cs = ['lvx', 'lox'] if m.startswith('learn') else ['vx', 'ox']
        if not m.startswith('learn') and any(stat(vals, k, 'oxq', m) for k in kvers):
            cs.append('oxq')
        p = dat('scale-' + m, cs, [m])
        gp.append('set title "%s"' % t)
        gp.append('set ylabel "%s"' % unit)
        gp.append('set xtics norotate')
        parts = ['"%s" using %d:%d:%d:xtic(1) title "%s"' % (p, 2 + 3 * i, 3 + 3 * i, 4 + 3 * i, s)
                 for i, s in enumerate(short)]
        gp.append('plot ' + ', '.join(parts))
    p = dat('scale-fdb', ['fs', 'fb'], ['pps'])
    gp.append('set title "ovl-vxlan forwarding, small vs big FDB"')
    gp.append('set ylabel "64-byte packets/s"')
    parts = ['"%s" using %d:%d:%d:xtic(1) title "%s"' % (p, 2 + 3 * i, 3 + 3 * i, 4 + 3 * i, s)
             for i, s in enumerate(short)]
    gp.append('plot ' + ', '.join(parts))
    gp.append('unset multiplot')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--raw', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--title', default='make bench')
    ap.add_argument('--wall', default='')
    ap.add_argument('--args', default='')
    a = ap.parse_args()
    kvers, vals = load(a.raw)
    write_summary(kvers, vals, os.path.join(a.out, 'summary.csv'))
    print('\n'.join(report(kvers, vals, a)))
    plots(kvers, vals, a.out, a.title)


if __name__ == '__main__':
    main()
