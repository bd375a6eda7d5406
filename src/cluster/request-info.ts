/**
 * Parsing of resource URLs (apiserver-spec §2.1) into what a request is
 * about: group, version, namespace, resource, name, subresource and verb.
 */

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceRequest {
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
  verb: Verb;
  /** Came through the deprecated `/watch/` prefix. */
  watchPath: boolean;
}

const namespaceSubresources = new Set(['status', 'finalize']);

/**
 * Parses `/api/v1/...` and `/apis/{g}/{v}/...`; returns undefined for paths
 * that are not resource paths (discovery and others are routed elsewhere).
 */
export function parseResourcePath(method: string, path: string, query: URLSearchParams): ResourceRequest | undefined {
  const parts: string[] = [];
  for (const segment of path.split('/')) {
    // Most segments have nothing escaped: decoding is skipped for them (it is a noticeable part of a request).
    if (segment !== '') parts.push(segment.includes('%') ? decodeURIComponent(segment) : segment);
  }
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else return undefined;

  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  const isNamespaceObjectPath =
    group === '' && rest[0] === 'namespaces' && (rest.length <= 2 || (rest.length === 3 && namespaceSubresources.has(rest[2])));
  if (rest[0] === 'namespaces' && rest.length >= 3 && !isNamespaceObjectPath) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  if (rest.length === 0 || rest.length > 3) return undefined;
  const [resource, name, subresource] = rest;
  const watchParameter = query.get('watch');
  const watch = watchPath || watchParameter === 'true' || watchParameter === '1';
  let verb: Verb;
  switch (method) {
    case 'GET':
      verb = name === undefined ? (watch ? 'watch' : 'list') : watch ? 'watch' : 'get';
      break;
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = name === undefined ? 'deletecollection' : 'delete';
      break;
    default:
      return undefined;
  }
  return { group, version, namespace, resource, name, subresource, verb, watchPath };
}
