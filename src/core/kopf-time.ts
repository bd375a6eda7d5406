/**
 * Moments and durations in the textual forms Kopf uses. Progress records hold
 * ISO-8601 timestamps with exactly six fraction digits and a `+00:00` offset
 * (Python's `isoformat(timespec='microseconds')`); timeout messages print a
 * duration as Python prints a `timedelta`. Moments are kept as whole
 * microseconds since the epoch, because a JavaScript Date has only
 * milliseconds: a record read and written back must come out byte for byte
 * the same, or every cycle would rewrite it.
 */

/** Whole microseconds since 1970-01-01T00:00:00Z. */
export type EpochMicros = number;

/** The moment `epochMs` milliseconds since the epoch (fractions allowed), rounded to microseconds. */
export function microsFromMillis(epochMs: number): EpochMicros {
  return Math.round(epochMs * 1000);
}

/** `2020-12-31T23:59:59.123456+00:00`: the UTC timestamp form of Kopf's progress records. */
export function formatTimestamp(moment: EpochMicros): string {
  const millis = Math.floor(moment / 1000);
  const micros = moment - millis * 1000;
  const iso = new Date(millis).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  return `${iso.slice(0, 23)}${String(micros).padStart(3, '0')}+00:00`;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * The moment written as an ISO-8601 timestamp. A timestamp without an offset
 * is taken as UTC (old Kopf versions wrote them so). Fractions beyond
 * microseconds are cut off.
 */
export function parseTimestamp(text: string): EpochMicros {
  const match = TIMESTAMP.exec(text.trim());
  if (!match) throw new SyntaxError(`not an ISO-8601 timestamp: ${JSON.stringify(text)}`);
  const [, year, month, day, hour, minute, second = '0', fraction = '', offset = 'Z'] = match;
  const millis = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  // Date.UTC rolls over out-of-range fields (February 30th becomes March 1st); a real date reads back the same.
  const checked = new Date(millis);
  const valid = checked.getUTCMonth() === Number(month) - 1 && checked.getUTCDate() === Number(day)
    && checked.getUTCHours() === Number(hour) && checked.getUTCMinutes() === Number(minute) && checked.getUTCSeconds() === Number(second);
  if (!valid) throw new SyntaxError(`not an ISO-8601 timestamp: ${JSON.stringify(text)}`);
  const micros = Number(fraction.slice(0, 6).padEnd(6, '0'));
  return (millis - offsetMinutes(offset) * 60_000) * 1000 + micros;
}

function offsetMinutes(offset: string): number {
  if (offset.toUpperCase() === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
}

/**
 * A non-negative duration as Python prints a `timedelta`: `0:00:01.500000`,
 * `1 day, 1:01:01`, `2 days, 0:00:05`. Kopf's "has timed out after …" lines
 * use this form.
 */
export function formatPythonDuration(seconds: number): string {
  const totalMicros = Math.round(Math.max(0, seconds) * 1_000_000);
  const micros = totalMicros % 1_000_000;
  const totalSeconds = (totalMicros - micros) / 1_000_000;
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const secs = totalSeconds % 60;
  const clock = `${hours}:${String(minutes).padStart(2, '0')}:${String(secs).padStart(2, '0')}`;
  const fraction = micros ? `.${String(micros).padStart(6, '0')}` : '';
  const dayPart = days ? `${days} day${days === 1 ? '' : 's'}, ` : '';
  return `${dayPart}${clock}${fraction}`;
}
