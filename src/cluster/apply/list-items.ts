import type { ListType } from './field-type.ts';
import { isJsonMap } from './field-type.ts';
import { encodeElement, type PathElement } from './path-element.ts';

/**
 * How a field set names an item of a granular list: a `set` item by its
 * value, a `map` item by its key fields (missing ones take their schema
 * default, as `protocol: TCP` of ports). An item that lacks a key field with
 * no default can only be named by its position.
 */
export function itemElement(list: ListType, item: unknown, index: number): PathElement {
  if (list.listType === 'set') return { value: item };
  if (list.listType !== 'map' || !isJsonMap(item)) return { index };
  const key: Record<string, unknown> = {};
  for (const name of list.keys) {
    const value = Object.hasOwn(item, name) ? item[name] : list.keyDefaults[name];
    if (value === undefined) return { index };
    key[name] = value;
  }
  return { key };
}

/** The items of a granular list by the text of their element; the first of duplicates wins. */
export function itemsByElement(list: ListType, items: readonly unknown[]): Map<string, { element: PathElement; item: unknown }> {
  const byText = new Map<string, { element: PathElement; item: unknown }>();
  items.forEach((item, index) => {
    const element = itemElement(list, item, index);
    const text = encodeElement(element);
    if (!byText.has(text)) byText.set(text, { element, item });
  });
  return byText;
}
