/**
 * Throttling of an object after unexpected errors of the framework itself
 * (an API call that kept failing, a malformed record): instead of failing
 * again on every event, the object's processing pauses for a while, longer
 * after each consecutive error (`settings.queueing.errorDelays`, seconds:
 * 1, 1, 2, 3, 5, 8 … 610, the last one repeating), and goes back to normal
 * after a cycle without errors. Events keep arriving meanwhile; the newest
 * is processed after the pause. An empty sequence turns throttling off.
 *
 * The state is a plain value; the engine sleeps and passes the time in.
 */

/** Kopf's default delays, in seconds. */
export const DEFAULT_ERROR_DELAYS: readonly number[] = [1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610];

/** The throttling of one object. */
export interface ThrottleState {
  /** Position in the delays of the next error; undefined while there is no run of errors. */
  readonly nextIndex?: number;
  /** The delay of the last error, repeated once the sequence is used up. */
  readonly lastDelay?: number;
  /** Until when (epoch milliseconds) processing pauses; undefined when it does not. */
  readonly pausedUntilMs?: number;
}

/** An object that had no errors. */
export const NOT_THROTTLED: ThrottleState = Object.freeze({});

/** Milliseconds of pause left at `nowMs` (0 when it has run out); undefined when not paused. */
export function remainingPauseMs(state: ThrottleState, nowMs: number): number | undefined {
  return state.pausedUntilMs === undefined ? undefined : Math.max(0, state.pausedUntilMs - nowMs);
}

/** The state once the pause has been slept through: processing resumes (the run of errors is remembered). */
export function endPause(state: ThrottleState): ThrottleState {
  return { nextIndex: state.nextIndex, lastDelay: state.lastDelay };
}

/**
 * The state after an error at `nowMs`, and the pause (seconds) it starts;
 * no pause when the delays are empty.
 */
export function throttleAfterError(state: ThrottleState, delays: readonly number[], nowMs: number): { state: ThrottleState; delay?: number } {
  const index = state.nextIndex ?? 0;
  const delay = index < delays.length ? delays[index] : state.lastDelay;
  const nextIndex = Math.min(index + 1, delays.length);
  if (delay === undefined) return { state: { ...state, nextIndex } };
  return { state: { nextIndex, lastDelay: delay, pausedUntilMs: nowMs + delay * 1000 }, delay };
}

/** The state after a cycle without errors: the next error starts the delays from the beginning. */
export function throttleAfterSuccess(state: ThrottleState): ThrottleState {
  return state.pausedUntilMs === undefined ? NOT_THROTTLED : { pausedUntilMs: state.pausedUntilMs };
}

/** `Throttling for 1 seconds due to an unexpected error: <error>` (logged as an error, with the stack). */
export function throttlingMessage(delay: number, errorDescription: string): string {
  return `Throttling for ${delay} seconds due to an unexpected error: ${errorDescription}`;
}

/** Logged (info) when a pause ends. */
export const THROTTLING_OVER_MESSAGE = 'Throttling is over. Switching back to normal operations.';
