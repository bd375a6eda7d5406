/**
 * JSON text exactly as Kopf writes it into annotations and status fields:
 * Python's `json.dumps(value, separators=(',', ':'))`. That is compact (no
 * spaces) and ASCII-only: every character outside printable ASCII is written
 * as a `\uXXXX` escape (astral characters as surrogate pairs), DEL included.
 * Writing the same bytes as Kopf keeps the annotations of an object handled by
 * both frameworks identical, so neither sees the other's write as a change.
 *
 * Two differences cannot be removed in JavaScript and do not change meaning:
 * numbers that Python holds as floats with integral values (`1.0`) are written
 * as integers (`1`), and object keys that look like array indexes (`"1"`) come
 * before the other keys, as JavaScript orders them.
 */
import type { JsonValue } from './json.ts';

// JSON.stringify already escapes quotes, backslashes and control characters below U+0020 as Python does.
const NON_ASCII = /[\u007f-\uffff]/g;

function escapeCodeUnit(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Compact, ASCII-only JSON text of `value`, byte for byte as Kopf (Python) writes it. */
export function toKopfJson(value: JsonValue): string {
  return JSON.stringify(value).replace(NON_ASCII, escapeCodeUnit);
}
