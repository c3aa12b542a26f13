/**
 * Colour done right: a photo tagged Adobe RGB (Debian colord-data's AdobeRGB1998.icc) is written
 * as sRGB by default — the values lcms' ICC transform gives, tagged sRGB (and still right with
 * metadata stripped) — and kept as it is with colour 'keep'. The reference transform is the
 * Debian vips CLI's (native libvips and lcms), so the engine's is checked against another build.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createFrame } from '../../src/core/frame';
import { validateOutput, type OutputOptions } from '../../src/core/formats';
import { iccDescription } from '../../src/core/icc';
import { frameToImage } from '../../src/engine/codec';
import { processImage } from '../../src/engine/image-task';
import { loadVips, type Vips } from '../../src/engine/vips';
import { colordProfile } from './helpers';

let vips: Vips;
let adobePng: Uint8Array;
const dir = mkdtempSync(join(tmpdir(), 'tessera-colour-'));
const W = 32;
const H = 8;

beforeAll(async () => {
  ({ vips } = await loadVips());
  // Saturated and mid colours, where Adobe RGB and sRGB values differ most.
  const f = createFrame(W, H, 3, new ArrayBuffer(W * H * 3));
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      f.data[i] = (x * 8) & 255;
      f.data[i + 1] = 255 - y * 30;
      f.data[i + 2] = (x * 37 + y * 11) & 255;
    }
  const im = frameToImage(vips, f);
  try {
    im.setBlob('icc-profile-data', colordProfile('AdobeRGB1998.icc'));
    adobePng = im.pngsaveBuffer();
  } finally {
    im.delete();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(o: Partial<OutputOptions>): Promise<{ values: Uint8Array; icc?: Uint8Array }> {
  const res = await processImage(vips, {
    file: new Blob([]),
    bytes: adobePng.slice().buffer,
    name: 'adobe.png',
    steps: [],
    output: validateOutput({ format: 'png', ...o }),
    maxPixels: Infinity,
  });
  if (res.kind !== 'done') throw new Error('expected done');
  const im = vips.Image.newFromBuffer(res.bytes);
  try {
    return {
      values: im.writeToMemory() as Uint8Array,
      icc: im.getTypeof('icc-profile-data') ? im.getBlob('icc-profile-data').slice() : undefined,
    };
  } finally {
    im.delete();
  }
}

/** The Debian vips CLI's transform of the same file to sRGB, as raw 8-bit RGB. */
function cliReference(): Uint8Array {
  writeFileSync(join(dir, 'in.png'), adobePng);
  execFileSync('vips', ['icc_transform', join(dir, 'in.png'), join(dir, 'out.png'), 'srgb', '--embedded', '--depth', '8']);
  execFileSync('vips', ['rawsave', join(dir, 'out.png'), join(dir, 'out.raw')]);
  return new Uint8Array(readFileSync(join(dir, 'out.raw')));
}

const maxDiff = (a: Uint8Array, b: Uint8Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('output colour', () => {
  test('default: converted to sRGB by an ICC transform, and tagged sRGB', async () => {
    const raw = (await run({ colour: 'keep' })).values;
    const out = await run({});
    expect(maxDiff(out.values, raw)).toBeGreaterThan(20); // Adobe RGB values are not sRGB values
    const ref = cliReference();
    expect(ref.length).toBe(W * H * 3);
    expect(maxDiff(out.values, ref)).toBeLessThanOrEqual(1);
    expect(iccDescription(out.icc!)).toMatch(/sRGB/);
  });

  test('with metadata stripped, still sRGB values (no profile needed to show them right)', async () => {
    const out = await run({ metadata: 'strip' });
    expect(out.icc).toBeUndefined();
    expect(maxDiff(out.values, cliReference())).toBeLessThanOrEqual(1);
  });

  test("colour 'keep': the values and the Adobe RGB profile as they were", async () => {
    const out = await run({ colour: 'keep' });
    const src = vips.Image.newFromBuffer(adobePng);
    try {
      expect(maxDiff(out.values, src.writeToMemory() as Uint8Array)).toBe(0);
    } finally {
      src.delete();
    }
    expect(iccDescription(out.icc!)).toMatch(/Adobe RGB/i);
  });
});
