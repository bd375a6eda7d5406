/**
 * Jittered exponential backoff: how long to wait before the next attempt of
 * something that failed. Pure arithmetic; the randomness is injected so tests
 * can pin it. Jitter spreads the retries of many clients that failed at the
 * same moment (a restarted API server), so they do not return in one burst.
 */

/** The shape of a backoff curve. */
export interface BackoffSettings {
  /** Delay before the first retry, in milliseconds. */
  initialMs: number;
  /** No delay is longer than this, in milliseconds. */
  maxMs: number;
  /** Each retry waits this many times longer than the one before. */
  factor: number;
  /**
   * The fraction (0–1) of each delay that is random: 0 waits exactly the
   * curve, 0.5 waits between half of it and all of it, 1 waits anything from 0.
   */
  jitter: number;
}

/** Half a second, doubling up to 30 seconds, half of each delay random. */
export const defaultBackoff: Readonly<BackoffSettings> = Object.freeze({ initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.5 });

/**
 * The delay before retry number `attempt` (0 for the first retry), in
 * milliseconds: `min(maxMs, initialMs × factor^attempt)`, shortened by up to
 * `jitter` of itself.
 *
 * @param random a source of numbers in [0, 1); `Math.random` by default.
 */
export function backoffDelay(attempt: number, settings: BackoffSettings = defaultBackoff, random: () => number = Math.random): number {
  if (!Number.isInteger(attempt) || attempt < 0) throw new RangeError(`backoff attempt must be a non-negative integer, not ${attempt}`);
  const jitter = Math.min(1, Math.max(0, settings.jitter));
  const ceiling = Math.min(settings.maxMs, settings.initialMs * settings.factor ** attempt);
  return ceiling * (1 - jitter * random());
}

/**
 * The delay to honour when the server also named one (`Retry-After`): the
 * longer of the two, so a throttled client never comes back earlier than
 * asked, nor faster than its own curve.
 */
export function delayHonouring(backoffMs: number, serverDelayMs: number | undefined): number {
  return serverDelayMs === undefined ? backoffMs : Math.max(backoffMs, serverDelayMs);
}

/** Checks settings given by a user, naming the first wrong field. */
export function checkBackoffSettings(settings: BackoffSettings): BackoffSettings {
  const { initialMs, maxMs, factor, jitter } = settings;
  if (!(Number.isFinite(initialMs) && initialMs >= 0)) throw new RangeError(`backoff initialMs must be a non-negative number, not ${initialMs}`);
  if (!(Number.isFinite(maxMs) && maxMs >= initialMs)) throw new RangeError(`backoff maxMs must be a number not below initialMs (${initialMs}), not ${maxMs}`);
  if (!(Number.isFinite(factor) && factor >= 1)) throw new RangeError(`backoff factor must be a number of at least 1, not ${factor}`);
  if (!(Number.isFinite(jitter) && jitter >= 0 && jitter <= 1)) throw new RangeError(`backoff jitter must be a number from 0 to 1, not ${jitter}`);
  return settings;
}
