/**
 * The framework's finalizer: reading an object's deletion state, deciding
 * when to add or remove the finalizer, and the JSON patch that does it.
 *
 * Finalizers are a list, and a merge patch can only replace a list whole,
 * which would drop finalizers other controllers add meanwhile. So they are
 * changed with a JSON patch guarded by a `test` of the resourceVersion the
 * change was computed from: a concurrent edit makes the patch fail (422)
 * instead of losing data, and the change is retried on the next cycle.
 */
import type { JsonValue } from './json.ts';
import { isJsonObject, type JsonObject } from './field-path.ts';

/** Kopf's finalizer, the default of `settings.persistence.finalizer`. */
export const DEFAULT_FINALIZER = 'kopf.zalando.org/KopfFinalizerMarker';

/** One operation of a JSON patch (RFC 6902), as far as the framework writes them. */
export interface JsonPatchOperation {
  readonly op: 'test' | 'add' | 'remove' | 'replace';
  readonly path: string;
  readonly value?: JsonValue;
}

/** A requested change of the object's finalizers, applied in order. */
export interface FinalizerChange {
  readonly action: 'add' | 'remove';
  readonly finalizer: string;
}

function metadataOf(body: JsonObject): JsonObject {
  return isJsonObject(body.metadata) ? body.metadata : {};
}

function finalizersOf(body: JsonObject): string[] {
  const finalizers = metadataOf(body).finalizers;
  return Array.isArray(finalizers) ? finalizers.filter((item): item is string => typeof item === 'string') : [];
}

/** True when the object is marked for deletion (it has a deletionTimestamp). */
export function isDeletionOngoing(body: JsonObject): boolean {
  const timestamp = metadataOf(body).deletionTimestamp;
  return timestamp !== undefined && timestamp !== null;
}

/** True when `finalizer` holds the object back from deletion. */
export function isDeletionBlocked(body: JsonObject, finalizer: string): boolean {
  return finalizersOf(body).includes(finalizer);
}

/** The finalizers after applying `changes` in order: adding never duplicates, removing drops every copy. */
export function applyFinalizerChanges(finalizers: readonly string[], changes: readonly FinalizerChange[]): string[] {
  let result = [...finalizers];
  for (const { action, finalizer } of changes) {
    if (action === 'add' && !result.includes(finalizer)) result.push(finalizer);
    if (action === 'remove') result = result.filter((item) => item !== finalizer);
  }
  return result;
}

/**
 * The JSON patch that applies `changes` to the finalizers of `body` (the
 * freshest known version of the object), starting with a test of its
 * resourceVersion; empty when the changes change nothing.
 */
export function finalizerJsonPatch(body: JsonObject, changes: readonly FinalizerChange[]): JsonPatchOperation[] {
  const before = finalizersOf(body);
  const after = applyFinalizerChanges(before, changes);
  if (before.length === after.length && before.every((item, index) => item === after[index])) return [];

  const resourceVersion = metadataOf(body).resourceVersion;
  const test: JsonPatchOperation = { op: 'test', path: '/metadata/resourceVersion', value: typeof resourceVersion === 'string' ? resourceVersion : null };
  if (before.length === 0) return [test, { op: 'add', path: '/metadata/finalizers', value: after }];
  if (after.length === 0) return [test, { op: 'remove', path: '/metadata/finalizers' }];

  // The result is the surviving finalizers in their order, then the added ones: remove the others, append the new.
  const kept: number[] = [];
  let next = 0;
  for (const [index, item] of before.entries()) {
    if (next < after.length && after[next] === item) {
      kept.push(index);
      next++;
    }
  }
  const removals = before.map((_, index) => index).filter((index) => !kept.includes(index)).reverse()
    .map((index): JsonPatchOperation => ({ op: 'remove', path: `/metadata/finalizers/${index}` }));
  const additions = after.slice(next)
    .map((item, offset): JsonPatchOperation => ({ op: 'add', path: `/metadata/finalizers/${kept.length + offset}`, value: item }));
  return [test, ...removals, ...additions];
}

/** What to do with the finalizer before any high-level handling, and the log line saying so. */
export interface FinalizerDecision {
  readonly change: FinalizerChange;
  readonly message: string;
}

/**
 * Adds the finalizer when something must run before the object goes (a
 * mandatory delete handler, a daemon) and deletion has not started; removes it
 * when nothing needs it any more. Either way the cycle is spent on that change
 * and the changing handlers wait for the next one.
 */
export function decideFinalizer(input: { body: JsonObject; finalizer: string; required: boolean }): FinalizerDecision | undefined {
  const { body, finalizer, required } = input;
  const blocked = isDeletionBlocked(body, finalizer);
  if (required && !blocked && !isDeletionOngoing(body)) {
    return { change: { action: 'add', finalizer }, message: 'Adding the finalizer, thus preventing the actual deletion.' };
  }
  if (!required && blocked) {
    return { change: { action: 'remove', finalizer }, message: 'Removing the finalizer, as there are no handlers requiring it.' };
  }
  return undefined;
}

/** The log line of releasing an object whose deletion is fully handled. */
export const RELEASE_MESSAGE = 'Removing the finalizer, thus allowing the actual deletion.';

/**
 * True when the object can be let go at the end of a cycle: it is being
 * deleted, still held by our finalizer, and no handler or daemon asked for
 * more time. A DELETED event still lists the last finalizer, but the object is
 * already gone, so it is never released again.
 */
export function canReleaseObject(input: { eventType: string | undefined; body: JsonObject; finalizer: string; delays: readonly number[] }): boolean {
  const { eventType, body, finalizer, delays } = input;
  return eventType !== 'DELETED' && isDeletionOngoing(body) && isDeletionBlocked(body, finalizer) && delays.length === 0;
}
