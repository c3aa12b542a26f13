import { beforeAll, describe, expect, test } from 'vitest';
import { readsRegionsDirectly, tiffLayout } from '../../src/core/tiff-layout';
import { frameToImage } from '../../src/engine/codec';
import { loadVips, type Vips } from '../../src/engine/vips';
import { photoLikeImage, toFrame } from './helpers';

let vips: Vips;
beforeAll(async () => {
  ({ vips } = await loadVips());
});

const at = (bytes: Uint8Array) => (position: number, length: number) => bytes.subarray(position, position + length);

function tiff(opts: Record<string, unknown>, w = 600, h = 400): Uint8Array {
  const im = frameToImage(vips, toFrame(photoLikeImage(w, h, 3, 7)));
  try {
    return im.tiffsaveBuffer(opts);
  } finally {
    im.delete();
  }
}

describe('TIFF layout', () => {
  test('a stripped TIFF: its rows per strip', () => {
    const pages = tiffLayout(at(tiff({})));
    expect(pages).toHaveLength(1);
    expect(pages![0]).toMatchObject({ width: 600, height: 400, compression: 1, subIfds: 0 });
    expect(pages![0].tileWidth).toBeUndefined();
    expect(pages![0].rowsPerStrip).toBeGreaterThan(0);
    expect(readsRegionsDirectly(pages)).toBe(true);
  });

  test('a tiled pyramid: tile size and one page per level, down to one tile', () => {
    const pages = tiffLayout(at(tiff({ tile: true, tile_width: 128, tile_height: 64, pyramid: true, compression: 'deflate' })));
    expect(pages!.map((p) => [p.width, p.height])).toEqual([
      [600, 400],
      [300, 200],
      [150, 100],
      [75, 50],
    ]);
    expect(pages![0]).toMatchObject({ tileWidth: 128, tileHeight: 64, compression: 8 });
    expect(readsRegionsDirectly(pages)).toBe(true);
  });

  test('BigTIFF with SubIFD levels', () => {
    const pages = tiffLayout(at(tiff({ tile: true, pyramid: true, subifd: true, bigtiff: true })));
    expect(pages).toHaveLength(1);
    expect(pages![0]).toMatchObject({ width: 600, height: 400, tileWidth: 128, subIfds: 3 });
  });

  test('big-endian: a hand-made one-strip TIFF, which cannot be read by region', () => {
    // MM, 42, IFD at 8: 3 entries (width LONG 20000, height SHORT 9000, compression SHORT 8), next 0.
    const b = new Uint8Array(8 + 2 + 3 * 12 + 4);
    const dv = new DataView(b.buffer);
    b.set([0x4d, 0x4d, 0, 42, 0, 0, 0, 8]);
    dv.setUint16(8, 3);
    const entry = (i: number, tag: number, type: number, value: number) => {
      const e = 10 + i * 12;
      dv.setUint16(e, tag);
      dv.setUint16(e + 2, type);
      dv.setUint32(e + 4, 1);
      if (type === 3) dv.setUint16(e + 8, value);
      else dv.setUint32(e + 8, value);
    };
    entry(0, 256, 4, 20000);
    entry(1, 257, 3, 9000);
    entry(2, 259, 3, 8);
    expect(tiffLayout(at(b))).toEqual([{ width: 20000, height: 9000, compression: 8, subIfds: 0, rowsPerStrip: 9000 }]);
    expect(readsRegionsDirectly(tiffLayout(at(b)))).toBe(false);
  });

  test('not a TIFF', () => {
    expect(tiffLayout(at(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0, 0, 0])))).toBeUndefined();
    expect(readsRegionsDirectly(undefined)).toBe(false);
  });
});
