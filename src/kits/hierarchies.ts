/**
 * Hierarchies of objects: the helpers that make an object a child of another before it is created —
 * owned by it (so the garbage collector deletes it with its parent), named after it, in its namespace,
 * with its labels. They change the given plain objects in place and call no API.
 *
 * The owner, labels, name and namespace default to the object being handled when the argument is
 * omitted, so inside a resource handler `kopf.adopt(child)` is enough. JavaScript cannot tell an
 * omitted argument from an explicit `undefined`, so `undefined` counts as omitted; `null` (where a
 * type allows it) is an explicit "none".
 */
import type { ObjectReference } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { KubernetesObject } from '../registry/objects.ts';
import { currentScope } from '../engine/handling-scope.ts';

/** The objects the helpers change: one plain object, or an array of them at any depth. */
export type HierarchyObjects = KubernetesObject | readonly HierarchyObjects[];

/** What the helpers read from an owner: any object body as the API server returns it. */
export interface OwnerBody {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; uid?: string; labels?: { [key: string]: string } };
}

/** Options of `appendOwnerReference()` and `buildOwnerReference()`. */
export interface OwnerReferenceOptions {
  /** Mark the owner as the managing controller; default `true`. */
  controller?: boolean;
  /** Keep the owner from being deleted (foreground deletion) before this child is gone; default `true`. */
  blockOwnerDeletion?: boolean;
}

/** Options of `label()`. */
export interface LabelOptions {
  /** Overwrite labels the objects already have with other values; default `false` (theirs win). */
  forced?: boolean;
  /**
   * Dotted paths of embedded objects to label too, e.g. `'spec.template'` (a Deployment's pods) or
   * `['spec.template', 'spec.jobTemplate.spec.template']`: each one, when present, gets the labels in its
   * own `metadata.labels`.
   */
  nested?: string | readonly string[];
}

/** Options of `harmonizeNaming()`. */
export interface NamingOptions {
  /** Rename objects that already have a `name` or `generateName`; default `false`. */
  forced?: boolean;
  /** Use the name as it is (`metadata.name`); default `false`: as a prefix (`metadata.generateName: '<name>-'`). */
  strict?: boolean;
}

/** Options of `adjustNamespace()`. */
export interface NamespaceOptions {
  /** Move objects that already have a namespace; default `false`. */
  forced?: boolean;
}

/** Options of `adopt()`: those of the naming, namespace and label steps. */
export interface AdoptOptions {
  /** Overwrite names, namespaces and labels the objects already have; default `false`. */
  forced?: boolean;
  /** Name the objects exactly as the owner instead of with the owner's name as a prefix. */
  strict?: boolean;
  /** Embedded objects that get the owner's labels too (see `LabelOptions.nested`). */
  nested?: string | readonly string[];
}

type Fields = Record<string, unknown>;

/**
 * Adds a reference to `owner` (default: the object being handled) to each object's
 * `metadata.ownerReferences`, unless one with the owner's uid is there already. Returns `objs`.
 */
export function appendOwnerReference<T extends HierarchyObjects>(objs: T, owner?: OwnerBody, options: OwnerReferenceOptions = {}): T {
  const fn = 'appendOwnerReference';
  appendReference(fn, objs, ownerOrHandled(fn, owner), options);
  return objs;
}

/** Removes the references to `owner` (default: the object being handled) from each object. Returns `objs`. */
export function removeOwnerReference<T extends HierarchyObjects>(objs: T, owner?: OwnerBody): T {
  const fn = 'removeOwnerReference';
  const { uid } = ownerReference(fn, ownerOrHandled(fn, owner), {});
  for (const obj of eachObject(fn, objs)) {
    if (obj.metadata === undefined) continue;
    const references = ownerReferencesIn(fn, metadataOf(fn, obj));
    if (!references) continue;
    // In place: the caller may hold the array itself.
    const kept = references.filter((reference) => referenceUid(reference) !== uid);
    references.splice(0, references.length, ...kept);
  }
  return objs;
}

/**
 * Sets `labels` (default: the labels of the object being handled) on each object and on its `nested`
 * objects. Labels the objects already have are kept unless `forced`. Returns `objs`.
 */
