#!/usr/bin/env python3
"""Trunk post-build hook: add a strict Content-Security-Policy to the built index.html.

Trunk's loader is an inline module script whose text names the hashed file names, so its
hash changes with every build: this computes it and allows exactly that script. No
'unsafe-eval'; 'wasm-unsafe-eval' lets the page compile its own WebAssembly. Everything is
same-origin. (frame-ancestors cannot be set from a <meta>; embedding stays allowed.)
"""
import base64, hashlib, os, re, sys

path = os.path.join(os.environ.get("TRUNK_STAGING_DIR", sys.argv[1] if len(sys.argv) > 1 else "dist"), "index.html")
html = open(path, encoding="utf-8").read()
hashes = ["'sha256-%s'" % base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
          for body in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, flags=re.S)]
policy = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval' " + " ".join(hashes),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
])
meta = '<meta http-equiv="Content-Security-Policy" content="%s" />' % policy
html = re.sub(r'\s*<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
html = html.replace('<meta charset="utf-8" />', '<meta charset="utf-8" />\n    ' + meta, 1)
open(path, "w", encoding="utf-8").write(html)
print("csp: %d inline script(s) allowed by hash" % len(hashes))
