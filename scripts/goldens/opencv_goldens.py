#!/usr/bin/python3
"""Goldens for Tessera's OpenCV.js operations (median, bilateral, canny, equalize, clahe).

Rerun (only needed when inputs or variants change; `npm test` never runs this):
    apt-get install -y python3-opencv        # Debian 12: OpenCV 4.6, NumPy 1.24
    /usr/bin/python3 scripts/goldens/opencv_goldens.py   # from the repository root

Writes tests/goldens/opencv/inputs/{rgb,gray}.png and tests/goldens/opencv/<op>-<variant>.png,
plus tests/goldens/opencv/manifest.json listing each golden's input and Tessera params, which
tests/unit/opencv-ops.test.ts reads. Inputs are deterministic (seeded NumPy); the script
rewrites the same bytes on every run with the same library versions.

Tessera frames are RGB, OpenCV's native order is BGR: we keep arrays in RGB, use the RGB
conversion codes (RGB2GRAY, RGB2YCrCb, YCrCb2RGB) exactly as the TypeScript ops do, and convert
to BGR only when writing PNGs (cv2.imwrite expects BGR).
"""
import json
import os

import cv2
import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'tests', 'goldens', 'opencv')
W, H = 64, 48

cv2.ocl.setUseOpenCL(False)
cv2.setNumThreads(1)


def photo_rgb(seed: int) -> np.ndarray:
    """Gradients, a few flat shapes with hard edges, and small noise: photo-like at 64x48."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:H, 0:W].astype(np.float64)
    r = 40 + 150 * x / (W - 1) + 20 * np.sin(y / 6)
    g = 60 + 120 * y / (H - 1)
    b = 128 + 80 * np.cos((x + y) / 11)
    img = np.stack([r, g, b], axis=-1)
    img[(x - 20) ** 2 + (y - 18) ** 2 < 100] = (230, 40, 50)          # red disc
    img[(x >= 38) & (x < 56) & (y >= 26) & (y < 40)] = (20, 70, 200)  # blue rectangle
    img[(y > 30) & (x < y - 20)] = (250, 240, 120)                    # yellow triangle
    img += rng.normal(0, 5, img.shape)
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def photo_gray(seed: int) -> np.ndarray:
    """Low-contrast gray (values ~70-170) with shapes and noise: something to equalise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:H, 0:W].astype(np.float64)
    img = 90 + 50 * x / (W - 1) + 15 * np.sin(y / 5)
    img[(x - 44) ** 2 + (y - 14) ** 2 < 81] = 160
    img[(x >= 6) & (x < 24) & (y >= 28) & (y < 42)] = 75
    img += rng.normal(0, 4, img.shape)
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def luma(rgb_or_gray: np.ndarray, fn) -> np.ndarray:
    """Gray: fn directly. Colour: fn on Y of YCrCb, as Tessera's equalize/clahe do."""
    if rgb_or_gray.ndim == 2:
        return fn(rgb_or_gray)
    ycc = cv2.cvtColor(rgb_or_gray, cv2.COLOR_RGB2YCrCb)
    ycc[:, :, 0] = fn(np.ascontiguousarray(ycc[:, :, 0]))
    return cv2.cvtColor(ycc, cv2.COLOR_YCrCb2RGB)


def to_gray(img: np.ndarray) -> np.ndarray:
    return img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)


def median(img, p):
    return cv2.medianBlur(img, 2 * p['radius'] + 1)


def bilateral(img, p):
    return cv2.bilateralFilter(img, p['diameter'], p['sigmaColor'], p['sigmaSpace'], borderType=cv2.BORDER_DEFAULT)


def canny(img, p):
    lo, hi = min(p['low'], p['high']), max(p['low'], p['high'])
    return cv2.Canny(to_gray(img), lo, hi, apertureSize=3, L2gradient=False)


def equalize(img, p):
    return luma(img, cv2.equalizeHist)


def clahe(img, p):
    c = cv2.createCLAHE(clipLimit=p['clipLimit'], tileGridSize=(p['tiles'], p['tiles']))
    return luma(img, c.apply)


OPS = {'median': median, 'bilateral': bilateral, 'canny': canny, 'equalize': equalize, 'clahe': clahe}

# (golden name, op, input, Tessera params — all of them, defaults included)
VARIANTS = [
    ('median-r1-rgb', 'median', 'rgb', {'radius': 1}),
    ('median-r2-gray', 'median', 'gray', {'radius': 2}),
    ('median-r4-rgb', 'median', 'rgb', {'radius': 4}),
    ('median-r10-gray', 'median', 'gray', {'radius': 10}),
    ('bilateral-default-rgb', 'bilateral', 'rgb', {'diameter': 9, 'sigmaColor': 75, 'sigmaSpace': 75}),
    ('bilateral-d5-gray', 'bilateral', 'gray', {'diameter': 5, 'sigmaColor': 20, 'sigmaSpace': 3}),
    ('bilateral-d1-rgb', 'bilateral', 'rgb', {'diameter': 1, 'sigmaColor': 40, 'sigmaSpace': 2}),
    ('bilateral-d25-rgb', 'bilateral', 'rgb', {'diameter': 25, 'sigmaColor': 150, 'sigmaSpace': 12.5}),
    ('canny-default-rgb', 'canny', 'rgb', {'low': 100, 'high': 200}),
    ('canny-50-150-gray', 'canny', 'gray', {'low': 50, 'high': 150}),
    ('canny-low-rgb', 'canny', 'rgb', {'low': 20, 'high': 60}),
    ('equalize-rgb', 'equalize', 'rgb', {}),
    ('equalize-gray', 'equalize', 'gray', {}),
    ('clahe-default-rgb', 'clahe', 'rgb', {'clipLimit': 2, 'tiles': 8}),
    ('clahe-c4-t3-gray', 'clahe', 'gray', {'clipLimit': 4, 'tiles': 3}),
    ('clahe-c40-t1-gray', 'clahe', 'gray', {'clipLimit': 40, 'tiles': 1}),
]


def save(path: str, img: np.ndarray) -> None:
    out = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
    if not cv2.imwrite(path, out, [cv2.IMWRITE_PNG_COMPRESSION, 9]):
        raise SystemExit(f'could not write {path}')


def main() -> None:
    os.makedirs(os.path.join(ROOT, 'inputs'), exist_ok=True)
    inputs = {'rgb': photo_rgb(20240601), 'gray': photo_gray(20240602)}
    for name, img in inputs.items():
        save(os.path.join(ROOT, 'inputs', f'{name}.png'), img)
    manifest = []
    for name, op, inp, params in VARIANTS:
        out = OPS[op](inputs[inp].copy(), params)
        save(os.path.join(ROOT, f'{name}.png'), out)
        manifest.append({'golden': f'{name}.png', 'op': op, 'input': f'inputs/{inp}.png', 'params': params})
    with open(os.path.join(ROOT, 'manifest.json'), 'w') as f:
        json.dump({'generator': f'scripts/goldens/opencv_goldens.py, OpenCV {cv2.__version__}, NumPy {np.__version__}',
                   'size': [W, H], 'goldens': manifest}, f, indent=1)
        f.write('\n')
    total = sum(os.path.getsize(os.path.join(dp, fn)) for dp, _, fns in os.walk(ROOT) for fn in fns)
    print(f'wrote {len(manifest)} goldens + {len(inputs)} inputs to {os.path.normpath(ROOT)} ({total} bytes)')


if __name__ == '__main__':
    main()
