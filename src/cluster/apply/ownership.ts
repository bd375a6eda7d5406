import { apiVersionOf, type KubeObject, type ResourceType } from '../resource-type.ts';
import { changesOf, keepsOwnedFields, recordUpdate, type WriteChanges, type WriteContext } from './field-manager.ts';
import { isJsonMap } from './field-type.ts';
import { decodeManagedFields, encodeManagedFields, managedFieldsEntry, type ManagedFieldsEntry, type Managers } from './managed-fields.ts';
import { emptyObjectOf, resourceFieldType } from './resource-field-types.ts';
import { writtenShape } from './written-shape.ts';
import { copyJson } from '../json-copy.ts';
import { jsonEqual } from '../../core/json.ts';

/** One write as the managed-fields bookkeeping sees it. */
export interface OwnershipWrite {
  /** The writer: the `fieldManager` parameter, else the User-Agent's product name. */
  manager: string;
  subresource?: 'status';
  /** The write's time (`metav1.Time`). */
  now: string;
  /** The `metadata.managedFields` of the request body, which replaces the stored ones when valid. */
  requested: unknown;
  /** The request body of a create, to tell fields the client sent from those the server assigned. */
  createBody?: KubeObject;
}

/**
 * Fields the REST layer assigns on create after upstream has recorded the
 * creator's fields, so nobody owns them unless the client sent them.
 */
const SERVER_ASSIGNED: Record<string, string[][]> = {
  '/Service': [['spec', 'clusterIP'], ['spec', 'clusterIPs'], ['spec', 'ipFamilies'], ['spec', 'ipFamilyPolicy']],
};

function readPath(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((node, field) => (isJsonMap(node) ? node[field] : undefined), value);
}

function writePath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const field of path.slice(0, -1)) {
    if (!isJsonMap(node[field])) node[field] = {};
    node = node[field] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = copyJson(value);
}

/** The manager name of a write: the `fieldManager` parameter, else the User-Agent up to its first `/` (§3.1). */
export function managerName(fieldManager: string | undefined, userAgent: string | undefined, internal: boolean): string {
  if (fieldManager) return fieldManager;
  const slash = userAgent?.indexOf('/') ?? -1;
  const product = slash < 0 ? (userAgent ?? '') : userAgent!.slice(0, slash);
  if (product) return product;
  return internal ? 'kube-apiserver' : 'unknown';
}

/** The top-level fields an endpoint discards: `status` through the main endpoint (when a subresource), `spec` through `/status`. */
export function resetFieldsOf(type: ResourceType, subresource: 'status' | undefined): string[] {
  if (subresource === 'status') return ['spec'];
  return type.status ? ['status'] : [];
}

/** The write context of the field-set machinery for a write to a resource. */
export function writeContextOf(type: ResourceType, manager: string, subresource: 'status' | undefined, now: string): WriteContext {
  return {
    fieldType: resourceFieldType(type),
    manager,
    apiVersion: apiVersionOf(type),
    ...(subresource ? { subresource } : {}),
    resetFields: resetFieldsOf(type, subresource),
    now,
  };
}

/** The managers recorded on a stored object (none when absent or unreadable). */
export function managersOf(obj: KubeObject | undefined): Managers {
  return decodeManagedFields(obj?.metadata.managedFields) ?? new Map();
}

/** Whether a write starts from the stored managers: through a subresource, or with a body that sent none or sent them back unchanged (as every patch does). */
function startsFromStored(stored: KubeObject | undefined, write: OwnershipWrite): boolean {
  const requested = write.requested;
  if (write.subresource || requested === undefined || requested === null) return true;
  return stored !== undefined && (requested === stored.metadata.managedFields || jsonEqual(requested, stored.metadata.managedFields));
}

/**
 * The common update, answered without decoding or encoding any field set:
 * the writer is the object's only manager (`stored`, the managers the write
 * starts from) and changes only fields it owns. Its entry stays, fieldsV1
 * document included, with the write's time (or all of it when nothing
 * changed). Undefined for every other write.
 */
function soleOwnerUpdate(context: WriteContext, stored: unknown[] | undefined, changes: WriteChanges): ManagedFieldsEntry[] | undefined {
  if (stored?.length !== 1) return undefined;
  const entry = stored[0] as ManagedFieldsEntry;
  // Only a document this code wrote (frozen) is known to be written the way encodeManagedFields would write it.
  if (
    entry.manager !== context.manager ||
    entry.operation !== 'Update' ||
    entry.apiVersion !== context.apiVersion ||
    (entry.subresource || undefined) !== context.subresource ||
    !Object.isFrozen(entry.fieldsV1) ||
    !keepsOwnedFields(changes, entry.fieldsV1)
  ) {
    return undefined;
  }
  return changes.changed.empty ? (stored as ManagedFieldsEntry[]) : [managedFieldsEntry({ ...entry, time: context.now }, entry.fieldsV1)];
}

