/**
 * What the video pipeline's stages share besides their data: the first failure (every stage stops
 * once it is set; later failures are dropped) and a pulse that wakes every waiting stage whenever
 * anything moves — a frame decoded, processed or encoded, a queue drained, a failure.
 */
export class Flow {
  /** The first failure, if any (a cancel counts). */
  failure: unknown;
  private waiters: (() => void)[] = [];

  /** Records `e` unless a failure came first, and wakes everyone. */
  fail(e: unknown): void {
    this.failure ??= e;
    this.notify();
  }

  /** Resolves at the next notify(). */
  wait(): Promise<void> {
    return new Promise((r) => this.waiters.push(r));
  }

  notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }

  /** Waits while `blocked()` holds and nothing has failed. */
  async whileBlocked(blocked: () => boolean): Promise<void> {
    while (!this.failure && blocked()) await this.wait();
  }
}
