/**
 * The patch of one handling cycle. Everything a cycle wants to change on the
 * object — progress records, the diff-base, handler results, the `patch` the
 * handlers filled in, the finalizer — accumulates here, and is sent at the end
 * in as few requests as the API allows: one merge patch of the object, one of
 * its `/status` when status is a subresource (otherwise status rides along in
 * the first), and one JSON patch for the finalizer.
 *
 * The merge part follows JSON merge patch (RFC 7386): objects merge key by
 * key, a null deletes a field, arrays replace whole.
 */
import type { JsonValue } from './json.ts';
import { diff, type Diff } from './diff.ts';
import { ensureField, hasField, isJsonObject, removeField, resolveField, type FieldPath, type JsonObject } from './field-path.ts';
import { finalizerJsonPatch, type FinalizerChange, type JsonPatchOperation } from './finalizers.ts';

// The stanzas the accessors create on first use; left empty, they are dropped rather than sent.
const STANZAS: readonly FieldPath[] = [['metadata', 'labels'], ['metadata', 'annotations'], ['metadata'], ['spec'], ['status']];

function objectAt(target: JsonObject, path: FieldPath): JsonObject {
  const existing = resolveField(target, path);
  if (isJsonObject(existing)) return existing;
  const created: JsonObject = {};
  ensureField(target, path, created);
  return created;
}

/** The changes one handling cycle makes to one object. */
export class ObjectPatch {
  /** The merge patch accumulated so far (RFC 7386: null deletes a field). */
  readonly merge: JsonObject;
  /** Finalizer changes, applied in order by a JSON patch after the merge patches. */
  readonly finalizerChanges: FinalizerChange[];

  /**
   * @param init.finalizerChanges the changes a previous cycle could not apply
   *   (its JSON patch met a newer object), to retry in this cycle.
   */
  constructor(init: { merge?: JsonObject; finalizerChanges?: readonly FinalizerChange[] } = {}) {
    this.merge = init.merge ?? {};
    this.finalizerChanges = [...(init.finalizerChanges ?? [])];
  }

  /** `metadata` of the merge patch, created on first use. */
  get metadata(): JsonObject {
    return objectAt(this.merge, ['metadata']);
  }

  /** `metadata.labels` of the merge patch, created on first use; a null value deletes a label. */
  get labels(): JsonObject {
    return objectAt(this.merge, ['metadata', 'labels']);
  }

  /** `metadata.annotations` of the merge patch, created on first use; a null value deletes an annotation. */
  get annotations(): JsonObject {
    return objectAt(this.merge, ['metadata', 'annotations']);
  }

  /** `spec` of the merge patch, created on first use. */
  get spec(): JsonObject {
    return objectAt(this.merge, ['spec']);
  }

  /** `status` of the merge patch, created on first use. */
  get status(): JsonObject {
    return objectAt(this.merge, ['status']);
  }

  /** The value the merge patch sets at `path` (null: deletes it), or undefined when it does not touch it. */
  get(path: FieldPath): JsonValue | undefined {
    return resolveField(this.merge, path);
  }

  /** True when the merge patch sets or deletes the field at `path`. */
  has(path: FieldPath): boolean {
    return hasField(this.merge, path);
  }

  /** Sets the field at `path` in the merge patch (null: delete it from the object). */
  set(path: FieldPath, value: JsonValue): void {
    ensureField(this.merge, path, value);
  }

  /** Takes the field at `path` out of the merge patch (the object's field is then left as it is). */
  unset(path: FieldPath): void {
    removeField(this.merge, path);
  }

  /** Asks for the finalizer to be added (once) to the object. */
  addFinalizer(finalizer: string): void {
    this.finalizerChanges.push({ action: 'add', finalizer });
  }

  /** Asks for every copy of the finalizer to be removed from the object. */
  removeFinalizer(finalizer: string): void {
    this.finalizerChanges.push({ action: 'remove', finalizer });
  }

  /**
   * Delivers a successful handler's return value to `status.<handlerId>`: an
   * object is merged key by key into what the patch already holds there (the
   * API server then merges it into the object's status); anything else
   * replaces it. Undefined and null deliver nothing.
   */
  deliverResult(handlerId: string, result: JsonValue | undefined): void {
    if (result === undefined || result === null) return;
    const status = this.status;
    if (isJsonObject(result)) {
      const current = status[handlerId];
      status[handlerId] = { ...(isJsonObject(current) ? current : {}), ...structuredClone(result) };
    } else {
      status[handlerId] = structuredClone(result);
    }
  }

