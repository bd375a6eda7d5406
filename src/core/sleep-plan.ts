/**
 * What an object's worker does after a cycle's patch when handlers are
 * waiting for a retry: sleep until the first of them is due, then "touch" the
 * object (set the progress storage's touch key to a fresh value) so the API
 * server sends an event that starts the next cycle. A patch sent in this
 * cycle brings its own event, so then there is no sleep; an event arriving
 * during the sleep cuts it short. Long sleeps are capped at ten minutes, so
 * the object is looked at regularly even with far-off retries.
 */

/** The longest sleep, in seconds; a longer delay is slept in several rounds. */
export const MAX_SLEEP_SECONDS = 600;

/** What to do after a cycle. */
export type SleepPlan =
  /** Nothing was patched and nothing is delayed: the cycle is finished, wait for new changes. */
  | { readonly kind: 'finished' }
  /** A patch was sent; its event starts the next cycle. */
  | { readonly kind: 'patched'; readonly message?: string }
  /** Sleep `seconds` (0: not at all), logging `message`, then touch the object unless an event came first. */
  | { readonly kind: 'sleep'; readonly seconds: number; readonly message?: string };

/**
 * The plan after a cycle that waits `delays` seconds for its unfinished
 * handlers and daemons (none: nothing waits), and did or did not send a patch.
 */
export function planSleep(input: { delays: readonly number[]; patched: boolean }): SleepPlan {
  const { delays, patched } = input;
  if (delays.length === 0) return patched ? { kind: 'patched' } : { kind: 'finished' };
  const delay = Math.min(...delays);
  if (patched) {
    return delay > 0 ? { kind: 'patched', message: `Sleeping was skipped because of the patch, ${delay} seconds left.` } : { kind: 'patched' };
  }
  if (delay > MAX_SLEEP_SECONDS) {
    return { kind: 'sleep', seconds: MAX_SLEEP_SECONDS, message: `Sleeping for ${delay} (capped ${MAX_SLEEP_SECONDS}) seconds for the delayed handlers.` };
  }
  if (delay > 0) return { kind: 'sleep', seconds: delay, message: `Sleeping for ${delay} seconds for the delayed handlers.` };
  return { kind: 'sleep', seconds: 0 };
}

/** Logged when an event cuts a sleep short (no touch follows). */
export function sleepInterruptedMessage(secondsLeft: number): string {
  return `Sleeping was interrupted by new changes, ${secondsLeft} seconds left.`;
}
