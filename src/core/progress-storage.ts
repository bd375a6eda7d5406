/**
 * Where the handlers' progress is kept between handling cycles: one record
 * per handler id (when it started, how many attempts, when to retry, whether
 * it succeeded or failed, with which message, which sub-handlers it has).
 * Records exist only while a change is being handled: once all the handlers
 * of the change are done, they are purged in the same patch.
 *
 * The formats are Kopf's, so an operator can move between Kopf and kopf-ts
 * in the middle of handling a change:
 * - annotations `kopf.zalando.org/<safe id>` holding compact JSON with the
 *   fields in a fixed order, nulls left out (the default, via "smart");
 * - `status.kopf.progress.<id>` holding the record as an object;
 * - "smart": annotations, plus reading (and purging) records that older
 *   versions left in `status.kopf.progress`, never writing there — writing
 *   the status would cost a second PATCH per cycle.
 *
 * The "touch" key (`kopf.zalando.org/touch-dummy`, `status.kopf.dummy`) is
 * set to a new value to make the API server send an event when a handler's
 * retry time comes, and reset with the next patch that is sent anyway.
 *
 * Storages never call the API: they read the body and write into the patch.
 */
import type { JsonValue } from './json.ts';
import { removeAnnotations, removeEmptyStanzas } from './essence.ts';
import { isJsonObject, parseField, removeField, resolveField, type FieldPath, type FieldSpec, type JsonObject } from './field-path.ts';
import { toKopfJson } from './kopf-json.ts';
import type { ObjectPatch } from './object-patch.ts';
import { storeMarker, StorageKeys } from './storage-keys.ts';

/**
 * The persisted progress of one handler. Timestamps are ISO-8601 in UTC with
 * microseconds; `retries` counts the attempts made, the successful one
 * included; `subrefs` lists (sorted) the ids of all its sub-handlers.
 */
export interface ProgressRecord {
  readonly started?: string | null;
  readonly stopped?: string | null;
  readonly delayed?: string | null;
  readonly purpose?: string | null;
  readonly retries?: number | null;
  readonly success?: boolean | null;
  readonly failure?: boolean | null;
  readonly message?: string | null;
  readonly subrefs?: readonly string[] | null;
}

/** The record fields in the order Kopf writes them. */
export const PROGRESS_FIELDS = ['started', 'stopped', 'delayed', 'purpose', 'retries', 'success', 'failure', 'message', 'subrefs'] as const;

/** Where and how handlers' progress records are kept. */
export interface ProgressStorage {
  /** The record of handler `key`, or undefined when there is none. */
  fetch(key: string, body: JsonObject): ProgressRecord | undefined;
  /** Writes the record of handler `key` into the patch. */
  store(key: string, record: ProgressRecord, body: JsonObject, patch: ObjectPatch): void;
  /** Deletes the record of handler `key`: nulls it where the object has it, drops it from the patch otherwise. */
  purge(key: string, body: JsonObject, patch: ObjectPatch): void;
  /** Sets the touch key to `value` (null: removes it) unless it already holds that. */
  touch(body: JsonObject, patch: ObjectPatch, value: string | null): void;
  /** A copy of `essence` without this storage's fields, so progress never reads as an essential change. */
  clear(essence: JsonObject): JsonObject;
}

/** The record as a JSON object with the fields in Kopf's order; nulls kept only when asked. */
function recordToJson(record: ProgressRecord, keepNulls: boolean): JsonObject {
  const json: JsonObject = {};
  for (const field of PROGRESS_FIELDS) {
    const value = record[field];
    if (value !== undefined && value !== null) json[field] = Array.isArray(value) ? [...value] : value as JsonValue;
    else if (keepNulls) json[field] = null;
  }
  return json;
}

function checkRecord(value: unknown, where: string): ProgressRecord | undefined {
  if (value === null || value === undefined) return undefined;
  if (!isJsonObject(value)) throw new TypeError(`the progress record in ${where} is not a JSON object`);
  return value as ProgressRecord;
}

function purgeField(body: JsonObject, patch: ObjectPatch, path: FieldPath): void {
  if (resolveField(body, path) !== undefined) patch.set(path, null);
  else if (patch.has(path)) patch.unset(path);
}

