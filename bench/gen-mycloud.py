#!/usr/bin/env python3
"""Generates a restsdk dump with N rows (add "index-only" to write no bytes, only index.db): DIR/restsdk/data/db/index.db (table Files with the
reference columns) and DIR/restsdk/data/files/<c>/<contentID>. Two users and a Trash, folders of
about 40 entries nested up to 4 deep, 1 row in 20 a folder; file contents are small and drawn
from 2,000 distinct ones (the bench measures rows, not bytes). Deterministic for a given N."""
import os
import random
import sqlite3
import sys

root, n = sys.argv[1], int(sys.argv[2])
index_only = len(sys.argv) > 3 and sys.argv[3] == "index-only"
r = random.Random(7)
db_dir = os.path.join(root, "restsdk/data/db")
files = os.path.join(root, "restsdk/data/files")
os.makedirs(db_dir, exist_ok=True)
os.makedirs(files, exist_ok=True)
db = sqlite3.connect(os.path.join(db_dir, "index.db"))
db.execute("""CREATE TABLE Files(id TEXT NOT NULL, autoID INTEGER PRIMARY KEY AUTOINCREMENT,
  parentID TEXT REFERENCES Files(id), contentID TEXT, version INTEGER NOT NULL DEFAULT 1, name TEXT NOT NULL,
  birthTime INTEGER NOT NULL, cTime INTEGER NOT NULL, uTime INTEGER, mTime INTEGER, size INTEGER NOT NULL DEFAULT 0,
  mimeType TEXT NOT NULL DEFAULT '', storageID TEXT NOT NULL DEFAULT 'local', hidden INTEGER NOT NULL DEFAULT 1,
  imageDate INTEGER, videoDate INTEGER, imageWidth INTEGER, imageHeight INTEGER, contentHash TEXT, custom TEXT)""")
db.execute("CREATE UNIQUE INDEX files_id ON Files(id)")
db.execute("CREATE INDEX files_parent ON Files(parentID)")
alphabet = "abcdefghijklmnopqrstuvwxyz234567"
def new_id():
    return "".join(r.choice(alphabet) for _ in range(24))
contents = [b"photo bytes %d\n" % i * (1 + i % 7) for i in range(2000)]
T0 = 1_500_000_000_000
rows = []  # the batch not yet inserted
total = 0
def add(parent, name, dir_, content=None, size=0, image=None):
    global total
    i = new_id()
    rows.append((i, parent, content, name, T0 + total, T0 + total, size,
                 "application/x.wd.dir" if dir_ else "image/jpeg", image))
    total += 1
    if len(rows) == 100000:
        flush()
    return i
def flush():
    db.executemany("INSERT INTO Files(id, parentID, contentID, name, birthTime, cTime, size, mimeType, imageDate)"
                   " VALUES (?,?,?,?,?,?,?,?,?)", rows)
    rows.clear()
users = [add(None, "auth0|5e62c7d4a1b2c3d4e5f60001", True), add(None, "auth0|5e62c7d4a1b2c3d4e5f60002", True)]
trash = add(None, "Trash", True)
open_dirs = [(u, 0) for u in users] + [(trash, 0)]
count = {}
written = set()
while total < n:
    parent, depth = open_dirs[r.randrange(len(open_dirs))]
    if count.get(parent, 0) >= 40:
        open_dirs.remove((parent, depth))
        if not open_dirs:
            open_dirs = [(u, 0) for u in users]
            count = {}
        continue
    count[parent] = count.get(parent, 0) + 1
    if r.random() < 0.05 and depth < 4:
        open_dirs.append((add(parent, "Album %d" % total, True), depth + 1))
    else:
        k = r.randrange(len(contents))
        cid = new_id()
        add(parent, "IMG_%07d.jpg" % total, False, cid, len(contents[k]), T0 - total * 1000)
        d = os.path.join(files, cid[0])
        if index_only:
            pass
        elif cid[0] not in written:
            os.makedirs(d, exist_ok=True)
            written.add(cid[0])
        if not index_only:
            with open(os.path.join(d, cid), "wb") as f:
                f.write(contents[k])
flush()
db.commit()
db.close()
