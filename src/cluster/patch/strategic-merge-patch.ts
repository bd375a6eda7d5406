/**
 * `application/strategic-merge-patch+json` for built-in kinds
 * (apiserver-spec §5.3): a merge patch in which some lists merge item by item
 * (see patch-strategies.ts), steered by these directives:
 *
 * - `"$patch": "delete" | "replace" | "merge"` in a map; `delete` and `merge`
 *   also in an item of a keyed list, and `{"$patch": "replace"}` as an item of
 *   a merging list replaces the whole list with the other items;
 * - `"$deleteFromPrimitiveList/<field>": [values]` removes values from a list of strings;
 * - `"$setElementOrder/<field>": [items]` fixes the order of the resulting list;
 * - `"$retainKeys": [fields]` drops every other field of the map;
 * - `null` removes a field.
 *
 * The merge and ordering rules follow kube-apiserver, including where new list
 * items land (before the live items that follow their predecessor). Two
 * intentional differences: upstream rejects `"$patch": "merge"` (here it is the
 * default behaviour it names) and drops a new map carrying `"$patch": "replace"`
 * (here it becomes the map's value).
 */
import { jsonEqual } from '../../core/json.ts';
import { ApiError, badRequest } from '../errors.ts';
import { patchRulesOf, type KindRef, type PatchRules } from './patch-strategies.ts';
import { copyJson } from '../json-copy.ts';

type JsonObject = Record<string, unknown>;

const patchDirective = '$patch';
const retainKeysDirective = '$retainKeys';
const setElementOrderPrefix = '$setElementOrder';
const deleteFromPrimitiveListPrefix = '$deleteFromPrimitiveList';

