import { canonicalJson, jsonEqual } from '../core/json.ts';
import type { ManagedFieldsEntry } from './apply/managed-fields.ts';
import { managedFieldsAfterWrite, managerName } from './apply/ownership.ts';
import { record } from './builtins/define.ts';
import { isTerminating as crdTerminating } from './crd/crd-type.ts';
import {
  ApiError,
  alreadyExists,
  badRequest,
  conflict,
  fieldError,
  forbidden,
  invalid,
  methodNotAllowed,
  notFound,
  qualifiedResource,
  type FieldError,
  type Status,
} from './errors.ts';
import { randomNameSuffix, validateObjectMeta, type FinalizerRule } from './object-meta.ts';
import { apiVersionOf, kindLabel, storageKey, type KubeObject, type ResourceType } from './resource-type.ts';
import { compileFilter } from './selection.ts';
import { formatTime, type ClusterState } from './state.ts';
import { compareKeys, mergeDistinct, type KeyRange } from './bucket.ts';
import { objectKey } from './store.ts';
import { copyJson } from './json-copy.ts';
import { newUid } from './uid.ts';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** The options every write takes (query parameters of the request). */
export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: FieldValidation;
  /** The request's User-Agent: writes without `fieldManager` are recorded under its product name. */
  userAgent?: string;
  /** The managedFields a server-side apply computed; other writes record an `Update` entry instead. */
  managedFields?: ManagedFieldsEntry[];
  /** True for the framework's own internal writes (controllers): no admission, no field validation. */
  internal?: boolean;
}

