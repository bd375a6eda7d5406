import { describe, expect, it } from 'vitest';
import { HandlerRetriesError, HandlerTimeoutError, PermanentError, TemporaryError } from './handler-errors.ts';
import {
  decideOutcome, HandlerChildrenRetry, handlerForm, limitsReached, type AttemptEnd, type AttemptInfo, type RetryDefaults, type RetryLimits,
} from './retries.ts';

const FORM = "Handler 'create_fn'";
const DEFAULTS: RetryDefaults = { errors: 'temporary', backoff: 60 };
const FIRST: AttemptInfo = { retries: 0, runtime: 0 };

function decide(end: AttemptEnd, limits: RetryLimits = {}, attempt: AttemptInfo = FIRST, defaults = DEFAULTS) {
  return decideOutcome({ form: FORM, limits, defaults, attempt, end, subrefs: ['create_fn/sub'] });
}
const threw = (error: unknown): AttemptEnd => ({ kind: 'threw', error });

describe('handlerForm', () => {
  it('quotes the id as Python does', () => {
    expect(handlerForm('create_fn')).toBe("Handler 'create_fn'");
    expect(handlerForm('fn/spec.field', 'Daemon')).toBe("Daemon 'fn/spec.field'");
    expect(handlerForm("it's")).toBe('Handler "it\'s"');
    expect(handlerForm('a\'b"c')).toBe("Handler 'a\\'b\"c'");
  });
});

describe('limitsReached', () => {
  it('lets a handler within its limits run', () => {
    expect(limitsReached(FORM, {}, { retries: 100, runtime: 1e6 })).toBeUndefined();
    expect(limitsReached(FORM, { timeout: 10, retries: 3 }, { retries: 2, runtime: 9.9 })).toBeUndefined();
  });

  it('times a handler out once its runtime reaches the timeout', () => {
    const error = limitsReached(FORM, { timeout: 60 }, { retries: 1, runtime: 61.5 });
    expect(error).toBeInstanceOf(HandlerTimeoutError);
    expect(error?.message).toBe("Handler 'create_fn' has timed out after 0:01:01.500000.");
  });

  it('stops a handler once its attempts reach the retries', () => {
    const error = limitsReached(FORM, { retries: 3 }, { retries: 3, runtime: 0 });
    expect(error).toBeInstanceOf(HandlerRetriesError);
    expect(error?.message).toBe("Handler 'create_fn' has exceeded 3 retries.");
  });

  it('reports the timeout first when both are reached', () => {
    expect(limitsReached(FORM, { timeout: 1, retries: 1 }, { retries: 1, runtime: 1 })).toBeInstanceOf(HandlerTimeoutError);
  });
});

