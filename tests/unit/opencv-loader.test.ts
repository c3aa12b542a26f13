import { expect, test } from 'vitest';
import { cvMessage, loadOpenCV } from '../../src/engine/opencv';

test('OpenCV.js loads through the wrapper (the bare import never settles) and frees its Mats', async () => {
  const { cv, ms } = await loadOpenCV();
  expect(ms).toBeGreaterThan(0);
  expect((cv as unknown as { then?: unknown }).then).toBeUndefined();
  const again = await loadOpenCV();
  expect(again.cv).toBe(cv);
  const m = new cv.Mat(4, 4, cv.CV_8UC1, new cv.Scalar(7));
  try {
    expect(m.data[15]).toBe(7);
    let msg = '';
    try {
      cv.cvtColor(m, m, cv.COLOR_RGBA2GRAY);
    } catch (e) {
      msg = cvMessage(cv, e);
    }
    expect(msg).toMatch(/scn|channels|Invalid/i);
  } finally {
    m.delete();
  }
}, 60_000);
