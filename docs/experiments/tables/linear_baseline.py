#!/usr/bin/env python3
"""Reference linear baseline: TF-IDF + L2 logistic regression, as scikit-learn does it, numpy/scipy only.

    linear_baseline.py TRAIN TEST --text-column Tweet --label-columns '*' [--ngram 1,2] [--json m.json]
    linear_baseline.py TRAIN TEST --text-column review --label-column label --analyzer char_wb --ngram 1,3

Features = TfidfVectorizer(lowercase=True, token_pattern=r"(?u)\\b\\w\\w+\\b", ngram_range, analyzer,
min_df, sublinear_tf, smooth_idf=True, norm="l2") fitted on TRAIN. Model = LogisticRegression(C=1,
solver="lbfgs", max_iter=100, tol=1e-4): the objective mean(log loss) + ||w||^2 / (2 C n), intercept
unpenalized, minimized by scipy's L-BFGS-B with sklearn's options (maxls 50, gtol tol, ftol 64 eps).
  * multi-label (--label-columns wide 0/1 columns, or --label-separator): one binary model per label,
    a label predicted when its decision value is > 0 (p > 0.5), as OneVsRestClassifier does;
  * single-label: multinomial (softmax) over all K classes; with K = 2 one binary (sigmoid) model,
    as sklearn's LogisticRegression fits a two-class problem.
Metrics as sklearn.metrics defines them, zero division -> 0. Needs the sibling split.py (table reader).
"""
import argparse
import json
import os
import re
import sys
import time
from collections import Counter

# One BLAS thread: L-BFGS-B makes thousands of tiny BLAS calls (dot, axpy on the coefficient vector),
# which a threaded OpenBLAS made 3-80x slower on the 2-core machine (worst when another process holds a core).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from scipy.optimize import minimize  # noqa: E402
from scipy.special import expit, logsumexp  # noqa: E402

from split import read_table, truthy  # noqa: E402

TOKEN = re.compile(r"(?u)\b\w\w+\b")
WHITE = re.compile(r"\s\s+")


# ---- TfidfVectorizer ---------------------------------------------------------------------------
def make_analyzer(kind, lo, hi):
    def word(doc):
        tokens = TOKEN.findall(doc)
        grams = list(tokens) if lo == 1 else []
        for n in range(max(lo, 2), min(hi, len(tokens)) + 1):
            grams += [" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]
        return grams

    def char_wb(doc):
        grams = []
        for w in WHITE.sub(" ", doc).split():
            w = " " + w + " "
            for n in range(lo, hi + 1):
                offset = 0
                grams.append(w[0:n])
                while offset + n < len(w):
                    offset += 1
                    grams.append(w[offset:offset + n])
                if offset == 0:  # a word shorter than n is counted once
                    break
        return grams

    def char(doc):
        doc = WHITE.sub(" ", doc)
        grams = list(doc) if lo == 1 else []
        for n in range(max(lo, 2), min(hi, len(doc)) + 1):
            grams += [doc[i:i + n] for i in range(len(doc) - n + 1)]
        return grams

    f = {"word": word, "char_wb": char_wb, "char": char}[kind]
    return lambda doc: f(doc.lower())


class Tfidf:
    def __init__(self, analyze, min_df=1, sublinear_tf=False):
        self.analyze, self.min_df, self.sublinear_tf = analyze, min_df, sublinear_tf

    def _counts(self, docs, vocab):
        grow = vocab is None
        vocab = {} if grow else vocab
        indptr, indices, values = [0], [], []
        for doc in docs:
            counts = Counter(self.analyze(doc))
            for gram, c in counts.items():
                j = vocab.setdefault(gram, len(vocab)) if grow else vocab.get(gram)
                if j is not None:
                    indices.append(j)
                    values.append(c)
            indptr.append(len(indices))
        X = sp.csr_matrix((np.array(values, float), indices, indptr), shape=(len(docs), len(vocab)))
        X.sum_duplicates()
        return X, vocab

    def fit_transform(self, docs):
        X, vocab = self._counts(docs, None)
        terms = sorted(vocab)                                   # sklearn orders features by term
        X = X[:, [vocab[t] for t in terms]].tocsr()
        df = np.bincount(X.indices, minlength=X.shape[1])
        floor = self.min_df if isinstance(self.min_df, int) else self.min_df * len(docs)
        keep = np.flatnonzero(df >= floor)
        if len(keep) == 0:
            sys.exit("no term is left after --min-df")
        X, df = X[:, keep].tocsr(), df[keep]
        self.vocab = {terms[j]: k for k, j in enumerate(keep)}
        self.idf = np.log((1 + len(docs)) / (1 + df)) + 1.0    # smooth_idf
        return self._weight(X)

    def transform(self, docs):
        return self._weight(self._counts(docs, self.vocab)[0])

    def _weight(self, X):
        X = X.astype(float)
        if self.sublinear_tf:
            X.data = np.log(X.data) + 1.0
        X = X @ sp.diags(self.idf)
        norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ X)


