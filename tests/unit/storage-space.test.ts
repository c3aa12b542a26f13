import { expect, test } from 'vitest';
import { LOW_FREE_BYTES, LOW_FREE_FRACTION, freeBytes, isLowOnSpace, sizeLabel, storageLabel } from '../../src/core/storage-space';

const GB = 2 ** 30;
const MB = 2 ** 20;

test('free space is the quota less the usage, never negative; unknown without a quota', () => {
  expect(freeBytes({ usage: 3 * GB, quota: 10 * GB })).toBe(7 * GB);
  expect(freeBytes({ quota: 10 * GB })).toBe(10 * GB);
  expect(freeBytes({ usage: 12 * GB, quota: 10 * GB })).toBe(0);
  for (const quota of [undefined, 0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(freeBytes({ usage: 1, quota })).toBeUndefined();
});

test('low: under 2 GB free, or under 10 % of the quota', () => {
  expect(LOW_FREE_BYTES).toBe(2 * GB);
  expect(LOW_FREE_FRACTION).toBe(0.1);
  // Large quota: the share decides (over 2 GB free, yet under 10 %).
  expect(isLowOnSpace({ usage: 88 * GB, quota: 100 * GB })).toBe(false); // 12 GB = 12 % free
  expect(isLowOnSpace({ usage: 91 * GB, quota: 100 * GB })).toBe(true); // 9 GB = 9 % free
  // Small quota: the 2 GB floor decides (over 10 % free, yet under 2 GB).
  expect(isLowOnSpace({ usage: 13.4 * GB, quota: 15 * GB })).toBe(true); // 1.6 GB = 10.7 % free
  expect(isLowOnSpace({ usage: 0, quota: 1.5 * GB })).toBe(true); // all of it free, still under 2 GB
  // Exactly at the edges is not low.
  expect(isLowOnSpace({ usage: 18 * GB, quota: 20 * GB })).toBe(false); // 2 GB and 10 %
  expect(isLowOnSpace({ usage: 18 * GB + 1, quota: 20 * GB })).toBe(true);
  // No quota known: nothing to say.
  expect(isLowOnSpace({ usage: 5 * GB })).toBe(false);
  expect(isLowOnSpace({})).toBe(false);
});

test('sizes in words: GB with a tenth below 10 GB, whole from 10 GB, MB below 1 GB', () => {
  expect(sizeLabel(1.2 * GB)).toBe('1.2 GB');
  expect(sizeLabel(1 * GB)).toBe('1.0 GB');
  expect(sizeLabel(9.96 * GB)).toBe('10 GB');
  expect(sizeLabel(10 * GB)).toBe('10 GB');
  expect(sizeLabel(153.4 * GB)).toBe('153 GB');
  expect(sizeLabel(850 * MB)).toBe('850 MB');
  expect(sizeLabel(0)).toBe('0 MB');
});

test('the note: "Browser storage: 1.2 GB free of 10 GB"', () => {
  expect(storageLabel({ usage: 8.8 * GB, quota: 10 * GB })).toBe('Browser storage: 1.2 GB free of 10 GB');
  expect(storageLabel({ usage: 10 * GB, quota: 10 * GB })).toBe('Browser storage: 0 MB free of 10 GB');
  expect(storageLabel({ usage: 1 })).toBeUndefined();
});
