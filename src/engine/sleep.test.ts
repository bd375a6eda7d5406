import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sleep } from './sleep.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('sleep', () => {
  it('resolves undefined after sleeping in full', async () => {
    const slept = sleep(2);
    await vi.advanceTimersByTimeAsync(2000);
    await expect(slept).resolves.toBeUndefined();
  });

  it('resolves the seconds left when woken up', async () => {
    let wake!: () => void;
    const slept = sleep(10, { wakeup: new Promise<void>((resolve) => (wake = resolve)) });
    await vi.advanceTimersByTimeAsync(4000);
    wake();
    await expect(slept).resolves.toBeCloseTo(6);
  });

  it('ends at once when the signal aborts', async () => {
    const stop = new AbortController();
    const slept = sleep(10, { signal: stop.signal });
    stop.abort();
    await expect(slept).resolves.toBe(10);
    await expect(sleep(5, { signal: stop.signal })).resolves.toBe(5);
  });

  it('does not sleep for zero or negative seconds', async () => {
    await expect(sleep(0)).resolves.toBeUndefined();
    await expect(sleep(-1)).resolves.toBeUndefined();
  });
});
