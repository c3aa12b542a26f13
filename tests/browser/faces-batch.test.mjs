// Faces in a batch, in the built app: a 4000×3000 group photo (sample1 pasted four times at 40 %,
// so its faces are ~80 px) through `detect-faces`. With two workers the small-face passes of that
// one photo are shared by both workers, and the `group.jpg.faces.json` written beside the output is the
// same as with one worker; the faces are where they were pasted; a resize before the face step
// does not move the reported boxes (they are in the input's pixels).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { samplePhoto, startApp } from './harness.mjs';
import { iou, makeGroupPhoto } from './face-fixtures.mjs';

/** @type {import('./harness.mjs').App} */
let app;
/** @type {import('./face-fixtures.mjs').Box[]} */
let EXPECTED;
before(async () => {
  const photo = samplePhoto('sample1.jpg');
  app = await startApp();
  EXPECTED = await makeGroupPhoto(app.page, { image: photo });
});
after(async () => app?.close());

/**
 * Runs one batch of the group photo in the page; returns the faces report, per-worker tasks and time.
 * @param {import('../../src/core/recipe').RecipeStep[]} steps
 * @param {number} workers
 */
function batch(steps, workers) {
  return app.page.evaluate(
    async ({ steps, workers }) => {
      const t = window.tessera;
      const photo = window.groupPhoto;
      if (!photo) throw new Error('no group photo in the page');
      const pool = t.createEnginePool(workers);
      try {
        // Warm: every worker has OpenCV and the net loaded, so the timing below is the detection.
        await t.runBatch({
          input: [{ path: 'warm.jpg', file: () => Promise.resolve(photo) }],
          output: new t.MemorySink(),
          recipe: { name: 'w', steps: [{ op: 'detect-faces' }] },
          pool,
          splitFaces: true,
        });
        const before = pool.metrics().workers.map((w) => w.tasks);
        const sink = new t.MemorySink();
        const t0 = performance.now();
        const s = await t.runBatch({
          input: [{ path: 'party/group.jpg', file: () => Promise.resolve(photo) }],
          output: sink,
          recipe: { name: 'faces', steps },
          pool,
        });
        const ms = performance.now() - t0;
        const tasks = pool.metrics().workers.map((w, i) => w.tasks - before[i]);
        const json = sink.files.get('party/group.jpg.faces.json');
        /** @type {unknown} */
        const parsed = json && JSON.parse(new TextDecoder().decode(json));
        const report = /** @type {import('../../src/core/faces').FacesReport | undefined} */ (parsed);
        return { ok: s.ok, errors: s.errors, ms, tasks, report, files: [...sink.files.keys()].sort() };
      } finally {
        pool.dispose();
      }
    },
    { steps, workers },
  );
}

describe('small faces of one large photo, shared by the workers', () => {
  /** @type {Awaited<ReturnType<typeof batch>>} */
  let one, two;
  test('one worker: every pasted face found, no others', async () => {
    one = await batch([{ op: 'detect-faces' }], 1);
    assert.equal(one.ok, 1, JSON.stringify(one.errors));
    assert.deepEqual(one.files, ['faces.csv', 'party/group.jpg.faces.json', 'party/group.png']);
    assert.ok(one.report);
    assert.deepEqual([one.report.width, one.report.height], [4000, 3000]);
    const boxes = one.report.faces.map((f) => f.box);
    const found = EXPECTED.filter((e) => boxes.some((b) => iou(b, e) >= 0.4)).length;
    const extra = boxes.filter((b) => !EXPECTED.some((e) => iou(b, e) >= 0.4));
    console.log(
      `# 4000×3000, 12 faces of ~80 px: found ${found}/12, ${extra.length} false; 1 worker ${one.ms.toFixed(0)} ms (tasks ${one.tasks.join(',')})`,
    );
    assert.equal(found, EXPECTED.length);
    assert.deepEqual(extra, []);
  });

  test('two workers: both take passes of the one photo, and the report is identical', async () => {
    two = await batch([{ op: 'detect-faces' }], 2);
    assert.equal(two.ok, 1, JSON.stringify(two.errors));
    console.log(`# 2 workers ${two.ms.toFixed(0)} ms (tasks per worker ${two.tasks.join(',')}) vs 1 worker ${one.ms.toFixed(0)} ms`);
    // The photo's own task, its shares of passes (8 with 2 workers), the candidates' second look, and the resume: both workers worked on it.
    assert.equal(
      two.tasks.reduce((a, b) => a + b, 0),
      1 + 8 + 1 + 1,
    );
    for (const n of two.tasks) assert.ok(n >= 2, `each worker ran passes of the photo: ${two.tasks.join(',')}`);
    assert.deepEqual(two.report, one.report);
  });

  test("a resize before the face step: boxes still in the input photo's pixels", async () => {
    const r = await batch([{ op: 'resize', params: { mode: 'percent', percent: 75 } }, { op: 'detect-faces' }], 2);
    assert.equal(r.ok, 1, JSON.stringify(r.errors));
    assert.ok(r.report);
    assert.deepEqual([r.report.width, r.report.height], [4000, 3000]);
    assert.deepEqual([r.report.frame?.width, r.report.frame?.height], [3000, 2250]);
    const boxes = r.report.faces.map((f) => f.box);
    const found = EXPECTED.filter((e) => boxes.some((b) => iou(b, e) >= 0.4)).length;
    console.log(`# after resize 75 %: found ${found}/12 in input pixels`);
    assert.ok(found >= 10, `faces found where they are in the input: ${found}/12`);
    assert.ok(
      boxes.every((b) => EXPECTED.some((e) => iou(b, e) >= 0.4)),
      `no box elsewhere: ${JSON.stringify(boxes)}`,
    );
  });

  test('no page errors', () => assert.deepEqual(app.errors, []));
});
