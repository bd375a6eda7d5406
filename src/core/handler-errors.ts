/**
 * The errors a handler throws to steer its own retries, as in Kopf: a temporary error is retried after
 * its delay, a permanent one ends the handler's attempts for the current change, and the timeout/retries
 * errors are the permanent outcomes the framework produces itself when a handler's limits run out.
 * `AdmissionError` carries the message and code an admission webhook answers with.
 */

/** How a handler's arbitrary errors (neither temporary nor permanent) count: retried, final, or as a success. */
export type ErrorsMode = 'temporary' | 'permanent' | 'ignored';

/** Every errors mode, for validating options given at run time. */
export const errorsModes: readonly ErrorsMode[] = ['temporary', 'permanent', 'ignored'];

/** The delay of a `TemporaryError` when none is given, in seconds (Kopf's default). */
export const defaultTemporaryDelay = 60;

/** Options of a `TemporaryError`. */
export interface TemporaryErrorOptions {
  /** Seconds until the next attempt; `null` retries as soon as possible. Default 60. */
  delay?: number | null;
  /** The error that led to this one, kept for the logs. */
  cause?: unknown;
}

/** Options of a `PermanentError` and its subclasses. */
export interface PermanentErrorOptions {
  /** The error that led to this one, kept for the logs. */
  cause?: unknown;
}

/** Options of an `AdmissionError`. */
export interface AdmissionErrorOptions extends PermanentErrorOptions {
  /** The HTTP-like status code the admission review reports. Default 500. */
  code?: number;
}

/**
 * A failure worth retrying: the handler runs again after `delay` seconds (within its `retries` and
 * `timeout` limits). Logged as "Handler 'id' failed temporarily: <message>", without a stack.
 */
export class TemporaryError extends Error {
  override name = 'TemporaryError';
  /** Seconds until the next attempt; `null` means as soon as possible. */
  readonly delay: number | null;

  constructor(message = '', options: TemporaryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const delay = options.delay === undefined ? defaultTemporaryDelay : options.delay;
    if (delay !== null && !(Number.isFinite(delay) && delay >= 0)) {
      throw new TypeError(`TemporaryError delay must be a non-negative number of seconds or null, got ${String(delay)}`);
    }
    this.delay = delay;
  }
}

/**
 * A final failure: retrying cannot help, so the handler is not run again for this change.
 * Logged as "Handler 'id' failed permanently: <message>", without a stack.
 */
export class PermanentError extends Error {
  override name = 'PermanentError';

  constructor(message = '', options: PermanentErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** The handler's `timeout` (seconds since its first attempt) has passed, or would pass before the next attempt. */
export class HandlerTimeoutError extends PermanentError {
  override name = 'HandlerTimeoutError';
}

/** The handler's `retries` (number of attempts) are used up, or would be by the next attempt. */
export class HandlerRetriesError extends PermanentError {
  override name = 'HandlerRetriesError';
}

/**
 * Thrown by admission (validate/mutate) handlers to deny a request: the review answers with this
 * message and `code`. Among several failures of one request, an admission error is the one reported.
 */
export class AdmissionError extends PermanentError {
  override name = 'AdmissionError';
  /** The status code of the denial; 500 unless given. */
  readonly code: number;

  constructor(message = '', options: AdmissionErrorOptions = {}) {
    super(message, options);
    this.code = options.code ?? 500;
  }
}
