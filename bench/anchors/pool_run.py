"""The part the seed anchors share: a folder through a multiprocessing pool, timed after the pool
has started and every process has warmed up, one JSON line of figures."""
import json
import os
import time
from multiprocessing import Pool

EXTS = ('.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.bmp')


def run_pool(inp, out, n, init, initargs, warm, seed, extra):
    """seed(path) -> (path, ok, error) writes <base>.png into `out`; prints and returns the exit code."""
    os.makedirs(out, exist_ok=True)
    paths = sorted(os.path.join(inp, f) for f in os.listdir(inp) if f.lower().endswith(EXTS))
    t0 = time.perf_counter()
    with Pool(n, initializer=init, initargs=initargs) as pool:
        pool.map(warm, range(n), chunksize=1)
        t1 = time.perf_counter()
        results = list(pool.imap_unordered(seed, paths, chunksize=1))
        t2 = time.perf_counter()
    failed = [{'path': p, 'error': e} for p, ok, e in results if not ok]
    names = [os.path.splitext(os.path.basename(p))[0] + '.png' for p, ok, _ in results if ok]
    seconds = t2 - t1
    print(json.dumps({
        **extra,
        'images': len(names), 'failed': len(failed), 'errors': failed[:5], 'processes': n,
        'seconds': round(seconds, 4), 'imagesPerSecond': round(len(names) / seconds, 2) if seconds > 0 else 0,
        'startupSeconds': round(t1 - t0, 4),
        'bytesOut': sum(os.path.getsize(os.path.join(out, f)) for f in names),
    }))
    return 1 if failed else 0
