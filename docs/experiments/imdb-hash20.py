#!/usr/bin/env python3
"""A 20-label table from IMDB's train split whose labels carry no signal, for measuring what many
labels cost (bundle size, memory, time), not accuracy: each review's label is crc32 of its movie id
modulo 20, and the movie is its group.

    python3 docs/experiments/imdb-hash20.py data/aclImdb/train data/imdb-hash20.csv

writes id,text,label,movie (25,000 rows).
"""
import csv
import os
import re
import sys
import zlib


def main():
    root, out = sys.argv[1], sys.argv[2]
    rows = []
    for label in ("neg", "pos"):
        with open(os.path.join(root, f"urls_{label}.txt"), encoding="utf-8") as f:
            urls = [l.strip() for l in f]
        for name in sorted(os.listdir(os.path.join(root, label))):
            m = re.match(r"(\d+)_\d+\.txt$", name)
            if not m:
                continue
            movie = re.search(r"/title/(tt\d+)", urls[int(m.group(1))]).group(1)
            with open(os.path.join(root, label, name), encoding="utf-8") as f:
                text = f.read()
            rows.append((f"{label}/{name}", text, "h%02d" % (zlib.crc32(movie.encode()) % 20), movie))
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "text", "label", "movie"])
        w.writerows(rows)
    print(f"{len(rows)} rows in {out}")


if __name__ == "__main__":
    main()
