// The giant preview's engine parts in Node, with real wasm-vips: the header probe, the tile cache
// built strip by strip against a whole decode, the 1/8 overview against vips' own shrink-on-load,
// and the views (fit, exact region, region still waiting for its rows, tiled TIFF read directly).
import { beforeAll, describe, expect, test } from 'vitest';
import { createFrame, describe as describeFrame, view, type Frame } from '../../src/core/frame';
import { boxShrink, cacheBytes, Control, CONTROL_SLOTS, overviewSize, tileGrid } from '../../src/core/giant';
import { bytesReader } from '../../src/engine/blob-source';
import { decode, frameToImage, imageToFrame } from '../../src/engine/codec';
import { buildCache, readCached, type CacheFile } from '../../src/engine/giant/cache';
import { decodeOverview } from '../../src/engine/giant/overview';
import { probeImage } from '../../src/engine/giant/probe';
import { giantPreview, type GiantIo } from '../../src/engine/giant/view';
import { packed } from '../../src/core/frame';
import { toRgba } from '../../src/engine/rgba';
import { runSteps } from '../../src/engine/run-steps';
import { loadVips, type Vips } from '../../src/engine/vips';
import { photoLikeImage, step, toFrame } from './helpers';

let vips: Vips;
/** 700×530: strips of 64 or 256 rows end with a short one (530 is not a multiple of 16). */
const W = 700,
  H = 530;
let jpeg: Uint8Array;
let decoded: Frame;
beforeAll(async () => {
  ({ vips } = await loadVips());
  const im = frameToImage(vips, toFrame(photoLikeImage(W, H, 3, 11)));
  try {
    jpeg = im.jpegsaveBuffer({ Q: 90 });
  } finally {
    im.delete();
  }
  decoded = decode(vips, jpeg);
});

const turn = <T>(fn: () => T): Promise<T> => Promise.resolve().then(fn);

function memoryFile(bytes: number): CacheFile & { data: Uint8Array } {
  const data = new Uint8Array(bytes);
  return {
    data,
    read: (into, at) => {
      const part = data.subarray(at, at + into.length);
      into.set(part);
      return part.length;
    },
    write: (b, at) => (data.set(b, at), b.length),
  };
}

/** The views' I/O: an in-memory cache file, and the file's bytes. */
function io(file?: CacheFile, bytes = jpeg): GiantIo {
  return {
    cache: () => (file ? Promise.resolve(file) : Promise.reject(new Error('this view needs no cache'))),
    reader: () => bytesReader(bytes),
  };
}

const control = () => new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4));

