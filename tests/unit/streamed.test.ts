/**
 * The streamed path's claim: rows through the rings, haloed strips and the row-fed encoder give
 * the bytes of the untiled run. Here the three parties take turns in one thread (the browser test
 * runs them concurrently, with real backpressure): the decoder and encoder of engine/stream-*.ts
 * on real files, and runStrip over rings smaller than the image, so rows wrap and slots are
 * reused exactly as they are in the browser.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { defaultParams, getOperation, operations } from '../../src/core/catalogue';
import { createFrame, type Frame } from '../../src/core/frame';
import { outputOptions, validateOutput, type OutputOptions } from '../../src/core/formats';
import { chainHalo, outputChannels, type ResolvedStep } from '../../src/core/recipe';
import { CTL_SLOTS, Ctl, createRing, planStream, ringRead, ringSpans, ringWrite, type StreamPlan } from '../../src/core/strips';
import { bytesReader } from '../../src/engine/blob-source';
import { JPEG_EOI, jpegBandLayout, restartMarker } from '../../src/core/jpeg-bands';
import { jpegHeader } from '../../src/engine/jpeg-bands';
import { decodeSource, decodeThumbnail, encode } from '../../src/engine/codec';
import { runStrip } from '../../src/engine/image-task';
import { runSteps } from '../../src/engine/run-steps';
import { decodeRows, probeStream } from '../../src/engine/stream-decode';
import { encodeRows, type Chunk } from '../../src/engine/stream-encode';
import { loadVips, type Vips } from '../../src/engine/vips';
import { setTextRasteriser } from '../../src/engine/text-raster';
import { fromFrame, mulberry32, photoLikeImage, toFrame } from './helpers';
import { boxRasteriser } from './text-raster-fake';

let vips: Vips;
beforeAll(async () => {
  ({ vips } = await loadVips());
  // Node has no OffscreenCanvas: the text watermark draws with a stand-in.
  setTextRasteriser(boxRasteriser);
});

/**
 * Rows through a plan's rings in dispatch order: input rows are written only into slots whose
 * rows no unfinished strip needs, output rows are taken as soon as they are complete.
 */
async function throughRings(src: Frame, steps: ResolvedStep[], plan: StreamPlan): Promise<Frame> {
  const input = createRing(src.width, src.channels, plan.inCapacity);
  const output = createRing(src.width, plan.outChannels, plan.outCapacity);
  const result = createFrame(src.width, src.height, plan.outChannels, new ArrayBuffer(src.width * src.height * plan.outChannels));
  const rowIn = src.width * src.channels;
  const rowOut = src.width * plan.outChannels;
  let written = 0;
  for (const s of plan.strips) {
    const need = s.window.y + s.window.height;
    while (written < need) {
      // The slot about to be overwritten must hold a row below this strip's window.
      expect(written - plan.inCapacity).toBeLessThan(s.window.y);
      ringWrite(input, written, src.data.subarray(written * rowIn, (written + 1) * rowIn));
      written++;
    }
    await runStrip(vips, input, s, steps, { ring: output }, src.height);
    ringRead(output, s.core.y, result.data.subarray(s.core.y * rowOut, (s.core.y + s.core.height) * rowOut));
  }
  return result;
}

async function untiled(src: Frame, steps: ResolvedStep[]): Promise<Frame> {
  const { frame } = await runSteps(toFrame(fromFrame(src)), steps);
  return toFrame(fromFrame(frame));
}

const same = (a: Frame, b: Frame) => Buffer.from(a.data).equals(Buffer.from(b.data));

