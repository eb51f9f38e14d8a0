#!/usr/bin/env python3
"""Trunk post-build hook: the saved points of the stories' real-scale runs that the site ships.

`overlay-sim points` (the native model, bit-identical to the Wasm one: tests/hashes.txt) writes
each point under runs/STAMP/; this gzips them into the build. A link into one of these runs
takes up the point at or before its minute (src/resume.rs) instead of computing every minute
from the start: on a phone, the difference between about a second and twenty.
"""
import gzip, os, subprocess, sys, tempfile

staging = os.environ.get("TRUNK_STAGING_DIR", sys.argv[1] if len(sys.argv) > 1 else "dist")
with tempfile.TemporaryDirectory() as tmp:
    subprocess.run(["cargo", "run", "-q", "--release", "-p", "overlay-sim", "--", "points", tmp], check=True)
    total = count = 0
    for root, _, files in os.walk(tmp):
        for name in sorted(files):
            src = os.path.join(root, name)
            dst = os.path.join(staging, os.path.relpath(src, tmp))
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            with open(src, "rb") as f:
                data = gzip.compress(f.read(), compresslevel=9, mtime=0)
            with open(dst, "wb") as f:
                f.write(data)
            total += len(data); count += 1
print("run points: %d files, %.1f MB gzipped" % (count, total / 1e6))
