/**
 * Every catalogue entry, present and future, must honour the same contract: an engine function,
 * valid defaults, range errors with a path, and — for tileable ops — tiled output equal to
 * untiled output at default and extreme parameters.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { defaultParams, operations, type OperationSpec, type Params } from '../../src/core/catalogue';
import { blit, createFrame, type Frame } from '../../src/core/frame';
import { validateRecipe } from '../../src/core/recipe';
import { TesseraError } from '../../src/core/errors';
import { coreOffset, planTiles } from '../../src/core/tiles';
import { ENGINE_OPS, runSteps } from '../../src/engine/run-steps';
import { setTextRasteriser } from '../../src/engine/text-raster';
import { boxRasteriser } from './text-raster-fake';

// Node has no OffscreenCanvas: the text watermark draws with a stand-in (its glyphs do not matter here).
beforeAll(() => {
  setTextRasteriser(boxRasteriser);
});

function scene(w: number, h: number, ch: number, seed: number): Frame {
  const f = createFrame(w, h, ch, new ArrayBuffer(w * h * ch));
  let s = seed;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < ch; c++) {
        s = (s * 1103515245 + 12345) & 0x7fffffff;
        const smooth = 128 + 90 * Math.sin(x / 5 + c) * Math.cos(y / 7);
        f.data[(y * w + x) * ch + c] = Math.max(0, Math.min(255, Math.round(smooth + ((s >> 16) % 40) - 20)));
      }
  return f;
}

async function untiled(img: Frame, op: string, params: Params): Promise<Frame> {
  const { frame } = await runSteps(img, [{ op, params }]);
  const copy = createFrame(frame.width, frame.height, frame.channels, new ArrayBuffer(frame.width * frame.height * frame.channels));
  blit(frame, 0, 0, frame.width, frame.height, copy, 0, 0);
  return copy;
}

async function tiled(img: Frame, spec: OperationSpec, params: Params, tile: number): Promise<Frame> {
  const plan = planTiles(img.width, img.height, tile, tile, spec.halo(params));
  const out = createFrame(
    img.width,
    img.height,
    spec.outChannels(img.channels),
    new ArrayBuffer(img.width * img.height * spec.outChannels(img.channels)),
  );
  for (const t of plan.tiles) {
    const win = createFrame(
      t.window.width,
      t.window.height,
      img.channels,
      new ArrayBuffer(t.window.width * t.window.height * img.channels),
    );
    blit(img, t.window.x, t.window.y, t.window.width, t.window.height, win, 0, 0);
    // As the real tiled paths do: positional steps (watermarks) learn where the window lies.
    const placement = { x: t.window.x, y: t.window.y, width: img.width, height: img.height };
    const { frame } = await runSteps(win, [{ op: spec.name, params }], undefined, { placement });
    const o = coreOffset(t);
    blit(frame, o.x, o.y, t.core.width, t.core.height, out, t.core.x, t.core.y);
  }
  return out;
}

/** Defaults, and each numeric parameter at its min and at its max. */
function paramSets(spec: OperationSpec): Params[] {
  const base = defaultParams(spec);
  const sets: Params[] = [base];
  for (const [k, p] of Object.entries(spec.params)) {
    if (p.type === 'number' || p.type === 'integer') {
      // Very large radii make tiny test images meaningless; cap the extreme at a useful size.
      const cap = k.match(/sigma|radius|size|diameter/i) ? Math.min(p.max, p.type === 'integer' ? 9 : 4) : p.max;
      sets.push({ ...base, [k]: p.min }, { ...base, [k]: cap });
    }
    if (p.type === 'enum') for (const o of p.options) if (o !== p.default) sets.push({ ...base, [k]: o });
  }
  return sets;
}

