import { isJsonMap } from './field-type.ts';

/** Longer shapes are not remembered: such objects are rare, and their keys would hold memory for little. */
const longestShape = 4096;

/**
 * The shape of what a create wrote, as far as its comparison with the kind's empty object can tell
 * objects apart: each map's keys, whether each value is a map, a list, null or another scalar, every
 * list whole (its items name the list's elements), and the value itself wherever the empty object has
 * one other than null. Two objects of one shape get the same field set from that comparison, whatever their other
 * values — the names, labels and data that differ from one object to the next. Undefined when the
 * shape would be long.
 */
export function writtenShape(value: unknown, empty: unknown): string | undefined {
  const shape = shapeText(value, empty);
  return shape.length <= longestShape ? shape : undefined;
}

// Keys are written after their length, which keeps the text unambiguous without escaping them.
function shapeText(node: unknown, baseline: unknown): string {
  // Compared with null (a Go nil), only the kind of a value counts, as when there is nothing.
  if (baseline !== undefined && baseline !== null && !isJsonMap(baseline)) return JSON.stringify(node) ?? 'u';
  if (Array.isArray(node)) return JSON.stringify(node);
  if (isJsonMap(node)) {
    const below = isJsonMap(baseline) ? baseline : undefined;
    let text = '{';
    for (const key of Object.keys(node)) {
      text += `${key.length}:${key}${shapeText(node[key], below && Object.hasOwn(below, key) ? below[key] : undefined)}`;
    }
    return `${text}}`;
  }
  if (node === null) return 'z';
  return typeof node === 'string' ? 's' : typeof node === 'number' ? 'n' : typeof node === 'boolean' ? 'b' : 'u';
}
