#!/usr/bin/env python3
"""Seeded random train/test split of a CSV, TSV or JSONL table, keeping the file's format.

    split.py IN OUT_DIR [--test-fraction 0.2] [--seed 1]
             [--stratify-column label [--label-separator '|']]
             [--stratify-columns a,b,c | --stratify-columns '*']

Writes OUT_DIR/train.<ext>, OUT_DIR/test.<ext> and OUT_DIR/split.json (what was done, with the
input's sha256 and the per-label counts). Each output row is the input row's exact text (bytes,
quoting and line endings as in the input), in input order; both outputs start with the input's
header line (and its BOM, if any). The rows are parsed with the csv / json modules only to read the
labels to stratify on and to check that every row has the header's number of fields.

TSV: read with csv, delimiter '\\t'. By default (--tsv-quoting auto) a TSV none of whose fields starts
with '"' is read with QUOTE_NONE (quotes are ordinary characters, as in SemEval's file); one that
does is read with '"' quoting (as Commons CSV's TDF format, which textcls's `score` uses, reads it).

Stratification:
  --stratify-column COL               one label per row: every label keeps the test fraction
                                       (per-label largest-remainder allocation; test size round(N*f)).
  --stratify-column COL --label-separator '|'  (or a JSON list in a JSONL file): multi-label, as below.
  --stratify-columns a,b,c / '*'      wide 0/1 columns ('*' = every column after the first two):
                                       iterative stratification (Sechidis, Tsoumakas and Vlahavas
                                       2011, "On the stratification of multi-label data", ECML PKDD).
Without either, a plain seeded shuffle; the test side gets round(N*f) rows.
"""
import argparse
import csv
import hashlib
import json
import os
import sys

import numpy as np

csv.field_size_limit(sys.maxsize)


class _Recorder:
    """Line iterator that remembers the physical lines the csv reader pulled for each record."""

    def __init__(self, lines):
        self.it, self.buf = iter(lines), []

    def __iter__(self):
        return self

    def __next__(self):
        line = next(self.it)
        self.buf.append(line)
        return line

    def take(self):
        raw, self.buf = "".join(self.buf), []
        return raw


def physical_lines(text):
    """Split on '\\n' only (str.splitlines would also split on \\x0b, \\u2028, ... inside a field)."""
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def read_table(path, tsv_quoting="auto"):
    """Returns (kind, bom, header_raw, header, rows, raws, note): rows are lists (CSV/TSV) or dicts."""
    ext = os.path.splitext(path)[1].lower()
    with open(path, encoding="utf-8", newline="") as f:
        text = f.read()
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    lines = physical_lines(text[len(bom):])
    if ext in (".jsonl", ".ndjson"):
        rows, raws = [], []
        for n, line in enumerate(lines, 1):
            if line.strip():
                obj = json.loads(line)
                if not isinstance(obj, dict):
                    sys.exit(f"{path}:{n}: not a JSON object")
                rows.append(obj)
                raws.append(line)
        return "jsonl", bom, "", list(rows[0].keys()) if rows else [], rows, raws, ""
    if ext == ".csv":
        dialect, note = dict(), "csv: RFC 4180 quoting with '\"'"
    elif ext in (".tsv", ".tab"):
        if tsv_quoting == "auto":
            quoted = any(field.startswith('"') for line in lines for field in line.split("\t"))
            tsv_quoting = "csv" if quoted else "none"
        if tsv_quoting == "none":
            dialect = dict(delimiter="\t", quoting=csv.QUOTE_NONE)
            note = "tsv: no field starts with '\"', read with QUOTE_NONE (quotes are plain characters)"
        else:
            dialect = dict(delimiter="\t", quotechar='"')
            note = "tsv: fields quoted with '\"' (read as Commons CSV's TDF format does)"
    else:
        sys.exit(f"{path}: unknown table extension {ext!r} (want .csv, .tsv or .jsonl)")
    rec = _Recorder(lines)
    reader = csv.reader(rec, **dialect)
    header = next(reader)
    header_raw = rec.take()
    rows, raws, blank = [], [], 0
    for row in reader:
        raw = rec.take()
        if not row:
            blank += 1
            continue
        if len(row) != len(header):
            sys.exit(f"{path}: record ending on line {reader.line_num} has {len(row)} fields, "
                     f"the header {len(header)}")
        rows.append(row)
        raws.append(raw)
    if blank:
        note += f"; {blank} blank line(s) dropped"
    return ext[1:], bom, header_raw, header, rows, raws, note