const atomic: PatchRules = { children: new Map() };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own member only, so that keys such as `constructor` never reach the prototype. */
function member(object: JsonObject, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/** Sets an own member even for keys such as `__proto__`, which plain assignment would treat specially. */
function setMember(target: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

function childRules(rules: PatchRules, field: string): PatchRules {
  return rules.children.get(field) ?? atomic;
}

function goTypeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

/** Upstream answers lists of lists with a bare 422, whatever the list. */
function listOfListsError(): ApiError {
  return new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
}

function unknownPatchType(directive: unknown, map: JsonObject): ApiError {
  return badRequest(`unknown patch type: ${String(directive)} in map: ${JSON.stringify(map)}`);
}

/** A copy of a value being stored, without `null` members: typed built-in objects cannot hold them. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isObject(value)) return value;
  const copy: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== null) setMember(copy, key, withoutNulls(item));
  }
  return copy;
}

/**
 * Whether two list items are the same item: equal merge-key values in a keyed
 * list, equal values otherwise.
 */
function sameItem(a: unknown, b: unknown, mergeKey: string | undefined): boolean {
  if (mergeKey === undefined) return jsonEqual(a, b);
  return isObject(a) && isObject(b) && Object.hasOwn(a, mergeKey) && Object.hasOwn(b, mergeKey) && jsonEqual(a[mergeKey], b[mergeKey]);
}

function positionIn(list: unknown[], item: unknown, mergeKey: string | undefined): number {
  return list.findIndex((candidate) => sameItem(candidate, item, mergeKey));
}

/** Stable sort by position in `order`; items not found there go last, in their own order. */
function sortByPosition(items: unknown[], order: unknown[], mergeKey: string | undefined): unknown[] {
  return items
    .map((item, index) => {
      const position = positionIn(order, item, mergeKey);
      return { item, index, position: position < 0 ? order.length : position };
    })
    .sort((a, b) => a.position - b.position || a.index - b.index)
    .map((entry) => entry.item);
}

/**
 * Interleaves the live-only items with the patched items (each already in its
 * own order): a live-only item goes first only while the live list had it
 * before the next patched item, so a new item lands right after its
 * predecessor in the patch.
 */
function interleave(liveOnly: unknown[], patched: unknown[], live: unknown[], mergeKey: string | undefined): unknown[] {
  const result: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < liveOnly.length && j < patched.length) {
    const liveAt = positionIn(live, liveOnly[i], mergeKey);
    const patchedAt = positionIn(live, patched[j], mergeKey);
    if (liveAt >= 0 && patchedAt >= 0 && liveAt < patchedAt) result.push(liveOnly[i++]);
    else result.push(patched[j++]);
  }
  return result.concat(liveOnly.slice(i), patched.slice(j));
}

/**
 * Orders a merged list: items named in `order` (the patch list, or a
 * `$setElementOrder` list) in that order, merged with the remaining items in
 * their order in the live list.
 */
function orderItems(merged: unknown[], order: unknown[], live: unknown[], mergeKey: string | undefined): unknown[] {
  const named = merged.filter((item) => positionIn(order, item, mergeKey) >= 0);
  const others = merged.filter((item) => positionIn(order, item, mergeKey) < 0);
  return interleave(sortByPosition(others, live, mergeKey), sortByPosition(named, order, mergeKey), live, mergeKey);
}

function kindOfValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** A merging list needs one element type across the live and patch lists, and lists of lists are refused. */
function checkElementTypes(live: unknown[], patch: unknown[]): void {
  const all = [...live, ...patch];
  if (Array.isArray(all[0])) throw listOfListsError();
  if (new Set(all.map(kindOfValue)).size > 1) {
    throw badRequest(`list element types are not identical: ${JSON.stringify(live)} and ${JSON.stringify(patch)}`);
  }
}

/** A merging list of strings (finalizers): the union, patch values in patch order. */
function mergeSet(live: unknown[], patch: unknown[]): unknown[] {
  const replace = patch.some((item) => isObject(item) && member(item, patchDirective) === 'replace');
  const values = patch.filter((item) => !(isObject(item) && member(item, patchDirective) === 'replace'));
  checkElementTypes(live, values);
  if (values.some(isObject)) throw badRequest(`cannot merge lists without merge key: ${JSON.stringify(values)}`);
  if (replace) return values;
  const union: unknown[] = [];
  for (const value of [...live, ...values]) {
    if (!union.includes(value)) union.push(value);
  }
  return orderItems(union, values, live, undefined);
}

/** A keyed patch list taken apart into what it asks of the live list. */
interface KeyedListPatch {
  /** Items to merge into the live item with the same key, or to add. */
  items: JsonObject[];
  /** Items marked `"$patch": "delete"`: live items with their key go. */
  deletions: JsonObject[];
  /** An item `{"$patch": "replace"}` was present: the other items become the list. */
  replace: boolean;
}

function readKeyedListPatch(patch: unknown[], mergeKey: string): KeyedListPatch {
  const parts: KeyedListPatch = { items: [], deletions: [], replace: false };
  for (const item of patch) {
    if (!isObject(item)) throw badRequest(`cannot merge a list of maps with ${JSON.stringify(item)}`);
    const directive = member(item, patchDirective);
    const hasKey = Object.hasOwn(item, mergeKey);
    if (directive === 'replace') parts.replace = true;
    else if (directive !== undefined && directive !== 'delete' && directive !== 'merge') throw unknownPatchType(directive, item);
    // An item `{"$patch": "merge"}` without a key is a no-op marker for the list.
    else if (directive === 'merge' && !hasKey) continue;
    else if (!hasKey) throw badRequest(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
    else if (directive === 'delete') parts.deletions.push(item);
    else parts.items.push(item);
  }
  return parts;
}

/** A list of maps merged by `mergeKey`: matching items merge, new ones are added, `$patch` items act on the list. */
function mergeKeyedList(liveList: unknown[], patch: unknown[], mergeKey: string, rules: PatchRules): unknown[] {
  checkElementTypes(liveList, patch);
  const { items, deletions, replace } = readKeyedListPatch(patch, mergeKey);
  const live = liveList.filter((candidate) => !deletions.some((deletion) => sameItem(candidate, deletion, mergeKey)));
  if (replace) return items.map((item) => mergeObject({}, item, rules));
  const merged = [...live];
  for (const item of items) {
    const index = positionIn(merged, item, mergeKey);
    if (index >= 0 && isObject(merged[index])) merged[index] = mergeObject(merged[index] as JsonObject, item, rules);
    else merged.push(mergeObject({}, item, rules));
  }
  return orderItems(merged, items, live, mergeKey);
}

/**
 * The live list as upstream's `$setElementOrder` step sees it after a keyed
 * merge. Upstream deletes and appends inside the live list's own storage, so
 * the slots freed at its end by deleted items are taken by the first newly
 * added items. That decides where live-only items (say, an injected sidecar)
 * land, so it is reproduced here.
 */
function liveOrderAfterMerge(live: unknown[], patch: unknown[], mergeKey: string): unknown[] {
  const { items, deletions, replace } = readKeyedListPatch(patch, mergeKey);
  const slots = [...live];
  let length = slots.length;
  for (const deletion of deletions) {
    for (let at = positionIn(slots.slice(0, length), deletion, mergeKey); at >= 0; at = positionIn(slots.slice(0, length), deletion, mergeKey)) {
      slots.copyWithin(at, at + 1, length);
      length--;
    }
  }
  if (replace) return slots;
  const current = slots.slice(0, length);
  for (const item of items) {
    if (positionIn(current, item, mergeKey) >= 0) continue;
    if (current.length < slots.length) slots[current.length] = item;
    current.push(item);
  }
  return slots;
}

/** The new value of a list field: merged when the kind's rules say so, otherwise the patch list. */
function mergeList(live: unknown[], patch: unknown[], rules: PatchRules): unknown[] {
  if (!rules.list) return patch.map(withoutNulls);
  if (live.length === 0 && patch.length === 0) return live;
  if (rules.list.mergeKey === undefined) return mergeSet(live, patch);
  return mergeKeyedList(live, patch, rules.list.mergeKey, rules);
}

/** Rejects `$` keys that are not directives, and malformed directive keys. */
function checkDirectiveKeys(patch: JsonObject): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith('$') || key === retainKeysDirective) continue;
    if (key.startsWith(setElementOrderPrefix)) {
      if (!key.startsWith(`${setElementOrderPrefix}/`)) throw badRequest('invalid patch format of setElementOrder list');
    } else if (key.startsWith(deleteFromPrimitiveListPrefix)) {
      if (!key.startsWith(`${deleteFromPrimitiveListPrefix}/`)) throw badRequest('invalid patch format of primitive list');
    } else {
      throw badRequest(`unknown strategic merge patch directive: ${key}`);
    }
  }
}

