import { parseFieldSelector, matchFieldSelector } from '../core/field-selector.ts';
import { parseLabelSelector } from '../core/label-selector.ts';
import { badRequest } from './errors.ts';
import type { KubeObject, ResourceType } from './resource-type.ts';

export type ObjectFilter = (obj: KubeObject) => boolean;

/** The field getters a resource type supports in field selectors (apiserver-spec §8.5). */
function fieldGetters(type: ResourceType): Record<string, (obj: KubeObject) => string> {
  const getters: Record<string, (obj: KubeObject) => string> = {
    'metadata.name': (o) => o.metadata.name ?? '',
  };
  const isNamespaceKind = type.group === '' && type.plural === 'namespaces';
  if (type.namespaced || (type.builtin && !isNamespaceKind)) getters['metadata.namespace'] = (o) => o.metadata.namespace ?? '';
  Object.assign(getters, type.strategy.fieldSelectors);
  for (const path of type.selectableFields ?? []) {
    getters[path] = (o) => {
      const value = path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);
      return value === undefined || value === null ? '' : String(value);
    };
  }
  return getters;
}

/**
 * Compiles the `labelSelector` and `fieldSelector` query parameters into one
 * predicate, answering 400 for bad syntax or unsupported fields as upstream.
 */
export function compileFilter(type: ResourceType, labelSelector?: string, fieldSelector?: string): ObjectFilter {
  const filters: ObjectFilter[] = [];
  if (labelSelector) {
    let selector;
    try {
      selector = parseLabelSelector(labelSelector);
    } catch (e) {
      throw badRequest((e as Error).message);
    }
    filters.push((o) => selector.matches(o.metadata.labels ?? {}));
  }
  if (fieldSelector) {
    let requirements;
    try {
      requirements = parseFieldSelector(fieldSelector);
    } catch (e) {
      throw badRequest((e as Error).message);
    }
    const getters = fieldGetters(type);
    for (const r of requirements) {
      if (!getters[r.field]) {
        if (type.group === '' && type.plural === 'configmaps') {
          throw badRequest(`"${r.field}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
        }
        throw badRequest(`field label not supported: ${r.field}`);
      }
    }
    filters.push((o) => matchFieldSelector(requirements, (field) => getters[field](o)));
  }
  if (filters.length === 0) return () => true;
  if (filters.length === 1) return filters[0];
  return (o) => filters.every((f) => f(o));
}
