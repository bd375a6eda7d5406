/**
 * The diff-base: the essence of an object as it was when its changes were
 * last fully handled. Comparing it with the current essence tells whether
 * the object is new (no diff-base), changed (a diff), or unchanged.
 *
 * By default it lives in the annotation
 * `kopf.zalando.org/last-handled-configuration` as compact JSON plus a
 * newline (as kubectl's last-applied-configuration, for readable `kubectl`
 * output), written exactly as Kopf writes it so an operator can move between
 * Kopf and kopf-ts without re-handling its objects. It can also live in a
 * status field, or in several places at once (read from the first found).
 *
 * Storages never call the API: they read the body and write into the cycle's
 * patch.
 */
import { buildEssence, removeAnnotations, removeEmptyStanzas } from './essence.ts';
import { isJsonObject, parseField, removeField, resolveField, type FieldPath, type FieldSpec, type JsonObject } from './field-path.ts';
import { toKopfJson } from './kopf-json.ts';
import type { ObjectPatch } from './object-patch.ts';
import { storeMarker, StorageKeys } from './storage-keys.ts';

/** Where and how the diff-base is kept. */
export interface DiffBaseStorage {
  /** The essence of `body`, without this storage's own fields. */
  build(body: JsonObject, extraFields?: Iterable<FieldPath>): JsonObject;
  /** The stored diff-base, or undefined when there is none (the object was never handled). */
  fetch(body: JsonObject): JsonObject | undefined;
  /** Writes `essence` as the new diff-base into `patch`. */
  store(body: JsonObject, patch: ObjectPatch, essence: JsonObject): void;
}

function decodeEssence(encoded: string, where: string): JsonObject | undefined {
  let decoded: unknown;
  try {
    decoded = JSON.parse(encoded);
  } catch (error) {
    throw new SyntaxError(`the diff-base in ${where} is not valid JSON: ${(error as Error).message}`);
  }
  if (decoded === null) return undefined;
  if (!isJsonObject(decoded)) throw new TypeError(`the diff-base in ${where} is not a JSON object`);
  return decoded;
}

function parseFieldTemplate(field: FieldSpec, name: string): FieldPath {
  return typeof field === 'string' ? parseField(field.replaceAll('{name}', name)) : parseField(field);
}

/** Options of {@link AnnotationsDiffBaseStorage}. */
export interface AnnotationsDiffBaseOptions {
  /** Annotation prefix; `kopf.zalando.org` by default. */
  readonly prefix?: string;
  /** Annotation name under the prefix; `last-handled-configuration` by default. */
  readonly key?: string;
  /** Fields never considered part of the essence. */
  readonly ignoredFields?: Iterable<FieldSpec>;
  /** Also write the V1 form of the key where it differs (true by default, as in Kopf). */
  readonly v1?: boolean;
}

/** The diff-base in an annotation (Kopf's default). */
export class AnnotationsDiffBaseStorage implements DiffBaseStorage {
  readonly keys: StorageKeys;
  readonly key: string;
  readonly ignoredFields: readonly FieldPath[];

  constructor(options: AnnotationsDiffBaseOptions = {}) {
    this.keys = new StorageKeys({ prefix: options.prefix ?? 'kopf.zalando.org', v1: options.v1 ?? true });
    this.key = options.key ?? 'last-handled-configuration';
    this.ignoredFields = [...(options.ignoredFields ?? [])].map(parseField);
  }

  build(body: JsonObject, extraFields?: Iterable<FieldPath>): JsonObject {
    const essence = buildEssence(body, { extraFields, ignoredFields: this.ignoredFields });
    removeAnnotations(essence, this.keys.keysFor(this.key, body));
    removeEmptyStanzas(essence);
    return essence;
  }

  fetch(body: JsonObject): JsonObject | undefined {
    const annotations = isJsonObject(body.metadata) && isJsonObject(body.metadata.annotations) ? body.metadata.annotations : {};
    for (const key of this.keys.keysFor(this.key, body)) {
      const encoded = annotations[key];
      const decoded = typeof encoded === 'string' ? decodeEssence(encoded, `annotation ${key}`) : undefined;
      if (decoded !== undefined) return decoded;
    }
    return undefined;
  }