describe.each(operations().map((o) => [o.name, o] as const))('%s', (_name, spec) => {
  test('is described and has an engine function', () => {
    expect(spec.label.length).toBeGreaterThan(0);
    expect(spec.definition.length).toBeGreaterThan(10);
    expect(['tone', 'filter', 'cv', 'transform', 'overlay']).toContain(spec.category);
    expect(ENGINE_OPS[spec.engine][spec.name]).toBeTypeOf('function');
    if (spec.locality === 'point') expect(spec.halo(defaultParams(spec))).toBe(0);
  });

  test('defaults validate; out-of-range values are rejected with their path', () => {
    expect(() => validateRecipe({ name: 't', steps: [{ op: spec.name }] })).not.toThrow();
    for (const [k, p] of Object.entries(spec.params)) {
      const bad: unknown[] =
        p.type === 'number' || p.type === 'integer'
          ? [p.min - 1, p.max + 1, 'x']
          : p.type === 'enum'
            ? ['no-such-option', 3]
            : p.type === 'color'
              ? ['red', '#12345']
              : p.type === 'image'
                ? [3, 'x'.repeat(1001)]
                : p.type === 'text'
                  ? [3, 'x'.repeat(p.maxLength + 1)]
                  : ['yes'];
      for (const v of bad) {
        let err: unknown;
        try {
          validateRecipe({ name: 't', steps: [{ op: spec.name, params: { [k]: v } }] });
        } catch (e) {
          err = e;
        }
        expect(err, `${k}=${JSON.stringify(v)}`).toBeInstanceOf(TesseraError);
        expect((err as TesseraError).path).toBe(`/steps/0/params/${k}`);
      }
    }
  });

  if (spec.locality !== 'global') {
    test.each([1, 3, 4])('tiled equals untiled (%i channels, default and extreme params)', async (ch) => {
      const img = scene(61, 47, ch, 11 * ch);
      for (const params of paramSets(spec)) {
        const whole = await untiled(img, spec.name, params);
        for (const tile of [16, 7]) {
          const parts = await tiled(img, spec, params, tile);
          expect(Buffer.from(parts.data).equals(Buffer.from(whole.data)), `${JSON.stringify(params)} tile ${tile}`).toBe(true);
        }
      }
    });
  } else {
    test.each([1, 3, 4])('runs on the whole image (%i channels)', async (ch) => {
      const out = await untiled(scene(61, 47, ch, 5), spec.name, defaultParams(spec));
      expect(out.channels).toBe(spec.outChannels(ch));
      expect(out.width * out.height).toBeGreaterThan(0);
    });
  }
});

// `planeWise` lets video frames skip the RGBA round trip (engine/frame-task.ts): it must be true.
describe.each(
  operations()
    .filter((op) => op.planeWise)
    .map((op) => [op.name, op] as const),
)('%s is plane-wise', (_name, op) => {
  // At the defaults and away from them (a factor of 1 would make many tone ops the identity).
  const moved: Params = { ...defaultParams(op) };
  for (const [k, spec] of Object.entries(op.params))
    if (spec.type === 'number' || spec.type === 'integer') {
      const v = spec.min + (spec.max - spec.min) * 0.3;
      moved[k] = spec.type === 'integer' ? Math.round(v) : v;
    }
  test.each([
    ['defaults', defaultParams(op)],
    ['moved', moved],
  ])('on R, G and B as three gray frames: the same bytes as on RGB (%s)', async (_which, params) => {
    const rgb = scene(37, 23, 3, op.name.length * 31);
    const whole = await untiled(rgb, op.name, params);
    expect([whole.width, whole.height, whole.channels]).toEqual([37, 23, 3]);
    for (let c = 0; c < 3; c++) {
      const plane = createFrame(37, 23, 1, new ArrayBuffer(37 * 23));
      for (let i = 0; i < 37 * 23; i++) plane.data[i] = rgb.data[i * 3 + c]!;
      const out = await untiled(plane, op.name, params);
      let differing = 0;
      for (let i = 0; i < 37 * 23; i++) if (out.data[i] !== whole.data[i * 3 + c]) differing++;
      expect(differing, `channel ${c}`).toBe(0);
    }
  });
});
