/**
 * One attempt of one retried handler: check its limits, invoke it, decide what its return or error
 * means (core/retries.ts) and log that in Kopf's words. A running handler is never interrupted: its
 * `timeout` is checked before an attempt and predicted after a failure, as in Kopf.
 */
import type { Logger } from 'pino';
import type { Outcome } from '../core/handler-outcome.ts';
import { toJsonValue, type JsonValue } from '../core/json.ts';
import { decideOutcome, limitsReached, type AttemptEnd, type AttemptInfo, type RetryDefaults, type RetryLimits } from '../core/retries.ts';

/** What one attempt needs. */
export interface AttemptInput {
  /** How logs name the handler: `Handler 'createFn'`. */
  readonly form: string;
  readonly limits: RetryLimits;
  readonly defaults: RetryDefaults;
  readonly attempt: AttemptInfo;
  /** Calls the handler (in its scope, with its context). */
  readonly invoke: () => unknown;
  /** Pass the returned value on as it is (indexers: Maps, any keys) instead of checking it is JSON. */
  readonly rawResult?: boolean;
  /** The ids of the sub-handlers the attempt ran, read after it ended. */
  readonly subrefs?: () => readonly string[];
  /**
   * Whether the handler has been asked to stop (daemons and timers): an abort it then throws (an error
   * named `AbortError`, as aborted requests and timers throw) ends it as a clean exit, not a failure.
   */
  readonly stopRequested?: () => boolean;
  readonly logger: Logger;
}

/** Runs the attempt and resolves with its outcome; never rejects for the handler's errors. */
export async function runAttempt(input: AttemptInput): Promise<Outcome> {
  const { form, limits, defaults, attempt, logger } = input;
  const end = await attemptEnd(input);
  if (end.kind === 'threw' && input.stopRequested?.() && (end.error as { name?: unknown } | null)?.name === 'AbortError') {
    logger.debug(`${form} is aborted by its stop request.`);
    return { final: true };
  }
  const { outcome, log } = decideOutcome({ form, limits, defaults, attempt, end, subrefs: input.subrefs?.() });
  if (log.withStack && end.kind === 'threw') logger[log.level]({ err: end.error }, log.message);
  else logger[log.level](log.message);
  return outcome;
}

async function attemptEnd(input: AttemptInput): Promise<AttemptEnd> {
  const exhausted = limitsReached(input.form, input.limits, input.attempt);
  if (exhausted) return { kind: 'threw', error: exhausted };
  input.logger.debug(`${input.form} is invoked.`);
  try {
    const returned = await input.invoke();
    return { kind: 'returned', result: input.rawResult ? (returned as JsonValue) : toJsonValue(returned, `the result of ${input.form}`) };
  } catch (error) {
    return { kind: 'threw', error };
  }
}
