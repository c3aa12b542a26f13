/**
 * This thread's lazily loaded parts (core/offline.ts LazyParts). Engine code runs in workers
 * (engine and stream workers), which the pool can replace: a failed import this thread's module
 * map remembers makes the task ask for a fresh worker once the network is back.
 */
import { LazyParts } from '../core/offline';

export const lazyParts = new LazyParts({ realm: 'worker' });
