#!/usr/bin/env python3
"""Make the dashboard `asv publish` wrote open without internet access.

asv 0.6's index.html loads jQuery, flot, bootstrap, stupidtable and md5 from CDNs; this machine (and
CI) has no route to them, so the page shows "Can not determine continental origin of swallow".
benchmarks/asv/vendor/ holds the same libraries (same versions; bootstrap 3.1.0 for 3.1.1) as asv
0.5.1's sdist ships them in asv/www/vendor/ (unmodified, MIT licensed; vendor/README.md):

    python benchmarks/asv/offline_dashboard.py            # after every `asv publish` (it empties html_dir)
    python benchmarks/asv/offline_dashboard.py /tmp/asv051/asv-0.5.1/asv/www/vendor   # or from the sdist:
    #   pip download --no-deps --no-binary :all: asv==0.5.1 -d /tmp/asv051 && tar xzf /tmp/asv051/asv-0.5.1.tar.gz -C /tmp/asv051

copies them into <html_dir>/vendor/ and points index.html at them.
"""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
HTML = HERE.parent / "results" / "asv-dashboard"
VENDOR = HERE / "vendor"

#: CDN URL pattern -> vendored file name.
MAP = [
    (r"https://code\.jquery\.com/jquery-3\.3\.1\.min\.js", "jquery-3.3.1.min.js"),
    (r"https://cdnjs\.cloudflare\.com/ajax/libs/flot/0\.8\.3/jquery\.flot\.min\.js", "jquery.flot-0.8.3.min.js"),
    (
        r"https://cdnjs\.cloudflare\.com/ajax/libs/flot/0\.8\.3/jquery\.flot\.time\.min\.js",
        "jquery.flot-0.8.3.time.min.js",
    ),
    (
        r"https://cdnjs\.cloudflare\.com/ajax/libs/flot/0\.8\.3/jquery\.flot\.selection\.min\.js",
        "jquery.flot-0.8.3.selection.min.js",
    ),
    (
        r"https://cdnjs\.cloudflare\.com/ajax/libs/flot/0\.8\.3/jquery\.flot\.categories\.min\.js",
        "jquery.flot-0.8.3.categories.min.js",
    ),
    (
        r"https://cdn\.jsdelivr\.net/npm/flot-orderbars@1\.0\.0/js/jquery\.flot\.orderBars\.js",
        "jquery.flot.orderBars.js",
    ),
    (r"https://cdnjs\.cloudflare\.com/ajax/libs/stupidtable/1\.0\.1/stupidtable\.min\.js", "stupidtable.js"),
    (r"https://cdnjs\.cloudflare\.com/ajax/libs/blueimp-md5/2\.19\.0/js/md5\.min\.js", "md5.js"),
    (r"https://cdn\.jsdelivr\.net/npm/bootstrap@3\.1\.1/dist/js/bootstrap\.min\.js", "bootstrap-3.1.0.min.js"),
    (r"https://cdn\.jsdelivr\.net/npm/bootstrap@3\.1\.1/dist/css/bootstrap\.min\.css", "bootstrap-3.1.0.min.css"),
]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "vendor_dir",
        nargs="?",
        default=str(VENDOR),
        help="the libraries (default: benchmarks/asv/vendor; or asv-0.5.1/asv/www/vendor of the sdist)",
    )
    ap.add_argument("--html", default=str(HTML))
    args = ap.parse_args()
    src, html = Path(args.vendor_dir), Path(args.html)
    index = html / "index.html"
    text = index.read_text()
    (html / "vendor").mkdir(exist_ok=True)
    for pattern, name in MAP:
        if not (src / name).exists():
            raise SystemExit(f"offline_dashboard: {src / name} missing (expected asv 0.5.1's www/vendor)")
        shutil.copy2(src / name, html / "vendor" / name)
        text = re.sub(pattern, f"vendor/{name}", text)
    # the vendored files are not byte-identical to the CDN's (other minification): drop the
    # subresource-integrity hashes, which would otherwise block them
    text = re.sub(r'\s+integrity="[^"]*"', "", text)
    # a crossorigin script is fetched in CORS mode, which file:// pages cannot do (the page would
    # show asv's "failed to load" notice when opened from disk); local files need neither attribute
    text = re.sub(
        r'(src|href)="(vendor/[^"]+)"\s+crossorigin="anonymous"(\s+referrerpolicy="no-referrer")?', r'\1="\2"', text
    )
    left = re.findall(r'(?:src|href)="(https://(?!github\.com)[^"]+)"', text)
    index.write_text(text)
    print(f"offline_dashboard: {index} uses vendor/ ({len(MAP)} files)" + (f"; still remote: {left}" if left else ""))
    return 1 if left else 0


if __name__ == "__main__":
    raise SystemExit(main())
