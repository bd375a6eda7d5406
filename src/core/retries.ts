/**
 * What an attempt of a handler comes to, decided from what it returned or
 * threw and from its limits, with the log line Kopf writes for it:
 * - a return is a success;
 * - `TemporaryError` is retried after its delay;
 * - `PermanentError` (and the timeout/retries errors) ends the handler;
 * - any other error follows the `errors` mode: retried after `backoff`
 *   (temporary, the default), ended (permanent), or taken as a success
 *   without a result (ignored);
 * - a retry that would reach `timeout` (seconds since the first attempt) or
 *   `retries` (attempts) ends the handler at once with HandlerTimeoutError or
 *   HandlerRetriesError instead of waiting for a pointless next attempt.
 * Limits are also checked before each attempt: time can pass while the
 * operator is down. Timeouts never interrupt a running handler.
 *
 * This decides only; the engine runs the handler, logs, and keeps the timers.
 */
import {
  HandlerRetriesError, HandlerTimeoutError, PermanentError, TemporaryError, type ErrorsMode,
} from './handler-errors.ts';
import { errorText, type Outcome } from './handler-outcome.ts';
import type { JsonValue } from './json.ts';
import { formatPythonDuration } from './kopf-time.ts';

/**
 * Raised inside a handler (by running its sub-handlers) while some of its
 * sub-handlers are unfinished: the handler is retried after `delay` like a
 * temporary error, but logged only at debug level.
 */
export class HandlerChildrenRetry extends TemporaryError {
  override name = 'HandlerChildrenRetry';
}

/** A handler's limits, as given at registration. */
export interface RetryLimits {
  /** How arbitrary errors count; the handler kind's default when undefined. */
  readonly errors?: ErrorsMode;
  /** Seconds from the first attempt after which the handler fails for good. */
  readonly timeout?: number;
  /** Attempts after which the handler fails for good. */
  readonly retries?: number;
  /** Seconds before retrying after an arbitrary error; the settings' default when undefined. */
  readonly backoff?: number;
}

/** What is known of a handler before its attempt. */
export interface AttemptInfo {
  /** Attempts already made (0 before the first). */
  readonly retries: number;
  /** Seconds since the first attempt started. */
  readonly runtime: number;
}

/** The defaults of the limits left undefined. */
export interface RetryDefaults {
  /** The errors mode of the handler kind (`temporary` for changing handlers, `ignored` for on.event …). */
  readonly errors: ErrorsMode;
  /** `settings.execution.defaultBackoff`: 60 seconds in Kopf. */
  readonly backoff: number;
}

/** A line to log about an attempt. */
export interface LogLine {
  readonly level: 'debug' | 'info' | 'error';
  readonly message: string;
  /** Log the error's stack too (Kopf's `logger.exception`). */
  readonly withStack: boolean;
}

/** The outcome of an attempt and the line that reports it. */
export interface OutcomeDecision {
  readonly outcome: Outcome;
  readonly log: LogLine;
}

/** How an attempt ended. */
export type AttemptEnd =
  | { readonly kind: 'returned'; readonly result: JsonValue | undefined }
  | { readonly kind: 'threw'; readonly error: unknown };

/**
 * `Handler 'id'`: how log lines name a handler (Kopf's string forms; other
 * nouns are `Daemon`, `Timer`, `Indexer`, `Webhook`, `Activity`). The id is
 * quoted as Python quotes strings.
 */
export function handlerForm(id: string, noun = 'Handler'): string {
  const quote = id.includes("'") && !id.includes('"') ? '"' : "'";
  const escaped = quote === "'" ? id.replaceAll('\\', '\\\\').replaceAll("'", "\\'") : id.replaceAll('\\', '\\\\');
  return `${noun} ${quote}${escaped}${quote}`;
}

/**
 * The error ending a handler before its next attempt when its limits are
 * used up; undefined when it may run. Pass it to {@link decideOutcome} as if
 * the handler had thrown it.
 */
