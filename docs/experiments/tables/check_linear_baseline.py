#!/usr/bin/env python3
"""Checks linear_baseline.py (and split.py) on small problems whose answers are known; run it from
anywhere: python3 docs/experiments/tables/check_linear_baseline.py. Exits non-zero on a failure."""
import csv
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import scipy.sparse as sp
from scipy.optimize import brentq, check_grad
from scipy.special import expit

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from linear_baseline import (OneVsRestLR, SoftmaxLR, Tfidf, binary_loss, fit, make_analyzer,  # noqa: E402
                             multilabel_metrics, single_label_metrics, softmax_loss)

failures = []


def check(name, ok, detail=""):
    print(f"{'ok  ' if ok else 'FAIL'} {name}{'  ' + detail if detail else ''}")
    if not ok:
        failures.append(name)


rng = np.random.default_rng(0)

# 1. Gradients against central finite differences (scipy.optimize.check_grad), sparse X.
X = sp.random(40, 7, density=0.4, random_state=1, format="csr")
y = (rng.random(40) < 0.4).astype(float)
Y = np.eye(3)[rng.integers(0, 3, 40)]
for C in (1.0, 0.3):
    t = rng.normal(size=8)
    err = check_grad(lambda t: binary_loss(t, X, y, C)[0], lambda t: binary_loss(t, X, y, C)[1], t)
    check(f"binary gradient vs finite differences, C={C}", err < 1e-6, f"|diff| {err:.1e}")
    t = rng.normal(size=7 * 3 + 3)
    err = check_grad(lambda t: softmax_loss(t, X, Y, C)[0], lambda t: softmax_loss(t, X, Y, C)[1], t)
    check(f"softmax gradient vs finite differences, C={C}", err < 1e-6, f"|diff| {err:.1e}")

# 2. Known optimum: no features (an all-zero column) -> the unpenalized intercept is logit(mean y);
#    softmax: the intercepts reproduce the class frequencies.
Z = sp.csr_matrix((10, 1))
yb = np.array([1, 1, 1, 0, 0, 0, 0, 0, 0, 0], float)
theta, _, ok = fit(binary_loss, 2, Z, yb, 1.0, 1000, 1e-10)
check("intercept-only binary: b = logit(0.3)", ok and abs(theta[1] - np.log(0.3 / 0.7)) < 1e-6,
      f"b {theta[1]:.8f} vs {np.log(0.3 / 0.7):.8f}")
Yk = np.eye(3)[[0, 0, 0, 0, 0, 1, 1, 1, 2, 2]]
theta, _, ok = fit(softmax_loss, 6, Z, Yk, 1.0, 1000, 1e-10)
b = theta[3:]
p = np.exp(b - b.max()) / np.exp(b - b.max()).sum()
check("intercept-only softmax: softmax(b) = (0.5, 0.3, 0.2)", ok and np.allclose(p, [0.5, 0.3, 0.2], atol=1e-6),
      f"{np.round(p, 8)}")

# 3. Known optimum, one feature: x = +1 (y=1), x = -1 (y=0). By symmetry b = 0 and the penalized
#    optimum solves w/C = 2 sigma(-w) (summed loss), i.e. w = 2C / (1 + e^w).
X1 = sp.csr_matrix(np.array([[1.0], [-1.0]]))
for C in (1.0, 10.0):
    w_star = brentq(lambda w: w - 2 * C / (1 + np.exp(w)), 0, 50)
    theta, _, ok = fit(binary_loss, 2, X1, np.array([1.0, 0.0]), C, 1000, 1e-12)
    check(f"symmetric 1-D problem, C={C}: w = 2C/(1+e^w)", ok and abs(theta[0] - w_star) < 1e-6
          and abs(theta[1]) < 1e-6, f"w {theta[0]:.8f} vs {w_star:.8f}, b {theta[1]:.1e}")

