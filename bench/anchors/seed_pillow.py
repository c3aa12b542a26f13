#!/usr/bin/python3
"""Native anchor: the seed pipeline with Pillow (+ NumPy for the Sobel magnitude, which Pillow
lacks) over a folder, in a multiprocessing.Pool.

    /usr/bin/python3 bench/anchors/seed_pillow.py IN_DIR OUT_DIR [N] [--exact-blur]

Image.convert('L') (601 luma) -> ImageFilter.GaussianBlur(2) (Pillow's extended-box approximation,
what a Pillow user writes) -> Sobel magnitude in NumPy (reflect-101, rounded, saturated) ->
ImageFilter.SHARPEN ([[-2,-2,-2],[-2,32,-2],[-2,-2,-2]]/16) -> ImageEnhance.Brightness(1.2) ->
Image.save PNG with Pillow's defaults (zlib level 6). N processes (default 2). --exact-blur
replaces GaussianBlur(2) with the definition's 13-tap sigma-2 kernel, reflect-101, in NumPy
(slower; then the outputs pass seed_reference.py).

Prints one JSON line like seed_opencv.py. "seconds" covers the processing only; the pool's
start-up is "startupSeconds". Debian: apt-get install -y python3-pil python3-numpy
"""
import os
import sys
import time
from pool_run import run_pool

import numpy as np
import PIL
from PIL import Image, ImageEnhance, ImageFilter

OUT_DIR = None
EXACT = False
_x = np.arange(-6, 7)
GAUSS13 = np.exp(-_x * _x / 8.0)
GAUSS13 /= GAUSS13.sum()


def init(out_dir, exact):
    global OUT_DIR, EXACT
    OUT_DIR = out_dir
    EXACT = exact


def gaussian13(im):
    a = np.asarray(im, np.float64)
    h, w = a.shape
    p = np.pad(a, ((0, 0), (6, 6)), mode='reflect')
    t = sum(GAUSS13[i] * p[:, i:i + w] for i in range(13))
    p = np.pad(t, ((6, 6), (0, 0)), mode='reflect')
    t = sum(GAUSS13[i] * p[i:i + h, :] for i in range(13))
    return Image.fromarray(np.clip(np.rint(t), 0, 255).astype(np.uint8), 'L')


def warm(_):
    Image.new('L', (32, 32)).filter(ImageFilter.GaussianBlur(2))
    time.sleep(0.05)
    return os.getpid()


def sobel_magnitude(im):
    a = np.asarray(im, np.int32)
    p = np.pad(a, 1, mode='reflect')  # NumPy's 'reflect' is reflect-101
    h, w = a.shape
    tl, tc, tr = p[:h, :w], p[:h, 1:w + 1], p[:h, 2:]
    ml, mr = p[1:h + 1, :w], p[1:h + 1, 2:]
    bl, bc, br = p[2:, :w], p[2:, 1:w + 1], p[2:, 2:]
    gx = (tr - tl) + 2 * (mr - ml) + (br - bl)
    gy = (bl - tl) + 2 * (bc - tc) + (br - tr)
    mag = np.sqrt((gx * gx + gy * gy).astype(np.float32))
    return Image.fromarray(np.clip(np.rint(mag), 0, 255).astype(np.uint8), 'L')


def seed(path):
    try:
        with Image.open(path) as im:
            gray = im.convert('L')
        blur = gaussian13(gray) if EXACT else gray.filter(ImageFilter.GaussianBlur(2))
        edges = sobel_magnitude(blur)
        sharp = edges.filter(ImageFilter.SHARPEN)
        out = ImageEnhance.Brightness(sharp).enhance(1.2)
        name = os.path.splitext(os.path.basename(path))[0] + '.png'
        out.save(os.path.join(OUT_DIR, name), 'PNG')
        return path, True, None
    except Exception as e:  # one bad file must not stop the batch
        return path, False, str(e)


def main(argv):
    exact = '--exact-blur' in argv
    argv = [a for a in argv if a != '--exact-blur']
    if len(argv) < 2:
        sys.exit(__doc__)
    inp, out = argv[0], argv[1]
    n = int(argv[2]) if len(argv) > 2 else 2
    return run_pool(inp, out, n, init, (out, exact), warm, seed, {
        'anchor': 'pillow', 'version': PIL.__version__, 'numpy': np.__version__,
        'png': 'Image.save defaults (zlib level 6)',
        'blur': '13-tap sigma-2 kernel in NumPy' if exact else 'ImageFilter.GaussianBlur(2) (box approximation, not the 13-tap kernel)',
    })


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
