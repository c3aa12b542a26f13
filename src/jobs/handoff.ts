/**
 * Measures handing one frame to a worker and back four ways: a SharedArrayBuffer view (no copy),
 * a transferred ArrayBuffer (no copy, ownership moves), structured clone (two copies) and base64
 * inside JSON (encode, copy, parse, decode — both ways). The worker touches one byte each time.
 */
import { transfer } from 'comlink';
import { createFrame, describe } from '../core/frame';
import { createEnginePool } from '../pool/engine-pool';

export interface HandoffRow {
  method: 'shared' | 'transfer' | 'clone' | 'base64-json';
  /** Median: sub-millisecond round trips are easily skewed by one scheduling hiccup. */
  msPerRoundTrip: number;
  samples: number[];
  /** Bytes allocated beyond the frame itself for one round trip (copies and strings). */
  extraBytes: number;
}

function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

function fromBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** base64 round trips of a 4K frame take seconds each: they get at most `base64Rounds`. */
export async function measureHandoff(width = 3840, height = 2160, rounds = 10, base64Rounds = 3): Promise<HandoffRow[]> {
  const pool = createEnginePool(1);
  try {
    const bytes = width * height * 4;
    const frame = createFrame(width, height, 4);
    for (let i = 0; i < frame.data.length; i += 4093) frame.data[i] = i & 255;
    const time = async (fn: () => Promise<unknown>, n = rounds) => {
      await fn(); // warm-up
      const samples: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        await fn();
        samples.push(performance.now() - t);
      }
      const sorted = [...samples].sort((a, b) => a - b);
      const mid = sorted.length >> 1;
      const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
      return { median, samples };
    };
    const desc = describe(frame);
    const shared = await time(() => pool.bench().run((b) => b.echoShared(desc)));
    let owned: ArrayBuffer = new ArrayBuffer(bytes);
    const transferMs = await time(async () => {
      owned = await pool.bench().run((b) => b.echoTransfer(transfer(owned, [owned])));
    });
    const plain = new Uint8Array(bytes);
    const clone = await time(() => pool.bench().run((b) => b.echoClone(plain)));
    const b64 = await time(
      async () => {
        const json = JSON.stringify({ width, height, pixels: toBase64(plain) });
        const back = JSON.parse(await pool.bench().run((b) => b.echoBase64(json))) as { pixels: string };
        fromBase64(back.pixels);
      },
      Math.max(1, Math.min(rounds, base64Rounds)),
    );
    const b64Len = Math.ceil(bytes / 3) * 4;
    const row = (method: HandoffRow['method'], t: { median: number; samples: number[] }, extraBytes: number): HandoffRow => ({
      method,
      msPerRoundTrip: t.median,
      samples: t.samples,
      extraBytes,
    });
    // extraBytes counts the copies each method makes by construction (not a heap measurement):
    // clone copies the frame into the worker and back; base64 makes, each way, a base64 string
    // (1 byte per char), a JSON string around it, and the decoded bytes.
    return [
      row('shared', shared, 0),
      row('transfer', transferMs, 0),
      row('clone', clone, 2 * bytes),
      row('base64-json', b64, 2 * (2 * b64Len + bytes)),
    ];
  } finally {
    pool.dispose();
  }
}
