/**
 * core/output-geometry.ts: the output size the batch writes, from the recipe and the source's
 * size and orientation — exact numbers, and the real engine run beside it for every geometry step
 * so the two cannot drift apart.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { createFrame } from '../../src/core/frame';
import { apply } from '../../src/core/geometry';
import { orientedSteps, outputGeometry, rotatedSize } from '../../src/core/output-geometry';
import { PRESETS } from '../../src/core/presets';
import { resolveSteps, type ResolvedStep } from '../../src/core/recipe';
import { runSteps } from '../../src/engine/run-steps';
import { loadVips } from '../../src/engine/vips';
import { step } from './helpers';

beforeAll(async () => {
  await loadVips();
});

const size = (steps: ResolvedStep[], w: number, h: number, orientation = 1) => {
  const g = outputGeometry(steps, { width: w, height: h, orientation });
  return `${g.width}×${g.height}`;
};

describe('outputGeometry', () => {
  test('Web export of a 4224×3168 photo at width 1200 is 1200×900 (not a scaled copy)', () => {
    const steps = resolveSteps({ name: 'x', steps: [{ op: 'auto-orient' }, { op: 'resize', params: { mode: 'width', width: 1200 } }] });
    expect(size(steps, 4224, 3168)).toBe('1200×900');
    // The preset itself: 2048 on the long side.
    expect(size(resolveSteps(PRESETS['web-export']), 4224, 3168)).toBe('2048×1536');
    // Stored sideways (orientation 6): upright first, so the long side is the height.
    expect(size(resolveSteps(PRESETS['web-export']), 4224, 3168, 6)).toBe('1536×2048');
  });

  test('thumbnails fit the square, never enlarge', () => {
    const thumbs = resolveSteps(PRESETS.thumbnails);
    expect(size(thumbs, 4224, 3168)).toBe('256×192');
    expect(size(thumbs, 3168, 4224)).toBe('192×256');
    expect(size(thumbs, 200, 100)).toBe('200×100');
    expect(size(thumbs, 4224, 3168, 8)).toBe('192×256');
  });

  test('local steps keep the size; orientation turns only when asked', () => {
    expect(size([step('gaussian-blur'), step('sobel')], 6000, 4000, 6)).toBe('6000×4000');
    expect(size([step('auto-orient'), step('sharpen')], 6000, 4000, 6)).toBe('4000×6000');
    expect(size([step('auto-orient')], 6000, 4000, 3)).toBe('6000×4000');
    expect(outputGeometry([step('gaussian-blur')], { width: 10, height: 20, orientation: 6 }).orientation).toBe(6);
  });

  test('fill crops the centre; crop box is clamped; attention has a size but no known place', () => {
    expect(size([step('resize', { mode: 'fill', width: 500, height: 500 })], 4000, 3000)).toBe('500×500');
    const fill = outputGeometry([step('resize', { mode: 'fill', width: 500, height: 500 })], { width: 4000, height: 3000 });
    // Scale 1/6, then the centre: output (0, 0) is source (500, 0) (scaled 667×500, offset 83).
    expect(apply(fill.toInput!, 0, 0).map((v) => Math.round(v))).toEqual([498, 0]);
    expect(size([step('crop', { mode: 'box', x: 100, y: 50, width: 5000, height: 20 })], 400, 300)).toBe('300×20');
    const att = outputGeometry([step('crop', { mode: 'attention', width: 100, height: 80 })], { width: 400, height: 300 });
    expect([att.width, att.height, att.toInput]).toEqual([100, 80, undefined]);
  });

  test('rotate: quarter turns swap, other angles the rounded bounding box, expand off keeps the canvas', () => {
    expect(rotatedSize(400, 300, 90)).toEqual({ width: 300, height: 400 });
    expect(rotatedSize(400, 300, -180)).toEqual({ width: 400, height: 300 });
    expect(rotatedSize(400, 300, 10)).toEqual({ width: 446, height: 365 });
    expect(rotatedSize(400, 300, 45)).toEqual({ width: 495, height: 495 });
    expect(size([step('rotate', { angle: 30, expand: false })], 400, 300)).toBe('400×300');
  });

  // The engine is the truth: every geometry step, awkward sizes and angles, both agree.
  const chains: [string, ResolvedStep[]][] = [
    ['resize fit', [step('resize', { mode: 'fit', width: 77, height: 50 })]],
    ['resize fill', [step('resize', { mode: 'fill', width: 61, height: 61 })]],
    ['resize width, enlarge', [step('resize', { mode: 'width', width: 333, enlarge: true })]],
    ['resize height', [step('resize', { mode: 'height', height: 41 })]],
    ['resize percent', [step('resize', { mode: 'percent', percent: 37 })]],
    ['thumbnail', [step('thumbnail', { size: 64 })]],
    ['crop box', [step('crop', { mode: 'box', x: 2, y: 7, width: 400, height: 40 })]],
    ['crop centre', [step('crop', { mode: 'centre', width: 51, height: 999 })]],
    ['crop attention', [step('crop', { mode: 'attention', width: 40, height: 33 })]],
    ['flip', [step('flip', { direction: 'both' })]],
    ...[1, 10, 30, 33.3, 45, 89.9, 90, 135, 200, -17, 270, 359.5].map(
      (angle) => [`rotate ${angle}°`, [step('rotate', { angle })]] as [string, ResolvedStep[]],
    ),
    ['rotate 20° no expand', [step('rotate', { angle: 20, expand: false })]],
    [
      'a chain',
      [step('rotate', { angle: 12 }), step('resize', { mode: 'fit', width: 90, height: 90 }), step('crop', { width: 50, height: 70 })],
    ],
  ];
  test.each(chains)('%s: the size the engine makes', async (_name, steps) => {
    for (const [w, h] of [
      [97, 61],
      [160, 120],
      [3, 200],
    ]) {
      const f = createFrame(w, h, 3, new ArrayBuffer(w * h * 3));
      f.data.fill(128);
      const { frame } = await runSteps(f, steps);
      expect(size(steps, w, h), `${w}×${h}`).toBe(`${frame.width}×${frame.height}`);
    }
  });
});

describe('orientedSteps', () => {
  const steps = [step('sharpen')];
  test('upright puts Turn upright first, once; keep leaves the recipe as written', () => {
    expect(orientedSteps(steps, 'upright').map((s) => s.op)).toEqual(['auto-orient', 'sharpen']);
    expect(orientedSteps([step('auto-orient'), ...steps], 'upright').map((s) => s.op)).toEqual(['auto-orient', 'sharpen']);
    expect(orientedSteps(steps, 'keep').map((s) => s.op)).toEqual(['sharpen']);
  });
});
