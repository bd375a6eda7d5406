import type { ResourceType, Strategy } from '../resource-type.ts';

const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** The shape of a built-in kind's entry: only what differs from the common defaults. */
export interface BuiltinSpec {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs?: string[];
  status?: boolean;
  scale?: ResourceType['scale'];
  extraSubresources?: string[];
  tracksGeneration?: boolean;
  generationCountsAnnotations?: boolean;
  requiresResourceVersionOnUpdate?: boolean;
  createOnUpdate?: boolean;
  returnsDeletedObject?: boolean;
  gracefulDeletion?: boolean;
  defaultPropagation?: 'Background' | 'Orphan';
  nameRule?: ResourceType['nameRule'];
  ephemeral?: boolean;
  strategy?: Strategy;
}

/** Expands a built-in's spec into a full resource type with the common defaults. */
export function builtin(spec: BuiltinSpec): ResourceType {
  return {
    group: spec.group,
    version: spec.version,
    plural: spec.plural,
    singular: spec.kind.toLowerCase(),
    kind: spec.kind,
    listKind: `${spec.kind}List`,
    namespaced: spec.namespaced,
    shortNames: spec.shortNames ?? [],
    categories: spec.categories ?? [],
    verbs: spec.verbs ?? (spec.ephemeral ? ['create'] : allVerbs),
    status: spec.status ?? false,
    scale: spec.scale,
    extraSubresources: spec.extraSubresources ?? [],
    tracksGeneration: spec.tracksGeneration ?? false,
    generationCountsAnnotations: spec.generationCountsAnnotations,
    requiresResourceVersionOnUpdate: spec.requiresResourceVersionOnUpdate ?? false,
    createOnUpdate: spec.createOnUpdate ?? false,
    returnsDeletedObject: spec.returnsDeletedObject ?? false,
    gracefulDeletion: spec.gracefulDeletion ?? false,
    defaultPropagation: spec.defaultPropagation ?? 'Background',
    nameRule: spec.nameRule ?? 'subdomain',
    ephemeral: spec.ephemeral ?? false,
    builtin: true,
    strategy: spec.strategy ?? {},
    storageVersion: spec.version,
  };
}

/** Sets `obj[key]` when it is absent: the server's defaulting idiom. */
export function setDefault<T extends Record<string, unknown>>(obj: T, key: string, value: unknown): void {
  if (obj[key] === undefined || obj[key] === null) (obj as Record<string, unknown>)[key] = value;
}

/** The record at `obj[key]`, created empty when missing. */
export function child(obj: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = obj[key];
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  const created: Record<string, unknown> = {};
  obj[key] = created;
  return created;
}

/** The record at `obj[key]` if it is one. */
export function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => !!record(v)) : [];
}