export function label<T extends HierarchyObjects>(objs: T, labels?: { [key: string]: string }, options: LabelOptions = {}): T {
  const fn = 'label';
  const target = labels === undefined ? (handledObject(fn, 'labels').metadata?.labels ?? {}) : labels;
  applyLabels(fn, objs, target, options);
  return objs;
}

/**
 * Names each object after `name` (default: the name of the object being handled): as a prefix for the
 * API server to complete (`generateName: '<name>-'`), or exactly with `strict`. Objects that already
 * have a `name` or `generateName` keep it unless `forced`. Returns `objs`.
 */
export function harmonizeNaming<T extends HierarchyObjects>(objs: T, name?: string, options: NamingOptions = {}): T {
  const fn = 'harmonizeNaming';
  applyName(fn, objs, name === undefined ? handledObject(fn, 'name').metadata?.name : name, options);
  return objs;
}

/**
 * Puts each object into `namespace` (default: the namespace of the object being handled) unless it has
 * one already (or `forced`). `null`, like a cluster-scoped object being handled, means no namespace:
 * objects without one keep none, and `forced` removes theirs. Returns `objs`.
 */
export function adjustNamespace<T extends HierarchyObjects>(objs: T, namespace?: string | null, options: NamespaceOptions = {}): T {
  const fn = 'adjustNamespace';
  const target = namespace === undefined ? handledObject(fn, 'namespace').metadata?.namespace : namespace;
  applyNamespace(fn, objs, target ?? null, options);
  return objs;
}

/**
 * Makes each object a child of `owner` (default: the object being handled): owned by it (a controller
 * reference that blocks its deletion), named after it, in its namespace, with its labels. Names,
 * namespaces and labels the objects already have are kept unless `forced`. Returns `objs`, so a new
 * child can be adopted where it is written: `await api.create(kopf.adopt({ kind: 'Pod', … }))`.
 */
export function adopt<T extends HierarchyObjects>(objs: T, owner?: OwnerBody, options: AdoptOptions = {}): T {
  const fn = 'adopt';
  const parent = ownerOrHandled(fn, owner);
  appendReference(fn, objs, parent, {});
  applyName(fn, objs, parent.metadata?.name, { forced: options.forced, strict: options.strict });
  applyNamespace(fn, objs, parent.metadata?.namespace ?? null, { forced: options.forced });
  applyLabels(fn, objs, parent.metadata?.labels ?? {}, { forced: options.forced, nested: options.nested });
  return objs;
}

/** A reference to the object (`apiVersion`, `kind`, `name`, `uid`, `namespace`), with empty fields left out. */
export function buildObjectReference(body: OwnerBody): ObjectReference {
  const { apiVersion, kind } = body;
  const { name, uid, namespace } = body.metadata ?? {};
  return {
    ...(apiVersion ? { apiVersion } : {}),
    ...(kind ? { kind } : {}),
    ...(name ? { name } : {}),
    ...(uid ? { uid } : {}),
    ...(namespace ? { namespace } : {}),
  };
}

/**
 * An owner reference to the object, for a child's `metadata.ownerReferences`. The object must carry
 * `apiVersion`, `kind`, `metadata.name` and `metadata.uid` (an object read from the API server does; one
 * not created yet has no uid): an error names what is missing.
 */
export function buildOwnerReference(body: OwnerBody, options: OwnerReferenceOptions = {}): OwnerReference {
  return ownerReference('buildOwnerReference', body, options);
}

function ownerReference(fn: string, body: OwnerBody, options: OwnerReferenceOptions): OwnerReference {
  const { apiVersion, kind } = body;
  const { name, uid } = body.metadata ?? {};
  if (!apiVersion || !kind || !name || !uid) {
    const fields = Object.entries({ apiVersion, kind, 'metadata.name': name, 'metadata.uid': uid }).filter(([, value]) => !value);
    throw new Error(`kopf.${fn}(): the owner has no ${fields.map(([field]) => field).join(', ')}; an owner must be an object read from the cluster.`);
  }
  const { controller = true, blockOwnerDeletion = true } = options;
  return { controller, blockOwnerDeletion, apiVersion, kind, name, uid };
}

