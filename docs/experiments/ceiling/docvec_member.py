"""A logistic regression on DvNgram's document vectors, as one more ensemble member (prototype).

Fits an L2 logistic regression on the vectors of the training split (every labeled id not in
VAL_IDS; the label is the id's folder, neg or pos), prints the held-out accuracy for a few
strengths, and writes the held-out reviews' P(pos) at strength 1 in DumpMembers's CSV layout, so
ceiling.py can mix it with the networks.

Usage: python3 docvec_member.py VECTORS.csv VAL_IDS OUT.csv
"""
import sys

import numpy as np
import scipy.optimize as so


def fit(A, t, l2):
    def loss(w):
        z = A @ w
        g = A.T @ (1 / (1 + np.exp(-z)) - t)
        g[:-1] += l2 * w[:-1]
        return np.logaddexp(0, z).sum() - t @ z + 0.5 * l2 * (w[:-1] @ w[:-1]), g
    return so.minimize(loss, np.zeros(A.shape[1]), jac=True, method='L-BFGS-B').x


def main():
    vectors, val_ids, out = sys.argv[1:4]
    ids, X = [], []
    for line in open(vectors):
        p = line.rstrip('\n').split(',')
        ids.append(p[0])
        X.append(np.array(p[1:], float))
    X = np.array(X)
    y = np.array([1 if i.startswith('pos/') else 0 for i in ids])
    held = set(open(val_ids).read().split())
    v = np.array([i in held for i in ids])
    X = (X - X[~v].mean(0)) / (X[~v].std(0) + 1e-9)
    A = np.hstack([X, np.ones((len(X), 1))])
    kept = None
    for l2 in (0.1, 1.0, 10.0, 100.0):
        z = A[v] @ fit(A[~v], y[~v], l2)
        print(f'L2 {l2}: held-out accuracy {((z > 0) == y[v]).mean():.4f}')
        if l2 == 1.0:
            kept = z
    with open(out, 'w') as o:
        o.write('id,truth,docvec\n')
        for i, t, z in zip(np.array(ids)[v], y[v], kept):
            o.write(f'{i},{t},{1 / (1 + np.exp(-z))}\n')


if __name__ == '__main__':
    main()