# ---- LogisticRegression ------------------------------------------------------------------------
def binary_loss(theta, X, y, C):
    """mean_i [log(1 + e^z_i) - y_i z_i] + |w|^2 / (2 C n), z = X w + b; returns (value, gradient)."""
    n = X.shape[0]
    w, b = theta[:-1], theta[-1]
    z = X @ w + b
    value = np.mean(np.logaddexp(0.0, z) - y * z) + w @ w / (2 * C * n)
    r = (expit(z) - y) / n
    return value, np.append(X.T @ r + w / (C * n), r.sum())


def softmax_loss(theta, X, Y, C):
    """mean_i [logsumexp(z_i) - z_i,y_i] + |W|^2 / (2 C n), Z = X W + b (K columns, all penalized)."""
    n, d = X.shape
    K = Y.shape[1]
    W, b = theta[:d * K].reshape(d, K), theta[d * K:]
    Z = X @ W + b
    lse = logsumexp(Z, axis=1)
    value = np.mean(lse - (Z * Y).sum(axis=1)) + (W * W).sum() / (2 * C * n)
    R = (np.exp(Z - lse[:, None]) - Y) / n
    return value, np.concatenate([(X.T @ R + W / (C * n)).ravel(), R.sum(axis=0)])


def fit(loss, size, X, target, C, max_iter, tol):
    res = minimize(loss, np.zeros(size), args=(X, target, C), jac=True, method="L-BFGS-B",
                   options=dict(maxiter=max_iter, maxls=50, gtol=tol, ftol=64 * np.finfo(float).eps))
    return res.x, res.nit, res.status == 0


class OneVsRestLR:
    def fit(self, X, Y, C, max_iter, tol):
        self.models, self.iters, self.converged = [], [], True
        for j in range(Y.shape[1]):
            y = Y[:, j].astype(float)
            if y.min() == y.max():                              # sklearn's _ConstantPredictor
                self.models.append(("constant", y[0]))
                continue
            theta, nit, ok = fit(binary_loss, X.shape[1] + 1, X, y, C, max_iter, tol)
            self.models.append(("lr", theta))
            self.iters.append(nit)
            self.converged &= ok
        return self

    def decision(self, X):
        return np.column_stack([X @ m[:-1] + m[-1] if k == "lr" else np.full(X.shape[0], 1.0 if m else -1.0)
                                for k, m in self.models])

    def predict(self, X):
        return self.decision(X) > 0


