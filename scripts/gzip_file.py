#!/usr/bin/env python3
"""gzip_file.py SOURCE DEST: writes SOURCE gzip-compressed to DEST (reproducibly: mtime 0)."""
import gzip
import os
import sys

source, dest = sys.argv[1], sys.argv[2]
os.makedirs(os.path.dirname(dest), exist_ok=True)
with open(source, 'rb') as f:
    data = f.read()
with open(dest + '.tmp', 'wb') as f:
    f.write(gzip.compress(data, compresslevel=6, mtime=0))
os.replace(dest + '.tmp', dest)