describe('row rings', () => {
  test('spans wrap at the end of the ring and round-trip rows', () => {
    const ring = createRing(3, 2, 5);
    expect(ringSpans(ring, 3, 7)).toEqual([
      { row: 3, offset: 18, rows: 2 },
      { row: 5, offset: 0, rows: 2 },
    ]);
    expect(() => ringSpans(ring, 0, 6)).toThrow(RangeError);
    const rows = Uint8Array.from({ length: 4 * 6 }, (_, i) => i);
    ringWrite(ring, 3, rows);
    const back = new Uint8Array(rows.length);
    ringRead(ring, 3, back);
    expect(Array.from(back)).toEqual(Array.from(rows));
  });

  test('plans bound the rings by strips in flight, not by the image height', () => {
    const p = planStream(40000, 25000, 3, 3, 1, { workers: 2 });
    expect(p.stripRows % 16).toBe(0);
    expect(p.inCapacity).toBeLessThan(1000);
    expect(p.outCapacity).toBeLessThan(1000);
    expect(p.strips.length).toBe(Math.ceil(25000 / p.stripRows));
    expect(p.strips.at(-1)!.core.y + p.strips.at(-1)!.core.height).toBe(25000);
  });
});

const CHAINS: [string, ResolvedStep[]][] = [
  ['sharpen', [{ op: 'sharpen', params: {} }]],
  [
    'gaussian σ2 → sobel',
    [
      { op: 'gaussian-blur', params: { sigma: 2 } },
      { op: 'sobel', params: {} },
    ],
  ],
  [
    // Positional: each strip places the marks in the whole image (its Placement).
    'sharpen → repeated text watermark → text watermark at the bottom',
    [
      { op: 'sharpen', params: {} },
      { op: 'watermark-text', params: { ...defaultParams(getOperation('watermark-text')), tiled: true, size: 6 } },
      { op: 'watermark-text', params: { ...defaultParams(getOperation('watermark-text')), position: 'bottom', size: 9 } },
    ],
  ],
  [
    'grayscale → sharpen ×2',
    [
      { op: 'grayscale', params: {} },
      { op: 'sharpen', params: {} },
      { op: 'sharpen', params: {} },
    ],
  ],
];

describe('strips through rings equal the untiled run', () => {
  test.each(CHAINS)('%s: 1-row, 7-row and default strips, last strip partial', async (_name, steps) => {
    for (const ch of [1, 3, 4]) {
      const src = toFrame(photoLikeImage(53, 397, ch, ch));
      const whole = await untiled(src, steps);
      for (const stripRows of [1, 7, 16]) {
        const plan = planStream(53, 397, ch, outputChannels(steps, ch), chainHalo(steps), { workers: 1, stripRows });
        expect(plan.inCapacity, 'the ring is smaller than the image, so it wraps').toBeLessThan(397);
        expect(same(await throughRings(src, steps, plan), whole), `${ch} ch, ${stripRows}-row strips`).toBe(true);
      }
    }
  });

  test.each(
    operations()
      .filter((o) => o.locality !== 'global')
      .map((o) => [o.name, o] as const),
  )('%s at its defaults (3 and 4 channels, 1-row and 5-row strips)', async (_name, spec) => {
    const steps = [{ op: spec.name, params: defaultParams(spec) }];
    for (const ch of [3, 4]) {
      const src = toFrame(photoLikeImage(41, 37, ch, 7 * ch));
      const whole = await untiled(src, steps);
      for (const stripRows of [1, 5]) {
        const plan = planStream(41, 37, ch, outputChannels(steps, ch), chainHalo(steps), { workers: 1, stripRows });
        expect(same(await throughRings(src, steps, plan), whole), `${ch} ch, ${stripRows}-row strips`).toBe(true);
      }
    }
  });
});

/** The whole streamed pipeline in one thread: decode into a full-height ring, strips, encode. */
async function streamFile(file: Uint8Array, steps: ResolvedStep[], output: OutputOptions, stripRows: number): Promise<Uint8Array> {
  const reader = bytesReader(file);
  const header = probeStream(vips, reader, 'in.img');
  const { width, height, channels } = header;
  const plan = planStream(width, height, channels, outputChannels(steps, channels), chainHalo(steps), { workers: 1, stripRows });
  const ctl = new Int32Array(new SharedArrayBuffer(CTL_SLOTS * 4));
  const input = createRing(width, channels, height);
  Atomics.store(ctl, Ctl.inFree, 0);
  decodeRows(vips, reader, { name: 'in.img', ring: input, ctl, width, height, channels, bandRows: plan.bandRows });
  expect(Atomics.load(ctl, Ctl.decoded)).toBe(height);
  const outRing = createRing(width, plan.outChannels, height);
  for (const s of plan.strips) await runStrip(vips, input, s, steps, { ring: outRing }, height);
  Atomics.store(ctl, Ctl.outReady, height);
  const chunks: Chunk[] = [];
  const { bytes } = encodeRows(
    vips,
    { ring: outRing, ctl, width, height, channels: plan.outChannels, output, source: header.source },
    (c) => {
      chunks.push(c);
      Atomics.add(ctl, Ctl.chunksWritten, 1);
    },
  );
  expect(Atomics.load(ctl, Ctl.outTaken)).toBe(height);
  const out = new Uint8Array(bytes);
  for (const c of chunks) out.set(c.data, c.position);
  return out;
}

