#!/usr/bin/python3
"""Native anchor for the web-export job: the vips CLI (Debian libvips-tools) on every JPEG of a
folder, N processes at a time (default 2):

    vips thumbnail IN.jpg OUT/IN.webp[Q=82,strip] 2048

    /usr/bin/python3 bench/anchors/webexport_vips.py IN_DIR OUT_DIR [N]

`vips thumbnail` auto-rotates, shrinks on load and fits inside 2048x2048; it does not sharpen (the
Tessera recipe adds an unsharp mask), so the anchor does a little less work than Tessera.
Prints one JSON line {"anchor", "images", "failed", "processes", "seconds", "imagesPerSecond",
"bytesOut", "version"}; "seconds" is the wall time of the whole folder, process starts included
(that is what running the CLI costs). Debian: apt-get install -y libvips-tools
"""
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

EXTS = ('.jpg', '.jpeg')


def run(vips, src, out_dir):
    dst = os.path.join(out_dir, os.path.splitext(os.path.basename(src))[0] + '.webp')
    r = subprocess.run([vips, 'thumbnail', src, dst + '[Q=82,strip]', '2048'], capture_output=True, text=True)
    return src, dst, r.returncode, r.stderr.strip()


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    inp, out = argv[0], argv[1]
    n = int(argv[2]) if len(argv) > 2 else 2
    vips = shutil.which('vips')
    if not vips:
        print(json.dumps({'anchor': 'vips', 'error': 'vips not found: apt-get install -y libvips-tools'}))
        return 3
    version = subprocess.run([vips, '--version'], capture_output=True, text=True).stdout.strip()
    os.makedirs(out, exist_ok=True)
    paths = sorted(os.path.join(inp, f) for f in os.listdir(inp) if f.lower().endswith(EXTS))
    t0 = time.perf_counter()
    with ThreadPoolExecutor(n) as ex:
        results = list(ex.map(lambda p: run(vips, p, out), paths))
    seconds = time.perf_counter() - t0
    failed = [{'path': s, 'error': e} for s, _, code, e in results if code != 0]
    done = [d for _, d, code, _ in results if code == 0]
    print(json.dumps({
        'anchor': 'vips', 'version': version, 'images': len(done), 'failed': len(failed), 'errors': failed[:5],
        'processes': n, 'seconds': round(seconds, 4), 'imagesPerSecond': round(len(done) / seconds, 3) if seconds > 0 else 0,
        'bytesOut': sum(os.path.getsize(d) for d in done),
        'command': 'vips thumbnail IN.jpg OUT.webp[Q=82,strip] 2048',
    }))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
