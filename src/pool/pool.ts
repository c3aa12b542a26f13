/**
 * The worker pool: N workers, a priority queue, a memory budget and crash recovery.
 *
 * - Priority: interactive preview (0) before user-started work (1) before background batch (2).
 * - Memory: each task declares the bytes it will hold; tasks start only while the sum in flight
 *   stays under the budget (a task larger than the whole budget runs alone rather than never).
 * - Cancellation: an aborted task leaves the queue at once; a running one is abandoned (its
 *   result discarded) because a synchronous wasm call cannot be interrupted mid-way.
 * - Pipelining: each worker may hold `depth` tasks (default 2): the next request is already
 *   waiting in the worker's queue when the current one ends, so no worker idles for a message
 *   round trip between images.
 * - Crashes: a worker that dies (uncaught error, wasm trap such as out-of-bounds memory) is
 *   terminated and replaced; its task is retried once on a fresh worker, then fails clearly. So is
 *   one whose module map keeps an import that failed offline (core/offline.ts LazyParts), once
 *   the network is back.
 * - Offline: a worker whose script cannot be loaded is not replaced at once (offline, the new
 *   one would fail too, and again: a loop); it comes back when there is work for it, and its
 *   task, out of retries, fails with the "not available offline yet" message.
 * - Shutdown: dispose() terminates the workers and rejects every unsettled task, queued or
 *   running, with a 'cancelled' error at once (nothing is left waiting on a dead worker).
 */
import { TesseraError, cancelled, messageOf } from '../core/errors';
import { isNotAvailableOffline, isStaleModules } from '../core/offline';
import { PriorityQueue } from './priority-queue';

export const Priority = { interactive: 0, user: 1, background: 2 } as const;
export type PriorityLevel = (typeof Priority)[keyof typeof Priority];

/**
 * One worker: `api` is what jobs call (pool.run); `bench`, when the worker has one, is its
 * bench/test API (benchmark probes, test knobs), reached only through pool.bench().
 */
export interface WorkerHandle<A, B = never> {
  api: A;
  bench?: B;
  terminate(): void;
  /** Registers the callback for the worker dying outside a call (uncaught error). */
  onCrash(cb: (error: Error) => void): void;
}

export type WorkerFactory<A, B = never> = (index: number) => WorkerHandle<A, B>;

export interface TaskOptions {
  priority?: PriorityLevel;
  /** Bytes this task holds while it runs. */
  cost?: number;
  signal?: AbortSignal;
  /** Retries after a worker crash (default 1). Ordinary errors are never retried. */
  retries?: number;
  label?: string;
}

export interface WorkerMetrics {
  index: number;
  tasks: number;
  busyMs: number;
  crashes: number;
  busy: boolean;
}

export interface PoolMetrics {
  size: number;
  queued: number;
  running: number;
  bytesInFlight: number;
  memoryBudget: number;
  tasksDone: number;
  tasksFailed: number;
  retries: number;
  workersReplaced: number;
  workers: WorkerMetrics[];
}

/** pool.bench(): the workers' bench/test API, scheduled exactly like pool.run / pool.broadcast. */
export interface BenchRunner<B> {
  run<T>(fn: (bench: B, workerIndex: number) => Promise<T>, opts?: TaskOptions): Promise<T>;
  broadcast<T>(fn: (bench: B, workerIndex: number) => Promise<T>): Promise<T[]>;
}

interface Slot<A, B> {
  index: number;
  handle: WorkerHandle<A, B>;
  tasks: Set<Task<A, B, unknown>>;
  /** When the worker last went from idle to busy (busy time counts wall time, not per task). */
  busySince: number;
  metrics: WorkerMetrics;
  retired: boolean;
  /** It has answered a call, so its script loaded (see Task.needsLoaded). */
  answered?: boolean;
  /** Held by a lease (pool.lease): no task is scheduled on it until released. */
  leased?: { crashed(e: Error): void };
}

/**
 * A worker taken out of scheduling for one long, blocking call (a giant image's decoder waits on
 * shared memory for the strips the other workers run): see WorkerPool.lease.
 */
export interface Lease<A> {
  api: A;
  /** Settles (never rejects) if the worker dies meanwhile: its call then never answers. */
  crashed: Promise<Error>;
  release(): void;
}

