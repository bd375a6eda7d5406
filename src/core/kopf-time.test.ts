import { describe, expect, it } from 'vitest';
import { formatPythonDuration, formatTimestamp, microsFromMillis, parseTimestamp } from './kopf-time.ts';

const TS0 = Date.UTC(2020, 11, 31, 23, 59, 59) * 1000 + 123456;

describe('formatTimestamp', () => {
  it.each([
    [Date.UTC(2000, 0, 1) * 1000, '2000-01-01T00:00:00.000000+00:00'],
    [Date.UTC(2000, 0, 1, 9, 8, 7) * 1000 + 654321, '2000-01-01T09:08:07.654321+00:00'],
    [TS0, '2020-12-31T23:59:59.123456+00:00'],
    [Date.UTC(3000, 0, 1) * 1000, '3000-01-01T00:00:00.000000+00:00'],
    [Date.UTC(2020, 0, 1) * 1000 + 1, '2020-01-01T00:00:00.000001+00:00'],
  ])('formats %i as %s (Python isoformat with microseconds)', (moment, text) => {
    expect(formatTimestamp(moment)).toBe(text);
  });
});

describe('parseTimestamp', () => {
  it.each([
    ['2000-01-01T00:00:00.000000', Date.UTC(2000, 0, 1) * 1000],
    ['2000-01-01T09:08:07.654321', Date.UTC(2000, 0, 1, 9, 8, 7) * 1000 + 654321],
    ['2000-01-01T09:08:07.654321Z', Date.UTC(2000, 0, 1, 9, 8, 7) * 1000 + 654321],
    ['2000-01-01T09:08:07.654321+00:00', Date.UTC(2000, 0, 1, 9, 8, 7) * 1000 + 654321],
    ['2000-01-01T09:08:07.654321-11:00', Date.UTC(2000, 0, 1, 20, 8, 7) * 1000 + 654321],
    ['2000-01-01T09:08:07.654321+11:00', Date.UTC(1999, 11, 31, 22, 8, 7) * 1000 + 654321],
    ['2000-01-01T09:08:07+0130', Date.UTC(2000, 0, 1, 7, 38, 7) * 1000],
    ['2000-01-01T09:08:07.5', Date.UTC(2000, 0, 1, 9, 8, 7) * 1000 + 500000],
    ['2000-01-01T09:08:07.1234567', Date.UTC(2000, 0, 1, 9, 8, 7) * 1000 + 123456],
    ['2020-01-01T00:00:00', Date.UTC(2020, 0, 1) * 1000],
  ])('parses %s', (text, moment) => {
    expect(parseTimestamp(text)).toBe(moment);
  });

  it('round-trips what it formats', () => {
    expect(formatTimestamp(parseTimestamp('2020-12-31T23:59:59.123456+00:00'))).toBe('2020-12-31T23:59:59.123456+00:00');
  });

  it.each(['', 'yesterday', '2020-13-45', '2020-02-30T00:00:00', '2020-01-01T24:00:00', '2020-01-01T00:00:00+bad'])('rejects %j with a clear error', (text) => {
    expect(() => parseTimestamp(text)).toThrow(/not an ISO-8601 timestamp/);
  });
});

describe('microsFromMillis', () => {
  it('rounds fractional milliseconds to whole microseconds', () => {
    expect(microsFromMillis(1000.0004)).toBe(1_000_000);
    expect(microsFromMillis(1000.0006)).toBe(1_000_001);
    expect(microsFromMillis(1609459199123.456)).toBe(1609459199123456);
  });
});

describe('formatPythonDuration', () => {
  // Expected texts from Python's str(datetime.timedelta(seconds=…)).
  it.each([
    [0, '0:00:00'],
    [1.5, '0:00:01.500000'],
    [59.999999, '0:00:59.999999'],
    [3600, '1:00:00'],
    [86399.000001, '23:59:59.000001'],
    [86400, '1 day, 0:00:00'],
    [90061.25, '1 day, 1:01:01.250000'],
    [2 * 86400 + 5, '2 days, 0:00:05'],
    [0.000001, '0:00:00.000001'],
  ])('prints %f seconds as %s', (seconds, text) => {
    expect(formatPythonDuration(seconds)).toBe(text);
  });
});
