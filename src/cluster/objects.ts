import { randomUUID } from 'node:crypto';
import { canonicalJson, jsonEqual } from '../core/json.ts';
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
} from './errors.ts';
import { randomNameSuffix, validateObjectMeta } from './object-meta.ts';
import { apiVersionOf, kindLabel, storageKey, type KubeObject, type ResourceType } from './resource-type.ts';
import { compileFilter } from './selection.ts';
import { formatTime, type ClusterState } from './state.ts';
import { objectKey } from './store.ts';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** The options every write takes (query parameters of the request). */
export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: FieldValidation;
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

const now = (state: ClusterState) => formatTime(state.now());

/** Upstream's 400 for a body whose apiVersion does not match the URL (apiserver-spec §2.3). */
function checkTypeMeta(type: ResourceType, obj: KubeObject, state: ClusterState): void {
  const expected = apiVersionOf(type);
  if (!type.builtin) {
    if (!obj.kind) throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(obj)}'`);
    if (!obj.apiVersion) throw badRequest(`Object 'apiVersion' is missing in '${JSON.stringify(obj)}'`);
    const errors: FieldError[] = [];
    if (obj.kind !== type.kind) errors.push(fieldError.invalid('kind', obj.kind, `must be ${type.kind}`));
    if (obj.apiVersion !== expected) errors.push(fieldError.invalid('apiVersion', obj.apiVersion, `must be ${expected}`));
    if (errors.length) throw invalid(kindLabel(type), obj.metadata?.name ?? '', errors, type.group, type.kind);
    return;
  }
  if (obj.apiVersion && obj.apiVersion !== expected) {
    const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
    const registered = state.registry.find(group, version, type.plural);
    if (registered && (!obj.kind || obj.kind === type.kind)) {
      throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${expected})`);
    }
    throw badRequest(`${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: no kind "${obj.kind ?? type.kind}" is registered for version "${obj.apiVersion}" in scheme "pkg/runtime/scheme.go:100"`);
  }
  obj.apiVersion = expected;
  obj.kind = type.kind;
}

function checkNamespace(type: ResourceType, namespace: string | undefined, obj: KubeObject): void {
  if (!type.namespaced) {
    delete obj.metadata.namespace;
    return;
  }
  if (!obj.metadata.namespace) obj.metadata.namespace = namespace;
  else if (obj.metadata.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
}

/** The object as seen through a version of its resource (CRD conversion `None` only rewrites apiVersion). */
export function atVersion(obj: KubeObject, type: ResourceType): KubeObject {
  const apiVersion = apiVersionOf(type);
  return obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
}

function toStorageVersion(obj: KubeObject, type: ResourceType): KubeObject {
  return { ...obj, apiVersion: apiVersionOf({ group: type.group, version: type.storageVersion }) };
}

/** Everything but metadata (and status, where it is a subresource): what generation counts (§3.1). */
function generationView(obj: KubeObject, type: ResourceType): unknown {
  const { metadata, status, apiVersion: _v, kind: _k, ...rest } = obj;
  const view: Record<string, unknown> = { ...rest };
  if (!type.status) view.status = status;
  if (type.generationCountsAnnotations) view.annotations = metadata.annotations ?? {};
  return view;
}

/** The parts of an object that make a write a real change: all but resourceVersion and managed-field times. */
function changeView(obj: KubeObject): string {
  const { resourceVersion: _rv, managedFields: _mf, ...meta } = obj.metadata;
  return canonicalJson({ ...obj, metadata: meta });
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
      listRv = token.rv;
      afterKey = token.key;
    }
    const all = store.list(storageKey(type), type.namespaced ? namespace : undefined);
    const items: KubeObject[] = [];
    let remaining = 0;
    let lastKey: string | undefined;
    const limit = options.limit && options.limit > 0 ? options.limit : Infinity;
    for (const obj of all) {
      const key = objectKey(obj.metadata.namespace, obj.metadata.name!);
      if (afterKey !== undefined && key <= afterKey) continue;
      if (!filter(obj)) continue;
      if (items.length < limit) {
        items.push(atVersion(obj, type));
        lastKey = key;
      } else remaining++;
    }
    const result: ListResult = { items, resourceVersion: String(listRv) };
    if (remaining > 0 && lastKey !== undefined) {
      result.continue = encodeContinue(listRv, lastKey);
      // Upstream knows the remaining count only for unfiltered lists.
      if (!options.labelSelector && !options.fieldSelector) result.remainingItemCount = remaining;
    }
    return result;
  }

  create(type: ResourceType, namespace: string | undefined, body: KubeObject, options: WriteOptions = {}): WriteResult {
    if (!type.verbs.includes('create')) {
      if (!type.builtin) throw methodNotAllowed('create not allowed while custom resource definition is terminating', { group: type.group, kind: type.plural });
      throw methodNotAllowed(`create is not supported on resources of kind "${qualifiedResource(type)}"`, { group: type.group, kind: type.plural });
    }
    const warnings: string[] = [];
    let obj = structuredClone(body);
    obj.metadata ??= {};
    checkTypeMeta(type, obj, this.state);
    checkNamespace(type, namespace, obj);
    const meta = obj.metadata;
    if (meta.resourceVersion !== undefined && meta.resourceVersion !== '' && /^\d+$/.test(String(meta.resourceVersion)) && Number(meta.resourceVersion) !== 0) {
      throw new ApiError(500, '', 'resourceVersion should not be set on objects to be created');
    }
    delete meta.resourceVersion;
    if (!meta.name && !meta.generateName) {
      throw invalid(kindLabel(type), '', [fieldError.required('metadata.name', 'name or generateName is required')], type.group, type.kind);
    }
    if (type.namespaced) this.checkNamespaceOpen(type, obj);
    if (!type.builtin && type.crdName) {
      const crd = this.state.store.get('apiextensions.k8s.io/customresourcedefinitions', type.crdName);
      if (crd && crdTerminating(crd)) {
        throw methodNotAllowed('create not allowed while custom resource definition is terminating', { group: type.group, kind: type.plural });
      }
    }
    meta.uid = randomUUID();
    meta.creationTimestamp = now(this.state);
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (type.tracksGeneration) meta.generation = 1;
    delete meta.managedFields;

    obj = this.pruneAndDefault(type, obj, options, warnings, 'create');
    type.strategy.prepareForCreate?.(obj, this.state.services);
    if (type.status) {
      if (type.builtin) {
        const initial = type.strategy.initialStatus?.(obj);
        if (initial === undefined) delete obj.status;
        else obj.status = initial;
      } else delete obj.status;
    }
    this.validate(type, obj, undefined, false, warnings);

    const bucket = storageKey(type);
    const store = this.state.store;
    if (!meta.name) {
      const prefix = meta.generateName!.slice(0, 58);
      for (let attempt = 0; attempt < 8 && !meta.name; attempt++) {
        const candidate = prefix + randomNameSuffix();
        if (!store.get(bucket, objectKey(meta.namespace, candidate))) meta.name = candidate;
      }
      if (!meta.name) {
        const e = alreadyExists(type, prefix);
        throw new ApiError(409, 'AlreadyExists', `${e.message}, the server was not able to generate a unique name for the object`, { ...e.details, retryAfterSeconds: 1 });
      }
      const nameErrors = validateObjectMeta({ name: meta.name }, type.nameRule, type.builtin).errors;
      if (nameErrors.length) throw invalid(kindLabel(type), meta.name, nameErrors, type.group, type.kind);
    }
    const key = objectKey(meta.namespace, meta.name);
    const existing = store.get(bucket, key);
    if (existing) throw alreadyExists(type, meta.name, !!existing.metadata.deletionTimestamp);
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
    const warnings: string[] = [];
    let obj = structuredClone(body);
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw badRequest('the body of the request was not a JSON object');
    obj.metadata ??= {};
    checkTypeMeta(type, obj, this.state);
    if (!obj.metadata.name) {
      throw badRequest(`the name of the object (${name} based on URL) was undeterminable: name must be provided`);
    }
    if (obj.metadata.name !== name) throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    checkNamespace(type, namespace, obj);
    const bucket = storageKey(type);
    const key = objectKey(type.namespaced ? namespace : undefined, name);
    const stored = this.state.store.get(bucket, key);
    if (!stored) {
      if (type.createOnUpdate && !mode.subresource && !mode.fromPatch) return this.create(type, namespace, obj, options);
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
      throw invalid(qualifiedResource(type), name, [missing], type.group, type.kind);
    }
    if (meta.uid && meta.uid !== old.metadata.uid) {
      if (mode.fromPatch) {
        throw invalid(kindLabel(type), name, [fieldError.invalid('metadata.uid', meta.uid, 'field is immutable')], type.group, type.kind);
      }
      throw conflict(type, name, `StorageError: invalid object, Code: 4, Key: /registry/${type.group ? `${type.group}/` : ''}${type.plural}/${key}, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${old.metadata.uid}`);
    }
    const metaErrors: FieldError[] = [];
    if (old.metadata.deletionTimestamp) {
      if (meta.deletionGracePeriodSeconds !== undefined && meta.deletionGracePeriodSeconds !== old.metadata.deletionGracePeriodSeconds) {
        metaErrors.push(fieldError.invalid('metadata.deletionGracePeriodSeconds', meta.deletionGracePeriodSeconds, 'field is immutable'));
      }
    } else if (meta.deletionTimestamp) {
      metaErrors.push(fieldError.invalid('metadata.deletionTimestamp', meta.deletionTimestamp, 'field is immutable; may only be changed via deletion'));
    }
    // Server-owned fields always come from the stored object.
    meta.uid = old.metadata.uid;
    meta.creationTimestamp = old.metadata.creationTimestamp;
    meta.deletionTimestamp = old.metadata.deletionTimestamp;
    meta.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
    if (meta.deletionTimestamp === undefined) delete meta.deletionTimestamp;
    if (meta.deletionGracePeriodSeconds === undefined) delete meta.deletionGracePeriodSeconds;
    meta.generation = old.metadata.generation;
    if (meta.generation === undefined) delete meta.generation;
    meta.managedFields = old.metadata.managedFields;
    if (meta.managedFields === undefined) delete meta.managedFields;

    if (mode.subresource === 'status') {
      obj = this.statusOnly(type, old, obj);
    } else if (type.status) {
      if (old.status === undefined) delete obj.status;
      else obj.status = old.status;
    }
    if (!mode.subresource) {
      obj = this.pruneAndDefault(type, obj, options, warnings, mode.fromPatch ? 'patch' : 'update');
      type.strategy.prepareForUpdate?.(obj, old, this.state.services);
    }
    if (old.metadata.deletionTimestamp) {
      const added = (obj.metadata.finalizers ?? []).filter((f) => !(old.metadata.finalizers ?? []).includes(f));
      if (added.length) {
        const e = fieldError.forbidden('metadata.finalizers', `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`);
        metaErrors.push(e, e);
      }
    }
    this.validate(type, obj, old, mode.subresource === 'status', warnings, metaErrors);

    if (type.tracksGeneration && mode.subresource !== 'status' && old.metadata.generation !== undefined) {
      if (!jsonEqual(generationView(obj, type), generationView(old, type))) obj.metadata.generation = old.metadata.generation + 1;
    }
    if (changeView(obj) === changeView(old)) return { object: old, warnings, code: 200 };
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

  /** Through `/status` only the status changes (Pods also keep label and annotation changes, §6.1). */
  private statusOnly(type: ResourceType, old: KubeObject, incoming: KubeObject): KubeObject {
    const result: KubeObject = structuredClone(old);
    if (incoming.status === undefined) delete result.status;
    else result.status = incoming.status;
    if (type.builtin && type.group === '' && type.plural === 'pods') {
      result.metadata.labels = incoming.metadata.labels;
      result.metadata.annotations = incoming.metadata.annotations;
      if (result.metadata.labels === undefined) delete result.metadata.labels;
      if (result.metadata.annotations === undefined) delete result.metadata.annotations;
    }
    return result;
  }

  private pruneAndDefault(type: ResourceType, obj: KubeObject, options: WriteOptions, warnings: string[], verb: 'create' | 'update' | 'patch'): KubeObject {
    const { value, unknownFields } = this.state.schemas.prune(type, obj);
    const mode = options.internal ? 'Ignore' : (options.fieldValidation ?? 'Warn');
    if (unknownFields.length && mode === 'Strict') {
      const list = unknownFields.map((f) => `unknown field "${f}"`).join(', ');
      if (verb === 'patch') {
        throw invalid(kindLabel(type), obj.metadata.name ?? '', [fieldError.invalid('patch', '', `strict decoding error: ${list}`)], type.group, type.kind);
      }
      throw badRequest(`${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: strict decoding error: ${list}`);
    }
    if (unknownFields.length && mode === 'Warn') warnings.push(...unknownFields.map((f) => `unknown field "${f}"`));
    return this.state.schemas.applyDefaults(type, value);
  }

  private validate(type: ResourceType, obj: KubeObject, old: KubeObject | undefined, statusWrite: boolean, warnings: string[], extra: FieldError[] = []): void {
    const meta = validateObjectMeta(obj.metadata, type.nameRule, type.builtin);
    warnings.push(...meta.warnings);
    const errors = [
      ...extra,
      ...meta.errors,
      ...this.state.schemas.validate(type, obj, old),
      ...(type.strategy.validate?.(obj, { operation: old ? 'update' : 'create', old, statusWrite }) ?? []),
    ];
    if (errors.length) throw invalid(kindLabel(type), obj.metadata.name ?? '', errors, type.group, type.kind);
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
          name: obj.metadata.name,
          group: type.group || undefined,
          kind: type.plural,
          causes: [{ reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' }],
        },
      );
    }
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
