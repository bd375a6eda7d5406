import { FieldSet } from './field-set.ts';

/** One entry of `metadata.managedFields` (apiserver-spec §3.1). */
export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

/** A manager's fields and how it wrote them; one per manager, operation, subresource (and apiVersion for updates). */
export interface ManagerFields {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
  time?: string;
  fields: FieldSet;
}

/** All managers of an object, by identity. */
export type Managers = Map<string, ManagerFields>;

/**
 * What makes two writes the same manager: its name, operation and
 * subresource, and for updates the apiVersion written (an applier stays
 * itself whatever version it applies). Upstream keys managers by this JSON
 * text and sorts conflict messages by it.
 */
export function managerIdentity(manager: Pick<ManagerFields, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  // The JSON text of {manager, operation, apiVersion?, subresource?}, written out: it is made several times per write.
  let text = `{"manager":${JSON.stringify(manager.manager)},"operation":${JSON.stringify(manager.operation)}`;
  if (manager.operation === 'Update') text += `,"apiVersion":${JSON.stringify(manager.apiVersion)}`;
  if (manager.subresource) text += `,"subresource":${JSON.stringify(manager.subresource)}`;
  return `${text}}`;
}

function isEmptyEntry(entry: Record<string, unknown>): boolean {
  return !entry.manager && !entry.operation && (entry.fieldsV1 === undefined || Object.keys(entry.fieldsV1 as object).length === 0);
}

/**
 * Reads `managedFields` into managers. Entries without a manager and without
 * fields (`[{}]`, the documented way to clear them) are dropped. Returns
 * undefined when the list is not one upstream accepts (a bad operation or
 * fields document), so the caller keeps the stored managers instead.
 */
export function decodeManagedFields(value: unknown): Managers | undefined {
  if (!Array.isArray(value)) return undefined;
  const managers: Managers = new Map();
  for (const raw of value) {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
    const entry = raw as Record<string, unknown>;
    if (isEmptyEntry(entry)) continue;
    if (entry.operation !== 'Apply' && entry.operation !== 'Update') return undefined;
    if (entry.fieldsType !== undefined && entry.fieldsType !== 'FieldsV1') return undefined;
    let fields: FieldSet;
    try {
      fields = FieldSet.fromFieldsV1(entry.fieldsV1 ?? {});
    } catch {
      return undefined;
    }
    const decoded: ManagerFields = {
      manager: typeof entry.manager === 'string' ? entry.manager : '',
      operation: entry.operation,
      apiVersion: typeof entry.apiVersion === 'string' ? entry.apiVersion : '',
      fields,
    };
    if (typeof entry.subresource === 'string' && entry.subresource) decoded.subresource = entry.subresource;
    if (typeof entry.time === 'string') decoded.time = entry.time;
    managers.set(managerIdentity(decoded), decoded);
  }
  return managers;
}

function seconds(time: string | undefined): number {
  return time === undefined ? 0 : Math.floor(Date.parse(time) / 1000);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Writes managers back as `managedFields`, in upstream's order: appliers
 * before updaters, then oldest first, then by manager, apiVersion and
 * subresource. Managers that own nothing are left out; no managers at all is
 * `undefined` (the field disappears).
 */
export function encodeManagedFields(managers: Managers): ManagedFieldsEntry[] | undefined {
  const entries = [...managers.values()]
    .filter((m) => !m.fields.empty)
    .sort(
      (p, q) =>
        compareText(p.operation, q.operation) ||
        seconds(p.time) - seconds(q.time) ||
        compareText(p.manager, q.manager) ||
        compareText(p.apiVersion, q.apiVersion) ||
        compareText(p.subresource ?? '', q.subresource ?? ''),
    )
    .map((m) => managedFieldsEntry(m, m.fields.toFieldsV1()));
  return entries.length ? entries : undefined;
}

/** One `managedFields` entry, its members in upstream's order. */
export function managedFieldsEntry(m: Omit<ManagerFields, 'fields'>, fieldsV1: Readonly<Record<string, unknown>>): ManagedFieldsEntry {
  return {
    manager: m.manager,
    operation: m.operation,
    apiVersion: m.apiVersion,
    ...(m.time !== undefined ? { time: m.time } : {}),
    fieldsType: 'FieldsV1',
    fieldsV1,
    ...(m.subresource ? { subresource: m.subresource } : {}),
  };
}
