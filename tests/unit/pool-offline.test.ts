import { describe, expect, test } from 'vitest';
import { STALE_MODULES, notAvailableOffline } from '../../src/core/offline';
import { WorkerPool, type WorkerHandle } from '../../src/pool/pool';

/**
 * Fake workers and a network switch: a worker made while offline never answers and reports, as
 * the engine pool's factory does for a plain error Event, that its script could not be loaded.
 */
interface FakeApi {
  id: number;
  run<T>(value: T): Promise<T>;
  /** What a worker whose module map keeps a failed import throws once the network is back. */
  stale(): Promise<never>;
}

function offlineFactory() {
  const net = { online: true };
  const made: { id: number; loaded: boolean; terminated: boolean }[] = [];
  const factory = (): WorkerHandle<FakeApi> => {
    const rec = { id: made.length, loaded: net.online, terminated: false };
    made.push(rec);
    let crash: ((e: Error) => void) | undefined;
    if (!rec.loaded) setTimeout(() => crash?.(notAvailableOffline("Tessera's image engine (its worker script)")), 2);
    const api: FakeApi = {
      id: rec.id,
      run: (value) => (rec.loaded ? new Promise((r) => setTimeout(() => r(value), 2)) : new Promise(() => {})),
      stale: () => Promise.reject(Object.assign(new Error('OpenCV failed to load earlier in this worker'), { name: STALE_MODULES })),
    };
    return { api, terminate: () => void (rec.terminated = true), onCrash: (cb) => void (crash = cb) };
  };
  return { net, made, factory };
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('WorkerPool offline', () => {
  test('a worker whose script cannot load is not replaced in a loop; its task fails with the message; online, it comes back', async () => {
    const { net, made, factory } = offlineFactory();
    net.online = false;
    const pool = new WorkerPool(factory, 1);
    await tick(50);
    // Without work it waits: one worker made, not one every few milliseconds.
    expect(made.length).toBe(1);
    expect(pool.size).toBe(1);
    await expect(pool.run((api) => api.run('x'), { label: 'a.jpg' })).rejects.toMatchObject({
      message: "Tessera's image engine (its worker script) is not available offline yet: open Tessera once online",
    });
    await tick(50);
    // The task's own try and its retry: two more workers, then quiet again.
    expect(made.length).toBe(3);
    expect(pool.metrics()).toMatchObject({ size: 1, tasksFailed: 1 });
    net.online = true;
    await expect(pool.run((api) => api.run('back'))).resolves.toBe('back');
    expect(made.length).toBe(4);
    expect(made.slice(0, 3).every((w) => w.terminated)).toBe(true);
    pool.dispose();
  });

  test('tasks queued behind on a worker that cannot load each fail once, without going round', async () => {
    const { net, made, factory } = offlineFactory();
    net.online = false;
    const pool = new WorkerPool(factory, 1, undefined, 2);
    const results = await Promise.allSettled([1, 2, 3].map((i) => pool.run((api) => api.run(i))));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const r of results) expect(String((r as PromiseRejectedResult).reason)).toMatch(/not available offline yet/);
    await tick(30);
    const spawned = made.length;
    expect(spawned).toBeLessThanOrEqual(8);
    await tick(50);
    expect(made.length).toBe(spawned);
    pool.dispose();
  });

  test('with another worker loaded, the task of one that cannot load runs there instead', async () => {
    const { net, made, factory } = offlineFactory();
    const pool = new WorkerPool(factory, 1);
    await pool.broadcast((api) => api.run('started')); // it has answered: its script loaded
    net.online = false;
    pool.resize(2); // the new worker cannot load
    const seen: number[] = [];
    const out = await Promise.all([1, 2, 3, 4].map((i) => pool.run((api) => (seen.push(api.id), api.run(i)))));
    expect(out).toEqual([1, 2, 3, 4]);
    expect(made[0].loaded).toBe(true);
    expect(made[1].loaded).toBe(false);
    // The tasks given to the worker that could not load ran on worker 0 in the end.
    expect(seen.filter((id) => id === 0).length).toBeGreaterThanOrEqual(4);
    expect(pool.size).toBe(2);
    pool.dispose();
  });

  test('a worker that keeps a failed import is replaced and the task runs again on a fresh one', async () => {
    const { made, factory } = offlineFactory();
    const pool = new WorkerPool(factory, 1);
    let calls = 0;
    const v = await pool.run((api) => (++calls === 1 ? api.stale() : api.run(`ok on ${api.id}`)));
    expect(v).toBe('ok on 1');
    expect(made[0].terminated).toBe(true);
    // Not the task's fault: no retry used.
    expect(pool.metrics()).toMatchObject({ retries: 0, workersReplaced: 1, size: 1 });
    pool.dispose();
  });

  test('every worker keeping a failed import is replaced in turn, and the task still runs (no retries used up)', async () => {
    const { made, factory } = offlineFactory();
    const pool = new WorkerPool(factory, 3);
    const stale = new Set([0, 1, 2]); // all three tried (and failed) offline: each remembers
    const tried: number[] = [];
    const v = await pool.run(
      (api) => {
        tried.push(api.id);
        return stale.has(api.id) ? api.stale() : api.run(`ok on ${api.id}`);
      },
      { retries: 0 },
    );
    expect(v).toMatch(/^ok on [3-5]$/);
    expect(stale.has(tried[0])).toBe(true);
    expect(made.filter((w) => w.terminated).length).toBeGreaterThanOrEqual(1);
    expect(pool.metrics().tasksFailed).toBe(0);
    expect(pool.size).toBe(3);
    pool.dispose();
  });

  test('resize counts a worker waiting to load, and shrinking forgets it first', async () => {
    const { net, made, factory } = offlineFactory();
    net.online = false;
    const pool = new WorkerPool(factory, 2);
    await tick(20); // both failed to load: waiting for work
    expect(pool.size).toBe(2);
    pool.resize(2);
    expect(made.length).toBe(2); // nothing new: they are still counted
    pool.resize(1);
    expect(pool.size).toBe(1);
    net.online = true;
    await expect(pool.run((api) => api.run('one'))).resolves.toBe('one');
    expect(made.length).toBe(3);
    pool.dispose();
    expect(pool.metrics().workers).toHaveLength(0);
  });
});
