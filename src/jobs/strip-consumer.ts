/**
 * The seam between producing an image's rows and writing an output from them: the whole-image
 * batch path feeds a finished frame through it in strips (feedFrame), the streamed giant-image
 * path its rows as they leave the workers. The DZI pyramid writer (dzi-writer.ts) is one.
 */
import type { Frame } from '../core/frame';
import { view } from '../core/frame';
import type { SourceInfo } from '../engine/ops/context';

/** Receives a processed image's rows in order, strip by strip, and writes an output from them. */
export interface StripConsumer {
  begin(info: { width: number; height: number; channels: number; source?: SourceInfo }): Promise<void>;
  /** Rows y0 … y0 + rows.height − 1, in order, any strip height. `rows` may be a view of shared memory that is reused once the promise resolves: copy what you keep. */
  push(rows: Frame, y0: number): Promise<void>;
  /** Every row pushed: finish and make the output visible. */
  end(): Promise<{ files: number; bytes: number }>;
  /** Discard everything written (nothing half-written stays). */
  abort(): Promise<void>;
}

/**
 * Feeds a whole frame to `consumer` as strips of `stripRows` rows (views, no copies) and ends it;
 * on any failure the consumer is aborted, then the failure rethrown.
 */
export async function feedFrame(
  consumer: StripConsumer,
  frame: Frame,
  source?: SourceInfo,
  stripRows = 256,
): Promise<{ files: number; bytes: number }> {
  try {
    await consumer.begin({ width: frame.width, height: frame.height, channels: frame.channels, ...(source ? { source } : {}) });
    for (let y = 0; y < frame.height; y += stripRows)
      await consumer.push(view(frame, 0, y, frame.width, Math.min(stripRows, frame.height - y)), y);
    return await consumer.end();
  } catch (e) {
    await consumer.abort();
    throw e;
  }
}
