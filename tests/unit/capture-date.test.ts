/** {date} in naming templates: the photo's EXIF capture time, else the file's modified date. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { captureDate } from '../../src/jobs/batch/capture-date';

const sample = (name: string) => readFileSync(join(__dirname, '../../.tmp/face-samples', name));

test('EXIF DateTimeOriginal, as the wall-clock time the camera wrote', async () => {
  const ms = await captureDate(new File([sample('sample1.jpg')], 'sample1.jpg', { lastModified: 0 }));
  const d = new Date(ms!);
  expect([d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()]).toEqual([
    2017, 10, 31, 20, 16, 18,
  ]);
});

test("no EXIF: the file's modified date; nothing at all: undefined", async () => {
  const when = new Date(2020, 0, 2, 3, 4, 5).getTime();
  expect(await captureDate(new File([new Uint8Array([137, 80, 78, 71, 1, 2, 3])], 'x.png', { lastModified: when }))).toBe(when);
  expect(await captureDate(new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xd9])]))).toBeUndefined();
});