# 4. L-BFGS against an independent solver: Newton's method with the exact dense Hessian, written
#    from the textbook formulas (not from linear_baseline's gradient code), on a random problem.
Xd = rng.normal(size=(60, 5))
Xd[:, 0] *= 3
yd = (expit(Xd @ np.array([1.0, -2.0, 0.5, 0.0, 1.5]) + 0.3) > rng.random(60)).astype(float)
for C in (1.0, 0.1):
    A = np.hstack([Xd, np.ones((60, 1))])
    reg = np.diag([1.0] * 5 + [0.0]) / C                       # intercept unpenalized
    t = np.zeros(6)
    for _ in range(50):                                        # summed loss + |w|^2 / (2C)
        p = expit(A @ t)
        g = A.T @ (p - yd) + reg @ t
        H = A.T @ (A * (p * (1 - p))[:, None]) + reg
        t -= np.linalg.solve(H, g)
    theta, nit, ok = fit(binary_loss, 6, sp.csr_matrix(Xd), yd, C, 1000, 1e-10)
    check(f"binary L-BFGS = Newton, C={C}", ok and np.abs(theta - t).max() < 1e-5,
          f"max |diff| {np.abs(theta - t).max():.1e}, {nit} iterations")
    # sklearn's defaults (max_iter 100, tol 1e-4) stop earlier; how far from the optimum?
    theta, nit, ok = fit(binary_loss, 6, sp.csr_matrix(Xd), yd, C, 100, 1e-4)
    check(f"  same at sklearn's tol 1e-4: predictions equal the optimum's", ok and np.array_equal(
        (Xd @ theta[:5] + theta[5]) > 0, (Xd @ t[:5] + t[5]) > 0), f"max |coef diff| {np.abs(theta - t).max():.1e}")

# 5. Softmax with K = 2 classes and C equals binary LR with 2C (w_bin = w_1 - w_0: at the optimum
#    w_0 = -w_1, so the penalty |w_0|^2 + |w_1|^2 = |w_bin|^2 / 2). Checks the two losses against each other.
Xs = sp.csr_matrix(Xd)
tb, _, _ = fit(binary_loss, 6, Xs, yd, 2.0, 1000, 1e-10)
ts, _, _ = fit(softmax_loss, 12, Xs, np.eye(2)[yd.astype(int)], 1.0, 1000, 1e-10)
W = ts[:10].reshape(5, 2)
diff = np.append(W[:, 1] - W[:, 0], ts[11] - ts[10])
check("softmax(K=2, C) = binary(2C)", np.abs(diff - tb).max() < 1e-5, f"max |diff| {np.abs(diff - tb).max():.1e}")

# 6. Multinomial: three classes, stationarity from the textbook gradient, and a sanity fit.
y3 = np.argmax(Xd[:, :3] + 0.5 * rng.normal(size=(60, 3)), axis=1)
m = SoftmaxLR().fit(Xs, [str(v) for v in y3], 1.0, 1000, 1e-10)
Wm, bm = m.theta[:15].reshape(5, 3), m.theta[15:]
P = np.exp(Xd @ Wm + bm)
P /= P.sum(1, keepdims=True)
R = P - np.eye(3)[y3]
stat = max(np.abs(Xd.T @ R + Wm / 1.0).max(), np.abs(R.sum(0)).max())
check("softmax optimum: X^T(P - Y) + W/C = 0, sum(P - Y) = 0", m.converged and stat < 1e-6, f"max {stat:.1e}")

# 7. TF-IDF against scikit-learn's user guide (Text feature extraction, "Tf-idf term weighting"):
#    counts [[3,0,1],[2,0,0],[3,0,0],[4,0,0],[3,2,0],[3,0,2]] with smooth_idf=True give these rows.
counts = [[3, 0, 1], [2, 0, 0], [3, 0, 0], [4, 0, 0], [3, 2, 0], [3, 0, 2]]
docs = [" ".join(["aa"] * a + ["bb"] * b + ["cc"] * c) for a, b, c in counts]
v = Tfidf(make_analyzer("word", 1, 1))
T = v.fit_transform(docs).toarray()
expected = np.array([[0.85151335, 0, 0.52433293], [1, 0, 0], [1, 0, 0], [1, 0, 0], [0.55422893, 0.83236428, 0],
                     [0.63035731, 0, 0.77630514]])
