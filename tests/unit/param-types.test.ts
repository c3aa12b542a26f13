/**
 * Params are typed from their specs (checked by `tsc`, which compiles tests/unit): catalogue
 * lookups by name, validated params, engine tables, and option values. The runtime assertions
 * are only there so the file is a test.
 */
import { describe, expect, expectTypeOf, test } from 'vitest';
import { defaultParams, getOperation, stepParams, type OpParams } from '../../src/core/catalogue';
import { validateOutput } from '../../src/core/formats';
import { validateParams } from '../../src/core/recipe';
import { validateVideoOptions } from '../../src/core/video-options';
import type { EngineTable } from '../../src/engine/ops/context';
import { KERNEL_OPS } from '../../src/engine/ops/kernel';

describe('params typed from their specs', () => {
  test('integer/number → number, boolean → boolean, enum → its options, color → string', () => {
    const resize = defaultParams(getOperation('resize'));
    expectTypeOf(resize.mode).toEqualTypeOf<
      'fit' | 'fill' | 'width' | 'height' | 'long-edge' | 'short-edge' | 'megapixels' | 'percent' | 'pad'
    >();
    expectTypeOf(resize.width).toEqualTypeOf<number>();
    expectTypeOf(resize.enlarge).toEqualTypeOf<boolean>();
    expectTypeOf(validateParams(getOperation('rotate'), {}, '').background).toEqualTypeOf<string>();
    expectTypeOf<OpParams<'redact-faces'>['detector']>().toEqualTypeOf<'blazeface' | 'blazeface-short' | 'haar' | 'haar-alt2' | 'lbp'>();
    expectTypeOf<OpParams<'blur'>>().toEqualTypeOf<{ intensity: number }>();
    expect(resize.mode).toBe('fit');
  });

  test('a resolved step narrows by its op (checked at run time)', () => {
    const step = { op: 'thumbnail', params: { size: 64 } };
    expectTypeOf(stepParams(step, 'thumbnail').size).toEqualTypeOf<number>();
    expect(stepParams(step, 'thumbnail').size).toBe(64);
    expect(() => stepParams(step, 'resize')).toThrow('expected a resize step, got "thumbnail"');
  });

  test('engine functions receive their op’s params; a missing one is a compile error', () => {
    expectTypeOf(KERNEL_OPS.gamma).parameter(1).toEqualTypeOf<{ gamma: number }>();
    // @ts-expect-error every kernel op needs its function
    const partial: EngineTable<'kernel'> = { grayscale: KERNEL_OPS.grayscale };
    expect(partial).toBeTruthy();
  });

  test('output and video options are typed from their schemas', () => {
    const o = validateOutput({});
    expectTypeOf(o.format).toEqualTypeOf<'png' | 'jpeg' | 'webp' | 'avif' | 'tiff' | 'gif' | 'dzi'>();
    expectTypeOf(o.tileFormat).toEqualTypeOf<'jpeg' | 'png'>();
    expectTypeOf(o.tileSize).toEqualTypeOf<number>();
    expectTypeOf(o.metadata).toEqualTypeOf<'keep' | 'no-location' | 'strip'>();
    expectTypeOf(o.copyright).toEqualTypeOf<string>();
    expectTypeOf(o.existing).toEqualTypeOf<'rename' | 'skip' | 'overwrite'>();
    expectTypeOf(o.subsampling).toEqualTypeOf<'auto' | '4:2:0' | '4:4:4'>();
    expectTypeOf(o.quality).toEqualTypeOf<number>();
    const v = validateVideoOptions({});
    expectTypeOf(v.codec).toEqualTypeOf<'h264' | 'vp9' | 'vp8' | 'av1'>();
    expectTypeOf(v.bitrate).toEqualTypeOf<number | undefined>();
    expect(v.bitrate).toBeUndefined();
  });
});