export interface WriteResult {
  object: KubeObject;
  warnings: string[];
  /** 201 for creations, 200 otherwise. */
  code: 200 | 201;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

/** A run of storage keys in order, and how to read the object of each. */
interface ListSource extends KeyRange {
  objectAt(key: string): KubeObject;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/** How an update reached us: a PUT, or the result of applying a patch. */
interface UpdateMode {
  fromPatch: boolean;
  subresource?: 'status';
}

/**
 * A write decoded, defaulted and prepared, but neither validated nor stored:
 * the point where mutating admission webhooks see and patch the object, and
 * (once validated) validating webhooks see it (apiserver-spec §11, webhooks).
 */
export interface PendingWrite {
  readonly type: ResourceType;
  readonly operation: 'CREATE' | 'UPDATE';
  /** The object to store; admission may replace it. */
  object: KubeObject;
  /** The stored object an update replaces. */
  readonly old: KubeObject | undefined;
  readonly warnings: string[];
  readonly options: WriteOptions;
  readonly subresource: 'status' | undefined;
  readonly fromPatch: boolean;
  /**
   * Whether a PUT named the resourceVersion it updates. A patch's result
   * carries the stored resourceVersion: it is prepared again instead, and a
   * resourceVersion in the patch itself then fails as a conflict.
   */
  readonly precondition: boolean;
  readonly requestedManagedFields: unknown;
  /** The request body of a create, for its managedFields. */
  readonly createBody: KubeObject | undefined;
  readonly metaErrors: FieldError[];
  /**
   * Set when time passed between preparing and committing (an admission
   * webhook ran): the commit then checks that the stored object is still the
   * one the update was prepared against.
   */
  checkStale?: boolean;
}

/**
 * The stored object changed while an admission webhook ran, and the update
 * named no resourceVersion: the caller prepares the write again on the new
 * object, as upstream retries its update loop.
 */
export class StaleWrite extends Error {}

const now = (state: ClusterState) => formatTime(state.now());

/**
 * Upstream's decoding error for a body it cannot even classify:
 * `the object provided is unrecognized (must be of type X): <why> (<start of the body>)`.
 */
export function unrecognizedBody(type: ResourceType, why: string, text: string): ApiError {
  const start = text.length > 30 ? `${text.slice(0, 30)} ...` : text;
  return badRequest(`the object provided is unrecognized (must be of type ${type.kind}): ${why} (${start})`);
}

/** Go's name for the internal package of a group, as conversion errors print it (`core.ConfigMap`, `apps.Deployment`). */
function internalPackage(group: string): string {
  return group === '' ? 'core' : group.split('.')[0];
}

/** Checks a body's apiVersion and kind against the URL's type (apiserver-spec §2.3, §9.3) and fills them in for built-ins. */
function checkTypeMeta(type: ResourceType, obj: KubeObject, state: ClusterState, body: KubeObject): void {
  const expected = apiVersionOf(type);
  if (!type.builtin) {
    const text = JSON.stringify(body);
    if (!obj.kind) throw unrecognizedBody(type, `Object 'Kind' is missing in '${text}'`, text);
    if (obj.apiVersion !== expected) {
      throw badRequest(`the API version in the data (${obj.apiVersion ?? ''}) does not match the expected API version (${expected})`);
    }
    // The CR validator names the object by the kind it claims to be.
    if (obj.kind !== type.kind) {
      throw invalid(`${obj.kind}.${type.group}`, obj.metadata?.name ?? '', [fieldError.invalid('kind', obj.kind, `must be ${type.kind}`)], type.group, obj.kind);
    }
    return;
  }
  const bodyVersion = obj.apiVersion ?? expected;
  const bodyKind = obj.kind ?? type.kind;
  if (bodyVersion !== expected || bodyKind !== type.kind) {
    const [group, version] = bodyVersion.includes('/') ? bodyVersion.split('/') : ['', bodyVersion];
    const known = state.registry.all().find((t) => t.builtin && t.group === group && t.version === version && t.kind === bodyKind);
    if (!known) {
      throw badRequest(`${bodyKind} in version "${type.version}" cannot be handled as a ${type.kind}: no kind "${bodyKind}" is registered for version "${bodyVersion}" in scheme "pkg/runtime/scheme.go:100"`);
    }
    if (bodyKind === type.kind) {
      throw badRequest(`the API version in the data (${bodyVersion}) does not match the expected API version (${expected})`);
    }
    throw badRequest(`${bodyKind} in version "${version}" cannot be handled as a ${type.kind}: converting (${version}.${bodyKind}) to (${internalPackage(type.group)}.${type.kind}): unknown conversion`);
  }
  obj.apiVersion = expected;
  obj.kind = type.kind;
}

/**
 * How often upstream reports each ObjectMeta error: once on create; on
 * update its layered validators check metadata several times, and the
 * Status lists every copy (apiserver-spec §2.4). Clients see one message.
 */
function metaRepeats(type: ResourceType, update: boolean, statusWrite: boolean): { content: number; finalizers: number; immutable: number } {
  if (!update) return { content: 1, finalizers: 1, immutable: 1 };
  const coreGroup = type.builtin && type.group === '';
  if (statusWrite) return { content: 3, finalizers: 1, immutable: 2 };
  return coreGroup ? { content: 4, finalizers: 2, immutable: 2 } : { content: 3, finalizers: 1, immutable: 2 };
}

function repeated(errors: FieldError[], times: number): FieldError[] {
  return errors.flatMap((e) => Array<FieldError>(times).fill(e));
}

/** 422 Invalid whose causes may repeat, as upstream's do; the message names each distinct error once. */
function invalidWithRepeats(type: ResourceType, name: string, errors: FieldError[]): ApiError {
  const distinct = errors.filter((e, i) => errors.findIndex((o) => o.message === e.message) === i);
  const base = invalid(kindLabel(type), name, distinct, type.group, type.kind);
  const causes = errors.map((e) => ({ reason: e.type, message: e.message.slice(e.field.length + 2), field: e.field }));
  return new ApiError(422, 'Invalid', base.message, { ...base.details, causes });
}

/** Built-in groups whose validation accepts any qualified finalizer name, as kube-apiserver 1.32's does. */
const lenientFinalizerGroups = new Set(['coordination.k8s.io', 'policy', 'admissionregistration.k8s.io', 'apiextensions.k8s.io']);

function finalizerRule(type: ResourceType): FinalizerRule {
  if (!type.builtin) return 'warn';
  return lenientFinalizerGroups.has(type.group) ? 'qualified' : 'prefixed';
}

/** Go's `time.Time` in `%v` form, as upstream prints a timestamp in an Invalid value. */
function goTime(value: unknown): string {
  const date = new Date(String(value));
  if (Number.isNaN(date.getTime())) return JSON.stringify(value);
  return date.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' +0000 UTC');
}

/** Owner references with the same uid are collapsed to the first, with upstream's warning (§3.1). */
function dedupOwnerReferences(obj: KubeObject, afterAdmission: boolean): string[] {
  const refs = obj.metadata.ownerReferences;
  if (!Array.isArray(refs)) return [];
  const seen = new Set<string>();
  const duplicates: string[] = [];
  const kept = refs.filter((r) => {
    if (!seen.has(r?.uid)) {
      seen.add(r?.uid);
      return true;
    }
    if (!duplicates.includes(r.uid)) duplicates.push(r.uid);
    return false;
  });
  if (duplicates.length === 0) return [];
  obj.metadata.ownerReferences = kept;
  const when = afterAdmission ? ' after mutating admission happens' : '';
  return [`.metadata.ownerReferences contains duplicate entries${when}; API server dedups owner references in 1.20+, and may reject such requests as early as 1.24; please fix your requests; duplicate UID(s) observed: ${duplicates.join(', ')}`];
}

/**
 * Removes a member if it is there. A `delete` turns a V8 object into a slow
 * dictionary (unless it takes back the member added last), which every later
 * read and copy of the object pays for: deleting what is not there is avoided.
 */
function removeMember(target: object, key: string): void {
  if (Object.hasOwn(target, key)) delete (target as Record<string, unknown>)[key];
}

/** Sets a member, or removes it for an undefined value. */
/** The `metadata.managedFields` a write's body sent, if it sent any. */
function managedFieldsOf(body: KubeObject): unknown {
  const meta: unknown = body.metadata;
  return meta && typeof meta === 'object' ? (meta as Record<string, unknown>).managedFields : undefined;
}

/**
 * A deep copy of a write's body without `metadata.managedFields`: the write
 * path records its own (from the stored ones or from those the body sent,
 * read as they are), so copying them would be wasted work on every patch,
 * whose body carries the stored list back.
 */
function copyWithoutManagedFields(body: KubeObject): KubeObject {
  if (managedFieldsOf(body) === undefined) return copyJson(body);
  const { managedFields: _sent, ...metadata } = body.metadata;
  return copyJson({ ...body, metadata });
}

function setOrRemove(target: object, key: string, value: unknown): void {
  if (value === undefined) removeMember(target, key);
  else (target as Record<string, unknown>)[key] = value;
}

/** Go drops empty lists and maps of ObjectMeta (`omitempty`); built-ins round-trip through it. */
function dropEmptyMetadataFields(obj: KubeObject): void {
  for (const field of ['finalizers', 'ownerReferences', 'labels', 'annotations'] as const) {
    const value = obj.metadata[field];
    if (value !== undefined && (value === null || Object.keys(value).length === 0)) delete obj.metadata[field];
  }
}

function checkNamespace(type: ResourceType, namespace: string | undefined, obj: KubeObject): void {
  if (!type.namespaced) {
    removeMember(obj.metadata, 'namespace');
    return;
  }
  if (!obj.metadata.namespace) obj.metadata.namespace = namespace;
  else if (obj.metadata.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
}

/** The object as seen through a version of its resource (CRD conversion `None` only rewrites apiVersion). */
export function atVersion(obj: KubeObject, type: ResourceType): KubeObject {
  if (type.sharedStorage) return type.sharedStorage.fromStorage(obj);
  const apiVersion = apiVersionOf(type);
  return obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
}

function toStorageVersion(obj: KubeObject, type: ResourceType): KubeObject {
  if (type.sharedStorage) return type.sharedStorage.toStorage(obj);
  const apiVersion = apiVersionOf({ group: type.group, version: type.storageVersion });
  // The store copies what it stores: an object already at the storage version goes in as it is.
  return obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
}

/** Everything but metadata (and status, where it is a subresource): what generation counts (§3.1). */
function generationView(obj: KubeObject, type: ResourceType): unknown {
  const { metadata, status, apiVersion: _v, kind: _k, ...rest } = obj;
  const view: Record<string, unknown> = { ...rest };
  if (!type.status) view.status = status;
  if (type.generationCountsAnnotations) view.annotations = metadata.annotations ?? {};
  return view;
}

/**
 * Whether a write changes nothing: everything but resourceVersion is equal
 * (managed-field times move only with a change). Compared in place, without
 * copying or serializing either side.
 */
function sameExceptResourceVersion(obj: KubeObject, stored: KubeObject): boolean {
  return equalExcept(obj, stored, 'metadata') && equalExcept(obj.metadata, stored.metadata, 'resourceVersion');
}

/** Whether two JSON objects have equal members, one key left out (undefined members count as absent). */
function equalExcept(a: object, b: object, left: string): boolean {
  const aMembers = a as Record<string, unknown>;
  const bMembers = b as Record<string, unknown>;
  // Every member of a equal in b, and as many members in b: the same members.
  let count = 0;
  for (const key of Object.keys(aMembers)) {
    if (key === left || aMembers[key] === undefined) continue;
    if (!jsonEqual(aMembers[key], bMembers[key])) return false;
    count++;
  }
  for (const key of Object.keys(bMembers)) if (key !== left && bMembers[key] !== undefined) count--;
  return count === 0;
}

/**
 * The REST semantics of the embedded API server, independent of HTTP: what
 * create, update, patch results, get and list do to objects (apiserver-spec
 * §2–§6). Deletion lives in `deletion.ts`.
 */
export class ObjectApi {
  constructor(private readonly state: ClusterState) {}

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const obj = this.state.store.get(storageKey(type), objectKey(type.namespaced ? namespace : undefined, name));
    if (!obj) throw notFound(type, name);
    return atVersion(obj, type);
  }

  tryGet(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const obj = this.state.store.get(storageKey(type), objectKey(type.namespaced ? namespace : undefined, name));
    return obj && atVersion(obj, type);
  }

  list(type: ResourceType, namespace: string | undefined, options: ListOptions = {}): ListResult {
    const filter = compileFilter(type, options.labelSelector, options.fieldSelector);
    const store = this.state.store;
    let listRv = store.currentRevision;
    let afterKey: string | undefined;
    if (options.continue) {
      const token = decodeContinue(options.continue);
      // A token from before the retained history can no longer give a consistent list (§8.2).
      if (token.rv !== latestRevision && !store.retainsHistorySince(token.rv)) throw new ExpiredContinueError(encodeContinue(latestRevision, token.key));
      listRv = token.rv === latestRevision ? store.currentRevision : token.rv;
      afterKey = token.key;
    } else if (options.resourceVersionMatch === 'Exact') {
      listRv = Number(options.resourceVersion);
      if (!store.retainsHistorySince(listRv)) throw new ApiError(410, 'Expired', 'The resourceVersion for the provided list is too old.');
    }
    const source = this.readAt(type, namespace, listRv, afterKey);
    const items: KubeObject[] = [];
    let remaining = 0;
    let lastKey: string | undefined;
    // A list at resourceVersion "0" is served from upstream's watch cache, which ignores the limit.
    const honourLimit = options.limit && options.limit > 0 && !(options.resourceVersion === '0' && !options.continue);
    const limit = honourLimit ? options.limit! : Infinity;
    for (let i = source.start; i < source.end; i++) {
      if (items.length >= limit) {
        remaining = source.end - i;
        break;
      }
      const key = source.keys[i];
      const obj = source.objectAt(key);
      if (!filter(obj)) continue;
      items.push(atVersion(obj, type));
      lastKey = key;
    }
    const result: ListResult = { items, resourceVersion: String(listRv) };
    // Upstream reads storage in pages of `limit` keys: any key after the page means more may follow, matching or not.
    if (remaining > 0 && lastKey !== undefined) {
      result.continue = encodeContinue(listRv, lastKey);
      // Upstream knows the remaining count only for unfiltered lists.
      if (!options.labelSelector && !options.fieldSelector) result.remainingItemCount = remaining;
    }
    return result;
  }

  /**
   * The keys of a list's scope after `afterKey`, in storage order, and their
   * objects as they were at revision `rv` (retained in history): the live
   * objects with the changes since `rv` undone. Upstream reads etcd at that
   * revision, for a list at an exact resourceVersion and for every later page
   * of a paginated list (§8.2, §8.3).
   */
  private readAt(type: ResourceType, namespace: string | undefined, rv: number, afterKey: string | undefined): ListSource {
    const store = this.state.store;
    const bucket = storageKey(type);
    const scope = type.namespaced ? namespace || undefined : undefined;
    const live = store.range(bucket, scope, afterKey);
    const liveObject = (key: string) => store.get(bucket, key)!;
    if (rv >= store.currentRevision) return { ...live, objectAt: liveObject };
    const prefix = scope ? `${scope}/` : '';
    // The first change of a key after `rv` holds its state at `rv`: none when it was created since.
    const then = new Map<string, KubeObject | undefined>();
    for (const change of store.changesSince(rv, bucket)!) {
      if (then.has(change.key) || !change.key.startsWith(prefix) || (afterKey !== undefined && change.key <= afterKey)) continue;
      then.set(change.key, change.type === 'ADDED' ? undefined : change.previous);
    }
    if (then.size === 0) return { ...live, objectAt: liveObject };
    const unchanged = live.keys.slice(live.start, live.end).filter((key) => !then.has(key));
    const keys = mergeDistinct(unchanged, [...then.keys()].filter((key) => then.get(key)).sort(compareKeys));
    return { keys, start: 0, end: keys.length, objectAt: (key) => (then.has(key) ? then.get(key)! : liveObject(key)) };
  }

  create(type: ResourceType, namespace: string | undefined, body: KubeObject, options: WriteOptions = {}): WriteResult {
    const pending = this.prepareCreate(type, namespace, body, options);
    this.validatePending(pending);
    return this.commit(pending);
  }

  /** Every step of a create up to validation: decoded, defaulted, named (the mutating admission point). */
  prepareCreate(type: ResourceType, namespace: string | undefined, body: KubeObject, options: WriteOptions = {}): PendingWrite {
    if (!type.verbs.includes('create')) {
      if (!type.builtin) throw methodNotAllowed('create not allowed while custom resource definition is terminating', { group: type.group, kind: type.plural });
      throw methodNotAllowed(`create is not supported on resources of kind "${qualifiedResource(type)}"`, { group: type.group, kind: type.plural });
    }
    const warnings: string[] = [];
    const requestedManagedFields = managedFieldsOf(body);
    let obj = copyWithoutManagedFields(body);
    obj.metadata ??= {};
    checkTypeMeta(type, obj, this.state, body);
    checkNamespace(type, namespace, obj);
    const meta = obj.metadata;
    if (meta.resourceVersion !== undefined && meta.resourceVersion !== '' && /^\d+$/.test(String(meta.resourceVersion)) && Number(meta.resourceVersion) !== 0) {
      throw new ApiError(500, '', 'resourceVersion should not be set on objects to be created');
    }
    removeMember(meta, 'resourceVersion');
    if (!meta.name && !meta.generateName) {
      const required = invalid(kindLabel(type), '', [fieldError.required('metadata.name', 'name or generateName is required')], type.group, type.kind);
      // Go omits the empty name from the details.
      throw new ApiError(422, 'Invalid', required.message, { kind: required.details!.kind, group: required.details!.group, causes: required.details!.causes });
    }
    if (type.namespaced) this.checkNamespaceOpen(type, obj);
    if (!type.builtin && type.crdName) {
      const crd = this.state.store.get('apiextensions.k8s.io/customresourcedefinitions', type.crdName);
      if (crd && crdTerminating(crd)) {
        throw methodNotAllowed('create not allowed while custom resource definition is terminating', { group: type.group, kind: type.plural });
      }
    }
    meta.uid = newUid();
    meta.creationTimestamp = now(this.state);
    removeMember(meta, 'deletionTimestamp');
    removeMember(meta, 'deletionGracePeriodSeconds');
    if (type.tracksGeneration) meta.generation = 1;

    obj = this.pruneAndDefault(type, obj, options, warnings, 'create');
    type.strategy.prepareForCreate?.(obj, this.state.services);
    if (type.status) {
      if (type.builtin) {
        const initial = type.strategy.initialStatus?.(obj);
        setOrRemove(obj, 'status', initial);
      } else removeMember(obj, 'status');
    }
    warnings.push(...dedupOwnerReferences(obj, false));
    if (type.builtin) dropEmptyMetadataFields(obj);

    const bucket = storageKey(type);
    const store = this.state.store;
    if (!meta.name) {
      // The name is generated before validation, so a bad prefix is reported on both fields (§3.1).
      const prefix = meta.generateName!.slice(0, 58);
      for (let attempt = 0; attempt < 8 && !meta.name; attempt++) {
        const candidate = prefix + randomNameSuffix();
        if (!store.get(bucket, objectKey(meta.namespace, candidate))) meta.name = candidate;
      }
      if (!meta.name) {
        const e = alreadyExists(type, prefix);
        throw new ApiError(409, 'AlreadyExists', `${e.message}, the server was not able to generate a unique name for the object`, { ...e.details, retryAfterSeconds: 1 });
      }
    }
    return {
      type, operation: 'CREATE', object: obj, old: undefined, warnings, options, subresource: undefined, fromPatch: false,
      precondition: false, requestedManagedFields, createBody: body, metaErrors: [],
    };
  }

  /** Schema, metadata and kind validation of a prepared write (the validating admission point follows). */
  validatePending(pending: PendingWrite): void {
    this.validate(pending.type, pending.object, pending.old, pending.subresource === 'status', pending.warnings, pending.metaErrors);
  }

  /** Applies schema defaults again, after a mutating webhook patched the object; unknown fields are kept (§11). */
  defaultAgain(pending: PendingWrite): void {
    pending.object = this.state.schemas.applyDefaults(pending.type, pending.object);
  }

  /**
   * Drops the fields a custom resource's schema does not know, after the
   * validating webhooks saw them: upstream stores them and prunes them on
   * every read, which clients cannot tell from this.
   */
  pruneForStorage(pending: PendingWrite): void {
    if (pending.type.schema) pending.object = this.state.schemas.prune(pending.type, pending.object).value;
  }

  /** Stores a validated write (or, for dryRun, answers what would be stored). */
  commit(pending: PendingWrite): WriteResult {
    return pending.operation === 'CREATE' ? this.commitCreate(pending) : this.commitUpdate(pending);
  }

  private commitCreate(pending: PendingWrite): WriteResult {
    const { type, object: obj, warnings, options } = pending;
    const meta = obj.metadata;
    const bucket = storageKey(type);
    const store = this.state.store;
    this.recordManagedFields(type, undefined, obj, pending.requestedManagedFields, options, undefined, pending.createBody);
    const key = objectKey(meta.namespace, meta.name!);
    const existing = store.get(bucket, key);
    if (existing) throw alreadyExists(type, meta.name!, !!existing.metadata.deletionTimestamp);
    if (options.dryRun) return { object: obj, warnings, code: 201 };
    const stored = store.create(bucket, key, toStorageVersion(obj, type));
    return { object: atVersion(stored, type), warnings, code: 201 };
  }

  /** PUT of an object or its status; also the last step of every patch. */
  update(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: KubeObject,
    options: WriteOptions = {},
    mode: UpdateMode = { fromPatch: false },
  ): WriteResult {
    const pending = this.prepareUpdate(type, namespace, name, body, options, mode);
    this.validatePending(pending);
    return this.commit(pending);
  }

  /**
   * Every step of a PUT (or of a patch's result) up to validation; a PUT
   * that creates (kinds with createOnUpdate) prepares a create.
   */
  prepareUpdate(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: KubeObject,
    options: WriteOptions = {},
    mode: UpdateMode = { fromPatch: false },
  ): PendingWrite {
    const warnings: string[] = [];
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('the body of the request was not a JSON object');
    const requestedManagedFields = managedFieldsOf(body);
    let obj = copyWithoutManagedFields(body);
    obj.metadata ??= {};
    checkTypeMeta(type, obj, this.state, body);
    if (!obj.metadata.name) {
      throw badRequest(`the name of the object (${name} based on URL) was undeterminable: name must be provided`);
    }
    if (obj.metadata.name !== name) throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    checkNamespace(type, namespace, obj);
    const bucket = storageKey(type);
    const key = objectKey(type.namespaced ? namespace : undefined, name);
    const stored = this.state.store.get(bucket, key);
    if (!stored) {
      if (type.createOnUpdate && !mode.subresource && !mode.fromPatch) {
        // The resourceVersion of a PUT that creates is a precondition on nothing: upstream drops it.
        delete obj.metadata.resourceVersion;
        return this.prepareCreate(type, namespace, obj, options);
      }
      throw notFound(type, name);
    }
    const old = atVersion(stored, type);
    const meta = obj.metadata;

    const rv = meta.resourceVersion;
    if (rv !== undefined && rv !== '') {
      if (rv !== old.metadata.resourceVersion) throw conflict(type, name);
    } else if (type.requiresResourceVersionOnUpdate && !mode.fromPatch) {
      // Upstream prints the missing value as Go's hex zero and names the resource where the kind would be.
      const missing: FieldError = { type: 'FieldValueInvalid', field: 'metadata.resourceVersion', message: 'metadata.resourceVersion: Invalid value: 0x0: must be specified for an update' };
      throw invalid(qualifiedResource(type), name, [missing], type.group, type.plural);
    }
    if (meta.uid && meta.uid !== old.metadata.uid) {
      if (mode.fromPatch) {
        const immutable = fieldError.invalid('metadata.uid', meta.uid, 'field is immutable');
        throw invalidWithRepeats(type, name, repeated([immutable], metaRepeats(type, true, !!mode.subresource).immutable));
      }
      throw conflict(type, name, `StorageError: invalid object, Code: 4, Key: /registry/${type.group ? `${type.group}/` : ''}${type.plural}/${key}, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${old.metadata.uid}`);
    }
    const metaErrors: FieldError[] = [];
    if (old.metadata.deletionTimestamp) {
      if (meta.deletionGracePeriodSeconds !== undefined && meta.deletionGracePeriodSeconds !== old.metadata.deletionGracePeriodSeconds) {
        metaErrors.push(fieldError.invalid('metadata.deletionGracePeriodSeconds', meta.deletionGracePeriodSeconds, 'field is immutable'));
      }
    } else if (meta.deletionTimestamp) {
      metaErrors.push({ type: 'FieldValueInvalid', field: 'metadata.deletionTimestamp', message: `metadata.deletionTimestamp: Invalid value: ${goTime(meta.deletionTimestamp)}: field is immutable` });
    }
    // Server-owned fields always come from the stored object.
    meta.uid = old.metadata.uid;
    meta.creationTimestamp = old.metadata.creationTimestamp;
    setOrRemove(meta, 'deletionTimestamp', old.metadata.deletionTimestamp);
    setOrRemove(meta, 'deletionGracePeriodSeconds', old.metadata.deletionGracePeriodSeconds);
    setOrRemove(meta, 'generation', old.metadata.generation);

    if (mode.subresource === 'status') {
      obj = this.statusOnly(type, old, obj);
    } else if (type.status) {
      setOrRemove(obj, 'status', old.status);
    }
    if (!mode.subresource) {
      obj = this.pruneAndDefault(type, obj, options, warnings, mode.fromPatch ? 'patch' : 'update');
      type.strategy.prepareForUpdate?.(obj, old, this.state.services);
    }
    if (old.metadata.deletionTimestamp) {
      const added = (obj.metadata.finalizers ?? []).filter((f) => !(old.metadata.finalizers ?? []).includes(f));
      if (added.length) {
        metaErrors.push(fieldError.forbidden('metadata.finalizers', `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`));
      }
    }
    warnings.push(...dedupOwnerReferences(obj, mode.fromPatch));
    if (type.builtin) dropEmptyMetadataFields(obj);
    // Until the write records its own, the object keeps the stored managers; pruning and defaulting had no need to walk them.
    setOrRemove(obj.metadata, 'managedFields', old.metadata.managedFields);
    return {
      type, operation: 'UPDATE', object: obj, old, warnings, options, subresource: mode.subresource, fromPatch: mode.fromPatch,
      precondition: !mode.fromPatch && rv !== undefined && rv !== '', requestedManagedFields, createBody: undefined, metaErrors,
    };
  }

  private commitUpdate(pending: PendingWrite): WriteResult {
    const { type, warnings, options } = pending;
    const obj = pending.object;
    const old = pending.old!;
    const name = old.metadata.name!;
    const bucket = storageKey(type);
    const key = objectKey(old.metadata.namespace, name);
    if (pending.checkStale && this.state.store.get(bucket, key)?.metadata.resourceVersion !== old.metadata.resourceVersion) {
      if (pending.precondition) throw conflict(type, name);
      throw new StaleWrite();
    }
    if (type.tracksGeneration && pending.subresource !== 'status' && old.metadata.generation !== undefined) {
      if (!jsonEqual(generationView(obj, type), generationView(old, type))) obj.metadata.generation = old.metadata.generation + 1;
    }
    this.recordManagedFields(type, old, obj, pending.requestedManagedFields, options, pending.subresource);
    if (sameExceptResourceVersion(obj, old)) return { object: old, warnings, code: 200 };
    obj.metadata.resourceVersion = old.metadata.resourceVersion;

    const finalizers = obj.metadata.finalizers ?? [];
    if (obj.metadata.deletionTimestamp && finalizers.length === 0 && !obj.metadata.deletionGracePeriodSeconds) {
      // The last finalizer is gone: the object is removed instead of updated (§3.3).
      if (!options.dryRun) this.state.store.remove(bucket, key);
      return { object: obj, warnings, code: 200 };
    }
    if (options.dryRun) return { object: obj, warnings, code: 200 };
    const written = this.state.store.update(bucket, key, toStorageVersion(obj, type));
    return { object: atVersion(written, type), warnings, code: 200 };
  }

  /** The cluster's clock as `metav1.Time`, as managedFields record it. */
  timestamp(): string {
    return now(this.state);
  }

  /** Records who owns which fields after this write; a server-side apply brings its own record (§3.1, §5.4). */
  private recordManagedFields(
    type: ResourceType,
    old: KubeObject | undefined,
    obj: KubeObject,
    requested: unknown,
    options: WriteOptions,
    subresource: 'status' | undefined,
    createBody?: KubeObject,
  ): void {
    const manager = managerName(options.fieldManager, options.userAgent, options.internal === true);
    const managedFields = options.managedFields ?? managedFieldsAfterWrite(type, old, obj, { manager, subresource, now: now(this.state), requested, createBody });
    setOrRemove(obj.metadata, 'managedFields', managedFields?.length ? managedFields : undefined);
  }

  /** Through `/status` only the status changes (Pods and Namespaces also keep label and annotation changes, §6.1). */
  private statusOnly(type: ResourceType, old: KubeObject, incoming: KubeObject): KubeObject {
    const result: KubeObject = copyJson(old);
    setOrRemove(result, 'status', incoming.status);
    if (type.builtin && type.group === '' && (type.plural === 'pods' || type.plural === 'namespaces')) {
      setOrRemove(result.metadata, 'labels', incoming.metadata.labels);
      setOrRemove(result.metadata, 'annotations', incoming.metadata.annotations);
    }
    return result;
  }

  private pruneAndDefault(type: ResourceType, obj: KubeObject, options: WriteOptions, warnings: string[], verb: 'create' | 'update' | 'patch'): KubeObject {
    const { value, unknownFields } = this.state.schemas.prune(type, obj);
    const mode = options.internal ? 'Ignore' : (options.fieldValidation ?? 'Warn');
    if (unknownFields.length && mode === 'Strict') {
      const list = unknownFields.map((f) => `unknown field "${f}"`).join(', ');
      if (verb === 'patch') {
        // Upstream reports the patched object as the bad value, under an empty kind and name.
        const cause = `Invalid value: ${JSON.stringify(canonicalJson(obj))}: strict decoding error: ${list}`;
        throw new ApiError(422, 'Invalid', ` "" is invalid: patch: ${cause}`, { causes: [{ reason: 'FieldValueInvalid', message: cause, field: 'patch' }] });
      }
      throw badRequest(`${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: strict decoding error: ${list}`);
    }
    if (unknownFields.length && mode === 'Warn') warnings.push(...unknownFields.map((f) => `unknown field "${f}"`));
    return this.state.schemas.applyDefaults(type, value);
  }

  private validate(type: ResourceType, obj: KubeObject, old: KubeObject | undefined, statusWrite: boolean, warnings: string[], immutable: FieldError[] = []): void {
    const meta = validateObjectMeta(obj.metadata, type.nameRule, finalizerRule(type));
    if (meta.warnings.length) warnings.push(...meta.warnings);
    const schemaErrors = this.state.schemas.validate(type, obj, old);
    const kindErrors = type.strategy.validate?.(obj, { operation: old ? 'update' : 'create', old, statusWrite }) ?? [];
    // Almost every write is valid: the errors are put together only when there are some.
    if (immutable.length + meta.content.length + meta.finalizers.length + schemaErrors.length + kindErrors.length === 0) return;
    const repeats = metaRepeats(type, old !== undefined, statusWrite);
    const errors = [
      ...repeated(immutable, repeats.immutable),
      ...repeated(meta.content, repeats.content),
      ...repeated(meta.finalizers, repeats.finalizers),
      ...schemaErrors,
      ...kindErrors,
    ];
    throw invalidWithRepeats(type, obj.metadata.name ?? '', errors);
  }

  /** Creation into a missing namespace is 404, into a terminating one 403 (§10). */
  private checkNamespaceOpen(type: ResourceType, obj: KubeObject): void {
    const ns = obj.metadata.namespace!;
    const nsObj = this.state.store.get('/namespaces', ns);
    if (!nsObj) throw notFound({ group: '', plural: 'namespaces' }, ns);
    if (record(nsObj.status)?.phase === 'Terminating' || nsObj.metadata.deletionTimestamp) {
      throw forbidden(
        `${qualifiedResource(type)} "${obj.metadata.name ?? obj.metadata.generateName ?? ''}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
        {
          name: obj.metadata.name ?? obj.metadata.generateName,
          group: type.group || undefined,
          kind: type.plural,
          causes: [{ reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' }],
        },
      );
    }
  }
}

/** The revision of a continue token that resumes at the latest state, as upstream marks it. */
const latestRevision = -1;

/**
 * 410 for a continue token older than the retained history. Its Status
 * carries a token that resumes the list at the latest state, as upstream's does.
 */
class ExpiredContinueError extends ApiError {
  constructor(private readonly resumeToken: string) {
    super(
      410,
      'Expired',
      'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, ' +
        'or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an ' +
        'inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
    );
  }

  override toStatus(): Status {
    // Status.metadata (errors.ts) is typed as always empty; this is the one Status whose ListMeta has content.
    return { ...super.toStatus(), metadata: { continue: this.resumeToken } as unknown as Status['metadata'] };
  }
}

interface ContinueToken {
  rv: number;
  key: string;
}

function encodeContinue(rv: number, key: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: key })).toString('base64url');
}

function decodeContinue(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString());
    if (typeof parsed.rv === 'number' && typeof parsed.start === 'string') return { rv: parsed.rv, key: parsed.start };
  } catch {
    // fall through to the error below
  }
  throw badRequest(`invalid continue token: ${token}`);
}
