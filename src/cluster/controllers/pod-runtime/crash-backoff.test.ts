import { describe, expect, it } from 'vitest';
import { TimeScale } from '../time-scale.ts';
import { CrashBackOff } from './crash-backoff.ts';

/** A back-off on a clock the test moves, in simulated seconds (scale 1). */
function setUp() {
  let now = new Date('2026-01-01T00:00:00Z');
  const time = new TimeScale(1, () => now);
  const advance = (seconds: number) => (now = new Date(now.getTime() + seconds * 1000));
  return { backOff: new CrashBackOff(time), advance, now: () => now };
}

describe('CrashBackOff', () => {
  it('restarts at once after the first crash, then waits 10 s, doubling up to 300 s', () => {
    const { backOff, advance, now } = setUp();
    expect(backOff.waiting('c', now())).toBe(false);
    backOff.restarted('c', now());
    expect(backOff.current('c')).toBe(10);
    const seen: number[] = [];
    for (let crash = 0; crash < 7; crash++) {
      advance(5);
      const finished = now();
      expect(backOff.waiting('c', finished)).toBe(true);
      seen.push(backOff.current('c'));
      expect(backOff.endsAt('c', finished).getTime() - finished.getTime()).toBe(backOff.current('c') * 1000);
      advance(backOff.current('c'));
      expect(backOff.waiting('c', finished)).toBe(false);
      backOff.restarted('c', finished);
    }
    expect(seen).toEqual([10, 20, 40, 80, 160, 300, 300]);
  });

  it('starts over once a container ran for more than 10 minutes', () => {
    const { backOff, advance, now } = setUp();
    backOff.restarted('c', now());
    advance(5);
    backOff.restarted('c', now());
    expect(backOff.current('c')).toBe(20);
    advance(601);
    expect(backOff.waiting('c', now())).toBe(false);
    backOff.restarted('c', now());
    expect(backOff.current('c')).toBe(10);
  });

  it('keeps containers apart and forgets a pod', () => {
    const { backOff, now } = setUp();
    backOff.restarted('pod-1/a', now());
    backOff.restarted('pod-2/a', now());
    backOff.forget('pod-1/');
    expect(backOff.current('pod-1/a')).toBe(0);
    expect(backOff.current('pod-2/a')).toBe(10);
  });
});