class SoftmaxLR:
    def fit(self, X, y, C, max_iter, tol):
        self.classes = sorted(set(y))
        idx = np.array([self.classes.index(v) for v in y])
        n, d, K = X.shape[0], X.shape[1], len(self.classes)
        if K == 2:
            self.theta, nit, ok = fit(binary_loss, d + 1, X, idx.astype(float), C, max_iter, tol)
        else:
            Y = np.zeros((n, K))
            Y[np.arange(n), idx] = 1.0
            self.theta, nit, ok = fit(softmax_loss, d * K + K, X, Y, C, max_iter, tol)
        self.iters, self.converged = [nit], ok
        return self

    def predict(self, X):
        d, K = X.shape[1], len(self.classes)
        if K == 2:
            best = (X @ self.theta[:-1] + self.theta[-1] > 0).astype(int)
        else:
            best = np.argmax(X @ self.theta[:d * K].reshape(d, K) + self.theta[d * K:], axis=1)
        return [self.classes[i] for i in best]


# ---- metrics (sklearn.metrics definitions, zero division -> 0) ---------------------------------
def f1(tp, fp, fn):
    den = 2 * tp + fp + fn
    return np.where(den > 0, 2 * tp / np.maximum(den, 1), 0.0)


def multilabel_metrics(T, P, names):
    tp, fp, fn = (T & P).sum(0), (~T & P).sum(0), (T & ~P).sum(0)
    rows_tp, rows_fp, rows_fn = (T & P).sum(1), (~T & P).sum(1), (T & ~P).sum(1)
    return dict(micro_f1=float(f1(tp.sum(), fp.sum(), fn.sum())), macro_f1=float(f1(tp, fp, fn).mean()),
                samples_f1=float(f1(rows_tp, rows_fp, rows_fn).mean()),
                subset_accuracy=float((T == P).all(1).mean()), hamming_loss=float((T != P).mean()),
                per_label={x: dict(f1=float(f1(tp[j], fp[j], fn[j])), support=int(T[:, j].sum()),
                                   predicted=int(P[:, j].sum())) for j, x in enumerate(names)})


def single_label_metrics(t, p):
    t, p = np.array(t), np.array(p)
    labels = sorted(set(t) | set(p))
    per = {x: float(f1(((t == x) & (p == x)).sum(), ((t != x) & (p == x)).sum(), ((t == x) & (p != x)).sum()))
           for x in labels}
    return dict(accuracy=float((t == p).mean()), macro_f1=float(np.mean(list(per.values()))), per_label_f1=per)


