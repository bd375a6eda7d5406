import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.ts';
import { normalizeMicroTime, normalizeTime, normalizeTimestamps } from './timestamps.ts';

const failure = (action: () => unknown): ApiError => {
  try {
    action();
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('expected a failure');
};

describe('typed timestamps of built-in kinds', () => {
  it('stores a Time in UTC to the second, whatever the offset and fraction', () => {
    expect(normalizeTime('Event', '2026-01-02T03:04:05Z')).toBe('2026-01-02T03:04:05Z');
    expect(normalizeTime('Event', '2026-01-02T03:04:05.123456+00:00')).toBe('2026-01-02T03:04:05Z');
    expect(normalizeTime('Event', '2026-01-02T01:04:05.5+02:00')).toBe('2026-01-01T23:04:05Z');
    expect(normalizeTime('Event', null)).toBeNull();
  });

  it('requires six fraction digits in a MicroTime and keeps them in UTC', () => {
    expect(normalizeMicroTime('Lease', '2026-01-02T03:04:05.123456+01:00')).toBe('2026-01-02T02:04:05.123456Z');
    const error = failure(() => normalizeMicroTime('Lease', '2026-01-02T03:04:05.1+01:00'));
    expect(error.code).toBe(400);
    expect(error.message).toBe('Lease in version "v1" cannot be handled as a Lease: parsing time "2026-01-02T03:04:05.1+01:00" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".1+01:00" as ".000000"');
  });

  it('names where a value stops matching the layout, as Go does', () => {
    expect(failure(() => normalizeTime('Event', 'garbage')).message).toBe('Event in version "v1" cannot be handled as a Event: parsing time "garbage" as "2006-01-02T15:04:05Z07:00": cannot parse "garbage" as "2006"');
    expect(failure(() => normalizeTime('Event', '2026-01-02 03:04:05Z')).message).toMatch(/cannot parse " 03:04:05Z" as "T"$/);
    expect(failure(() => normalizeTime('Event', '2026-01-02T03:04:05Zjunk')).message).toBe('Event in version "v1" cannot be handled as a Event: parsing time "2026-01-02T03:04:05Zjunk": extra text: "junk"');
    expect(failure(() => normalizeTime('Event', '2026-13-02T03:04:05Z')).message).toBe('Event in version "v1" cannot be handled as a Event: parsing time "2026-13-02T03:04:05Z": month out of range');
  });

  it('normalizes the named fields of an object in place', () => {
    const event: Record<string, unknown> = { firstTimestamp: '2026-01-02T03:04:05+01:00', eventTime: '2026-01-02T03:04:05.000001Z', other: 'x' };
    normalizeTimestamps('Event', event, ['firstTimestamp', 'lastTimestamp'], ['eventTime']);
    expect(event).toEqual({ firstTimestamp: '2026-01-02T02:04:05Z', eventTime: '2026-01-02T03:04:05.000001Z', other: 'x' });
  });
});
