/**
 * The URL path of a resource, a collection or an object:
 * `/api/v1/namespaces/ns/pods/p1/status`, `/apis/kopf.dev/v1/kopfexamples`.
 */
import type { Resource } from './resource-selector.ts';

/** What a path needs to know of a resource. */
export type PathResource = Pick<Resource, 'group' | 'version' | 'plural' | 'namespaced'>;

/**
 * The path of a resource's collection (no name) or one object (a name), in a
 * namespace or across all of them (no namespace). A namespace given for a
 * cluster-scoped resource, or a subresource without a name, is an error.
 */
export function resourcePath(resource: PathResource, where: { namespace?: string; name?: string; subresource?: string } = {}): string {
  const { namespace, name, subresource } = where;
  if (!resource.namespaced && namespace !== undefined) {
    throw new Error(`${resource.plural}${resource.group ? `.${resource.group}` : ''} is cluster-scoped: it has no namespace "${namespace}"`);
  }
  // An empty name would silently turn an object's path into its collection's.
  if (name === '' || namespace === '') throw new Error(`an object name or namespace must not be empty`);
  if (subresource !== undefined && name === undefined) throw new Error(`the subresource "${subresource}" needs an object name`);
  const segments = [resource.group ? `/apis/${resource.group}/${resource.version}` : `/api/${resource.version}`];
  if (namespace !== undefined) segments.push(`namespaces/${encodeURIComponent(namespace)}`);
  segments.push(resource.plural);
  if (name !== undefined) segments.push(encodeURIComponent(name));
  if (subresource !== undefined) segments.push(subresource);
  return segments.join('/');
}