# ---- tables ------------------------------------------------------------------------------------
def load(path, a):
    kind, _, _, header, rows, _, _ = read_table(path)
    get = (lambda r, c: r.get(c, "")) if kind == "jsonl" else (lambda r, c: r[header.index(c)])
    for c in [a.text_column, a.label_column, a.id_column] + (a.label_columns or []):
        if c and c != "*" and c not in header:
            sys.exit(f"{path}: no column {c!r}; columns: {header}")
    texts = [str(get(r, a.text_column)) for r in rows]
    ids = [str(get(r, a.id_column)) for r in rows] if a.id_column else [str(i + 1) for i in range(len(rows))]
    if a.label_columns:
        names = header[2:] if a.label_columns == ["*"] else a.label_columns
        return texts, ids, [{x for x in names if truthy(get(r, x), f"{path}: {x}")} for r in rows], names
    values = [get(r, a.label_column) for r in rows]
    if a.label_separator or any(isinstance(v, list) for v in values):
        return texts, ids, [set(v) if isinstance(v, list) else {x for x in str(v).split(a.label_separator) if x}
                            for v in values], None
    return texts, ids, [str(v) for v in values], None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("train")
    ap.add_argument("test")
    ap.add_argument("--text-column", required=True)
    ap.add_argument("--label-column", help="one label per row (or several, with --label-separator)")
    ap.add_argument("--label-columns", help="wide 0/1 label columns: a,b,c or '*' (all after the first two)")
    ap.add_argument("--label-separator", help="--label-column holds labels joined by this (multi-label)")
    ap.add_argument("--id-column", help="ids for --predictions")
    ap.add_argument("--analyzer", choices=["word", "char_wb", "char"], default="word")
    ap.add_argument("--ngram", default="1,1", help="min,max n (default 1,1)")
    ap.add_argument("--min-df", default="1", help="an integer count or a proportion like 0.001")
    ap.add_argument("--sublinear-tf", action="store_true")
    ap.add_argument("--C", type=float, default=1.0)
    ap.add_argument("--max-iter", type=int, default=100, help="L-BFGS iterations (sklearn's default 100)")
    ap.add_argument("--tol", type=float, default=1e-4)
    ap.add_argument("--json", help="write the metrics here")
    ap.add_argument("--predictions", help="write id and predicted label(s) per test row (TSV)")
    a = ap.parse_args()
    if bool(a.label_column) == bool(a.label_columns):
        ap.error("give exactly one of --label-column and --label-columns")
    a.label_columns = a.label_columns.split(",") if a.label_columns else None
    lo, hi = (int(x) for x in a.ngram.split(","))
    min_df = float(a.min_df) if "." in a.min_df else int(a.min_df)

    start = time.perf_counter()
    tr_text, _, tr_y, names = load(a.train, a)
    te_text, te_ids, te_y, _ = load(a.test, a)
    multi = isinstance(tr_y[0], set)
    vec = Tfidf(make_analyzer(a.analyzer, lo, hi), min_df, a.sublinear_tf)
    Xtr = vec.fit_transform(tr_text)
    Xte = vec.transform(te_text)
    t_vec = time.perf_counter()
    if multi:
        names = names or sorted(set().union(*tr_y, *te_y))     # labels never seen in train: never predicted
        Ytr = np.array([[x in s for x in names] for s in tr_y])
        Yte = np.array([[x in s for x in names] for s in te_y])
        model = OneVsRestLR().fit(Xtr, Ytr, a.C, a.max_iter, a.tol)
        t_fit = time.perf_counter()
        P = model.predict(Xte)
        metrics = multilabel_metrics(Yte, P, names)
        predicted = ["|".join(x for x, on in zip(names, row) if on) for row in P]
    else:
        model = SoftmaxLR().fit(Xtr, tr_y, a.C, a.max_iter, a.tol)
        t_fit = time.perf_counter()
        predicted = model.predict(Xte)
        metrics = single_label_metrics(te_y, predicted)
    end = time.perf_counter()

    info = dict(train=a.train, test=a.test, n_train=len(tr_text), n_test=len(te_text), n_features=Xtr.shape[1],
                task="multi-label, one-vs-rest" if multi else f"single-label, {len(model.classes)} classes",
                analyzer=a.analyzer, ngram=[lo, hi], min_df=min_df, sublinear_tf=a.sublinear_tf, C=a.C,
                max_iter=a.max_iter, tol=a.tol, lbfgs_iterations=model.iters, converged=bool(model.converged),
                seconds=dict(vectorize=round(t_vec - start, 2), fit=round(t_fit - t_vec, 2), total=round(end - start, 2)))
    print(f"{info['task']}: {info['n_train']} train / {info['n_test']} test rows, {info['n_features']} features "
          f"({a.analyzer} {lo}-{hi}-grams, min_df {min_df}{', sublinear tf' if a.sublinear_tf else ''})")
    print(f"L-BFGS iterations {model.iters}{'' if model.converged else '  (NOT converged: raise --max-iter)'}")
    for k, v in metrics.items():
        if isinstance(v, float):
            print(f"{k:16s} {v:.4f}")
    if multi:
        print("per-label F1    " + " ".join(f"{x}={m['f1']:.3f}" for x, m in metrics["per_label"].items()))
    print(f"seconds: vectorize {info['seconds']['vectorize']}, fit {info['seconds']['fit']}, "
          f"total {info['seconds']['total']}")
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(dict(info, metrics=metrics), f, ensure_ascii=False, indent=1)
    if a.predictions:
        with open(a.predictions, "w", encoding="utf-8") as f:
            f.write("id\tpredicted\n" + "".join(f"{i}\t{p}\n" for i, p in zip(te_ids, predicted)))


if __name__ == "__main__":
    main()