/** The body of the object being handled, for a default; a clear error outside of resource handlers. */
function handledObject(fn: string, what: string): OwnerBody {
  const body = currentScope()?.object?.body;
  if (!body) {
    throw new Error(`kopf.${fn}() needs the ${what} when no object is being handled: pass it, or call kopf.${fn}() inside a resource handler.`);
  }
  return body as OwnerBody;
}

function ownerOrHandled(fn: string, owner: OwnerBody | undefined): OwnerBody {
  return owner ?? handledObject(fn, 'owner');
}

function appendReference(fn: string, objs: HierarchyObjects, owner: OwnerBody, options: OwnerReferenceOptions): void {
  const { uid } = ownerReference(fn, owner, options);
  for (const obj of eachObject(fn, objs)) {
    const metadata = metadataOf(fn, obj);
    const references = ownerReferencesIn(fn, metadata) ?? (metadata.ownerReferences = []);
    // A fresh reference per object: children must not share one mutable entry.
    if (!references.some((reference) => referenceUid(reference) === uid)) references.push(ownerReference(fn, owner, options));
  }
}

function applyLabels(fn: string, objs: HierarchyObjects, labels: { [key: string]: string }, options: LabelOptions): void {
  const nested = typeof options.nested === 'string' ? [options.nested] : (options.nested ?? []);
  for (const obj of eachObject(fn, objs)) {
    const targets = [obj, ...nested.map((path) => resolvePath(obj, path)).filter(isFields)];
    for (const target of targets) {
      const existing = childFields(fn, metadataOf(fn, target), 'labels');
      for (const [key, value] of Object.entries(labels)) {
        if (options.forced || !Object.hasOwn(existing, key)) existing[key] = value;
      }
    }
  }
}

function applyName(fn: string, objs: HierarchyObjects, name: string | null | undefined, options: NamingOptions): void {
  if (!name) throw new Error(`kopf.${fn}() has no name to name the objects after: pass one explicitly.`);
  for (const obj of eachObject(fn, objs)) {
    const metadata = metadataOf(fn, obj);
    const named = Object.hasOwn(metadata, 'name') || Object.hasOwn(metadata, 'generateName');
    if (named && !options.forced) continue;
    if (options.strict) {
      metadata.name = name;
      delete metadata.generateName;
    } else {
      metadata.generateName = `${name}-`;
      delete metadata.name;
    }
  }
}

function applyNamespace(fn: string, objs: HierarchyObjects, namespace: string | null, options: NamespaceOptions): void {
  for (const obj of eachObject(fn, objs)) {
    const metadata = metadataOf(fn, obj);
    if (!options.forced && metadata.namespace != null) continue;
    if (namespace === null) delete metadata.namespace;
    else metadata.namespace = namespace;
  }
}

/** The plain objects in `objs`, arrays flattened at any depth. */
function* eachObject(fn: string, objs: unknown): Generator<Fields> {
  if (Array.isArray(objs)) {
    for (const item of objs) yield* eachObject(fn, item);
  } else if (isFields(objs)) {
    yield objs;
  } else {
    throw new TypeError(`kopf.${fn}() works on objects and arrays of them, not on ${objs === null ? 'null' : typeof objs}.`);
  }
}

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a dotted path, or undefined when a step is missing or not an object. */
function resolvePath(obj: Fields, path: string): unknown {
  let current: unknown = obj;
  for (const key of path.split('.')) {
    if (!isFields(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

/** `obj.metadata`, created when absent. */
function metadataOf(fn: string, obj: Fields): Fields {
  return childFields(fn, obj, 'metadata');
}

/** `parent[key]` as an object, created when absent; anything else there is an error, not overwritten. */
function childFields(fn: string, parent: Fields, key: string): Fields {
  if (parent[key] === undefined) parent[key] = {};
  const child = parent[key];
  if (!isFields(child)) throw new TypeError(`kopf.${fn}(): ${key} is not an object in ${JSON.stringify(parent)}.`);
  return child;
}

/** The metadata's `ownerReferences`, or undefined when absent. */
function ownerReferencesIn(fn: string, metadata: Fields): unknown[] | undefined {
  const references = metadata.ownerReferences;
  if (references !== undefined && !Array.isArray(references)) throw new TypeError(`kopf.${fn}(): metadata.ownerReferences is not an array.`);
  return references;
}

function referenceUid(reference: unknown): unknown {
  return isFields(reference) ? reference.uid : undefined;
}