interface Task<A, B, T> {
  fn: (worker: WorkerHandle<A, B>, workerIndex: number) => Promise<T>;
  priority: number;
  cost: number;
  retriesLeft: number;
  attempts: number;
  label: string;
  signal?: AbortSignal;
  resolve(v: T): void;
  reject(e: unknown): void;
  settled: boolean;
  onAbort?: () => void;
  /** Its last worker could not load its script: its retry goes to one that has answered, if any. */
  needsLoaded?: boolean;
}

/** Wasm traps and Emscripten aborts leave the module unusable: the worker must be replaced. */
export function isFatal(e: unknown): boolean {
  const name = (e as { name?: string } | null)?.name ?? '';
  const msg = messageOf(e);
  return (
    name === 'RuntimeError' ||
    /memory access out of bounds|^Aborted\(|unreachable|out of memory|Cannot enlarge memory|Array buffer allocation failed|worker (crashed|terminated)/i.test(
      msg,
    )
  );
}

export class WorkerPool<A, B = never> {
  private slots: Slot<A, B>[] = [];
  private queue = new PriorityQueue<Task<A, B, unknown>>();
  private bytesInFlight = 0;
  private nextIndex = 0;
  private done = 0;
  private failed = 0;
  private retried = 0;
  private replaced = 0;
  private disposed = false;
  /** Workers whose script could not be loaded, waiting for work to be started again (their metrics). */
  private unloaded: WorkerMetrics[] = [];

  constructor(
    private readonly factory: WorkerFactory<A, B>,
    size: number,
    public memoryBudget = 1024 * 1024 * 1024,
    private readonly depth = 2,
  ) {
    this.resize(size);
  }

  /** Live workers, counting those waiting to be started again after their script failed to load. */
  get size(): number {
    return this.slots.filter((s) => !s.retired).length + this.unloaded.length;
  }

  /** Grows at once; shrinks as busy workers finish their current task. */
  resize(size: number): void {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`pool size must be a positive integer, got ${size}`);
    if (this.disposed) return; // no workers are started for a pool that was shut down
    const live = this.slots.filter((s) => !s.retired);
    // Workers that could not load count as there (they start with the next work); shrinking forgets them first.
    this.unloaded.splice(Math.max(0, size - live.length));
    for (let i = live.length + this.unloaded.length; i < size; i++) this.spawn();
    for (const s of live.slice(size)) {
      s.retired = true;
      if (!s.tasks.size) this.drop(s);
    }
    this.pump();
  }

  /** Runs `fn` once on every live worker (e.g. to start engines before timing a batch). */
  async broadcast<T>(fn: (api: A, workerIndex: number) => Promise<T>): Promise<T[]> {
    return this.everyWorker((w, i) => fn(w.api, i));
  }

  run<T>(fn: (api: A, workerIndex: number) => Promise<T>, opts: TaskOptions = {}): Promise<T> {
    return this.schedule((w, i) => fn(w.api, i), opts);
  }

  /**
   * The workers' bench/test API (benchmark probes, test knobs such as a frame delay), kept apart
   * from `run` so production code never reaches it by accident. Same queue, priorities, budget
   * and crash handling as `run`; a worker without one fails the task.
   */
  bench(): BenchRunner<B> {
    const of = (w: WorkerHandle<A, B>): B => {
      if (w.bench === undefined) throw new Error("this pool's workers have no bench API");
      return w.bench;
    };
    return {
      run: (fn, opts = {}) => this.schedule((w, i) => fn(of(w), i), opts),
      broadcast: (fn) => this.everyWorker((w, i) => fn(of(w), i)),
    };
  }

  private async everyWorker<T>(fn: (worker: WorkerHandle<A, B>, workerIndex: number) => Promise<T>): Promise<T[]> {
    return Promise.all(
      this.slots
        .filter((s) => !s.retired)
        .map(async (s) => {
          const v = await fn(s.handle, s.index);
          s.answered = true;
          return v;
        }),
    );
  }

  private schedule<T>(fn: (worker: WorkerHandle<A, B>, workerIndex: number) => Promise<T>, opts: TaskOptions): Promise<T> {
    if (this.disposed) return Promise.reject(new TesseraError('cancelled', 'the worker pool was shut down'));
    if (opts.signal?.aborted) return Promise.reject(cancelled());
    return new Promise<T>((resolve, reject) => {
      const task: Task<A, B, T> = {
        fn,
        priority: opts.priority ?? Priority.background,
        cost: Math.max(0, opts.cost ?? 0),
        retriesLeft: opts.retries ?? 1,
        attempts: 0,
        label: opts.label ?? 'task',
        signal: opts.signal,
        resolve,
        reject,
        settled: false,
      };
      if (opts.signal) {
        task.onAbort = () => {
          this.queue.remove((t) => t === (task as Task<A, B, unknown>));
          this.settle(task, false, cancelled());
        };
        opts.signal.addEventListener('abort', task.onAbort, { once: true });
      }
      this.queue.push(task, task.priority);
      this.pump();
    });
  }

  /**
   * An idle worker for the caller alone, or undefined when taking one would leave no worker to
   * schedule tasks on (then the caller uses a worker of its own). Never waits: a caller that
   * blocked on a lease while holding another could deadlock the pool.
   */
  lease(): Lease<A> | undefined {
    const free = this.slots.filter((s) => !s.retired && !s.leased);
    const slot = free.find((s) => s.tasks.size === 0);
    if (free.length < 2 || !slot) return undefined;
    let crashed!: (e: Error) => void;
    const crash = new Promise<Error>((resolve) => (crashed = resolve));
    slot.leased = { crashed };
    return {
      api: slot.handle.api,
      crashed: crash,
      release: () => {
        if (slot.leased?.crashed !== crashed) return;
        slot.leased = undefined;
        this.pump();
      },
    };
  }

  metrics(): PoolMetrics {
    return {
      size: this.size,
      queued: this.queue.size,
      running: this.slots.reduce((n, s) => n + s.tasks.size, 0),
      bytesInFlight: this.bytesInFlight,
      memoryBudget: this.memoryBudget,
      tasksDone: this.done,
      tasksFailed: this.failed,
      retries: this.retried,
      workersReplaced: this.replaced,
      workers: [...this.slots.map((s) => ({ ...s.metrics, busy: s.tasks.size > 0 })), ...this.unloaded.map((m) => ({ ...m, busy: false }))],
    };
  }

  /**
   * Shuts the pool down: every worker is terminated, and every task not yet settled — queued, or
   * running on a worker (whose call can no longer answer) — rejects at once with a 'cancelled'
   * TesseraError, "the worker pool was shut down"; so do later run() calls. A result that still
   * arrives is discarded. Calling it again does nothing.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.unloaded = [];
    const shutDown = () => new TesseraError('cancelled', 'the worker pool was shut down');
    for (let t = this.queue.pop(); t; t = this.queue.pop()) this.settle(t, false, shutDown());
    for (const s of [...this.slots]) {
      s.leased?.crashed(shutDown());
      const running = [...s.tasks];
      // finish() forgets each task (execute() then ignores its outcome) and keeps the counts right.
      for (const t of running) this.finish(s, t);
      if (this.slots.includes(s)) this.drop(s);
      for (const t of running) this.settle(t, false, shutDown());
    }
    this.slots = [];
  }

  private spawn(index = this.nextIndex++): Slot<A, B> {
    const handle = this.factory(index);
    const slot: Slot<A, B> = {
      index,
      handle,
      tasks: new Set(),
      busySince: 0,
      metrics: { index, tasks: 0, busyMs: 0, crashes: 0, busy: false },
      retired: false,
    };
    handle.onCrash((e) => this.crashed(slot, e));
    this.slots.push(slot);
    return slot;
  }

  private drop(s: Slot<A, B>): void {
    s.retired = true;
    this.slots = this.slots.filter((x) => x !== s);
    try {
      s.handle.terminate();
    } catch {
      /* already gone */
    }
  }

  private pump(): void {
    for (;;) {
      const task = this.queue.peek();
      if (!task) return;
      // A task whose worker could not load its script waits for one that has answered, while one does.
      const loadedOnly = task.needsLoaded === true && this.slots.some((s) => !s.retired && s.answered);
      // The least loaded worker: an idle one before one with a task to pipeline behind.
      let slot: Slot<A, B> | undefined;
      for (const s of this.slots)
        if (
          !s.retired &&
          !s.leased &&
          (!loadedOnly || s.answered) &&
          s.tasks.size < this.depth &&
          (!slot || s.tasks.size < slot.tasks.size)
        )
          slot = s;
      // A worker whose script failed to load starts again only for a task no worker can take now,
      // and only one such task at a time: offline this never loops.
      if (!slot && !loadedOnly && this.unloaded.length && !this.disposed) {
        const m = this.unloaded.shift()!;
        this.replaced++;
        this.spawn(m.index).metrics = { ...m, busy: false };
        continue;
      }
      if (!slot) return;
      const fits = this.bytesInFlight + task.cost <= this.memoryBudget || this.bytesInFlight === 0;
      if (!fits) return;
      this.queue.pop();
      void this.execute(slot, task);
    }
  }

  private async execute(slot: Slot<A, B>, task: Task<A, B, unknown>): Promise<void> {
    if (!slot.tasks.size) slot.busySince = performance.now();
    slot.tasks.add(task);
    task.attempts++;
    this.bytesInFlight += task.cost;
    let ok = false;
    let value: unknown;
    let error: unknown;
    try {
      value = await task.fn(slot.handle, slot.index);
      ok = true;
    } catch (e) {
      error = e;
    }
    if (!slot.tasks.has(task)) return; // the crash handler already dealt with this task
    slot.answered = true;
    if (!ok && (isFatal(error) || isStaleModules(error))) {
      // The module is dead (or its module map keeps a failed import, core/offline.ts): every
      // task queued on this worker fails over, not only this one.
      this.crashed(slot, error instanceof Error ? error : new Error(messageOf(error)));
      return;
    }
    this.finish(slot, task);
    this.settle(task, ok, ok ? value : error);
    this.pump();
  }

  private finish(slot: Slot<A, B>, task: Task<A, B, unknown>): void {
    slot.tasks.delete(task);
    slot.metrics.tasks++;
    if (!slot.tasks.size) slot.metrics.busyMs += performance.now() - slot.busySince;
    this.bytesInFlight -= task.cost;
    if (slot.retired && !slot.tasks.size && this.slots.includes(slot)) this.drop(slot);
  }

  private crashed(slot: Slot<A, B>, e: Error): void {
    if (!this.slots.includes(slot)) return;
    slot.leased?.crashed(e);
    // Workers run their calls one at a time, in order: the first task was the one running.
    // Tasks queued behind it are innocent and go back to the queue without using a retry.
    // A worker whose script could not load ran none of them: each uses a retry (else tasks
    // queued behind would go round without end while offline).
    const unloadable = isNotAvailableOffline(e);
    // A worker replaced because its module map keeps a failed import (core/offline.ts) is no fault
    // of the task: it goes back without using a retry, for another worker may be in the same
    // state. A fresh worker never is, so this ends.
    const stale = isStaleModules(e);
    const [running, ...queued] = slot.tasks;
    for (const t of slot.tasks) this.finish(slot, t);
    this.replace(slot, e);
    if (running && stale) queued.unshift(running);
    else if (running) this.retryOrFail(running, e);
    for (const t of queued) {
      if (unloadable) {
        this.retryOrFail(t, e);
        continue;
      }
      t.attempts--;
      this.queue.push(t, t.priority);
    }
    this.pump();
  }

  private replace(slot: Slot<A, B>, e: unknown): void {
    slot.metrics.crashes++;
    const wasRetired = slot.retired;
    if (this.slots.includes(slot)) this.drop(slot);
    if (!wasRetired && !this.disposed && isNotAvailableOffline(e)) {
      // Its script could not be loaded: a fresh one now would fail the same way, at once, and so
      // on. It is started again when there is work (pump).
      this.unloaded.push({ ...slot.metrics, busy: false });
    } else if (!wasRetired && !this.disposed) {
      this.replaced++;
      const fresh = this.spawn(slot.index);
      fresh.metrics = { ...slot.metrics, busy: false };
    }
  }

  private retryOrFail(task: Task<A, B, unknown>, e: unknown): void {
    if (task.settled) return;
    if (task.retriesLeft > 0 && !task.signal?.aborted) {
      task.needsLoaded = isNotAvailableOffline(e);
      task.retriesLeft--;
      this.retried++;
      this.queue.push(task, task.priority);
    } else {
      const tries = task.attempts > 1 ? `; it crashed on all ${task.attempts} attempts` : '';
      // A worker that could not load did not crash: its message says what is missing.
      if (isNotAvailableOffline(e)) this.settle(task, false, e);
      else this.settle(task, false, new TesseraError('worker-crashed', `the worker crashed (${messageOf(e)})${tries}`));
    }
  }

  private settle(task: Task<A, B, unknown>, ok: boolean, v: unknown): void {
    if (task.settled) return;
    task.settled = true;
    if (task.onAbort) task.signal?.removeEventListener('abort', task.onAbort);
    if (ok) {
      this.done++;
      task.resolve(v);
    } else {
      if (!(v instanceof TesseraError && v.code === 'cancelled')) this.failed++;
      task.reject(v);
    }
  }
}
