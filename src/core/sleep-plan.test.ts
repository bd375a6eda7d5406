import { describe, expect, it } from 'vitest';
import { MAX_SLEEP_SECONDS, planSleep, sleepInterruptedMessage } from './sleep-plan.ts';

describe('planSleep', () => {
  it('finishes the cycle when nothing was patched and nothing waits', () => {
    expect(planSleep({ delays: [], patched: false })).toEqual({ kind: 'finished' });
  });

  it('relies on the patch’s event when something was patched and nothing waits', () => {
    expect(planSleep({ delays: [], patched: true })).toEqual({ kind: 'patched' });
  });

  it('skips sleeping after a patch, saying how long the wait would be', () => {
    expect(planSleep({ delays: [30, 10], patched: true })).toEqual({ kind: 'patched', message: 'Sleeping was skipped because of the patch, 10 seconds left.' });
  });

  it('neither sleeps nor touches after a patch when a handler is due at once', () => {
    expect(planSleep({ delays: [0, 5], patched: true })).toEqual({ kind: 'patched' });
  });

  it('sleeps until the first handler is due, then touches', () => {
    expect(planSleep({ delays: [30, 10.5], patched: false })).toEqual({ kind: 'sleep', seconds: 10.5, message: 'Sleeping for 10.5 seconds for the delayed handlers.' });
  });

  it('touches at once when a handler is due now and nothing was patched', () => {
    expect(planSleep({ delays: [0], patched: false })).toEqual({ kind: 'sleep', seconds: 0 });
  });

  it('caps long sleeps at ten minutes', () => {
    expect(planSleep({ delays: [3600], patched: false })).toEqual({
      kind: 'sleep', seconds: MAX_SLEEP_SECONDS, message: 'Sleeping for 3600 (capped 600) seconds for the delayed handlers.',
    });
    expect(planSleep({ delays: [600], patched: false })).toMatchObject({ seconds: 600, message: 'Sleeping for 600 seconds for the delayed handlers.' });
  });
});

describe('sleepInterruptedMessage', () => {
  it('words the line as Kopf does', () => {
    expect(sleepInterruptedMessage(4.5)).toBe('Sleeping was interrupted by new changes, 4.5 seconds left.');
  });
});
