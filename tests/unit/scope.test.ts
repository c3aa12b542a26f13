import { describe, expect, test } from 'vitest';
import { Scope, withScope } from '../../src/core/scope';

/** A wasm-like object (delete) and a media-like one (close) that record when they are freed. */
function objects(log: string[]) {
  const wasm = (name: string) => ({ delete: () => void log.push(`delete ${name}`) });
  const media = (name: string) => ({ close: () => void log.push(`close ${name}`) });
  return { wasm, media };
}

describe('Scope', () => {
  test('withScope frees everything tracked, newest first, when the body returns', () => {
    const log: string[] = [];
    const { wasm, media } = objects(log);
    const v = withScope((scope) => {
      scope.track(wasm('a'));
      scope.track(media('b'));
      const keep = scope.track; // a plain function, usable unbound
      keep(wasm('c'));
      log.push('body');
      return 42;
    });
    expect(v).toBe(42);
    expect(log).toEqual(['body', 'delete c', 'close b', 'delete a']);
  });

  test('frees on a throw too, and the body error is the one that propagates', () => {
    const log: string[] = [];
    const { wasm } = objects(log);
    expect(() =>
      withScope((scope) => {
        scope.track(wasm('a'));
        scope.track({
          delete: () => {
            throw new Error('free failed');
          },
        });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(log).toEqual(['delete a']);
  });

  test('an async body is freed when its promise settles, not at its first await', async () => {
    const log: string[] = [];
    const { wasm } = objects(log);
    const p = withScope(async (scope) => {
      scope.track(wasm('a'));
      await new Promise((r) => setTimeout(r, 5));
      log.push('after await');
      return 7;
    });
    expect(log).toEqual([]);
    await expect(p).resolves.toBe(7);
    expect(log).toEqual(['after await', 'delete a']);

    const failing = withScope(async (scope) => {
      scope.track(wasm('b'));
      await new Promise((r) => setTimeout(r, 5));
      throw new Error('late boom');
    });
    await expect(failing).rejects.toThrow('late boom');
    expect(log).toEqual(['after await', 'delete a', 'delete b']);
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
    scope.track({
      delete: () => {
        throw new Error('first');
      },
    });
    scope.track(wasm('c'));
    scope.track({
      close: () => {
        throw new Error('second');
      },
    });
    expect(() => scope.dispose()).toThrow('second'); // newest first: 'second' fails first
    expect(log).toEqual(['delete c', 'delete a']);
    // Through withScope after a successful body, the failure to free is reported.
    expect(() =>
      withScope(
        (s) =>
          void s.track({
            delete: () => {
              throw new Error('double free');
            },
          }),
      ),
    ).toThrow('double free');
  });
});
