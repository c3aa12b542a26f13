/**
 * The bench/test API's work (bench-api.ts), free of Comlink like image-task.ts: per-step timing,
 * the handoff probes' pixel touches, and the artificial frame delay the tests switch on.
 */
import { fromDesc, type FrameDesc } from '../core/frame';
import type { ResolvedStep } from '../core/recipe';
import { runSteps, type StepTiming } from './run-steps';

/** Mean ms of each step over `repeat` runs on the whole frame. */
export async function timeSteps(src: FrameDesc, steps: ResolvedStep[], repeat: number): Promise<{ steps: StepTiming[] }> {
  const f = fromDesc(src);
  const totals = new Map<string, number>();
  for (let i = 0; i < repeat; i++) {
    const { timings } = await runSteps(f, steps);
    for (const t of timings) totals.set(t.op, (totals.get(t.op) ?? 0) + t.ms);
  }
  return { steps: [...totals].map(([op, ms]) => ({ op, ms: ms / repeat })) };
}

/** Flips a bit of the first byte (the probes touch the pixels so nothing is optimised away). */
function touch(d: Uint8Array): void {
  d[0] ^= 1;
}

/** echoShared: touches the shared frame in place and reads its last byte. */
export function touchShared(src: FrameDesc): number {
  const d = new Uint8Array(src.buffer, src.byteOffset, src.stride * src.height);
  touch(d);
  return d[d.length - 1];
}

function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** echoBase64: decodes the JSON's base64 pixels, touches them, and encodes them back. */
export function touchBase64(json: string): string {
  const msg = JSON.parse(json) as { pixels: string; width: number; height: number };
  const d = base64ToBytes(msg.pixels);
  touch(d);
  return JSON.stringify({ ...msg, pixels: bytesToBase64(d) });
}

let frameDelayMs = 0;

export function setFrameDelay(ms: number): void {
  frameDelayMs = Math.max(0, ms || 0);
}

/** The wait a frame call starts with while a test has set a delay (none otherwise). */
export function frameDelay(): Promise<void> | undefined {
  return frameDelayMs > 0 ? new Promise((r) => setTimeout(r, frameDelayMs)) : undefined;
}