  /** The merge patch without the empty stanzas the accessors created. */
  mergeBody(): JsonObject {
    const body = structuredClone(this.merge);
    for (const path of STANZAS) {
      const value = resolveField(body, path);
      if (isJsonObject(value) && Object.keys(value).length === 0) removeField(body, path);
    }
    return body;
  }

  /** True when the cycle has nothing to write. */
  get isEmpty(): boolean {
    return Object.keys(this.mergeBody()).length === 0 && this.finalizerChanges.length === 0;
  }
}

/** One PATCH request of a cycle. */
export type PatchRequest =
  | { readonly subresource?: 'status'; readonly contentType: 'application/merge-patch+json'; readonly body: JsonObject }
  | { readonly subresource?: undefined; readonly contentType: 'application/json-patch+json'; readonly body: JsonPatchOperation[] };

/**
 * The merge-patch requests of a cycle, in order: the object (everything but
 * status when status is a subresource), then `/status`. None when there is
 * nothing to merge.
 */
export function mergePatchRequests(patch: ObjectPatch, options: { statusSubresource: boolean }): PatchRequest[] {
  const body = patch.mergeBody();
  const contentType = 'application/merge-patch+json';
  if (!options.statusSubresource || !Object.hasOwn(body, 'status')) {
    return Object.keys(body).length ? [{ contentType, body }] : [];
  }
  const { status, ...rest } = body;
  const requests: PatchRequest[] = [];
  if (Object.keys(rest).length) requests.push({ contentType, body: rest });
  requests.push({ subresource: 'status', contentType, body: { status } });
  return requests;
}

/**
 * The JSON-patch request of the finalizer changes, computed against the
 * freshest body known (the response of the last merge patch, else the body
 * the cycle started from); undefined when they change nothing.
 */
export function finalizerPatchRequest(patch: ObjectPatch, freshBody: JsonObject): PatchRequest | undefined {
  const operations = finalizerJsonPatch(freshBody, patch.finalizerChanges);
  return operations.length ? { contentType: 'application/json-patch+json', body: operations } : undefined;
}

// Kubernetes drops these fields when they become empty, so a patch that empties them never reads back as sent.
const SELF_REMOVING_FIELDS = ['metadata.annotations', 'metadata.finalizers', 'metadata.labels'];

/**
 * The fields of a merge patch that the patched object does not show as
 * patched (e.g. a status field a schema pruned). Fields that Kubernetes
 * removes when emptied are not counted when they were merely emptied.
 */
export function patchInconsistencies(mergeBody: JsonObject, patchedBody: JsonObject): Diff {
  return diff(mergeBody, patchedBody, { scope: 'left' }).filter(([, field, old, updated]) => {
    return isTruthy(old) || isTruthy(updated) || !SELF_REMOVING_FIELDS.includes(field.join('.'));
  });
}

// Python's truthiness, which Kopf uses here: empty strings, arrays, objects and zero are false.
function isTruthy(value: JsonValue | undefined): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isJsonObject(value)) return Object.keys(value).length > 0;
  return Boolean(value);
}

/**
 * The resourceVersion to wait for before handling the object again, from the
 * body a PATCH returned. A PATCH that changed nothing returns the version the
 * cycle started from (`startingVersion`): no new event will come, so there is
 * nothing to wait for. Removing an object's last finalizer during deletion
 * does not produce a new version, and the object vanishes at once, so such a
 * version is marked as one that never arrives.
 */
export function expectedResourceVersion(patchedBody: JsonObject | undefined, startingVersion?: string): string | undefined {
  if (patchedBody === undefined) return undefined;
  const metadata = isJsonObject(patchedBody.metadata) ? patchedBody.metadata : {};
  const version = typeof metadata.resourceVersion === 'string' ? metadata.resourceVersion : undefined;
  const deleting = isTruthy(metadata.deletionTimestamp);
  const held = isTruthy(metadata.finalizers);
  if (deleting && !held) return `${version}~which~never~arrives`;
  return version !== undefined && version === startingVersion ? undefined : version;
}
