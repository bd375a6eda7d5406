import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DaemonStopper } from './daemon-stopper.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('DaemonStopper', () => {
  it('waits until stopped or the time is up', async () => {
    const stopper = new DaemonStopper();
    const timedOut = stopper.wait(5);
    await vi.advanceTimersByTimeAsync(5000);
    await expect(timedOut).resolves.toBe(false);
    const interrupted = stopper.wait(60);
    stopper.stop('resource-deleted');
    await expect(interrupted).resolves.toBe(true);
    expect(stopper.isSet).toBe(true);
    expect(stopper.signal.aborted).toBe(true);
    expect([...stopper.reasons]).toEqual(['resource-deleted']);
    await expect(stopper.wait(60)).resolves.toBe(true);
  });

  it('collects every reason it was stopped for', () => {
    const stopper = new DaemonStopper();
    stopper.stop('filters-mismatch');
    stopper.stop('operator-exiting');
    expect([...stopper.reasons]).toEqual(['filters-mismatch', 'operator-exiting']);
  });
});
