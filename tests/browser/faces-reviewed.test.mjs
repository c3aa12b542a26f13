// Review before redaction, through the command a user runs: the input folder holds a photo and
// its reviewed `<photo>.faces.json` (one detected face dropped as if it were a false box, one box
// drawn by hand where the detector found nothing). `npm run batch` with Hide faces then hides
// exactly the reviewed boxes: the kept face and the drawn box are filled, the dropped face and
// everything else keep the photo's pixels, and the report says the boxes were reviewed. A
// malformed sidecar fails that photo with a message naming the sidecar; the batch goes on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchCommand, commandSummary, requireBuilt, samplePhoto } from './harness.mjs';
import { rgbPixels, vips } from './fixtures.mjs';
import { SAMPLE1_FACES } from './face-fixtures.mjs';
import { parseJson } from '../../scripts/lib/json.mjs';

/** @type {string} */
let work;
/** The reviewed boxes: sample1's first and third faces kept, the second dropped, one drawn on the wall. */
const KEPT = [SAMPLE1_FACES[0], SAMPLE1_FACES[2]];
const DROPPED = SAMPLE1_FACES[1];
const DRAWN = [900, 40, 160, 120];

before(async () => {
  requireBuilt();
  work = await fs.mkdtemp(join(tmpdir(), 'tessera-reviewed-'));
  const v = await vips();
  const im = v.Image.newFromFile(samplePhoto('sample1.jpg'));
  try {
    await fs.mkdir(join(work, 'in', 'party'), { recursive: true });
    await fs.writeFile(join(work, 'in', 'party', 'group.png'), im.pngsaveBuffer({ compression: 1 }));
    await fs.writeFile(join(work, 'in', 'party', 'other.png'), im.pngsaveBuffer({ compression: 1 }));
    const sidecar = { reviewed: true, width: im.width, height: im.height, faces: [...KEPT, DRAWN].map((box) => ({ box })) };
    await fs.writeFile(join(work, 'in', 'party', 'group.png.faces.json'), JSON.stringify(sidecar));
    await fs.writeFile(
      join(work, 'in', 'party', 'other.png.faces.json'),
      '{"reviewed": true, "width": 10, "height": 10, "faces": [{"box": [1, 2]}]}',
    );
  } finally {
    im.delete();
  }
});

after(async () => {
  if (work) await fs.rm(work, { recursive: true, force: true });
});

test('npm run batch: a reviewed sidecar is hidden exactly, no detection; a malformed one fails its photo by name', async () => {
  const recipe = join(work, 'hide.json');
  const step = { op: 'redact-faces', params: { effect: 'fill', color: '#ff00ff', shape: 'rectangle', feather: 0, margin: 0 } };
  await fs.writeFile(recipe, JSON.stringify({ name: 'Hide', steps: [step], output: { format: 'png' } }));
  const out = join(work, 'out');
  const r = await batchCommand([join(work, 'in'), out, '--recipe', recipe, '--workers', '2', '--no-build']);
  const summary = commandSummary(r.stdout, r.stderr);
  assert.equal(summary.ok, 1, r.stdout + r.stderr);
  assert.equal(summary.failed, 1);
  assert.match(JSON.stringify(summary.errors), /party\/other\.png\.faces\.json: faces\[0\]\.box must be \[x, y, width, height\]/);
  assert.match(r.stdout + r.stderr, /reviewed boxes of party\/group\.png\.faces\.json were used \(3\)/);

  const report = /** @type {import('../../src/core/faces').FacesReport} */ (
    parseJson(await fs.readFile(join(out, 'party', 'group.png.faces.json'), 'utf8'))
  );
  assert.equal(report.reviewed, true);
  assert.deepEqual(
    report.faces.map((f) => f.box),
    [...KEPT, DRAWN],
  );
  const src = await rgbPixels(await fs.readFile(join(work, 'in', 'party', 'group.png')));
  const got = await rgbPixels(await fs.readFile(join(out, 'party', 'group.png')));
  const W = src.width;
  const within = (/** @type {number[]} */ b, /** @type {number} */ x, /** @type {number} */ y) =>
    x >= b[0] && x < b[0] + b[2] && y >= b[1] && y < b[1] + b[3];
  let filled = 0,
    kept = 0,
    droppedKept = 0;
  for (let y = 0; y < src.height; y++)
    for (let x = 0; x < W; x++) {
      const o = (y * W + x) * 3;
      const g = [got.data[o], got.data[o + 1], got.data[o + 2]];
      if ([...KEPT, DRAWN].some((b) => within(b, x, y))) {
        assert.deepEqual(g, [255, 0, 255], `${x},${y} in a reviewed box is not filled`);
        filled++;
      } else {
        assert.deepEqual(g, [src.data[o], src.data[o + 1], src.data[o + 2]], `${x},${y} outside the reviewed boxes changed`);
        kept++;
        if (within(DROPPED, x, y)) droppedKept++;
      }
    }
  const area = [...KEPT, DRAWN].reduce((a, b) => a + b[2] * b[3], 0);
  assert.equal(filled, area);
  assert.equal(droppedKept, DROPPED[2] * DROPPED[3], 'the dropped face is untouched');
  assert.ok(kept > 1_000_000);
});
