/**
 * The annotation keys under which Kopf's storages keep their data, formed
 * exactly as Kopf forms them so either framework finds the other's records.
 *
 * A record key (a handler id such as `create_fn` or `parent/child`, or a
 * fixed name such as `last-handled-configuration`) becomes a "safe" name by
 * replacing `/` with `.` and `<`, `>` with `_`. Kubernetes limits the name part
 * of an annotation key to 63 characters, so long names are cut and end with a
 * short hash of the full key. Kopf has two versions of that rule and, by
 * default, writes both when they differ:
 * - V2 cuts the name part alone to 63 characters, hashing the raw key;
 * - V1 (older, stricter) cuts the whole `prefix/name` to 63, hashing the safe name.
 *
 * Kubernetes copies a Deployment's annotations onto its ReplicaSets; keys on
 * such ReplicaSets get a `-ofDRS` suffix so the two objects' records never mix.
 *
 * Kopf also recognises other Kopf-based operators' annotations so that one
 * operator's bookkeeping never looks like an essential change to another:
 * prefixes under `kopf.zalando.org`, and prefixes that carry a
 * `<prefix>/kopf-managed` marker, which storages with other prefixes write.
 */
import { blake2b } from './blake2b.ts';
import { isJsonObject, resolveField, type JsonObject } from './field-path.ts';
import type { ObjectPatch } from './object-patch.ts';

/** The longest name part of an annotation key that Kubernetes accepts. */
const MAX_NAME_LENGTH = 63;

/** Kubernetes limits a whole key to 253 characters; a longer prefix leaves no room for a 63-character name. */
const MAX_PREFIX_LENGTH = 253 - MAX_NAME_LENGTH - 1;

const KNOWN_PREFIX = 'kopf.zalando.org';
const MARKER_NAME = 'kopf-managed';

/** The record key with the characters Kubernetes rejects in annotation names replaced. */
export function safeName(key: string): string {
  return key.replaceAll('/', '.').replaceAll('<', '_').replaceAll('>', '_');
}

/**
 * `-` and a short hash of `key`: base64 of its 4-byte BLAKE2b digest with `-`
 * and `.` for the two non-alphanumeric characters, stripped of trailing `=`,
 * `-` and `.` so the key ends with an alphanumeric character.
 */
export function hashSuffix(key: string): string {
  const digest = blake2b(new TextEncoder().encode(key), 4);
  const encoded = Buffer.from(digest).toString('base64').replaceAll('+', '-').replaceAll('/', '.');
  return `-${encoded}`.replace(/[=.-]+$/, '');
}

/** Adds the ReplicaSet-of-a-Deployment suffix where Kubernetes would copy annotations over. */
export function markKey(key: string, body: JsonObject | undefined): string {
  if (body === undefined || body.kind !== 'ReplicaSet') return key;
  const metadata = body.metadata;
  const owners = isJsonObject(metadata) && Array.isArray(metadata.ownerReferences) ? metadata.ownerReferences : [];
  return owners.some((owner) => isJsonObject(owner) && owner.kind === 'Deployment') ? `${key}-ofDRS` : key;
}

/** Options of the key convention shared by the annotation storages. */
export interface StorageKeyOptions {
  /** The annotation prefix (a DNS-like name such as `kopf.zalando.org`); required. */
  readonly prefix: string;
  /** Also write and purge the V1 form of each key where it differs from V2. */
  readonly v1: boolean;
}

/** Forms the annotation keys of one storage prefix. */
export class StorageKeys {
  readonly prefix: string;
  readonly v1: boolean;

  constructor(options: StorageKeyOptions) {
    if (!options.prefix) throw new TypeError('annotation storages need a prefix (such as kopf.zalando.org)');
    if (options.prefix.length > MAX_PREFIX_LENGTH) {
      throw new RangeError(`the annotation prefix is too long (${options.prefix.length} characters, at most ${MAX_PREFIX_LENGTH}): keys under it would exceed 253 characters`);
    }
    this.prefix = options.prefix;
    this.v1 = options.v1;
  }

  /** The V2 key: the name part alone is at most 63 characters, hashed from the raw key when cut. */
  v2Key(key: string): string {
    const suffix = key.length > MAX_NAME_LENGTH ? hashSuffix(key) : '';
    return `${this.prefix}/${safeName(key).slice(0, MAX_NAME_LENGTH - suffix.length)}${suffix}`;
  }

  /** The V1 key: the whole key is at most 63 characters, hashed from the safe name when cut. */
  v1Key(key: string): string {
    const head = `${this.prefix}/`;
    const safe = safeName(key);
    const suffix = safe.length <= MAX_NAME_LENGTH - head.length ? '' : hashSuffix(safe);
    // With a prefix too long for any name, the limit goes negative and, as Python's slicing does, cuts from the end.
    return `${head}${safe.slice(0, MAX_NAME_LENGTH - head.length - suffix.length)}${suffix}`;
  }

  /** The keys to read (in this order), write and purge for a record key on this object. */
  keysFor(key: string, body?: JsonObject): string[] {
    const marked = markKey(key, body);
    const v2 = this.v2Key(marked);
    if (!this.v1) return [v2];
    const v1 = this.v1Key(marked);
    return v1 === v2 ? [v2] : [v2, v1];
  }

  /**
   * The `<prefix>/kopf-managed` marker to add so other Kopf-based operators
   * recognise this prefix; undefined for prefixes they already recognise
   * (`kopf.…`) and when the marker is already set.
   */
  missingMarker(existing: (annotationKey: string) => boolean): string | undefined {
    if (this.prefix.startsWith('kopf.')) return undefined;
    const marker = `${this.prefix}/${MARKER_NAME}`;
    return existing(marker) ? undefined : marker;
  }
}

/** The annotation prefixes among `keys` that belong to Kopf-based operators. */
export function kopfManagedPrefixes(keys: Iterable<string>): Set<string> {
  const prefixes = new Set<string>();
  for (const key of keys) {
    const slash = key.indexOf('/');
    if (slash < 0) continue;
    const prefix = key.slice(0, slash);
    const name = key.slice(slash + 1);
    if (name === MARKER_NAME || prefix === KNOWN_PREFIX || prefix.endsWith(`.${KNOWN_PREFIX}`)) prefixes.add(prefix);
  }
  return prefixes;
}

/** Writes the `<prefix>/kopf-managed` marker when the prefix needs one and neither the object nor the patch has it. */
export function storeMarker(keys: StorageKeys, body: JsonObject, patch: ObjectPatch): void {
  const marker = keys.missingMarker((key) => resolveField(body, ['metadata', 'annotations', key]) !== undefined || patch.has(['metadata', 'annotations', key]));
  if (marker !== undefined) patch.annotations[marker] = 'yes';
}