def truthy(v, where):
    if isinstance(v, bool):
        return v
    try:
        return float(str(v).strip()) != 0.0
    except ValueError:
        sys.exit(f"{where}: value {v!r} is not 0/1")


def stratified_single(labels, frac, rng):
    """Per-label shuffle; test gets round(N*frac) rows, shared among labels by largest remainder."""
    classes = sorted(set(labels))
    by_class = {c: [i for i, l in enumerate(labels) if l == c] for c in classes}
    want = {c: len(by_class[c]) * frac for c in classes}
    take = {c: int(np.floor(want[c])) for c in classes}
    spare = int(round(len(labels) * frac)) - sum(take.values())
    for c in sorted(classes, key=lambda c: (-(want[c] - take[c]), c))[:max(spare, 0)]:
        take[c] += 1
    test = np.zeros(len(labels), bool)
    for c in classes:
        idx = np.array(by_class[c])
        test[rng.permutation(idx)[:take[c]]] = True
    return test


def iterative_stratification(Y, frac, rng):
    """Sechidis et al. 2011, Algorithm 1, for two subsets (train, test) with ratios (1-f, f).

    Repeatedly takes the label with the fewest remaining examples (ties at random) and hands each
    of its examples to the subset that most wants that label (then: wants most examples overall;
    then: at random). Examples with no label go last, to the subset that wants most examples."""
    n, L = Y.shape
    r = np.array([1.0 - frac, frac])
    c = r * n                                 # desired number of examples per subset
    cl = np.outer(r, Y.sum(axis=0))           # desired number of examples of each label per subset
    order = rng.permutation(n)                # the order examples are visited in
    remaining = np.ones(n, bool)
    subset = np.full(n, -1)

    def pick(candidates):
        return candidates[0] if len(candidates) == 1 else rng.choice(candidates)

    while True:
        left = Y[remaining].sum(axis=0)
        if not left.any():
            break
        fewest = np.flatnonzero(left == left[left > 0].min())
        l = pick(fewest)
        for i in order[remaining[order] & Y[order, l]]:
            m = np.flatnonzero(cl[:, l] == cl[:, l].max())
            if len(m) > 1:
                m = m[c[m] == c[m].max()]
            j = pick(m)
            subset[i], remaining[i] = j, False
            cl[j, Y[i]] -= 1
            c[j] -= 1
    for i in order[remaining[order]]:
        j = pick(np.flatnonzero(c == c.max()))
        subset[i] = j
        c[j] -= 1
    return subset == 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("input")
    ap.add_argument("out_dir")
    ap.add_argument("--test-fraction", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--stratify-column", help="one label column (or a multi-label one, with --label-separator)")
    ap.add_argument("--stratify-columns", help="wide 0/1 label columns: a,b,c or '*' (all after the first two)")
    ap.add_argument("--label-separator", help="--stratify-column holds several labels joined by this")
    ap.add_argument("--tsv-quoting", choices=["auto", "none", "csv"], default="auto")
    a = ap.parse_args()
    if a.stratify_column and a.stratify_columns:
        ap.error("give --stratify-column or --stratify-columns, not both")
    if not 0.0 < a.test_fraction < 1.0:
        ap.error("--test-fraction must be between 0 and 1")

    kind, bom, header_raw, header, rows, raws, note = read_table(a.input, a.tsv_quoting)
    n = len(rows)
    col = (lambda name: name) if kind == "jsonl" else (lambda name: header.index(name))
    rng = np.random.default_rng(a.seed)
    multi = None
    if a.stratify_columns:
        names = header[2:] if a.stratify_columns == "*" else a.stratify_columns.split(",")
        missing = [x for x in names if x not in header]
        if missing:
            sys.exit(f"{a.input}: no column(s) {missing}; columns: {header}")
        Y = np.array([[truthy(r[col(x)], f"row {k + 1}, {x}") for x in names] for k, r in enumerate(rows)],
                     dtype=bool).reshape(n, len(names))
        multi, method = (names, Y), "iterative stratification (Sechidis et al. 2011) on " + ",".join(names)
    elif a.stratify_column:
        if a.stratify_column not in header:
            sys.exit(f"{a.input}: no column {a.stratify_column!r}; columns: {header}")
        values = [r[col(a.stratify_column)] for r in rows]
        if a.label_separator or any(isinstance(v, list) for v in values):
            sets = [set(v) if isinstance(v, list) else {x for x in str(v).split(a.label_separator) if x}
                    for v in values]
            names = sorted(set().union(*sets))
            Y = np.array([[x in s for x in names] for s in sets], dtype=bool).reshape(n, len(names))
            multi, method = (names, Y), f"iterative stratification (Sechidis et al. 2011) on {a.stratify_column}"
        else:
            values = [str(v) for v in values]
            method = f"stratified on {a.stratify_column}"
    else:
        method = "plain shuffle"

    if multi is not None:
        test = iterative_stratification(multi[1], a.test_fraction, rng)
    elif a.stratify_column:
        test = stratified_single(values, a.test_fraction, rng)
    else:
        test = np.zeros(n, bool)
        test[rng.permutation(n)[:int(round(n * a.test_fraction))]] = True

    os.makedirs(a.out_dir, exist_ok=True)
    newline = "\r\n" if (header_raw or (raws[0] if raws else "")).endswith("\r\n") else "\n"
    outs = {}
    for side, mask in (("train", ~test), ("test", test)):
        path = os.path.join(a.out_dir, f"{side}.{kind}")
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(bom + header_raw)
            for k in np.flatnonzero(mask):
                raw = raws[k]
                f.write(raw if raw.endswith("\n") else raw + newline)
        outs[side] = path

    # per-label counts on each side
    if multi is not None:
        names, Y = multi
        table = [(x, int(Y[:, j].sum()), int(Y[~test, j].sum()), int(Y[test, j].sum())) for j, x in enumerate(names)]
        empty = ~Y.any(axis=1)
        table.append(("(no label)", int(empty.sum()), int(empty[~test].sum()), int(empty[test].sum())))
    elif a.stratify_column:
        v = np.array(values)
        table = [(x, int((v == x).sum()), int((v[~test] == x).sum()), int((v[test] == x).sum()))
                 for x in sorted(set(values))]
    else:
        table = []
    table.append(("(rows)", n, int((~test).sum()), int(test.sum())))
    print(f"{a.input}: {n} rows ({note})")
    print(f"seed {a.seed}, test fraction {a.test_fraction}, {method}")
    width = max(len(t[0]) for t in table)
    print(f"{'label':<{width}}  {'all':>6}  {'train':>6}  {'test':>6}  test share")
    for x, t, tr, te in table:
        print(f"{x:<{width}}  {t:>6}  {tr:>6}  {te:>6}  {te / t if t else 0:.3f}")
    with open(a.input, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    info = dict(input=a.input, input_sha256=sha, seed=a.seed, test_fraction=a.test_fraction, method=method,
                format_note=note, outputs=outs,
                counts=[dict(label=x, all=t, train=tr, test=te) for x, t, tr, te in table])
    with open(os.path.join(a.out_dir, "split.json"), "w", encoding="utf-8") as f:
        json.dump(info, f, ensure_ascii=False, indent=1)
    print(f"wrote {outs['train']} ({int((~test).sum())} rows), {outs['test']} ({int(test.sum())} rows)")


if __name__ == "__main__":
    main()
