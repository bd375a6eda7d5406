/**
 * Plain-JSON value helpers shared by CRD pruning, defaulting and validation:
 * objects are JSON objects (never arrays), values are what JSON.parse gives.
 */
import { copyJson } from '../json-copy.ts';

export type JsonObject = Record<string, unknown>;

/** A JSON object, not an array and not null. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A deep copy, so that defaults and pruned results never share structure with their source. */
export function cloneJson<T>(value: T): T {
  return value === undefined ? value : copyJson(value);
}

/** Deep equality of JSON values: the core's, so schema checks and writes agree on what changed. */
export { jsonEqual } from '../../core/json.ts';

/**
 * The OpenAPI type name of a value as upstream reports it in type errors:
 * whole numbers are `integer`, other numbers `number`.
 */
export function jsonTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** `spec` + `size` → `spec.size`; the root has no leading dot. */
export function childPath(parent: string, key: string): string {
  return parent ? `${parent}.${key}` : key;
}

/** `spec.items` + 0 → `spec.items[0]`. */
export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

/** A map entry as upstream's field paths write it: `spec.labels[app]`. */
export function keyPath(parent: string, key: string): string {
  return `${parent}[${key}]`;
}

/** JSON with object keys sorted, so that equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isJsonObject(value)) {
    const entries = Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}
