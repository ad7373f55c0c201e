"""Builds a multi-class corpus from IMDB's train folder: the review's star rating as its label.

aclImdb names each review <id>_<rating>.txt (ratings 1-4 under neg/, 7-10 under pos/) and its
urls_<label>.txt name each review's movie. This writes OUT/r01 ... OUT/r10 (eight labels, 25,000
reviews) with files named <movie>_<label><id>.txt, so that textcls's grouped split can keep each
movie on one side: --groups 'regex:^[^/]+/(tt[0-9]+)_'.

Usage: python3 docs/experiments/imdb-stars.py data/aclImdb/train data/imdb-stars
"""
import os
import re
import shutil
import sys


def main():
    src, dst = sys.argv[1], sys.argv[2]
    if os.path.exists(dst):
        sys.exit(f'{dst} exists; remove it first')
    tmp = dst + '.partial'
    shutil.rmtree(tmp, ignore_errors=True)
    written = 0
    for label in ('neg', 'pos'):
        urls = open(os.path.join(src, f'urls_{label}.txt')).read().split('\n')
        for name in sorted(os.listdir(os.path.join(src, label))):
            doc_id, rating = name[:-len('.txt')].split('_')
            movie = re.search(r'/title/(tt\d+)', urls[int(doc_id)])
            if movie is None:
                sys.exit(f'{src}/urls_{label}.txt line {int(doc_id) + 1}: no /title/tt... for {label}/{name}')
            folder = os.path.join(tmp, f'r{int(rating):02d}')
            os.makedirs(folder, exist_ok=True)
            shutil.copyfile(os.path.join(src, label, name), os.path.join(folder, f'{movie.group(1)}_{label}{doc_id}.txt'))
            written += 1
    os.rename(tmp, dst)
    print(f'{written} reviews in {dst}:', ', '.join(f'{d} {len(os.listdir(os.path.join(dst, d)))}' for d in sorted(os.listdir(dst))))


if __name__ == '__main__':
    main()
