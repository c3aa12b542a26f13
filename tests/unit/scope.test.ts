import { describe, expect, test } from 'vitest';
import { Scope } from '../../src/core/scope';

/** A wasm-like object (delete) and a media-like one (close) that record when they are freed. */
function objects(log: string[]) {
  const wasm = (name: string) => ({ delete: () => void log.push(`delete ${name}`) });
  const media = (name: string) => ({ close: () => void log.push(`close ${name}`) });
  return { wasm, media };
}

describe('Scope', () => {
  test('`using` frees everything tracked, newest first, when the block ends', () => {
    const log: string[] = [];
    const { wasm, media } = objects(log);
    {
      using scope = new Scope();
      const a = scope.track(wasm('a'));
      scope.track(media('b'));
      const keep = scope.track; // a plain function, usable unbound
      expect(keep(wasm('c'))).toBeDefined();
      expect(a).toBeDefined();
      log.push('body');
    }
    expect(log).toEqual(['body', 'delete c', 'close b', 'delete a']);
  });

  test('frees on a throw too, and the body error is the one that propagates', () => {
    const log: string[] = [];
    const { wasm } = objects(log);
    const run = () => {
      using scope = new Scope();
      scope.track(wasm('a'));
      throw new Error('boom');
    };
    expect(run).toThrow('boom');
    expect(log).toEqual(['delete a']);
  });

  test('frees after an async body settles, not at its first await', async () => {
    const log: string[] = [];
    const { wasm } = objects(log);
    const run = async () => {
      using scope = new Scope();
      scope.track(wasm('a'));
      await new Promise((r) => setTimeout(r, 5));
      log.push('after await');
      return 7;
    };
    const p = run();
    expect(log).toEqual([]);
    await expect(p).resolves.toBe(7);
    expect(log).toEqual(['after await', 'delete a']);
  });

  test('an object tracked twice is freed once; free() frees one early and only once', () => {
    const log: string[] = [];
    const { wasm } = objects(log);
    const scope = new Scope();
    const a = wasm('a');
    const b = wasm('b');
    scope.track(a);
    scope.track(a);
    scope.track(b);
    scope.free(a);
    expect(log).toEqual(['delete a']);
    scope.dispose();
    expect(log).toEqual(['delete a', 'delete b']);
    scope.dispose(); // nothing left
    expect(log).toEqual(['delete a', 'delete b']);
  });

  test('one failing free does not keep the others alive; the first error is rethrown', () => {
    const log: string[] = [];
    const { wasm } = objects(log);
    const scope = new Scope();
    scope.track(wasm('a'));
    scope.track({ delete: () => { throw new Error('first'); } });
    scope.track(wasm('c'));
    scope.track({ close: () => { throw new Error('second'); } });
    expect(() => scope.dispose()).toThrow('second'); // newest first: 'second' fails first
    expect(log).toEqual(['delete c', 'delete a']);
  });

  test('dispose() in a finally works without `using`', () => {
    const log: string[] = [];
    const { media } = objects(log);
    const scope = new Scope();
    try {
      scope.track(media('frame'));
    } finally {
      scope.dispose();
    }
    expect(log).toEqual(['close frame']);
  });
});
