/**
 * The outcome of one attempt of one handler, as the progress records and
 * the results delivery consume it: final or to be retried (after a delay),
 * the returned result, or the error that ended or interrupted the attempt,
 * and the ids of the sub-handlers it ran.
 */
import type { JsonValue } from './json.ts';

/** What one attempt of one handler came to. */
export interface Outcome {
  /** True when the handler is done for this change (succeeded, failed for good, or its error was ignored). */
  readonly final: boolean;
  /** Seconds until the next attempt of a handler that is not done; undefined: as soon as possible. */
  readonly delay?: number;
  /** The value a successful handler returned, delivered to `status.<id>`. */
  readonly result?: JsonValue;
  /** The error of a failed or retried attempt; undefined for successes and ignored errors. */
  readonly error?: unknown;
  /** The ids of all the sub-handlers (any depth) the handler ran in this attempt. */
  readonly subrefs?: readonly string[];
}

/** The text of an error as a progress record keeps it (Python's `str(error)`): the message, possibly empty. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The text of an error for log lines (Python's `str(error) or repr(error)`):
 * the message, or the error's name when the message is empty.
 */
export function errorText(error: unknown): string {
  const message = errorMessage(error);
  if (message) return message;
  return error instanceof Error ? `${error.name}()` : JSON.stringify(error) ?? String(error);
}