describe('giant preview engine', () => {
  test('probe: the header only', () => {
    expect(probeImage(vips, bytesReader(jpeg))).toEqual({
      width: W,
      height: H,
      channels: 3,
      format: 'jpeg',
      plain: true,
      orientation: 1,
      direct: false,
    });
  });

  test.each([64, 256])('the cache built in %i-row strips holds the whole decode, read back in any region', async (tile) => {
    const g = tileGrid(W, H, 3, tile);
    const file = memoryFile(cacheBytes(g));
    const ctl = control();
    expect(await buildCache(vips, bytesReader(jpeg), g, file, ctl, turn)).toBe('done');
    expect(ctl[Control.cacheRows]).toBe(H);
    for (const r of [
      { x: 0, y: 0, width: W, height: H },
      { x: 63, y: 250, width: 300, height: 280 },
      { x: 699, y: 529, width: 1, height: 1 },
    ]) {
      expect(Buffer.from(readCached(file, g, r).data).equals(Buffer.from(packed(view(decoded, r.x, r.y, r.width, r.height)).data))).toBe(
        true,
      );
    }
  });

  test('the cancel flag stops the build at the next strip', async () => {
    const g = tileGrid(W, H, 3, 64);
    const ctl = control();
    let strips = 0;
    const counting = <T>(fn: () => T): Promise<T> =>
      turn(() => {
        if (++strips === 3) Atomics.store(ctl, Control.cancel, 1);
        return fn();
      });
    expect(await buildCache(vips, bytesReader(jpeg), g, memoryFile(cacheBytes(g)), ctl, counting)).toBe('cancelled');
    expect(ctl[Control.cacheRows]).toBe(128); // the opening turn, then two strips
  });

  test("the overview is vips' own 1/8 shrink-on-load, in strips", async () => {
    const size = overviewSize(W, H);
    const dst = createFrame(size.width, size.height, 3);
    const ctl = control();
    const probe = probeImage(vips, bytesReader(jpeg));
    const r = await decodeOverview(vips, new Blob([jpeg.slice()]), bytesReader(jpeg), probe, dst, ctl, turn);
    expect(r.decoder).toBe('vips'); // no ImageDecoder in Node
    expect(ctl[Control.overviewRows]).toBe(size.height);
    const ref = vips.Image.newFromBuffer(jpeg, 'shrink=8');
    try {
      expect(Buffer.from(dst.data).equals(Buffer.from(imageToFrame(ref).data))).toBe(true);
    } finally {
      ref.delete();
    }
  });

  test('views: fit, a region waiting for its rows, then the same region exact', async () => {
    const probe = probeImage(vips, bytesReader(jpeg));
    const size = overviewSize(W, H);
    const overview = createFrame(size.width, size.height, 3);
    await decodeOverview(vips, new Blob([jpeg.slice()]), bytesReader(jpeg), probe, overview, control(), turn);
    const g = tileGrid(W, H, 3);
    const file = memoryFile(cacheBytes(g));
    const steps = [step('sharpen')];
    const base = {
      file: new Blob([jpeg.slice()]),
      probe,
      steps,
      maxPixels: 40_000,
      overview: describeFrame(overview),
      overviewRows: size.height,
    };

    const fit = await giantPreview(vips, { ...base, maxPixels: 2000 }, io(file));
    expect(fit.giant).toMatchObject({ view: 'fit', exact: false, scaleLabel: '1/16' });
    expect([fit.width, fit.height]).toEqual([Math.ceil(size.width / 2), Math.ceil(size.height / 2)]);

    const region = { x: 300, y: 400, width: 120, height: 100 };
    const waiting = await giantPreview(vips, { ...base, region, cache: { name: 'x', rows: 256 } }, io(file));
    expect(waiting.giant).toMatchObject({ view: 'region', exact: false, needsRows: 501 });
    expect(waiting.scale).toBe(size.width / W);

    await buildCache(vips, bytesReader(jpeg), g, file, control(), turn);
    const exact = await giantPreview(vips, { ...base, region, cache: { name: 'x', rows: H } }, io(file));
    expect(exact.giant).toMatchObject({ view: 'region', exact: true, scaleLabel: '100%' });
    expect(exact.region).toEqual(region);
    // The whole image sharpened, then cropped: what the batch writes there.
    const whole = await runSteps(decoded, steps);
    const want = toRgba(packed(view(whole.frame, region.x, region.y, region.width, region.height)));
    expect(Buffer.from(exact.after).equals(Buffer.from(want.buffer))).toBe(true);
    expect(Buffer.from(exact.before).equals(Buffer.from(toRgba(packed(view(decoded, region.x, region.y, 120, 100))).buffer))).toBe(true);
  });

  test('the fit view of an overview still decoding fills in as its rows come, ending as the whole shrink', async () => {
    const probe = probeImage(vips, bytesReader(jpeg));
    const size = overviewSize(W, H);
    const overview = createFrame(size.width, size.height, 3);
    await decodeOverview(vips, new Blob([jpeg.slice()]), bytesReader(jpeg), probe, overview, control(), turn);
    const base = { file: new Blob([jpeg.slice()]), probe, steps: [], maxPixels: 2000, overview: describeFrame(overview) };
    const part = await giantPreview(vips, { ...base, overviewRows: 21 }, io());
    expect(part.giant).toMatchObject({ view: 'fit', overviewRows: 21 });
    const rgba = new Uint8Array(part.before);
    expect(rgba.subarray(0, 10 * part.width * 4).some((v, i) => i % 4 !== 3 && v !== 0)).toBe(true); // rows 0–9: in
    expect(rgba.subarray(11 * part.width * 4).every((v, i) => i % 4 === 3 || v === 0)).toBe(true); // from row 11: not yet
    await giantPreview(vips, { ...base, overviewRows: 40 }, io());
    const full = await giantPreview(vips, { ...base, overviewRows: size.height }, io());
    expect(full.giant?.overviewRows).toBeUndefined();
    expect(Buffer.from(full.before).equals(Buffer.from(toRgba(boxShrink(overview, 2)).buffer))).toBe(true);
  });

  test('a global step keeps the view reduced, and says why', async () => {
    const probe = probeImage(vips, bytesReader(jpeg));
    const size = overviewSize(W, H);
    const overview = createFrame(size.width, size.height, 3);
    const r = await giantPreview(
      vips,
      {
        file: new Blob([jpeg.slice()]),
        probe,
        steps: [step('equalize')],
        maxPixels: 1e6,
        overview: describeFrame(overview),
        overviewRows: 0,
        region: { x: 0, y: 0, width: 50, height: 50 },
      },
      io(),
    );
    expect(r.giant).toMatchObject({ view: 'fit', global: true, overviewRows: 0, overviewHeight: size.height });
  });

  test('a tiled TIFF: regions straight from the file', async () => {
    const im = frameToImage(vips, decoded);
    let tiff: Uint8Array;
    try {
      tiff = im.tiffsaveBuffer({ tile: true, tile_width: 128, tile_height: 128, compression: 'deflate' });
    } finally {
      im.delete();
    }
    const probe = probeImage(vips, bytesReader(tiff));
    expect(probe).toMatchObject({ format: 'tiff', direct: true });
    const size = overviewSize(W, H);
    const overview = createFrame(size.width, size.height, 3);
    const region = { x: 500, y: 10, width: 200, height: 300 };
    const r = await giantPreview(
      vips,
      {
        file: new Blob([tiff.slice()]),
        probe,
        steps: [],
        maxPixels: 1e6,
        overview: describeFrame(overview),
        overviewRows: size.height,
        region,
      },
      io(undefined, tiff),
    );
    expect(r.giant).toMatchObject({ view: 'region', exact: true });
    expect(Buffer.from(r.after).equals(Buffer.from(toRgba(packed(view(decoded, 500, 10, 200, 300))).buffer))).toBe(true);
  });
});