/** `$retainKeys`: every field the patch sets must be listed, and unlisted live fields go. */
function applyRetainKeys(target: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, retainKeysDirective)) return;
  const retained = patch[retainKeysDirective];
  if (!Array.isArray(retained)) throw badRequest('invalid patch format of retainKeys');
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith('$')) continue;
    if (!retained.includes(key)) throw badRequest('invalid patch format of retainKeys');
  }
  for (const key of Object.keys(target)) {
    if (!retained.includes(key)) delete target[key];
  }
}

/**
 * Checks that the patch list's items (apart from `$patch` items) appear in the
 * `$setElementOrder` list in the same relative order.
 */
function checkOrderCoversPatch(patchList: unknown[], order: unknown[], mergeKey: string | undefined): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = patchList.filter((item) => !(isObject(item) && Object.hasOwn(item, patchDirective)));
  let orderIndex = 0;
  for (const item of items) {
    while (orderIndex < order.length && !sameItem(item, order[orderIndex], mergeKey)) orderIndex++;
    if (orderIndex === order.length) {
      throw badRequest(
        `The order in patch list:\n${JSON.stringify(patchList)}\n doesn't match ${setElementOrderPrefix} list:\n${JSON.stringify(order)}\n`,
      );
    }
    orderIndex++;
  }
}

/**
 * Handles every `$setElementOrder/<field>` of the patch together with the
 * field's patch list, and returns the fields it took care of.
 */
