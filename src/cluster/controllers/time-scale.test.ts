import { describe, expect, it } from 'vitest';
import { TimeScale } from './time-scale.ts';

describe('TimeScale', () => {
  it('converts simulated seconds to real time and back', () => {
    const now = new Date('2026-01-01T00:00:10Z');
    const time = new TimeScale(0.01, () => now);
    expect(time.realMs(10)).toBe(100);
    expect(time.secondsSince(new Date('2026-01-01T00:00:09Z'))).toBe(100);
    expect(time.later(now, 300).toISOString()).toBe('2026-01-01T00:00:13.000Z');
    expect(time.secondsUntil(new Date('2026-01-01T00:00:11Z'))).toBe(100);
  });

  it('runs timers after the scaled duration, and not at all once stopped or cancelled', async () => {
    const time = new TimeScale(0.01, () => new Date());
    const fired: string[] = [];
    const started = Date.now();
    await new Promise<void>((resolve) => time.after(5, () => resolve()));
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    const cancel = time.after(1, () => fired.push('cancelled'));
    cancel();
    time.after(1, () => fired.push('stopped'));
    time.stop();
    time.after(0, () => fired.push('after stop'));
    await new Promise((r) => setTimeout(r, 50));
    expect(fired).toEqual([]);
  });

  it('refuses a factor that is not positive', () => {
    expect(() => new TimeScale(0, () => new Date())).toThrow('the time scale must be a positive number, not 0');
    expect(() => new TimeScale(Number.NaN, () => new Date())).toThrow();
  });
});
