#!/usr/bin/env python3
"""The baseline of bench/mycloud-export.sh: the "symlink farm" that the MyCloud recovery scripts
build before they run rsync -L (our own code, doing what wd-mycloud-rsync-recovery's farm does):
a map of every row's id to its name and parent, then for each row with a contentID its path from
the parent chain and a symlink there to FILES/<first char>/<contentID>, folders made as needed.
Usage: mycloud-farm.py INDEX_DB FILES FARM"""
import os
import sqlite3
import sys

db_path, files, farm = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
os.makedirs(farm, exist_ok=True)
db = sqlite3.connect(db_path)
parents = {i: (name, parent) for i, name, parent in db.execute("SELECT id, name, parentID FROM Files")}
made = set()
for name, parent, content in db.execute("SELECT name, parentID, contentID FROM Files WHERE contentID IS NOT NULL"):
    parts = [name]
    while parent in parents:
        name, parent = parents[parent]
        parts.append(name)
    path = os.path.join(farm, *reversed(parts))
    folder = os.path.dirname(path)
    if folder not in made:
        os.makedirs(folder, exist_ok=True)
        made.add(folder)
    source = os.path.join(files, content[0], content)
    if os.path.exists(source) and not os.path.lexists(path):
        os.symlink(source, path)
