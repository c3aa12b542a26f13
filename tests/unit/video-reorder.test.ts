/** The video job's reorder window (src/jobs/video/reorder-window.ts) and the flow its stages share. */
import { describe, expect, test } from 'vitest';
import { Flow } from '../../src/jobs/video/flow';
import { ReorderWindow } from '../../src/jobs/video/reorder-window';
import { mulberry32 } from './helpers';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

function shuffled(n: number, seed: number): number[] {
  const r = mulberry32(seed);
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

describe('Flow', () => {
  test('keeps the first failure and wakes every waiter', async () => {
    const flow = new Flow();
    let woke = 0;
    const waiting = [flow.wait().then(() => woke++), flow.wait().then(() => woke++)];
    flow.fail(new Error('first'));
    flow.fail(new Error('second'));
    await Promise.all(waiting);
    expect(woke).toBe(2);
    expect((flow.failure as Error).message).toBe('first');
  });

  test('whileBlocked returns when unblocked by a notify, or at once after a failure', async () => {
    const flow = new Flow();
    let blocked = true;
    let done = false;
    const p = flow.whileBlocked(() => blocked).then(() => (done = true));
    flow.notify();
    await tick();
    expect(done).toBe(false);
    blocked = false;
    flow.notify();
    await p;
    expect(done).toBe(true);
    const f = new Flow();
    f.fail(new Error('x'));
    await f.whileBlocked(() => true); // would hang if it ignored the failure
  });
});

describe('ReorderWindow', () => {
  test('frames completed out of order are ordered and emitted in order, one at a time', async () => {
    const flow = new Flow();
    const ordered: number[] = [];
    const emitted: number[] = [];
    let emitting = 0,
      most = 0;
    const rnd = mulberry32(3);
    const w = new ReorderWindow<string, string>({
      capacity: 100,
      flow,
      order: (item, i) => (ordered.push(i), `${item}!`),
      emit: async (value, item, i) => {
        most = Math.max(most, ++emitting);
        expect(value).toBe(`${item}!`);
        await tick(rnd() * 3);
        emitted.push(i);
        emitting--;
      },
    });
    const order = shuffled(40, 11);
    for (let i = 0; i < 40; i++) w.enter();
    for (const i of order) {
      w.complete(i, `f${i}`);
      if (rnd() < 0.3) await tick(1);
    }
    await w.settled();
    expect(flow.failure).toBeUndefined();
    expect(ordered).toEqual([...Array(40).keys()]);
    expect(emitted).toEqual([...Array(40).keys()]);
    expect(w.emitted).toBe(40);
    expect(most).toBe(1);
    expect(w.maxSeen).toBe(40);
  });

  test('order runs as soon as a frame and all before it are complete, without waiting for emit', async () => {
    const flow = new Flow();
    const ordered: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const w = new ReorderWindow<number, number>({
      capacity: 10,
      flow,
      order: (x, i) => (ordered.push(i), x),
      emit: async (_v, _x, i) => {
        if (i === 0) await gate;
      },
    });
    for (let i = 0; i < 4; i++) w.enter();
    w.complete(1, 1);
    expect(ordered).toEqual([]); // frame 0 is not there yet
    w.complete(0, 0);
    expect(ordered).toEqual([0, 1]); // synchronously, in order
    w.complete(3, 3);
    expect(ordered).toEqual([0, 1]);
    w.complete(2, 2);
    expect(ordered).toEqual([0, 1, 2, 3]); // while frame 0's emit still waits
    await tick(5);
    expect(w.emitted).toBe(0);
    release();
    await w.settled();
    expect(w.emitted).toBe(4);
  });

  test('full at capacity; each emission frees a place and wakes the flow', async () => {
    const flow = new Flow();
    const gates: (() => void)[] = [];
    const onEmitted: number[] = [];
    const w = new ReorderWindow<number, number>({
      capacity: 3,
      flow,
      order: (x) => x,
      emit: () => new Promise<void>((r) => gates.push(r)),
      onEmitted: (n) => onEmitted.push(n),
    });
    // A feeder that respects the bound, like the demuxer.
    let entered = 0;
    const feed = (async () => {
      for (let i = 0; i < 8; i++) {
        await flow.whileBlocked(() => w.full);
        w.enter();
        entered++;
        const k = i;
        setTimeout(() => w.complete(k, k), 1);
      }
    })();
    await tick(20);
    expect(entered).toBe(3);
    expect(w.full).toBe(true);
    let most = 0;
    while (w.emitted < 8) {
      most = Math.max(most, entered - w.emitted);
      gates.shift()?.();
      await tick(5);
    }
    await feed;
    await w.settled();
    expect(w.maxSeen).toBe(3);
    expect(most).toBeLessThanOrEqual(3);
    expect(onEmitted).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  test('an emit failure reaches the flow and nothing after it is emitted', async () => {
    const flow = new Flow();
    const emitted: number[] = [];
    const w = new ReorderWindow<number, number>({
      capacity: 10,
      flow,
      order: (x) => x,
      emit: (_v, _x, i) => {
        if (i === 2) return Promise.reject(new Error('the encoder failed at frame 2'));
        emitted.push(i);
        return Promise.resolve();
      },
    });
    for (let i = 0; i < 6; i++) w.enter();
    for (const i of [5, 4, 0, 1, 2, 3]) w.complete(i, i);
    await w.settled(); // never rejects: the failure is the flow's
    expect((flow.failure as Error).message).toBe('the encoder failed at frame 2');
    expect(emitted).toEqual([0, 1]);
    expect(w.emitted).toBe(2);
    // Frames completing after the failure are not taken.
    const ordered: number[] = [];
    const w2 = new ReorderWindow<number, number>({ capacity: 10, flow, order: (x) => (ordered.push(x), x), emit: async () => {} });
    w2.complete(0, 0);
    expect(ordered).toEqual([]);
  });

  test('order failures, thrown or rejected, reach the flow', async () => {
    const flow = new Flow();
    const emitted: number[] = [];
    const w = new ReorderWindow<number, number>({
      capacity: 10,
      flow,
      order: (x) => (x === 1 ? Promise.reject(new Error('redaction call failed')) : x),
      emit: (v) => {
        emitted.push(v);
        return Promise.resolve();
      },
    });
    for (const i of [0, 1, 2]) w.complete(i, i);
    await w.settled();
    expect((flow.failure as Error).message).toBe('redaction call failed');
    expect(emitted).toEqual([0]);

    const flow2 = new Flow();
    const w2 = new ReorderWindow<number, number>({
      capacity: 10,
      flow: flow2,
      order: (x) => {
        if (x === 0) throw new Error('tracker threw');
        return x;
      },
      emit: async () => {},
    });
    w2.complete(0, 0);
    expect((flow2.failure as Error).message).toBe('tracker threw'); // at once
    await w2.settled();
    expect(w2.emitted).toBe(0);
  });
});