check("tf-idf = user guide's smooth_idf example", np.abs(T - expected).max() < 1e-8 and
      np.allclose(v.idf, [1.0, 2.25276297, 1.84729786]), f"idf {np.round(v.idf, 8)}")
v = Tfidf(make_analyzer("word", 1, 1), sublinear_tf=True)
T = v.fit_transform(docs).toarray()
row = np.array([1 + np.log(3), 0, 1 + np.log(7 / 3)])
check("sublinear tf: (1 + ln tf) * idf, l2-normed", np.allclose(T[0], row / np.linalg.norm(row)))
check("unseen terms are dropped; an empty row stays zero", not v.transform(["zz qq", ""]).toarray().any())

# 8. Analyzers against the user guide's examples.
def vocab(kind, lo, hi, docs, **kw):
    v = Tfidf(make_analyzer(kind, lo, hi), **kw)
    v.fit_transform(docs)
    return sorted(v.vocab, key=v.vocab.get)

check("char_wb 2-grams of ['words', 'wprds']",
      vocab("char_wb", 2, 2, ["words", "wprds"]) == [" w", "ds", "or", "pr", "rd", "s ", "wo", "wp"])
check("char_wb 5-grams of 'jumpy fox'", vocab("char_wb", 5, 5, ["jumpy fox"]) == [" fox ", " jump", "jumpy", "umpy "])
check("char 5-grams of 'jumpy fox'", vocab("char", 5, 5, ["jumpy fox"]) == ["jumpy", "mpy f", "py fo", "umpy ", "y fox"])
check("word 1-2-grams of 'Bi-grams are cool!'", make_analyzer("word", 1, 2)("Bi-grams are cool!") ==
      ["bi", "grams", "are", "cool", "bi grams", "grams are", "are cool"])
corpus = ["This is the first document.", "This document is the second document.", "And this is the third one.",
          "Is this the first document?"]
check("CountVectorizer docstring corpus vocabulary",
      vocab("word", 1, 1, corpus) == ["and", "document", "first", "is", "one", "second", "the", "third", "this"])
check("char_wb: a padded word no longer than n counted once", make_analyzer("char_wb", 2, 5)("a") == [" a", "a ", " a "])
check("char 1-3: whitespace runs folded", make_analyzer("char", 1, 2)("A  b") == ["a", " ", "b", "a ", " b"])
check("min_df 2 drops terms of one document", vocab("word", 1, 1, corpus, min_df=2) ==
      ["document", "first", "is", "the", "this"])

# 9. Metrics against scikit-learn's documented examples.
Tm = np.array([[0, 0, 0], [1, 1, 1], [0, 1, 1]], bool)
Pm = np.array([[0, 0, 0], [1, 1, 1], [1, 1, 0]], bool)
mm = multilabel_metrics(Tm, Pm, ["a", "b", "c"])
check("f1_score(average=None) docstring example: [0.667, 1, 0.667]",
      np.allclose([mm["per_label"][x]["f1"] for x in "abc"], [2 / 3, 1, 2 / 3]))
check("samples F1: both-empty row -> 0, so (0 + 1 + 0.5)/3", abs(mm["samples_f1"] - 0.5) < 1e-12)
check("micro F1 = 2*4/(2*4+1+1)", abs(mm["micro_f1"] - 0.8) < 1e-12)
h = multilabel_metrics(np.array([[0, 1], [1, 1]], bool), np.zeros((2, 2), bool), ["a", "b"])
check("hamming_loss docstring example: 0.75; zero-division F1s are 0", h["hamming_loss"] == 0.75 and h["macro_f1"] == 0)
s = multilabel_metrics(np.array([[0, 1], [1, 1]], bool), np.ones((2, 2), bool), ["a", "b"])
check("accuracy_score multilabel docstring example: 0.5", s["subset_accuracy"] == 0.5)
sl = single_label_metrics(list("012012"), list("021001"))
check("f1_score docstring example: macro 0.2667, accuracy 1/3",
      abs(sl["macro_f1"] - 0.26666667) < 1e-7 and abs(sl["accuracy"] - 1 / 3) < 1e-12)