export function limitsReached(form: string, limits: RetryLimits, attempt: AttemptInfo): HandlerTimeoutError | HandlerRetriesError | undefined {
  if (limits.timeout !== undefined && attempt.runtime >= limits.timeout) {
    return new HandlerTimeoutError(`${form} has timed out after ${formatPythonDuration(attempt.runtime)}.`);
  }
  if (limits.retries !== undefined && attempt.retries >= limits.retries) {
    return new HandlerRetriesError(`${form} has exceeded ${attempt.retries} retries.`);
  }
  return undefined;
}

/** The outcome of an attempt of the handler named `form` (see {@link handlerForm}), and its log line. */
export function decideOutcome(input: {
  form: string;
  limits: RetryLimits;
  defaults: RetryDefaults;
  attempt: AttemptInfo;
  end: AttemptEnd;
  /** The ids of the sub-handlers the attempt ran. */
  subrefs?: readonly string[];
}): OutcomeDecision {
  const { form, limits, defaults, attempt, end } = input;
  const subrefs = input.subrefs ?? [];
  if (end.kind === 'returned') {
    return { outcome: { final: true, result: end.result, subrefs }, log: { level: 'info', message: `${form} succeeded.`, withStack: false } };
  }

  const { error } = end;
  const text = errorText(error);
  const wouldTimeOut = (delay: number) => limits.timeout !== undefined && attempt.runtime + delay >= limits.timeout;
  const wouldExceedRetries = limits.retries !== undefined && attempt.retries + 1 >= limits.retries;
  const errorLine = (message: string, withStack: boolean): LogLine => ({ level: 'error', message, withStack });
  const stop = (ending: unknown, log: LogLine): OutcomeDecision => ({ outcome: { final: true, error: ending, subrefs }, log });
  const retry = (delay: number | undefined, log: LogLine): OutcomeDecision => ({ outcome: { final: false, error, delay, subrefs }, log });

  if (error instanceof HandlerChildrenRetry) {
    return retry(error.delay ?? undefined, { level: 'debug', message: `${form} has unfinished sub-handlers. Will retry soon.`, withStack: false });
  }
  if (error instanceof TemporaryError) {
    if (wouldTimeOut(error.delay ?? 0)) {
      const message = `${form} failed temporarily but will time out after ${limits.timeout} seconds: ${text}`;
      return stop(new HandlerTimeoutError(message, { cause: error }), errorLine(message, false));
    }
    if (wouldExceedRetries) {
      const message = `${form} failed temporarily but will exceed ${limits.retries} retries: ${text}`;
      return stop(new HandlerRetriesError(message, { cause: error }), errorLine(message, false));
    }
    return retry(error.delay ?? undefined, errorLine(`${form} failed temporarily: ${text}`, false));
  }
  // Their messages already name the handler (see limitsReached).
  if (error instanceof HandlerTimeoutError || error instanceof HandlerRetriesError) return stop(error, errorLine(text, false));
  if (error instanceof PermanentError) return stop(error, errorLine(`${form} failed permanently: ${text}`, false));

  const mode = limits.errors ?? defaults.errors;
  const backoff = limits.backoff ?? defaults.backoff;
  if (mode === 'ignored') {
    return { outcome: { final: true, subrefs }, log: errorLine(`${form} failed with an exception and will ignore it: ${text}`, true) };
  }
  if (mode === 'permanent') return stop(error, errorLine(`${form} failed with an exception and will stop now: ${text}`, true));
  if (wouldTimeOut(backoff)) {
    const message = `${form} failed with an exception and will stop now (it would time out in ${limits.timeout} seconds on the next attempt): ${text}`;
    return stop(new HandlerTimeoutError(message, { cause: error }), errorLine(message, true));
  }
  if (wouldExceedRetries) {
    const message = `${form} failed with an exception and will stop now (it would exceed ${limits.retries} retries on the next attempt): ${text}`;
    return stop(new HandlerRetriesError(message, { cause: error }), errorLine(message, true));
  }
  return retry(backoff, errorLine(`${form} failed with an exception and will try again in ${backoff} seconds: ${text}`, true));
}
