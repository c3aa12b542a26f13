import { describe, expect, test } from 'vitest';
import { SlidingWindow, percentile } from '../../src/jobs/camera-stats';

describe('camera stats', () => {
  test('nearest-rank percentiles', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(v, 50)).toBe(50);
    expect(percentile(v, 95)).toBe(95);
    expect(percentile(v, 100)).toBe(100);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBe(0);
  });

  test('the window forgets old samples; rates use the shorter of window and run time', () => {
    const w = new SlidingWindow(1000);
    for (let t = 0; t < 2000; t += 100) w.push(t, t);
    expect(w.count(1950)).toBe(10); // 1000…1900
    expect(w.sortedValues(1950)[0]).toBe(1000);
    expect(w.rate(1950, 0)).toBeCloseTo(10);
    const fresh = new SlidingWindow(5000);
    for (let t = 0; t < 500; t += 50) fresh.push(t);
    expect(fresh.rate(500, 0)).toBeCloseTo(20); // 10 events in 0.5 s, not in 5 s
    fresh.clear();
    expect(fresh.count(500)).toBe(0);
  });
});
