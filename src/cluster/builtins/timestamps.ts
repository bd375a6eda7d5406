import { badRequest } from '../errors.ts';
import type { KubeObject } from '../resource-type.ts';

/**
 * Built-in kinds decode their typed timestamps (apiserver-spec §0.5):
 * `metav1.Time` accepts any RFC 3339 value and is stored in UTC with second
 * precision; `metav1.MicroTime` requires exactly six fraction digits and is
 * stored in UTC with them. A value that does not parse fails the decoding,
 * as upstream's 400 does.
 */

const rfc3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
const microTime = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{6})(Z|[+-]\d\d:\d\d)$/;

/** The elements of Go's reference layouts, in the order its parser checks them. */
const dateTimeElements: Array<[string, RegExp]> = [
  ['2006', /^\d{4}/], ['-', /^-/], ['01', /^\d\d/], ['-', /^-/], ['02', /^\d\d/], ['T', /^T/],
  ['15', /^\d\d/], [':', /^:/], ['04', /^\d\d/], [':', /^:/], ['05', /^\d\d/],
];
const zoneElement: [string, RegExp] = ['Z07:00', /^(Z|[+-]\d\d:\d\d)/];
/** RFC 3339 in Go takes an optional fraction after the seconds without naming it in the layout. */
const timeElements: Array<[string, RegExp]> = [...dateTimeElements, ['', /^(\.\d+)?/], zoneElement];
const microTimeElements: Array<[string, RegExp]> = [...dateTimeElements, ['.000000', /^\.\d{6}/], zoneElement];

/** Go's reference layouts, as its parse errors quote them. */
const timeLayout = '2006-01-02T15:04:05Z07:00';
const microTimeLayout = '2006-01-02T15:04:05.000000Z07:00';

/** Which field of a well-formed timestamp is out of range, as Go names it. */
function outOfRange(value: string): string {
  const [month, hour, minute, second] = [value.slice(5, 7), value.slice(11, 13), value.slice(14, 16), value.slice(17, 19)].map(Number);
  if (month < 1 || month > 12) return 'month';
  if (hour > 23) return 'hour';
  if (minute > 59) return 'minute';
  if (second > 59) return 'second';
  return 'day';
}

/** Go's error for a timestamp its layout does not parse: where it stopped, and what it expected there. */
function undecodable(kind: string, value: string, layout: string, elements: Array<[string, RegExp]>): Error {
  const prefix = `${kind} in version "v1" cannot be handled as a ${kind}: parsing time ${JSON.stringify(value)}`;
  let rest = value;
  for (const [element, pattern] of elements) {
    const match = pattern.exec(rest);
    if (!match) return badRequest(`${prefix} as ${JSON.stringify(layout)}: cannot parse ${JSON.stringify(rest)} as ${JSON.stringify(element)}`);
    rest = rest.slice(match[0].length);
  }
  if (rest) return badRequest(`${prefix}: extra text: ${JSON.stringify(rest)}`);
  return badRequest(`${prefix}: ${outOfRange(value)} out of range`);
}

/** Whole seconds in UTC, from a date-time and its offset. */
function utcSeconds(dateTime: string, offset: string): string {
  const date = new Date(`${dateTime}${offset}`);
  return date.toISOString().slice(0, 19);
}

/** `metav1.Time`: any RFC 3339 value, stored as `YYYY-MM-DDTHH:MM:SSZ`. */
export function normalizeTime(kind: string, value: unknown): unknown {
  if (value === null || value === undefined || typeof value !== 'string') return value;
  const m = rfc3339.exec(value);
  if (!m || Number.isNaN(new Date(`${m[1]}${m[3]}`).getTime())) throw undecodable(kind, value, timeLayout, timeElements);
  return `${utcSeconds(m[1], m[3])}Z`;
}

/** `metav1.MicroTime`: exactly six fraction digits, stored as `YYYY-MM-DDTHH:MM:SS.ffffffZ`. */
export function normalizeMicroTime(kind: string, value: unknown): unknown {
  if (value === null || value === undefined || typeof value !== 'string') return value;
  const m = microTime.exec(value);
  if (!m || Number.isNaN(new Date(`${m[1]}${m[3]}`).getTime())) throw undecodable(kind, value, microTimeLayout, microTimeElements);
  return `${utcSeconds(m[1], m[3])}.${m[2]}Z`;
}

/** Normalizes the named timestamp fields of an object (or of a nested record of it) in place. */
export function normalizeTimestamps(kind: string, target: Record<string, unknown> | KubeObject | undefined, times: string[], microTimes: string[]): void {
  if (!target) return;
  const fields = target as Record<string, unknown>;
  for (const field of times) if (field in fields) fields[field] = normalizeTime(kind, fields[field]);
  for (const field of microTimes) if (field in fields) fields[field] = normalizeMicroTime(kind, fields[field]);
}
