import { describe, expect, it } from 'vitest';
import { backoffDelay, checkBackoffSettings, defaultBackoff, delayHonouring } from './backoff.ts';

const exact = { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0 };

describe('backoffDelay', () => {
  it('grows exponentially from the initial delay up to the maximum', () => {
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffDelay(a, exact))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('takes up to the jitter fraction off each delay, never more', () => {
    const settings = { ...exact, jitter: 0.5 };
    expect(backoffDelay(2, settings, () => 0)).toBe(400);
    expect(backoffDelay(2, settings, () => 0.5)).toBe(300);
    expect(backoffDelay(2, settings, () => 0.999999)).toBeGreaterThan(200);
  });

  it('with full jitter can wait anything from zero to the curve', () => {
    const settings = { ...exact, jitter: 1 };
    expect(backoffDelay(1, settings, () => 0.75)).toBe(50);
  });

  it('spreads the delays of clients that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(3, defaultBackoff)));
    expect(delays.size).toBeGreaterThan(40);
    for (const d of delays) {
      expect(d).toBeGreaterThan(2000);
      expect(d).toBeLessThanOrEqual(4000);
    }
  });

  it('rejects attempts that are not counts', () => {
    expect(() => backoffDelay(-1)).toThrow(/non-negative integer/);
    expect(() => backoffDelay(1.5)).toThrow(/non-negative integer/);
  });
});

describe('delayHonouring', () => {
  it('waits for the longer of the backoff and the server-given delay', () => {
    expect(delayHonouring(500, 2000)).toBe(2000);
    expect(delayHonouring(500, 100)).toBe(500);
    expect(delayHonouring(500, undefined)).toBe(500);
  });
});

describe('checkBackoffSettings', () => {
  it('accepts sane settings and names the first wrong field otherwise', () => {
    expect(checkBackoffSettings(exact)).toBe(exact);
    expect(() => checkBackoffSettings({ ...exact, initialMs: -1 })).toThrow(/initialMs/);
    expect(() => checkBackoffSettings({ ...exact, maxMs: 10 })).toThrow(/maxMs/);
    expect(() => checkBackoffSettings({ ...exact, factor: 0.5 })).toThrow(/factor/);
    expect(() => checkBackoffSettings({ ...exact, jitter: 2 })).toThrow(/jitter/);
  });
});