  store(body: JsonObject, patch: ObjectPatch, essence: JsonObject): void {
    // The trailing newline is Kopf's (and kubectl's): kubectl then shows the value on its own lines.
    const encoded = `${toKopfJson(essence)}\n`;
    for (const key of this.keys.keysFor(this.key, body)) patch.annotations[key] = encoded;
    storeMarker(this.keys, body, patch);
  }
}

/** Options of {@link StatusDiffBaseStorage}. */
export interface StatusDiffBaseOptions {
  /** Substituted for `{name}` in the field; `kopf` by default. */
  readonly name?: string;
  /** The status field; `status.{name}.last-handled-configuration` by default. */
  readonly field?: FieldSpec;
  /** Fields never considered part of the essence. */
  readonly ignoredFields?: Iterable<FieldSpec>;
}

/** The diff-base as a JSON string in a status field. */
export class StatusDiffBaseStorage implements DiffBaseStorage {
  readonly field: FieldPath;
  readonly ignoredFields: readonly FieldPath[];

  constructor(options: StatusDiffBaseOptions = {}) {
    this.field = parseFieldTemplate(options.field ?? 'status.{name}.last-handled-configuration', options.name ?? 'kopf');
    this.ignoredFields = [...(options.ignoredFields ?? [])].map(parseField);
  }

  build(body: JsonObject, extraFields?: Iterable<FieldPath>): JsonObject {
    const essence = buildEssence(body, { extraFields, ignoredFields: this.ignoredFields });
    removeField(essence, this.field);
    return essence;
  }

  fetch(body: JsonObject): JsonObject | undefined {
    const encoded = resolveField(body, this.field);
    if (encoded === undefined || encoded === null) return undefined;
    if (typeof encoded !== 'string') throw new TypeError(`the diff-base in ${this.field.join('.')} is not a JSON string`);
    return decodeEssence(encoded, this.field.join('.'));
  }

  store(_body: JsonObject, patch: ObjectPatch, essence: JsonObject): void {
    // A string, not an object: a merge patch of an object would merge with the old diff-base instead of replacing it.
    patch.set(this.field, toKopfJson(essence));
  }
}

/** The diff-base in several storages: written to all, read from the first that has it (for migrations). */
export class MultiDiffBaseStorage implements DiffBaseStorage {
  readonly storages: readonly DiffBaseStorage[];

  constructor(storages: readonly DiffBaseStorage[]) {
    this.storages = [...storages];
  }

  build(body: JsonObject, extraFields?: Iterable<FieldPath>): JsonObject {
    const fields = [...(extraFields ?? [])];
    // Each storage removes its own fields from what the previous ones left.
    let essence = buildEssence(body, { extraFields: fields });
    for (const storage of this.storages) essence = storage.build(essence, fields);
    return essence;
  }

  fetch(body: JsonObject): JsonObject | undefined {
    for (const storage of this.storages) {
      const essence = storage.fetch(body);
      if (essence !== undefined) return essence;
    }
    return undefined;
  }

  store(body: JsonObject, patch: ObjectPatch, essence: JsonObject): void {
    for (const storage of this.storages) storage.store(body, patch, essence);
  }
}

/** A diff-base storage as settings name it (`settings.persistence.diffbaseStorage`). */
export type DiffBaseStorageChoice =
  | ({ readonly kind: 'annotations' } & AnnotationsDiffBaseOptions)
  | ({ readonly kind: 'status' } & StatusDiffBaseOptions)
  | { readonly kind: 'multi'; readonly storages: readonly DiffBaseStorageChoice[] };

/** The diff-base storage that settings name. */
export function createDiffBaseStorage(choice: DiffBaseStorageChoice): DiffBaseStorage {
  switch (choice.kind) {
    case 'annotations': return new AnnotationsDiffBaseStorage(choice);
    case 'status': return new StatusDiffBaseStorage(choice);
    case 'multi': return new MultiDiffBaseStorage(choice.storages.map(createDiffBaseStorage));
  }
}
