#!/usr/bin/python3
"""Native anchor: the seed pipeline with OpenCV-Python over a folder, in a multiprocessing.Pool.

    /usr/bin/python3 bench/anchors/seed_opencv.py IN_DIR OUT_DIR [N] [--threads T]

grayscale (601 luma) -> Gaussian sigma 2 (13x13, reflect-101) -> Sobel magnitude (CV_32F,
cv2.magnitude) -> 3x3 sharpen [[-2,-2,-2],[-2,32,-2],[-2,-2,-2]]/16 -> x1.2, saturated to uint8,
written the way an OpenCV user would write it, and saved with cv2.imwrite's default PNG settings
(zlib level 1, RLE strategy in OpenCV 4.x). N processes (default 2). --threads T calls
cv2.setNumThreads(T) in each process (default: OpenCV's own default, untouched).

Prints one JSON line: {"anchor", "images", "failed", "processes", "seconds", "imagesPerSecond",
"startupSeconds", "bytesOut", ...}. "seconds" covers the processing only (the pool is started and
every process has run a first task before the clock starts); start-up is "startupSeconds".
Debian: apt-get install -y python3-opencv python3-numpy
"""
import os
import sys
import time
from pool_run import run_pool

import cv2
import numpy as np

SHARPEN = np.array([[-2, -2, -2], [-2, 32, -2], [-2, -2, -2]], np.float32) / 16
BORDER = cv2.BORDER_REFLECT_101
OUT_DIR = None


def init(out_dir, threads):
    global OUT_DIR
    OUT_DIR = out_dir
    if threads is not None:
        cv2.setNumThreads(threads)


def warm(_):
    # A first call into the library in each process, so the timed part starts warm.
    cv2.GaussianBlur(np.zeros((32, 32), np.uint8), (13, 13), 2, borderType=BORDER)
    time.sleep(0.05)
    return os.getpid()


def seed(path):
    img = cv2.imread(path, cv2.IMREAD_COLOR)
    if img is None:
        return path, False, 'cannot read'
    gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    blur = cv2.GaussianBlur(gray, (13, 13), 2, sigmaY=2, borderType=BORDER)
    gx = cv2.Sobel(blur, cv2.CV_32F, 1, 0, ksize=3, borderType=BORDER)
    gy = cv2.Sobel(blur, cv2.CV_32F, 0, 1, ksize=3, borderType=BORDER)
    mag = cv2.convertScaleAbs(cv2.magnitude(gx, gy))
    sharp = cv2.filter2D(mag, -1, SHARPEN, borderType=BORDER)
    out = cv2.convertScaleAbs(sharp, alpha=1.2)
    name = os.path.splitext(os.path.basename(path))[0] + '.png'
    ok = cv2.imwrite(os.path.join(OUT_DIR, name), out)
    return path, bool(ok), None if ok else 'imwrite failed'


def main(argv):
    args = [a for a in argv if not a.startswith('--')]
    threads = None
    if '--threads' in argv:
        threads = int(argv[argv.index('--threads') + 1])
        args.remove(str(threads))
    if len(args) < 2:
        sys.exit(__doc__)
    inp, out = args[0], args[1]
    n = int(args[2]) if len(args) > 2 else 2
    return run_pool(inp, out, n, init, (out, threads), warm, seed, {
        'anchor': 'opencv', 'version': cv2.__version__, 'numpy': np.__version__,
        'cvThreads': threads if threads is not None else cv2.getNumThreads(),
        'png': 'cv2.imwrite defaults (zlib level 1, RLE strategy)',
    })


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
