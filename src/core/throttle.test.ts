import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ERROR_DELAYS, endPause, NOT_THROTTLED, remainingPauseMs, throttleAfterError, throttleAfterSuccess, THROTTLING_OVER_MESSAGE,
  throttlingMessage, type ThrottleState,
} from './throttle.ts';

function errors(count: number, delays: readonly number[], start: ThrottleState = NOT_THROTTLED): Array<number | undefined> {
  const seen: Array<number | undefined> = [];
  let state = start;
  for (let i = 0; i < count; i++) {
    const next = throttleAfterError(state, delays, 0);
    seen.push(next.delay);
    state = endPause(next.state);
  }
  return seen;
}

describe('throttling', () => {
  it('is not paused without errors', () => {
    expect(remainingPauseMs(NOT_THROTTLED, 0)).toBeUndefined();
  });

  it('pauses for Kopf’s delays on consecutive errors, repeating the last one', () => {
    expect(errors(17, DEFAULT_ERROR_DELAYS)).toEqual([1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 610, 610]);
  });

  it('never pauses with empty delays', () => {
    expect(errors(3, [])).toEqual([undefined, undefined, undefined]);
    expect(throttleAfterError(NOT_THROTTLED, [], 0).state.pausedUntilMs).toBeUndefined();
  });

  it('counts the pause from the error', () => {
    const { state } = throttleAfterError(NOT_THROTTLED, [2, 5], 10_000);
    expect(state.pausedUntilMs).toBe(12_000);
    expect(remainingPauseMs(state, 10_500)).toBe(1500);
    expect(remainingPauseMs(state, 13_000)).toBe(0);
  });

  it('resumes processing after the pause but keeps counting the run of errors', () => {
    const first = throttleAfterError(NOT_THROTTLED, [2, 5], 0).state;
    const resumed = endPause(first);
    expect(remainingPauseMs(resumed, 0)).toBeUndefined();
    expect(throttleAfterError(resumed, [2, 5], 0).delay).toBe(5);
  });

  it('starts over after a success', () => {
    const after = endPause(throttleAfterError(endPause(throttleAfterError(NOT_THROTTLED, [2, 5, 8], 0).state), [2, 5, 8], 0).state);
    expect(throttleAfterSuccess(after)).toEqual(NOT_THROTTLED);
    expect(throttleAfterError(throttleAfterSuccess(after), [2, 5, 8], 0).delay).toBe(2);
  });

  it('keeps a running pause through a success', () => {
    const paused = throttleAfterError(NOT_THROTTLED, [2], 0).state;
    expect(throttleAfterSuccess(paused)).toEqual({ pausedUntilMs: 2000 });
  });

  it('words its log lines as Kopf does', () => {
    expect(throttlingMessage(1, "Error('boom')")).toBe("Throttling for 1 seconds due to an unexpected error: Error('boom')");
    expect(THROTTLING_OVER_MESSAGE).toBe('Throttling is over. Switching back to normal operations.');
  });
});
