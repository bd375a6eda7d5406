import { describe, expect, it } from 'vitest';
import { mebibytes, median, medianOf, millisBetween, millisPerName, percentile } from './stats.ts';

describe('percentile', () => {
  it('is the nearest-rank percentile, whatever the order of the samples', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 100)).toBe(100);
    expect(percentile(samples, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
    expect(samples[0]).toBe(100); // the samples are left as they were
  });

  it('is NaN without samples', () => {
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('units', () => {
  it('converts hrtime nanoseconds to milliseconds and bytes to MiB', () => {
    expect(millisBetween(1_000_000n, 3_500_000n)).toBe(2.5);
    expect(millisBetween(3_500_000n, 1_000_000n)).toBe(-2.5);
    expect(mebibytes(3 * 1024 * 1024)).toBe(3);
  });
});

describe('millisPerName', () => {
  it('gives the span of each name found in both maps, in the order of the names', () => {
    const from = new Map([['a', 1_000_000n], ['b', 2_000_000n], ['c', 3_000_000n]]);
    const to = new Map([['c', 4_000_000n], ['a', 1_500_000n]]);
    expect(millisPerName(['a', 'b', 'c'], from, to)).toEqual([0.5, 1]);
  });
});

describe('medianOf', () => {
  it('takes the median of every number of the rounds, nested ones too, and the rest from the first round', () => {
    const rounds = [
      { wall: 3, writes: { total: 20 }, label: 'first' },
      { wall: 1, writes: { total: 30 }, label: 'second' },
      { wall: 2, writes: { total: 10 }, label: 'third' },
    ];
    expect(medianOf(rounds)).toEqual({ wall: 2, writes: { total: 20 }, label: 'first' });
    expect(medianOf([{ wall: 5 }])).toEqual({ wall: 5 });
    expect(median([4, 1, 3, 2])).toBe(2);
  });
});
