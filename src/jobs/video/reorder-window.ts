/**
 * The reorder window: frames finish in the workers in any order; this hands them on in frame
 * order, and counts the frames between the decoder's output and the encoder's input so the feed
 * can stop at `capacity`.
 *
 * Two in-order stages. `order` runs synchronously, in frame order, the moment a frame and every
 * frame before it are complete (tracking, which needs every earlier frame's faces; it may start
 * more work, e.g. a redaction call, and return its promise). `emit` then takes the frames one at
 * a time, in frame order (the analysis and the encoder), so later frames' `order` work runs in
 * parallel with earlier frames' `emit`. The first failure of either goes to the flow and stops
 * everything after it.
 */
import type { Flow } from './flow';

export interface ReorderWindowOptions<T, U> {
  /** Most frames entered and not yet emitted before `full`. */
  capacity: number;
  flow: Flow;
  order: (item: T, index: number) => U | Promise<U>;
  emit: (value: U, item: T, index: number) => Promise<void>;
  /** After each emission, with the number emitted so far. */
  onEmitted?: (emitted: number) => void;
}

export class ReorderWindow<T, U> {
  /** Frames emitted. */
  emitted = 0;
  /** Most frames in the window at once. */
  maxSeen = 0;
  private inFlight = 0;
  private waiting = new Map<number, T>();
  private next = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly o: ReorderWindowOptions<T, U>) {}

  /** A frame left the decoder (frames are numbered 0, 1, 2… in the order they enter). */
  enter(): void {
    this.inFlight++;
    this.maxSeen = Math.max(this.maxSeen, this.inFlight);
  }

  /** As many frames between the decoder and the encoder as allowed. */
  get full(): boolean {
    return this.inFlight >= this.o.capacity;
  }

  /** Frame `index` is ready for the in-order stages. */
  complete(index: number, item: T): void {
    this.waiting.set(index, item);
    const { flow } = this.o;
    while (!flow.failure && this.waiting.has(this.next)) {
      const ready = this.waiting.get(this.next)!;
      this.waiting.delete(this.next);
      const i = this.next++;
      let value: Promise<U>;
      try {
        value = Promise.resolve(this.o.order(ready, i));
      } catch (e) {
        flow.fail(e);
        return;
      }
      value.catch(() => {}); // its failure is reported by the chain below
      this.chain = this.chain
        .then(async () => {
          if (flow.failure) return;
          await this.o.emit(await value, ready, i);
          this.emitted++;
          this.inFlight--;
          this.o.onEmitted?.(this.emitted);
          flow.notify();
        })
        .catch((e) => flow.fail(e));
    }
  }

  /** Resolves once every frame completed so far is emitted (or the pipeline failed); never rejects. */
  settled(): Promise<void> {
    return this.chain;
  }
}
