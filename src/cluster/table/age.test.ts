import { describe, expect, it } from 'vitest';
import { formatAge, humanDuration, parseTimestamp } from './age.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('humanDuration', () => {
  it.each([
    [0, '0s'],
    [999, '0s'],
    [95 * SECOND, '95s'],
    [119 * SECOND, '119s'],
    [2 * MINUTE, '2m'],
    [7 * MINUTE + 5 * SECOND, '7m5s'],
    [7 * MINUTE, '7m'],
    [9 * MINUTE + 59 * SECOND, '9m59s'],
    [10 * MINUTE + 30 * SECOND, '10m'],
    [179 * MINUTE, '179m'],
    [3 * HOUR, '3h'],
    [5 * HOUR + 2 * MINUTE, '5h2m'],
    [8 * HOUR + 59 * MINUTE, '8h'],
    [47 * HOUR, '47h'],
    [2 * DAY, '2d'],
    [3 * DAY + 4 * HOUR, '3d4h'],
    [8 * DAY + 5 * HOUR, '8d'],
    [729 * DAY, '729d'],
    [3 * 365 * DAY, '3y'],
    [3 * 365 * DAY + 20 * DAY, '3y20d'],
    [9 * 365 * DAY + 20 * DAY, '9y'],
  ])('renders %i ms as %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });

  it('treats up to 1.999 s in the future as now, and anything further as invalid', () => {
    expect(humanDuration(-500)).toBe('0s');
    expect(humanDuration(-1999)).toBe('0s');
    expect(humanDuration(-2000)).toBe('<invalid>');
    expect(humanDuration(-DAY)).toBe('<invalid>');
  });
});

describe('parseTimestamp', () => {
  it('reads UTC, offsets and fractions', () => {
    expect(parseTimestamp('2026-01-02T03:04:05Z')).toBe(Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(parseTimestamp('2026-01-02T05:04:05+02:00')).toBe(Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(parseTimestamp('2026-01-02T01:34:05-01:30')).toBe(Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(parseTimestamp('2026-01-02T03:04:05.123456Z')).toBe(Date.UTC(2026, 0, 2, 3, 4, 5, 123));
    expect(parseTimestamp('2026-01-02T03:04:05.57Z')).toBe(Date.UTC(2026, 0, 2, 3, 4, 5, 570));
  });

  it('rejects what is not RFC 3339', () => {
    expect(parseTimestamp('2026-01-02 03:04:05Z')).toBeNull();
    expect(parseTimestamp('2026-01-02T03:04:05')).toBeNull();
    expect(parseTimestamp('2026-02-30T00:00:00Z')).toBeNull();
    expect(parseTimestamp('2026-13-01T00:00:00Z')).toBeNull();
    expect(parseTimestamp('2026-01-01T24:00:00Z')).toBeNull();
    expect(parseTimestamp('yesterday')).toBeNull();
  });
});

describe('formatAge', () => {
  const now = new Date('2026-01-02T03:04:05Z');

  it('measures from the timestamp to now', () => {
    expect(formatAge('2026-01-02T02:57:00Z', now)).toBe('7m5s');
    expect(formatAge('2025-12-30T03:04:05Z', now)).toBe('3d');
  });

  it('says <unknown> for an unset time and <invalid> for an unreadable one', () => {
    expect(formatAge(undefined, now)).toBe('<unknown>');
    expect(formatAge(null, now)).toBe('<unknown>');
    expect(formatAge('', now)).toBe('<unknown>');
    expect(formatAge('soon', now)).toBe('<invalid>');
  });

  it('tolerates a clock one second ahead but not more', () => {
    expect(formatAge('2026-01-02T03:04:06Z', now)).toBe('0s');
    expect(formatAge('2026-01-02T03:04:08Z', now)).toBe('<invalid>');
  });
});
