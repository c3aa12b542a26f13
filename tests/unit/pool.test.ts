import { describe, expect, test } from 'vitest';
import { Priority, WorkerPool, isFatal, type WorkerHandle } from '../../src/pool/pool';
import { PriorityQueue } from '../../src/pool/priority-queue';

/** An in-process stand-in for an engine worker: run(ms, value) resolves after ms. */
interface FakeApi {
  id: number;
  run<T>(ms: number, value: T): Promise<T>;
  trap(): Promise<never>;
  fail(msg: string): Promise<never>;
  /** Never answers (a call on a worker that was terminated). */
  hang(): Promise<never>;
}

function fakeFactory() {
  const made: { id: number; terminated: boolean; crash?: (e: Error) => void }[] = [];
  const factory = (): WorkerHandle<FakeApi> => {
    const rec: (typeof made)[number] = { id: made.length, terminated: false };
    made.push(rec);
    const api: FakeApi = {
      id: rec.id,
      run: (ms, value) => new Promise((r) => setTimeout(() => r(value), ms)),
      trap: () => {
        const e = new Error('memory access out of bounds');
        e.name = 'RuntimeError';
        return Promise.reject(e);
      },
      fail: (msg) => Promise.reject(new Error(msg)),
      hang: () => new Promise<never>(() => {}),
    };
    return { api, terminate: () => void (rec.terminated = true), onCrash: (cb) => void (rec.crash = cb) };
  };
  return { factory, made };
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('PriorityQueue', () => {
  test('orders by priority, FIFO within a priority, and removes', () => {
    const q = new PriorityQueue<string>();
    ['b1', 'c1', 'a1', 'b2', 'a2', 'c2'].forEach((v) => q.push(v, v.charCodeAt(0)));
    expect(q.remove((v) => v === 'b2')).toBe(true);
    expect(q.remove((v) => v === 'zz')).toBe(false);
    const out: string[] = [];
    for (let v = q.pop(); v; v = q.pop()) out.push(v);
    expect(out).toEqual(['a1', 'a2', 'b1', 'c1', 'c2']);
  });
});

describe('WorkerPool', () => {
  test('runs tasks on all workers in parallel and counts them', async () => {
    const { factory } = fakeFactory();
    const pool = new WorkerPool(factory, 3);
    const seen = new Set<number>();
    const all = await Promise.all(
      Array.from({ length: 9 }, (_, i) =>
        pool.run(async (api) => {
          seen.add(api.id);
          return api.run(20, i);
        }),
      ),
    );
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(seen.size).toBe(3);
    const m = pool.metrics();
    expect(m.tasksDone).toBe(9);
    expect(m.workers.map((w) => w.tasks).reduce((a, b) => a + b)).toBe(9);
    expect(m.workers.every((w) => w.busyMs > 0)).toBe(true);
    pool.dispose();
  });

  test('interactive work jumps the queue ahead of background work', async () => {
    const { factory } = fakeFactory();
    const pool = new WorkerPool(factory, 1, undefined, 1);
    const order: string[] = [];
    const job = (name: string, p: 0 | 1 | 2) =>
      pool.run(
        async (api) => {
          order.push(name);
          return api.run(5, name);
        },
        { priority: p },
      );
    const ps = [
      job('bg1', Priority.background),
      job('bg2', Priority.background),
      job('user', Priority.user),
      job('preview', Priority.interactive),
    ];
    await Promise.all(ps);
    // bg1 was already running when the others arrived.
    expect(order).toEqual(['bg1', 'preview', 'user', 'bg2']);
    pool.dispose();
  });

  test('pipelining hands each worker its next task before the current one ends', async () => {
    const { factory } = fakeFactory();
    const pool = new WorkerPool(factory, 2, undefined, 2);
    const ps = [0, 1, 2, 3, 4].map((i) => pool.run((api) => api.run(20, i)));
    await tick(1);
    // Two per worker in flight, the fifth waits; idle workers are filled before pipelining.
    expect(pool.metrics()).toMatchObject({ running: 4, queued: 1 });
    expect(pool.metrics().workers.map((w) => w.busy)).toEqual([true, true]);
    await Promise.all(ps);
    // Busy time is wall time per worker, not the sum of overlapping tasks.
    for (const w of pool.metrics().workers) expect(w.busyMs).toBeLessThan(100);
    pool.dispose();
  });

  test('a crash does not use up the retries of tasks queued behind the one that crashed', async () => {
    const { factory } = fakeFactory();
    const pool = new WorkerPool(factory, 1, undefined, 2);
    const bad = pool.run((api) => api.trap(), { retries: 0 });
    const innocent = pool.run((api) => api.run(5, 'fine'), { retries: 0 });
    await expect(bad).rejects.toMatchObject({ code: 'worker-crashed' });
    await expect(innocent).resolves.toBe('fine');
    pool.dispose();
  });

  test('the memory budget limits bytes in flight, and an oversized task still runs alone', async () => {
    const { factory } = fakeFactory();
    const pool = new WorkerPool(factory, 4, 100);
    let peak = 0;
    const task = (cost: number) =>
      pool.run(
        async (api) => {
          peak = Math.max(peak, pool.metrics().bytesInFlight);
          return api.run(10, cost);
        },
        { cost },
      );
    await Promise.all([task(40), task(40), task(40), task(40), task(250)]);
    expect(peak).toBeLessThanOrEqual(250);
    expect(pool.metrics().bytesInFlight).toBe(0);
    // Two 40s fit together, a third does not.
    const concurrent: number[] = [];
    await Promise.all(
      [0, 1, 2].map(() =>
        pool.run(
          async (api) => {
            concurrent.push(pool.metrics().running);
            return api.run(10, 0);
          },
          { cost: 40 },
        ),
      ),
    );
    expect(Math.max(...concurrent)).toBe(2);
    pool.dispose();
  });

  test('aborting removes a queued task at once and abandons a running one', async () => {
    const { factory } = fakeFactory();
    const pool = new WorkerPool(factory, 1);
    const ac = new AbortController();
    const running = pool.run((api) => api.run(50, 'r'), { signal: ac.signal });
    const queued = pool.run((api) => api.run(50, 'q'), { signal: ac.signal });
    const other = pool.run((api) => api.run(5, 'other'));
    await tick(5);
    ac.abort();
    await expect(running).rejects.toMatchObject({ code: 'cancelled' });
    await expect(queued).rejects.toMatchObject({ code: 'cancelled' });
    await expect(other).resolves.toBe('other');
    await expect(pool.run((api) => api.run(1, 1), { signal: ac.signal })).rejects.toMatchObject({ code: 'cancelled' });
    expect(pool.metrics().tasksFailed).toBe(0);
    pool.dispose();
  });

  test('a wasm trap replaces the worker and retries the task once on a fresh one', async () => {
    const { factory, made } = fakeFactory();
    const pool = new WorkerPool(factory, 1);
    let calls = 0;
    const v = await pool.run(async (api) => (++calls === 1 ? api.trap() : api.run(1, `ok on ${api.id}`)));
    expect(v).toBe('ok on 1');
    expect(made[0].terminated).toBe(true);
    const m = pool.metrics();
    expect(m).toMatchObject({ retries: 1, workersReplaced: 1, size: 1 });
    expect(m.workers[0].crashes).toBe(1);
    pool.dispose();
  });

  test('a task that crashes twice fails with a clear error, and the batch goes on', async () => {
    const { factory } = fakeFactory();
    const pool = new WorkerPool(factory, 2);
    const bad = pool.run((api) => api.trap(), { label: 'x.jpg' });
    const good = Promise.all([1, 2, 3].map((i) => pool.run((api) => api.run(5, i))));
    await expect(bad).rejects.toMatchObject({ code: 'worker-crashed' });
    await expect(bad).rejects.toThrow(/crashed \(memory access out of bounds\); it crashed on all 2 attempts/);
    await expect(good).resolves.toEqual([1, 2, 3]);
    expect(pool.size).toBe(2);
    pool.dispose();
  });

  test('an uncaught worker error (outside a call) fails over the running task', async () => {
    const { factory, made } = fakeFactory();
    const pool = new WorkerPool(factory, 1);
    let attempt = 0;
    const p = pool.run(async (api) => {
      attempt++;
      if (attempt === 1) {
        setTimeout(() => made[api.id].crash?.(new Error('worker crashed: script error')), 5);
        return api.run(1000, 'never');
      }
      return api.run(1, 'retried');
    });
    await expect(p).resolves.toBe('retried');
    expect(made[0].terminated).toBe(true);
    pool.dispose();
  });

  test('ordinary errors are not retried and do not replace the worker', async () => {
    const { factory, made } = fakeFactory();
    const pool = new WorkerPool(factory, 1);
    await expect(pool.run((api) => api.fail('not a JPEG'))).rejects.toThrow('not a JPEG');
    expect(made.length).toBe(1);
    expect(pool.metrics()).toMatchObject({ retries: 0, tasksFailed: 1 });
    pool.dispose();
  });

  test('resize grows at once and shrinks when busy workers finish', async () => {
    const { factory, made } = fakeFactory();
    const pool = new WorkerPool(factory, 1);
    pool.resize(3);
    expect(pool.size).toBe(3);
    const busy = pool.run((api) => api.run(30, 'x'));
    pool.resize(1);
    expect(pool.size).toBe(1);
    await busy;
    expect(made.filter((w) => w.terminated).length).toBe(2);
    expect(() => pool.resize(0)).toThrow(RangeError);
    pool.dispose();
    await expect(pool.run((api) => api.run(1, 1))).rejects.toMatchObject({ code: 'cancelled' });
  });

  test('dispose rejects running and queued tasks at once, terminates every worker, and refuses new tasks', async () => {
    const { factory, made } = fakeFactory();
    const pool = new WorkerPool(factory, 2, 1000, 1);
    const running = [pool.run((api) => api.hang(), { cost: 100 }), pool.run((api) => api.hang(), { cost: 100 })];
    const queued = pool.run((api) => api.hang());
    const ac = new AbortController();
    const abandoned = pool.run((api) => api.hang(), { signal: ac.signal }).catch((e: unknown) => e); // queued, then aborted
    ac.abort();
    await tick(1);
    expect(pool.metrics()).toMatchObject({ running: 2, queued: 1, bytesInFlight: 200 });
    const outcomes = Promise.allSettled([...running, queued]);
    pool.dispose();
    const shutDown = { name: 'TesseraError', code: 'cancelled', message: 'the worker pool was shut down' };
    for (const o of await outcomes) expect(o).toMatchObject({ status: 'rejected', reason: shutDown });
    expect(await abandoned).toMatchObject({ code: 'cancelled', message: 'cancelled' });
    expect(made.map((w) => w.terminated)).toEqual([true, true]);
    expect(pool.metrics()).toMatchObject({ size: 0, running: 0, queued: 0, bytesInFlight: 0, tasksDone: 0, tasksFailed: 0 });
    await expect(pool.run((api) => api.run(1, 1))).rejects.toMatchObject(shutDown);
    pool.resize(2); // starts nothing
    pool.dispose(); // again: nothing happens
    expect(made.length).toBe(2);
  });

  test('a result that arrives after dispose is discarded', async () => {
    const { factory } = fakeFactory();
    const pool = new WorkerPool(factory, 1);
    const late = pool.run((api) => api.run(20, 'late'));
    await tick(1);
    pool.dispose();
    await expect(late).rejects.toMatchObject({ code: 'cancelled' });
    await tick(40);
    expect(pool.metrics()).toMatchObject({ tasksDone: 0, running: 0 });
  });

  test('bench() reaches the bench API on the same workers and queue as run(); workers without one fail the task', async () => {
    let id = 0;
    const order: string[] = [];
    const factory = (): WorkerHandle<{ id: number }, { probe(tag: string): Promise<string> }> => {
      const me = id++;
      return {
        api: { id: me },
        bench: {
          probe: async (tag) => {
            order.push(tag);
            await tick(5);
            return `${tag}@${me}`;
          },
        },
        terminate: () => {},
        onCrash: () => {},
      };
    };
    const pool = new WorkerPool(factory, 1, undefined, 1);
    const first = pool.bench().run((b) => b.probe('first'));
    const bg = pool.bench().run((b) => b.probe('background'));
    const urgent = pool.bench().run((b) => b.probe('urgent'), { priority: Priority.interactive });
    expect(await Promise.all([first, bg, urgent])).toEqual(['first@0', 'background@0', 'urgent@0']);
    expect(order).toEqual(['first', 'urgent', 'background']); // one queue, priorities kept
    expect(await pool.bench().broadcast((b, i) => b.probe(`all ${i}`))).toEqual(['all 0@0']);
    expect(pool.metrics().tasksDone).toBe(3);
    pool.dispose();
    await expect(pool.bench().run((b) => b.probe('late'))).rejects.toMatchObject({ code: 'cancelled' });

    const { factory: plain } = fakeFactory();
    const noBench = new WorkerPool(plain, 1);
    await expect(noBench.bench().run(() => Promise.resolve(1))).rejects.toThrow(/no bench API/);
    noBench.dispose();
  });

  test('isFatal tells wasm traps from ordinary failures', () => {
    expect(isFatal(Object.assign(new Error('unreachable'), { name: 'RuntimeError' }))).toBe(true);
    expect(isFatal(new Error('Aborted(OOM)'))).toBe(true);
    expect(isFatal(new Error('not a complete JPEG file'))).toBe(false);
  });

  test('a lease takes an idle worker out of scheduling, only while another remains, and reports its crash', async () => {
    const { factory, made } = fakeFactory();
    const pool = new WorkerPool(factory, 2);
    const lease = pool.lease();
    expect(lease).toBeDefined();
    expect(pool.lease(), 'the last schedulable worker is never leased').toBeUndefined();
    const ids = await Promise.all(Array.from({ length: 6 }, () => pool.run((api) => api.run(2, api.id))));
    expect(new Set(ids)).toEqual(new Set([1 - lease!.api.id]));
    const crash = lease!.crashed;
    made[lease!.api.id].crash?.(new Error('out of memory'));
    expect((await crash).message).toBe('out of memory');
    // Its replacement is schedulable again.
    const after = await Promise.all(Array.from({ length: 6 }, () => pool.run((api) => api.run(5, api.id))));
    expect(new Set(after).size).toBe(2);
    lease!.release();
    pool.dispose();
  });

  test('a released lease gives the worker back; one worker alone is never leased', async () => {
    const { factory } = fakeFactory();
    const pool = new WorkerPool(factory, 2);
    const lease = pool.lease()!;
    lease.release();
    const ids = await Promise.all(Array.from({ length: 8 }, () => pool.run((api) => api.run(5, api.id))));
    expect(new Set(ids).size).toBe(2);
    pool.dispose();
    const single = new WorkerPool(fakeFactory().factory, 1);
    expect(single.lease()).toBeUndefined();
    single.dispose();
  });
});
