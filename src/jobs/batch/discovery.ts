/**
 * Discovery: the input is listed ahead of the processing (handles and names only, no bytes), so
 * the total and the ETA are known early, while only a few files are in flight at once (memory does
 * not scale with the folder). Names that are neither images nor videos are skipped and counted.
 */
import { isImageName, isVideoName } from '../../core/sniff';
import type { InputFile, InputSource } from '../../io/sources';

export class InputListing {
  /** Images and videos listed so far. */
  found = 0;
  skipped = 0;
  /** The listing ended (input exhausted, failed, or cancelled): `found` is final. */
  complete = false;
  /** The input's own failure (e.g. a folder that went away), raised after the listed files are done. */
  error: unknown;
  /** Resolves when the listing ends; never rejects. */
  readonly done: Promise<void>;
  private listed: (InputFile | undefined)[] = [];
  private nextIndex = 0;
  private wake?: () => void;

  constructor(input: InputSource, signal?: AbortSignal) {
    this.done = this.list(input, signal);
  }

  /** The next listed file not yet taken (its slot is cleared, letting the handle go). */
  take(): InputFile | undefined {
    if (this.nextIndex >= this.listed.length) return undefined;
    const f = this.listed[this.nextIndex];
    this.listed[this.nextIndex++] = undefined;
    return f;
  }

  /** Resolves when another file is listed, or the listing ends. */
  async changed(): Promise<void> {
    await new Promise<void>((r) => (this.wake = r));
    this.wake = undefined;
  }

  private async list(input: InputSource, signal?: AbortSignal): Promise<void> {
    try {
      for await (const f of input as AsyncIterable<InputFile>) {
        if (signal?.aborted) break;
        if (!isImageName(f.path) && !isVideoName(f.path)) this.skipped++;
        else {
          this.listed.push(f);
          this.found++;
        }
        this.wake?.();
      }
    } catch (e) {
      this.error = e;
    } finally {
      this.complete = true;
      this.wake?.();
    }
  }
}
