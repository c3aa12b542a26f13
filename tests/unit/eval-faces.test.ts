/**
 * `npm run eval-faces -- <folder>` (scripts/eval-faces.mjs): precision, recall and AP of each
 * detector on any folder with a truth.json. Run as a user would, on two sample photos with the
 * hand-drawn boxes of faces-samples.test.ts; and the scoring itself on hand-made cases.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { evaluate, sampleTruth } from '../../scripts/eval-faces.mjs';

/** The command's last line: the JSON of its results, one per detector. */
interface EvalOutput {
  results: (ReturnType<typeof evaluate> & { detector: string; msPerImage: number })[];
}

const dir = mkdtempSync(join(tmpdir(), 'tessera-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]) {
  return spawnSync(process.execPath, ['scripts/eval-faces.mjs', ...args], { encoding: 'utf8', timeout: 240_000 });
}

test('scores by hand: a match, a false box, a miss, ranked by score', () => {
  const truth = {
    'a.jpg': [
      [0, 0, 10, 10],
      [50, 50, 10, 10],
    ],
  };
  const found = {
    'a.jpg': [
      { box: [1, 1, 10, 10], score: 0.9 },
      { box: [30, 30, 10, 10], score: 0.8 },
      { box: [49, 50, 10, 10], score: 0.3 },
    ],
  };
  const r = evaluate(found, truth, { iouThr: 0.5, minScore: 0.5 });
  expect(r).toMatchObject({ truth: 2, detections: 2, tp: 1, fp: 1, precision: 0.5, recall: 0.5 });
  // PR points: (0.5, 1), (0.5, 0.5), (1, 2/3) → AP = 0.5·1 + 0.5·(2/3).
  expect(r.ap).toBeCloseTo(0.5 + 0.5 * (2 / 3), 10);
});

test('the command on two sample photos: BlazeFace finds every face, Haar fewer', () => {
  const all = sampleTruth();
  const truth = { 'sample2.jpg': all['sample2.jpg'], 'sample3.jpg': all['sample3.jpg'] };
  for (const f of Object.keys(truth)) copyFileSync(join('.tmp/face-samples', f), join(dir, f));
  writeFileSync(join(dir, 'truth.json'), JSON.stringify(truth));
  const r = run(dir, '--detector', 'blazeface,haar', '--iou', '0.4');
  expect(r.status, r.stderr).toBe(0);
  console.log(
    r.stdout
      .split('\n')
      .filter((l) => l.startsWith('|') || /images/.test(l))
      .join('\n'),
  );
  const json = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as EvalOutput;
  const [blaze, haar] = json.results;
  expect(blaze.truth).toBe(truth['sample2.jpg'].length + truth['sample3.jpg'].length);
  expect([blaze.detector, blaze.precision, blaze.recall]).toEqual(['blazeface', 1, 1]);
  expect(blaze.ap).toBeGreaterThan(0.9);
  expect(haar.detector).toBe('haar');
  expect(haar.recall).toBeLessThan(1);
});

test('a folder without truth.json: a clear message and a failing exit', () => {
  const empty = mkdtempSync(join(tmpdir(), 'tessera-eval-empty-'));
  try {
    const r = run(empty);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${join(empty, 'truth.json')} is missing`);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});
