#!/usr/bin/python3
"""Pillow goldens for Tessera's Pillow-compatible operations.

HOW TO RERUN (from the repository root; needs Debian's python3-pil and python3-numpy):

    /usr/bin/python3 scripts/goldens/pillow_goldens.py

It rewrites tests/goldens/pillow/ (inputs/*.png, <op>[-<variant>]-<input>.png and
manifest.json) deterministically: the inputs come from a seeded NumPy RNG, and the outputs from
the installed Pillow (its version is recorded in manifest.json). tests/unit/pillow-goldens.test.ts
reads the manifest, runs each op through Tessera's engine and compares.

Conventions matched here so the goldens are comparable with Tessera:
- Tessera passes alpha through every colour op; Pillow's filters and enhancers would touch the
  alpha band too, so RGBA outputs are computed on the RGB bands and the input alpha re-attached.
- Pillow copies the 1- or 2-pixel border of an image unfiltered, Tessera uses reflect-101: the
  test ignores that border (the op's radius) for the filters.
"""
import json
import os
import sys

import numpy as np
import PIL
from PIL import Image, ImageEnhance, ImageFilter, ImageOps

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'tests', 'goldens', 'pillow')
W, H = 64, 48


def make_inputs():
    rng = np.random.default_rng(20240611)
    y, x = np.mgrid[0:H, 0:W].astype(np.float64)
    r = 40 + 180 * x / (W - 1)
    g = 128 + 100 * np.sin(x / 6.0) * np.cos(y / 5.0)
    b = 220 - 170 * y / (H - 1)
    rgb = np.stack([r, g, b], axis=-1)
    # Shapes: a bright disc, a dark rectangle, a hard diagonal edge.
    disc = (x - 20) ** 2 + (y - 18) ** 2 < 9 ** 2
    rgb[disc] = [250, 240, 30]
    rgb[30:42, 36:58] = [20, 30, 90]
    rgb[(x + y > 70) & (x + y < 74)] = [255, 255, 255]
    rgb += rng.normal(0, 6, rgb.shape)
    rgb = np.clip(np.rint(rgb), 0, 255).astype(np.uint8)
    alpha = np.clip(np.rint(255 * x / (W - 1) + rng.normal(0, 10, (H, W))), 0, 255).astype(np.uint8)
    gray = np.clip(np.rint(30 + 190 * (x + y) / (W + H - 2) + 60 * (((x // 8) + (y // 8)) % 2) - 30 + rng.normal(0, 8, (H, W))), 0, 255).astype(np.uint8)
    return {
        'rgb': Image.fromarray(rgb, 'RGB'),
        'rgba': Image.fromarray(np.dstack([rgb[..., ::-1], alpha]), 'RGBA'),
        'gray': Image.fromarray(gray, 'L'),
    }


def colour_only(im, fn):
    """Apply fn to the colour bands; alpha re-attached unchanged (Tessera's convention)."""
    if im.mode == 'RGBA':
        out = fn(im.convert('RGB')).convert('RGBA')
        out.putalpha(im.getchannel('A'))
        return out
    return fn(im)


FILTERS = {
    'blur': ImageFilter.BLUR,
    'contour': ImageFilter.CONTOUR,
    'detail': ImageFilter.DETAIL,
    'edge-enhance': ImageFilter.EDGE_ENHANCE,
    'edge-enhance-more': ImageFilter.EDGE_ENHANCE_MORE,
    'emboss': ImageFilter.EMBOSS,
    'find-edges': ImageFilter.FIND_EDGES,
    'sharpen': ImageFilter.SHARPEN,
    'smooth': ImageFilter.SMOOTH,
    'smooth-more': ImageFilter.SMOOTH_MORE,
}


def main():
    os.makedirs(os.path.join(ROOT, 'inputs'), exist_ok=True)
    for f in os.listdir(ROOT):
        if f.endswith('.png'):
            os.remove(os.path.join(ROOT, f))
    inputs = make_inputs()
    for name, im in inputs.items():
        im.save(os.path.join(ROOT, 'inputs', name + '.png'), optimize=True)

    cases = []

    def emit(op, params, input_name, out, variant='', note=''):
        file = f"{op}{'-' + variant if variant else ''}-{input_name}.png"
        out.save(os.path.join(ROOT, file), optimize=True)
        case = {'op': op, 'params': params, 'input': input_name, 'golden': file}
        if note:
            case['note'] = note
        cases.append(case)

    # The filter set: every filter on RGB and gray, a few on RGBA.
    for op, flt in FILTERS.items():
        for input_name in ('rgb', 'gray') + (('rgba',) if op in ('detail', 'smooth-more', 'emboss') else ()):
            emit(op, {}, input_name, colour_only(inputs[input_name], lambda im: im.filter(flt)))
    # Intensity 0.5 ~ Image.blend(input, filtered, 0.5): Pillow truncates, Tessera rounds half-to-even.
    for op in ('edge-enhance', 'contour'):
        im = inputs['rgb']
        emit(op, {'intensity': 0.5}, 'rgb', Image.blend(im, im.filter(FILTERS[op]), 0.5), 'i50',
             'Image.blend truncates; Tessera rounds half-to-even: up to 1 apart')

    # Tone.
    for fac in (0.5, 1.7):
        for input_name in ('rgb', 'rgba', 'gray'):
            emit('contrast', {'factor': fac}, input_name, ImageEnhance.Contrast(inputs[input_name]).enhance(fac), f'f{fac:g}')
    for fac in (0.0, 0.5, 2.0):
        for input_name in ('rgb', 'rgba'):
            emit('saturation', {'factor': fac}, input_name, ImageEnhance.Color(inputs[input_name]).enhance(fac), f'f{fac:g}')
    for input_name in ('rgb', 'rgba', 'gray'):
        emit('invert', {}, input_name, colour_only(inputs[input_name], ImageOps.invert))
    for level in (128, 200):
        for input_name in ('rgb', 'gray'):
            emit('threshold', {'level': level}, input_name,
                 inputs[input_name].point(lambda v, level=level: 255 if v >= level else 0), f'l{level}')

    manifest = {'pillow': PIL.__version__, 'numpy': np.__version__, 'python': sys.version.split()[0], 'cases': cases}
    with open(os.path.join(ROOT, 'manifest.json'), 'w') as fh:
        json.dump(manifest, fh, indent=1)
        fh.write('\n')
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(ROOT) for f in fs)
    print(f'{len(cases)} goldens, {total / 1024:.0f} KB in {os.path.relpath(ROOT)}')


if __name__ == '__main__':
    main()
