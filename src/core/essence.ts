/**
 * The essence of an object: the part of it whose changes handlers react to.
 *
 * It is the body without `apiVersion`, `kind`, `status` and the system
 * metadata (uid, resourceVersion, generation, finalizers, timestamps …),
 * keeping only the labels and the annotations — minus kubectl's
 * last-applied-configuration and the bookkeeping of any Kopf-based operator.
 * Fields that handlers explicitly watch (a field handler on `status.phase`)
 * are put back, listed "ignored fields" are taken out, and stanzas left empty
 * are dropped. The key order follows Kopf's (the body's order, `metadata`
 * after the rest, watched fields last), so the stored JSON is the same text.
 */
import {
  cherrypickFields, isJsonObject, removeField, type FieldPath, type JsonObject,
} from './field-path.ts';
import { kopfManagedPrefixes } from './storage-keys.ts';

const KUBECTL_LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** What else shapes an essence besides the body. */
export interface EssenceOptions {
  /** Fields to keep even where the essence drops them (e.g. watched status fields). */
  readonly extraFields?: Iterable<FieldPath>;
  /** Fields to drop even where the essence keeps them. */
  readonly ignoredFields?: Iterable<FieldPath>;
}

/** The essence of `body` (a deep copy: later changes to the body do not reach it). */
export function buildEssence(body: JsonObject, options: EssenceOptions = {}): JsonObject {
  const essence: JsonObject = {};
  for (const [key, value] of Object.entries(body)) {
    if (key !== 'apiVersion' && key !== 'kind' && key !== 'metadata' && key !== 'status') essence[key] = structuredClone(value);
  }
  cherrypickFields(body, essence, [['metadata', 'labels'], ['metadata', 'annotations']]);

  const annotations = isJsonObject(essence.metadata) ? essence.metadata.annotations : undefined;
  if (isJsonObject(annotations)) {
    const foreign = kopfManagedPrefixes(Object.keys(annotations));
    for (const key of Object.keys(annotations)) {
      const slash = key.indexOf('/');
      if (key === KUBECTL_LAST_APPLIED || (slash >= 0 && foreign.has(key.slice(0, slash)))) delete annotations[key];
    }
  }

  cherrypickFields(body, essence, options.extraFields ?? []);
  removeEmptyStanzas(essence);
  for (const path of options.ignoredFields ?? []) removeField(essence, path);
  return essence;
}

/** Drops (in place) empty labels, annotations, metadata and status. */
export function removeEmptyStanzas(essence: JsonObject): void {
  const metadata = essence.metadata;
  if (isJsonObject(metadata)) {
    for (const key of ['annotations', 'labels']) {
      if (Object.hasOwn(metadata, key) && isEmptyValue(metadata[key])) delete metadata[key];
    }
    if (Object.keys(metadata).length === 0) delete essence.metadata;
  } else if (Object.hasOwn(essence, 'metadata') && isEmptyValue(metadata)) {
    delete essence.metadata;
  }
  if (Object.hasOwn(essence, 'status') && isEmptyValue(essence.status)) delete essence.status;
}

/** Drops (in place) the given annotations from an essence. */
export function removeAnnotations(essence: JsonObject, keys: Iterable<string>): void {
  const annotations = isJsonObject(essence.metadata) ? essence.metadata.annotations : undefined;
  if (!isJsonObject(annotations)) return;
  for (const key of keys) delete annotations[key];
}

// Python's falsiness of a stanza: None, {}, [], '', 0 and False all count as empty.
function isEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isJsonObject(value)) return Object.keys(value).length === 0;
  return !value;
}