/** Options of {@link AnnotationsProgressStorage}. */
export interface AnnotationsProgressOptions {
  /** Annotation prefix; `kopf.zalando.org` by default. */
  readonly prefix?: string;
  /** Write null fields too (false by default). */
  readonly verbose?: boolean;
  /** Annotation name of the touch key; `touch-dummy` by default. */
  readonly touchKey?: string;
  /** Also write and purge the V1 form of each key where it differs (true by default, as in Kopf). */
  readonly v1?: boolean;
}

/** Progress records in annotations, one per handler. */
export class AnnotationsProgressStorage implements ProgressStorage {
  readonly keys: StorageKeys;
  readonly verbose: boolean;
  readonly touchKey: string;

  constructor(options: AnnotationsProgressOptions = {}) {
    this.keys = new StorageKeys({ prefix: options.prefix ?? 'kopf.zalando.org', v1: options.v1 ?? true });
    this.verbose = options.verbose ?? false;
    this.touchKey = options.touchKey ?? 'touch-dummy';
  }

  fetch(key: string, body: JsonObject): ProgressRecord | undefined {
    for (const fullKey of this.keys.keysFor(key, body)) {
      const encoded = resolveField(body, ['metadata', 'annotations', fullKey]);
      if (typeof encoded !== 'string') continue;
      let decoded: unknown;
      try {
        decoded = JSON.parse(encoded);
      } catch (error) {
        throw new SyntaxError(`the progress record in annotation ${fullKey} is not valid JSON: ${(error as Error).message}`);
      }
      const record = checkRecord(decoded, `annotation ${fullKey}`);
      if (record !== undefined) return record;
    }
    return undefined;
  }

  store(key: string, record: ProgressRecord, body: JsonObject, patch: ObjectPatch): void {
    const encoded = toKopfJson(recordToJson(record, this.verbose));
    for (const fullKey of this.keys.keysFor(key, body)) patch.annotations[fullKey] = encoded;
    storeMarker(this.keys, body, patch);
  }

  purge(key: string, body: JsonObject, patch: ObjectPatch): void {
    for (const fullKey of this.keys.keysFor(key, body)) purgeField(body, patch, ['metadata', 'annotations', fullKey]);
  }

  touch(body: JsonObject, patch: ObjectPatch, value: string | null): void {
    for (const fullKey of this.keys.keysFor(this.touchKey, body)) {
      const current = resolveField(body, ['metadata', 'annotations', fullKey]) ?? null;
      if (current !== value) {
        patch.annotations[fullKey] = value;
        storeMarker(this.keys, body, patch);
      }
    }
  }

  clear(essence: JsonObject): JsonObject {
    const cleared = structuredClone(essence);
    const annotations = isJsonObject(cleared.metadata) && isJsonObject(cleared.metadata.annotations) ? cleared.metadata.annotations : {};
    removeAnnotations(cleared, Object.keys(annotations).filter((key) => key.startsWith(`${this.keys.prefix}/`)));
    removeEmptyStanzas(cleared);
    return cleared;
  }
}

/** Options of {@link StatusProgressStorage}. */
export interface StatusProgressOptions {
  /** Substituted for `{name}` in the fields; `kopf` by default. */
  readonly name?: string;
  /** The field holding the records by handler id; `status.{name}.progress` by default. */
  readonly field?: FieldSpec;
  /** The touch field; `status.{name}.dummy` by default. */
  readonly touchField?: FieldSpec;
  /**
   * Read and purge records but never write them nor touch (the smart
   * storage's fallback for records left by older versions).
   */
  readonly readOnly?: boolean;
}

function parseFieldTemplate(field: FieldSpec, name: string): FieldPath {
  return typeof field === 'string' ? parseField(field.replaceAll('{name}', name)) : parseField(field);
}

/** Progress records in the status, keyed by the raw handler id. */
export class StatusProgressStorage implements ProgressStorage {
  readonly field: FieldPath;
  readonly touchField: FieldPath;
  readonly readOnly: boolean;