/** A set as a `fieldsV1` document, undefined when empty. */
type SetFields = Readonly<Record<string, unknown>> | undefined;

function fieldsOf({ changed }: WriteChanges): SetFields {
  return changed.empty ? undefined : changed.toFieldsV1();
}

/**
 * The managed fields of a write to an object that has no managers (most creates): the writer's entry alone,
 * holding everything it set (`fieldsV1`). The same as `recordUpdate` and `encodeManagedFields` would answer
 * from no managers, without their maps; undefined when the write set nothing.
 */
function firstWriterEntries(context: WriteContext, fieldsV1: SetFields): ManagedFieldsEntry[] | undefined {
  if (!fieldsV1) return undefined;
  const writer = { manager: context.manager, operation: 'Update', apiVersion: context.apiVersion, time: context.now, subresource: context.subresource } as const;
  return [managedFieldsEntry(writer, fieldsV1)];
}

/** What creates set, by resource and then by `writtenShape` (null: nothing), for a bounded number of shapes. */
const createdFieldsByShape = new WeakMap<ResourceType, Map<string, SetFields | null>>();
const shapesKept = 256;

/**
 * What a create set, compared with its baseline. Compared with the kind's empty object, as most creates
 * are, it is remembered by the shape of the object: the creates of a kind mostly write one shape, and the
 * comparison walk and the new document were the largest part of a small create's own work.
 */
function createdFields(type: ResourceType, context: WriteContext, baseline: Readonly<Record<string, unknown>>, after: KubeObject): SetFields {
  const empty = emptyObjectOf(type);
  // Through the main endpoint (every create) a resource's reset fields are always the same: the resource keys them.
  const shape = baseline === empty && !context.subresource ? writtenShape(after, empty) : undefined;
  if (shape === undefined) return fieldsOf(changesOf(baseline, after, context));
  let byShape = createdFieldsByShape.get(type);
  if (!byShape) createdFieldsByShape.set(type, (byShape = new Map()));
  const known = byShape.get(shape);
  if (known !== undefined) return known ?? undefined;
  const fields = fieldsOf(changesOf(baseline, after, context));
  if (byShape.size >= shapesKept) byShape.clear();
  byShape.set(shape, fields ?? null);
  return fields;
}

/** What a create is compared with: the kind's empty object plus what the server assigned. */
function createBaseline(type: ResourceType, created: KubeObject, body: KubeObject | undefined): Readonly<Record<string, unknown>> {
  const empty = emptyObjectOf(type);
  const assignedPaths = (SERVER_ASSIGNED[`${type.group}/${type.kind}`] ?? []).filter((path) => readPath(created, path) !== undefined && readPath(body, path) === undefined);
  if (assignedPaths.length === 0) return empty;
  const baseline = copyJson(empty) as Record<string, unknown>;
  for (const path of assignedPaths) writePath(baseline, path, readPath(created, path));
  return baseline;
}

/**
 * `metadata.managedFields` after a create (`before` undefined), update or
 * non-apply patch: the writer's `Update` entry takes what it set or changed
 * (apiserver-spec §3.1, §5.4); undefined when nobody owns anything.
 */
export function managedFieldsAfterWrite(type: ResourceType, before: KubeObject | undefined, after: KubeObject, write: OwnershipWrite): ManagedFieldsEntry[] | undefined {
  const context = writeContextOf(type, write.manager, write.subresource, write.now);
  const baseline = before ?? createBaseline(type, after, write.createBody);
  // The managers the write starts from: those the client sent in the body when it sent a valid list (an empty
  // list or `[{}]` clears them), else the stored ones.
  const fromStored = startsFromStored(before, write);
  if (fromStored && before === undefined) return firstWriterEntries(context, createdFields(type, context, baseline, after));
  const changes = changesOf(baseline, after, context);
  if (fromStored) {
    const stored = before?.metadata.managedFields;
    if (!stored?.length) return firstWriterEntries(context, fieldsOf(changes));
    return soleOwnerUpdate(context, stored, changes) ?? encodeManagedFields(recordUpdate(context, baseline, after, managersOf(before), changes));
  }
  const managers = decodeManagedFields(write.requested) ?? managersOf(before);
  return managers.size === 0 ? firstWriterEntries(context, fieldsOf(changes)) : encodeManagedFields(recordUpdate(context, baseline, after, managers, changes));
}