/** The untiled definition: the whole image decoded, the steps, vips' own encoder. */
async function wholeFile(file: Uint8Array, steps: ResolvedStep[], output: OutputOptions): Promise<Uint8Array> {
  const { frame, source } = decodeSource(vips, file);
  const { frame: result } = await runSteps(frame, steps);
  return encode(vips, result, output, source);
}

describe('streamed files equal the untiled run, byte for byte', () => {
  const outputs: [string, OutputOptions][] = [
    ['JPEG', outputOptions('jpeg', 85)],
    ['PNG (zlib 6)', outputOptions('png', undefined, 6)],
    ['TIFF deflate', outputOptions('tiff')],
    ['TIFF LZW', validateOutput({ format: 'tiff', tiffCompression: 'lzw' })],
    ['TIFF JPEG', validateOutput({ format: 'tiff', tiffCompression: 'jpeg', quality: 80 })],
  ];
  test.each(outputs)('%s output, JPEG and PNG inputs (1, 3 and 4 channels)', async (_name, output) => {
    const inputs: Uint8Array[] = [];
    for (const ch of [1, 3]) inputs.push(encode(vips, toFrame(photoLikeImage(301, 203, ch, 3 + ch)), outputOptions('jpeg', 92)));
    inputs.push(encode(vips, toFrame(photoLikeImage(301, 203, 4, 9)), outputOptions('png', undefined, 6)));
    for (const file of inputs)
      for (const [, steps] of CHAINS) {
        const whole = await wholeFile(file, steps, output);
        for (const stripRows of [1, 48]) {
          const streamed = await streamFile(file, steps, output, stripRows);
          expect(Buffer.from(streamed).equals(Buffer.from(whole)), `${steps.map((s) => s.op).join('→')}, ${stripRows}-row strips`).toBe(
            true,
          );
        }
      }
  });

  test('a large TIFF is tiled, and the streamed one equals it', async () => {
    // Above 16 MP TIFFs are tiled 256×256 whichever way they are made.
    const w = 4200;
    const h = 4000;
    const frame = createFrame(w, h, 3, new ArrayBuffer(w * h * 3));
    for (let i = 0; i < frame.data.length; i++) frame.data[i] = (i * 7 + (i >> 10)) & 255;
    const file = encode(vips, frame, outputOptions('jpeg', 90));
    const steps: ResolvedStep[] = [{ op: 'sharpen', params: {} }];
    const output = outputOptions('tiff');
    const whole = await wholeFile(file, steps, output);
    const streamed = await streamFile(file, steps, output, 256);
    expect(Buffer.from(streamed).equals(Buffer.from(whole))).toBe(true);
    const im = vips.Image.newFromBuffer(streamed);
    try {
      expect(im.getInt('tile-width')).toBe(256);
    } finally {
      im.delete();
    }
  });

  test('band-parallel JPEG: bands encoded apart and stitched equal one encoder with that restart interval, and decode to the plain JPEG’s pixels', async () => {
    for (const [ch, output] of [
      [3, outputOptions('jpeg', 85)],
      [3, validateOutput({ format: 'jpeg', quality: 80, subsampling: '4:4:4' })],
      [1, outputOptions('jpeg', 92)],
      [4, outputOptions('jpeg', 75)],
    ] as const) {
      const file = encode(vips, toFrame(photoLikeImage(1013, 333, ch, ch)), outputOptions(ch === 4 ? 'png' : 'jpeg', 95));
      const { frame, source } = decodeSource(vips, file);
      const steps: ResolvedStep[] = [{ op: 'sharpen', params: {} }];
      const input = createRing(1013, frame.channels, 333);
      ringWrite(input, 0, frame.data);
      // A copy: the kernels' result views their scratch memory, which the strips below reuse.
      const result = toFrame(fromFrame((await runSteps(frame, steps)).frame));
      const layout = jpegBandLayout(1013, ch >= 3 ? 3 : 1, output, 48)!;
      expect(layout.bandRows).toBe(48);
      const plan = planStream(1013, 333, frame.channels, frame.channels, chainHalo(steps), { workers: 1, stripRows: layout.bandRows });
      const parts = [jpegHeader(vips, 1013, 333, ch >= 3 ? 3 : 1, output, source, layout.restartInterval)];
      for (const [k, s] of plan.strips.entries()) {
        const { band } = await runStrip(vips, input, s, steps, { jpeg: { output, restartInterval: layout.restartInterval } }, 333);
        parts.push(restartMarker(k), band!);
      }
      parts.push(JPEG_EOI);
      const stitched = Buffer.concat(parts);
      const one = encode(vips, result, output, source, layout.restartInterval);
      expect(stitched.equals(Buffer.from(one)), `${ch} channels, ${output.subsampling}`).toBe(true);
      const plain = decodeSource(vips, encode(vips, result, output, source)).frame;
      expect(same(decodeSource(vips, stitched).frame, plain), 'restart markers change no pixel').toBe(true);
    }
  });

  test('a thumbnail decoded from slices of the file equals the one decoded from its bytes', () => {
    const file = encode(vips, toFrame(photoLikeImage(900, 600, 3, 4)), outputOptions('jpeg', 90));
    const sliced = decodeThumbnail(vips, bytesReader(file), 128, true);
    const whole = decodeSource(vips, file, { thumbnail: 128, autoOrient: true });
    expect([sliced.frame.width, sliced.frame.height]).toEqual([128, 85]);
    expect(same(sliced.frame, whole.frame)).toBe(true);
    expect(sliced.source.geometry).toEqual(whole.source.geometry);
  });

  test('a cancelled encoder stops with "cancelled", and its wasm-vips is fine afterwards', () => {
    const ctl = new Int32Array(new SharedArrayBuffer(CTL_SLOTS * 4));
    const ring = createRing(64, 3, 64);
    Atomics.store(ctl, Ctl.outReady, 20);
    Atomics.store(ctl, Ctl.cancel, 1);
    let err: unknown;
    try {
      encodeRows(vips, { ring, ctl, width: 64, height: 64, channels: 3, output: outputOptions('jpeg', 80) }, () => {});
    } catch (e) {
      err = e;
    }
    expect((err as { code?: string }).code).toBe('cancelled');
    const again = encode(vips, toFrame(photoLikeImage(32, 32, 3, 1)), outputOptions('png', undefined, 6));
    expect(decodeSource(vips, again).frame.width).toBe(32);
  });

  test('a damaged file fails with the row it reached', () => {
    const file = encode(vips, toFrame(photoLikeImage(256, 640, 3, 1)), outputOptions('png', undefined, 6));
    // Scribble over the compressed rows past the middle, keeping the file's end (IEND) intact.
    const bad = file.slice();
    const rnd = mulberry32(5);
    for (let i = Math.floor(bad.length * 0.6); i < bad.length - 20; i++) bad[i] = Math.floor(rnd() * 256);
    const reader = bytesReader(bad);
    const ctl = new Int32Array(new SharedArrayBuffer(CTL_SLOTS * 4));
    const ring = createRing(256, 3, 640);
    expect(() => decodeRows(vips, reader, { name: 'bad.png', ring, ctl, width: 256, height: 640, channels: 3, bandRows: 64 })).toThrow(
      /stopped at row [\d,]+ of 640 .*damaged or ends early/,
    );
    expect(Atomics.load(ctl, Ctl.decoded)).toBeLessThan(640);
  });
});
