/**
 * Tessera's Pillow-compatible operations against PNGs written by Pillow itself
 * (scripts/goldens/pillow_goldens.py; see tests/goldens/pillow/manifest.json for the Pillow
 * version). Filters are compared away from the border of their radius, where Pillow copies the
 * input and Tessera reflects; tone ops everywhere.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { defaultParams, getOperation, type Params } from '../../src/core/catalogue';
import type { Frame } from '../../src/core/frame';
import { decode } from '../../src/engine/codec';
import { runSteps } from '../../src/engine/run-steps';
import { loadVips, type Vips } from '../../src/engine/vips';

const DIR = join(__dirname, '..', 'goldens', 'pillow');

interface GoldenCase {
  op: string;
  params: Params;
  input: string;
  golden: string;
  note?: string;
}
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as { pillow: string; cases: GoldenCase[] };

/**
 * Allowed difference per channel, by case. Everything is byte-exact except:
 * - sharpen: Tessera keeps its seed definition (exact .5 ties to even), Pillow rounds ties up;
 * - intensity variants: Pillow's Image.blend truncates, Tessera rounds half-to-even.
 */
function tolerance(c: GoldenCase): number {
  if (c.op === 'sharpen') return 1;
  if (c.params.intensity !== undefined) return 1;
  return 0;
}

let vips: Vips;
beforeAll(async () => {
  ({ vips } = await loadVips());
});

const load = (file: string): Frame => decode(vips, new Uint8Array(readFileSync(join(DIR, file))));

interface Comparison {
  max: number;
  differing: number;
  compared: number;
  borderDiffering: number;
  first: string;
}

function compare(got: Frame, want: Frame, border: number): Comparison {
  const { width: w, height: h, channels: ch } = want;
  let max = 0,
    differing = 0,
    compared = 0,
    borderDiffering = 0;
  let first = '';
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const inner = x >= border && y >= border && x < w - border && y < h - border;
      let worst = 0;
      for (let c = 0; c < ch; c++) {
        const a = got.data[y * got.stride + x * ch + c];
        const b = want.data[y * want.stride + x * ch + c];
        const d = Math.abs(a - b);
        if (d > worst) worst = d;
        if (inner && d > max) {
          max = d;
          first ||= `x=${x} y=${y} c=${c}: ${a} vs Pillow ${b}`;
        }
      }
      if (inner) {
        compared++;
        if (worst) differing++;
      } else if (worst) borderDiffering++;
    }
  return { max, differing, compared, borderDiffering, first };
}

describe(`goldens from Pillow ${manifest.pillow}`, () => {
  test('the manifest covers every Pillow-compatible op', () => {
    const ops = new Set(manifest.cases.map((c) => c.op));
    for (const op of [
      'blur',
      'sharpen',
      'edge-enhance',
      'edge-enhance-more',
      'smooth',
      'smooth-more',
      'emboss',
      'contour',
      'detail',
      'find-edges',
      'contrast',
      'saturation',
      'invert',
      'threshold',
    ])
      expect(ops.has(op), op).toBe(true);
  });

  test.each(manifest.cases.map((c) => [c.golden, c] as const))('%s', async (_name, c) => {
    const spec = getOperation(c.op)!;
    const params = { ...defaultParams(spec), ...c.params };
    const input = load(`inputs/${c.input}.png`);
    const want = load(c.golden);
    const { frame: got } = await runSteps(input, [{ op: c.op, params }]);
    expect([got.width, got.height, got.channels]).toEqual([want.width, want.height, want.channels]);
    const border = spec.category === 'filter' ? spec.halo(params) : 0;
    const r = compare(got, want, border);
    const tol = tolerance(c);
    const msg =
      `${c.golden}: max diff ${r.max} (allowed ${tol}), ${r.differing} of ${r.compared} pixels differ inside a ${border}-px border` +
      (r.first ? `; first worst at ${r.first}` : '') +
      ` (${r.borderDiffering} border pixels differ: Pillow copies its border)`;
    if (process.env.GOLDEN_REPORT) console.log(msg);
    expect(r.max, msg).toBeLessThanOrEqual(tol);
  });
});
