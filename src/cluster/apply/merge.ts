import { isJsonMap, shapeOf, type FieldType, type ListType } from './field-type.ts';
import { itemsByElement, itemElement } from './list-items.ts';
import { encodeElement } from './path-element.ts';

/**
 * The items of a live list and of the applied list, in one list. Live-only
 * items keep their places; items of the applied configuration come in its
 * order, each live item it names waiting until the configuration reaches it.
 */
function mergeItems(live: unknown[], applied: unknown[], list: ListType): unknown[] {
  const liveTexts = live.map((item, i) => encodeElement(itemElement(list, item, i)));
  const appliedTexts = applied.map((item, i) => encodeElement(itemElement(list, item, i)));
  const liveByText = itemsByElement(list, live);
  const appliedByText = itemsByElement(list, applied);
  const shared = appliedTexts.filter((text) => liveByText.has(text));
  const merged: unknown[] = [];
  const emitted = new Set<string>();
  let nextShared = 0;
  const emitApplied = (index: number) => {
    const text = appliedTexts[index];
    if (emitted.has(text)) return;
    emitted.add(text);
    merged.push(mergeValues(liveByText.get(text)?.item, applied[index], list.item()));
    if (shared[nextShared] === text) nextShared++;
  };
  let l = 0;
  let a = 0;
  while (l < live.length || a < applied.length) {
    if (l < live.length && a < applied.length) {
      if (liveTexts[l] === appliedTexts[a]) {
        emitApplied(a);
        l++;
        a++;
        continue;
      }
      if (appliedByText.has(liveTexts[l]) && shared[nextShared] !== liveTexts[l]) {
        // An item the configuration also names, but it comes later there.
        l++;
        continue;
      }
    }
    if (l < live.length) {
      if (!appliedByText.has(liveTexts[l])) {
        merged.push(live[l]);
        l++;
        continue;
      }
      if (emitted.has(liveTexts[l])) {
        l++;
        continue;
      }
    }
    if (a < applied.length) {
      emitApplied(a);
      a++;
    } else {
      // Only reachable with duplicate items: keep the rest of the live list as it is.
      merged.push(live[l]);
      l++;
    }
  }
  return merged;
}

/**
 * Applied configuration over a live value: granular maps merge key by key,
 * granular lists item by item (matched by key or value), and everything else
 * — scalars, atomic maps and lists — is replaced by the applied value. The
 * inputs are not changed; the result shares the parts it did not merge
 * with them.
 */
export function mergeValues(live: unknown, applied: unknown, type: FieldType): unknown {
  if (applied === undefined) return live;
  if (live === undefined) return applied;
  const shape = shapeOf(type, applied);
  if (shape.kind === 'map' && !shape.atomic && isJsonMap(live)) {
    const merged: Record<string, unknown> = { ...live };
    for (const [name, value] of Object.entries(applied as Record<string, unknown>)) {
      merged[name] = mergeValues(live[name], value, shape.field(name).type);
    }
    return merged;
  }
  if (shape.kind === 'list' && shape.listType !== 'atomic' && Array.isArray(live)) {
    return mergeItems(live, applied as unknown[], shape);
  }
  return applied;
}