describe('decideOutcome', () => {
  it('takes a return as a final success with the result', () => {
    expect(decide({ kind: 'returned', result: { message: 'hello world' } })).toEqual({
      outcome: { final: true, result: { message: 'hello world' }, subrefs: ['create_fn/sub'] },
      log: { level: 'info', message: "Handler 'create_fn' succeeded.", withStack: false },
    });
  });

  describe('TemporaryError', () => {
    it('is retried after its delay', () => {
      const error = new TemporaryError('Not ready', { delay: 10 });
      expect(decide(threw(error))).toEqual({
        outcome: { final: false, error, delay: 10, subrefs: ['create_fn/sub'] },
        log: { level: 'error', message: "Handler 'create_fn' failed temporarily: Not ready", withStack: false },
      });
    });

    it('is retried after 60 seconds by default and at once with a null delay', () => {
      expect(decide(threw(new TemporaryError('x'))).outcome.delay).toBe(60);
      expect(decide(threw(new TemporaryError('x', { delay: null }))).outcome).toMatchObject({ final: false, delay: undefined });
    });

    it('names an error without a message by its class', () => {
      expect(decide(threw(new TemporaryError())).log.message).toBe("Handler 'create_fn' failed temporarily: TemporaryError()");
    });

    it('stops with HandlerTimeoutError when the retry would come too late', () => {
      const decision = decide(threw(new TemporaryError('Not ready', { delay: 10 })), { timeout: 30 }, { retries: 2, runtime: 20 });
      const message = "Handler 'create_fn' failed temporarily but will time out after 30 seconds: Not ready";
      expect(decision.log).toEqual({ level: 'error', message, withStack: false });
      expect(decision.outcome.final).toBe(true);
      expect(decision.outcome.error).toBeInstanceOf(HandlerTimeoutError);
      expect((decision.outcome.error as Error).message).toBe(message);
    });

    it('is retried when the retry comes before the timeout', () => {
      expect(decide(threw(new TemporaryError('x', { delay: 10 })), { timeout: 30 }, { retries: 2, runtime: 19.9 }).outcome.final).toBe(false);
    });

    it('stops with HandlerRetriesError when the retry would exceed the retries', () => {
      const decision = decide(threw(new TemporaryError('Not ready')), { retries: 3 }, { retries: 2, runtime: 0 });
      expect(decision.log.message).toBe("Handler 'create_fn' failed temporarily but will exceed 3 retries: Not ready");
      expect(decision.outcome.error).toBeInstanceOf(HandlerRetriesError);
      expect(decide(threw(new TemporaryError('x')), { retries: 3 }, { retries: 1, runtime: 0 }).outcome.final).toBe(false);
    });
  });

  it('retries unfinished sub-handlers quietly', () => {
    const error = new HandlerChildrenRetry('', { delay: 5 });
    expect(decide(threw(error), { retries: 1 })).toEqual({
      outcome: { final: false, error, delay: 5, subrefs: ['create_fn/sub'] },
      log: { level: 'debug', message: "Handler 'create_fn' has unfinished sub-handlers. Will retry soon.", withStack: false },
    });
  });

  it('ends on a PermanentError', () => {
    const error = new PermanentError('Broken');
    expect(decide(threw(error))).toEqual({
      outcome: { final: true, error, subrefs: ['create_fn/sub'] },
      log: { level: 'error', message: "Handler 'create_fn' failed permanently: Broken", withStack: false },
    });
  });

  it('ends on the limit errors, logging their own message', () => {
    const error = limitsReached(FORM, { retries: 1 }, { retries: 1, runtime: 0 });
    expect(decide(threw(error))).toEqual({
      outcome: { final: true, error, subrefs: ['create_fn/sub'] },
      log: { level: 'error', message: "Handler 'create_fn' has exceeded 1 retries.", withStack: false },
    });
  });

  describe('arbitrary errors', () => {
    const boom = new Error('boom');

    it('are retried after the backoff in the temporary mode, with the stack', () => {
      expect(decide(threw(boom))).toEqual({
        outcome: { final: false, error: boom, delay: 60, subrefs: ['create_fn/sub'] },
        log: { level: 'error', message: "Handler 'create_fn' failed with an exception and will try again in 60 seconds: boom", withStack: true },
      });
      expect(decide(threw(boom), { backoff: 5 }).outcome.delay).toBe(5);
      expect(decide(threw(boom), {}, FIRST, { errors: 'temporary', backoff: 7 }).outcome.delay).toBe(7);
    });

    it('stop when the next attempt would time out', () => {
      const decision = decide(threw(boom), { timeout: 100, backoff: 50 }, { retries: 1, runtime: 50 });
      expect(decision.log.message).toBe("Handler 'create_fn' failed with an exception and will stop now (it would time out in 100 seconds on the next attempt): boom");
      expect(decision.outcome.error).toBeInstanceOf(HandlerTimeoutError);
      expect(decision.outcome.final).toBe(true);
    });

    it('stop when the next attempt would exceed the retries', () => {
      const decision = decide(threw(boom), { retries: 2 }, { retries: 1, runtime: 0 });
      expect(decision.log.message).toBe("Handler 'create_fn' failed with an exception and will stop now (it would exceed 2 retries on the next attempt): boom");
      expect(decision.outcome.error).toBeInstanceOf(HandlerRetriesError);
    });

    it('end in the permanent mode', () => {
      expect(decide(threw(boom), { errors: 'permanent' })).toEqual({
        outcome: { final: true, error: boom, subrefs: ['create_fn/sub'] },
        log: { level: 'error', message: "Handler 'create_fn' failed with an exception and will stop now: boom", withStack: true },
      });
    });

    it('count as a success without a result in the ignored mode, also by the kind’s default', () => {
      const expected = {
        outcome: { final: true, subrefs: ['create_fn/sub'] },
        log: { level: 'error', message: "Handler 'create_fn' failed with an exception and will ignore it: boom", withStack: true },
      };
      expect(decide(threw(boom), { errors: 'ignored' })).toEqual(expected);
      expect(decide(threw(boom), {}, FIRST, { errors: 'ignored', backoff: 60 })).toEqual(expected);
    });

    it('ignore the limits outside the temporary mode', () => {
      expect(decide(threw(boom), { errors: 'permanent', retries: 1 }, { retries: 5, runtime: 0 }).outcome.error).toBe(boom);
    });

    it('name thrown non-errors readably', () => {
      expect(decide(threw('just a string')).log.message).toContain(': just a string');
      expect(decide(threw('')).log.message).toContain(': ""');
      expect(decide(threw(new TypeError(''))).log.message).toContain(': TypeError()');
    });
  });
});
