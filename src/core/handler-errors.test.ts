import { describe, expect, it } from 'vitest';
import {
  AdmissionError,
  HandlerRetriesError,
  HandlerTimeoutError,
  PermanentError,
  TemporaryError,
  defaultTemporaryDelay,
  errorsModes,
} from './handler-errors.ts';

describe('TemporaryError', () => {
  it('retries after 60 seconds unless told otherwise', () => {
    const error = new TemporaryError('not yet');
    expect(error.delay).toBe(60);
    expect(defaultTemporaryDelay).toBe(60);
    expect(error.message).toBe('not yet');
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toBe('TemporaryError: not yet');
  });

  it('takes a delay in seconds, or null for as soon as possible', () => {
    expect(new TemporaryError('x', { delay: 5 }).delay).toBe(5);
    expect(new TemporaryError('x', { delay: 0 }).delay).toBe(0);
    expect(new TemporaryError('x', { delay: null }).delay).toBeNull();
  });

  it('rejects delays that are not non-negative numbers', () => {
    expect(() => new TemporaryError('x', { delay: -1 })).toThrow(/non-negative number of seconds or null, got -1/);
    expect(() => new TemporaryError('x', { delay: Number.NaN })).toThrow(TypeError);
  });

  it('keeps the cause', () => {
    const cause = new Error('socket closed');
    expect(new TemporaryError('x', { cause }).cause).toBe(cause);
  });

  it('is not a permanent error', () => {
    expect(new TemporaryError('x')).not.toBeInstanceOf(PermanentError);
  });
});

describe('PermanentError and its subclasses', () => {
  it('are permanent errors with their own names', () => {
    for (const [ErrorClass, name] of [
      [PermanentError, 'PermanentError'],
      [HandlerTimeoutError, 'HandlerTimeoutError'],
      [HandlerRetriesError, 'HandlerRetriesError'],
      [AdmissionError, 'AdmissionError'],
    ] as const) {
      const error = new ErrorClass('stop');
      expect(error).toBeInstanceOf(PermanentError);
      expect(error).toBeInstanceOf(ErrorClass);
      expect(error.name).toBe(name);
      expect(error.message).toBe('stop');
    }
    expect(new HandlerTimeoutError('x')).not.toBeInstanceOf(HandlerRetriesError);
  });

  it('default to an empty message', () => {
    expect(new PermanentError().message).toBe('');
  });
});

describe('AdmissionError', () => {
  it('carries the status code of the denial, 500 by default', () => {
    expect(new AdmissionError('no').code).toBe(500);
    expect(new AdmissionError('forbidden name', { code: 403 }).code).toBe(403);
    expect(new AdmissionError().message).toBe('');
  });
});

describe('errors modes', () => {
  it('are temporary, permanent and ignored', () => {
    expect(errorsModes).toEqual(['temporary', 'permanent', 'ignored']);
  });
});
