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
  msPerRoundTrip: number;
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

export async function measureHandoff(width = 3840, height = 2160, rounds = 10): Promise<HandoffRow[]> {
  const pool = createEnginePool(1);
  try {
    const bytes = width * height * 4;
    const frame = createFrame(width, height, 4);
    for (let i = 0; i < frame.data.length; i += 4093) frame.data[i] = i & 255;
    const time = async (fn: () => Promise<unknown>) => {
      await fn(); // warm-up
      const t = performance.now();
      for (let i = 0; i < rounds; i++) await fn();
      return (performance.now() - t) / rounds;
    };
    const desc = describe(frame);
    const shared = await time(() => pool.run((api) => api.echoShared(desc)));
    let owned: ArrayBuffer = new ArrayBuffer(bytes);
    const transferMs = await time(async () => {
      owned = await pool.run((api) => api.echoTransfer(transfer(owned, [owned])));
    });
    const plain = new Uint8Array(bytes);
    const clone = await time(() => pool.run((api) => api.echoClone(plain)));
    const b64 = await time(async () => {
      const json = JSON.stringify({ width, height, pixels: toBase64(plain) });
      const back = JSON.parse(await pool.run((api) => api.echoBase64(json))) as { pixels: string };
      fromBase64(back.pixels);
    });
    const b64Len = Math.ceil(bytes / 3) * 4;
    return [
      { method: 'shared', msPerRoundTrip: shared, extraBytes: 0 },
      { method: 'transfer', msPerRoundTrip: transferMs, extraBytes: 0 },
      // One copy into the worker, one back.
      { method: 'clone', msPerRoundTrip: clone, extraBytes: 2 * bytes },
      // Each way: a base64 string (2 bytes per char in V8 when built by concatenation is avoided
      // here, 1 byte Latin-1), a JSON string around it, and the decoded copy.
      { method: 'base64-json', msPerRoundTrip: b64, extraBytes: 2 * (2 * b64Len + bytes) },
    ];
  } finally {
    pool.dispose();
  }
}
