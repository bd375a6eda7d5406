import { jsonEqual } from '../../core/json.ts';
import { compareObjects } from './compare.ts';
import { applyConflictError } from './conflicts.ts';
import { FieldSet } from './field-set.ts';
import { isJsonMap, type FieldType } from './field-type.ts';
import { managerIdentity, type ManagerFields, type Managers } from './managed-fields.ts';
import { mergeValues } from './merge.ts';
import { fieldSetOf } from './object-fields.ts';
import { removeFields, withNamedFields } from './remove.ts';

/** Who writes, through which endpoint, and what the write path does to the object. */
export interface WriteContext {
  fieldType: FieldType;
  manager: string;
  /** The apiVersion of the request, recorded with the manager. */
  apiVersion: string;
  subresource?: 'status';
  /**
   * Top-level fields the endpoint discards from the request (`status` through
   * the main endpoint of a kind with a status subresource, `spec` through
   * `/status`): nobody gains or loses ownership of them by this write.
   */
  resetFields: readonly string[];
  /** The write's timestamp, recorded when it changes the object. */
  now: string;
}

const serverOwnedMetadata = ['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'];

/** Server-owned fields that no manager ever owns (upstream strips them from every write's set). */
const serverOwned = FieldSet.of([
  [{ field: 'apiVersion' }],
  [{ field: 'kind' }],
  [{ field: 'metadata' }],
  ...serverOwnedMetadata.map((name) => [{ field: 'metadata' }, { field: name }]),
]);

function withoutReset(set: FieldSet, resetFields: readonly string[]): FieldSet {
  return resetFields.reduce((rest, field) => rest.without([{ field }]), set);
}

function withoutResetValues(value: unknown, resetFields: readonly string[]): unknown {
  if (!isJsonMap(value)) return value;
  const rest = { ...value };
  for (const field of resetFields) delete rest[field];
  return rest;
}

function copyManagers(managers: Managers): Managers {
  const copy: Managers = new Map();
  for (const [id, m] of managers) copy.set(id, { ...m });
  return copy;
}

function dropEmpty(managers: Managers): Managers {
  for (const [id, m] of managers) if (m.fields.empty) managers.delete(id);
  return managers;
}

/** What a write changed outside the reset fields and the server-owned ones: set or modified, and removed. */
export interface WriteChanges {
  changed: FieldSet;
  removed: FieldSet;
}

export function changesOf(before: unknown, after: unknown, context: WriteContext): WriteChanges {
  const comparison = compareObjects(before, after, context.fieldType, { fields: context.resetFields, members: serverOwned });
  return { changed: comparison.modified.union(comparison.added), removed: comparison.removed };
}

/**
 * Whether a write leaves a manager's set as it is: it changes only fields in
 * `owned` (a `fieldsV1` document) and removes none. This answers, with
 * nothing decoded, the common update of an object whose only manager is the
 * writer: `recordUpdate` would give it back the same set.
 */
export function keepsOwnedFields({ changed, removed }: WriteChanges, owned: Readonly<Record<string, unknown>>): boolean {
  return removed.empty && changed.isWithin(owned);
}

/**
 * The managers after a create, update or non-apply patch (operation
 * `Update`): the writer takes every field it set or changed, from whoever
 * owned it; fields it removed leave their owners. A write that changes
 * nothing leaves the managers, timestamps included, as they were.
 */
export function recordUpdate(
  context: WriteContext,
  before: unknown,
  after: unknown,
  managers: Managers,
  { changed, removed }: WriteChanges = changesOf(before, after, context),
): Managers {
  const result = copyManagers(managers);
  const lost = changed.union(removed);
  for (const m of result.values()) m.fields = m.fields.difference(lost);
  if (!changed.empty) {
    const writer: ManagerFields = { manager: context.manager, operation: 'Update', apiVersion: context.apiVersion, fields: changed, time: context.now };
    if (context.subresource) writer.subresource = context.subresource;
    const id = managerIdentity(writer);
    const previous = result.get(id);
    if (previous) writer.fields = previous.fields.union(changed);
    // A writer that takes back what it had keeps its set, and with it the set's fieldsV1 document.
    const had = managers.get(id)?.fields;
    if (had && writer.fields.equals(had)) writer.fields = had;
    result.set(id, writer);
  }
  return dropEmpty(result);
}

/** The outcome of a server-side apply: the object to write and its managers. */
export interface ApplyResult {
  /** Shares the parts it did not change with the live object and the configuration: copy before changing it. */
  object: Record<string, unknown>;
  managers: Managers;
}

/**
 * Server-side apply of a configuration to a live object, or to nothing (a
 * create). The applier's fields become exactly those of the configuration;
 * fields it applied last time and no longer does are removed unless another
 * manager owns them. A changed field that another manager owns is a
 * conflict (409) unless `force`, which moves it to the applier
 * (apiserver-spec §5.4). When every conflict is among the `tolerated`
 * fields, the apply goes on as if forced.
 */
export function applyConfiguration(
  context: WriteContext,
  live: Record<string, unknown> | undefined,
  config: Record<string, unknown>,
  managers: Managers,
  force: boolean,
  tolerated: FieldSet = new FieldSet(),
): ApplyResult {
  const result = copyManagers(managers);
  const applier: ManagerFields = {
    manager: context.manager,
    operation: 'Apply',
    apiVersion: context.apiVersion,
    fields: withoutReset(fieldSetOf(config, context.fieldType), context.resetFields),
  };
  if (context.subresource) applier.subresource = context.subresource;
  const id = managerIdentity(applier);
  const previous = result.get(id);
  if (previous?.time !== undefined) applier.time = previous.time;
  result.set(id, applier);

  let merged = mergeValues(live, config, context.fieldType) as Record<string, unknown>;
  if (live && previous && !previous.fields.empty) {
    const owned = [...result.values()].reduce((all, m) => all.union(m.fields), new FieldSet());
    const dropped = withNamedFields(previous.fields, context.fieldType).difference(withNamedFields(owned, context.fieldType));
    merged = removeFields(merged, dropped, context.fieldType) as Record<string, unknown>;
  }

  if (live) {
    const { changed, removed } = changesOf(live, merged, context);
    const conflicts: Array<{ manager: ManagerFields; fields: FieldSet }> = [];
    for (const [otherId, other] of result) {
      if (otherId === id) continue;
      const taken = other.fields.intersection(changed);
      if (!taken.empty) conflicts.push({ manager: other, fields: taken });
    }
    const refused = conflicts.map((c) => ({ ...c, fields: c.fields.difference(tolerated) })).filter((c) => !c.fields.empty);
    if (refused.length && !force) throw applyConflictError(refused);
    for (const [otherId, other] of result) {
      if (otherId !== id) other.fields = other.fields.difference(changed).difference(removed);
    }
  }
  applier.fields = applier.fields.difference(serverOwned);
  if (!live || !jsonEqual(withoutResetValues(live, context.resetFields), withoutResetValues(merged, context.resetFields))) {
    applier.time = context.now;
  }
  return { object: merged, managers: dropEmpty(result) };
}