  constructor(options: StatusProgressOptions = {}) {
    const name = options.name ?? 'kopf';
    this.field = parseFieldTemplate(options.field ?? 'status.{name}.progress', name);
    this.touchField = parseFieldTemplate(options.touchField ?? 'status.{name}.dummy', name);
    this.readOnly = options.readOnly ?? false;
  }

  fetch(key: string, body: JsonObject): ProgressRecord | undefined {
    const container = resolveField(body, this.field);
    return isJsonObject(container) ? checkRecord(container[key], `${this.field.join('.')}.${key}`) : undefined;
  }

  store(key: string, record: ProgressRecord, _body: JsonObject, patch: ObjectPatch): void {
    // Null fields are sent as they are: the merge patch deletes them from the stored record.
    if (!this.readOnly) patch.set([...this.field, key], recordToJson(record, true));
  }

  purge(key: string, body: JsonObject, patch: ObjectPatch): void {
    purgeField(body, patch, [...this.field, key]);
  }

  touch(body: JsonObject, patch: ObjectPatch, value: string | null): void {
    if (this.readOnly) return;
    const current = resolveField(body, this.touchField) ?? null;
    if (current !== value) patch.set(this.touchField, value);
  }

  clear(essence: JsonObject): JsonObject {
    const cleared = structuredClone(essence);
    removeField(cleared, this.field);
    removeEmptyStanzas(cleared);
    return cleared;
  }
}

/** Progress in several storages: written to all, read from the first that has a record. */
export class MultiProgressStorage implements ProgressStorage {
  readonly storages: readonly ProgressStorage[];

  constructor(storages: readonly ProgressStorage[]) {
    this.storages = [...storages];
  }

  fetch(key: string, body: JsonObject): ProgressRecord | undefined {
    for (const storage of this.storages) {
      const record = storage.fetch(key, body);
      if (record !== undefined) return record;
    }
    return undefined;
  }

  store(key: string, record: ProgressRecord, body: JsonObject, patch: ObjectPatch): void {
    for (const storage of this.storages) storage.store(key, record, body, patch);
  }

  purge(key: string, body: JsonObject, patch: ObjectPatch): void {
    for (const storage of this.storages) storage.purge(key, body, patch);
  }

  touch(body: JsonObject, patch: ObjectPatch, value: string | null): void {
    for (const storage of this.storages) storage.touch(body, patch, value);
  }

  clear(essence: JsonObject): JsonObject {
    return this.storages.reduce((cleared, storage) => storage.clear(cleared), essence);
  }
}

/** Options of {@link SmartProgressStorage}: those of both storages it combines. */
export interface SmartProgressOptions extends AnnotationsProgressOptions {
  readonly name?: string;
  readonly field?: FieldSpec;
  readonly touchField?: FieldSpec;
}

/**
 * Kopf's default: records in annotations; records that older versions left
 * in `status.kopf.progress` are still read and purged, but nothing is written
 * to the status.
 */
export class SmartProgressStorage extends MultiProgressStorage {
  constructor(options: SmartProgressOptions = {}) {
    super([
      new AnnotationsProgressStorage({ prefix: options.prefix, verbose: options.verbose, touchKey: options.touchKey, v1: options.v1 }),
      new StatusProgressStorage({ name: options.name, field: options.field, touchField: options.touchField, readOnly: true }),
    ]);
  }
}

/** A progress storage as settings name it (`settings.persistence.progressStorage`). */
export type ProgressStorageChoice =
  | ({ readonly kind: 'annotations' } & AnnotationsProgressOptions)
  | ({ readonly kind: 'status' } & Omit<StatusProgressOptions, 'readOnly'>)
  | ({ readonly kind: 'smart' } & SmartProgressOptions)
  | { readonly kind: 'multi'; readonly storages: readonly ProgressStorageChoice[] };

/** The progress storage that settings name. */
export function createProgressStorage(choice: ProgressStorageChoice): ProgressStorage {
  switch (choice.kind) {
    case 'annotations': return new AnnotationsProgressStorage(choice);
    case 'status': return new StatusProgressStorage({ name: choice.name, field: choice.field, touchField: choice.touchField });
    case 'smart': return new SmartProgressStorage(choice);
    case 'multi': return new MultiProgressStorage(choice.storages.map(createProgressStorage));
  }
}
