import { describe, expect, it } from 'vitest';
import { TemporaryError } from './handler-errors.ts';
import { errorMessage, errorText } from './handler-outcome.ts';

describe('errorMessage', () => {
  it('is the message of an error, possibly empty, or the text of anything else', () => {
    expect(errorMessage(new Error('boom'))).toBe('boom');
    expect(errorMessage(new TemporaryError())).toBe('');
    expect(errorMessage('text')).toBe('text');
    expect(errorMessage(42)).toBe('42');
  });
});

describe('errorText', () => {
  it('falls back to the error’s name when there is no message, as Python’s repr does', () => {
    expect(errorText(new Error('boom'))).toBe('boom');
    expect(errorText(new RangeError(''))).toBe('RangeError()');
    expect(errorText(new TemporaryError())).toBe('TemporaryError()');
    expect(errorText('')).toBe('""');
    expect(errorText(undefined)).toBe('undefined');
  });
});