# 10. One-vs-rest: a constant column is predicted constant (sklearn's _ConstantPredictor).
ovr = OneVsRestLR().fit(Xs, np.column_stack([yd > 0, np.zeros(60, bool)]), 1.0, 100, 1e-4)
check("one-vs-rest with an all-zero label column", not ovr.predict(Xs)[:, 1].any())

# 11. End to end on files: split.py keeps every row's bytes, stratifies, and linear_baseline.py reads
#     quoted CSV with embedded newlines, QUOTE_NONE TSV with '"' inside, and JSONL with list labels.
with tempfile.TemporaryDirectory() as tmp:
    words = ["good", "great", "bad", "awful", "fine", "ok"]
    rows = [[str(i), " ".join(rng.choice(words, 6)) + (',\n"quoted"' if i % 7 == 0 else ""),
             *(str(int(rng.random() < q)) for q in (0.5, 0.3, 0.1))] for i in range(200)]
    with open(f"{tmp}/t.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\r\n").writerows([["id", "text", "x", "y", "z"]] + rows)
    with open(f"{tmp}/t.tsv", "w", newline="", encoding="utf-8") as f:
        f.write("id\ttext\tx\ty\tz\n" + "".join("\t".join([r[0], r[1].replace("\n", " ")] + r[2:]) + "\n" for r in rows))
    with open(f"{tmp}/t.jsonl", "w", encoding="utf-8") as f:
        f.writelines(json.dumps({"id": r[0], "text": r[1], "labels": [c for c, b in zip("xyz", r[2:]) if b == "1"]},
                                ensure_ascii=False) + "\n" for r in rows)
    for ext, strat in (("csv", ["--stratify-columns", "*"]), ("tsv", ["--stratify-columns", "x,y,z"]),
                       ("jsonl", ["--stratify-column", "labels"])):
        out = subprocess.run([sys.executable, f"{HERE}/split.py", f"{tmp}/t.{ext}", f"{tmp}/{ext}", *strat],
                             capture_output=True, text=True)
        src = open(f"{tmp}/t.{ext}", "rb").read()
        tr, te = (open(f"{tmp}/{ext}/{s}.{ext}", "rb").read() for s in ("train", "test"))
        head = src.split(b"\n")[0] + b"\n" if ext != "jsonl" else b""
        same = sorted(tr[len(head):].split(b"\n") + te[len(head):].split(b"\n")) == sorted(src[len(head):].split(b"\n") + [b""])
        check(f"split.py {ext}: header kept, rows byte-identical, 40 test rows",
              out.returncode == 0 and tr.startswith(head) and te.startswith(head) and same and
              json.load(open(f"{tmp}/{ext}/split.json"))["counts"][-1]["test"] == 40, out.stderr[-300:])
        lab = ["--label-column", "labels"] if ext == "jsonl" else ["--label-columns", "*"]
        out = subprocess.run([sys.executable, f"{HERE}/linear_baseline.py", f"{tmp}/{ext}/train.{ext}",
                              f"{tmp}/{ext}/test.{ext}", "--text-column", "text", *lab, "--json", f"{tmp}/{ext}.json"],
                             capture_output=True, text=True)
        check(f"linear_baseline.py reads the {ext} split", out.returncode == 0, out.stderr[-300:])

print(f"\n{len(failures)} failure(s)" if failures else "\nall checks passed")
sys.exit(1 if failures else 0)
