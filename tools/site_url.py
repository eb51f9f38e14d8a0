#!/usr/bin/env python3
"""Trunk post-build hook: absolute URLs for link previews.

Link-preview consumers (oEmbed, Open Graph, Twitter cards) do not resolve relative URLs, so
the built index.html's og:image / twitter:image / og:url and oembed.json's iframe src and
thumbnail get the site's address at build time. The address comes from the SITE_URL
environment variable (e.g. SITE_URL=https://example.org/supernode-storm/), else from
`[package.metadata.site] url` in Cargo.toml. With neither, the files keep their relative
URLs (the page itself works from any sub-path) and a warning says how to set one.
"""
import json, os, re, sys

staging = os.environ.get("TRUNK_STAGING_DIR", sys.argv[1] if len(sys.argv) > 1 else "dist")
root = os.environ.get("TRUNK_SOURCE_DIR", os.getcwd())


def site_url():
    url = os.environ.get("SITE_URL", "").strip()
    if not url:
        try:
            toml = open(os.path.join(root, "Cargo.toml"), encoding="utf-8").read()
            m = re.search(r"\[package\.metadata\.site\][^\[]*?\burl\s*=\s*\"([^\"]+)\"", toml, flags=re.S)
            url = m.group(1).strip() if m else ""
        except OSError:
            url = ""
    if url and not re.match(r"^https?://", url):
        sys.exit("site_url: SITE_URL must start with http:// or https:// (got %r)" % url)
    return url.rstrip("/") + "/" if url else ""


base = site_url()
if not base:
    print("site_url: no SITE_URL (or [package.metadata.site] url in Cargo.toml): link previews keep relative URLs")
    sys.exit(0)

index = os.path.join(staging, "index.html")
html = open(index, encoding="utf-8").read()
for prop in ("og:image", "twitter:image"):
    html = re.sub(r'(<meta (?:property|name)="%s" content=")(?!https?://)([^"]*)"' % re.escape(prop), lambda m: m.group(1) + base + m.group(2) + '"', html)
if 'property="og:url"' not in html:
    html = html.replace('<meta property="og:type"', '<meta property="og:url" content="%s" />\n    <meta property="og:type"' % base, 1)
html = re.sub(r'(<link rel="alternate" type="application/json\+oembed" href=")(?!https?://)([^"]*)"', lambda m: m.group(1) + base + m.group(2) + '"', html)
open(index, "w", encoding="utf-8").write(html)

path = os.path.join(staging, "oembed.json")
o = json.load(open(path, encoding="utf-8"))
o["provider_url"] = base
o["thumbnail_url"] = base + o.get("thumbnail_url", "social.png").lstrip("./")
o["html"] = o["html"].replace('src="./?', 'src="%s?' % base)
json.dump(o, open(path, "w", encoding="utf-8"), indent=2)
print("site_url: link previews point at %s" % base)