function applyElementOrders(target: JsonObject, patch: JsonObject, rules: PatchRules): Set<string> {
  const handled = new Set<string>();
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(`${setElementOrderPrefix}/`)) continue;
    const field = key.slice(setElementOrderPrefix.length + 1);
    const fieldRules = childRules(rules, field);
    const mergeKey = fieldRules.list?.mergeKey;
    const live = member(target, field);
    const patchList = member(patch, field);
    const hasLive = live !== undefined;
    const hasPatch = Object.hasOwn(patch, field);
    if (!Array.isArray(order) || (hasLive && !Array.isArray(live)) || (hasPatch && !Array.isArray(patchList))) {
      throw badRequest('invalid patch format of setElementOrder list');
    }
    if (mergeKey !== undefined && order.some((item) => !isObject(item) || !Object.hasOwn(item, mergeKey))) {
      throw badRequest(`invalid patch format of setElementOrder list: every item needs the merge key ${mergeKey}`);
    }
    handled.add(field);
    if (!hasLive && !hasPatch) continue;
    const liveList = hasLive ? (live as unknown[]) : [];
    let merged = liveList;
    let liveOrder = liveList;
    if (hasPatch) {
      checkOrderCoversPatch(patchList as unknown[], order, mergeKey);
      merged = mergeList(liveList, patchList as unknown[], fieldRules);
      if (mergeKey !== undefined) liveOrder = liveOrderAfterMerge(liveList, patchList as unknown[], mergeKey);
    }
    setMember(target, field, orderItems(merged, order, liveOrder, mergeKey));
  }
  return handled;
}

/** `$deleteFromPrimitiveList/<field>`: removes the listed values from a live list of strings. */
function deleteFromList(target: JsonObject, field: string, values: unknown): void {
  if (values === null) {
    delete target[field];
    return;
  }
  if (!Array.isArray(values) || values.some((value) => typeof value === 'object' && value !== null)) {
    throw badRequest('invalid patch format of primitive list');
  }
  const live = member(target, field);
  if (Array.isArray(live)) setMember(target, field, live.filter((value) => !values.includes(value)));
}

/** Applies one patch field to the target map. */
function mergeField(target: JsonObject, key: string, value: unknown, rules: PatchRules): void {
  const live = member(target, key);
  if (value === null) delete target[key];
  else if (isObject(value)) {
    if (isObject(live)) setMember(target, key, mergeObject(live, value, rules));
    // Deleting a map that is not there leaves nothing behind.
    else if (member(value, patchDirective) === 'delete') delete target[key];
    else setMember(target, key, mergeObject({}, value, rules));
  } else if (Array.isArray(value)) {
    setMember(target, key, mergeList(Array.isArray(live) ? live : [], value, rules));
  } else {
    setMember(target, key, value);
  }
}

/** Merges a patch map into `target` (which it may change) and returns the resulting map. */
function mergeObject(target: JsonObject, patch: JsonObject, rules: PatchRules): JsonObject {
  let fields = patch;
  if (Object.hasOwn(patch, patchDirective)) {
    const directive = patch[patchDirective];
    fields = { ...patch };
    delete fields[patchDirective];
    // Upstream's `delete` leaves an empty map, not an absent field.
    if (directive === 'delete') return {};
    if (directive === 'replace') return mergeObject({}, fields, rules);
    if (directive !== 'merge') throw unknownPatchType(directive, patch);
  }
  checkDirectiveKeys(fields);
  applyRetainKeys(target, fields);
  const ordered = applyElementOrders(target, fields, rules);
  const deletions: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(fields)) {
    if (key.startsWith(`${deleteFromPrimitiveListPrefix}/`)) deletions.push([key.slice(deleteFromPrimitiveListPrefix.length + 1), value]);
    else if (!key.startsWith('$') && !ordered.has(key)) mergeField(target, key, value, childRules(rules, key));
  }
  // Deletions go last, so that a value both added and deleted by one patch ends up deleted.
  for (const [field, values] of deletions) deleteFromList(target, field, values);
  return target;
}

/**
 * Applies a strategic merge patch to a built-in object and returns the result
 * as a new object; neither argument is changed. A `null` patch changes nothing.
 * @throws ApiError 400 for a patch that is not an object, an unknown or
 * malformed directive, or list items without their merge key; 422 for lists
 * of lists, as upstream.
 */
export function applyStrategicMergePatch(original: unknown, patch: unknown, kind: KindRef): JsonObject {
  const target = isObject(original) ? copyJson(original) : {};
  if (patch === null) return target;
  if (!isObject(patch)) throw badRequest(`json: cannot unmarshal ${goTypeName(patch)} into Go value of type map[string]interface {}`);
  return mergeObject(target, patch, patchRulesOf(kind));
}
