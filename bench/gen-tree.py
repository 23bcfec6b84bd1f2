#!/usr/bin/env python3
"""Generates a tree of N small files (100 B - 8 KiB, about 1% duplicates), 100 files per folder,
folders nested two deep, deterministic for a given N."""
import os
import random
import sys

n = int(sys.argv[2])
root = sys.argv[1]
r = random.Random(42)
for i in range(n):
    d = os.path.join(root, "d%03d" % (i // 10000), "e%03d" % (i // 100 % 100))
    if i % 100 == 0:
        os.makedirs(d, exist_ok=True)
    data = b"duplicate content %d\n" % (i % 50) if i % 100 == 7 else r.randbytes(r.randint(100, 8192))
    with open(os.path.join(d, "f%05d.bin" % i), "wb") as f:
        f.write(data)
