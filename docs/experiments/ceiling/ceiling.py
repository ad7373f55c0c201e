"""How far mixing members can go on one validation split (prototype analysis, not part of textcls).

Reads every <name>.csv in a folder (rows: id, truth, then one column of P(second label) per member,
as DumpMembers writes them; files whose ids differ from the first file's are skipped) and prints:
each member's accuracy; the mixture of all members with weights fitted by EM on the same reviews
(in-sample: an upper bound) and 5-fold cross-fitted (as `train` reports it); a greedy forward
selection by cross-fitted accuracy (optimistic: it selects on the reviews it reports on); and
logistic-regression stacking of the members' logits for the members of one bundle.

Usage: python3 ceiling.py FOLDER [BUNDLE_NAME]   (numpy and scipy)
"""
import glob
import os
import sys

import numpy as np
import scipy.optimize as so


def load(folder):
    cols, ids, truth = {}, None, None
    for f in sorted(glob.glob(os.path.join(folder, '*.csv'))):
        name = os.path.basename(f)[:-4]
        lines = [l.rstrip('\n').split(',') for l in open(f)]
        header, rows = lines[0], {r[0]: r for r in lines[1:]}
        if ids is None:
            ids = sorted(rows)
            truth = np.array([int(rows[i][1]) for i in ids])
        if set(rows) != set(ids):
            print(f'skipped {name}: other ids ({len(rows)})')
            continue
        for k, member in enumerate(header[2:]):
            cols[name + ':' + member] = np.array([float(rows[i][k + 2]) for i in ids])
    return cols, truth


def em(P, y, iterations=300):
    """Mixture weights of least log loss (EM, as EnsembleWeights fits them)."""
    L = np.where(y[:, None] == 1, P, 1 - P)
    w = np.full(P.shape[1], 1.0 / P.shape[1])
    for _ in range(iterations):
        m = L * w
        m /= m.sum(1, keepdims=True)
        w = m.mean(0)
    return w


def cross_fitted(P, y, fold):
    pred = np.zeros(len(y))
    for k in range(5):
        w = em(P[fold != k], y[fold != k])
        pred[fold == k] = (P[fold == k] * w).sum(1)
    return ((pred > 0.5) == y).mean()


def stacked(Z, y, fold, l2=1.0):
    A = np.hstack([Z, np.ones((len(y), 1))])

    def loss(w, A, t):
        z = A @ w
        g = A.T @ (1 / (1 + np.exp(-z)) - t)
        g[:-1] += l2 * w[:-1]
        return np.logaddexp(0, z).sum() - t @ z + 0.5 * l2 * (w[:-1] @ w[:-1]), g

    pred = np.zeros(len(y))
    for k in range(5):
        w = so.minimize(loss, np.zeros(A.shape[1]), args=(A[fold != k], y[fold != k]), jac=True).x
        pred[fold == k] = A[fold == k] @ w
    return ((pred > 0) == y).mean()


def main():
    cols, y = load(sys.argv[1])
    bundle = sys.argv[2] if len(sys.argv) > 2 else None
    names = list(cols)
    P = np.clip(np.stack([cols[n] for n in names], 1), 1e-7, 1 - 1e-7)
    fold = np.random.default_rng(42).integers(0, 5, len(y))
    for n in names:
        print(f'{n:30s} {((cols[n] > 0.5) == y).mean():.4f}')
    w = em(P, y)
    print(f'all {len(names)} members: in-sample {(((P * w).sum(1) > 0.5) == y).mean():.4f}, '
          f'cross-fitted {cross_fitted(P, y, fold):.4f}')
    for n, wi in sorted(zip(names, w), key=lambda t: -t[1])[:8]:
        print(f'  weight {wi:.3f} {n}')
    chosen = []
    for step in range(min(6, len(names))):
        a, j = max((cross_fitted(P[:, chosen + [j]], y, fold), j) for j in range(len(names)) if j not in chosen)
        chosen.append(j)
        print(f'greedy {step + 1}: + {names[j]} -> {a:.4f}')
    if bundle:
        own = [i for i, n in enumerate(names) if n.startswith(bundle + ':')]
        Z = np.log(P / (1 - P))
        print(f'{bundle}: mixture cross-fitted {cross_fitted(P[:, own], y, fold):.4f}, '
              f'logit stacking cross-fitted {stacked(Z[:, own], y, fold):.4f}')
        for j, n in enumerate(names):
            if j not in own:
                print(f'{bundle} + {n}: mixture {cross_fitted(P[:, own + [j]], y, fold):.4f}, '
                      f'stacking {stacked(Z[:, own + [j]], y, fold):.4f}')


if __name__ == '__main__':
    main()
