#!/usr/bin/env python3
"""Scores two-model ensembles from probe-run4's saved validation probabilities (OUT/probs/*.npy)."""
import json, os, sys
import numpy as np

out = sys.argv[1]
work = os.environ.get('PROBE_WORK', '/tmp/probe')
rows = {json.loads(l)['name']: json.loads(l) for l in open(os.path.join(out, 'results.jsonl'))}
probs = {n: np.load(os.path.join(out, 'probs', n + '.npy')).astype(np.float32) for n in rows
         if os.path.exists(os.path.join(out, 'probs', n + '.npy'))}


def acc(p, y):
    return float(((p[:, 1] > 0.5) == (y == 1)).mean())


print('%-14s %-6s %-7s %-7s %-7s %-7s' % ('recipe/split', 'r1', 'r2', 'avg2', 'ens', 'ens+snap'))
summary = {}
for arch in ('bi64', 'uni128', 'bi64u'):
    for s in (42, 43, 44):
        a, b = '%s-s%d-r1' % (arch, s), '%s-s%d-r2' % (arch, s)
        if a not in probs or b not in probs:
            continue
        y = np.load(os.path.join(work, rows[a]['data']), allow_pickle=True)['va_y']
        r1, r2 = acc(probs[a][-1], y), acc(probs[b][-1], y)
        avg2 = (rows[a]['avg2_accs'][-1] + rows[b]['avg2_accs'][-1]) / 2
        ens = acc((probs[a][-1] + probs[b][-1]) / 2, y)
        snap = acc((probs[a][-1] + probs[b][-1] + probs[a][-2] + probs[b][-2]) / 4, y)
        print('%-14s %.4f %.4f %.4f  %.4f  %.4f' % ('%s/s%d' % (arch, s), r1, r2, avg2, ens, snap))
        for k, v in (('single', (r1 + r2) / 2), ('avg2', avg2), ('ens', ens), ('snap', snap)):
            summary.setdefault((arch, k), []).append(v)
    if arch == 'uni128':
        for s in (42, 43, 44):
            a, b = 'bi64-s%d-r1' % s, 'uni128-s%d-r1' % s
            if a in probs and b in probs:
                y = np.load(os.path.join(work, rows[a]['data']), allow_pickle=True)['va_y']
                print('%-14s bi64+uni128 ensemble %.4f' % ('s%d' % s, acc((probs[a][-1] + probs[b][-1]) / 2, y)))
print('means over splits (final epoch):')
for (arch, k), v in summary.items():
    print('  %-7s %-6s %.4f  (%s)' % (arch, k, np.mean(v), ' '.join('%.4f' % x for x in v)))
